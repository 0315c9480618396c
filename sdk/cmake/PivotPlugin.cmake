# pivot_add_plugin(<name> SOURCES <files...> [LIBRARIES <targets...>])
#
# Builds a Pivot plugin: a loadable module named <name>.so with hidden
# symbols except the two the loader looks up. Our own plugins use this very
# function, as third-party plugins do against the installed SDK.
function(pivot_add_plugin name)
  cmake_parse_arguments(PARSE_ARGV 1 ARG "" "" "SOURCES;LIBRARIES")
  add_library(${name} MODULE ${ARG_SOURCES})
  set_target_properties(${name} PROPERTIES
    PREFIX ""
    C_VISIBILITY_PRESET hidden
    POSITION_INDEPENDENT_CODE ON)
  if(DEFINED PIVOT_PLUGIN_OUTPUT_DIR)
    set_target_properties(${name} PROPERTIES
      LIBRARY_OUTPUT_DIRECTORY ${PIVOT_PLUGIN_OUTPUT_DIR})
  endif()
  target_link_libraries(${name} PRIVATE Pivot::sdk ${ARG_LIBRARIES})
  # A plugin must resolve every symbol itself at load: fail the link, not the load.
  target_link_options(${name} PRIVATE -Wl,--no-undefined)
endfunction()

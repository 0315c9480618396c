# pivot_add_plugin(<name> SOURCES <files...> [LIBRARIES <targets...>] [INSTALL_DIR <dir>])
#
# Builds a Pivot plugin: a loadable module named <name>.so with hidden
# symbols except the two the loader looks up (pivot_plugin_magic and
# pivot_plugin_init), and installs it where pivotd looks for plugins. Our own
# plugins use this very function, as third-party plugins do against the
# installed SDK (find_package(PivotSDK)), in the way PostgreSQL's contrib
# modules and out-of-tree extensions share PGXS.
#
# The install directory is INSTALL_DIR if given, else PIVOT_PLUGIN_INSTALL_DIR:
# in the Pivot tree "lib/pivot" under the install prefix; from an installed
# SDK the plugin directory of that installation, so that `cmake --install`
# of a plugin puts it beside the bundled ones (set PIVOT_PLUGIN_INSTALL_DIR
# to stage it elsewhere).
if(NOT DEFINED PIVOT_PLUGIN_INSTALL_DIR)
  set(PIVOT_PLUGIN_INSTALL_DIR lib/pivot)
endif()

function(pivot_add_plugin name)
  cmake_parse_arguments(PARSE_ARGV 1 ARG "" "INSTALL_DIR" "SOURCES;LIBRARIES")
  if(NOT ARG_SOURCES)
    message(FATAL_ERROR "pivot_add_plugin(${name}): SOURCES is required")
  endif()
  add_library(${name} MODULE ${ARG_SOURCES})
  # pivotd loads every *.so of its plugin directory, whatever the platform calls modules.
  set_target_properties(${name} PROPERTIES
    PREFIX ""
    SUFFIX ".so"
    C_VISIBILITY_PRESET hidden
    CXX_VISIBILITY_PRESET hidden
    VISIBILITY_INLINES_HIDDEN ON
    POSITION_INDEPENDENT_CODE ON)
  if(DEFINED PIVOT_PLUGIN_OUTPUT_DIR)
    set_target_properties(${name} PROPERTIES
      LIBRARY_OUTPUT_DIRECTORY ${PIVOT_PLUGIN_OUTPUT_DIR})
  endif()
  target_link_libraries(${name} PRIVATE Pivot::sdk ${ARG_LIBRARIES})
  # A plugin must resolve every symbol itself at load: fail the link, not the load.
  target_link_options(${name} PRIVATE -Wl,--no-undefined)
  if(ARG_INSTALL_DIR)
    set(dest ${ARG_INSTALL_DIR})
  else()
    set(dest ${PIVOT_PLUGIN_INSTALL_DIR})
  endif()
  install(TARGETS ${name} LIBRARY DESTINATION ${dest})
endfunction()

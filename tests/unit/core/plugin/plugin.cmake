# The plugin loader (core/plugin/plugin_loader.c) against the deliberately
# broken plugins of tests/plugins, built here into test-plugins/.
set(_test_plugin_dir ${CMAKE_BINARY_DIR}/test-plugins)
set(_test_plugins no_magic wrong_abi larger_structs null_magic short_magic small_provider clash
    failing_init crash_init good missing_callback)
foreach(p IN LISTS _test_plugins)
  add_library(test_plugin_${p} MODULE ${CMAKE_SOURCE_DIR}/tests/plugins/${p}.c)
  set_target_properties(test_plugin_${p} PROPERTIES PREFIX "" OUTPUT_NAME ${p}
    C_VISIBILITY_PRESET hidden LIBRARY_OUTPUT_DIRECTORY ${_test_plugin_dir})
  target_link_libraries(test_plugin_${p} PRIVATE Pivot::sdk)
endforeach()

pivot_core_unit_test(plugin_loader)
foreach(p IN LISTS _test_plugins)
  add_dependencies(test_plugin_loader test_plugin_${p})
endforeach()
# Not a shared object at all, under a plugin's name.
file(WRITE ${_test_plugin_dir}/not_elf.so "this is not a shared object\n")
target_compile_definitions(test_plugin_loader PRIVATE TEST_PLUGIN_DIR="${_test_plugin_dir}")

# The registry of providers (core/plugin/registry.c): presets, clashes, refusals.
pivot_core_unit_test(registry)

# Core unit tests and the deliberately broken plugins the loader test loads.
set(_test_plugin_dir ${CMAKE_BINARY_DIR}/test-plugins)
set(_test_plugins no_magic wrong_abi larger_structs null_magic short_magic small_provider clash
    failing_init crash_init good missing_callback)
foreach(p IN LISTS _test_plugins)
  add_library(test_plugin_${p} MODULE ${CMAKE_SOURCE_DIR}/tests/plugins/${p}.c)
  set_target_properties(test_plugin_${p} PROPERTIES PREFIX "" OUTPUT_NAME ${p}
    C_VISIBILITY_PRESET hidden LIBRARY_OUTPUT_DIRECTORY ${_test_plugin_dir})
  target_link_libraries(test_plugin_${p} PRIVATE Pivot::sdk)
endforeach()

foreach(t plugin_loader jobstore request_select timeutil)
  add_executable(test_${t} ${CMAKE_CURRENT_LIST_DIR}/test_${t}.c)
  target_link_libraries(test_${t} PRIVATE pivot_core)
  target_include_directories(test_${t} PRIVATE ${CMAKE_CURRENT_LIST_DIR})
  add_test(NAME core_${t} COMMAND test_${t})
  set_tests_properties(core_${t} PROPERTIES TIMEOUT 60)
endforeach()
foreach(p IN LISTS _test_plugins)
  add_dependencies(test_plugin_loader test_plugin_${p})
endforeach()
# Not a shared object at all, under a plugin's name.
file(WRITE ${_test_plugin_dir}/not_elf.so "this is not a shared object\n")
target_compile_definitions(test_plugin_loader PRIVATE TEST_PLUGIN_DIR="${_test_plugin_dir}")

# Tests whose path mirrors the file they test: tests/unit/core/<layer>/test_x.c
# tests core/<layer>/x.c, and runs as core_<layer>_x.
foreach(t plugin/registry)
  get_filename_component(_name ${t} NAME)
  get_filename_component(_layer ${t} DIRECTORY)
  set(_target test_core_${_layer}_${_name})
  add_executable(${_target} ${CMAKE_CURRENT_LIST_DIR}/core/${_layer}/test_${_name}.c)
  target_link_libraries(${_target} PRIVATE pivot_core)
  target_include_directories(${_target} PRIVATE ${CMAKE_CURRENT_LIST_DIR})
  add_test(NAME core_${_layer}_${_name} COMMAND ${_target})
  set_tests_properties(core_${_layer}_${_name} PROPERTIES TIMEOUT 60)
endforeach()

# Core unit tests and the deliberately broken plugins the loader test loads.
set(_test_plugin_dir ${CMAKE_BINARY_DIR}/test-plugins)
foreach(p no_magic wrong_abi failing_init good)
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
add_dependencies(test_plugin_loader test_plugin_no_magic test_plugin_wrong_abi
                 test_plugin_failing_init test_plugin_good)
target_compile_definitions(test_plugin_loader PRIVATE TEST_PLUGIN_DIR="${_test_plugin_dir}")

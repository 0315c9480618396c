# The detail of a completed job's result as json_out.c writes it.
add_executable(test_result_detail ${CMAKE_CURRENT_LIST_DIR}/test_result_detail.c)
target_link_libraries(test_result_detail PRIVATE pivot_core)
target_include_directories(test_result_detail PRIVATE ${CMAKE_CURRENT_LIST_DIR})
add_test(NAME core_result_detail COMMAND test_result_detail)
set_tests_properties(core_result_detail PROPERTIES TIMEOUT 60)

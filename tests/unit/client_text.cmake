# What of a job's error message reaches its client (client_text.c).
add_executable(test_client_text ${CMAKE_CURRENT_LIST_DIR}/test_client_text.c)
target_link_libraries(test_client_text PRIVATE pivot_core)
target_include_directories(test_client_text PRIVATE ${CMAKE_CURRENT_LIST_DIR})
add_test(NAME core_client_text COMMAND test_client_text)
set_tests_properties(core_client_text PROPERTIES TIMEOUT 60)

# The `signals` member of a job request against channel descriptions, with
# the unsupported fields a source lists.
add_executable(test_request_signals ${CMAKE_CURRENT_LIST_DIR}/test_request_signals.c)
target_link_libraries(test_request_signals PRIVATE pivot_core)
target_include_directories(test_request_signals PRIVATE ${CMAKE_CURRENT_LIST_DIR})
add_test(NAME core_request_signals COMMAND test_request_signals)
set_tests_properties(core_request_signals PROPERTIES TIMEOUT 60)

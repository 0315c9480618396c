# Quotas: the submission decision, the usage ledger and the running cap of the claim.
add_executable(test_quota ${CMAKE_CURRENT_LIST_DIR}/test_quota.c)
target_link_libraries(test_quota PRIVATE pivot_core)
target_include_directories(test_quota PRIVATE ${CMAKE_CURRENT_LIST_DIR})
add_test(NAME core_quota COMMAND test_quota)
set_tests_properties(core_quota PROPERTIES TIMEOUT 60)

# The durations of settings and options (core/util/duration.c): ISO 8601 and
# the short forms 90s/15m/12h/7d/2w.
add_executable(test_duration ${CMAKE_CURRENT_LIST_DIR}/test_duration.c
                             ${PROJECT_SOURCE_DIR}/core/util/duration.c)
target_include_directories(test_duration PRIVATE ${CMAKE_CURRENT_LIST_DIR}
                                                 ${PROJECT_SOURCE_DIR}/core/util)
target_link_libraries(test_duration PRIVATE Pivot::grammar)
add_test(NAME grammar_duration COMMAND test_duration)
set_tests_properties(grammar_duration PROPERTIES TIMEOUT 30)

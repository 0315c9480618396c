# Tests of the timespec plugin: its two grammars compiled in directly, and
# the loaded plugin resolving whole time_range objects.
set(_ts_dir ${PROJECT_SOURCE_DIR}/plugins/timespec)

add_executable(test_timespec_rfc3339 unit/test_timespec_rfc3339.c ${_ts_dir}/rfc3339.c
                                     ${_ts_dir}/quote.c)
add_executable(test_timespec_duration unit/test_timespec_duration.c ${_ts_dir}/iso_duration.c
                                      ${_ts_dir}/quote.c)
add_executable(test_timespec_parsers unit/test_timespec_parsers.c)
target_compile_definitions(test_timespec_parsers PRIVATE
                           TIMESPEC_PLUGIN_PATH="$<TARGET_FILE:timespec>")
target_link_libraries(test_timespec_parsers PRIVATE pv_json_access ${CMAKE_DL_LIBS})
add_dependencies(test_timespec_parsers timespec)

foreach(t rfc3339 duration parsers)
  target_include_directories(test_timespec_${t} PRIVATE ${_ts_dir} ${CMAKE_CURRENT_SOURCE_DIR}/unit)
  target_link_libraries(test_timespec_${t} PRIVATE Pivot::sdk)
  add_test(NAME timespec_${t} COMMAND test_timespec_${t})
  set_tests_properties(timespec_${t} PROPERTIES TIMEOUT 30)
endforeach()

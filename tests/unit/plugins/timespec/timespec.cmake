# Tests of the timespec plugin: the loaded plugin resolving whole time_range
# objects. Its grammars are the SDK's (tests/${CMAKE_CURRENT_LIST_DIR}/grammar.cmake).
set(_ts_dir ${PROJECT_SOURCE_DIR}/plugins/timespec)

add_executable(test_timespec_parsers ${CMAKE_CURRENT_LIST_DIR}/test_timespec_parsers.c)
target_compile_definitions(test_timespec_parsers PRIVATE
                           TIMESPEC_PLUGIN_PATH="$<TARGET_FILE:timespec>")
target_link_libraries(test_timespec_parsers PRIVATE Pivot::test_host ${CMAKE_DL_LIBS})
add_dependencies(test_timespec_parsers timespec)

foreach(t parsers)
  target_include_directories(test_timespec_${t} PRIVATE ${_ts_dir} ${CMAKE_CURRENT_LIST_DIR})
  target_link_libraries(test_timespec_${t} PRIVATE Pivot::sdk)
  add_test(NAME timespec_${t} COMMAND test_timespec_${t})
  set_tests_properties(timespec_${t} PROPERTIES TIMEOUT 30)
endforeach()

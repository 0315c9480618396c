# Unit tests of the configuration module. config.c and config_file.c are compiled into the test
# itself so that the test depends on nothing else in the core.
add_executable(test_config ${PROJECT_SOURCE_DIR}/core/util/config.c
                           ${PROJECT_SOURCE_DIR}/core/util/config_file.c
                           ${PROJECT_SOURCE_DIR}/core/util/duration.c
                           ${CMAKE_CURRENT_LIST_DIR}/test_config.c)
target_include_directories(test_config PRIVATE ${PROJECT_SOURCE_DIR}/core/util
                                               ${CMAKE_CURRENT_LIST_DIR})
target_compile_definitions(test_config PRIVATE PIVOT_SOURCE_DIR="${PROJECT_SOURCE_DIR}")
target_link_libraries(test_config PRIVATE Pivot::grammar PkgConfig::YAML)

foreach(case defaults speeddata_file durations flag_override alias_order bad_port out_of_range
             bad_duration bad_types yaml_syntax not_mapping missing_file empty_file sequences
             example_file millisecond_durations lanes)
  add_test(NAME config_${case} COMMAND test_config ${case})
endforeach()

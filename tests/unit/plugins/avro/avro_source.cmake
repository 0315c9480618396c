# Unit tests of the avro data source plugin (plugins/avro).
add_executable(test_avro_source ${CMAKE_CURRENT_LIST_DIR}/test_avro_source.c ${CMAKE_CURRENT_LIST_DIR}/test_avro_source_fixture.c)
target_include_directories(test_avro_source PRIVATE ${CMAKE_CURRENT_LIST_DIR})
target_link_libraries(test_avro_source PRIVATE Pivot::test_host PkgConfig::AVRO m)
add_dependencies(test_avro_source avro)

# The reference generator (SpeedData's bench baseline, copied into the tree)
# writes the generated channels; the test can also use its own C twin of it.
set(PIVOT_AVRO_REFERENCE_GENERATOR "${PROJECT_SOURCE_DIR}/tests/data/bench-baseline/gen_avro.py"
    CACHE FILEPATH "Reference Avro cache generator used by the avro source tests, if present")
set(_avro_test_args $<TARGET_FILE:avro>)
if(EXISTS ${PIVOT_AVRO_REFERENCE_GENERATOR})
  list(APPEND _avro_test_args ${PIVOT_AVRO_REFERENCE_GENERATOR})
endif()
add_test(NAME avro_source_unit COMMAND test_avro_source ${_avro_test_args})
# The same checks against fixtures from the C generator alone.
add_test(NAME avro_source_unit_c_fixtures COMMAND test_avro_source $<TARGET_FILE:avro>)

# A throughput probe, not a test: test_avro_source_bench [--speeddata-root DIR] [--floor]
# <avro.so> <data_dir> <channel> [repeats]; see docs/performance.md.
add_executable(test_avro_source_bench ${CMAKE_CURRENT_LIST_DIR}/test_avro_source_bench.c)
target_link_libraries(test_avro_source_bench PRIVATE Pivot::test_host)

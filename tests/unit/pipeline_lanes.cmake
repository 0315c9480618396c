# The export pipeline with decoder threads (core/export/pipeline.c, decoders > 0):
# the single-threaded pipeline tests, replayed through the decoder queues.
add_executable(test_pipeline_lanes unit/test_pipeline_lanes.c unit/pipeline_support.c)
target_include_directories(test_pipeline_lanes PRIVATE ${CMAKE_CURRENT_SOURCE_DIR}/unit)
target_link_libraries(test_pipeline_lanes PRIVATE pivot_core)
add_test(NAME pipeline_lanes_unit COMMAND test_pipeline_lanes)
set_tests_properties(pipeline_lanes_unit PROPERTIES TIMEOUT 30)

# The export pipeline with decoder threads (core/export/pipeline.c, decoders > 0):
# the single-threaded pipeline tests, replayed through the decoder queues.
add_executable(test_pipeline_lanes ${CMAKE_CURRENT_LIST_DIR}/test_pipeline_lanes.c ${CMAKE_CURRENT_LIST_DIR}/pipeline_support.c)
target_include_directories(test_pipeline_lanes PRIVATE ${CMAKE_CURRENT_LIST_DIR})
target_link_libraries(test_pipeline_lanes PRIVATE pivot_core)
add_test(NAME pipeline_lanes_unit COMMAND test_pipeline_lanes)
set_tests_properties(pipeline_lanes_unit PROPERTIES TIMEOUT 30)

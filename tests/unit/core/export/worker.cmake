# Tests of the worker's export pipeline, driven by a scripted source and a
# recording exporter compiled into the test.
add_executable(test_pipeline ${CMAKE_CURRENT_LIST_DIR}/test_pipeline.c ${CMAKE_CURRENT_LIST_DIR}/pipeline_support.c)
target_include_directories(test_pipeline PRIVATE ${CMAKE_CURRENT_LIST_DIR})
target_link_libraries(test_pipeline PRIVATE pivot_core)
add_test(NAME pipeline_unit COMMAND test_pipeline)
set_tests_properties(pipeline_unit PROPERTIES TIMEOUT 30)

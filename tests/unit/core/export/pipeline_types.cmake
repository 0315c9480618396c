# The export pipeline with typed signals (enum, bytes, nullable), in one
# thread and through the decoder queues, and with exporters of older ABIs.
add_executable(test_pipeline_types ${CMAKE_CURRENT_LIST_DIR}/test_pipeline_types.c ${CMAKE_CURRENT_LIST_DIR}/pipeline_support.c
               ${CMAKE_CURRENT_LIST_DIR}/recorded_rows.c)
target_include_directories(test_pipeline_types PRIVATE ${CMAKE_CURRENT_LIST_DIR})
target_link_libraries(test_pipeline_types PRIVATE pivot_core)
add_test(NAME pipeline_types_unit COMMAND test_pipeline_types)
set_tests_properties(pipeline_types_unit PROPERTIES TIMEOUT 30)

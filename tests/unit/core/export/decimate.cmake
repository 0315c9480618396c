# The decimator of options.decimation (core/export/decimate.c): bucket
# boundaries, methods and output signals, checked value by value.
add_executable(test_decimate ${CMAKE_CURRENT_LIST_DIR}/test_decimate.c ${CMAKE_CURRENT_LIST_DIR}/recorded_rows.c)
target_include_directories(test_decimate PRIVATE ${CMAKE_CURRENT_LIST_DIR})
target_link_libraries(test_decimate PRIVATE pivot_core)
add_test(NAME decimate_unit COMMAND test_decimate)
set_tests_properties(decimate_unit PROPERTIES TIMEOUT 30)

# The decimator with nullable, enum and bytes signals .
add_executable(test_decimate_masks ${CMAKE_CURRENT_LIST_DIR}/test_decimate_masks.c ${CMAKE_CURRENT_LIST_DIR}/recorded_rows.c)
target_include_directories(test_decimate_masks PRIVATE ${CMAKE_CURRENT_LIST_DIR})
target_link_libraries(test_decimate_masks PRIVATE pivot_core)
add_test(NAME decimate_masks_unit COMMAND test_decimate_masks)
set_tests_properties(decimate_masks_unit PROPERTIES TIMEOUT 30)

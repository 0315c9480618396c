# The decimator of options.decimation (core/export/decimate.c): bucket
# boundaries, methods and output signals, checked value by value.
add_executable(test_decimate unit/test_decimate.c unit/recorded_rows.c)
target_include_directories(test_decimate PRIVATE ${CMAKE_CURRENT_SOURCE_DIR}/unit)
target_link_libraries(test_decimate PRIVATE pivot_core)
add_test(NAME decimate_unit COMMAND test_decimate)
set_tests_properties(decimate_unit PROPERTIES TIMEOUT 30)

# The decimator with nullable, enum and bytes signals .
add_executable(test_decimate_masks unit/test_decimate_masks.c unit/recorded_rows.c)
target_include_directories(test_decimate_masks PRIVATE ${CMAKE_CURRENT_SOURCE_DIR}/unit)
target_link_libraries(test_decimate_masks PRIVATE pivot_core)
add_test(NAME decimate_masks_unit COMMAND test_decimate_masks)
set_tests_properties(decimate_masks_unit PROPERTIES TIMEOUT 30)

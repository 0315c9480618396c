# The decimator of options.decimation (core/src/decimate.c): bucket
# boundaries, methods and output signals, checked value by value.
add_executable(test_decimate unit/test_decimate.c)
target_include_directories(test_decimate PRIVATE ${CMAKE_CURRENT_SOURCE_DIR}/unit)
target_link_libraries(test_decimate PRIVATE pivot_core)
add_test(NAME decimate_unit COMMAND test_decimate)
set_tests_properties(decimate_unit PROPERTIES TIMEOUT 30)

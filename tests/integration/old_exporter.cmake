# An output format built against plugin ABI 1.3 (tests/plugins/old_rows_export.c)
# beside the normal plugins: enum signals refused at submission, masks not
# passed to it. The plugin lives in its own directory, linked in by the test.
if(TARGET pivotd AND TARGET pivot-gen-avro)
  add_library(test_plugin_old_rows MODULE ${CMAKE_SOURCE_DIR}/tests/plugins/old_rows_export.c)
  set_target_properties(test_plugin_old_rows PROPERTIES PREFIX "" OUTPUT_NAME old_rows
    C_VISIBILITY_PRESET hidden LIBRARY_OUTPUT_DIRECTORY ${CMAKE_BINARY_DIR}/test-plugins-old)
  target_link_libraries(test_plugin_old_rows PRIVATE Pivot::sdk)
  add_test(NAME integration_old_exporter
           COMMAND ${PIVOT_PYTHON} ${CMAKE_CURRENT_LIST_DIR}/test_old_exporter.py)
  set_tests_properties(integration_old_exporter PROPERTIES
    TIMEOUT 300 LABELS integration
    ENVIRONMENT "PIVOTD=$<TARGET_FILE:pivotd>;PIVOT_GEN_AVRO=$<TARGET_FILE:pivot-gen-avro>;PIVOT_PLUGIN_DIR=${PIVOT_PLUGIN_OUTPUT_DIR};PIVOT_OLD_ROWS_PLUGIN=$<TARGET_FILE:test_plugin_old_rows>;PYTHONDONTWRITEBYTECODE=1")
endif()

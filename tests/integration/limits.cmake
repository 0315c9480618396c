# Limits and faults of the running service: a result larger than
# jobs.max_output_bytes, an exporter plugin that crashes its worker, idle and
# slow clients. The crashing exporter lives in its own directory: the tests
# build a plugin directory of the normal plugins plus it.
if(TARGET pivotd AND TARGET pivot-gen-avro)
  set(_crash_plugin_dir ${CMAKE_BINARY_DIR}/test-plugins-crash)
  add_library(test_plugin_crash_export MODULE ${CMAKE_SOURCE_DIR}/tests/plugins/crash_export.c)
  set_target_properties(test_plugin_crash_export PROPERTIES PREFIX "" OUTPUT_NAME crash
    C_VISIBILITY_PRESET hidden LIBRARY_OUTPUT_DIRECTORY ${_crash_plugin_dir})
  target_link_libraries(test_plugin_crash_export PRIVATE Pivot::sdk)
  add_test(NAME integration_limits
           COMMAND ${PIVOT_PYTHON} ${CMAKE_CURRENT_LIST_DIR}/test_limits.py)
  set_tests_properties(integration_limits PROPERTIES
    TIMEOUT 300
    LABELS integration
    ENVIRONMENT
      "PIVOTD=$<TARGET_FILE:pivotd>;PIVOT_GEN_AVRO=$<TARGET_FILE:pivot-gen-avro>;PIVOT_PLUGIN_DIR=${PIVOT_PLUGIN_OUTPUT_DIR};PIVOT_CRASH_PLUGIN=$<TARGET_FILE:test_plugin_crash_export>;PYTHONDONTWRITEBYTECODE=1")
endif()

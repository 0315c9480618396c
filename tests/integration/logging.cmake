# Log lines of a real pivotd in json, logfmt and text: request ids on the
# answers and the access lines, the audit stream in its own file, levels.
if(TARGET pivotd AND TARGET pivot-gen-avro)
  add_test(NAME integration_logging
           COMMAND ${PIVOT_PYTHON} ${CMAKE_CURRENT_LIST_DIR}/test_logging.py)
  set_tests_properties(integration_logging PROPERTIES
    TIMEOUT 300 LABELS integration
    ENVIRONMENT "PIVOTD=$<TARGET_FILE:pivotd>;PIVOT_GEN_AVRO=$<TARGET_FILE:pivot-gen-avro>;PIVOT_PLUGIN_DIR=${PIVOT_PLUGIN_OUTPUT_DIR};PYTHONDONTWRITEBYTECODE=1")
endif()

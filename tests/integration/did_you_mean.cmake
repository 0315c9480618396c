# Errors that say what was meant ("did you mean"), repeat the value refused,
# and JSON bodies that end with a newline, against a real pivotd.
if(TARGET pivotd AND TARGET pivot-gen-avro)
  add_test(NAME integration_did_you_mean
           COMMAND ${PIVOT_PYTHON} ${CMAKE_CURRENT_LIST_DIR}/test_did_you_mean.py)
  set_tests_properties(integration_did_you_mean PROPERTIES
    TIMEOUT 120 LABELS integration
    ENVIRONMENT "PIVOTD=$<TARGET_FILE:pivotd>;PIVOT_GEN_AVRO=$<TARGET_FILE:pivot-gen-avro>;PIVOT_PLUGIN_DIR=${PIVOT_PLUGIN_OUTPUT_DIR};PYTHONDONTWRITEBYTECODE=1")
endif()

# The dry run's estimate against a real pivotd: rows and bytes of decimated
# and compressed exports compared with the files they produce.
if(TARGET pivotd AND TARGET pivot-gen-avro)
  add_test(NAME integration_estimate
           COMMAND ${PIVOT_PYTHON} ${CMAKE_CURRENT_LIST_DIR}/test_estimate.py)
  set_tests_properties(integration_estimate PROPERTIES
    TIMEOUT 300 LABELS integration
    ENVIRONMENT "PIVOTD=$<TARGET_FILE:pivotd>;PIVOT_GEN_AVRO=$<TARGET_FILE:pivot-gen-avro>;PIVOT_PLUGIN_DIR=${PIVOT_PLUGIN_OUTPUT_DIR};PYTHONDONTWRITEBYTECODE=1")
endif()

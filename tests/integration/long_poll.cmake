# Long polling (GET /jobs/{id}?wait=) against a real pivotd and its workers.
if(TARGET pivotd AND TARGET pivot-gen-avro)
  add_test(NAME integration_long_poll
           COMMAND ${PIVOT_PYTHON} ${CMAKE_CURRENT_LIST_DIR}/test_long_poll.py)
  set_tests_properties(integration_long_poll PROPERTIES
    TIMEOUT 180 LABELS integration
    ENVIRONMENT "PIVOTD=$<TARGET_FILE:pivotd>;PIVOT_GEN_AVRO=$<TARGET_FILE:pivot-gen-avro>;PIVOT_PLUGIN_DIR=${PIVOT_PLUGIN_OUTPUT_DIR};PYTHONDONTWRITEBYTECODE=1")
endif()

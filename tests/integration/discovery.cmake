# Discovery and estimates against a real pivotd: GET /channels with patterns,
# spans and rates, POST /jobs?dry_run=true, and the detail of a job's result.
if(TARGET pivotd AND TARGET pivot-gen-avro)
  add_test(NAME integration_discovery
           COMMAND ${PIVOT_PYTHON} ${CMAKE_CURRENT_LIST_DIR}/test_discovery.py)
  set_tests_properties(integration_discovery PROPERTIES
    TIMEOUT 300 LABELS integration
    ENVIRONMENT "PIVOTD=$<TARGET_FILE:pivotd>;PIVOT_GEN_AVRO=$<TARGET_FILE:pivot-gen-avro>;PIVOT_PLUGIN_DIR=${PIVOT_PLUGIN_OUTPUT_DIR};PYTHONDONTWRITEBYTECODE=1")
endif()

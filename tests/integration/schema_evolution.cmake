# Schema evolution against a real pivotd: a channel whose newer Avro file
# added signals, written with python3-avro, exports the older file's samples
# with the documented fill values.
if(TARGET pivotd AND TARGET pivot-gen-avro)
  add_test(NAME integration_schema_evolution
           COMMAND ${PIVOT_PYTHON} ${CMAKE_CURRENT_LIST_DIR}/test_schema_evolution.py)
  set_tests_properties(integration_schema_evolution PROPERTIES
    TIMEOUT 300 LABELS integration
    ENVIRONMENT "PIVOTD=$<TARGET_FILE:pivotd>;PIVOT_GEN_AVRO=$<TARGET_FILE:pivot-gen-avro>;PIVOT_PLUGIN_DIR=${PIVOT_PLUGIN_OUTPUT_DIR};PYTHONDONTWRITEBYTECODE=1")
endif()

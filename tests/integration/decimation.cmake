# options.decimation against a real pivotd: ten minutes at 1 kHz decimated by
# time and by sample count, compared with numpy's computation of the buckets.
if(TARGET pivotd AND TARGET pivot-gen-avro)
  add_test(NAME integration_decimation
           COMMAND ${PIVOT_PYTHON} ${CMAKE_CURRENT_LIST_DIR}/test_decimation.py)
  set_tests_properties(integration_decimation PROPERTIES
    TIMEOUT 300 LABELS integration ENVIRONMENT
    "PIVOTD=$<TARGET_FILE:pivotd>;PIVOT_GEN_AVRO=$<TARGET_FILE:pivot-gen-avro>;PIVOT_PLUGIN_DIR=${PIVOT_PLUGIN_OUTPUT_DIR};PYTHONDONTWRITEBYTECODE=1")
endif()

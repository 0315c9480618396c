# Missing data said in words (submission, dry run, result) and refused on
# request (options.on_missing "fail"), against a real pivotd.
if(TARGET pivotd AND TARGET pivot-gen-avro)
  add_test(NAME integration_missing_data
           COMMAND ${PIVOT_PYTHON} ${CMAKE_CURRENT_LIST_DIR}/test_missing_data.py)
  set_tests_properties(integration_missing_data PROPERTIES
    TIMEOUT 120 LABELS integration
    ENVIRONMENT "PIVOTD=$<TARGET_FILE:pivotd>;PIVOT_GEN_AVRO=$<TARGET_FILE:pivot-gen-avro>;PIVOT_PLUGIN_DIR=${PIVOT_PLUGIN_OUTPUT_DIR};PYTHONDONTWRITEBYTECODE=1")
endif()

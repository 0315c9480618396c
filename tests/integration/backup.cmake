# pivotd backup during submissions (integrity, every acknowledged job,
# restore), pivotd check and --repair, a newer schema refused.
if(TARGET pivotd AND TARGET pivot-gen-avro)
  add_test(NAME integration_backup
           COMMAND ${PIVOT_PYTHON} ${CMAKE_CURRENT_LIST_DIR}/test_backup.py)
  set_tests_properties(integration_backup PROPERTIES
    TIMEOUT 180 LABELS integration
    ENVIRONMENT "PIVOTD=$<TARGET_FILE:pivotd>;PIVOT_GEN_AVRO=$<TARGET_FILE:pivot-gen-avro>;PIVOT_PLUGIN_DIR=${PIVOT_PLUGIN_OUTPUT_DIR};PYTHONDONTWRITEBYTECODE=1")
endif()

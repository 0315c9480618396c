# The dry run's estimate against a real pivotd: rows and bytes of decimated
# and compressed exports compared with the files they produce, and the
# generic estimate of an exporter without one (the crash exporter of
# limits.cmake, which a dry run never calls).
if(TARGET pivotd AND TARGET pivot-gen-avro)
  add_test(NAME integration_estimate
           COMMAND ${PIVOT_PYTHON} ${CMAKE_CURRENT_LIST_DIR}/test_estimate.py)
  set_tests_properties(integration_estimate PROPERTIES
    TIMEOUT 300 LABELS integration
    ENVIRONMENT "PIVOTD=$<TARGET_FILE:pivotd>;PIVOT_GEN_AVRO=$<TARGET_FILE:pivot-gen-avro>;PIVOT_PLUGIN_DIR=${PIVOT_PLUGIN_OUTPUT_DIR};PIVOT_CRASH_PLUGIN=$<TARGET_FILE:test_plugin_crash_export>;PYTHONDONTWRITEBYTECODE=1")
endif()

# The README's quick start extracted and run as a script against the build.
if(TARGET pivotd AND TARGET pivot-gen-avro)
  add_test(NAME integration_readme_quickstart
           COMMAND ${PIVOT_PYTHON} ${CMAKE_CURRENT_LIST_DIR}/test_readme_quickstart.py)
  set_tests_properties(integration_readme_quickstart PROPERTIES
    TIMEOUT 180 LABELS integration
    ENVIRONMENT "PIVOTD=$<TARGET_FILE:pivotd>;PIVOT_GEN_AVRO=$<TARGET_FILE:pivot-gen-avro>;PIVOT_PLUGIN_DIR=${PIVOT_PLUGIN_OUTPUT_DIR};PYTHONDONTWRITEBYTECODE=1")
endif()

# The opt-in "anonymous" auth backend: from loopback and from another address
# (127.0.0.2), and SpeedData's own synchronous export script without a key.
if(TARGET pivotd AND TARGET pivot-gen-avro)
  add_test(NAME integration_anonymous_auth
           COMMAND ${PIVOT_PYTHON} ${CMAKE_CURRENT_LIST_DIR}/test_anonymous_auth.py)
  set_tests_properties(integration_anonymous_auth PROPERTIES
    TIMEOUT 300 LABELS integration
    ENVIRONMENT "PIVOTD=$<TARGET_FILE:pivotd>;PIVOT_GEN_AVRO=$<TARGET_FILE:pivot-gen-avro>;PIVOT_PLUGIN_DIR=${PIVOT_PLUGIN_OUTPUT_DIR};PYTHONDONTWRITEBYTECODE=1")
endif()

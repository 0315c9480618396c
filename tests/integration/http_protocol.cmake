# The HTTP protocol edges against a real pivotd, over raw sockets: HTTP/1.1
# only on the plain port, request framing, download ranges and conditions,
# credential headers sent twice, duplicate JSON members, absolute-form URIs.
if(TARGET pivotd AND TARGET pivot-gen-avro)
  add_test(NAME integration_http_protocol
           COMMAND ${PIVOT_PYTHON} ${CMAKE_CURRENT_LIST_DIR}/test_http_protocol.py)
  set_tests_properties(integration_http_protocol PROPERTIES
    TIMEOUT 300 LABELS integration
    ENVIRONMENT "PIVOTD=$<TARGET_FILE:pivotd>;PIVOT_GEN_AVRO=$<TARGET_FILE:pivot-gen-avro>;PIVOT_PLUGIN_DIR=${PIVOT_PLUGIN_OUTPUT_DIR};PYTHONDONTWRITEBYTECODE=1")
endif()

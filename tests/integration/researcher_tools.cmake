# Researcher tools against a real pivotd: the synchronous export endpoint, the
# OpenAPI contract, and the Python client's pytest suite (clients/python/tests).
if(TARGET pivotd AND TARGET pivot-gen-avro)
  set(_pivot_env
    "PIVOTD=$<TARGET_FILE:pivotd>;PIVOT_GEN_AVRO=$<TARGET_FILE:pivot-gen-avro>;PIVOT_PLUGIN_DIR=${PIVOT_PLUGIN_OUTPUT_DIR};PYTHONDONTWRITEBYTECODE=1")
  foreach(name export_sync openapi)
    add_test(NAME integration_${name}
             COMMAND ${PIVOT_PYTHON} ${CMAKE_CURRENT_LIST_DIR}/test_${name}.py)
    set_tests_properties(integration_${name} PROPERTIES
      TIMEOUT 300 LABELS integration ENVIRONMENT "${_pivot_env}")
  endforeach()
  # pytest exits 5 when it collects nothing; any non-zero status fails the test.
  add_test(NAME client_python
           COMMAND ${PIVOT_PYTHON} -m pytest -q -p no:cacheprovider
                   ${PROJECT_SOURCE_DIR}/clients/python/tests)
  set_tests_properties(client_python PROPERTIES
    TIMEOUT 300 LABELS integration ENVIRONMENT "${_pivot_env}")
endif()

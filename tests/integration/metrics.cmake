# GET /metrics against a real pivotd: values as jobs are submitted, refused,
# completed, failed and cancelled; `promtool check metrics`; a real
# Prometheus server (Debian's prometheus) scraping it on loopback. Once with
# each job store: the gauges come from the backend's own queries.
if(TARGET pivotd AND TARGET pivot-gen-avro)
  set(_metrics_env
    "PIVOTD=$<TARGET_FILE:pivotd>;PIVOT_GEN_AVRO=$<TARGET_FILE:pivot-gen-avro>;PIVOT_PLUGIN_DIR=${PIVOT_PLUGIN_OUTPUT_DIR};PYTHONDONTWRITEBYTECODE=1")
  add_test(NAME integration_metrics
           COMMAND ${PIVOT_PYTHON} ${CMAKE_CURRENT_LIST_DIR}/test_metrics.py)
  set_tests_properties(integration_metrics PROPERTIES
    TIMEOUT 300 LABELS integration ENVIRONMENT "${_metrics_env}")
  add_test(NAME integration_metrics_postgres
           COMMAND ${PIVOT_PYTHON} ${CMAKE_CURRENT_LIST_DIR}/test_metrics.py)
  set_tests_properties(integration_metrics_postgres PROPERTIES
    TIMEOUT 300 LABELS "integration;postgres"
    ENVIRONMENT "PIVOT_TEST_JOB_STORE=postgres;${_metrics_env}")
endif()

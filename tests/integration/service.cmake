# pivotd under a service manager: sd_notify readiness, watchdog, SIGHUP
# reload and SIGTERM against a fake notify socket; the unit file through
# `systemd-analyze verify`.
if(TARGET pivotd AND TARGET pivot-gen-avro)
  add_test(NAME integration_service
           COMMAND ${PIVOT_PYTHON} ${CMAKE_CURRENT_LIST_DIR}/test_service.py)
  set_tests_properties(integration_service PROPERTIES
    TIMEOUT 120 LABELS integration
    ENVIRONMENT "PIVOTD=$<TARGET_FILE:pivotd>;PIVOT_GEN_AVRO=$<TARGET_FILE:pivot-gen-avro>;PIVOT_PLUGIN_DIR=${PIVOT_PLUGIN_OUTPUT_DIR};PYTHONDONTWRITEBYTECODE=1")
endif()

# SpeedData relay output against a real pivotd: header-less Avro block files
# (tests/data/speeddata-relay and files written with python3-avro), their
# schemas from SpeedData's configuration, time units, live and damaged files;
# every value compared with python3-avro's reading of the same blocks.
if(TARGET pivotd AND TARGET pivot-gen-avro)
  add_test(NAME integration_relay_files
           COMMAND ${PIVOT_PYTHON} ${CMAKE_CURRENT_LIST_DIR}/test_relay_files.py)
  set_tests_properties(integration_relay_files PROPERTIES
    TIMEOUT 300 LABELS integration
    ENVIRONMENT "PIVOTD=$<TARGET_FILE:pivotd>;PIVOT_GEN_AVRO=$<TARGET_FILE:pivot-gen-avro>;PIVOT_PLUGIN_DIR=${PIVOT_PLUGIN_OUTPUT_DIR};PYTHONDONTWRITEBYTECODE=1")
endif()

# Every Avro field type against a real pivotd: a channel written with
# python3-avro holding each supported type, its nullable union, a nested
# record and unsupported fields, listed, exported, decimated and refused.
if(TARGET pivotd AND TARGET pivot-gen-avro)
  add_test(NAME integration_signal_types
           COMMAND ${PIVOT_PYTHON} ${CMAKE_CURRENT_LIST_DIR}/test_signal_types.py)
  set_tests_properties(integration_signal_types PROPERTIES
    TIMEOUT 300 LABELS integration
    ENVIRONMENT "PIVOTD=$<TARGET_FILE:pivotd>;PIVOT_GEN_AVRO=$<TARGET_FILE:pivot-gen-avro>;PIVOT_PLUGIN_DIR=${PIVOT_PLUGIN_OUTPUT_DIR};PYTHONDONTWRITEBYTECODE=1")
endif()

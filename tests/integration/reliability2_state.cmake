# Round two of the reliability tests, state and accounting: one server per
# state folder, results that survive a moved, removed or emptied job store,
# full disks under the results and under the job store, the quota race,
# attempts counted on every re-queue. Some tests mount a tmpfs (they skip
# with a message where that is not allowed).
if(TARGET pivotd AND TARGET pivot-gen-avro)
  foreach(name state_safety accounting)
    add_test(NAME integration_${name}
             COMMAND ${PIVOT_PYTHON} ${CMAKE_CURRENT_LIST_DIR}/test_${name}.py)
    set_tests_properties(integration_${name} PROPERTIES
      TIMEOUT 300
      LABELS integration
      ENVIRONMENT
        "PIVOTD=$<TARGET_FILE:pivotd>;PIVOT_GEN_AVRO=$<TARGET_FILE:pivot-gen-avro>;PIVOT_PLUGIN_DIR=${PIVOT_PLUGIN_OUTPUT_DIR};PYTHONDONTWRITEBYTECODE=1")
  endforeach()
endif()

# String signals in hdf5 exports against a real pivotd: short ones as
# character arrays read back value by value with h5py and xarray (both
# engines), long free text variable-length, a signal outgrowing its row.
if(TARGET pivotd AND TARGET pivot-gen-avro AND TARGET hdf5)
  add_test(NAME integration_string_layout
           COMMAND ${PIVOT_PYTHON} ${CMAKE_CURRENT_LIST_DIR}/test_string_layout.py)
  set_tests_properties(integration_string_layout PROPERTIES
    TIMEOUT 300 LABELS integration
    ENVIRONMENT "PIVOTD=$<TARGET_FILE:pivotd>;PIVOT_GEN_AVRO=$<TARGET_FILE:pivot-gen-avro>;PIVOT_PLUGIN_DIR=${PIVOT_PLUGIN_OUTPUT_DIR};PYTHONDONTWRITEBYTECODE=1")
endif()

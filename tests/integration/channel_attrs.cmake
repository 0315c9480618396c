# Each channel group's own decimation and provenance attributes (HDF5 and
# NetCDF), read back with h5py and xarray, against a real pivotd.
if(TARGET pivotd AND TARGET pivot-gen-avro)
  add_test(NAME integration_channel_attrs
           COMMAND ${PIVOT_PYTHON} ${CMAKE_CURRENT_LIST_DIR}/test_channel_attrs.py)
  set_tests_properties(integration_channel_attrs PROPERTIES
    TIMEOUT 120 LABELS integration
    ENVIRONMENT "PIVOTD=$<TARGET_FILE:pivotd>;PIVOT_GEN_AVRO=$<TARGET_FILE:pivot-gen-avro>;PIVOT_PLUGIN_DIR=${PIVOT_PLUGIN_OUTPUT_DIR};PYTHONDONTWRITEBYTECODE=1")
endif()

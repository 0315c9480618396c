# The exporters beside hdf5, each read back by the reference reader of its
# world against a real pivotd: netcdf (xarray with the netCDF4 engine,
# ncdump), csv (pandas, zipfile), matlab (Octave, scipy.io, h5py).
if(TARGET pivotd AND TARGET pivot-gen-avro)
  foreach(format netcdf csv matlab)
    if(TARGET ${format})
      add_test(NAME integration_${format}_export
               COMMAND ${PIVOT_PYTHON} ${CMAKE_CURRENT_LIST_DIR}/test_${format}_export.py)
      set_tests_properties(integration_${format}_export PROPERTIES
        TIMEOUT 300 LABELS integration
        ENVIRONMENT "PIVOTD=$<TARGET_FILE:pivotd>;PIVOT_GEN_AVRO=$<TARGET_FILE:pivot-gen-avro>;PIVOT_PLUGIN_DIR=${PIVOT_PLUGIN_OUTPUT_DIR};PYTHONDONTWRITEBYTECODE=1")
    endif()
  endforeach()
endif()

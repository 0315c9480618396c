# The hdf5 exporter: a C test drives the plugin as the host does and writes
# files, which a second test reads back with h5py.
if(TARGET hdf5)
  set(_hdf5_exporter_out ${CMAKE_CURRENT_BINARY_DIR}/hdf5_exporter)
  file(MAKE_DIRECTORY ${_hdf5_exporter_out})

  add_executable(test_hdf5_exporter unit/test_hdf5_exporter.c unit/test_hdf5_exporter_host.c)
  target_link_libraries(test_hdf5_exporter PRIVATE Pivot::sdk ${CMAKE_DL_LIBS})
  add_dependencies(test_hdf5_exporter hdf5)
  add_test(NAME hdf5_exporter_write
           COMMAND test_hdf5_exporter $<TARGET_FILE:hdf5> ${_hdf5_exporter_out})
  set_tests_properties(hdf5_exporter_write PROPERTIES FIXTURES_SETUP hdf5_exporter_files)

  add_test(NAME hdf5_exporter_h5py
           COMMAND ${PIVOT_PYTHON} ${CMAKE_CURRENT_SOURCE_DIR}/unit/hdf5_exporter_check.py
                   ${_hdf5_exporter_out})
  set_tests_properties(hdf5_exporter_h5py PROPERTIES FIXTURES_REQUIRED hdf5_exporter_files)

  # The same files as netCDF-4 groups through xarray (skipped without it).
  add_test(NAME hdf5_exporter_xarray
           COMMAND ${PIVOT_PYTHON} ${CMAKE_CURRENT_SOURCE_DIR}/unit/hdf5_exporter_xarray.py
                   ${_hdf5_exporter_out})
  set_tests_properties(hdf5_exporter_xarray PROPERTIES
    FIXTURES_REQUIRED hdf5_exporter_files SKIP_RETURN_CODE 77)

  # The typed signals, read back with the HDF5 C API: enums, bytes,
  # nullable signals with their masks and detail attributes (types); the
  # decimation attributes of the root (decimation); what is refused, with
  # the message the user reads (refusals).
  foreach(t types decimation refusals)
    add_executable(test_hdf5_exporter_${t} unit/test_hdf5_exporter_${t}.c
                   unit/test_hdf5_exporter_host.c unit/test_hdf5_exporter_support.c)
    target_link_libraries(test_hdf5_exporter_${t} PRIVATE Pivot::sdk PkgConfig::HDF5
                          ${PIVOT_HDF5_HL_LIBRARY} ${CMAKE_DL_LIBS} m)
    add_dependencies(test_hdf5_exporter_${t} hdf5)
    add_test(NAME hdf5_exporter_${t}
             COMMAND test_hdf5_exporter_${t} $<TARGET_FILE:hdf5> ${_hdf5_exporter_out})
  endforeach()
  # Both write the files the h5py check below reads.
  set_tests_properties(hdf5_exporter_types hdf5_exporter_decimation PROPERTIES
    FIXTURES_SETUP hdf5_exporter_typed_files)

  add_test(NAME hdf5_exporter_types_h5py
           COMMAND ${PIVOT_PYTHON} ${CMAKE_CURRENT_SOURCE_DIR}/unit/hdf5_exporter_types_check.py
                   ${_hdf5_exporter_out})
  set_tests_properties(hdf5_exporter_types_h5py PROPERTIES
    FIXTURES_REQUIRED hdf5_exporter_typed_files)

  # Compressed exports through the compression threads and direct chunk
  # writes: the same bytes for 1, 2 and 4 threads, an abandoned export and
  # the file size limit while the threads are busy; then read back value by
  # value with h5py and xarray (netCDF4 engine).
  add_executable(test_hdf5_exporter_threads unit/test_hdf5_exporter_threads.c
                 unit/test_hdf5_exporter_host.c)
  target_link_libraries(test_hdf5_exporter_threads PRIVATE Pivot::sdk ${CMAKE_DL_LIBS} m)
  add_dependencies(test_hdf5_exporter_threads hdf5)
  add_test(NAME hdf5_exporter_threads
           COMMAND test_hdf5_exporter_threads $<TARGET_FILE:hdf5> ${_hdf5_exporter_out})
  set_tests_properties(hdf5_exporter_threads PROPERTIES FIXTURES_SETUP hdf5_exporter_threads_files)
  add_test(NAME hdf5_exporter_threads_read_back
           COMMAND ${PIVOT_PYTHON} ${CMAKE_CURRENT_SOURCE_DIR}/unit/hdf5_exporter_threads_check.py
                   ${_hdf5_exporter_out})
  set_tests_properties(hdf5_exporter_threads_read_back PROPERTIES
    FIXTURES_REQUIRED hdf5_exporter_threads_files)

  if(NOT TARGET PkgConfig::ZLIB)
    pkg_check_modules(ZLIB REQUIRED IMPORTED_TARGET zlib)
  endif()
  # The chunk codec (libdeflate, read back with zlib) and the compression
  # threads' order, on their own (plugins/hdf5/tests).
  add_executable(test_hdf5_chunk_compress ${PROJECT_SOURCE_DIR}/plugins/hdf5/tests/test_chunk_compress.c
                 ${PROJECT_SOURCE_DIR}/plugins/hdf5/chunk_codec.c
                 ${PROJECT_SOURCE_DIR}/plugins/hdf5/chunk_pool.c)
  target_include_directories(test_hdf5_chunk_compress PRIVATE ${CMAKE_CURRENT_SOURCE_DIR}/unit)
  target_link_libraries(test_hdf5_chunk_compress PRIVATE Pivot::sdk PkgConfig::HDF5
                        PkgConfig::LIBDEFLATE PkgConfig::ZLIB Threads::Threads)
  add_test(NAME hdf5_chunk_compress COMMAND test_hdf5_chunk_compress)

  # Writes 3.6 M samples of time + 4 doubles + int32 and prints the MB/s.
  add_executable(test_hdf5_exporter_throughput unit/test_hdf5_exporter_throughput.c
                 unit/test_hdf5_exporter_host.c)
  target_link_libraries(test_hdf5_exporter_throughput PRIVATE Pivot::sdk ${CMAKE_DL_LIBS})
  add_dependencies(test_hdf5_exporter_throughput hdf5)
  add_test(NAME hdf5_exporter_throughput
           COMMAND test_hdf5_exporter_throughput $<TARGET_FILE:hdf5> ${_hdf5_exporter_out})
  # A throughput figure, not a check: run by `make bench-smoke`.
  set_tests_properties(hdf5_exporter_throughput PROPERTIES LABELS bench)
endif()

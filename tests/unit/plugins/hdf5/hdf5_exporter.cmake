# The hdf5 exporter: a C test drives the plugin as the host does and writes
# files, which a second test reads back with h5py.
if(TARGET hdf5)
  set(_hdf5_exporter_out ${CMAKE_CURRENT_BINARY_DIR}/hdf5_exporter)
  file(MAKE_DIRECTORY ${_hdf5_exporter_out})

  add_executable(test_hdf5_exporter ${CMAKE_CURRENT_LIST_DIR}/test_hdf5_exporter.c ${CMAKE_CURRENT_LIST_DIR}/test_hdf5_exporter_host.c)
  target_link_libraries(test_hdf5_exporter PRIVATE Pivot::test_host)
  add_dependencies(test_hdf5_exporter hdf5)
  add_test(NAME hdf5_exporter_write
           COMMAND test_hdf5_exporter $<TARGET_FILE:hdf5> ${_hdf5_exporter_out})
  set_tests_properties(hdf5_exporter_write PROPERTIES FIXTURES_SETUP hdf5_exporter_files)

  add_test(NAME hdf5_exporter_h5py
           COMMAND ${PIVOT_PYTHON} ${CMAKE_CURRENT_LIST_DIR}/hdf5_exporter_check.py
                   ${_hdf5_exporter_out})
  set_tests_properties(hdf5_exporter_h5py PROPERTIES FIXTURES_REQUIRED hdf5_exporter_files)

  # The same files as netCDF-4 groups through xarray (skipped without it).
  add_test(NAME hdf5_exporter_xarray
           COMMAND ${PIVOT_PYTHON} ${CMAKE_CURRENT_LIST_DIR}/hdf5_exporter_xarray.py
                   ${_hdf5_exporter_out})
  set_tests_properties(hdf5_exporter_xarray PROPERTIES
    FIXTURES_REQUIRED hdf5_exporter_files SKIP_RETURN_CODE 77)

  # The typed signals, read back with the HDF5 C API: enums, bytes,
  # nullable signals with their masks and detail attributes (types); the
  # decimation attributes of the root (decimation); what is refused, with
  # the message the user reads (refusals).
  foreach(t types decimation refusals)
    add_executable(test_hdf5_exporter_${t} ${CMAKE_CURRENT_LIST_DIR}/test_hdf5_exporter_${t}.c
                   ${CMAKE_CURRENT_LIST_DIR}/test_hdf5_exporter_host.c ${CMAKE_CURRENT_LIST_DIR}/test_hdf5_exporter_support.c)
    target_link_libraries(test_hdf5_exporter_${t} PRIVATE Pivot::test_host PkgConfig::HDF5
                          ${PIVOT_HDF5_HL_LIBRARY} ${CMAKE_DL_LIBS} m)
    add_dependencies(test_hdf5_exporter_${t} hdf5)
    add_test(NAME hdf5_exporter_${t}
             COMMAND test_hdf5_exporter_${t} $<TARGET_FILE:hdf5> ${_hdf5_exporter_out})
  endforeach()
  # Both write the files the h5py check below reads.
  set_tests_properties(hdf5_exporter_types hdf5_exporter_decimation PROPERTIES
    FIXTURES_SETUP hdf5_exporter_typed_files)

  add_test(NAME hdf5_exporter_types_h5py
           COMMAND ${PIVOT_PYTHON} ${CMAKE_CURRENT_LIST_DIR}/hdf5_exporter_types_check.py
                   ${_hdf5_exporter_out})
  set_tests_properties(hdf5_exporter_types_h5py PROPERTIES
    FIXTURES_REQUIRED hdf5_exporter_typed_files)

  # Compressed exports through the compression threads and direct chunk
  # writes: the same bytes for 1, 2 and 4 threads, an abandoned export and
  # the file size limit while the threads are busy; then read back value by
  # value with h5py and xarray (netCDF4 engine).
  add_executable(test_hdf5_exporter_threads ${CMAKE_CURRENT_LIST_DIR}/test_hdf5_exporter_threads.c
                 ${CMAKE_CURRENT_LIST_DIR}/test_hdf5_exporter_host.c)
  target_link_libraries(test_hdf5_exporter_threads PRIVATE Pivot::test_host m)
  add_dependencies(test_hdf5_exporter_threads hdf5)
  add_test(NAME hdf5_exporter_threads
           COMMAND test_hdf5_exporter_threads $<TARGET_FILE:hdf5> ${_hdf5_exporter_out})
  set_tests_properties(hdf5_exporter_threads PROPERTIES FIXTURES_SETUP hdf5_exporter_threads_files)
  add_test(NAME hdf5_exporter_threads_read_back
           COMMAND ${PIVOT_PYTHON} ${CMAKE_CURRENT_LIST_DIR}/hdf5_exporter_threads_check.py
                   ${_hdf5_exporter_out})
  set_tests_properties(hdf5_exporter_threads_read_back PROPERTIES
    FIXTURES_REQUIRED hdf5_exporter_threads_files)

  if(NOT TARGET PkgConfig::ZLIB)
    pkg_check_modules(ZLIB REQUIRED IMPORTED_TARGET zlib)
  endif()
  # The chunk codec (libdeflate, read back with zlib) and the compression
  # threads' order, on their own.
  add_executable(test_hdf5_chunk_compress ${CMAKE_CURRENT_LIST_DIR}/test_chunk_compress.c
                 ${PROJECT_SOURCE_DIR}/plugins/hdf5/chunk_codec.c
                 ${PROJECT_SOURCE_DIR}/plugins/hdf5/chunk_pool.c)
  target_include_directories(test_hdf5_chunk_compress PRIVATE ${PROJECT_SOURCE_DIR}/plugins/hdf5)
  target_link_libraries(test_hdf5_chunk_compress PRIVATE Pivot::sdk PkgConfig::HDF5
                        PkgConfig::LIBDEFLATE PkgConfig::ZLIB Threads::Threads)
  add_test(NAME hdf5_chunk_compress COMMAND test_hdf5_chunk_compress)

  # Writes 3.6 M samples of time + 4 doubles + int32 and prints the MB/s.
  add_executable(test_hdf5_exporter_throughput ${CMAKE_CURRENT_LIST_DIR}/test_hdf5_exporter_throughput.c
                 ${CMAKE_CURRENT_LIST_DIR}/test_hdf5_exporter_host.c)
  target_link_libraries(test_hdf5_exporter_throughput PRIVATE Pivot::test_host)
  add_dependencies(test_hdf5_exporter_throughput hdf5)
  add_test(NAME hdf5_exporter_throughput
           COMMAND test_hdf5_exporter_throughput $<TARGET_FILE:hdf5> ${_hdf5_exporter_out})
  # A throughput figure, not a check: run by `make bench-smoke`.
  set_tests_properties(hdf5_exporter_throughput PROPERTIES LABELS bench)
endif()

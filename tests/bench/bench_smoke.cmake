# The export benchmark on a tiny case, to prove the script works end to end
# (generation, a real pivotd, the floor, the baseline, the table). It asserts
# only that a table was printed, never a time, so it carries the `bench`
# label and runs with `make bench-smoke`, outside the default suite.
set(_bench_baseline_args --baseline run)
add_test(NAME bench_smoke
         COMMAND ${PIVOT_PYTHON} ${CMAKE_SOURCE_DIR}/bench/export_bench.py
                 --build ${CMAKE_BINARY_DIR} --cases smoke,relay-smoke-ocf,relay-smoke --repeat 1
                 ${_bench_baseline_args} --data ${CMAKE_CURRENT_BINARY_DIR}/bench_smoke_data)
# The relay cases too: their row and the ratio line prove the relay path of the script.
set_tests_properties(bench_smoke PROPERTIES
  TIMEOUT 120
  LABELS bench
  PASS_REGULAR_EXPRESSION "\\| smoke \\| 1200 \\| null \\| [0-9]+ \\| [0-9]+ \\| [0-9.]+ \\|(.|\n)*\\| relay-smoke \\| 1200 \\| null \\|(.|\n)*relay-smoke vs relay-smoke-ocf: relay/OCF [0-9.]+")
# The listing benchmark on a tiny case: a table row, never a time.
add_test(NAME bench_channels_smoke
         COMMAND ${PIVOT_PYTHON} ${CMAKE_SOURCE_DIR}/bench/channels_bench.py
                 --build ${CMAKE_BINARY_DIR} --channels 3 --files 3 --repeat 1 --warm 2
                 --data ${CMAKE_CURRENT_BINARY_DIR}/bench_channels_smoke_data)
set_tests_properties(bench_channels_smoke PROPERTIES
  TIMEOUT 120
  LABELS bench
  PASS_REGULAR_EXPRESSION "\\| relay: 3 ch x 3 files x 4 records \\| 9 \\| [0-9.]+ \\| [0-9.]+ \\|")
# The string-signal open benchmark on 2 channels × 60 s: its table row, never a time.
add_test(NAME bench_strings_smoke
         COMMAND ${PIVOT_PYTHON} ${CMAKE_SOURCE_DIR}/bench/string_open_bench.py
                 --build ${CMAKE_BINARY_DIR} --channels 2 --seconds 60 --repeat 1
                 --data ${CMAKE_CURRENT_BINARY_DIR}/bench_strings_smoke_data)
set_tests_properties(bench_strings_smoke PROPERTIES
  TIMEOUT 120
  LABELS bench
  PASS_REGULAR_EXPRESSION "\\| h5netcdf \\| open \\| [0-9.]+ \\| [0-9.]+ \\| [0-9.]+ \\| [0-9.]+x \\|")
# The same on the netcdf exporter's files (mode as NC_CHAR rows, before as NC_STRING).
add_test(NAME bench_strings_netcdf_smoke
         COMMAND ${PIVOT_PYTHON} ${CMAKE_SOURCE_DIR}/bench/string_open_bench.py
                 --build ${CMAKE_BINARY_DIR} --channels 2 --seconds 60 --repeat 1 --format netcdf
                 --data ${CMAKE_CURRENT_BINARY_DIR}/bench_strings_netcdf_smoke_data)
set_tests_properties(bench_strings_netcdf_smoke PROPERTIES
  TIMEOUT 120
  LABELS bench
  PASS_REGULAR_EXPRESSION "\\| netcdf4 \\| open \\| [0-9.]+ \\| [0-9.]+ \\| [0-9.]+ \\| [0-9.]+x \\|")
# The scale-out benchmark on a tiny case: one SQLite node, then three nodes
# on a PostgreSQL the script starts; two table rows, never a time.
if(TARGET pivotd AND TARGET pivot-gen-avro)
  add_test(NAME bench_cluster_smoke
           COMMAND ${PIVOT_PYTHON} ${CMAKE_SOURCE_DIR}/bench/cluster_bench.py
                   --build ${CMAKE_BINARY_DIR} --submissions 20 --idle 2)
  set_tests_properties(bench_cluster_smoke PROPERTIES
    TIMEOUT 120
    LABELS bench
    PASS_REGULAR_EXPRESSION "sqlite, 1 node +[0-9.]+ +20 (.|\n)*postgresql, 3 nodes +[0-9.]+ +20 ")
endif()

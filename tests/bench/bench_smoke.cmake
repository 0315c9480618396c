# The export benchmark on a tiny case, to prove the script works end to end
# (generation, a real pivotd, the floor, the baseline, the table). It asserts
# only that a table was printed, never a time.
set(_bench_baseline_args --baseline run)
if(NOT EXISTS ${CMAKE_SOURCE_DIR}/../shared/bench-baseline/baseline_pivot.py)
  set(_bench_baseline_args --baseline skip)
endif()
add_test(NAME bench_smoke
         COMMAND ${PIVOT_PYTHON} ${CMAKE_SOURCE_DIR}/bench/export_bench.py
                 --build ${CMAKE_BINARY_DIR} --cases smoke --repeat 1 ${_bench_baseline_args}
                 --data ${CMAKE_CURRENT_BINARY_DIR}/bench_smoke_data)
set_tests_properties(bench_smoke PROPERTIES
  TIMEOUT 120
  PASS_REGULAR_EXPRESSION "\\| smoke \\| 1200 \\| null \\| [0-9]+ \\| [0-9]+ \\| [0-9.]+ \\|")

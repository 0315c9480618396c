# The soak on a 10-second budget: mixed traffic from four users, then the
# invariants (every job in the state its history calls for, results/ and the
# completed jobs matching file for file, server memory flat). It asserts no
# time; bench/soak.py exits 1 on any violated invariant.
if(TARGET pivotd AND TARGET pivot-gen-avro)
  # Sanitizer runtimes keep freed memory in quarantine: RSS means nothing there.
  set(_soak_rss_args)
  if(NOT PIVOT_SANITIZE STREQUAL "")
    set(_soak_rss_args --no-rss)
  endif()
  add_test(NAME bench_soak_smoke
           COMMAND ${PIVOT_PYTHON} ${CMAKE_SOURCE_DIR}/bench/soak.py
                   --build ${CMAKE_BINARY_DIR} --seconds 10 --users 4 ${_soak_rss_args})
  set_tests_properties(bench_soak_smoke PROPERTIES
    TIMEOUT 300
    LABELS integration
    PASS_REGULAR_EXPRESSION "soak: ok"
    FAIL_REGULAR_EXPRESSION "soak: FAIL"
    ENVIRONMENT "PYTHONDONTWRITEBYTECODE=1")
endif()

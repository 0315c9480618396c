# The plugin SDK as third parties meet it: self-contained headers, an
# installed prefix, the examples built out of tree and run in a real pivotd.
set(_sdk_work ${CMAKE_BINARY_DIR}/sdk-test)
set(_sdk_script ${CMAKE_CURRENT_LIST_DIR}/sdk_examples.py)
set(_sdk_args --build ${CMAKE_BINARY_DIR} --source ${CMAKE_SOURCE_DIR} --work ${_sdk_work})

add_test(NAME sdk_headers
  COMMAND ${PIVOT_PYTHON} ${CMAKE_CURRENT_LIST_DIR}/check_headers.py
          ${CMAKE_SOURCE_DIR}/sdk/include ${CMAKE_BINARY_DIR}/sdk-headers)

add_test(NAME sdk_install COMMAND ${PIVOT_PYTHON} ${_sdk_script} install ${_sdk_args})
add_test(NAME sdk_build_cmake COMMAND ${PIVOT_PYTHON} ${_sdk_script} build-cmake ${_sdk_args})
add_test(NAME sdk_build_pkgconfig
  COMMAND ${PIVOT_PYTHON} ${_sdk_script} build-pkgconfig ${_sdk_args})
add_test(NAME sdk_run_examples
  COMMAND ${PIVOT_PYTHON} ${_sdk_script} run ${_sdk_args} --gen-avro $<TARGET_FILE:pivot-gen-avro>)
set_tests_properties(sdk_install PROPERTIES FIXTURES_SETUP sdk_prefix TIMEOUT 120)
set_tests_properties(sdk_build_cmake PROPERTIES FIXTURES_REQUIRED sdk_prefix
                     FIXTURES_SETUP sdk_examples TIMEOUT 180)
# The pkg-config build must not run while the CMake build installs into the prefix.
set_tests_properties(sdk_build_pkgconfig PROPERTIES FIXTURES_REQUIRED "sdk_prefix;sdk_examples"
                     TIMEOUT 120)
set_tests_properties(sdk_run_examples PROPERTIES FIXTURES_REQUIRED "sdk_prefix;sdk_examples"
                     TIMEOUT 180)
set_tests_properties(sdk_headers PROPERTIES TIMEOUT 120)

# pivotd plugins check: exit status and the reason, on the loader's broken plugins.
set(_sdk_test_plugins ${CMAKE_BINARY_DIR}/test-plugins)
add_test(NAME sdk_plugins_cli
  COMMAND ${PIVOT_PYTHON} ${CMAKE_CURRENT_LIST_DIR}/check_plugins_cli.py $<TARGET_FILE:pivotd>
          ${_sdk_test_plugins})
set_tests_properties(sdk_plugins_cli PROPERTIES TIMEOUT 60)

# The site_shifts example's arithmetic across daylight-saving changes, with
# fixed clocks (the running server can only test today's shift).
add_executable(test_site_shifts ${CMAKE_CURRENT_LIST_DIR}/test_site_shifts.c
               ${CMAKE_SOURCE_DIR}/sdk/examples/site_shifts/site_shifts.c
               ${CMAKE_SOURCE_DIR}/sdk/examples/site_shifts/tz_table.c)
target_include_directories(test_site_shifts PRIVATE ${CMAKE_SOURCE_DIR}/tests/unit
                           ${CMAKE_SOURCE_DIR}/sdk/examples/site_shifts)
target_link_libraries(test_site_shifts PRIVATE Pivot::test_host)
add_test(NAME sdk_site_shifts COMMAND test_site_shifts)
set_tests_properties(sdk_site_shifts PROPERTIES TIMEOUT 60)

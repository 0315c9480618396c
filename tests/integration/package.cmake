# The Debian packages: built with CPack from this build, lintian, installed
# with apt-get, the installed pivotd run on the relay fixture, purged. Needs
# root (skipped without) and about a minute; plain builds only (label
# plain_only: the packages of a sanitizer build are not what ships).
if(TARGET pivotd)
  add_test(NAME integration_package
           COMMAND ${PIVOT_PYTHON} ${CMAKE_CURRENT_LIST_DIR}/test_package.py)
  set_tests_properties(integration_package PROPERTIES
    TIMEOUT 600 LABELS "integration;plain_only;package" RUN_SERIAL ON
    ENVIRONMENT "PIVOT_BUILD_DIR=${CMAKE_BINARY_DIR};CPACK=${CMAKE_CPACK_COMMAND};PYTHONDONTWRITEBYTECODE=1")
endif()

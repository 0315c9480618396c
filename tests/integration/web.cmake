# The web page served by pivotd at /: its headers (Content-Type, CSP, ETag
# and 304, caching) without a browser, and the page itself driven in a real
# headless Chromium (Debian's chromium, chromium-driver, python3-selenium).
# The browser test is plain_only: a sanitized pivotd adds nothing to what a
# browser checks, and Chromium under a sanitizer run is slow. Screenshots go
# to test-artifacts/web in the build folder.
if(TARGET pivotd AND TARGET pivot-gen-avro)
  set(_web_env "PIVOTD=$<TARGET_FILE:pivotd>;PIVOT_GEN_AVRO=$<TARGET_FILE:pivot-gen-avro>;PIVOT_PLUGIN_DIR=${PIVOT_PLUGIN_OUTPUT_DIR};PYTHONDONTWRITEBYTECODE=1")
  add_test(NAME integration_web_assets
           COMMAND ${PIVOT_PYTHON} ${CMAKE_CURRENT_LIST_DIR}/test_web_assets.py)
  set_tests_properties(integration_web_assets PROPERTIES
    TIMEOUT 60 LABELS integration ENVIRONMENT "${_web_env}")
  add_test(NAME integration_web_preview
           COMMAND ${PIVOT_PYTHON} ${CMAKE_CURRENT_LIST_DIR}/test_web_preview.py)
  set_tests_properties(integration_web_preview PROPERTIES
    TIMEOUT 60 LABELS integration ENVIRONMENT "${_web_env}")
  add_test(NAME integration_web_browser
           COMMAND ${PIVOT_PYTHON} ${CMAKE_CURRENT_LIST_DIR}/test_web_browser.py)
  set_tests_properties(integration_web_browser PROPERTIES
    TIMEOUT 120 LABELS "integration;plain_only"
    ENVIRONMENT "${_web_env};PIVOT_ARTIFACT_DIR=${CMAKE_BINARY_DIR}/test-artifacts/web")
endif()

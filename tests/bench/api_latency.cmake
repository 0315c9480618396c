# The slow data source of bench/api_latency.py (describe of channel "slow"
# takes 2 s), in a folder of its own: the bench builds a plugin folder of the
# normal plugins plus it. Built with everything, run by hand (not a test: a
# benchmark asserts no time).
if(TARGET pivotd)
  add_library(test_plugin_slow_describe MODULE ${CMAKE_SOURCE_DIR}/tests/plugins/slow_describe.c)
  set_target_properties(test_plugin_slow_describe PROPERTIES PREFIX "" OUTPUT_NAME slow_describe
    C_VISIBILITY_PRESET hidden LIBRARY_OUTPUT_DIRECTORY ${CMAKE_BINARY_DIR}/bench-plugins)
  target_link_libraries(test_plugin_slow_describe PRIVATE Pivot::sdk)
endif()

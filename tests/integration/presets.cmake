# Presets from plugins: the SDK's site_shifts example (its last_shift preset)
# beside the bundled ones, GET /api/v1/pivot/presets, jobs with a plugin's
# preset, and a preset name two plugins register. Both plugins are built in
# their own directory; the test links them into a plugin directory of its own.
if(TARGET pivotd AND TARGET pivot-gen-avro)
  set(_presets_plugin_dir ${CMAKE_BINARY_DIR}/test-plugins-presets)
  add_library(test_plugin_site_shifts MODULE
              ${CMAKE_SOURCE_DIR}/sdk/examples/site_shifts/site_shifts.c
              ${CMAKE_SOURCE_DIR}/sdk/examples/site_shifts/tz_table.c)
  add_library(test_plugin_preset_clash MODULE ${CMAKE_SOURCE_DIR}/tests/plugins/preset_clash.c)
  foreach(_t test_plugin_site_shifts test_plugin_preset_clash)
    string(REPLACE "test_plugin_" "" _name ${_t})
    set_target_properties(${_t} PROPERTIES PREFIX "" OUTPUT_NAME ${_name}
      C_VISIBILITY_PRESET hidden LIBRARY_OUTPUT_DIRECTORY ${_presets_plugin_dir})
    target_link_libraries(${_t} PRIVATE Pivot::sdk)
  endforeach()
  add_test(NAME integration_presets
           COMMAND ${PIVOT_PYTHON} ${CMAKE_CURRENT_LIST_DIR}/test_presets.py)
  set_tests_properties(integration_presets PROPERTIES
    TIMEOUT 120
    LABELS integration
    ENVIRONMENT
      "PIVOTD=$<TARGET_FILE:pivotd>;PIVOT_GEN_AVRO=$<TARGET_FILE:pivot-gen-avro>;PIVOT_PLUGIN_DIR=${PIVOT_PLUGIN_OUTPUT_DIR};PIVOT_SITE_SHIFTS_PLUGIN=$<TARGET_FILE:test_plugin_site_shifts>;PIVOT_PRESET_CLASH_PLUGIN=$<TARGET_FILE:test_plugin_preset_clash>;PYTHONDONTWRITEBYTECODE=1")
endif()

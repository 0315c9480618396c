# pivot-gen-avro: the demo/test data generator (tools/).
if(TARGET pivot-gen-avro)
  set(PIVOT_BASELINE_DIR "${PROJECT_SOURCE_DIR}/tests/data/bench-baseline"
      CACHE PATH "Directory holding the reference gen_avro.py")
  set(_gen_avro_scripts ${CMAKE_CURRENT_SOURCE_DIR}/tools)

  # Byte-identical to the reference generator. The script exits 77 when
  # the reference is absent, which ctest reports as skipped, not failed.
  add_test(NAME gen_avro_matches_reference
           COMMAND ${PIVOT_PYTHON} ${_gen_avro_scripts}/gen_avro_compare.py
                   --gen $<TARGET_FILE:pivot-gen-avro> --baseline ${PIVOT_BASELINE_DIR})
  set_tests_properties(gen_avro_matches_reference PROPERTIES SKIP_RETURN_CODE 77 TIMEOUT 300)

  # Every field of every --with-mode record, read back with python-avro.
  add_test(NAME gen_avro_readback_formulas
           COMMAND ${PIVOT_PYTHON} ${_gen_avro_scripts}/gen_avro_readback.py
                   --gen $<TARGET_FILE:pivot-gen-avro>)
  set_tests_properties(gen_avro_readback_formulas PROPERTIES TIMEOUT 300)

  # --format relay (header-less blocks, fixed marker) and --shape example, read
  # block by block with python-avro using the .avsc files the generator wrote.
  add_test(NAME gen_avro_relay_format
           COMMAND ${PIVOT_PYTHON} ${_gen_avro_scripts}/gen_avro_relay.py
                   --gen $<TARGET_FILE:pivot-gen-avro>)
  set_tests_properties(gen_avro_relay_format PROPERTIES TIMEOUT 300)

  add_test(NAME gen_avro_cli
           COMMAND ${PIVOT_PYTHON} ${_gen_avro_scripts}/gen_avro_cli.py
                   --gen $<TARGET_FILE:pivot-gen-avro>)
  set_tests_properties(gen_avro_cli PROPERTIES TIMEOUT 120)
endif()

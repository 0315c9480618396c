# Fuzz targets (tests/fuzz/fuzz_*.c). In every build each target is linked
# with replay_main.c and replays its seed corpus, including every input that
# once crashed, as an ordinary test (fuzz_replay_<target>). With
# -DPIVOT_FUZZ=ON (clang; see scripts/install-fuzz-deps and `make fuzz`) the
# same sources are also linked with libFuzzer as fuzz_<target>.
set(_fuzz_dir ${CMAKE_CURRENT_LIST_DIR})
if(TARGET pivot_core AND TARGET pivot-gen-avro AND TARGET avro AND TARGET timespec)
  set(_fuzz_common_defs FUZZ_PLUGIN_DIR="${PIVOT_PLUGIN_OUTPUT_DIR}"
                        FUZZ_GEN_AVRO="$<TARGET_FILE:pivot-gen-avro>")
  foreach(target timespec config request avro_source)
    set(_srcs ${_fuzz_dir}/fuzz_${target}.c)
    set(_libs)
    if(target STREQUAL "timespec")
      set(_libs Pivot::grammar m)
    elseif(target STREQUAL "config")
      list(APPEND _srcs ${PROJECT_SOURCE_DIR}/core/util/config.c
                        ${PROJECT_SOURCE_DIR}/core/util/config_file.c
                        ${PROJECT_SOURCE_DIR}/core/util/duration.c)
      set(_libs Pivot::grammar PkgConfig::YAML)
    else()
      list(APPEND _srcs ${_fuzz_dir}/fuzz_env.c)
      set(_libs pivot_core)
    endif()
    set(_variants replay)
    if(PIVOT_FUZZ)
      list(APPEND _variants fuzz)
    endif()
    foreach(variant IN LISTS _variants)
      set(_exe ${variant}_${target})
      if(variant STREQUAL "replay")
        add_executable(${_exe} ${_srcs} ${_fuzz_dir}/replay_main.c)
      else()
        add_executable(${_exe} ${_srcs})
        # libFuzzer's runtime, linked last by clang, needs libm.
        target_link_options(${_exe} PRIVATE -fsanitize=fuzzer -Wl,--no-as-needed -lm)
      endif()
      target_include_directories(${_exe} PRIVATE ${_fuzz_dir} ${PROJECT_SOURCE_DIR}/core/util
                                                 ${PROJECT_SOURCE_DIR}/plugins/timespec)
      target_compile_definitions(${_exe} PRIVATE ${_fuzz_common_defs})
      target_link_libraries(${_exe} PRIVATE ${_libs})
      add_dependencies(${_exe} avro timespec hdf5 auth pivot-gen-avro)
      set_target_properties(${_exe} PROPERTIES RUNTIME_OUTPUT_DIRECTORY ${CMAKE_BINARY_DIR}/fuzz)
    endforeach()
    add_test(NAME fuzz_replay_${target}
             COMMAND replay_${target} ${_fuzz_dir}/corpus/${target})
    set_tests_properties(fuzz_replay_${target} PROPERTIES TIMEOUT 120
                         PASS_REGULAR_EXPRESSION "replayed [1-9][0-9]* inputs")
  endforeach()
endif()

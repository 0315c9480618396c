# Tests that compile the avro source plugin's own sources (plugins/avro) to
# reach its internals: the compiled decoder (fast_decoder.c) compared value by
# value with libavro's generic reader, and every Avro type through both.
if(NOT TARGET PkgConfig::ZLIB)
  pkg_check_modules(ZLIB REQUIRED IMPORTED_TARGET zlib)
endif()
set(_avro_plugin_dir ${PROJECT_SOURCE_DIR}/plugins/avro)
list(TRANSFORM PVA_AVRO_SOURCES PREPEND ${_avro_plugin_dir}/ OUTPUT_VARIABLE _avro_sources)
add_library(pva_avro_internals STATIC ${_avro_sources})
target_include_directories(pva_avro_internals PUBLIC ${_avro_plugin_dir})
target_link_libraries(pva_avro_internals PUBLIC Pivot::sdk ${PVA_AVRO_LIBRARIES} m)

add_executable(test_avro_decoder ${CMAKE_CURRENT_LIST_DIR}/test_avro_decoder.c ${CMAKE_CURRENT_LIST_DIR}/test_avro_host.c
               ${CMAKE_CURRENT_LIST_DIR}/test_avro_source_fixture.c)
target_include_directories(test_avro_decoder PRIVATE ${CMAKE_CURRENT_LIST_DIR})
target_link_libraries(test_avro_decoder PRIVATE pva_avro_internals Pivot::test_host)
add_test(NAME avro_decoder_unit
         COMMAND test_avro_decoder $<TARGET_FILE:pivot-gen-avro> ${CMAKE_CURRENT_BINARY_DIR}/avro_decoder)
set_tests_properties(avro_decoder_unit PROPERTIES TIMEOUT 120)

# The avro type tests against formulas: every type a relay schema can hold,
# each codec, both decoders (avro_types); unsupported fields skipped,
# evolution with nullable signals, bad snappy CRCs, unknown codecs
# (avro_types_edge).
foreach(t avro_types avro_types_edge)
  add_executable(test_${t} ${CMAKE_CURRENT_LIST_DIR}/test_${t}.c ${CMAKE_CURRENT_LIST_DIR}/test_avro_types_fixture.c
                 ${CMAKE_CURRENT_LIST_DIR}/test_avro_types_harness.c ${CMAKE_CURRENT_LIST_DIR}/test_avro_host.c
                 ${CMAKE_CURRENT_LIST_DIR}/test_avro_source_fixture.c)
  target_include_directories(test_${t} PRIVATE ${CMAKE_CURRENT_LIST_DIR})
  target_link_libraries(test_${t} PRIVATE pva_avro_internals Pivot::test_host)
  add_test(NAME ${t}_unit COMMAND test_${t} ${CMAKE_CURRENT_BINARY_DIR}/${t})
  set_tests_properties(${t}_unit PROPERTIES TIMEOUT 120)
endforeach()

# The compiled Avro decoder (plugins/avro/fast_decoder.c) compared value by
# value with libavro's generic reader on generated and libavro-written files.
if(NOT TARGET PkgConfig::ZLIB)
  pkg_check_modules(ZLIB REQUIRED IMPORTED_TARGET zlib)
endif()
set(_avro_plugin_dir ${PROJECT_SOURCE_DIR}/plugins/avro)
add_executable(test_avro_decoder unit/test_avro_decoder.c unit/test_avro_source_fixture.c
  ${_avro_plugin_dir}/source.c ${_avro_plugin_dir}/channel_dir.c ${_avro_plugin_dir}/file_list.c
  ${_avro_plugin_dir}/ocf_header.c ${_avro_plugin_dir}/record_schema.c
  ${_avro_plugin_dir}/record_reader.c ${_avro_plugin_dir}/ocf_blocks.c
  ${_avro_plugin_dir}/fast_decoder.c ${_avro_plugin_dir}/batch.c ${_avro_plugin_dir}/describe.c
  ${_avro_plugin_dir}/scan.c ${_avro_plugin_dir}/span.c)
target_include_directories(test_avro_decoder PRIVATE ${CMAKE_CURRENT_SOURCE_DIR}/unit
                           ${_avro_plugin_dir})
target_link_libraries(test_avro_decoder PRIVATE Pivot::sdk PkgConfig::AVRO PkgConfig::YAJL
                      PkgConfig::ZLIB m)
add_test(NAME avro_decoder_unit
         COMMAND test_avro_decoder $<TARGET_FILE:pivot-gen-avro> ${CMAKE_CURRENT_BINARY_DIR}/avro_decoder)
set_tests_properties(avro_decoder_unit PROPERTIES TIMEOUT 120)

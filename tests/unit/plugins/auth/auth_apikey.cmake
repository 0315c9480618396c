# The auth plugin's "apikey" backend, tested through the built auth.so.
if(TARGET auth)
  add_executable(test_auth_apikey ${CMAKE_CURRENT_LIST_DIR}/test_auth_apikey.c)
  target_link_libraries(test_auth_apikey PRIVATE Pivot::test_host PkgConfig::SQLITE
                        PkgConfig::LIBCRYPTO Threads::Threads)
  target_compile_definitions(test_auth_apikey PRIVATE AUTH_PLUGIN_PATH="$<TARGET_FILE:auth>")
  add_dependencies(test_auth_apikey auth)
  foreach(group format authenticate refused storage threads instances)
    add_test(NAME auth_apikey_${group} COMMAND test_auth_apikey ${group})
    set_tests_properties(auth_apikey_${group} PROPERTIES TIMEOUT 60)
  endforeach()
endif()

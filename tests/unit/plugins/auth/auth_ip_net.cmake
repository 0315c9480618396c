# Address lists of the auth backends (plugins/auth/ip_net.c), compiled in directly.
if(TARGET auth)
  add_executable(test_auth_ip_net ${CMAKE_CURRENT_LIST_DIR}/test_auth_ip_net.c
                 ${CMAKE_SOURCE_DIR}/plugins/auth/ip_net.c)
  target_include_directories(test_auth_ip_net PRIVATE ${CMAKE_SOURCE_DIR}/plugins/auth)
  target_link_libraries(test_auth_ip_net PRIVATE Pivot::grammar)
  add_test(NAME auth_ip_net COMMAND test_auth_ip_net)
  set_tests_properties(auth_ip_net PROPERTIES TIMEOUT 60)
endif()

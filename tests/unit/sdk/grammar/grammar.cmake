# The text grammars: RFC 3339, ISO 8601 durations and bounded integers of the
# SDK's grammar library (sdk/grammar), which pivotd and the plugins link.
foreach(t rfc3339 iso_duration integer ip_net)
  add_executable(test_grammar_${t} ${CMAKE_CURRENT_LIST_DIR}/test_grammar_${t}.c)
  target_include_directories(test_grammar_${t} PRIVATE ${CMAKE_CURRENT_LIST_DIR})
  target_link_libraries(test_grammar_${t} PRIVATE Pivot::grammar)
  add_test(NAME grammar_${t} COMMAND test_grammar_${t})
  set_tests_properties(grammar_${t} PROPERTIES TIMEOUT 30)
endforeach()

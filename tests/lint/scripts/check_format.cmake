# The fragments of tests/*/*.cmake are included at configure time; this one is a
# script run by the lint_clang_format test, so it lives one directory deeper.
# Fails, listing the files, when clang-format would change any C source.
file(GLOB_RECURSE sources
  ${SOURCE_DIR}/core/*.[ch] ${SOURCE_DIR}/sdk/*.[ch] ${SOURCE_DIR}/plugins/*.[ch]
  ${SOURCE_DIR}/tools/*.[ch] ${SOURCE_DIR}/tests/*.[ch] ${SOURCE_DIR}/bench/*.[ch])
set(bad "")
foreach(f IN LISTS sources)
  execute_process(COMMAND ${CLANG_FORMAT} --dry-run -Werror ${f}
                  RESULT_VARIABLE rc OUTPUT_QUIET ERROR_QUIET)
  if(NOT rc EQUAL 0)
    list(APPEND bad ${f})
  endif()
endforeach()
list(LENGTH sources n)
if(bad)
  string(REPLACE ";" "\n  " bad "${bad}")
  message(FATAL_ERROR "clang-format would change:\n  ${bad}\nrun: clang-format -i FILE")
endif()
message(STATUS "${n} files formatted")

# CI checks the formatting of every C source against .clang-format.
find_program(PIVOT_CLANG_FORMAT NAMES clang-format clang-format-14)
if(PIVOT_CLANG_FORMAT)
  add_test(NAME lint_clang_format
    COMMAND ${CMAKE_COMMAND} -DCLANG_FORMAT=${PIVOT_CLANG_FORMAT}
            -DSOURCE_DIR=${CMAKE_SOURCE_DIR} -P ${CMAKE_CURRENT_LIST_DIR}/scripts/check_format.cmake)
endif()

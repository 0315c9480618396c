# CI checks the formatting of every C source against .clang-format.
find_program(PIVOT_CLANG_FORMAT NAMES clang-format clang-format-14)
if(PIVOT_CLANG_FORMAT)
  add_test(NAME lint_clang_format
    COMMAND ${CMAKE_COMMAND} -DCLANG_FORMAT=${PIVOT_CLANG_FORMAT}
            -DSOURCE_DIR=${CMAKE_SOURCE_DIR} -P ${CMAKE_CURRENT_LIST_DIR}/scripts/check_format.cmake)
endif()

# Static analysis with cppcheck: warnings and portability findings fail.
find_program(PIVOT_CPPCHECK NAMES cppcheck)
if(PIVOT_CPPCHECK)
  add_test(NAME lint_cppcheck
    COMMAND ${PIVOT_CPPCHECK} --quiet --inline-suppr --error-exitcode=1
            --enable=warning,portability --std=c11 --suppress=missingIncludeSystem
            -I ${CMAKE_SOURCE_DIR}/core/util -I ${CMAKE_SOURCE_DIR}/core/plugin
            -I ${CMAKE_SOURCE_DIR}/core/export -I ${CMAKE_SOURCE_DIR}/core/jobs
            -I ${CMAKE_SOURCE_DIR}/core/http -I ${CMAKE_SOURCE_DIR}/core/cli
            -I ${CMAKE_SOURCE_DIR}/sdk/include -I ${CMAKE_SOURCE_DIR}/sdk/grammar/include
            ${CMAKE_SOURCE_DIR}/core ${CMAKE_SOURCE_DIR}/plugins ${CMAKE_SOURCE_DIR}/tools
            -I ${CMAKE_SOURCE_DIR}/sdk/host_json/include -I ${CMAKE_SOURCE_DIR}/sdk/test_host/include
            ${CMAKE_SOURCE_DIR}/sdk/examples ${CMAKE_SOURCE_DIR}/sdk/grammar
            ${CMAKE_SOURCE_DIR}/sdk/host_json ${CMAKE_SOURCE_DIR}/sdk/test_host)
endif()

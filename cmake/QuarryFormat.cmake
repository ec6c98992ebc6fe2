# clang-format targets (Debian: clang-format). format-check fails if a file of
# cmake/formatted-files.txt differs from what clang-format makes of it; format-report lists
# every file of the tree that clang-format would change. Neither rewrites a file.
find_program(QUARRY_CLANG_FORMAT NAMES clang-format clang-format-14)
if(QUARRY_CLANG_FORMAT)
    foreach(mode check report)
        add_custom_target(format-${mode}
                          COMMAND ${CMAKE_COMMAND} -DCLANG_FORMAT=${QUARRY_CLANG_FORMAT}
                                  -DSOURCE_DIR=${PROJECT_SOURCE_DIR} -DMODE=${mode}
                                  -P ${PROJECT_SOURCE_DIR}/cmake/FormatCheck.cmake
                          VERBATIM)
    endforeach()
else()
    message(STATUS "clang-format not found: no targets format-check and format-report")
endif()

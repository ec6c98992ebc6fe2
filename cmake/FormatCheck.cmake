# Compares source files with what clang-format (the repository's .clang-format) makes of
# them.
#   cmake -DCLANG_FORMAT=… -DSOURCE_DIR=… -DMODE=check  [-DFILES=a.cpp;b.hpp] -P FormatCheck.cmake
#     fails, naming them, if any of FILES (default: those of cmake/formatted-files.txt)
#     differs from clang-format's output;
#   cmake -DCLANG_FORMAT=… -DSOURCE_DIR=… -DMODE=report -P FormatCheck.cmake
#     lists every C++ file of the tree that clang-format would change, with the number of
#     lines it would change, and does not fail.
if(MODE STREQUAL "report")
    file(GLOB_RECURSE files RELATIVE ${SOURCE_DIR} ${SOURCE_DIR}/*.cpp ${SOURCE_DIR}/*.hpp)
    list(FILTER files EXCLUDE REGEX "^build/")
elseif(MODE STREQUAL "check")
    if(NOT DEFINED FILES)
        file(STRINGS ${SOURCE_DIR}/cmake/formatted-files.txt FILES REGEX "^[^#]")
    endif()
    set(files ${FILES})
else()
    message(FATAL_ERROR "FormatCheck.cmake: MODE must be check or report")
endif()

set(differing "")
foreach(file ${files})
    if(IS_ABSOLUTE ${file})
        set(path ${file})
    else()
        set(path ${SOURCE_DIR}/${file})
    endif()
    if(NOT EXISTS ${path})
        message(FATAL_ERROR "${file}: no such file")
    endif()
    execute_process(COMMAND ${CLANG_FORMAT} --style=file:${SOURCE_DIR}/.clang-format ${path}
                    OUTPUT_VARIABLE formatted ERROR_VARIABLE error RESULT_VARIABLE status)
    if(NOT status EQUAL 0)
        message(FATAL_ERROR "${CLANG_FORMAT} failed on ${file}: ${error}")
    endif()
    file(READ ${path} original)
    if(NOT formatted STREQUAL original)
        if(MODE STREQUAL "report")
            execute_process(COMMAND ${CLANG_FORMAT} --style=file:${SOURCE_DIR}/.clang-format
                                    --dry-run ${path} ERROR_VARIABLE warnings)
            string(REGEX MATCHALL "warning: code should be clang-formatted" hits "${warnings}")
            list(LENGTH hits count)
            list(APPEND differing "${file} (${count} places)")
        else()
            list(APPEND differing ${file})
        endif()
    endif()
endforeach()

list(LENGTH files total)
list(LENGTH differing count)
list(JOIN differing "\n  " text)
if(MODE STREQUAL "report")
    message(STATUS "clang-format would change ${count} of ${total} files:\n  ${text}")
elseif(differing)
    message(FATAL_ERROR "not as clang-format writes them (run clang-format -i on them):\n  ${text}")
else()
    message(STATUS "format: ${total} files as clang-format writes them")
endif()

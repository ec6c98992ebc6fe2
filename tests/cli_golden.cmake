# Runs the quarry commands of a golden transcript in a scratch folder and compares what
# they print, byte for byte.
#   cmake -DQUARRY=… -DCOMMANDS=<dir>/<name>.cmds -DWORK_DIR=… -P cli_golden.cmake
# <name>.cmds holds one command line a line (the arguments of quarry, split as a shell
# would; # starts a comment line). The files of <dir> are copied into WORK_DIR first, so
# the commands may read them and write beside them. The transcript: each command after
# "$ quarry ", its standard output, its standard error (each line after "stderr: ") and a
# non-zero exit status ("status: N"). Expected: <name>.out; with QUARRY_UPDATE_GOLDEN set
# in the environment, rewritten.
get_filename_component(dir ${COMMANDS} DIRECTORY)
get_filename_component(name ${COMMANDS} NAME_WE)
file(REMOVE_RECURSE ${WORK_DIR})
file(MAKE_DIRECTORY ${WORK_DIR})
file(GLOB inputs ${dir}/*)
file(COPY ${inputs} DESTINATION ${WORK_DIR})
file(STRINGS ${COMMANDS} lines)
set(transcript "")
foreach(line IN LISTS lines)
    if(line MATCHES "^#" OR line STREQUAL "")
        continue()
    endif()
    separate_arguments(args UNIX_COMMAND "${line}")
    execute_process(COMMAND ${QUARRY} ${args} WORKING_DIRECTORY ${WORK_DIR}
                    OUTPUT_VARIABLE out ERROR_VARIABLE err RESULT_VARIABLE status)
    string(APPEND transcript "$ quarry ${line}\n${out}")
    if(err)
        string(REGEX REPLACE "\n$" "" err "${err}")
        string(REPLACE "\n" "\nstderr: " err "${err}")
        string(APPEND transcript "stderr: ${err}\n")
    endif()
    if(NOT status EQUAL 0)
        string(APPEND transcript "status: ${status}\n")
    endif()
endforeach()
if(DEFINED ENV{QUARRY_UPDATE_GOLDEN})
    file(WRITE ${dir}/${name}.out "${transcript}")
    return()
endif()
file(READ ${dir}/${name}.out expected)
if(NOT transcript STREQUAL expected)
    message(FATAL_ERROR "the transcript differs from ${dir}/${name}.out:\n--- got ---\n${transcript}\n--- expected ---\n${expected}")
endif()

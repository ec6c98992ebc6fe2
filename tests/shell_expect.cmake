# Runs quarry with ARGS (a ;-list) in WORK_DIR after optional SETUP args, and checks the
# exit status and that stderr matches STDERR_REGEX.
# ARGS and SETUP separate arguments with | (a ; would split them on the way in).
string(REPLACE "|" ";" ARGS "${ARGS}")
string(REPLACE "|" ";" SETUP "${SETUP}")
file(MAKE_DIRECTORY ${WORK_DIR})
file(REMOVE ${WORK_DIR}/ro.qdb ${WORK_DIR}/ro.qdb-lock)
if(SETUP)
    execute_process(COMMAND ${QUARRY} ${SETUP} WORKING_DIRECTORY ${WORK_DIR} RESULT_VARIABLE setup_status
                    OUTPUT_QUIET ERROR_QUIET)
endif()
execute_process(COMMAND ${QUARRY} ${ARGS} WORKING_DIRECTORY ${WORK_DIR}
                OUTPUT_VARIABLE out ERROR_VARIABLE err RESULT_VARIABLE status)
if(NOT status EQUAL STATUS)
    message(FATAL_ERROR "exit status ${status}, expected ${STATUS}\nstdout: ${out}\nstderr: ${err}")
endif()
if(NOT err MATCHES "${STDERR_REGEX}")
    message(FATAL_ERROR "stderr does not match '${STDERR_REGEX}':\n${err}")
endif()

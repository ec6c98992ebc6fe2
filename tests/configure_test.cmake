# Configures a source tree (Quarry's, or a small project of tests/) in a scratch directory
# with the given cache settings and, with -DBUILD=ON, builds it: as a distribution or a
# library-only user would, not as the presets do. With BUILD=ON the build must print no
# warning.
#   cmake -DSOURCE_DIR=… -DWORK_DIR=… -DARGS=-Da=b|-Dc=d [-DBUILD=ON] -P configure_test.cmake
file(REMOVE_RECURSE ${WORK_DIR})
string(REPLACE "|" ";" args "${ARGS}")
execute_process(COMMAND ${CMAKE_COMMAND} -S ${SOURCE_DIR} -B ${WORK_DIR} -G Ninja ${args}
                RESULT_VARIABLE status OUTPUT_VARIABLE out ERROR_VARIABLE err)
if(NOT status EQUAL 0)
    message(FATAL_ERROR "configure with ${args} failed:\n${out}\n${err}")
endif()
if(BUILD)
    execute_process(COMMAND ${CMAKE_COMMAND} --build ${WORK_DIR} -j2
                    RESULT_VARIABLE status OUTPUT_VARIABLE out ERROR_VARIABLE err)
    if(NOT status EQUAL 0)
        message(FATAL_ERROR "build with ${args} failed:\n${out}\n${err}")
    endif()
    if(out MATCHES "warning:" OR err MATCHES "warning:")
        message(FATAL_ERROR "build with ${args} warned:\n${out}\n${err}")
    endif()
endif()
message(STATUS "configure: ok (${args})")

# Installs this build into a scratch prefix, builds examples/embed against it with
# find_package(Quarry), runs it and checks its output.
#   cmake -DSOURCE_DIR=… -DBUILD_DIR=… -DWORK_DIR=… -P embed_test.cmake
file(REMOVE_RECURSE ${WORK_DIR})
file(MAKE_DIRECTORY ${WORK_DIR})

function(run)
    execute_process(COMMAND ${ARGN} RESULT_VARIABLE status OUTPUT_VARIABLE out ERROR_VARIABLE err)
    if(NOT status EQUAL 0)
        message(FATAL_ERROR "failed (${status}): ${ARGN}\n${out}\n${err}")
    endif()
    set(output "${out}" PARENT_SCOPE)
endfunction()

run(${CMAKE_COMMAND} --install ${BUILD_DIR} --prefix ${WORK_DIR}/prefix)
run(${CMAKE_COMMAND} -S ${SOURCE_DIR}/examples/embed -B ${WORK_DIR}/build -G Ninja
    -DCMAKE_PREFIX_PATH=${WORK_DIR}/prefix -DCMAKE_BUILD_TYPE=Release)
run(${CMAKE_COMMAND} --build ${WORK_DIR}/build)
run(${WORK_DIR}/build/quarry-embed ${WORK_DIR}/embed.qdb)
set(expected "who\twhere\t\nAref\tRiyadh\t\nKhaji\tAstana\t\nlaunched 2017 (integer)\n")
if(NOT output STREQUAL expected)
    message(FATAL_ERROR "unexpected output:\n${output}\nexpected:\n${expected}")
endif()
message(STATUS "embed: ok")

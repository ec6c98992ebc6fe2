# examples/questions.qry, run after examples/astana.qry, must print examples/questions.out.
get_filename_component(dir ${SCRIPT} DIRECTORY)
execute_process(COMMAND ${QUARRY} astana.qry questions.qry WORKING_DIRECTORY ${dir}
                OUTPUT_VARIABLE out ERROR_VARIABLE err RESULT_VARIABLE status)
if(DEFINED ENV{QUARRY_UPDATE_GOLDEN})
    file(WRITE ${dir}/questions.out "${out}")
    return()
endif()
file(READ ${dir}/questions.out expected)
if(NOT status EQUAL 0 OR NOT err STREQUAL "" OR NOT out STREQUAL expected)
    message(FATAL_ERROR "status ${status}\nstderr: ${err}\n--- got ---\n${out}\n--- expected ---\n${expected}")
endif()

# Warnings as errors for project code only: call quarry_project_warnings(target) on every
# target whose sources we write (generated code and third-party headers stay exempt).
function(quarry_project_warnings target)
    get_target_property(type ${target} TYPE)
    if(type STREQUAL "INTERFACE_LIBRARY")
        return()
    endif()
    target_compile_options(${target} PRIVATE -Wall -Wextra -Werror -Wnon-virtual-dtor
                                              -Wimplicit-fallthrough)
    if(CMAKE_CXX_COMPILER_ID STREQUAL "GNU")
        target_compile_options(${target} PRIVATE -Wshadow=local)
    endif()
endfunction()

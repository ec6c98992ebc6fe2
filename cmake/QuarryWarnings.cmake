# Warnings for project code only: call quarry_project_warnings(target) on every target whose
# sources we write (generated code and third-party headers stay exempt). QUARRY_WERROR
# (OFF by default, ON in the presets and CI) makes them errors.
function(quarry_project_warnings target)
    get_target_property(type ${target} TYPE)
    if(type STREQUAL "INTERFACE_LIBRARY")
        return()
    endif()
    target_compile_options(${target} PRIVATE -Wall -Wextra -Wnon-virtual-dtor -Wimplicit-fallthrough)
    if(QUARRY_WERROR)
        target_compile_options(${target} PRIVATE -Werror)
    endif()
    if(CMAKE_CXX_COMPILER_ID STREQUAL "GNU")
        target_compile_options(${target} PRIVATE -Wshadow=local)
        # GCC 12 at -O3 reports a memcpy of 2^63 bytes that "may overlap" inside libstdc++'s
        # inlined basic_string::insert, for any `"text" + std::string&&` (GCC PR 105329,
        # PR 105651). It fires in code that is correct and idiomatic (the parser's error
        # texts, the printer, the shell's tables, bench/newsgraph), so only -Wrestrict, and
        # only on GCC 12, is turned off.
        if(CMAKE_CXX_COMPILER_VERSION VERSION_GREATER_EQUAL 12 AND CMAKE_CXX_COMPILER_VERSION VERSION_LESS 13)
            target_compile_options(${target} PRIVATE -Wno-restrict)
        endif()
    endif()
endfunction()

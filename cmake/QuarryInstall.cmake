# Install rules and the package config, so that another project can write
#   find_package(Quarry REQUIRED)
#   target_link_libraries(app PRIVATE Quarry::quarry)
# and #include <quarry/quarry.hpp>. Only the public headers, quarry/*.hpp, are installed
# (to <prefix>/include/quarry/); they include each other as "quarry/term.hpp", as in this
# repository, and nothing but the standard library. The libraries behind them (engine,
# parser, storage, schema) are static archives linked in; parser and storage are private
# to the engine. Quarry::quarry carries C++20 (the public headers need it) and
# <prefix>/include.
include(GNUInstallDirs)
include(CMakePackageConfigHelpers)

# Exported as Quarry::quarry; "quarry" itself is the shell program.
add_library(quarry_library INTERFACE)
target_link_libraries(quarry_library INTERFACE quarry_engine)
target_include_directories(quarry_library INTERFACE $<INSTALL_INTERFACE:${CMAKE_INSTALL_INCLUDEDIR}>)
target_compile_features(quarry_library INTERFACE cxx_std_20)
set_target_properties(quarry_library PROPERTIES EXPORT_NAME quarry)
# The same name for a project that adds this source tree with add_subdirectory().
add_library(Quarry::quarry ALIAS quarry_library)

foreach(target quarry_storage quarry_parser quarry_engine)
    target_compile_features(${target} PUBLIC cxx_std_20)
endforeach()

install(TARGETS quarry_library quarry_storage quarry_schema quarry_parser quarry_engine
        EXPORT QuarryTargets
        ARCHIVE DESTINATION ${CMAKE_INSTALL_LIBDIR})
install(DIRECTORY ${PROJECT_SOURCE_DIR}/quarry/ DESTINATION ${CMAKE_INSTALL_INCLUDEDIR}/quarry
        FILES_MATCHING PATTERN "*.hpp")

set(QUARRY_CMAKE_DIR ${CMAKE_INSTALL_LIBDIR}/cmake/Quarry)
install(EXPORT QuarryTargets NAMESPACE Quarry:: DESTINATION ${QUARRY_CMAKE_DIR})
configure_package_config_file(${PROJECT_SOURCE_DIR}/cmake/QuarryConfig.cmake.in
                              ${PROJECT_BINARY_DIR}/QuarryConfig.cmake
                              INSTALL_DESTINATION ${QUARRY_CMAKE_DIR})
write_basic_package_version_file(${PROJECT_BINARY_DIR}/QuarryConfigVersion.cmake
                                 COMPATIBILITY SameMinorVersion)
install(FILES ${PROJECT_BINARY_DIR}/QuarryConfig.cmake ${PROJECT_BINARY_DIR}/QuarryConfigVersion.cmake
        DESTINATION ${QUARRY_CMAKE_DIR})

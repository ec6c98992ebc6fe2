# The man page and the Debian package.
#
# quarry(1) is generated at build time by help2man from the program's own --help and
# --version, so the page and the help text cannot drift apart. Without help2man (Debian:
# help2man, which scripts/setup installs) there is no man page, and the build says so.
#
# `cpack -G DEB` in a build directory makes quarry_<version>_<arch>.deb: the quarry program,
# the man page, the headers, the static libraries and the CMake package config, under
# /usr. Its Depends are the shared libraries the program links (found by dpkg-shlibdeps)
# and the -dev packages that a project building against the headers and find_package(Quarry)
# needs.
find_program(QUARRY_HELP2MAN help2man)
find_program(QUARRY_GZIP gzip)
if(QUARRY_HELP2MAN AND QUARRY_GZIP)
    set(man_page ${PROJECT_BINARY_DIR}/man/quarry.1)
    add_custom_command(
        OUTPUT ${man_page}.gz
        COMMAND ${CMAKE_COMMAND} -E make_directory ${PROJECT_BINARY_DIR}/man
        COMMAND ${QUARRY_HELP2MAN} --no-info --locale=C.UTF-8 --section 1 --source "Quarry ${PROJECT_VERSION}"
                --name "the shell of Quarry, an embedded knowledge-graph store"
                --output ${man_page} $<TARGET_FILE:quarry>
        COMMAND ${QUARRY_GZIP} -9nf ${man_page}
        DEPENDS quarry
        COMMENT "Generating the man page quarry(1) from quarry --help"
        VERBATIM)
    add_custom_target(quarry-man ALL DEPENDS ${man_page}.gz)
    install(FILES ${man_page}.gz DESTINATION ${CMAKE_INSTALL_MANDIR}/man1)
else()
    message(STATUS "help2man or gzip not found: no man page quarry(1)")
endif()

set(QUARRY_PACKAGE_MAINTAINER "Quarry maintainers <maintainers@quarry.invalid>"
    CACHE STRING "The Maintainer field of the Debian package")
set(CPACK_PACKAGE_NAME quarry)
set(CPACK_PACKAGE_VERSION ${PROJECT_VERSION})
set(CPACK_PACKAGE_DESCRIPTION_SUMMARY "${PROJECT_DESCRIPTION}")
set(CPACK_PACKAGE_DESCRIPTION
    "Quarry stores facts as quads (subject, predicate, object, context) in one LMDB file and\n\
answers questions across them in its query language. This package holds the quarry\n\
shell, its man page, and the C++ library (headers, static libraries and the CMake\n\
package config for find_package(Quarry)).")
set(CPACK_PACKAGE_CONTACT "${QUARRY_PACKAGE_MAINTAINER}")
set(CPACK_STRIP_FILES ON)
set(CPACK_DEBIAN_FILE_NAME DEB-DEFAULT)
set(CPACK_DEBIAN_PACKAGE_SECTION database)
set(CPACK_DEBIAN_PACKAGE_SHLIBDEPS ON)
set(CPACK_DEBIAN_PACKAGE_DEPENDS
    "libboost-dev (>= 1.74), libfmt-dev (>= 9), liblmdb-dev, libcapnp-dev, libserd-dev (>= 0.30), libsimdjson-dev (>= 3), pkg-config")
set(CPACK_GENERATOR DEB)
# `make package_source` packs the tree without git's files and the build directories.
set(CPACK_SOURCE_IGNORE_FILES "^${PROJECT_SOURCE_DIR}/\\.git$" "^${PROJECT_SOURCE_DIR}/build/")
include(CPack)

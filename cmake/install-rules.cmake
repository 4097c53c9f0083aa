# SPDX-License-Identifier: BSL-1.0
# Install and package-config rules: find_package(mi) gives mi::mi and mi::separate (and mi::xmlrpc when built
# with expat, mi::https when built with OpenSSL).
# Included from the top-level CMakeLists.txt when MI_INSTALL is ON.

include(GNUInstallDirs)
include(CMakePackageConfigHelpers)

set(MI_INSTALL_CMAKEDIR "${CMAKE_INSTALL_DATADIR}/cmake/mi"
    CACHE PATH "Where mi's package-config files go, relative to the install prefix")
mark_as_advanced(MI_INSTALL_CMAKEDIR)

# "include", not ${CMAKE_INSTALL_INCLUDEDIR}: it must match the target's
# $<INSTALL_INTERFACE:include> (which is why install(TARGETS) has no
# INCLUDES DESTINATION, that would list the directory twice).
install(DIRECTORY "${PROJECT_SOURCE_DIR}/include/"
    DESTINATION include)

set(_mi_exported mi mi_separate)
set(MI_CONFIG_DEPENDENCIES "")
if(TARGET mi_xmlrpc)
    list(APPEND _mi_exported mi_xmlrpc)
    string(APPEND MI_CONFIG_DEPENDENCIES "find_dependency(EXPAT)\n")
endif()
if(TARGET mi_https)
    list(APPEND _mi_exported mi_https)
    string(APPEND MI_CONFIG_DEPENDENCIES "find_dependency(OpenSSL)\n")
endif()
install(TARGETS ${_mi_exported}
    EXPORT mi-targets)

install(EXPORT mi-targets
    NAMESPACE mi::
    FILE mi-targets.cmake
    DESTINATION "${MI_INSTALL_CMAKEDIR}")

configure_package_config_file(
    "${PROJECT_SOURCE_DIR}/cmake/mi-config.cmake.in"
    "${PROJECT_BINARY_DIR}/mi-config.cmake"
    INSTALL_DESTINATION "${MI_INSTALL_CMAKEDIR}")

# Header-only: the version file must not check the consumer's pointer size.
write_basic_package_version_file(
    "${PROJECT_BINARY_DIR}/mi-config-version.cmake"
    COMPATIBILITY SameMajorVersion
    ARCH_INDEPENDENT)

install(FILES
    "${PROJECT_BINARY_DIR}/mi-config.cmake"
    "${PROJECT_BINARY_DIR}/mi-config-version.cmake"
    "${PROJECT_SOURCE_DIR}/cmake/mi_src.cpp"
    DESTINATION "${MI_INSTALL_CMAKEDIR}")

# Build-tree export: find_package(mi) also works with -Dmi_DIR=<mi build dir>,
# next to the mi-config.cmake / mi-config-version.cmake written above.
export(EXPORT mi-targets
    NAMESPACE mi::
    FILE "${PROJECT_BINARY_DIR}/mi-targets.cmake")

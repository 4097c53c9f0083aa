# SPDX-License-Identifier: BSL-1.0
# mi_test_options: the one shared INTERFACE target that carries warnings,
# -Werror and sanitizers for mi's tests, examples and benchmarks. It is never
# linked by mi::mi itself, so consumers never inherit these flags.
#
# Warnings are errors only where MI_WERROR is on: the project's own CI turns it on. Anyone else who builds the
# tests (a plain `-DCMAKE_BUILD_TYPE=Release`, another compiler version) sees the warnings and still gets a build:
# a compiler's new false positive must not stop a user's build.
option(MI_WERROR "Treat warnings as errors in mi's tests, examples and benchmarks (the project's CI)" OFF)

add_library(mi_test_options INTERFACE)

if(MSVC)
    target_compile_options(mi_test_options INTERFACE /W4 /permissive- $<$<BOOL:${MI_WERROR}>:/WX>)
else()
    target_compile_options(mi_test_options INTERFACE -Wall -Wextra -Wpedantic $<$<BOOL:${MI_WERROR}>:-Werror>)
endif()

if(NOT MI_SANITIZE STREQUAL "")
    if(MSVC)
        message(FATAL_ERROR "MI_SANITIZE is only supported with GCC and Clang")
    endif()
    set(_mi_sanitize_flags
        -fsanitize=${MI_SANITIZE}
        -fno-omit-frame-pointer
        -fno-sanitize-recover=all)
    # clang 14 cannot emit a coroutine compiled with -g and -fsanitize=function (part of `undefined`): "error:
    # Cannot represent a difference across sections". The coroutine handlers' tests and examples need the rest.
    if(CMAKE_CXX_COMPILER_ID STREQUAL "Clang" AND CMAKE_CXX_COMPILER_VERSION VERSION_LESS 15 AND
       MI_SANITIZE MATCHES "undefined")
        list(APPEND _mi_sanitize_flags -fno-sanitize=function)
    endif()
    target_compile_options(mi_test_options INTERFACE ${_mi_sanitize_flags})
    target_link_options(mi_test_options INTERFACE ${_mi_sanitize_flags})
    unset(_mi_sanitize_flags)
    message(STATUS "mi: sanitizers enabled for tests/examples/benchmarks: ${MI_SANITIZE}")
endif()

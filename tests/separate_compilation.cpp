// Copyright (c) 2026 the mi authors. Distributed under the Boost Software License, Version 1.0.
// SPDX-License-Identifier: BSL-1.0
//
// The one translation unit that compiles mi's command-independent code for the unit.*.separate tests, which
// build dispatch.cpp, introspection.cpp and async.cpp again with MI_SEPARATE_COMPILATION.
#include <mi/src.hpp>

// Copyright (c) 2026 the mi authors. Distributed under the Boost Software License, Version 1.0.
// SPDX-License-Identifier: BSL-1.0
#pragma once

// mi is header-only by default. Defining MI_SEPARATE_COMPILATION in every translation unit, and including
// <mi/src.hpp> in exactly one of them (or a library of its own), compiles the code that does not depend on
// the commands once instead of in each translation unit: the JSON reader, the dispatch core, the built-in
// commands.
#ifdef MI_SEPARATE_COMPILATION
#define MI_DECL
#else
#define MI_DECL inline
#endif

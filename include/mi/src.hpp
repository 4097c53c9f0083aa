// Copyright (c) 2026 the mi authors. Distributed under the Boost Software License, Version 1.0.
// SPDX-License-Identifier: BSL-1.0
#pragma once

// Include in exactly one translation unit of a program built with MI_SEPARATE_COMPILATION defined everywhere:
// it holds the code of mi that does not depend on the commands (see <mi/detail/config.hpp>).

#ifndef MI_SEPARATE_COMPILATION
#error "mi: <mi/src.hpp> is for MI_SEPARATE_COMPILATION builds; define it in every translation unit, or do not include this file"
#endif

#include <mi/detail/schema/builtin.ipp>
#include <mi/detail/dispatch/core.ipp>
#include <mi/detail/json/tape.ipp>

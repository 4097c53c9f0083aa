// Copyright (c) 2026 the mi authors. Distributed under the Boost Software License, Version 1.0.
// SPDX-License-Identifier: BSL-1.0
//
// The source mi::separate adds to the target that links it: mi's code that does not depend on the commands,
// compiled once for that target (see <mi/detail/config.hpp>).
#include <mi/src.hpp>

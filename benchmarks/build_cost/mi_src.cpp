// Copyright (c) 2026 the mi authors. Distributed under the Boost Software License, Version 1.0.
// SPDX-License-Identifier: BSL-1.0
//
// mi's code that does not depend on the commands, for the MI_SEPARATE_COMPILATION rows of build_cost.sh: built
// once into a shared library, as Boost.JSON's own code is in libboost_json.so.
#include <mi/src.hpp>

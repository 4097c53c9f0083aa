// Copyright (c) 2026 the mi authors. Distributed under the Boost Software License, Version 1.0.
// SPDX-License-Identifier: BSL-1.0
#pragma once

#include <cstddef>

namespace mi {

/** Bounds on what one request may cost. */
struct limits {
    std::size_t max_batch = 100;    ///< elements of a batch; a longer batch is one -32600
    std::size_t max_depth = 32;     ///< nesting of arrays and objects; deeper text is -32700
    std::size_t max_params = 64;    ///< parameters of one call; more are -32602
    std::size_t max_string = 65536; ///< bytes of any string in a call's params, names included; longer is -32602
};

} // namespace mi

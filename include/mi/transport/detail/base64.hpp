// Copyright (c) 2026 the mi authors. Distributed under the Boost Software License, Version 1.0.
// SPDX-License-Identifier: BSL-1.0
#pragma once

// Base64 (RFC 4648, with padding), as HTTP Basic credentials are written: by the server that checks them and the
// client that sends them.

#include <boost/archive/iterators/base64_from_binary.hpp>
#include <boost/archive/iterators/transform_width.hpp>

#include <string>
#include <string_view>

namespace mi::transport::detail {

inline std::string base64(std::string_view bytes) {
    using namespace boost::archive::iterators;
    using encoder = base64_from_binary<transform_width<std::string_view::const_iterator, 6, 8>>;
    std::string out(encoder(bytes.begin()), encoder(bytes.end()));
    out.append((3 - bytes.size() % 3) % 3, '=');
    return out;
}

} // namespace mi::transport::detail

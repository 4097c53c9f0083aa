// Copyright (c) 2026 the mi authors. Distributed under the Boost Software License, Version 1.0.
// SPDX-License-Identifier: BSL-1.0
#pragma once

#include <mi/detail/json_writer.hpp>

#include <string_view>

namespace mi::detail {

// The envelope of every response, in the member order OpenSIPS writes: jsonrpc, result|error, id.
inline void begin_result(json_writer& w) { w.raw(R"({"jsonrpc":"2.0","result":)"); }

inline void write_error(json_writer& w, int code, std::string_view message, std::string_view data) {
    w.error_code = code;
    w.raw(R"({"jsonrpc":"2.0","error":{"code":)");
    w.integer(code);
    w.raw(R"(,"message":)");
    w.string(message);
    if (!data.empty()) {
        w.raw(R"(,"data":)");
        w.string(data);
    }
    w.raw('}');
}

inline void end_response(json_writer& w, std::string_view id_json) {
    w.raw(R"(,"id":)");
    w.raw(id_json);
    w.raw('}');
}

} // namespace mi::detail

// Copyright (c) 2026 the mi authors. Distributed under the Boost Software License, Version 1.0.
// SPDX-License-Identifier: BSL-1.0
#pragma once

#include <mi/dispatcher.hpp>

#include <string>
#include <string_view>

namespace mi_test {

// The response to `request`, or "<none>" when the dispatcher answers nothing.
template <class Dispatcher>
std::string answer(Dispatcher const& d, std::string_view request, mi::context const& ctx = {}) {
    std::string response;
    return d.call(request, response, ctx) ? response : std::string("<none>");
}

inline std::string result(std::string_view value, std::string_view id = "1") {
    return std::string(R"({"jsonrpc":"2.0","result":)").append(value).append(R"(,"id":)").append(id).append("}");
}

inline std::string error(int code, std::string_view message, std::string_view data = {}, std::string_view id = "1") {
    std::string e = R"({"jsonrpc":"2.0","error":{"code":)" + std::to_string(code) + R"(,"message":")" +
                    std::string(message) + '"';
    if (!data.empty()) e.append(R"(,"data":")").append(data).append("\"");
    return e.append(R"(},"id":)").append(id).append("}");
}

inline std::string invalid_params(std::string_view data, std::string_view id = "1") {
    return error(-32602, "Invalid params", data, id);
}

// A request with id 1 for `method` with `params` (JSON text, or empty for none).
inline std::string request(std::string_view method, std::string_view params = {}) {
    std::string r = R"({"jsonrpc":"2.0","method":")" + std::string(method) + '"';
    if (!params.empty()) r.append(R"(,"params":)").append(params);
    return r.append(R"(,"id":1})");
}

} // namespace mi_test

// Copyright (c) 2026 the mi authors. Distributed under the Boost Software License, Version 1.0.
// SPDX-License-Identifier: BSL-1.0
#pragma once

#include <boost/system/result.hpp>
#include <boost/throw_exception.hpp>

#include <stdexcept>
#include <string>
#include <string_view>
#include <utility>

namespace mi {

/** The JSON-RPC 2.0 error codes, the two OpenSIPS adds (-32000, -32001), and our -32003. */
enum class errc : int {
    parse_error = -32700,
    invalid_request = -32600,
    method_not_found = -32601,
    invalid_params = -32602,
    internal_error = -32603,
    server_error = -32000,
    method_ambiguous = -32001,
    permission_denied = -32003, ///< ours: the caller is not granted what the recipe needs
};

/** The message JSON-RPC 2.0 (or OpenSIPS, for -32000 and -32001) gives each code. */
constexpr std::string_view message_of(errc code) noexcept {
    switch (code) {
    case errc::parse_error: return "Parse error";
    case errc::invalid_request: return "Invalid Request";
    case errc::method_not_found: return "Method not found";
    case errc::invalid_params: return "Invalid params";
    case errc::internal_error: return "Internal error";
    case errc::server_error: return "Server error";
    case errc::method_ambiguous: return "Method ambiguous";
    case errc::permission_denied: return "Permission denied";
    }
    return "Server error";
}

/** An error answer: `{"code":code,"message":message,"data":data}`; `data` is left out when empty.

    Return it through `mi::result<T>` or throw it from a handler; both give the same response.
    Command-specific failures use small positive codes, as OpenSIPS does (`{404, "Statistics Not Found"}`). */
struct error {
    int code = static_cast<int>(errc::server_error);
    std::string message;
    std::string data;

    error() = default;
    error(int code, std::string message, std::string data = {})
        : code(code), message(std::move(message)), data(std::move(data)) {}
    explicit error(errc code, std::string data = {})
        : code(static_cast<int>(code)), message(message_of(code)), data(std::move(data)) {}

    friend bool operator==(error const&, error const&) = default;
};

// Lets `mi::result<T>::value()` throw the error itself, which the dispatcher answers as such.
[[noreturn]] inline void throw_exception_from_error(error const& e, boost::source_location const&) {
    throw e;
}

/** What a handler that can fail returns: a value of T, or an `mi::error`. */
template <class T = void>
using result = boost::system::result<T, error>;

} // namespace mi

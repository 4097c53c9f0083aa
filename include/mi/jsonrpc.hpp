// Copyright (c) 2026 the mi authors. Distributed under the Boost Software License, Version 1.0.
// SPDX-License-Identifier: BSL-1.0
#pragma once

// The JSON-RPC 2.0 wire as mi writes and reads it: the one writer of responses (the dispatcher's, an asynchronous
// command's, a transport's that answers before the dispatcher could), and the one reader of responses (clients,
// and the endpoints that translate an answer into another format).

#include <mi/detail/json/writer.hpp>
#include <mi/error.hpp>

#include <boost/json/value.hpp>

#include <optional>
#include <string>
#include <string_view>

namespace mi::detail {

// A JSON writer that remembers the code of the last error response it wrote, 0 if none: what mi::answer::code
// and a call's audit record report.
class response_writer : public json_writer {
public:
    using json_writer::json_writer;
    int error_code = 0;
};

} // namespace mi::detail

namespace mi::jsonrpc {

// --- writing ----------------------------------------------------------------------------------------------
// Every response has the member order OpenSIPS writes: jsonrpc, result or error, id.

/** Starts a result response: `{"jsonrpc":"2.0","result":`; the result and `end_response` follow. */
inline void begin_result(detail::json_writer& w) { w.raw(R"({"jsonrpc":"2.0","result":)"); }

/** Starts an error response: `{"jsonrpc":"2.0","error":{"code":..,"message":..,"data":..}`, `data` left out when
    empty; `end_response` follows. */
inline void begin_error(detail::response_writer& w, int code, std::string_view message, std::string_view data) {
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
inline void begin_error(detail::response_writer& w, error const& e) { begin_error(w, e.code, e.message, e.data); }

/** Ends a response with its id, `id_json` being the id's JSON text (`null` when it is not known). */
inline void end_response(detail::json_writer& w, std::string_view id_json) {
    w.raw(R"(,"id":)");
    w.raw(id_json);
    w.raw('}');
}

/** A whole error response, for a transport that answers without the dispatcher (a request refused unread). */
inline std::string error_response(error const& e, std::string_view id_json = "null") {
    std::string text;
    boost::json::serializer serializer;
    detail::response_writer w(text, serializer);
    begin_error(w, e);
    end_response(w, id_json);
    return text;
}

// --- reading ----------------------------------------------------------------------------------------------

/** The members of a response that a client reads. A member that is absent is nullptr. */
struct response_view {
    boost::json::value const* result = nullptr;
    boost::json::value const* error = nullptr; ///< read first: a response with both is an error, as OpenSIPS reads it
    boost::json::value const* id = nullptr;
};

/** The parts of `response`, which they point into. */
inline response_view read_response(boost::json::object const& response) noexcept {
    return {response.if_contains("result"), response.if_contains("error"), response.if_contains("id")};
}

/** The parts of `response`, which they point into; nullopt when it is not a JSON object. */
inline std::optional<response_view> read_response(boost::json::value const& response) noexcept {
    if (auto const* object = response.if_object()) return read_response(*object);
    return std::nullopt;
}
/** Not from a temporary: the parts would point into it. */
std::optional<response_view> read_response(boost::json::value&&) = delete;
response_view read_response(boost::json::object&&) = delete;

/** The `code` of a response's `error` member: nullopt unless it is an integer that fits an int. */
inline std::optional<int> code_of(boost::json::value const& member) noexcept {
    auto const* object = member.if_object();
    auto const* code = object ? object->if_contains("code") : nullptr;
    if (!code) return std::nullopt;
    boost::system::error_code not_int;
    int const number = code->to_number<int>(not_int);
    if (not_int) return std::nullopt;
    return number;
}

/** A response's `error` member as an `mi::error`: its code (`code_if_none` when `code_of` finds none), message and
    data. JSON-RPC makes the message a string, and mi's data is one: anything else there reads as empty. */
inline error error_of(boost::json::value const& member, int code_if_none) {
    auto const* object = member.if_object();
    auto text_of = [&](std::string_view key) {
        auto const* v = object ? object->if_contains(key) : nullptr;
        auto const* s = v ? v->if_string() : nullptr;
        return s ? std::string(*s) : std::string();
    };
    return error(code_of(member).value_or(code_if_none), text_of("message"), text_of("data"));
}

} // namespace mi::jsonrpc

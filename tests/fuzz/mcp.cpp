// Copyright (c) 2026 the mi authors. Distributed under the Boost Software License, Version 1.0.
// SPDX-License-Identifier: BSL-1.0
//
// MCP messages as the endpoint receives them over HTTP: the first byte picks the method, the credentials' grant,
// and whether the request carries a live session; the rest is the body. Every tools/call the endpoint makes of
// it is run through a real dispatcher and its answer rendered, as the server would.
#include <mi/mi.hpp>
#include <mi/transport/mcp.hpp>

#include <boost/json/parse.hpp>

#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <optional>
#include <string>
#include <string_view>

namespace {

int level = 3;
int get_level() { return level; }
int set_level(int l) { return level = l; }
std::string store(std::string key, std::optional<std::string> value) { return key + '=' + value.value_or(""); }
mi::result<int> missing() { return mi::error(404, "Not Found", "no such thing"); }

constexpr auto commands = mi::command_set(
    mi::module<"core">(mi::command<"log_level">(mi::needs_read, mi::recipe<&get_level>,
                                                mi::needs_admin(mi::recipe<&set_level, "level">))),
    mi::module<"cache">(mi::command<"store">(mi::needs_write, mi::recipe<&store, "key", "value">),
                        mi::command<"missing">(mi::needs_read, mi::recipe<&missing>)));

mi::dispatcher const dispatcher(commands);
mi::mcp::endpoint const endpoint(dispatcher.schema(), {.page_size = 2});

// A session opened once, which inputs may use (or not).
std::string const session = [] {
    boost::beast::http::fields none;
    std::string const init = R"({"jsonrpc":"2.0","id":0,"method":"initialize","params":{"protocolVersion":"2025-06-18"}})";
    mi::http::request_view const r{boost::beast::http::verb::post, "/mcp", "application/json", init, {},
                                   mi::permission::admin, true, &none};
    std::string scratch;
    auto const routed = endpoint.route(r, scratch);
    return routed.now.headers.empty() ? std::string() : routed.now.headers.front().second;
}();

[[noreturn]] void violated(char const* what, std::string_view input, std::string_view body) {
    auto const i = input.substr(0, 2000), b = body.substr(0, 6000);
    std::fprintf(stderr, "\n*** invariant violated: %s\n*** input (%zu bytes): %.*s\n*** body (%zu bytes): %.*s\n", what,
                 input.size(), static_cast<int>(i.size()), i.data(), body.size(), static_cast<int>(b.size()), b.data());
    std::abort();
}

// Every body the endpoint writes is one JSON-RPC 2.0 response; with 200 it answers the request's own id.
void check_response(mi::http::reply const& r, std::string_view input) {
    if (r.body.empty()) {
        if (r.status == boost::beast::http::status::ok) violated("200 without a body", input, r.body);
        return;
    }
    boost::system::error_code ec;
    auto const answer = boost::json::parse(r.body, ec);
    auto const* o = answer.if_object();
    if (ec || !o || !o->contains("jsonrpc") || !o->contains("id") || (o->contains("result") == o->contains("error")))
        violated("a body that is no JSON-RPC response", input, r.body);
    if (r.status != boost::beast::http::status::ok) return;
    auto const request = boost::json::parse(input, ec);
    auto const* id = !ec && request.is_object() ? request.as_object().if_contains("id") : nullptr;
    if (!id || o->at("id") != *id) violated("a 200 answer to another id", input, r.body);
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(std::uint8_t const* data, std::size_t size) {
    if (size == 0) return 0;
    namespace http = boost::beast::http;
    std::uint8_t const choice = data[0];
    std::string_view const body(reinterpret_cast<char const*>(data + 1), size - 1);
    http::fields fields;
    if (choice & 1) fields.set("Mcp-Session-Id", session);
    if (choice & 2) fields.set("MCP-Protocol-Version", (choice & 4) ? "2025-03-26" : "2025-11-25");
    auto const granted = static_cast<mi::permission>((choice >> 3) % 3);
    auto const method = (choice & 0x80) ? http::verb::delete_ : http::verb::post;
    mi::http::request_view const r{method, "/mcp", "application/json", body, {}, granted, (choice & 0x40) == 0, &fields};
    std::string scratch;
    auto routed = endpoint.route(r, scratch);
    if (routed.call.empty()) {
        check_response(routed.now, body);
        return 0;
    }
    std::string answer;
    dispatcher.call(routed.call, answer, {"http", "fuzz", granted});
    check_response(endpoint.render(r, (choice & 0x20) ? mi::answer_kind::failed : mi::answer_kind::final,
                                   std::move(answer)),
                   body);
    return 0;
}

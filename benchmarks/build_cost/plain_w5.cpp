// Copyright (c) 2026 the mi authors. Distributed under the Boost Software License, Version 1.0.
// SPDX-License-Identifier: BSL-1.0
//
// W5 build cost, no framework: the same functions, reached by an if chain on the method name after
// boost::json::parse, parameters bound by hand. Prints the response; exits 0 if it is W5's.
#include "../w5_commands.hpp"

#include <boost/json.hpp>

#include <cstdio>
#include <string>
#include <string_view>

namespace json = boost::json;

#define DEFINE(i) \
    int m##i(int a, int b) { return a + b; }
MI_BENCH_COMMANDS(DEFINE)

namespace {

// The int at `position` of positional params, or `name` of named ones; false if absent or not an int.
bool arg(json::value const* params, std::size_t position, std::string_view name, int& out) {
    json::value const* v = nullptr;
    if (params && params->is_array()) v = position < params->get_array().size() ? &params->get_array()[position] : nullptr;
    else if (params && params->is_object()) v = params->get_object().if_contains(name);
    if (!v) return false;
    auto bound = json::try_value_to<int>(*v);
    if (!bound) return false;
    out = *bound;
    return true;
}

std::string respond(json::value const* id, char const* member, json::value value) {
    json::object response;
    response["jsonrpc"] = "2.0";
    response[member] = std::move(value);
    response["id"] = id ? *id : nullptr;
    return json::serialize(response);
}

std::string fail(json::value const* id, int code, std::string_view message) {
    return respond(id, "error", json::object{{"code", code}, {"message", message}});
}

std::string call(std::string_view request) {
    json::error_code ec;
    json::value const parsed = json::parse(request, ec);
    if (ec) return fail(nullptr, -32700, "Parse error");
    json::object const* req = parsed.if_object();
    json::value const* id = req ? req->if_contains("id") : nullptr;
    json::value const* version = req ? req->if_contains("jsonrpc") : nullptr;
    json::value const* method = req ? req->if_contains("method") : nullptr;
    json::value const* params = req ? req->if_contains("params") : nullptr;
    if (!version || *version != "2.0" || !method || !method->is_string()) return fail(id, -32600, "Invalid Request");
    std::string_view const name = method->get_string();
    int a = 0, b = 0;
#define BRANCH(i)                                                                                                    \
    if (name == "m" #i) {                                                                                            \
        if (!arg(params, 0, "a", a) || !arg(params, 1, "b", b)) return fail(id, -32602, "Invalid params");          \
        return respond(id, "result", m##i(a, b));                                                                    \
    }
    MI_BENCH_COMMANDS(BRANCH)
    return fail(id, -32601, "Method not found");
}

} // namespace

int main() {
    std::string const response = call(MI_BENCH_W5_REQUEST);
    std::puts(response.c_str());
    return response == MI_BENCH_W5_RESPONSE ? 0 : 1;
}

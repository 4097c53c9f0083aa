// Copyright (c) 2026 the mi authors. Distributed under the Boost Software License, Version 1.0.
// SPDX-License-Identifier: BSL-1.0
//
// The baseline mi is measured against: JSON-RPC 2.0 the way a competent engineer writes it without a
// framework. A std::unordered_map from method name to std::function over the Boost.JSON DOM; the handler
// binds its parameters by hand (by position or by name) and returns a boost::json::value; the response is a
// boost::json::object (jsonrpc, result|error, id, in that order) serialized with boost::json::serialize.
// It answers W1..W5 with the same bytes as mi.
#pragma once

#include <boost/json.hpp>

#include <cstddef>
#include <exception>
#include <functional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <utility>

namespace registry_baseline {

namespace json = boost::json;

/** Thrown by a handler (or by `arg`) to answer with a JSON-RPC error. */
struct rpc_error {
    int code;
    std::string_view message;
};

inline constexpr rpc_error invalid_params{-32602, "Invalid params"};

/** The parameter at `position` of a positional call, or `name` of a named one, as a T. */
template <class T>
T arg(json::value const& params, std::size_t position, std::string_view name) {
    json::value const* v = nullptr;
    if (auto const* a = params.if_array()) v = position < a->size() ? &(*a)[position] : nullptr;
    else if (auto const* o = params.if_object()) v = o->if_contains(name);
    if (!v) throw invalid_params;
    auto bound = json::try_value_to<T>(*v);
    if (!bound) throw invalid_params;
    return *bound;
}

class registry {
public:
    using handler = std::function<json::value(json::value const& params)>;

    void add(std::string name, handler h) { handlers_.insert_or_assign(std::move(name), std::move(h)); }

    /** The response to `request`; empty for a notification. */
    std::string call(std::string_view request) const {
        json::error_code ec;
        json::value const parsed = json::parse(request, ec);
        if (ec) return error(-32700, "Parse error", nullptr);

        json::object const* req = parsed.if_object();
        json::value const* id = req ? req->if_contains("id") : nullptr;
        json::value const* version = req ? req->if_contains("jsonrpc") : nullptr;
        json::value const* method = req ? req->if_contains("method") : nullptr;
        json::value const* params = req ? req->if_contains("params") : nullptr;
        if (!version || *version != "2.0" || !method || !method->is_string() ||
            (params && !params->is_array() && !params->is_object()))
            return error(-32600, "Invalid Request", id);

        auto const found = handlers_.find(std::string(method->get_string()));
        if (found == handlers_.end()) return id ? error(-32601, "Method not found", id) : std::string();

        json::value result;
        try {
            static json::value const no_params;
            result = found->second(params ? *params : no_params);
        } catch (rpc_error const& e) {
            return id ? error(e.code, e.message, id) : std::string();
        } catch (std::exception const&) {
            return id ? error(-32603, "Internal error", id) : std::string();
        }
        if (!id) return {};
        json::object response;
        response["jsonrpc"] = "2.0";
        response["result"] = std::move(result);
        response["id"] = *id;
        return json::serialize(response);
    }

private:
    static std::string error(int code, std::string_view message, json::value const* id) {
        json::object response;
        response["jsonrpc"] = "2.0";
        response["error"] = json::object{{"code", code}, {"message", message}};
        response["id"] = id ? *id : nullptr;
        return json::serialize(response);
    }

    std::unordered_map<std::string, handler> handlers_;
};

} // namespace registry_baseline

// Copyright (c) 2026 the mi authors. Distributed under the Boost Software License, Version 1.0.
// SPDX-License-Identifier: BSL-1.0
#pragma once

// Cross-origin requests from the origins a server allows (the Fetch standard's CORS protocol), for every root.
// Part of <mi/transport/http.hpp>.

#include <mi/transport/detail/http/endpoint.hpp>

#include <boost/beast/core/string.hpp>
#include <boost/beast/http/fields.hpp>

#include <algorithm>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace mi::http::detail {

/** `options::allowed_origins`: which pages on other origins may call the server from a browser. With none (the
    default) there is no CORS at all: a preflight is httpd's 406, and no `Access-Control-*` field is sent. */
class cors {
public:
    explicit cors(std::vector<std::string> origins) : origins_(std::move(origins)) {}

    bool enabled() const noexcept { return !origins_.empty(); }

    /** Whether a request with this `Origin` may be served: any without one (not sent by a page on another
        origin), or one of the list (compared as the Fetch standard serializes them: scheme://host[:port]). */
    bool admits(std::string_view origin) const noexcept {
        return origin.empty() ||
               std::any_of(origins_.begin(), origins_.end(), [&](auto const& o) { return boost::beast::iequals(o, origin); });
    }

    /** The answer to a preflight (`OPTIONS` with `Access-Control-Request-Method`): 204 with what the page may
        send when its origin is allowed and the endpoint takes the method, else 403. */
    template <class Endpoints>
    reply preflight(beast_http::fields const& request, std::string_view target, Endpoints const& routes) const {
        std::string_view const origin = request[beast_http::field::origin];
        auto const method = beast_http::string_to_verb(request[beast_http::field::access_control_request_method]);
        if (origin.empty() || !admits(origin) || method == beast_http::verb::unknown || !routes.accepts(target, method))
            return {beast_http::status::forbidden, {}, {}};
        std::string methods = "GET, POST";
        for (auto const other : {beast_http::verb::delete_, beast_http::verb::head})
            if (routes.accepts(target, other)) methods.append(", ").append(beast_http::to_string(other));
        return {beast_http::status::no_content,
                {},
                {},
                {{"Access-Control-Allow-Methods", std::move(methods)},
                 {"Access-Control-Allow-Headers", std::string(allowed_headers)},
                 {"Access-Control-Max-Age", "600"}}};
    }

    /** Adds the fields that let a page on an allowed origin read `response`, and the endpoint's own fields. */
    void expose(std::string_view origin, beast_http::fields& response, std::vector<std::string_view> const& own) const {
        if (!enabled() || origin.empty() || !admits(origin)) return;
        response.set(beast_http::field::access_control_allow_origin, origin);
        response.set(beast_http::field::vary, "Origin");
        std::string names;
        for (auto const name : own)
            if (!name.starts_with("Access-Control-")) names.append(names.empty() ? "" : ", ").append(name);
        if (!names.empty()) response.set(beast_http::field::access_control_expose_headers, names);
    }

private:
    // What mi's endpoints read: credentials, the body's type, and MCP's session and revision.
    static constexpr std::string_view allowed_headers =
        "Authorization, Content-Type, Accept, Mcp-Session-Id, Mcp-Protocol-Version, Last-Event-ID";
    std::vector<std::string> origins_;
};

} // namespace mi::http::detail

// Copyright (c) 2026 the mi authors. Distributed under the Boost Software License, Version 1.0.
// SPDX-License-Identifier: BSL-1.0
#pragma once

// The socket-free half of the HTTP server: what an endpoint (JSON-RPC, the HTML page, XML-RPC) is given and makes,
// and httpd's routing of a request to the endpoint under whose root it is. Part of <mi/transport/http.hpp>.

#include <mi/answer.hpp>
#include <mi/context.hpp>

#include <boost/beast/core/string.hpp>
#include <boost/beast/http/fields.hpp>
#include <boost/beast/http/status.hpp>
#include <boost/beast/http/verb.hpp>
#include <boost/mp11/algorithm.hpp>

#include <concepts>
#include <cstddef>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <tuple>
#include <utility>
#include <vector>

namespace mi::http {

namespace beast_http = boost::beast::http;

/** A request as an endpoint sees it: views into the request being answered, valid until its response is sent
    (so also when `render` is called with the dispatcher's answer). */
struct request_view {
    beast_http::verb method;
    std::string_view target; ///< path and query, as sent
    std::string_view content_type;
    std::string_view body;
    std::string_view accept; ///< the Accept header: which format a scraper wants
    permission granted = permission::admin; ///< what the request's credentials allow (the server checked them)
    bool origin_allowed = true; ///< no `Origin` header, or one of `options::allowed_origins`
    beast_http::fields const* fields = nullptr; ///< every header, for an endpoint that reads one of its own

    /** The value of header `name`; empty when absent. */
    std::string_view header(std::string_view name) const {
        if (!fields) return {};
        auto const found = fields->find(name);
        return found == fields->end() ? std::string_view() : std::string_view(found->value());
    }
};

/** A response an endpoint makes. */
struct reply {
    beast_http::status status = beast_http::status::ok;
    std::string_view content_type; ///< empty: no Content-Type
    std::string body;
    std::vector<std::pair<std::string_view, std::string>> headers = {}; ///< more fields (`Allow`, a session id)
};

/** 405 with the `Allow` header RFC 9110 asks for. */
inline reply method_not_allowed(std::string_view allow, std::string_view content_type = {}) {
    return {beast_http::status::method_not_allowed, content_type, {}, {{"Allow", std::string(allow)}}};
}

/** What an endpoint makes of a request: a JSON-RPC request for the dispatcher, whose answer `render` turns
    into the response, or (when `call` is empty) the response itself. */
struct routing {
    std::string_view call; ///< a view into the request's body or into the scratch string `route` was given
    reply now;
};

/** A way of talking to the dispatcher over HTTP under a root of its own: JSON-RPC itself (`json_rpc`, always
    there), the HTML page (<mi/transport/html.hpp>), XML-RPC (<mi/transport/xmlrpc.hpp>), Prometheus, MCP. An
    endpoint only translates; the server owns sockets, limits and timeouts. `render` is also called with
    `answer_kind::failed` and no text when the answer did not come in time. Requests are GET or POST (httpd
    answers any other method 406) unless the endpoint has `bool accepts(beast_http::verb) const` saying it
    takes another one. */
template <class E>
concept endpoint = std::copy_constructible<E> &&
    requires(E const& e, request_view const& r, std::string& scratch, answer_kind kind, std::string&& text) {
        { e.root() } -> std::convertible_to<std::string_view>;
        { e.name() } -> std::convertible_to<std::string_view>;
        { e.route(r, scratch) } -> std::same_as<routing>;
        { e.render(r, kind, std::move(text)) } -> std::same_as<reply>;
    };

/** An endpoint chosen at run time (say, from a daemon's configuration): when empty it has no root and serves
    nothing, and requests under what would have been its root go elsewhere or get 400. */
template <endpoint E>
class optional_endpoint {
public:
    optional_endpoint() = default;
    optional_endpoint(E e) : endpoint_(std::move(e)) {}

    bool enabled() const noexcept { return endpoint_.has_value(); }
    std::string_view root() const { return endpoint_ ? std::string_view(endpoint_->root()) : std::string_view(); }
    std::string_view name() const { return endpoint_ ? std::string_view(endpoint_->name()) : std::string_view(); }
    routing route(request_view const& r, std::string& scratch) const { return endpoint_->route(r, scratch); }
    reply render(request_view const& r, answer_kind kind, std::string&& text) const {
        return endpoint_->render(r, kind, std::move(text));
    }
    bool accepts(beast_http::verb method) const {
        if constexpr (requires { endpoint_->accepts(method); }) return endpoint_ && endpoint_->accepts(method);
        else return false;
    }

private:
    std::optional<E> endpoint_;
};

namespace detail {

// Endpoints serve unless they say otherwise (optional_endpoint).
template <class E>
bool serving(E const& e) {
    if constexpr (requires { e.enabled(); }) return e.enabled();
    else return true;
}

// GET and POST reach every endpoint; another method only one that says it takes it.
template <class E>
bool accepting(E const& e, beast_http::verb method) {
    if (method == beast_http::verb::get || method == beast_http::verb::post) return true;
    if constexpr (requires { e.accepts(method); }) return e.accepts(method);
    else return false;
}

// Pages httpd itself produces, byte for byte (OpenSIPS modules/httpd/httpd_proc.c).
inline constexpr std::string_view unsupported_page = "<html><body>Unsupported HTTP request!</body></html>";
inline constexpr std::string_view bad_url_page = "<html><body>Unable to parse URL!</body></html>";
inline constexpr std::string_view json_type = "application/json";
inline constexpr std::string_view html_type = "text/html";

// `root` without its slashes, so that "mi", "/mi" and "/mi/" configure the same thing.
inline std::string_view trim_root(std::string_view root) noexcept {
    while (!root.empty() && root.front() == '/') root.remove_prefix(1);
    while (!root.empty() && root.back() == '/') root.remove_suffix(1);
    return root;
}

// httpd's get_httpd_cb: the path (libmicrohttpd strips the query) is `/root` or starts with `/root/`.
inline bool under_root(std::string_view target, std::string_view root) noexcept {
    std::string_view path = target.substr(0, target.find('?'));
    if (path.empty() || path.front() != '/') return false;
    path.remove_prefix(1);
    root = trim_root(root);
    if (root.empty()) return true;
    return path.starts_with(root) && (path.size() == root.size() || path[root.size()] == '/');
}

// httpd's getConnectionHeader: the media type before any `;` parameters, case-insensitively; JSON, and XML
// since httpd accepts it for every module.
inline bool accepted_content_type(std::string_view value) noexcept {
    std::string_view mime = value.substr(0, value.find(';'));
    auto const blank = [](char c) { return c == ' ' || c == '\t'; };
    while (!mime.empty() && blank(mime.front())) mime.remove_prefix(1);
    while (!mime.empty() && blank(mime.back())) mime.remove_suffix(1);
    return boost::beast::iequals(mime, "application/json") || boost::beast::iequals(mime, "text/xml");
}

} // namespace detail

/** JSON-RPC itself, as mi_http serves it (spec 6.3): POST a JSON body, get the JSON-RPC response with 200, or
    202 and no body for a notification; GET is 405, an empty body or a missing or unsupported Content-Type 400
    (where OpenSIPS closes the connection without an answer), a failed or timed-out call 500. */
class json_rpc {
public:
    explicit json_rpc(std::string_view root = "mi") : root_(detail::trim_root(root)) {}

    std::string_view root() const noexcept { return root_; }
    static constexpr std::string_view name() noexcept { return "the JSON-RPC endpoint"; }

    routing route(request_view const& r, std::string&) const {
        using beast_http::status;
        if (r.method == beast_http::verb::get) return {{}, method_not_allowed("POST", detail::json_type)};
        if (r.body.empty() || !detail::accepted_content_type(r.content_type))
            return {{}, {status::bad_request, detail::json_type, {}}};
        return {r.body, {}};
    }

    reply render(request_view const&, answer_kind kind, std::string&& text) const {
        using beast_http::status;
        if (kind == answer_kind::failed) return {status::internal_server_error, detail::json_type, {}};
        if (text.empty()) return {status::accepted, detail::json_type, {}};
        return {status::ok, detail::json_type, std::move(text)};
    }

private:
    std::string root_;
};

namespace detail {

inline constexpr std::string_view unauthorized_page = "<html><body>Unauthorized</body></html>";

/** The endpoints of one server, and httpd's part of routing: the URL (the endpoint with the longest root the
    path is under, else 400), the method (GET and POST, or one the endpoint accepts, else 406: httpd's answer
    comes first), then the endpoint's own. */
template <class... Extra>
class endpoints {
    using all = std::tuple<json_rpc, Extra...>;
    static constexpr std::size_t count = 1 + sizeof...(Extra);

public:
    /** @throws std::invalid_argument when two endpoints have one root. */
    explicit endpoints(json_rpc json, Extra... extra) : all_(std::move(json), std::move(extra)...) {
        for (std::size_t i = 0; i < count; ++i)
            for (std::size_t j = i + 1; j < count; ++j)
                if (serves(i) && serves(j) && root(i) == root(j))
                    throw std::invalid_argument("mi::http: " + std::string(name(i)) + " and " + std::string(name(j)) +
                                                " both have the root '/" + std::string(root(i)) +
                                                "'; give one of them another root");
    }

    /** Routes `r`; `chosen` receives the endpoint that must render the answer when there is a call. */
    routing route(request_view const& r, std::size_t& chosen, std::string& scratch) const {
        using beast_http::status;
        auto const best = owner(r.target);
        if (!best || !accepts(*best, r.method)) {
            if (r.method != beast_http::verb::get && r.method != beast_http::verb::post)
                return {{}, {status::not_acceptable, html_type, std::string(unsupported_page)}};
            return {{}, {status::bad_request, html_type, std::string(bad_url_page)}};
        }
        chosen = *best;
        return with(chosen, [&](auto const& e) { return e.route(r, scratch); });
    }

    /** Whether the endpoint that `target` goes to takes `method` (a CORS preflight asks). */
    bool accepts(std::string_view target, beast_http::verb method) const {
        auto const best = owner(target);
        return best && accepts(*best, method);
    }

    reply render(std::size_t chosen, request_view const& r, answer_kind kind, std::string&& text) const {
        return with(chosen, [&](auto const& e) { return e.render(r, kind, std::move(text)); });
    }

    std::string_view root(std::size_t i) const {
        return with(i, [](auto const& e) { return std::string_view(e.root()); });
    }

private:
    // The endpoint with the longest root `target` is under.
    std::optional<std::size_t> owner(std::string_view target) const {
        std::optional<std::size_t> best;
        for (std::size_t i = 0; i < count; ++i)
            if (serves(i) && under_root(target, root(i)) && (!best || root(i).size() > root(*best).size())) best = i;
        return best;
    }

    bool accepts(std::size_t i, beast_http::verb method) const {
        return with(i, [&](auto const& e) { return accepting(e, method); });
    }

    bool serves(std::size_t i) const {
        return with(i, [](auto const& e) { return serving(e); });
    }

    std::string_view name(std::size_t i) const {
        return with(i, [](auto const& e) { return std::string_view(e.name()); });
    }

    template <class F>
    decltype(auto) with(std::size_t i, F&& f) const {
        return boost::mp11::mp_with_index<count>(i, [&](auto I) -> decltype(auto) { return f(std::get<I>(all_)); });
    }

    all all_;
};

} // namespace detail

} // namespace mi::http

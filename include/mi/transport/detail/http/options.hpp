// Copyright (c) 2026 the mi authors. Distributed under the Boost Software License, Version 1.0.
// SPDX-License-Identifier: BSL-1.0
#pragma once

// The HTTP server's options: where it listens, its limits and who may use it. Part of <mi/transport/http.hpp>.

#include <mi/context.hpp>

#include <chrono>
#include <concepts>
#include <cstddef>
#include <string>
#include <utility>
#include <vector>

namespace mi::http {

/** Who may use an HTTP server: HTTP Basic users (OpenSIPS 4.x's httpd `auth_username` and `auth_password`)
    and bearer tokens. With neither, every request is served, so keep such a server on loopback. */
struct access {
    struct user {
        std::string name;
        std::string password;
        permission granted = permission::admin; ///< the most this user's calls may do
    };
    struct token {
        template <std::convertible_to<std::string> Secret>
        token(Secret&& secret, permission granted = permission::admin)
            : secret(std::forward<Secret>(secret)), granted(granted) {}
        std::string secret;
        permission granted;
    };
    std::vector<user> users;           ///< `Authorization: Basic base64(name:password)`
    std::vector<token> tokens;         ///< `Authorization: Bearer TOKEN`
    std::string realm = "OpenSIPS MI"; ///< named in the 401's `WWW-Authenticate` challenge

    bool open() const noexcept { return users.empty() && tokens.empty(); }
};

/** Where and how the HTTP transport listens. The defaults are OpenSIPS's (httpd `ip`, `port`, `conn_timeout`;
    mi_http `root`; the 240 s async wait of spec 3.5), except that a body up to `body_limit` arrives whole. */
struct options {
    std::string address = "127.0.0.1";               ///< listen address (IPv4 or IPv6 literal); loopback by default
    unsigned short port = 8888;                      ///< TCP port; 0 picks a free one (see `server::local_endpoint`)
    std::string root = "mi";                         ///< requests go to `/root` or `/root/...`
    std::size_t body_limit = std::size_t(1) << 20;   ///< a longer body is answered 413
    std::chrono::milliseconds read_timeout{30000};   ///< a request must arrive whole (and a response leave) within it
    std::chrono::milliseconds idle_timeout{30000};   ///< a kept-alive connection with no request is closed after it
    std::chrono::milliseconds async_timeout{240000}; ///< an asynchronous command's final answer; then 500
    std::size_t header_limit = 8192;                 ///< bytes of a request's start line and headers; more is 431
    std::size_t max_connections = 512;               ///< connections beyond it are answered 503 and closed
    std::size_t max_requests_per_connection = 10000; ///< the last one's response closes the connection
    mi::http::access access;                         ///< credentials every request must carry; none by default
    permission granted = permission::admin;          ///< what calls may do when `access` asks for no credentials
    /// Pages on these origins ("https://console.example.com") may call the server from a browser (CORS, every
    /// root); the MCP endpoint refuses a request with any other `Origin` (403). None by default.
    std::vector<std::string> allowed_origins;
    limit_hook on_limit;                             ///< told of each limit hit ("body", "header", "timeout", ...)
};

} // namespace mi::http

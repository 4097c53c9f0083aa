// Copyright (c) 2026 the mi authors. Distributed under the Boost Software License, Version 1.0.
// SPDX-License-Identifier: BSL-1.0
#pragma once

// Addresses as every transport and client spells them: printed in mi::context and in errors, parsed from options
// and command lines (`udp:HOST:PORT`, `--http HOST:PORT`).

#include <charconv>
#include <optional>
#include <string>
#include <string_view>

namespace mi::transport {

/** An IP endpoint (TCP or UDP) as mi prints it: `1.2.3.4:5060`, `[::1]:5060`. */
template <class Endpoint>
std::string text_of(Endpoint const& endpoint) {
    auto const address = endpoint.address();
    std::string text = address.is_v6() ? '[' + address.to_string() + ']' : address.to_string();
    return text.append(":").append(std::to_string(endpoint.port()));
}

struct host_port {
    std::string host; ///< without the brackets of an IPv6 address
    unsigned short port = 0;
};

/** HOST:PORT as operators write it: HOST an IPv4 address, a name, `[v6]`, or a bare IPv6 address (its last ':'
    starts the port). With `default_port`, the port may be left out (`[v6]` or a host without ':').
    @returns nullopt for an empty host, a `[` without its `]`, a port that is not a number up to 65535, or a
    missing port where there is no default. */
inline std::optional<host_port> parse_host_port(std::string_view text,
                                                std::optional<unsigned short> default_port = std::nullopt) {
    std::string_view host, port;
    bool has_port = true;
    if (text.starts_with('[')) {
        auto const close = text.find(']');
        if (close == std::string_view::npos) return std::nullopt;
        host = text.substr(1, close - 1);
        std::string_view const rest = text.substr(close + 1);
        if (rest.empty()) has_port = false;
        else if (rest.front() != ':') return std::nullopt;
        else port = rest.substr(1);
    } else if (auto const colon = text.rfind(':'); colon != std::string_view::npos) {
        host = text.substr(0, colon);
        port = text.substr(colon + 1);
    } else {
        host = text;
        has_port = false;
    }
    if (host.empty()) return std::nullopt;
    if (!has_port) {
        if (!default_port) return std::nullopt;
        return host_port{std::string(host), *default_port};
    }
    unsigned number = 0;
    auto const [end, ec] = std::from_chars(port.data(), port.data() + port.size(), number);
    if (port.empty() || ec != std::errc{} || end != port.data() + port.size() || number > 65535) return std::nullopt;
    return host_port{std::string(host), static_cast<unsigned short>(number)};
}

} // namespace mi::transport

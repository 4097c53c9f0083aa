// Copyright (c) 2026 the mi authors. Distributed under the Boost Software License, Version 1.0.
// SPDX-License-Identifier: BSL-1.0
#pragma once

// https:// for the client of <mi/transport/client.hpp> (and so for mi::remote and mi-cli): TLS over Boost.Asio's SSL
// stream on OpenSSL, the server's certificate verified against `http_options::ca_file` (or the system's CAs) and
// its name, unless `http_options::verify_certificate` is false. Including this header is what enables https:// URLs;
// link the CMake target mi::https.

#include <mi/transport/client.hpp>

#include <boost/asio/ssl/context.hpp>
#include <boost/asio/ssl/host_name_verification.hpp>
#include <boost/beast/core/tcp_stream.hpp>
#include <boost/beast/ssl/ssl_stream.hpp>

#include <openssl/ssl.h>

#include <string>
#include <string_view>

namespace mi::client {

namespace detail {

inline std::string https_call(http_options const& o, http_target const& t, std::string_view request) {
    namespace ssl = boost::asio::ssl;
    try {
        ssl::context tls(ssl::context::tls_client);
        tls.set_options(ssl::context::default_workarounds | ssl::context::no_tlsv1 | ssl::context::no_tlsv1_1);
        if (o.verify_certificate) {
            if (o.ca_file.empty()) tls.set_default_verify_paths();
            else tls.load_verify_file(o.ca_file);
            tls.set_verify_mode(ssl::verify_peer);
        } else {
            tls.set_verify_mode(ssl::verify_none);
        }
        boost::asio::io_context io;
        boost::beast::ssl_stream<boost::beast::tcp_stream> stream(io, tls);
        if (o.verify_certificate) stream.set_verify_callback(ssl::host_name_verification(t.host));
        boost::system::error_code not_an_address;
        boost::asio::ip::make_address(t.host, not_an_address);
        if (not_an_address) ::SSL_set_tlsext_host_name(stream.native_handle(), t.host.c_str()); // SNI names only
        auto& tcp = boost::beast::get_lowest_layer(stream);
        tcp.expires_after(o.timeout);
        tcp.connect(boost::asio::ip::tcp::resolver(io).resolve(t.host, std::to_string(t.port)));
        stream.handshake(ssl::stream_base::client);
        return http_exchange(stream, o, t, request);
    } catch (boost::system::system_error const& e) {
        throw failure(t.shown + ": " + e.code().message());
    }
}

// What makes https:// URLs work: set once, before main, in every program that includes this header.
inline bool const https_installed = (https_exchange() = &https_call, true);

} // namespace detail

} // namespace mi::client

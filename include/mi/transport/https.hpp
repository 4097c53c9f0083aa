// Copyright (c) 2026 the mi authors. Distributed under the Boost Software License, Version 1.0.
// SPDX-License-Identifier: BSL-1.0
#pragma once

// The HTTP transport over TLS: the same server, endpoints, limits and access control as <mi/transport/http.hpp>,
// with each connection wrapped in Boost.Asio's SSL stream on OpenSSL. Link the CMake target mi::https.

#include <mi/transport/http.hpp>

#include <boost/asio/ssl/context.hpp>
#include <boost/asio/ssl/stream.hpp>

#include <utility>

namespace mi::https {

namespace detail {

// TLS on top of TCP: the handshake opens a connection (under the read timeout: a client that connects and
// never says hello is closed like any other slow one); closing is TCP's, without close_notify, since every
// response carries its length and a truncation could not go unnoticed.
struct tls_layer {
    boost::asio::ssl::context* tls;

    using stream_type = boost::asio::ssl::stream<boost::asio::ip::tcp::socket>;
    stream_type wrap(boost::asio::ip::tcp::socket socket) const { return stream_type(std::move(socket), *tls); }
    static boost::asio::ip::tcp::socket& lowest(stream_type& s) noexcept { return s.next_layer(); }
    template <class Handler>
    static void open(stream_type& s, Handler&& done) {
        s.async_handshake(boost::asio::ssl::stream_base::server, std::forward<Handler>(done));
    }
};

} // namespace detail

/** `mi::http::server` over TLS. The SSL context holds the certificate, its key and the protocol settings; it is
    the caller's (so that it can be reloaded or shared) and must outlive the server.

        boost::asio::ssl::context tls(boost::asio::ssl::context::tls_server);
        tls.set_options(boost::asio::ssl::context::no_tlsv1 | boost::asio::ssl::context::no_tlsv1_1);
        tls.use_certificate_chain_file("cert.pem");
        tls.use_private_key_file("key.pem", boost::asio::ssl::context::pem);
        mi::https::server https(io, tls, dispatcher, {.port = 8443});
        https.start(); */
template <class Dispatcher, mi::http::endpoint... Extra>
    requires mi::transport::async_dispatcher<Dispatcher>
class server : public mi::http::basic_server<detail::tls_layer, Dispatcher, Extra...> {
public:
    server(boost::asio::io_context& io, boost::asio::ssl::context& tls, Dispatcher const& dispatcher,
           mi::http::options o = {}, Extra... extra)
        : mi::http::basic_server<detail::tls_layer, Dispatcher, Extra...>(io, detail::tls_layer{&tls}, dispatcher,
                                                                          std::move(o), std::move(extra)...) {}
};

} // namespace mi::https

// Copyright (c) 2026 the mi authors. Distributed under the Boost Software License, Version 1.0.
// SPDX-License-Identifier: BSL-1.0
//
// Addresses as every transport, client and mi_daemon spell them: an endpoint as text, HOST:PORT parsed.
#include <mi/transport/address.hpp>

#define BOOST_TEST_MODULE transport_address
#include <boost/test/unit_test.hpp>

#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/ip/udp.hpp>

#include <optional>
#include <string>

namespace {

std::string parsed(std::string_view text, std::optional<unsigned short> default_port = std::nullopt) {
    auto const a = mi::transport::parse_host_port(text, default_port);
    return a ? a->host + " " + std::to_string(a->port) : "none";
}

} // namespace

BOOST_AUTO_TEST_CASE(an_endpoint_as_text) {
    using boost::asio::ip::make_address;
    BOOST_TEST(mi::transport::text_of(boost::asio::ip::udp::endpoint(make_address("127.0.0.1"), 8080)) ==
               "127.0.0.1:8080");
    BOOST_TEST(mi::transport::text_of(boost::asio::ip::tcp::endpoint(make_address("::1"), 8888)) == "[::1]:8888");
}

BOOST_AUTO_TEST_CASE(host_and_port_in_every_spelling) {
    BOOST_TEST(parsed("127.0.0.1:8080") == "127.0.0.1 8080");
    BOOST_TEST(parsed("localhost:0") == "localhost 0");
    BOOST_TEST(parsed("[::1]:8888") == "::1 8888");
    BOOST_TEST(parsed("::1:8888") == "::1 8888"); // a bare IPv6 address: its last ':' starts the port
    BOOST_TEST(parsed("fe80::1:65535") == "fe80::1 65535");
    BOOST_TEST(parsed("host:65535") == "host 65535");
}

BOOST_AUTO_TEST_CASE(a_default_port_for_what_leaves_it_out) {
    BOOST_TEST(parsed("example.org", 80) == "example.org 80");
    BOOST_TEST(parsed("[::1]", 80) == "::1 80");
    BOOST_TEST(parsed("example.org:81", 80) == "example.org 81");
    BOOST_TEST(parsed("example.org") == "none");
}

BOOST_AUTO_TEST_CASE(malformed_addresses_are_refused) {
    for (char const* bad : {"", ":8080", "host:", "host:65536", "host:-1", "host:80x", "host: 80", "[::1", "[::1]x80",
                            "[]:80", "[::1]:"})
        BOOST_TEST(parsed(bad, 80) == "none", bad);
}

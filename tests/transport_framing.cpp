// Copyright (c) 2026 the mi authors. Distributed under the Boost Software License, Version 1.0.
// SPDX-License-Identifier: BSL-1.0
//
// scan_json: where one JSON text ends, whether more bytes could complete it, or whether it is not JSON.
#include <mi/transport/framing.hpp>

#define BOOST_TEST_MODULE transport_framing
#include <boost/test/unit_test.hpp>

#include <string>

namespace {
using state = mi::json_scan::state;
}

BOOST_AUTO_TEST_CASE(the_extent_of_one_text_among_several) {
    std::string_view const two = R"( {"a":[1,"}"]}:next:{"b":2})";
    auto const first = mi::scan_json(two);
    BOOST_REQUIRE(first.status == state::complete);
    BOOST_TEST(two.substr(0, first.length) == R"( {"a":[1,"}"]})");
    BOOST_TEST(two.substr(first.length) == R"(:next:{"b":2})");
}

BOOST_AUTO_TEST_CASE(scalars_and_arrays) {
    BOOST_TEST(mi::scan_json("[1,2] x").length == 6u); // whitespace after the text goes with it
    BOOST_TEST(mi::scan_json(R"("s")").length == 3u);
    BOOST_TEST(mi::scan_json("null").length == 4u);
}

BOOST_AUTO_TEST_CASE(the_start_of_a_text_is_incomplete) {
    // numbers cut after '.', 'e' or a sign were called invalid (found by the framing fuzz target)
    for (auto text : {"", "   ", "{", R"({"a":)", "[1,", "\"open", "tru", "-", "[1.", "[1e", "[1e+", "[-", R"({"a":1.)"})
        BOOST_TEST((mi::scan_json(text).status == state::incomplete), text);
}

BOOST_AUTO_TEST_CASE(what_no_byte_can_complete_is_invalid) {
    for (auto text : {"garbage", R"({"a" 1})", "[1,]", "}", "\"\x01\""})
        BOOST_TEST((mi::scan_json(text).status == state::invalid), text);
}

BOOST_AUTO_TEST_CASE(nesting_is_bounded) {
    std::string deep(100, '[');
    deep += std::string(100, ']');
    BOOST_TEST((mi::scan_json(deep).status == state::invalid));
    BOOST_TEST(mi::scan_json(deep, 128).length == 200u);
}

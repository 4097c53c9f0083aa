// Copyright (c) 2026 the mi authors. Distributed under the Boost Software License, Version 1.0.
// SPDX-License-Identifier: BSL-1.0
//
// json_extent: where one JSON text ends, so that a transport can frame several requests in one read.
#include <mi/framing.hpp>

#define BOOST_TEST_MODULE framing
#include <boost/test/unit_test.hpp>

#include <string>

BOOST_AUTO_TEST_CASE(the_extent_of_one_text_among_several) {
    std::string_view const two = R"( {"a":[1,"}"]}:next:{"b":2})";
    auto const first = mi::json_extent(two);
    BOOST_REQUIRE(first);
    BOOST_TEST(two.substr(0, *first) == R"( {"a":[1,"}"]})");
    BOOST_TEST(two.substr(*first) == R"(:next:{"b":2})");
}

BOOST_AUTO_TEST_CASE(scalars_and_arrays) {
    BOOST_TEST(mi::json_extent("[1,2] x").value_or(0) == 6u); // whitespace after the text goes with it
    BOOST_TEST(mi::json_extent(R"("s")").value_or(0) == 3u);
    BOOST_TEST(mi::json_extent("null").value_or(0) == 4u);
}

BOOST_AUTO_TEST_CASE(no_extent_for_text_that_is_not_json_or_incomplete) {
    for (auto text : {"", "   ", "garbage", "{", R"({"a":)", R"({"a" 1})", "[1,", "\"open"})
        BOOST_TEST(!mi::json_extent(text).has_value(), text);
}

BOOST_AUTO_TEST_CASE(nesting_is_bounded) {
    std::string deep(100, '[');
    deep += std::string(100, ']');
    BOOST_TEST(!mi::json_extent(deep).has_value());
    BOOST_TEST(mi::json_extent(deep, 128).value_or(0) == 200u);
}

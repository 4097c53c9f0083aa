// Copyright (c) 2026 the mi authors. Distributed under the Boost Software License, Version 1.0.
// SPDX-License-Identifier: BSL-1.0
//
// mi::fixed_string: a string literal as a template argument, with its size and its text as a string_view, at
// compile time and at run time.
#include <mi/fixed_string.hpp>

#define BOOST_TEST_MODULE fixed_string
#include <boost/test/unit_test.hpp>

#include <string>
#include <string_view>
#include <type_traits>

namespace {

// What mi::command<"name"> does with its name: a template parameter of class type.
template <mi::fixed_string Name>
struct named {
    static constexpr std::string_view name = Name; // through the conversion to string_view
    static constexpr std::size_t size = Name.size();
};

constexpr mi::fixed_string log_level("log_level");

} // namespace

BOOST_AUTO_TEST_CASE(a_literal_gives_its_size_and_text) {
    static_assert(std::is_same_v<std::remove_cv_t<decltype(log_level)>, mi::fixed_string<10>>); // with the NUL
    static_assert(log_level.size() == 9);
    static_assert(log_level.view() == "log_level");
    BOOST_TEST(log_level.size() == 9u);
    BOOST_TEST(log_level.view() == "log_level");
    BOOST_TEST(log_level.chars[9] == '\0');
}

BOOST_AUTO_TEST_CASE(it_converts_to_a_string_view) {
    std::string_view const text = log_level;
    BOOST_TEST(text == "log_level");
    BOOST_TEST(text.size() == 9u);
    BOOST_TEST(std::string(mi::fixed_string("ps")) == "ps");
}

BOOST_AUTO_TEST_CASE(the_empty_literal_is_empty) {
    constexpr mi::fixed_string empty("");
    static_assert(empty.size() == 0);
    BOOST_TEST(empty.view().empty());
}

BOOST_AUTO_TEST_CASE(a_default_fixed_string_holds_nul_characters) {
    constexpr mi::fixed_string<4> blank;
    static_assert(blank.size() == 3);
    BOOST_TEST(blank.view() == std::string_view("\0\0\0", 3));
}

BOOST_AUTO_TEST_CASE(literals_are_template_arguments) {
    static_assert(named<"get_statistics">::name == "get_statistics");
    static_assert(named<"get_statistics">::size == 14);
    static_assert(std::is_same_v<named<"ps">, named<"ps">>);  // equal text, one type
    static_assert(!std::is_same_v<named<"ps">, named<"pS">>); // other text, another type
    static_assert(!std::is_same_v<named<"ps">, named<"ps_">>);
    BOOST_TEST(named<"uptime">::name == "uptime");
    BOOST_TEST(named<"">::name.empty());
}

BOOST_AUTO_TEST_CASE(bytes_beyond_ascii_are_kept) {
    constexpr mi::fixed_string text("h\xC3\xA9");
    static_assert(text.size() == 3);
    BOOST_TEST(text.view() == "h\xC3\xA9");
}

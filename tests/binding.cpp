// Copyright (c) 2026 the mi authors. Distributed under the Boost Software License, Version 1.0.
// SPDX-License-Identifier: BSL-1.0
//
// Binding of every type of design.md "Types that must bind", with OpenSIPS's coercions (spec 3.3).
#include <mi/detail/json/types.hpp>

#define BOOST_TEST_MODULE binding
#include <boost/test/data/test_case.hpp>
#include <boost/test/unit_test.hpp>

#include "described_types.hpp"
#include "support.hpp"

#include <mi/mi.hpp>

#include <cstdint>
#include <limits>
#include <map>
#include <unordered_map>

using namespace mi_test;

namespace {

template <class T>
std::string show(T v) {
    std::string out;
    boost::json::serializer serializer;
    mi::detail::json_writer w(out, serializer);
    mi::detail::write_json(w, v);
    return out;
}

template <class T>
T identity(T v) {
    return v;
}

using mi_test::level;
using mi_test::point;

std::size_t view_size(std::string_view s) { return s.size(); }
int hashed_sum(std::unordered_map<std::string, int> const& m) {
    int sum = 0;
    for (auto const& [key, value] : m) sum += value;
    return sum;
}
std::string kind_of(boost::json::value const& v) { return std::string(boost::json::to_string(v.kind())); }
std::size_t object_size(boost::json::object const& o) { return o.size(); }
std::size_t array_size(boost::json::array const& a) { return a.size(); }
std::string optional_tail(int a, std::optional<int> b, std::optional<std::string> c) {
    return std::to_string(a) + "/" + (b ? std::to_string(*b) : "-") + "/" + (c ? *c : "-");
}

constexpr auto commands = mi::command_set(
    mi::command<"i8">(mi::recipe<&identity<std::int8_t>, "v">),
    mi::command<"u8">(mi::recipe<&identity<std::uint8_t>, "v">),
    mi::command<"i16">(mi::recipe<&identity<std::int16_t>, "v">),
    mi::command<"u16">(mi::recipe<&identity<std::uint16_t>, "v">),
    mi::command<"i32">(mi::recipe<&identity<std::int32_t>, "v">),
    mi::command<"u32">(mi::recipe<&identity<std::uint32_t>, "v">),
    mi::command<"i64">(mi::recipe<&identity<std::int64_t>, "v">),
    mi::command<"u64">(mi::recipe<&identity<std::uint64_t>, "v">),
    mi::command<"f64">(mi::recipe<&identity<double>, "v">),
    mi::command<"f32">(mi::recipe<&identity<float>, "v">),
    mi::command<"boolean">(mi::recipe<&identity<bool>, "v">),
    mi::command<"string">(mi::recipe<&identity<std::string>, "v">),
    mi::command<"view">(mi::recipe<&view_size, "v">),
    mi::command<"enumeration">(mi::recipe<&identity<level>, "v">),
    mi::command<"optional">(mi::recipe<&identity<std::optional<int>>, "v">),
    mi::command<"ints">(mi::recipe<&identity<std::vector<int>>, "v">),
    mi::command<"nested">(mi::recipe<&identity<std::vector<std::vector<std::string>>>, "v">),
    mi::command<"structure">(mi::recipe<&identity<point>, "v">),
    mi::command<"points">(mi::recipe<&identity<std::vector<point>>, "v">),
    mi::command<"dictionary">(mi::recipe<&identity<std::map<std::string, int>>, "v">),
    mi::command<"hashed">(mi::recipe<&hashed_sum, "v">),
    mi::command<"value">(mi::recipe<&kind_of, "v">),
    mi::command<"object">(mi::recipe<&object_size, "v">),
    mi::command<"array">(mi::recipe<&array_size, "v">),
    mi::command<"optional_tail">(mi::recipe<&optional_tail, "a", "b", "c">));

mi::dispatcher const d(commands);

std::string call(std::string_view method, std::string_view value) {
    return answer(d, request(method, "[" + std::string(value) + "]"));
}
std::string bad(std::string_view param = "v") { return invalid_params("Bad type for parameter '" + std::string(param) + "'"); }

} // namespace

BOOST_AUTO_TEST_SUITE(integers)

BOOST_AUTO_TEST_CASE(every_width_accepts_its_whole_range_and_nothing_more) {
    BOOST_TEST(call("i8", "-128") == result("-128"));
    BOOST_TEST(call("i8", "127") == result("127"));
    BOOST_TEST(call("i8", "128") == bad());
    BOOST_TEST(call("i8", "-129") == bad());
    BOOST_TEST(call("u8", "255") == result("255"));
    BOOST_TEST(call("u8", "256") == bad());
    BOOST_TEST(call("u8", "-1") == bad());
    BOOST_TEST(call("i16", "-32768") == result("-32768"));
    BOOST_TEST(call("i16", "32768") == bad());
    BOOST_TEST(call("u16", "65535") == result("65535"));
    BOOST_TEST(call("u16", "65536") == bad());
    BOOST_TEST(call("i32", "-2147483648") == result("-2147483648"));
    BOOST_TEST(call("i32", "2147483647") == result("2147483647"));
    BOOST_TEST(call("i32", "2147483648") == bad());
    BOOST_TEST(call("u32", "4294967295") == result("4294967295"));
    BOOST_TEST(call("u32", "4294967296") == bad());
    BOOST_TEST(call("i64", "-9223372036854775808") == result("-9223372036854775808"));
    BOOST_TEST(call("i64", "9223372036854775807") == result("9223372036854775807"));
    BOOST_TEST(call("i64", "9223372036854775808") == bad());
    BOOST_TEST(call("u64", "18446744073709551615") == result("18446744073709551615"));
    BOOST_TEST(call("u64", "-1") == bad());
}

BOOST_AUTO_TEST_CASE(strict_decimal_strings_are_integers) {
    BOOST_TEST(call("i32", R"("4")") == result("4"));
    BOOST_TEST(call("i32", R"("+4")") == result("4"));
    BOOST_TEST(call("i32", R"("-4")") == result("-4"));
    BOOST_TEST(call("i32", R"("007")") == result("7"));
    BOOST_TEST(call("i8", R"("-128")") == result("-128"));
    BOOST_TEST(call("i64", R"("-9223372036854775808")") == result("-9223372036854775808"));
    BOOST_TEST(call("u64", R"("18446744073709551615")") == result("18446744073709551615"));
    BOOST_TEST(call("u8", R"("-0")") == result("0"));
}

BOOST_AUTO_TEST_CASE(anything_else_is_a_bad_type_never_wrapped_or_truncated) {
    for (auto text : {R"("")", R"(" 4")", R"("4 ")", R"("0x10")", R"("1.5")", R"("12abc")", R"("-")", R"("+")",
                      R"("--1")", R"("+-1")", R"("2147483648")", R"("99999999999999999999")", "1.5", "true", "null",
                      "[4]", R"({"v":4})"})
        BOOST_TEST(call("i32", text) == bad(), text);
    BOOST_TEST(call("i8", R"("200")") == bad());
    BOOST_TEST(call("u32", R"("-1")") == bad());
}

BOOST_AUTO_TEST_CASE(integral_floating_point_numbers_are_integers) {
    BOOST_TEST(call("i32", "4.0") == result("4"));
    BOOST_TEST(call("i32", "-2e3") == result("-2000"));
    BOOST_TEST(call("i32", "3e9") == bad());
    BOOST_TEST(call("u64", "1e19") == result("10000000000000000000"));
    BOOST_TEST(call("u64", "1e20") == bad());
}

BOOST_AUTO_TEST_SUITE_END()

BOOST_AUTO_TEST_SUITE(scalars)

BOOST_AUTO_TEST_CASE(floating_point_from_numbers_and_numeric_strings) {
    BOOST_TEST(call("f64", "0.5") == result("5E-1"));
    BOOST_TEST(call("f64", "2") == result("2E0"));
    BOOST_TEST(call("f64", R"("0.25")") == result("2.5E-1"));
    BOOST_TEST(call("f64", R"("x")") == bad());
    BOOST_TEST(call("f64", R"("")") == bad());
    BOOST_TEST(call("f64", R"("1.5x")") == bad());
    BOOST_TEST(call("f32", "1e300") == bad());
    BOOST_TEST(call("f64", "true") == bad());
}

BOOST_AUTO_TEST_CASE(bool_from_json_bool_and_opensips_flags) {
    for (auto t : {"true", "1", R"("1")", R"("y")", R"("Y")", R"("true")"}) BOOST_TEST(call("boolean", t) == result("true"), t);
    for (auto f : {"false", "0", R"("0")", R"("n")", R"("N")", R"("false")"})
        BOOST_TEST(call("boolean", f) == result("false"), f);
    for (auto b : {"2", R"("yes")", "null", "[]"}) BOOST_TEST(call("boolean", b) == bad(), b);
}

BOOST_AUTO_TEST_CASE(strings_also_from_numbers) {
    BOOST_TEST(call("string", R"("abc")") == result(R"("abc")"));
    BOOST_TEST(call("string", "42") == result(R"("42")"));
    BOOST_TEST(call("string", "-42") == result(R"("-42")"));
    BOOST_TEST(call("string", "18446744073709551615") == result(R"("18446744073709551615")"));
    BOOST_TEST(call("string", "3.9") == result(R"("3")")); // OpenSIPS: the integer part
    for (auto b : {"true", "null", "[1]", R"({"a":1})"}) BOOST_TEST(call("string", b) == bad(), b);
}

BOOST_AUTO_TEST_CASE(string_view_refers_to_the_request) {
    BOOST_TEST(call("view", R"("abcd")") == result("4"));
    BOOST_TEST(call("view", "1") == bad());
}

BOOST_AUTO_TEST_CASE(described_enums_by_name) {
    BOOST_TEST(call("enumeration", R"("warning")") == result(R"("warning")"));
    BOOST_TEST(call("enumeration", R"("loud")") == bad());
    BOOST_TEST(call("enumeration", "1") == bad());
}

BOOST_AUTO_TEST_SUITE_END()

BOOST_AUTO_TEST_SUITE(composites)

BOOST_AUTO_TEST_CASE(optional_parameters) {
    BOOST_TEST(call("optional", "5") == result("5"));
    BOOST_TEST(call("optional", "null") == result("null"));
    BOOST_TEST(answer(d, request("optional")) == result("null"));
    BOOST_TEST(answer(d, request("optional", "{}")) == result("null"));
    BOOST_TEST(call("optional", R"("x")") == bad());
}

BOOST_AUTO_TEST_CASE(optional_parameters_widen_a_recipe_to_every_count_and_name_set_between) {
    BOOST_TEST(answer(d, request("optional_tail", "[1]")) == result(R"("1/-/-")"));
    BOOST_TEST(answer(d, request("optional_tail", "[1,2]")) == result(R"("1/2/-")"));
    BOOST_TEST(answer(d, request("optional_tail", R"([1,2,"x"])")) == result(R"("1/2/x")"));
    BOOST_TEST(answer(d, request("optional_tail", R"([1,2,"x",4])")) == invalid_params("Too few or too many parameters"));
    BOOST_TEST(answer(d, request("optional_tail", R"({"a":1,"c":"z"})")) == result(R"("1/-/z")"));
    BOOST_TEST(answer(d, request("optional_tail", R"({"c":"z","b":2,"a":1})")) == result(R"("1/2/z")"));
    BOOST_TEST(answer(d, request("optional_tail", R"({"b":2,"c":"z"})")) == invalid_params("Named parameters do not match"));
    BOOST_TEST(answer(d, request("optional_tail", R"({"a":1,"x":2})")) == invalid_params("Named parameters do not match"));
    BOOST_TEST(answer(d, request("optional_tail")) == invalid_params("Too few or too many parameters"));
}

BOOST_AUTO_TEST_CASE(arrays_report_items_and_emptiness_by_parameter_name) {
    BOOST_TEST(call("ints", "[1,2,3]") == result("[1,2,3]"));
    BOOST_TEST(call("ints", R"([1,"2"])") == result("[1,2]"));
    BOOST_TEST(call("ints", R"([1,"x"])") == invalid_params("Bad type for array item in parameter 'v'"));
    BOOST_TEST(call("ints", "[]") == invalid_params("Empty array in parameter 'v'"));
    BOOST_TEST(call("ints", "1") == bad());
    BOOST_TEST(call("nested", R"([["a"],["b","c"]])") == result(R"([["a"],["b","c"]])"));
    BOOST_TEST(call("nested", R"([["a"],[]])") == invalid_params("Bad type for array item in parameter 'v'"));
}

BOOST_AUTO_TEST_CASE(described_structs_from_objects) {
    BOOST_TEST(call("structure", R"({"x":1,"y":"2"})") == result(R"({"x":1,"y":2,"label":null})"));
    BOOST_TEST(call("structure", R"({"x":1,"y":2,"label":"p","extra":0})") == result(R"({"x":1,"y":2,"label":"p"})"));
    BOOST_TEST(call("structure", R"({"x":1})") == bad());
    BOOST_TEST(call("structure", R"({"x":1,"y":[]})") == bad());
    BOOST_TEST(call("structure", "[1,2]") == bad());
    BOOST_TEST(call("points", R"([{"x":1,"y":2}])") == result(R"([{"x":1,"y":2,"label":null}])"));
    BOOST_TEST(call("points", R"([{"x":1}])") == invalid_params("Bad type for array item in parameter 'v'"));
}

BOOST_AUTO_TEST_CASE(maps_from_objects) {
    BOOST_TEST(call("dictionary", R"({"b":2,"a":"1"})") == result(R"({"a":1,"b":2})"));
    BOOST_TEST(call("dictionary", R"({"a":"x"})") == bad());
    BOOST_TEST(call("dictionary", "[1]") == bad());
    // Any map keyed by std::string binds the same way; the first of duplicate keys wins.
    BOOST_TEST(call("hashed", R"({"a":1,"b":2,"a":3})") == result("3"));
    BOOST_TEST(call("hashed", R"({"a":"x"})") == bad());
}

BOOST_AUTO_TEST_CASE(raw_json_passes_through) {
    BOOST_TEST(call("value", R"({"a":[1]})") == result(R"("object")"));
    BOOST_TEST(call("value", "null") == result(R"("null")"));
    BOOST_TEST(call("object", R"({"a":1,"b":2})") == result("2"));
    BOOST_TEST(call("object", "[1]") == bad());
    BOOST_TEST(call("array", "[1,2,3]") == result("3"));
    BOOST_TEST(call("array", R"({"a":1})") == bad());
}

BOOST_AUTO_TEST_CASE(named_params_bind_by_name) {
    BOOST_TEST(answer(d, request("structure", R"({"v":{"x":1,"y":2}})")) == result(R"({"x":1,"y":2,"label":null})"));
    BOOST_TEST(answer(d, request("i32", R"({"v":"12"})")) == result("12"));
}

BOOST_AUTO_TEST_SUITE_END()

BOOST_AUTO_TEST_CASE(writer_writes_what_boost_json_writes) {
    BOOST_TEST(show(std::numeric_limits<double>::infinity()) == "null");
    BOOST_TEST(show(std::tuple<int, std::string>{1, "a"}) == R"([1,"a"])");
    BOOST_TEST(show(std::optional<level>(level::notice)) == R"("notice")");
    BOOST_TEST(show(static_cast<level>(9)) == "9");
    BOOST_TEST(show(boost::json::value{{"k", 1}}) == R"({"k":1})");
}

static_assert(mi::detail::is_bindable<std::vector<std::map<std::string, std::optional<point>>>>);
static_assert(mi::detail::is_bindable<std::unordered_map<std::string, std::vector<int>>>);
static_assert(!mi::detail::is_bindable<std::map<int, int>>); // an object's keys are strings
static_assert(!mi::detail::is_bindable<int*>);
static_assert(!mi::detail::is_bindable<std::vector<void*>>);
static_assert(mi::detail::is_writable<std::map<std::string, std::vector<point>>>);
static_assert(!mi::detail::is_writable<int*>);

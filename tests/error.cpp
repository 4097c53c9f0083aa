// Copyright (c) 2026 the mi authors. Distributed under the Boost Software License, Version 1.0.
// SPDX-License-Identifier: BSL-1.0
//
// mi::errc and the messages JSON-RPC 2.0 and OpenSIPS give its codes, mi::error, and mi::result: a value or an
// error, whose value() throws the mi::error itself, so that a handler may use it and be answered with it.
#include <mi/error.hpp>

#define BOOST_TEST_MODULE error
#include <boost/test/unit_test.hpp>

#include "support.hpp"

#include <mi/mi.hpp>

#include <string>

using namespace mi_test;

namespace {

bool is_error(mi::error const& expected, mi::error const& thrown) { return thrown == expected; }

mi::result<int> parsed(std::string const& text) {
    if (text.empty() || text.find_first_not_of("0123456789") != std::string::npos)
        return mi::error(mi::errc::invalid_params, "not a number: " + text);
    return std::stoi(text);
}

mi::result<void> checked(int level) {
    if (level > 4) return mi::error(400, "Level too high", std::to_string(level));
    return {};
}

// Handlers that reach an error through result<T>::value(), not by returning it.
int twice(std::string text) { return 2 * parsed(text).value(); }
std::string set(int level) {
    checked(level).value();
    return "set";
}

constexpr auto commands = mi::command_set(mi::command<"twice">(mi::recipe<&twice, "text">),
                                          mi::command<"set">(mi::recipe<&set, "level">),
                                          mi::command<"returned">(mi::recipe<&checked, "level">));

mi::dispatcher const d(commands);

} // namespace

BOOST_AUTO_TEST_CASE(the_codes_are_json_rpc_s_opensips_s_and_ours) {
    static_assert(static_cast<int>(mi::errc::parse_error) == -32700);
    static_assert(static_cast<int>(mi::errc::invalid_request) == -32600);
    static_assert(static_cast<int>(mi::errc::method_not_found) == -32601);
    static_assert(static_cast<int>(mi::errc::invalid_params) == -32602);
    static_assert(static_cast<int>(mi::errc::internal_error) == -32603);
    static_assert(static_cast<int>(mi::errc::server_error) == -32000);
    static_assert(static_cast<int>(mi::errc::method_ambiguous) == -32001);
    static_assert(static_cast<int>(mi::errc::permission_denied) == -32003);
    BOOST_TEST(static_cast<int>(mi::errc::permission_denied) == -32003);
}

BOOST_AUTO_TEST_CASE(each_code_has_its_message) {
    static_assert(mi::message_of(mi::errc::parse_error) == "Parse error"); // usable at compile time
    BOOST_TEST(mi::message_of(mi::errc::parse_error) == "Parse error");
    BOOST_TEST(mi::message_of(mi::errc::invalid_request) == "Invalid Request");
    BOOST_TEST(mi::message_of(mi::errc::method_not_found) == "Method not found");
    BOOST_TEST(mi::message_of(mi::errc::invalid_params) == "Invalid params");
    BOOST_TEST(mi::message_of(mi::errc::internal_error) == "Internal error");
    BOOST_TEST(mi::message_of(mi::errc::server_error) == "Server error");
    BOOST_TEST(mi::message_of(mi::errc::method_ambiguous) == "Method ambiguous");
    BOOST_TEST(mi::message_of(mi::errc::permission_denied) == "Permission denied");
    BOOST_TEST(mi::message_of(static_cast<mi::errc>(-1)) == "Server error"); // a code it does not know
}

BOOST_AUTO_TEST_CASE(an_error_from_a_code_carries_its_message) {
    mi::error const e(mi::errc::method_ambiguous, "supported names: a:x, b:x");
    BOOST_TEST(e.code == -32001);
    BOOST_TEST(e.message == "Method ambiguous");
    BOOST_TEST(e.data == "supported names: a:x, b:x");
    BOOST_TEST(mi::error(mi::errc::invalid_params).data.empty());
}

BOOST_AUTO_TEST_CASE(an_error_of_a_command_has_any_code_and_text) {
    mi::error const e(404, "Statistics Not Found");
    BOOST_TEST(e.code == 404);
    BOOST_TEST(e.message == "Statistics Not Found");
    BOOST_TEST(e.data.empty());
    BOOST_TEST(mi::error(500, "failed", "why").data == "why");
}

BOOST_AUTO_TEST_CASE(a_default_error_is_a_server_error_without_text) {
    mi::error const e;
    BOOST_TEST(e.code == -32000);
    BOOST_TEST(e.message.empty());
    BOOST_TEST(e.data.empty());
}

BOOST_AUTO_TEST_CASE(errors_compare_by_code_message_and_data) {
    BOOST_TEST((mi::error(404, "x") == mi::error(404, "x")));
    BOOST_TEST((mi::error(404, "x") != mi::error(405, "x")));
    BOOST_TEST((mi::error(404, "x") != mi::error(404, "y")));
    BOOST_TEST((mi::error(404, "x", "d") != mi::error(404, "x")));
    BOOST_TEST((mi::error(mi::errc::invalid_params) == mi::error(-32602, "Invalid params")));
}

BOOST_AUTO_TEST_CASE(throw_exception_from_error_throws_the_error_itself) {
    mi::error const e(404, "Not Found", "k");
    BOOST_CHECK_EXCEPTION(mi::throw_exception_from_error(e, BOOST_CURRENT_LOCATION), mi::error,
                          [&](mi::error const& thrown) { return is_error(e, thrown); });
}

BOOST_AUTO_TEST_CASE(a_result_holds_a_value_or_an_error) {
    auto const good = parsed("21");
    BOOST_REQUIRE(good.has_value());
    BOOST_TEST(*good == 21);
    BOOST_TEST(good.value() == 21);

    auto const bad = parsed("x1");
    BOOST_REQUIRE(bad.has_error());
    BOOST_TEST((bad.error() == mi::error(mi::errc::invalid_params, "not a number: x1")));

    mi::result<void> const ok;
    BOOST_TEST(ok.has_value());
    BOOST_TEST(checked(5).has_error());
    BOOST_TEST(checked(5).error().code == 400);
}

BOOST_AUTO_TEST_CASE(the_value_of_an_error_result_throws_that_error) {
    BOOST_CHECK_EXCEPTION(parsed("x").value(), mi::error, [](mi::error const& thrown) {
        return is_error(mi::error(mi::errc::invalid_params, "not a number: x"), thrown);
    });
    BOOST_CHECK_EXCEPTION(checked(9).value(), mi::error,
                          [](mi::error const& thrown) { return is_error(mi::error(400, "Level too high", "9"), thrown); });
    BOOST_CHECK_NO_THROW(checked(1).value());
}

BOOST_AUTO_TEST_CASE(a_handler_is_answered_with_the_error_value_threw) {
    BOOST_TEST(answer(d, request("twice", R"(["21"])")) == result("42"));
    BOOST_TEST(answer(d, request("twice", R"(["x"])")) == invalid_params("not a number: x"));
    BOOST_TEST(answer(d, request("set", "[1]")) == result(R"("set")"));
    BOOST_TEST(answer(d, request("set", "[9]")) == error(400, "Level too high", "9"));
    // the same answer as the error returned
    BOOST_TEST(answer(d, request("returned", "[9]")) == answer(d, request("set", "[9]")));
    BOOST_TEST(answer(d, request("returned", "[1]")) == result(R"("OK")"));
}

// Copyright (c) 2026 the mi authors. Distributed under the Boost Software License, Version 1.0.
// SPDX-License-Identifier: BSL-1.0
//
// JSON-RPC 2.0 as spec sections 1-3 describe it: envelope, ids, notifications, batches, the error catalogue,
// recipe choice and results.
#include <mi/dispatcher.hpp>

#define BOOST_TEST_MODULE dispatcher
#include <boost/test/unit_test.hpp>

#include "support.hpp"

#include <mi/mi.hpp>

#include <stdexcept>

using namespace mi_test;

namespace {

int log_level_global_calls = 0;

boost::json::object levels() { return {{"Processes", boost::json::array{}}}; }
boost::json::object set_global(int level) {
    ++log_level_global_calls;
    return {{"New global log level", level}};
}
mi::result<boost::json::object> set_one(int level, int pid) {
    if (pid != 4021) return mi::error(mi::errc::invalid_params, "Bad PID");
    return boost::json::object{{"Log level", level}};
}

std::string profile_id(int id) { return "id " + std::to_string(id); }
std::string profile_pid(int pid) { return "pid " + std::to_string(pid); }
std::string profile_level(int level) { return "level " + std::to_string(level); }

void nothing() {}
int throws_runtime_error() { throw std::runtime_error("secret path /etc/shadow"); }
int throws_mi_error() { throw mi::error(500, "Cache store command failed"); }
mi::result<void> result_void_ok() { return {}; }
mi::result<void> result_void_error() { return mi::error(404, "Statistics Not Found"); }
mi::result<int> result_with_data() { return mi::error(400, "Value not found", "no such key"); }

std::string echo(std::string s) { return s; }

std::string (*redispatch)(std::string_view request) = nullptr;
std::string nested(std::string const& request, int after) { return redispatch(request) + std::to_string(after); }

enum class color { red, green };
BOOST_DESCRIBE_ENUM(color, red, green)
struct process {
    int ID;
    int PID;
    std::string Type;
};
BOOST_DESCRIBE_STRUCT(process, (), (ID, PID, Type))
std::vector<process> ps() { return {{0, 9467, "attendant"}, {1, 9468, "HTTPD 127.0.0.1:8008"}}; }
color favourite() { return color::green; }
std::optional<int> nothing_yet() { return std::nullopt; }
std::map<std::string, double> ratios() { return {{"half", 0.5}, {"one", 1}}; }
std::string unicode() { return "caf\xc3\xa9 \"quoted\" \\ \n"; }

constexpr auto commands = mi::command_set(
    mi::command<"log_level">("gets or sets the log level", mi::recipe<&levels>, mi::recipe<&set_global, "level">,
                             mi::recipe<&set_one, "level", "pid">),
    mi::command<"profiling_proc">(mi::recipe<&profile_id, "id">, mi::recipe<&profile_pid, "pid">,
                                  mi::recipe<&profile_level, "level">),
    mi::command<"dlg_list">(mi::recipe<&echo, "callid">, mi::named_params_only),
    mi::command<"nothing">(mi::recipe<&nothing>),
    mi::command<"throws_runtime_error">(mi::recipe<&throws_runtime_error>),
    mi::command<"throws_mi_error">(mi::recipe<&throws_mi_error>),
    mi::command<"result_void_ok">(mi::recipe<&result_void_ok>),
    mi::command<"result_void_error">(mi::recipe<&result_void_error>),
    mi::command<"result_with_data">(mi::recipe<&result_with_data>), mi::command<"ps">(mi::recipe<&ps>),
    mi::command<"favourite">(mi::recipe<&favourite>), mi::command<"nothing_yet">(mi::recipe<&nothing_yet>),
    mi::command<"ratios">(mi::recipe<&ratios>), mi::command<"unicode">(mi::recipe<&unicode>),
    mi::command<"echo">(mi::recipe<&echo, "text">), mi::command<"nested">(mi::recipe<&nested, "request", "after">));

mi::dispatcher const d(commands);

std::string redispatch_here(std::string_view request) { return answer(d, request); }

} // namespace

BOOST_AUTO_TEST_SUITE(envelope)

BOOST_AUTO_TEST_CASE(a_valid_request_is_answered_in_member_order_jsonrpc_result_id) {
    BOOST_TEST(answer(d, R"({"jsonrpc":"2.0","method":"log_level","params":{"level":4},"id":1})") ==
               result(R"({"New global log level":4})"));
    BOOST_TEST(answer(d, R"({"id":1,"params":{"level":4},"method":"log_level","jsonrpc":"2.0"})") ==
               result(R"({"New global log level":4})"));
}

BOOST_AUTO_TEST_CASE(member_names_are_matched_case_insensitively_and_the_first_wins) {
    BOOST_TEST(answer(d, R"({"JSONRPC":"2.0","Method":"echo","PARAMS":["x"],"Id":7})") == result(R"("x")", "7"));
    BOOST_TEST(answer(d, R"({"jsonrpc":"2.0","method":"echo","Method":"nothing","params":["x"],"id":1})") ==
               result(R"("x")"));
    BOOST_TEST(answer(d, R"({"jsonrpc":"2.0","method":"echo","params":["a"],"Params":["b"],"id":1})") ==
               result(R"("a")"));
    // the same spelling twice: the first wins too (spec 1.1)
    BOOST_TEST(answer(d, R"({"jsonrpc":"2.0","method":"echo","method":"nothing","params":["x"],"id":2,"id":3})") ==
               result(R"("x")", "2"));
    // a named param twice counts twice, as OpenSIPS counts the members of params
    BOOST_TEST(answer(d, R"({"jsonrpc":"2.0","method":"echo","params":{"text":"a","text":"b"},"id":1})") ==
               error(-32602, "Invalid params", "Too few or too many parameters"));
}

BOOST_AUTO_TEST_CASE(escaped_names_and_strings_are_read_unescaped) {
    BOOST_TEST(answer(d, R"({"jsonrpc":"2.0","m\u0065thod":"echo","params":{"te\u0078t":"a\"b\u00e9\n"},"id":1})") ==
               result("\"a\\\"b\xc3\xa9\\n\""));
    BOOST_TEST(answer(d, R"({"jsonrpc":"2.0","method":"ech\u006f","params":["\ud83d\ude00"],"id":1})") ==
               result("\"\xf0\x9f\x98\x80\""));
}

BOOST_AUTO_TEST_CASE(unknown_members_are_ignored) {
    BOOST_TEST(answer(d, R"({"jsonrpc":"2.0","method":"nothing","id":1,"extra":{"x":[1,2]}})") == result(R"("OK")"));
}

BOOST_AUTO_TEST_CASE(empty_params_mean_no_params) {
    for (auto params : {"{}", "[]"})
        BOOST_TEST(answer(d, request("log_level", params)) == result(R"({"Processes":[]})"));
    BOOST_TEST(answer(d, request("log_level")) == result(R"({"Processes":[]})"));
}

BOOST_AUTO_TEST_CASE(the_id_is_echoed_with_its_type) {
    BOOST_TEST(answer(d, R"({"jsonrpc":"2.0","method":"nothing","id":"18514"})") == result(R"("OK")", R"("18514")"));
    BOOST_TEST(answer(d, R"({"jsonrpc":"2.0","method":"nothing","id":null})") == result(R"("OK")", "null"));
    BOOST_TEST(answer(d, R"({"jsonrpc":"2.0","method":"nothing","id":-3})") == result(R"("OK")", "-3"));
    BOOST_TEST(answer(d, R"({"jsonrpc":"2.0","method":"nothing","id":4294967296})") ==
               result(R"("OK")", "4294967296"));
    BOOST_TEST(answer(d, R"({"jsonrpc":"2.0","method":"nothing","id":18446744073709551615})") ==
               result(R"("OK")", "18446744073709551615"));
    // the bytes the client sent, not Boost.JSON's 1.5E0
    BOOST_TEST(answer(d, R"({"jsonrpc":"2.0","method":"nothing","id":1.5})") == result(R"("OK")", "1.5"));
}

BOOST_AUTO_TEST_CASE(invalid_envelopes_are_invalid_request) {
    auto const invalid = error(-32600, "Invalid Request", {}, "null");
    auto const invalid_with_id = error(-32600, "Invalid Request", {}, "1");
    BOOST_TEST(answer(d, R"({"method":"nothing","id":1})") == invalid_with_id);                    // no jsonrpc
    BOOST_TEST(answer(d, R"({"jsonrpc":"1.0","method":"nothing","id":1})") == invalid_with_id);    // wrong version
    BOOST_TEST(answer(d, R"({"jsonrpc":2.0,"method":"nothing","id":1})") == invalid_with_id);      // not a string
    BOOST_TEST(answer(d, R"({"jsonrpc":"2.0","id":1})") == invalid_with_id);                       // no method
    BOOST_TEST(answer(d, R"({"jsonrpc":"2.0","method":5,"id":1})") == invalid_with_id);            // method not a string
    BOOST_TEST(answer(d, R"({"jsonrpc":"2.0","method":"nothing","params":null,"id":1})") == invalid_with_id);
    BOOST_TEST(answer(d, R"({"jsonrpc":"2.0","method":"nothing","params":5,"id":1})") == invalid_with_id);
    BOOST_TEST(answer(d, R"({"jsonrpc":"2.0","method":"nothing","params":"x","id":1})") == invalid_with_id);
    // an id that is neither string, number nor null cannot be echoed
    BOOST_TEST(answer(d, R"({"jsonrpc":"2.0","method":"nothing","id":{"a":1}})") == invalid);
    BOOST_TEST(answer(d, R"({"jsonrpc":"2.0","method":"nothing","id":[1]})") == invalid);
    BOOST_TEST(answer(d, R"({"jsonrpc":"2.0","method":"nothing","id":true})") == invalid);
    // a top-level value that is not an object
    for (auto text : {R"("text")", "5", "null", "true"}) BOOST_TEST(answer(d, text) == invalid);
}

BOOST_AUTO_TEST_CASE(text_that_is_not_json_is_a_parse_error) {
    auto const parse_error = error(-32700, "Parse error", {}, "null");
    for (auto text : {"", "garbage", R"({"jsonrpc":"2.0",)", "{", R"({"a" 1})", "[1,2", "\xff"})
        BOOST_TEST(answer(d, text) == parse_error);
}

BOOST_AUTO_TEST_CASE(bytes_after_the_first_json_value_are_ignored) {
    BOOST_TEST(answer(d, R"({"jsonrpc":"2.0","method":"nothing","id":1} trailing)") == result(R"("OK")"));
}

BOOST_AUTO_TEST_CASE(nesting_deeper_than_the_limit_is_a_parse_error) {
    std::string deep = R"({"jsonrpc":"2.0","method":"echo","params":{"text":)";
    for (int i = 0; i < 40; ++i) deep += '[';
    for (int i = 0; i < 40; ++i) deep += ']';
    deep += R"(},"id":1})";
    BOOST_TEST(answer(d, deep) == error(-32700, "Parse error", {}, "null"));
    mi::dispatcher const deep_enough(commands, mi::limits{.max_batch = 100, .max_depth = 64});
    BOOST_TEST(answer(deep_enough, deep) == invalid_params("Bad type for parameter 'text'"));
}

BOOST_AUTO_TEST_SUITE_END()

BOOST_AUTO_TEST_SUITE(notifications)

BOOST_AUTO_TEST_CASE(a_valid_notification_runs_and_is_not_answered) {
    auto const before = log_level_global_calls;
    BOOST_TEST(answer(d, R"({"jsonrpc":"2.0","method":"log_level","params":[3]})") == "<none>");
    BOOST_TEST(log_level_global_calls == before + 1);
}

BOOST_AUTO_TEST_CASE(errors_of_a_valid_notification_are_not_answered) {
    BOOST_TEST(answer(d, R"({"jsonrpc":"2.0","method":"no_such"})") == "<none>");
    BOOST_TEST(answer(d, R"({"jsonrpc":"2.0","method":"log_level","params":[1,2,3]})") == "<none>");
    BOOST_TEST(answer(d, R"({"jsonrpc":"2.0","method":"throws_mi_error"})") == "<none>");
    BOOST_TEST(answer(d, R"({"jsonrpc":"2.0","method":"throws_runtime_error"})") == "<none>");
}

BOOST_AUTO_TEST_CASE(parse_errors_and_invalid_requests_are_answered_with_a_null_id) {
    BOOST_TEST(answer(d, R"({"jsonrpc":"2.0","method":)") == error(-32700, "Parse error", {}, "null"));
    BOOST_TEST(answer(d, R"({"jsonrpc":"1.0","method":"nothing"})") == error(-32600, "Invalid Request", {}, "null"));
}

BOOST_AUTO_TEST_CASE(a_null_id_is_not_a_notification) {
    BOOST_TEST(answer(d, R"({"jsonrpc":"2.0","method":"no_such","id":null})") ==
               error(-32601, "Method not found", {}, "null"));
}

BOOST_AUTO_TEST_SUITE_END()

BOOST_AUTO_TEST_SUITE(batches)

BOOST_AUTO_TEST_CASE(each_element_is_answered_in_order) {
    BOOST_TEST(answer(d, R"([{"jsonrpc":"2.0","method":"echo","params":["a"],"id":1},)"
                         R"({"jsonrpc":"2.0","method":"no_such","id":2},)"
                         R"({"jsonrpc":"2.0","method":"echo","params":["c"],"id":"3"}])") ==
               "[" + result(R"("a")") + "," + error(-32601, "Method not found", {}, "2") + "," +
                   result(R"("c")", R"("3")") + "]");
}

BOOST_AUTO_TEST_CASE(notifications_leave_no_element) {
    BOOST_TEST(answer(d, R"([{"jsonrpc":"2.0","method":"echo","params":["a"]},)"
                         R"({"jsonrpc":"2.0","method":"echo","params":["b"],"id":2}])") ==
               "[" + result(R"("b")", "2") + "]");
}

BOOST_AUTO_TEST_CASE(a_batch_of_notifications_is_not_answered) {
    std::string response = "stale";
    BOOST_TEST(!d.call(R"([{"jsonrpc":"2.0","method":"nothing"},{"jsonrpc":"2.0","method":"no_such"}])", response));
    BOOST_TEST(response.empty()); // not "[]" (found by the dispatcher fuzz target)
}

BOOST_AUTO_TEST_CASE(an_empty_batch_is_one_invalid_request) {
    BOOST_TEST(answer(d, "[]") == error(-32600, "Invalid Request", {}, "null"));
}

BOOST_AUTO_TEST_CASE(elements_that_are_not_requests_are_each_invalid) {
    auto const invalid = error(-32600, "Invalid Request", {}, "null");
    BOOST_TEST(answer(d, "[1,2]") == "[" + invalid + "," + invalid + "]");
    BOOST_TEST(answer(d, R"([[{"jsonrpc":"2.0","method":"nothing","id":1}]])") == "[" + invalid + "]");
}

BOOST_AUTO_TEST_CASE(a_batch_longer_than_the_limit_is_refused_whole) {
    mi::dispatcher const small(commands, mi::limits{.max_batch = 2});
    auto const one = std::string(R"({"jsonrpc":"2.0","method":"nothing","id":1})");
    BOOST_TEST(answer(small, "[" + one + "," + one + "]") == "[" + result(R"("OK")") + "," + result(R"("OK")") + "]");
    BOOST_TEST(answer(small, "[" + one + "," + one + "," + one + "]") ==
               error(-32600, "Invalid Request", "Batch too large", "null"));
}

BOOST_AUTO_TEST_SUITE_END()

BOOST_AUTO_TEST_SUITE(recipes)

BOOST_AUTO_TEST_CASE(log_level_examples_of_spec_3_2) {
    BOOST_TEST(answer(d, request("log_level")) == result(R"({"Processes":[]})"));
    BOOST_TEST(answer(d, request("log_level", "[4]")) == result(R"({"New global log level":4})"));
    BOOST_TEST(answer(d, request("log_level", "[4,4021]")) == result(R"({"Log level":4})"));
    BOOST_TEST(answer(d, request("log_level", "[1,2,3]")) == invalid_params("Too few or too many parameters"));
    BOOST_TEST(answer(d, request("log_level", R"({"level":4})")) == result(R"({"New global log level":4})"));
    BOOST_TEST(answer(d, request("log_level", R"({"pid":4021,"level":4})")) == result(R"({"Log level":4})"));
    BOOST_TEST(answer(d, request("log_level", R"({"lvl":4})")) == invalid_params("Named parameters do not match"));
    BOOST_TEST(answer(d, request("log_level", R"({"level":4,"x":1,"y":2})")) ==
               invalid_params("Too few or too many parameters"));
}

BOOST_AUTO_TEST_CASE(named_parameter_names_are_case_sensitive) {
    BOOST_TEST(answer(d, request("log_level", R"({"Level":4})")) == invalid_params("Named parameters do not match"));
}

BOOST_AUTO_TEST_CASE(positional_calls_of_a_size_two_recipes_share_are_ambiguous) {
    BOOST_TEST(answer(d, request("profiling_proc", "[3]")) ==
               invalid_params("Ambiguous call, use named parameters instead"));
    BOOST_TEST(answer(d, request("profiling_proc", R"({"pid":3})")) == result(R"("pid 3")"));
    BOOST_TEST(answer(d, request("profiling_proc", R"({"level":3})")) == result(R"("level 3")"));
}

BOOST_AUTO_TEST_CASE(no_params_without_an_empty_recipe_is_the_wrong_count) {
    BOOST_TEST(answer(d, request("profiling_proc")) == invalid_params("Too few or too many parameters"));
}

BOOST_AUTO_TEST_CASE(named_only_commands_refuse_positional_params_first) {
    BOOST_TEST(answer(d, request("dlg_list", R"(["x"])")) == invalid_params("Command only supports named parameters"));
    BOOST_TEST(answer(d, request("dlg_list", R"(["x","y","z"])")) ==
               invalid_params("Command only supports named parameters"));
    BOOST_TEST(answer(d, request("dlg_list", R"({"callid":"x"})")) == result(R"("x")"));
}

BOOST_AUTO_TEST_CASE(handler_errors_with_data) {
    BOOST_TEST(answer(d, request("log_level", "[4,1]")) == invalid_params("Bad PID"));
}

BOOST_AUTO_TEST_SUITE_END()

BOOST_AUTO_TEST_SUITE(results)

BOOST_AUTO_TEST_CASE(void_answers_ok) {
    BOOST_TEST(answer(d, request("nothing")) == result(R"("OK")"));
    BOOST_TEST(answer(d, request("result_void_ok")) == result(R"("OK")"));
}

BOOST_AUTO_TEST_CASE(errors_returned_or_thrown_become_error_responses) {
    BOOST_TEST(answer(d, request("result_void_error")) == error(404, "Statistics Not Found"));
    BOOST_TEST(answer(d, request("throws_mi_error")) == error(500, "Cache store command failed"));
    BOOST_TEST(answer(d, request("result_with_data")) == error(400, "Value not found", "no such key"));
}

BOOST_AUTO_TEST_CASE(an_unexpected_exception_leaks_nothing) {
    auto const response = answer(d, request("throws_runtime_error"));
    BOOST_TEST(response == error(-32603, "Internal error"));
    BOOST_TEST(response.find("shadow") == std::string::npos);
}

BOOST_AUTO_TEST_CASE(described_structs_enums_containers_and_optionals_are_written) {
    BOOST_TEST(answer(d, request("ps")) ==
               result(R"([{"ID":0,"PID":9467,"Type":"attendant"},{"ID":1,"PID":9468,"Type":"HTTPD 127.0.0.1:8008"}])"));
    BOOST_TEST(answer(d, request("favourite")) == result(R"("green")"));
    BOOST_TEST(answer(d, request("nothing_yet")) == result("null"));
    BOOST_TEST(answer(d, request("ratios")) == result(R"({"half":5E-1,"one":1E0})"));
}

BOOST_AUTO_TEST_CASE(strings_are_escaped_and_utf8_passes_through) {
    BOOST_TEST(answer(d, request("unicode")) == result("\"caf\xc3\xa9 \\\"quoted\\\" \\\\ \\n\""));
    BOOST_TEST(answer(d, request("echo", R"(["\u00e9\ud83d\ude00"])")) == result("\"\xc3\xa9\xf0\x9f\x98\x80\""));
}

BOOST_AUTO_TEST_SUITE_END()

BOOST_AUTO_TEST_CASE(a_handler_may_dispatch_again_on_the_same_thread) {
    redispatch = &redispatch_here;
    BOOST_TEST(answer(d, request("nested", R"({"request":"{\"jsonrpc\":\"2.0\",\"method\":\"echo\",\"params\":[\"in\"],\"id\":2}","after":7})")) ==
               result(R"("{\"jsonrpc\":\"2.0\",\"result\":\"in\",\"id\":2}7")"));
}

// Copyright (c) 2026 the mi authors. Distributed under the Boost Software License, Version 1.0.
// SPDX-License-Identifier: BSL-1.0
//
// The example daemon's core commands (spec section 5), in process: recipes, results and errors.
#include "../examples/daemon/core.hpp"

#define BOOST_TEST_MODULE daemon_core
#include <boost/test/unit_test.hpp>

#include "support.hpp"

#include <boost/json/parse.hpp>

#include <condition_variable>

using namespace mi_test;

namespace {

struct fixture {
    daemon_core::state core{{"mi_daemon", "--http", "127.0.0.1:8888"}, "mi_daemon 0.1.0 (x86_64/linux)", "abc1234"};
    mi::dispatcher<std::remove_cvref_t<decltype(daemon_core::commands)>, daemon_core::state, mi::statistics,
                   mi::event_hub>
        d{daemon_core::commands, core, core.statistics(), core.events().hub()};

    std::string call(std::string_view method, std::string_view params = {}) { return answer(d, request(method, params)); }
    boost::json::value result_of(std::string_view method, std::string_view params = {}) {
        auto const response = boost::json::parse(call(method, params));
        BOOST_REQUIRE(response.as_object().contains("result"));
        return response.at("result");
    }
};

} // namespace

BOOST_FIXTURE_TEST_SUITE(core_commands, fixture)

BOOST_AUTO_TEST_CASE(which_lists_the_opensips_3_names) {
    auto const names = result_of("which").as_array();
    for (auto name : {"uptime", "version", "pwd", "arg", "ps", "kill", "log_level", "xlog_level", "get_statistics",
                      "list_statistics", "reset_statistics", "reset_all_statistics", "cache_store", "cache_fetch",
                      "cache_remove", "which", "help"})
        BOOST_TEST((std::find(names.begin(), names.end(), boost::json::value(name)) != names.end()), name);
    BOOST_TEST(call("which", R"({"command":"log_level"})") == result(R"([[],["level"],["level","pid"]])"));
    BOOST_TEST(call("which", R"({"command":"cache_store"})") ==
               result(R"([["system","attr","value"],["system","attr","value","expire"]])"));
}

BOOST_AUTO_TEST_CASE(uptime_version_pwd_arg) {
    auto const up = result_of("uptime").as_object();
    BOOST_TEST(up.size() == 3u);
    BOOST_TEST(std::string_view(up.at("Up time").as_string()).ends_with(" [sec]"));
    BOOST_TEST(up.at("Now").as_string().size() == 24u); // ctime without its newline
    BOOST_TEST(call("version") == result(R"j({"Server":"mi_daemon 0.1.0 (x86_64/linux)"})j"));
    BOOST_TEST(call("version", R"({"revision":"x"})") == result(R"j({"Server":"mi_daemon 0.1.0 (x86_64/linux)","git":"abc1234"})j"));
    BOOST_TEST(result_of("pwd").as_object().contains("WD"));
    BOOST_TEST(call("arg") == result(R"(["mi_daemon","--http","127.0.0.1:8888"])"));
}

BOOST_AUTO_TEST_CASE(ps_lists_the_processes) {
    core.add_process("MI FIFO");
    auto const rows = result_of("ps").at("Processes").as_array();
    BOOST_REQUIRE(rows.size() == 2u);
    BOOST_TEST(rows[0].at("ID") == 0);
    BOOST_TEST(rows[0].at("Type") == "attendant");
    BOOST_TEST(rows[1].at("Type") == "MI FIFO");
}

BOOST_AUTO_TEST_CASE(log_level_has_three_recipes_and_a_real_effect) {
    BOOST_TEST(core.global_level() == daemon_core::info);
    auto const pid = result_of("ps").at("Processes").as_array()[0].at("PID").as_int64();
    BOOST_TEST(result_of("log_level").at("Processes").as_array()[0].at("Log level") == 3);
    BOOST_TEST(call("log_level", R"({"level":"4"})") == result(R"({"New global log level":4})"));
    BOOST_TEST(core.global_level() == 4);
    BOOST_TEST(call("log_level", "[1," + std::to_string(pid) + "]") == result(R"({"Log level":1})"));
    BOOST_TEST(result_of("log_level").at("Processes").as_array()[0].at("Log level") == 1);
    BOOST_TEST(call("log_level", "[1,999999999]") == invalid_params("Bad PID"));
    BOOST_TEST(call("log_level", R"({"level":"x"})") == invalid_params("Bad type for parameter 'level'"));
}

BOOST_AUTO_TEST_CASE(xlog_level) {
    BOOST_TEST(call("xlog_level") == result(R"({"xLog Level":3})"));
    BOOST_TEST(call("xlog_level", "[2]") == result(R"({"New xLog level":2})"));
    BOOST_TEST(call("xlog_level") == result(R"({"xLog Level":2})"));
}

BOOST_AUTO_TEST_CASE(statistics) {
    core.count_request("http");
    core.count_request("http");
    core.count_request("fifo");
    BOOST_TEST(call("get_statistics", R"([["rcv_requests"]])") == result(R"({"core:rcv_requests":3})"));
    core.count_limit("header");
    core.count_denied();
    BOOST_TEST(call("get_statistics", R"({"statistics":["MI:","cache:"]})") ==
               result(R"({"mi:http_requests":2,"mi:fifo_requests":1,"mi:datagram_requests":0,"mi:inproc_requests":0,)"
                      R"("mi:errors":0,"mi:notifications":0,"mi:denied":1,"mi:limit_batch":0,"mi:limit_depth":0,)"
                      R"("mi:limit_params":0,"mi:limit_string":0,"mi:limit_body":0,"mi:limit_header":1,)"
                      R"("mi:limit_connections":0,"mi:limit_requests_per_connection":0,"mi:limit_timeout":0,)"
                      R"("mi:limit_queue":0,"mi:limit_request":0,"cache:entries":0})"));
    std::size_t const statistics = 10 + std::size(daemon_core::state::limit_names); // events:dropped too
    BOOST_TEST(result_of("get_statistics", R"([["all"]])").as_object().size() == statistics);
    BOOST_TEST(call("get_statistics", R"([["nope","none:"]])") == error(404, "Statistics Not Found"));
    BOOST_TEST(call("get_statistics", R"({"statistics":"core:"})") == invalid_params("Bad type for parameter 'statistics'"));
    BOOST_TEST(call("list_statistics", R"([["http_requests","cache:"]])") ==
               result(R"({"http_requests":"incremental","cache:entries":"non-incremental"})"));
    BOOST_TEST(result_of("list_statistics").as_object().size() == statistics);
    BOOST_TEST(call("reset_statistics", R"([["http_requests"]])") == result(R"("OK")"));
    BOOST_TEST(core.value_of("mi", "http_requests") == 0u);
    BOOST_TEST(call("reset_statistics", R"([["nope"]])") == error(404, "Statistics Not Found"));
    BOOST_TEST(call("reset_all_statistics") == result(R"("OK")"));
    BOOST_TEST(core.value_of("core", "rcv_requests") == 0u);
}

BOOST_AUTO_TEST_CASE(cache) {
    BOOST_TEST(call("cache_store", R"(["local","k","v"])") == result(R"("OK")"));
    BOOST_TEST(call("cache_fetch", R"({"system":"local","attr":"k"})") == result(R"({"key":"k","value":"v"})"));
    BOOST_TEST(core.value_of("cache", "entries") == 1u);
    BOOST_TEST(call("cache_remove", R"(["local","k"])") == result(R"("OK")"));
    BOOST_TEST(call("cache_fetch", R"(["local","k"])") == error(400, "Value not found"));
    BOOST_TEST(call("cache_store", R"(["","k","v"])") == invalid_params("Empty memory cache id"));
    BOOST_TEST(call("cache_store", R"(["local","","v"])") == invalid_params("Empty attribute name"));
    BOOST_TEST(call("cache_store", R"(["local","k",""])") == invalid_params("Empty value"));
    BOOST_TEST(call("cache_store", R"(["local","k","v",-1])") == invalid_params("Negative expire value"));
    BOOST_TEST(call("cache_store", R"(["redis","k","v"])") == error(500, "Cache store command failed"));
    BOOST_TEST(call("cache_fetch", R"(["redis","k"])") == error(500, "Cache fetch command failed"));
    BOOST_TEST(call("cache_remove", R"(["redis","k"])") == error(500, "Cache remove command failed"));
}

BOOST_AUTO_TEST_CASE(cache_entries_expire) {
    BOOST_TEST(call("cache_store", R"({"system":"local","attr":"k","value":"v","expire":"1"})") == result(R"("OK")"));
    BOOST_TEST(call("cache_fetch", R"(["local","k"])") == result(R"({"key":"k","value":"v"})"));
    std::this_thread::sleep_for(std::chrono::milliseconds(1100));
    BOOST_TEST(call("cache_fetch", R"(["local","k"])") == error(400, "Value not found"));
}

BOOST_AUTO_TEST_CASE(kill_answers_then_asks_the_daemon_to_stop) {
    bool killed = false;
    core.on_kill = [&] { killed = true; };
    BOOST_TEST(call("kill") == result(R"("OK")"));
    BOOST_TEST(killed);
}

BOOST_AUTO_TEST_CASE(async_echo_answers_later_with_a_provisional_answer_first) {
    BOOST_TEST(call("async_echo", R"(["now"])") == result(R"("now")"));
    std::mutex m;
    std::condition_variable cv;
    std::vector<std::string> answers;
    d.async_call(request("async_echo", R"({"text":"later","delay_ms":20})"), {}, [&](mi::answer const& a) {
        std::lock_guard lock(m);
        answers.emplace_back(a.text);
        cv.notify_all();
    });
    std::unique_lock lock(m);
    BOOST_REQUIRE(cv.wait_for(lock, std::chrono::seconds(5), [&] { return answers.size() == 2; }));
    BOOST_TEST(answers[0] == result(R"("working")"));
    BOOST_TEST(answers[1] == result(R"("later")"));
}

BOOST_AUTO_TEST_SUITE_END()

// Copyright (c) 2026 the mi authors. Distributed under the Boost Software License, Version 1.0.
// SPDX-License-Identifier: BSL-1.0
//
// What a dispatcher lets a caller do and what it reports: permissions declared with recipes against the
// permission a caller is granted, the limits on a call's parameters, numbers JSON cannot hold, and the
// observer's audit records and limit reports, synchronous and asynchronous calls alike.
#include <mi/dispatcher.hpp>

#define BOOST_TEST_MODULE access
#include <boost/test/unit_test.hpp>

#include "support.hpp"

#include <mi/transport/framing.hpp>
#include <mi/mi.hpp>

#include <chrono>
#include <condition_variable>
#include <mutex>
#include <optional>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

using namespace mi_test;
using namespace std::chrono_literals;

namespace {

int level = 2;
int get_level() { return level; }
int set_level(int l) { return level = l; }
std::string stop() { return "stopping"; }
std::string store(std::string key, std::optional<std::string> value) { return key + '=' + value.value_or(""); }
double half(double x) { return x / 2; }
int fails() { throw std::runtime_error("secret"); }

std::vector<std::jthread> workers;

mi::async_result<std::string> later(mi::async_reply reply, std::string text) {
    if (!reply) return text;
    workers.emplace_back([reply, text] {
        std::this_thread::sleep_for(20ms);
        reply.finish(text);
    });
    return mi::answer_later;
}

mi::async_result<std::string> later_error(mi::async_reply reply) {
    if (!reply) return mi::error(404, "Not Found");
    workers.emplace_back([reply] { reply.finish(mi::error(404, "Not Found")); });
    return mi::answer_later;
}

constexpr auto commands = mi::command_set(
    mi::command<"log_level">("reads or sets the level", mi::needs_read, mi::recipe<&get_level>,
                             mi::needs_admin(mi::recipe<&set_level, "level">)),
    mi::command<"cache_store">(mi::needs_write, mi::recipe<&store, "key", "value">),
    mi::command<"kill">(mi::recipe<&stop>),
    mi::command<"half">(mi::needs_read, mi::recipe<&half, "x">),
    mi::command<"fails">(mi::needs_read, mi::recipe<&fails>),
    mi::command<"later">(mi::async, mi::needs_read, mi::recipe<&later, "text">),
    mi::command<"later_error">(mi::async, mi::needs_read, mi::recipe<&later_error>));

mi::context const reader{"http", "127.0.0.1:5000", mi::permission::read};
mi::context const writer{"http", "127.0.0.1:5000", mi::permission::write};

std::string denied(std::string_view data) { return error(-32003, "Permission denied", data); }

// What an observer saw, from any thread.
struct journal {
    struct call {
        std::string transport, peer, method, params;
        mi::permission granted;
        int error;
        std::chrono::nanoseconds duration;
    };
    std::mutex mutex;
    std::condition_variable changed;
    std::vector<call> calls;
    std::vector<std::pair<std::string, std::string>> limits; // limit, transport

    mi::observer observer() {
        return {[this](mi::call_record const& r) {
                    std::lock_guard lock(mutex);
                    calls.push_back({std::string(r.caller.transport), std::string(r.caller.peer), std::string(r.method),
                                     std::string(r.params), r.caller.granted, r.error, r.duration});
                    changed.notify_all();
                },
                [this](std::string_view limit, mi::context const& ctx) {
                    std::lock_guard lock(mutex);
                    limits.emplace_back(limit, ctx.transport);
                }};
    }
    call wait_for_call(std::size_t n) {
        std::unique_lock lock(mutex);
        BOOST_REQUIRE(changed.wait_for(lock, 10s, [&] { return calls.size() >= n; }));
        return calls[n - 1];
    }
};

} // namespace

BOOST_AUTO_TEST_SUITE(permissions)

BOOST_AUTO_TEST_CASE(a_caller_runs_the_recipes_that_need_no_more_than_it_is_granted) {
    mi::dispatcher const d(commands);
    level = 2;
    BOOST_TEST(answer(d, request("log_level"), reader) == result("2"));
    BOOST_TEST(answer(d, request("log_level", R"({"level":4})"), reader) ==
               denied("log_level called so needs the 'admin' permission; this caller has 'read'"));
    BOOST_TEST(level == 2); // the handler never ran
    BOOST_TEST(answer(d, request("kill"), writer) ==
               denied("kill called so needs the 'admin' permission; this caller has 'write'"));
    BOOST_TEST(answer(d, request("cache_store", R"(["k","v"])"), reader) ==
               denied("cache_store called so needs the 'write' permission; this caller has 'read'"));
    BOOST_TEST(answer(d, request("cache_store", R"(["k","v"])"), writer) == result(R"("k=v")"));
    // which, help and rpc.discover are reads
    BOOST_TEST(answer(d, request("which"), reader).find("\"result\"") != std::string::npos);
    BOOST_TEST(answer(d, request("help", R"(["kill"])"), reader).find("\"result\"") != std::string::npos);
    BOOST_TEST(answer(d, request("rpc.discover"), reader).find("\"result\"") != std::string::npos);
}

BOOST_AUTO_TEST_CASE(a_caller_of_no_stated_permission_is_an_administrator) {
    mi::dispatcher const d(commands);
    BOOST_TEST(answer(d, request("log_level", R"([3])")) == result("3"));
    BOOST_TEST(answer(d, request("kill"), mi::context{"fifo", "r"}) == result(R"("stopping")"));
}

BOOST_AUTO_TEST_CASE(errors_that_come_before_a_recipe_is_chosen_are_told_first) {
    mi::dispatcher const d(commands);
    BOOST_TEST(answer(d, request("nope"), reader) == error(-32601, "Method not found"));
    BOOST_TEST(answer(d, request("log_level", R"({"lvl":4})"), reader) == invalid_params("Named parameters do not match"));
}

BOOST_AUTO_TEST_CASE(the_schema_tells_what_each_recipe_needs) {
    mi::dispatcher const d(commands);
    auto const* c = d.schema().find("log_level");
    BOOST_REQUIRE(c);
    BOOST_TEST(c->recipes.size() == 2u);
    BOOST_TEST((c->recipes[0].needs == mi::permission::read));
    BOOST_TEST((c->recipes[1].needs == mi::permission::admin));
    BOOST_TEST((d.schema().find("which")->recipes[0].needs == mi::permission::read));
    auto const doc = answer(d, request("rpc.discover"));
    BOOST_TEST(doc.find(R"("name":"log_level")") != std::string::npos);
    BOOST_TEST(doc.find(R"("x-permissions":["read","admin"])") != std::string::npos);
}

BOOST_AUTO_TEST_SUITE_END()

BOOST_AUTO_TEST_SUITE(limits)

BOOST_AUTO_TEST_CASE(too_many_params_and_too_long_strings_are_refused_and_reported) {
    journal seen;
    mi::dispatcher const d(commands, mi::limits{.max_params = 2, .max_string = 8}, seen.observer());
    BOOST_TEST(answer(d, request("cache_store", R"(["k","v"])")) == result(R"("k=v")"));
    BOOST_TEST(answer(d, request("cache_store", R"(["k","v","w"])")) == invalid_params("Too many parameters"));
    BOOST_TEST(answer(d, request("cache_store", R"(["k","123456789"])")) ==
               invalid_params("A string in the parameters is too long"));
    BOOST_TEST(answer(d, request("cache_store", R"({"key":"k","value":"12345678"})")) == result(R"("k=12345678")"));
    // member names count too, however deep
    BOOST_TEST(answer(d, request("cache_store", R"({"key":"k","a_long_name":1})")) ==
               invalid_params("A string in the parameters is too long"));
    BOOST_TEST(answer(d, request("cache_store", R"([["123456789"],"v"])")) ==
               invalid_params("A string in the parameters is too long"));
    std::lock_guard lock(seen.mutex);
    BOOST_TEST(seen.limits.size() == 4u);
    BOOST_TEST(seen.limits[0].first == "params");
    BOOST_TEST(seen.limits[1].first == "string");
}

BOOST_AUTO_TEST_CASE(depth_and_batch_limits_are_reported) {
    journal seen;
    mi::dispatcher const d(commands, mi::limits{.max_batch = 2, .max_depth = 3}, seen.observer());
    BOOST_TEST(answer(d, R"([[[[1]]]])", mi::context{"fifo", "x"}) == error(-32700, "Parse error", {}, "null"));
    BOOST_TEST(answer(d, "[" + request("kill") + "," + request("kill") + "," + request("kill") + "]") ==
               error(-32600, "Invalid Request", "Batch too large", "null"));
    BOOST_TEST(answer(d, "{") == error(-32700, "Parse error", {}, "null")); // not a limit
    std::lock_guard lock(seen.mutex);
    BOOST_REQUIRE(seen.limits.size() == 2u);
    BOOST_TEST(seen.limits[0].first == "depth");
    BOOST_TEST(seen.limits[0].second == "fifo");
    BOOST_TEST(seen.limits[1].first == "batch");
}

BOOST_AUTO_TEST_CASE(numbers_beyond_a_double_are_refused_as_unparsable) {
    mi::dispatcher const d(commands);
    BOOST_TEST(answer(d, request("half", "[3]")) == result("1.5E0"));
    for (auto n : {"1e400", "-1e400", "0e400", "1e999999999"})
        BOOST_TEST(answer(d, request("half", std::string("[") + n + "]")) == error(-32700, "Parse error", {}, "null"),
                   n);
    BOOST_TEST(answer(d, R"({"jsonrpc":"2.0","method":"half","params":[1],"id":1e400})") ==
               error(-32700, "Parse error", {}, "null"));
    BOOST_TEST((mi::scan_json("[1e400]").status == mi::json_scan::state::invalid));
    BOOST_TEST((mi::scan_json("[1e40").status == mi::json_scan::state::incomplete));
}

BOOST_AUTO_TEST_SUITE_END()

BOOST_AUTO_TEST_SUITE(audit)

BOOST_AUTO_TEST_CASE(every_call_is_recorded_with_its_caller_params_and_outcome) {
    journal seen;
    mi::dispatcher const d(commands, mi::limits{}, seen.observer());
    answer(d, request("log_level", R"({"level":4})"), reader);
    answer(d, request("cache_store", R"(["k","v"])"), writer);
    answer(d, request("fails"), reader);
    answer(d, request("nope"));
    answer(d, R"({"jsonrpc":"2.0","method":"log_level"})"); // a notification is a call too
    answer(d, "{"); // no method, no call
    std::lock_guard lock(seen.mutex);
    BOOST_REQUIRE(seen.calls.size() == 5u);
    auto const& denied_call = seen.calls[0];
    BOOST_TEST(denied_call.transport == "http");
    BOOST_TEST(denied_call.peer == "127.0.0.1:5000");
    BOOST_TEST((denied_call.granted == mi::permission::read));
    BOOST_TEST(denied_call.method == "log_level");
    BOOST_TEST(denied_call.params == R"({"level":4})");
    BOOST_TEST(denied_call.error == -32003);
    BOOST_TEST(seen.calls[1].params == R"(["k","v"])");
    BOOST_TEST(seen.calls[1].error == 0);
    BOOST_TEST(seen.calls[2].error == -32603);
    BOOST_TEST(seen.calls[3].error == -32601);
    BOOST_TEST(seen.calls[3].params == "");
    BOOST_TEST(seen.calls[4].error == 0);
    for (auto const& c : seen.calls) BOOST_TEST(c.duration.count() >= 0);
}

BOOST_AUTO_TEST_CASE(a_deferred_call_is_recorded_when_its_final_answer_is_made) {
    journal seen;
    mi::dispatcher const d(commands, mi::limits{}, seen.observer());
    std::string caller_peer = "10.0.0.1:5060";
    std::mutex mutex;
    std::vector<mi::answer> answers;
    auto sink = [&](mi::answer const& a) {
        std::lock_guard lock(mutex);
        answers.push_back({std::string(a.text).empty() ? "" : "text", a.kind, a.error});
    };
    d.async_call(request("later", R"(["hi"])"), mi::context{"datagram", caller_peer, mi::permission::read}, sink);
    caller_peer.assign("overwritten"); // the record must not look at the transport's memory later
    auto const first = seen.wait_for_call(1);
    BOOST_TEST(first.method == "later");
    BOOST_TEST(first.params == R"(["hi"])");
    BOOST_TEST(first.peer == "10.0.0.1:5060");
    BOOST_TEST(first.error == 0);
    BOOST_TEST(first.duration >= 15ms);

    d.async_call(request("later_error"), reader, sink);
    BOOST_TEST(seen.wait_for_call(2).error == 404);
    for (auto& w : workers) w.join();
    workers.clear();
    std::lock_guard lock(mutex);
    BOOST_REQUIRE(answers.size() == 2u);
    BOOST_TEST(answers[0].error == 0);
    BOOST_TEST(answers[1].error == 404); // the answer itself carries the code too
}

BOOST_AUTO_TEST_CASE(a_record_that_is_not_detailed_has_the_outcome_without_params_or_time) {
    journal seen;
    auto counting = seen.observer();
    counting.detailed = false;
    mi::dispatcher const d(commands, mi::limits{}, counting);
    answer(d, request("log_level", R"({"level":4})"), reader);
    answer(d, request("cache_store", R"(["k","v"])"), writer);
    d.async_call(request("later", R"(["hi"])"), reader, [](mi::answer const&) {});
    auto const deferred = seen.wait_for_call(3);
    for (auto& w : workers) w.join();
    workers.clear();
    std::lock_guard lock(seen.mutex);
    BOOST_TEST(seen.calls[0].method == "log_level");
    BOOST_TEST(seen.calls[0].error == -32003);
    BOOST_TEST(seen.calls[1].error == 0);
    BOOST_TEST(deferred.method == "later");
    BOOST_TEST(deferred.error == 0);
    for (auto const& c : seen.calls) {
        BOOST_TEST(c.params == "");
        BOOST_TEST(c.duration.count() == 0);
    }
}

BOOST_AUTO_TEST_CASE(a_synchronous_answer_through_async_call_carries_its_error_code) {
    mi::dispatcher const d(commands);
    int code = 1;
    d.async_call(request("nope"), {}, [&](mi::answer const& a) { code = a.error; });
    BOOST_TEST(code == -32601);
    d.async_call(request("half", "[1]"), {}, [&](mi::answer const& a) { code = a.error; });
    BOOST_TEST(code == 0);
}

BOOST_AUTO_TEST_CASE(an_observer_that_throws_changes_nothing) {
    mi::observer loud{[](mi::call_record const&) { throw std::runtime_error("audit log full"); },
                      [](std::string_view, mi::context const&) { throw 1; }};
    mi::dispatcher const d(commands, mi::limits{.max_params = 1}, loud);
    BOOST_TEST(answer(d, request("half", "[4]")) == result("2E0"));
    BOOST_TEST(answer(d, request("half", "[4,5]")) == invalid_params("Too many parameters"));
}

BOOST_AUTO_TEST_SUITE_END()

// Copyright (c) 2026 the mi authors. Distributed under the Boost Software License, Version 1.0.
// SPDX-License-Identifier: BSL-1.0
//
// mi::observer: every call that names a method is recorded once its final answer is made, with its caller, params,
// outcome and duration (params and duration only when `detailed`); what a hook throws changes no answer.
#include <mi/observer.hpp>

#define BOOST_TEST_MODULE observer
#include <boost/test/unit_test.hpp>

#include "support.hpp"

#include <mi/mi.hpp>

#include <chrono>
#include <future>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

namespace {

struct record {
    std::string transport, method, params;
    int error;
    bool timed;
    friend bool operator==(record const&, record const&) = default;
};

int slow(int ms) {
    std::this_thread::sleep_for(std::chrono::milliseconds(ms));
    return ms;
}

mi::async_result<int> later(mi::async_reply reply) {
    std::thread([reply] { reply.finish(1); }).detach();
    return mi::answer_later;
}

constexpr auto commands = mi::command_set(mi::command<"slow">(mi::recipe<&slow, "ms">),
                                          mi::command<"later">(mi::async, mi::recipe<&later>));

std::vector<record> recorded(bool detailed, std::vector<std::string> const& requests) {
    std::vector<record> all;
    std::mutex m;
    mi::observer watch;
    watch.on_call = [&](mi::call_record const& r) {
        std::lock_guard lock(m);
        all.push_back({std::string(r.caller.transport), std::string(r.method), std::string(r.params), r.error,
                       r.duration > std::chrono::nanoseconds::zero()});
    };
    watch.detailed = detailed;
    mi::dispatcher const d(commands, mi::limits{}, watch);
    for (auto const& request : requests) {
        std::promise<void> done;
        d.async_call(request, mi::context{"fifo", "peer"}, [&](mi::answer const& a) {
            if (a.kind != mi::answer_kind::provisional) done.set_value();
        });
        done.get_future().wait();
    }
    // an asynchronous call is recorded just after its final answer is delivered
    for (int i = 0; i < 500; ++i) {
        {
            std::lock_guard lock(m);
            if (all.size() == requests.size()) break;
        }
        std::this_thread::sleep_for(std::chrono::milliseconds(2));
    }
    std::lock_guard lock(m);
    return all;
}

} // namespace

BOOST_AUTO_TEST_CASE(every_call_is_recorded_with_its_outcome) {
    BOOST_TEST((recorded(true, {mi_test::request("slow", R"({"ms":1})"), mi_test::request("nope"),
                                mi_test::request("slow", R"(["x"])")}) ==
                std::vector<record>{{"fifo", "slow", R"({"ms":1})", 0, true},
                                    {"fifo", "nope", "", -32601, true},
                                    {"fifo", "slow", R"(["x"])", -32602, true}}));
}

BOOST_AUTO_TEST_CASE(an_asynchronous_call_is_recorded_at_its_final_answer) {
    BOOST_TEST((recorded(true, {mi_test::request("later")}) == std::vector<record>{{"fifo", "later", "", 0, true}}));
}

BOOST_AUTO_TEST_CASE(records_that_are_not_detailed_carry_no_params_and_no_time) {
    BOOST_TEST((recorded(false, {mi_test::request("slow", R"({"ms":1})")}) ==
                std::vector<record>{{"fifo", "slow", "", 0, false}}));
}

BOOST_AUTO_TEST_CASE(a_hook_that_throws_changes_no_answer) {
    mi::observer throwing;
    throwing.on_call = [](mi::call_record const&) { throw 1; };
    throwing.on_limit = [](std::string_view, mi::context const&) { throw 2; };
    mi::dispatcher const d(commands, mi::limits{.max_depth = 2}, throwing);
    BOOST_TEST(mi_test::answer(d, mi_test::request("slow", "[0]")) == mi_test::result("0"));
    BOOST_TEST(mi_test::answer(d, mi_test::request("slow", "[[[0]]]")) == mi_test::error(-32700, "Parse error", {}, "null"));
}

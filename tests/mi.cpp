// Copyright (c) 2026 the mi authors. Distributed under the Boost Software License, Version 1.0.
// SPDX-License-Identifier: BSL-1.0
//
// The umbrella header alone is enough to declare commands, make a set and a dispatcher, and call it: README's
// quick start, synchronously and asynchronously. Nothing else of mi is included here.
#include <mi/mi.hpp>

#define BOOST_TEST_MODULE mi
#include <boost/test/unit_test.hpp>

#include <map>
#include <optional>
#include <string>
#include <vector>

namespace {

int set_level(int level, std::optional<int> pid) { return pid ? *pid : level; }

struct stats_query {
    std::vector<std::string> statistics;
};
BOOST_DESCRIBE_STRUCT(stats_query, (), (statistics))
mi::result<std::map<std::string, long>> get_statistics(stats_query const& q) {
    if (q.statistics[0] == "nope") return mi::error(404, "Statistics Not Found");
    return std::map<std::string, long>{{q.statistics[0], 120}};
}

std::string who(mi::context const& ctx) { return std::string(ctx.transport); }

// Keeps its handle for the test to answer with.
mi::async_reply kept;
mi::async_result<std::string> later(mi::async_reply reply) {
    if (!reply) return std::string("at once");
    kept = std::move(reply);
    return mi::answer_later;
}

constexpr auto commands = mi::command_set(
    mi::command<"log_level">("sets the log level", mi::recipe<&set_level, "level", "pid">),
    mi::command<"get_statistics">("reads counters", mi::needs_read, mi::recipe<&get_statistics>),
    mi::command<"who">(mi::recipe<&who>), mi::command<"later">(mi::recipe<&later>, mi::async));

std::string call(std::string_view request, mi::context const& ctx = {}) {
    mi::dispatcher const dispatcher(commands);
    std::string response;
    return dispatcher.call(request, response, ctx) ? response : "<none>";
}

} // namespace

BOOST_AUTO_TEST_CASE(the_quick_start_answers) {
    BOOST_TEST(call(R"({"jsonrpc":"2.0","method":"log_level","params":{"level":4},"id":1})") ==
               R"({"jsonrpc":"2.0","result":4,"id":1})");
    BOOST_TEST(call(R"({"jsonrpc":"2.0","method":"log_level","params":[4,9472],"id":2})") ==
               R"({"jsonrpc":"2.0","result":9472,"id":2})");
    BOOST_TEST(call(R"({"jsonrpc":"2.0","method":"get_statistics","params":{"statistics":["rcv"]},"id":3})") ==
               R"({"jsonrpc":"2.0","result":{"rcv":120},"id":3})");
}

BOOST_AUTO_TEST_CASE(errors_contexts_and_builtins_come_with_it) {
    BOOST_TEST(call(R"({"jsonrpc":"2.0","method":"get_statistics","params":{"statistics":["nope"]},"id":1})") ==
               R"({"jsonrpc":"2.0","error":{"code":404,"message":"Statistics Not Found"},"id":1})");
    BOOST_TEST(call(R"({"jsonrpc":"2.0","method":"nope","id":1})") ==
               R"({"jsonrpc":"2.0","error":{"code":-32601,"message":"Method not found"},"id":1})");
    BOOST_TEST(call(R"({"jsonrpc":"2.0","method":"log_level","params":[1],"id":1})",
                    mi::context{"fifo", "r", mi::permission::read}) ==
               R"({"jsonrpc":"2.0","error":{"code":-32003,"message":"Permission denied",)"
               R"("data":"log_level called so needs the 'admin' permission; this caller has 'read'"},"id":1})");
    BOOST_TEST(call(R"({"jsonrpc":"2.0","method":"who","id":1})", mi::context{"fifo", "reply"}) ==
               R"({"jsonrpc":"2.0","result":"fifo","id":1})");
    BOOST_TEST(call(R"({"jsonrpc":"2.0","method":"log_level","params":[4]})") == "<none>"); // a notification
    BOOST_TEST(call(R"({"jsonrpc":"2.0","method":"which","id":1})") ==
               R"({"jsonrpc":"2.0","result":["log_level","get_statistics","who","later","which","help",)"
               R"("rpc.discover"],"id":1})");
}

BOOST_AUTO_TEST_CASE(an_asynchronous_call_through_the_umbrella) {
    mi::dispatcher const dispatcher(commands);
    std::vector<std::pair<mi::answer_kind, std::string>> answers;
    dispatcher.async_call(R"({"jsonrpc":"2.0","method":"later","id":7})", mi::context{},
                          [&](mi::answer const& a) { answers.emplace_back(a.kind, std::string(a.text)); });
    BOOST_TEST(answers.empty()); // not yet
    BOOST_REQUIRE(kept);
    kept.provisional("working");
    kept.finish("done");
    kept = {};
    BOOST_REQUIRE(answers.size() == 2u);
    BOOST_TEST((answers[0].first == mi::answer_kind::provisional));
    BOOST_TEST(answers[0].second == R"({"jsonrpc":"2.0","result":"working","id":7})");
    BOOST_TEST((answers[1].first == mi::answer_kind::final));
    BOOST_TEST(answers[1].second == R"({"jsonrpc":"2.0","result":"done","id":7})");
    BOOST_TEST(call(R"({"jsonrpc":"2.0","method":"later","id":1})") ==
               R"({"jsonrpc":"2.0","result":"at once","id":1})"); // call() gives it no handle
}

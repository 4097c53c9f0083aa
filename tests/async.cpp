// Copyright (c) 2026 the mi authors. Distributed under the Boost Software License, Version 1.0.
// SPDX-License-Identifier: BSL-1.0
//
// Asynchronous commands (spec 3.5): provisional and final answers from another thread, through
// dispatcher::async_call; the same commands answer at once through dispatcher::call.
#include <mi/async.hpp>

#define BOOST_TEST_MODULE async
#include <boost/test/unit_test.hpp>

#include "support.hpp"

#include <mi/mi.hpp>

#include <chrono>
#include <condition_variable>
#include <mutex>
#include <thread>
#include <vector>

using namespace mi_test;
using namespace std::chrono_literals;

namespace {

// Answers collected from any thread.
struct answers {
    std::mutex mutex;
    std::condition_variable changed;
    std::vector<std::pair<mi::answer_kind, std::string>> received;

    auto sink() {
        return [this](mi::answer const& a) {
            std::lock_guard lock(mutex);
            received.emplace_back(a.kind, std::string(a.text));
            changed.notify_all();
        };
    }
    std::vector<std::pair<mi::answer_kind, std::string>> wait_final() {
        std::unique_lock lock(mutex);
        bool const ended = changed.wait_for(lock, 10s, [&] {
            return !received.empty() && received.back().first != mi::answer_kind::provisional;
        });
        BOOST_REQUIRE(ended);
        return received;
    }
};

std::vector<std::jthread> workers;

mi::async_result<std::string> slow(mi::async_reply reply, int delay_ms) {
    if (!reply) return std::string("done at once");
    workers.emplace_back([reply, delay_ms] {
        reply.provisional("working");
        std::this_thread::sleep_for(std::chrono::milliseconds(delay_ms));
        reply.finish("done");
        reply.finish("ignored: the first final answer wins");
    });
    return mi::answer_later;
}

mi::async_result<int> failing(mi::async_reply reply) {
    workers.emplace_back([reply] { reply.finish(mi::error(500, "Cache fetch command failed")); });
    return mi::answer_later;
}

mi::async_result<int> forgetful(mi::async_reply) { return mi::answer_later; }
mi::async_result<int> quick(mi::async_reply) { return 7; }
mi::async_result<int> throwing(mi::async_reply) { throw std::logic_error("no"); }
int plain(int x) { return x; }

constexpr auto commands = mi::command_set(
    mi::command<"slow">(mi::recipe<&slow, "delay">, mi::async), mi::command<"failing">(mi::recipe<&failing>, mi::async),
    mi::command<"forgetful">(mi::recipe<&forgetful>, mi::async), mi::command<"quick">(mi::recipe<&quick>, mi::async),
    mi::command<"throwing">(mi::recipe<&throwing>, mi::async), mi::command<"plain">(mi::recipe<&plain, "x">));

mi::dispatcher const d(commands);

std::vector<std::pair<mi::answer_kind, std::string>> run(std::string_view request) {
    answers a;
    d.async_call(request, {}, a.sink());
    auto received = a.wait_final();
    for (auto& w : workers) w.join();
    workers.clear();
    return received;
}

using kind = mi::answer_kind;
using received = std::vector<std::pair<kind, std::string>>;

} // namespace

BOOST_AUTO_TEST_CASE(provisional_then_final_from_another_thread) {
    BOOST_TEST((run(request("slow", "[20]")) ==
                received{{kind::provisional, result(R"("working")")}, {kind::final, result(R"("done")")}}));
}

BOOST_AUTO_TEST_CASE(the_id_of_the_request_is_on_every_answer) {
    BOOST_TEST((run(R"({"jsonrpc":"2.0","method":"slow","params":[1],"id":"77"})") ==
                received{{kind::provisional, result(R"("working")", R"("77")")},
                         {kind::final, result(R"("done")", R"("77")")}}));
}

BOOST_AUTO_TEST_CASE(a_final_error) {
    BOOST_TEST((run(request("failing")) == received{{kind::final, error(500, "Cache fetch command failed")}}));
}

BOOST_AUTO_TEST_CASE(a_completion_never_called_fails_the_call_once_the_handle_is_gone) {
    BOOST_TEST((run(request("forgetful")) == received{{kind::failed, ""}}));
}

BOOST_AUTO_TEST_CASE(an_async_command_may_answer_at_once) {
    BOOST_TEST((run(request("quick")) == received{{kind::final, result("7")}}));
    BOOST_TEST((run(request("throwing")) == received{{kind::final, error(-32603, "Internal error")}}));
}

BOOST_AUTO_TEST_CASE(synchronous_commands_and_errors_answer_at_once) {
    BOOST_TEST((run(request("plain", "[3]")) == received{{kind::final, result("3")}}));
    BOOST_TEST((run("nonsense") == received{{kind::final, error(-32700, "Parse error", {}, "null")}}));
    BOOST_TEST((run(request("nope")) == received{{kind::final, error(-32601, "Method not found")}}));
}

BOOST_AUTO_TEST_CASE(a_notification_runs_and_ends_with_nothing_to_send) {
    BOOST_TEST((run(R"({"jsonrpc":"2.0","method":"slow","params":[1]})") == received{{kind::final, ""}}));
    BOOST_TEST((run(R"({"jsonrpc":"2.0","method":"plain","params":[1]})") == received{{kind::final, ""}}));
}

BOOST_AUTO_TEST_CASE(without_a_handle_the_command_answers_synchronously) {
    BOOST_TEST(answer(d, request("slow", "[1]")) == result(R"("done at once")"));
    BOOST_TEST(answer(d, request("quick")) == result("7"));
}

BOOST_AUTO_TEST_CASE(answering_later_without_a_handle_is_a_server_error) {
    BOOST_TEST(answer(d, request("forgetful")) == error(-32000, "Server error", "Command handler returned null"));
}

BOOST_AUTO_TEST_CASE(a_batch_is_answered_once_every_element_is_final) {
    auto const answers_received = run(R"([{"jsonrpc":"2.0","method":"slow","params":[30],"id":1},)"
                                      R"({"jsonrpc":"2.0","method":"plain","params":[2],"id":2},)"
                                      R"({"jsonrpc":"2.0","method":"slow","params":[1]},)"
                                      R"({"jsonrpc":"2.0","method":"forgetful","id":4},)"
                                      R"({"jsonrpc":"2.0","method":"quick","id":5}])");
    // appended, not `"[" + ...`: g++ 12 sees a false -Wrestrict in libstdc++'s operator+ at -O2 and above
    std::string batch = "[";
    batch.append(result(R"("done")")).append(",").append(result("2", "2")).append(",");
    batch.append(error(-32603, "Internal error", {}, "4")).append(",").append(result("7", "5")).append("]");
    BOOST_TEST((answers_received == received{{kind::final, batch}}));
}

BOOST_AUTO_TEST_CASE(a_batch_of_notifications_ends_with_nothing) {
    BOOST_TEST((run(R"([{"jsonrpc":"2.0","method":"slow","params":[1]},{"jsonrpc":"2.0","method":"plain","params":[1]}])") ==
                received{{kind::final, ""}}));
}

BOOST_AUTO_TEST_CASE(an_empty_handle_ignores_answers) {
    mi::async_reply empty;
    BOOST_TEST(!empty);
    empty.provisional(1);
    empty.finish(2);
    empty.fail();
}

// Copyright (c) 2026 the mi authors. Distributed under the Boost Software License, Version 1.0.
// SPDX-License-Identifier: BSL-1.0
//
// mi_bench_calls: the C++ side of a call, in process.
//   handlers: what one asynchronous call costs, request to final answer, through dispatcher.async_call on one io
//   thread: a synchronous handler (answered inline), an mi::async_reply handler that answers from a posted job (the
//   hop a real asynchronous handler makes), and a coroutine handler (boost::asio::awaitable<int>) without and with a
//   deadline (mi::context::answer_within, as every transport sets it).
//   typed client: mi::remote writing a request and reading its answer, beside the same work written by hand with
//   Boost.JSON (an object built and serialized; the reply parsed and its members read), on a canned reply so that no
//   transport is timed; an int result and a described struct result.
// Every answer is checked before anything is timed (exit status 1 on a mismatch).
// Usage: mi_bench_calls [--iterations N] [--repetitions N]
#include <mi/coroutine.hpp>
#include <mi/mi.hpp>
#include <mi/remote.hpp>

#include "measure.hpp"

#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/post.hpp>
#include <boost/describe/class.hpp>
#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>

#include <algorithm>
#include <chrono>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <limits>
#include <string>

namespace calls_bench {

struct level_set {
    int level = 0;
    std::string by;
};
BOOST_DESCRIBE_STRUCT(level_set, (), (level, by))

boost::asio::io_context* io = nullptr; // where the async_reply handler's job runs

int twice(int x) { return 2 * x; }
mi::async_result<int> twice_later(mi::async_reply reply, int x) {
    boost::asio::post(*io, [reply, x] { reply.finish(2 * x); });
    return mi::answer_later;
}
boost::asio::awaitable<int> twice_coroutine(int x) { co_return 2 * x; }
level_set set_level(int level) { return {level, "bench"}; }

inline constexpr auto commands = mi::command_set(
    mi::command<"twice">(mi::recipe<&twice, "x">), mi::command<"twice_later">(mi::recipe<&twice_later, "x">, mi::async),
    mi::command<"twice_coroutine">(mi::recipe<&twice_coroutine, "x">),
    mi::command<"set_level">(mi::recipe<&set_level, "level">));

using mi_bench::fail;
using mi_bench::least_ns_per_operation;

struct canned {
    std::string const* reply;
    std::string raw(std::string_view) const { return *reply; }
};

} // namespace calls_bench

using namespace calls_bench;

int main(int argc, char** argv) {
    std::uint64_t iterations = 1'000'000;
    int repetitions = 5;
    for (int i = 1; i < argc; ++i) {
        if (!std::strcmp(argv[i], "--iterations") && i + 1 < argc) iterations = std::strtoull(argv[++i], nullptr, 10);
        else if (!std::strcmp(argv[i], "--repetitions") && i + 1 < argc) repetitions = std::atoi(argv[++i]);
        else {
            std::fprintf(stderr, "usage: mi_bench_calls [--iterations N] [--repetitions N]\n");
            return 2;
        }
    }

    // --- handlers --------------------------------------------------------------------------------------------
    boost::asio::io_context context;
    io = &context;
    boost::asio::any_io_executor const executor = context.get_executor();
    mi::dispatcher const dispatcher(commands);
    std::string const expected = R"({"jsonrpc":"2.0","result":42,"id":1})";
    std::uint64_t answered = 0;
    auto on_answer = [&answered, &expected](mi::answer const& a) {
        if (a.text != expected) fail("an answer");
        ++answered;
    };
    mi::workspace ws;
    // Calls `n` requests, then runs the loop until every one is answered.
    auto calls = [&](std::string const& request, mi::context const& ctx) {
        return [&, request, ctx](std::uint64_t n) {
            answered = 0;
            // Held while calls are made, so that a poll that runs out of handlers does not stop the loop.
            auto work = boost::asio::make_work_guard(context);
            for (std::uint64_t i = 0; i < n; ++i) {
                dispatcher.async_call(request, ctx, on_answer, ws);
                if ((i & 1023) == 1023) context.poll(); // a loop that keeps up, as a server's does
            }
            work.reset();
            context.run();
            context.restart();
            if (answered != n) fail("a call left unanswered");
        };
    };
    auto request = [](char const* method) {
        return std::string(R"({"jsonrpc":"2.0","method":")") + method + R"(","params":[21],"id":1})";
    };
    mi::context plain;
    plain.executor = &executor;
    mi::context deadline = plain;
    deadline.answer_within = std::chrono::seconds(240);
    std::uint64_t const n = std::max<std::uint64_t>(1, iterations / 4);
    double const sync = least_ns_per_operation(n, repetitions, calls(request("twice"), plain));
    double const reply = least_ns_per_operation(n, repetitions, calls(request("twice_later"), plain));
    double const coroutine = least_ns_per_operation(n, repetitions, calls(request("twice_coroutine"), plain));
    double const coroutine_deadline = least_ns_per_operation(n, repetitions, calls(request("twice_coroutine"), deadline));

    std::printf("ns per call through dispatcher.async_call on one io thread, least of %d repetitions of %llu calls\n\n",
                repetitions, static_cast<unsigned long long>(n));
    std::printf("| handler | ns per call | vs synchronous |\n|---|---:|---:|\n");
    std::printf("| synchronous `int twice(int)` | %.1f | 1.00 |\n", sync);
    std::printf("| `mi::async_reply`, answered from a posted job | %.1f | %.2f |\n", reply, reply / sync);
    std::printf("| coroutine `awaitable<int>`, no deadline | %.1f | %.2f |\n", coroutine, coroutine / sync);
    std::printf("| coroutine, with a deadline (as transports call it) | %.1f | %.2f |\n", coroutine_deadline,
                coroutine_deadline / sync);

    // --- typed client ----------------------------------------------------------------------------------------
    std::string const int_reply = R"({"jsonrpc":"2.0","result":42,"id":1})";
    std::string const struct_reply = R"({"jsonrpc":"2.0","result":{"level":4,"by":"bench"},"id":1})";
    mi::remote<commands, canned> const typed_int(canned{&int_reply});
    mi::remote<commands, canned> const typed_struct(canned{&struct_reply});
    if (int(typed_int.call<"twice">(21)) != 42 || typed_struct.call<"set_level">(4)->by != "bench") fail("a typed call");

    std::uint64_t id = 0;
    auto by_hand = [&](std::string const& reply, auto read) {
        boost::json::object request;
        request["jsonrpc"] = "2.0";
        request["method"] = "twice";
        request["params"] = boost::json::array{21};
        request["id"] = ++id;
        std::string const text = boost::json::serialize(request);
        if (text.empty()) fail("a request by hand");
        boost::json::value const answer = boost::json::parse(reply);
        return read(answer.as_object().at("result"));
    };
    auto read_int = [](boost::json::value const& v) { return v.to_number<int>(); };
    auto read_struct = [](boost::json::value const& v) {
        auto const& o = v.as_object();
        return level_set{o.at("level").to_number<int>(), std::string(o.at("by").as_string())};
    };
    if (by_hand(int_reply, read_int) != 42 || by_hand(struct_reply, read_struct).by != "bench") fail("a call by hand");

    std::uint64_t sink = 0;
    double const typed_int_ns = least_ns_per_operation(iterations, repetitions, [&](std::uint64_t k) {
        for (std::uint64_t i = 0; i < k; ++i) sink += int(typed_int.call<"twice">(21));
    });
    double const hand_int_ns = least_ns_per_operation(iterations, repetitions, [&](std::uint64_t k) {
        for (std::uint64_t i = 0; i < k; ++i) sink += static_cast<std::uint64_t>(by_hand(int_reply, read_int));
    });
    double const typed_struct_ns = least_ns_per_operation(iterations, repetitions, [&](std::uint64_t k) {
        for (std::uint64_t i = 0; i < k; ++i) sink += typed_struct.call<"set_level">(4)->by.size();
    });
    double const hand_struct_ns = least_ns_per_operation(iterations, repetitions, [&](std::uint64_t k) {
        for (std::uint64_t i = 0; i < k; ++i) sink += by_hand(struct_reply, read_struct).by.size();
    });
    std::printf("\nns per call: writing the request and reading the answer (a canned reply, no transport), least of %d "
                "repetitions of %llu calls\n\n",
                repetitions, static_cast<unsigned long long>(iterations));
    std::printf("| result | mi::remote | by hand with Boost.JSON | remote / by hand |\n|---|---:|---:|---:|\n");
    std::printf("| int | %.1f | %.1f | %.2f |\n", typed_int_ns, hand_int_ns, typed_int_ns / hand_int_ns);
    std::printf("| described struct {int, string} | %.1f | %.1f | %.2f |\n", typed_struct_ns, hand_struct_ns,
                typed_struct_ns / hand_struct_ns);
    if (sink == 0) std::printf("(nothing read)\n");
}

// Copyright (c) 2026 the mi authors. Distributed under the Boost Software License, Version 1.0.
// SPDX-License-Identifier: BSL-1.0
//
// The commands the FIFO and datagram transport tests serve, and what their python-opensips-like clients send.
#pragma once

#include <mi/mi.hpp>

#include <atomic>
#include <chrono>
#include <functional>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include <time.h>

namespace transport_test {

using namespace std::chrono_literals;

// CPU time the whole test process has used: a server thread still busy polling would use it all.
inline std::chrono::milliseconds process_cpu_time() {
    timespec t{};
    ::clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &t);
    return std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::seconds(t.tv_sec) +
                                                                  std::chrono::nanoseconds(t.tv_nsec));
}

// --- the commands --------------------------------------------------------------------------------------------

std::atomic<int> counter{0};
std::mutex workers_mutex;
std::vector<std::jthread> workers;

void later(std::function<void()> work) {
    std::lock_guard lock(workers_mutex);
    workers.emplace_back(std::move(work));
}

void join_workers() {
    std::vector<std::jthread> done;
    {
        std::lock_guard lock(workers_mutex);
        done.swap(workers);
    }
}

std::string echo(std::string text) { return text; }
int count() { return ++counter; }
int boom() { throw std::runtime_error("secret: /etc/shadow"); }
std::string who(mi::context const& ctx) { return std::string(ctx.transport) + " " + std::string(ctx.peer); }
std::string big(int size) { return std::string(static_cast<std::size_t>(size), 'x'); }

mi::async_result<std::string> slow(mi::async_reply reply) {
    if (!reply) return std::string("at once");
    later([reply] {
        reply.provisional("working");
        std::this_thread::sleep_for(150ms);
        reply.finish("done");
    });
    return mi::answer_later;
}

mi::async_result<int> broken(mi::async_reply reply) {
    later([reply] {
        std::this_thread::sleep_for(10ms);
        reply.fail();
    });
    return mi::answer_later;
}

// Keeps its completion handle and never uses it, until a test lets go of every one held.
std::mutex held_mutex;
std::vector<mi::async_reply> held;

mi::async_result<std::string> hold(mi::async_reply reply) {
    std::lock_guard lock(held_mutex);
    held.push_back(std::move(reply));
    return mi::answer_later;
}

void finish_held(std::string const& text) {
    std::vector<mi::async_reply> replies;
    {
        std::lock_guard lock(held_mutex);
        replies.swap(held);
    }
    for (auto const& r : replies) r.finish(text);
}

constexpr auto commands = mi::command_set(
    mi::command<"echo">("returns its text", mi::recipe<&echo, "text">),
    mi::command<"count">("counts its calls", mi::recipe<&count>),
    mi::command<"boom">("throws", mi::recipe<&boom>), mi::command<"who">("the caller", mi::recipe<&who>),
    mi::command<"big">("a long answer", mi::recipe<&big, "size">),
    mi::command<"slow">("answers twice, later", mi::recipe<&slow>, mi::async),
    mi::command<"broken">("never answers", mi::recipe<&broken>, mi::async),
    mi::command<"hold">("keeps its handle and never answers", mi::recipe<&hold>, mi::async));

mi::dispatcher const dispatcher(commands);
using dispatcher_type = std::remove_cvref_t<decltype(dispatcher)>;

// The exact bytes python-opensips sends (spec 7.1).
std::string python_request(std::string_view method, std::string_view params = "{}", std::string_view id = "1234") {
    return R"({"jsonrpc": "2.0", "id": ")" + std::string(id) + R"(", "method": ")" + std::string(method) +
           R"(", "params": )" + std::string(params) + "}";
}

// The reply, or "<none>" when there was none: comparable and printable.
std::string text(std::optional<std::string> const& reply) { return reply ? *reply : std::string("<none>"); }

std::string result(std::string_view value, std::string_view id = R"("1234")") {
    return R"({"jsonrpc":"2.0","result":)" + std::string(value) + R"(,"id":)" + std::string(id) + "}";
}

} // namespace transport_test

// Copyright (c) 2026 the mi authors. Distributed under the Boost Software License, Version 1.0.
// SPDX-License-Identifier: BSL-1.0
//
// A warm dispatch allocates nothing: the workloads W1-W5 of shared/bench/workloads.md, with the caller
// reusing its response buffer, counted by replacing the global operator new.
#include <mi/dispatcher.hpp>

#define BOOST_TEST_MODULE allocation
#include <boost/test/unit_test.hpp>

#include <mi/mi.hpp>

#include <atomic>
#include <cstdlib>
#include <new>

namespace {
std::atomic<bool> counting{false};
std::atomic<std::size_t> allocations{0};

void* counted(std::size_t size) {
    if (counting.load(std::memory_order_relaxed)) allocations.fetch_add(1, std::memory_order_relaxed);
    if (void* p = std::malloc(size ? size : 1)) return p;
    throw std::bad_alloc();
}
} // namespace

void* operator new(std::size_t size) { return counted(size); }
void* operator new[](std::size_t size) { return counted(size); }
void* operator new(std::size_t size, std::nothrow_t const&) noexcept { return std::malloc(size ? size : 1); }
void* operator new[](std::size_t size, std::nothrow_t const&) noexcept { return std::malloc(size ? size : 1); }
void operator delete(void* p) noexcept { std::free(p); }
void operator delete[](void* p) noexcept { std::free(p); }
void operator delete(void* p, std::size_t) noexcept { std::free(p); }
void operator delete[](void* p, std::size_t) noexcept { std::free(p); }

namespace {

int log_level(int level, int pid) { return level + pid; }

struct process {
    int ID;
    int PID;
    std::string_view Type;
};
BOOST_DESCRIBE_STRUCT(process, (), (ID, PID, Type))

std::array<process, 6> ps() {
    return {{{0, 9467, "attendant"},
             {1, 9468, "HTTPD 127.0.0.1:8008"},
             {3, 9470, "time_keeper"},
             {4, 9471, "timer"},
             {5, 9472, "SIP receiver udp:127.0.0.1:5060"},
             {7, 9483, "Timer handler"}}};
}

constexpr auto w1_w4 = mi::command_set(mi::command<"log_level">(mi::recipe<&log_level, "level", "pid">),
                                       mi::command<"ps">(mi::recipe<&ps>));

int add(int a, int b) { return a + b; }

template <std::size_t... I>
constexpr auto hundred(std::index_sequence<I...>) {
    constexpr auto name = []<std::size_t N>() {
        if constexpr (N < 10) return mi::fixed_string<3>({'m', char('0' + N), 0});
        else return mi::fixed_string<4>({'m', char('0' + N / 10), char('0' + N % 10), 0});
    };
    return mi::command_set(mi::command<name.template operator()<I>()>(mi::recipe<&add, "a", "b">)...);
}
constexpr auto w5 = hundred(std::make_index_sequence<100>{});

template <class Dispatcher>
std::size_t allocations_of(Dispatcher const& d, std::string_view request, std::string_view expected) {
    mi::workspace ws;
    std::string response;
    for (int i = 0; i < 3; ++i) d.call(request, response, {}, ws); // warm-up
    BOOST_TEST(response == expected);
    allocations = 0;
    counting = true;
    for (int i = 0; i < 1000; ++i) d.call(request, response, {}, ws);
    counting = false;
    BOOST_TEST(response == expected);
    return allocations;
}

} // namespace

BOOST_AUTO_TEST_CASE(the_counter_counts) {
    counting = true;
    void* p = ::operator new(16); // a call, not a new-expression: compilers may not elide it
    counting = false;
    ::operator delete(p);
    BOOST_TEST(allocations.load() >= 1u);
}

BOOST_AUTO_TEST_CASE(w1_named_params) {
    mi::dispatcher const d(w1_w4);
    BOOST_TEST(allocations_of(d, R"({"jsonrpc":"2.0","method":"log_level","params":{"level":4,"pid":9472},"id":11})",
                              R"({"jsonrpc":"2.0","result":9476,"id":11})") == 0u);
}

BOOST_AUTO_TEST_CASE(w2_positional_params) {
    mi::dispatcher const d(w1_w4);
    BOOST_TEST(allocations_of(d, R"({"jsonrpc":"2.0","method":"log_level","params":[4,9472],"id":11})",
                              R"({"jsonrpc":"2.0","result":9476,"id":11})") == 0u);
}

BOOST_AUTO_TEST_CASE(w3_array_of_described_structs) {
    mi::dispatcher const d(w1_w4);
    BOOST_TEST(allocations_of(d, R"({"jsonrpc":"2.0","method":"ps","id":10})",
                              R"({"jsonrpc":"2.0","result":[{"ID":0,"PID":9467,"Type":"attendant"},)"
                              R"({"ID":1,"PID":9468,"Type":"HTTPD 127.0.0.1:8008"},{"ID":3,"PID":9470,"Type":"time_keeper"},)"
                              R"({"ID":4,"PID":9471,"Type":"timer"},{"ID":5,"PID":9472,"Type":"SIP receiver udp:127.0.0.1:5060"},)"
                              R"({"ID":7,"PID":9483,"Type":"Timer handler"}],"id":10})") == 0u);
}

BOOST_AUTO_TEST_CASE(w4_method_not_found) {
    mi::dispatcher const d(w1_w4);
    BOOST_TEST(allocations_of(d, R"({"jsonrpc":"2.0","method":"no_such","id":1})",
                              R"({"jsonrpc":"2.0","error":{"code":-32601,"message":"Method not found"},"id":1})") == 0u);
}

BOOST_AUTO_TEST_CASE(w5_hundred_commands) {
    mi::dispatcher const d(w5);
    BOOST_TEST(allocations_of(d, R"({"jsonrpc":"2.0","method":"m57","params":{"a":1,"b":2},"id":1})",
                              R"({"jsonrpc":"2.0","result":3,"id":1})") == 0u);
}

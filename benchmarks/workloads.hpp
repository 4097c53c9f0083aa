// Copyright (c) 2026 the mi authors. Distributed under the Boost Software License, Version 1.0.
// SPDX-License-Identifier: BSL-1.0
//
// The workloads W1..W5 of benchmarks/README.md as code: their handlers, mi's two command sets, and
// each request with its exact expected response. Shared by the benchmarks and by tests/allocation.cpp, so that
// what is timed and what is proven allocation-free are the same requests.
#pragma once

#include "w5_commands.hpp"

#include <mi/mi.hpp>

#include <boost/describe/class.hpp>

#include <array>
#include <string>
#include <string_view>

// --- the handlers ---------------------------------------------------------------------------------------------
namespace bench {

inline int log_level(int level, int pid) { return level + pid; }

struct process {
    int ID;
    int PID;
    std::string Type;
};
BOOST_DESCRIBE_STRUCT(process, (), (ID, PID, Type))

inline std::array<process, 6> const& ps() {
    static std::array<process, 6> const table{{{0, 9467, "attendant"},
                                               {1, 9468, "HTTPD 127.0.0.1:8008"},
                                               {3, 9470, "time_keeper"},
                                               {4, 9471, "timer"},
                                               {5, 9472, "SIP receiver udp:127.0.0.1:5060"},
                                               {7, 9483, "Timer handler"}}};
    return table;
}

#define MI_BENCH_DEFINE(i) \
    inline int m##i(int a, int b) { return a + b; }
MI_BENCH_COMMANDS_100(MI_BENCH_DEFINE)
#undef MI_BENCH_DEFINE

// --- mi: the W1..W4 set and the W5 set (the built-ins which/help/rpc.discover stay in both) -------------------
inline constexpr auto small_set = mi::command_set(
    mi::command<"log_level">("Sets the log level of a process", mi::recipe<&bench::log_level, "level", "pid">),
    mi::command<"ps">("Lists the processes", mi::recipe<&bench::ps>));

#define MI_BENCH_MI_COMMAND(i) mi::command<"m" #i>(mi::recipe<&bench::m##i, "a", "b">),
inline constexpr auto w5_set = mi::command_set(MI_BENCH_COMMANDS_100(MI_BENCH_MI_COMMAND) mi::service_info{"w5", "1.0.0"});
#undef MI_BENCH_MI_COMMAND

// --- the workloads (benchmarks/README.md, byte for byte) ---------------------------------------------------------------
struct workload {
    char const* id;
    std::string_view request;
    std::string_view expected;
    bool w5; // dispatched by the 100-command set
};

inline constexpr std::string_view w1_response = R"({"jsonrpc":"2.0","result":9476,"id":11})";

inline constexpr std::array<workload, 5> workloads{{
    {"W1", R"({"jsonrpc":"2.0","method":"log_level","params":{"level":4,"pid":9472},"id":11})", w1_response, false},
    {"W2", R"({"jsonrpc":"2.0","method":"log_level","params":[4,9472],"id":11})", w1_response, false},
    {"W3", R"({"jsonrpc":"2.0","method":"ps","id":10})",
     R"({"jsonrpc":"2.0","result":[{"ID":0,"PID":9467,"Type":"attendant"},)"
     R"({"ID":1,"PID":9468,"Type":"HTTPD 127.0.0.1:8008"},{"ID":3,"PID":9470,"Type":"time_keeper"},)"
     R"({"ID":4,"PID":9471,"Type":"timer"},{"ID":5,"PID":9472,"Type":"SIP receiver udp:127.0.0.1:5060"},)"
     R"({"ID":7,"PID":9483,"Type":"Timer handler"}],"id":10})",
     false},
    {"W4", R"({"jsonrpc":"2.0","method":"no_such","id":1})",
     R"({"jsonrpc":"2.0","error":{"code":-32601,"message":"Method not found"},"id":1})", false},
    {"W5", R"({"jsonrpc":"2.0","method":"m57","params":{"a":1,"b":2},"id":1})", MI_BENCH_W5_RESPONSE, true},
}};

} // namespace bench

// Copyright (c) 2026 the mi authors. Distributed under the Boost Software License, Version 1.0.
// SPDX-License-Identifier: BSL-1.0
//
// W5 build cost, mi: MI_COMMANDS (default 100) commands m0..m(N-1), each (int a, int b) -> int, declared with
// mi and dispatched once. Prints the response; exits 0 if it is W5's. Built by build_cost.sh.
#include "../w5_commands.hpp"

#include <mi/mi.hpp>

#include <cstdio>
#include <string>

#define DEFINE(i) \
    int m##i(int a, int b) { return a + b; }
MI_BENCH_COMMANDS(DEFINE)

// Each X(i) ends with a comma; service_info (the default one) closes the list.
#define COMMAND(i) mi::command<"m" #i>(mi::recipe<&m##i, "a", "b">),
constexpr auto commands = mi::command_set(MI_BENCH_COMMANDS(COMMAND) mi::service_info{});

int main() {
    mi::dispatcher const dispatcher(commands);
    std::string response;
    dispatcher.call(MI_BENCH_W5_REQUEST, response);
    std::puts(response.c_str());
    return response == MI_BENCH_W5_RESPONSE ? 0 : 1;
}

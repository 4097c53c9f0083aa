// Copyright (c) 2026 the mi authors. Distributed under the Boost Software License, Version 1.0.
// SPDX-License-Identifier: BSL-1.0
//
// W5 build cost, the hand-written registry: the same functions behind registry_baseline.hpp (unordered_map of
// std::function over the Boost.JSON DOM), dispatched once. Prints the response; exits 0 if it is W5's.
#include "../registry_baseline.hpp"
#include "../w5_commands.hpp"

#include <cstdio>
#include <string>

#define DEFINE(i) \
    int m##i(int a, int b) { return a + b; }
MI_BENCH_COMMANDS(DEFINE)

int main() {
    using registry_baseline::arg;
    registry_baseline::registry r;
#define REGISTER(i)                                                                                                  \
    r.add("m" #i, [](boost::json::value const& p) -> boost::json::value {                                            \
        return m##i(arg<int>(p, 0, "a"), arg<int>(p, 1, "b"));                                                      \
    });
    MI_BENCH_COMMANDS(REGISTER)
    std::string const response = r.call(MI_BENCH_W5_REQUEST);
    std::puts(response.c_str());
    return response == MI_BENCH_W5_RESPONSE ? 0 : 1;
}

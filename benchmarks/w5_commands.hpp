// Copyright (c) 2026 the mi authors. Distributed under the Boost Software License, Version 1.0.
// SPDX-License-Identifier: BSL-1.0
//
// W5's command numbers, as X-macro lists, so that every benchmark TU (mi, the hand-written registry, and the
// no-framework baseline) declares the same functions m0..m(N-1) without spelling them out. The lists include
// nothing, so they add nothing to the compile times that build_cost.sh measures.
//
//     #define DEFINE(i) int m##i(int a, int b) { return a + b; }
//     MI_BENCH_COMMANDS_100(DEFINE)
#pragma once

// one decade: X(d0) .. X(d9), e.g. MI_BENCH_DECADE(X, 5) is X(50) .. X(59)
#define MI_BENCH_DECADE(X, d) X(d##0) X(d##1) X(d##2) X(d##3) X(d##4) X(d##5) X(d##6) X(d##7) X(d##8) X(d##9)

#define MI_BENCH_COMMANDS_10(X) X(0) X(1) X(2) X(3) X(4) X(5) X(6) X(7) X(8) X(9)
#define MI_BENCH_COMMANDS_50(X)                                                                                       \
    MI_BENCH_COMMANDS_10(X)                                                                                           \
    MI_BENCH_DECADE(X, 1) MI_BENCH_DECADE(X, 2) MI_BENCH_DECADE(X, 3) MI_BENCH_DECADE(X, 4)
#define MI_BENCH_COMMANDS_100(X)                                                                                      \
    MI_BENCH_COMMANDS_50(X)                                                                                           \
    MI_BENCH_DECADE(X, 5) MI_BENCH_DECADE(X, 6) MI_BENCH_DECADE(X, 7) MI_BENCH_DECADE(X, 8) MI_BENCH_DECADE(X, 9)

// MI_BENCH_COMMANDS(X): the list of MI_COMMANDS commands (10, 50 or 100; default 100, as W5 has).
#ifndef MI_COMMANDS
#define MI_COMMANDS 100
#endif
#if MI_COMMANDS == 100
#define MI_BENCH_COMMANDS(X) MI_BENCH_COMMANDS_100(X)
#define MI_BENCH_W5_METHOD "m57"
#elif MI_COMMANDS == 50
#define MI_BENCH_COMMANDS(X) MI_BENCH_COMMANDS_50(X)
#define MI_BENCH_W5_METHOD "m37"
#elif MI_COMMANDS == 10
#define MI_BENCH_COMMANDS(X) MI_BENCH_COMMANDS_10(X)
#define MI_BENCH_W5_METHOD "m7"
#else
#error "MI_COMMANDS must be 10, 50 or 100"
#endif

// W5's request and response (benchmarks/README.md); with fewer than 100 commands, a method that exists.
#define MI_BENCH_W5_REQUEST R"({"jsonrpc":"2.0","method":")" MI_BENCH_W5_METHOD R"(","params":{"a":1,"b":2},"id":1})"
#define MI_BENCH_W5_RESPONSE R"({"jsonrpc":"2.0","result":3,"id":1})"

// Copyright (c) 2026 the mi authors. Distributed under the Boost Software License, Version 1.0.
// SPDX-License-Identifier: BSL-1.0
//
// What the benchmarks share: how a wrong answer stops the run, and how a time per operation is taken.
#pragma once

#include <algorithm>
#include <chrono>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <limits>

namespace mi_bench {

// A benchmark checks every answer before it times anything: a wrong one ends the run (ctest's smoke tests look for
// MISMATCH; benchmarks/run.sh stops on the exit status).
[[noreturn]] inline void fail(char const* what) {
    std::fprintf(stderr, "MISMATCH: %s\n", what);
    std::exit(1);
}

// ns per operation of `run(n)`, which performs `n` operations, least of the repetitions.
template <class Run>
double least_ns_per_operation(std::uint64_t n, int repetitions, Run run) {
    double best = std::numeric_limits<double>::max();
    for (int r = 0; r < repetitions; ++r) {
        auto const start = std::chrono::steady_clock::now();
        run(n);
        best = std::min(best, std::chrono::duration<double, std::nano>(std::chrono::steady_clock::now() - start).count() /
                                  static_cast<double>(n));
    }
    return best;
}

// ns per call of `body()`, least of the repetitions of `n` calls.
template <class Body>
double ns_per_call(std::uint64_t n, int repetitions, Body body) {
    return least_ns_per_operation(n, repetitions, [&](std::uint64_t k) {
        for (std::uint64_t i = 0; i < k; ++i) body();
    });
}

} // namespace mi_bench

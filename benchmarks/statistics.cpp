// Copyright (c) 2026 the mi authors. Distributed under the Boost Software License, Version 1.0.
// SPDX-License-Identifier: BSL-1.0
//
// mi_bench_statistics: what statistics cost, measured beside the bare operations they stand for, in one run.
//   increments: ns per increment of an mi::counter and of a bare std::atomic<std::uint64_t> (relaxed fetch_add),
//     one thread; two threads on one counter; two threads on two statistics declared side by side (for
//     mi::counter each has its cache line; two bare atomics side by side share one: false sharing).
//   scrape: 10,000 statistics served as the Prometheus text (mi::prometheus::exposition) and as get_statistics
//     ["all"] through the dispatcher, beside boost::json::serialize of an object with the same 10,000 members.
// Every answer is checked before anything is timed (exit status 1 on a mismatch).
// Usage: mi_bench_statistics [--iterations N] [--repetitions N]
#include <mi/mi.hpp>
#include <mi/statistics.hpp>
#include <mi/transport/detail/prometheus/exposition.hpp>

#include "measure.hpp"

#include <boost/json.hpp>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <limits>
#include <string>
#include <thread>
#include <vector>

namespace {

using clock_type = std::chrono::steady_clock;

struct run_options {
    std::uint64_t iterations = 20'000'000;
    int repetitions = 5;
};

// ns per operation of `threads` threads each running `body(thread_index, n)`, least of the repetitions.
template <class Body>
double timed(run_options const& o, int threads, std::uint64_t n, Body body) {
    double best = std::numeric_limits<double>::max();
    for (int r = 0; r < o.repetitions; ++r) {
        std::atomic<int> ready{0};
        std::atomic<bool> go{false};
        std::vector<std::thread> pool;
        for (int t = 0; t < threads; ++t)
            pool.emplace_back([&, t] {
                ready.fetch_add(1);
                while (!go.load()) {
                }
                body(t, n);
            });
        while (ready.load() != threads) {
        }
        auto const start = clock_type::now();
        go = true;
        for (auto& th : pool) th.join();
        double const ns = std::chrono::duration<double, std::nano>(clock_type::now() - start).count();
        best = std::min(best, ns / static_cast<double>(n));
    }
    return best;
}

struct side_by_side_atomics {
    std::atomic<std::uint64_t> a{0};
    std::atomic<std::uint64_t> b{0};
};

struct side_by_side_counters {
    mi::counter a;
    mi::counter b;
};
BOOST_DESCRIBE_STRUCT(side_by_side_counters, (), (a, b))

using mi_bench::fail;

void increments(run_options const& o) {
    std::uint64_t const n = o.iterations;
    mi::statistics stats;
    auto& pair = stats.add_group<side_by_side_counters>("bench");
    side_by_side_atomics bare;

    double const atomic_1 = timed(o, 1, n, [&](int, std::uint64_t k) {
        for (std::uint64_t i = 0; i < k; ++i) bare.a.fetch_add(1, std::memory_order_relaxed);
    });
    double const counter_1 = timed(o, 1, n, [&](int, std::uint64_t k) {
        for (std::uint64_t i = 0; i < k; ++i) pair.a.increment();
    });
    double const atomic_shared = timed(o, 2, n, [&](int, std::uint64_t k) {
        for (std::uint64_t i = 0; i < k; ++i) bare.a.fetch_add(1, std::memory_order_relaxed);
    });
    double const counter_shared = timed(o, 2, n, [&](int, std::uint64_t k) {
        for (std::uint64_t i = 0; i < k; ++i) pair.a.increment();
    });
    double const atomic_apart = timed(o, 2, n, [&](int t, std::uint64_t k) {
        auto& mine = t == 0 ? bare.a : bare.b;
        for (std::uint64_t i = 0; i < k; ++i) mine.fetch_add(1, std::memory_order_relaxed);
    });
    double const counter_apart = timed(o, 2, n, [&](int t, std::uint64_t k) {
        auto& mine = t == 0 ? pair.a : pair.b;
        for (std::uint64_t i = 0; i < k; ++i) mine.increment();
    });
    std::uint64_t const expected_a = n * static_cast<std::uint64_t>(o.repetitions) * (1 + 2 + 1);
    if (pair.a.value() != expected_a) fail("an mi::counter lost increments");

    std::printf("ns per increment, least of %d repetitions of %llu increments per thread (2 CPUs)\n\n", o.repetitions,
                static_cast<unsigned long long>(n));
    std::printf("| case | std::atomic ns | mi::counter ns | counter/atomic |\n|---|---:|---:|---:|\n");
    auto row = [](char const* name, double atomic, double counter) {
        std::printf("| %s | %.2f | %.2f | %.2f |\n", name, atomic, counter, counter / atomic);
    };
    row("one thread", atomic_1, counter_1);
    row("two threads, one statistic", atomic_shared, counter_shared);
    row("two threads, two statistics side by side", atomic_apart, counter_apart);
    std::printf("\n");
}

void scrape(run_options const& o) {
    constexpr int count = 10'000;
    mi::statistics stats;
    boost::json::object same;
    for (int i = 0; i < count; ++i) {
        std::string const group = "group" + std::to_string(i / 100);
        std::string const name = "statistic_" + std::to_string(i);
        auto& c = stats.add_counter(group, name, "a statistic of the benchmark");
        c.increment(static_cast<std::uint64_t>(i) * 7919);
        same[group + ':' + name] = static_cast<std::uint64_t>(i) * 7919;
    }
    constexpr auto commands = mi::command_set(mi::statistics_commands);
    mi::dispatcher const d(commands, stats);
    std::string const request = R"({"jsonrpc":"2.0","method":"get_statistics","params":[["all"]],"id":1})";
    std::string response;
    d.call(request, response);
    std::string const expected = R"({"jsonrpc":"2.0","result":)" + boost::json::serialize(same) + R"(,"id":1})";
    if (response != expected) fail("get_statistics all differs from boost::json's object");
    std::string const text = mi::prometheus::exposition(stats);
    if (text.find("opensips_statistic_9999 79182081\n") == std::string::npos) fail("the exposition lacks a statistic");

    std::uint64_t const rounds = std::max<std::uint64_t>(1, o.iterations / 1'000'000);
    auto us = [&](auto body) {
        return timed(o, 1, rounds, [&](int, std::uint64_t k) {
                   for (std::uint64_t i = 0; i < k; ++i) body();
               }) / 1000.0;
    };
    std::size_t sink = 0;
    double const exposition_us = us([&] { sink += mi::prometheus::exposition(stats).size(); });
    double const get_us = us([&] {
        d.call(request, response);
        sink += response.size();
    });
    double const serialize_us = us([&] { sink += boost::json::serialize(same).size(); });
    if (sink == 0) fail("nothing was written");

    std::printf("scraping %d statistics, us per scrape (least of %d repetitions of %llu)\n\n", count, o.repetitions,
                static_cast<unsigned long long>(rounds));
    std::printf("| what | us | bytes | vs boost::json::serialize |\n|---|---:|---:|---:|\n");
    std::printf("| boost::json::serialize of an equal object | %.0f | %zu | 1.00 |\n", serialize_us,
                boost::json::serialize(same).size());
    std::printf("| get_statistics [\"all\"] through the dispatcher | %.0f | %zu | %.2f |\n", get_us, response.size(),
                get_us / serialize_us);
    std::printf("| Prometheus text (mi::prometheus::exposition) | %.0f | %zu | %.2f |\n", exposition_us, text.size(),
                exposition_us / serialize_us);
}

} // namespace

int main(int argc, char** argv) {
    run_options o;
    for (int i = 1; i < argc; ++i) {
        if (!std::strcmp(argv[i], "--iterations") && i + 1 < argc) o.iterations = std::strtoull(argv[++i], nullptr, 10);
        else if (!std::strcmp(argv[i], "--repetitions") && i + 1 < argc) o.repetitions = std::atoi(argv[++i]);
        else {
            std::fprintf(stderr, "usage: mi_bench_statistics [--iterations N] [--repetitions N]\n");
            return 2;
        }
    }
    increments(o);
    scrape(o);
}

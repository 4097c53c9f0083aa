// Copyright (c) 2026 the mi authors. Distributed under the Boost Software License, Version 1.0.
// SPDX-License-Identifier: BSL-1.0
//
// mi_bench_inprocess: workloads W1..W5 of benchmarks/README.md, in process, one thread, request bytes
// in -> response bytes out, ns per request. For each workload it measures
//   F         the floor: boost::json::parse of the request + boost::json::serialize of the expected response;
//   mi        mi::dispatcher::call with a reused mi::workspace and response string;
//   registry  the hand-written std::unordered_map<std::string, std::function> baseline (registry_baseline.hpp).
// Every response is checked against the exact bytes of the workloads (benchmarks/README.md) before anything is timed; a mismatch is a
// failure (exit status 1). Usage: mi_bench_inprocess [--iterations N] [--repetitions N] [--markdown]
#include "registry_baseline.hpp"
#include "workloads.hpp"

#include <mi/mi.hpp>

#include <boost/describe/class.hpp>
#include <boost/json.hpp>

#include <algorithm>
#include <array>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <functional>
#include <limits>
#include <string>
#include <string_view>

// --- the hand-written registry: the same two sets --------------------------------------------------------------
namespace {

namespace json = boost::json;
using bench::small_set;
using bench::w5_set;
using bench::workload;
using bench::workloads;
using registry_baseline::arg;

registry_baseline::registry small_registry() {
    registry_baseline::registry r;
    r.add("log_level", [](json::value const& p) -> json::value {
        return bench::log_level(arg<int>(p, 0, "level"), arg<int>(p, 1, "pid"));
    });
    r.add("ps", [](json::value const&) { return json::value_from(bench::ps()); });
    return r;
}

registry_baseline::registry w5_registry() {
    registry_baseline::registry r;
#define MI_BENCH_REGISTER(i)                                                                                         \
    r.add("m" #i, [](json::value const& p) -> json::value { return bench::m##i(arg<int>(p, 0, "a"), arg<int>(p, 1, "b")); });
    MI_BENCH_COMMANDS_100(MI_BENCH_REGISTER)
#undef MI_BENCH_REGISTER
    return r;
}

// --- measuring -------------------------------------------------------------------------------------------------

// Makes the compiler assume `p`'s memory is read and written here, so no work feeding it is optimized away and
// no input is treated as a constant.
inline void escape(void const* p) {
#if defined(__GNUC__) || defined(__clang__)
    asm volatile("" : : "g"(p) : "memory");
#else
    static void const* volatile sink;
    sink = p;
#endif
}

struct options {
    long iterations = 1'000'000;
    int repetitions = 5;
    bool markdown = false;
};

// A timed loop: `once` called `n` times, returns ns per call.
using timed_loop = std::function<double(long n)>;

template <class F>
timed_loop timed(F once) {
    return [once](long n) mutable {
        auto const start = std::chrono::steady_clock::now();
        for (long i = 0; i < n; ++i) once();
        std::chrono::duration<double, std::nano> const took = std::chrono::steady_clock::now() - start;
        return took.count() / static_cast<double>(n);
    };
}

bool check(char const* workload, char const* who, std::string_view got, std::string_view expected) {
    if (got == expected) return true;
    std::fprintf(stderr, "MISMATCH %s %s\n  expected: %.*s\n  got:      %.*s\n", workload, who,
                 static_cast<int>(expected.size()), expected.data(), static_cast<int>(got.size()), got.data());
    return false;
}

bool parse_options(int argc, char** argv, options& o) {
    for (int i = 1; i < argc; ++i) {
        std::string_view const a = argv[i];
        auto number = [&](long& out) {
            if (i + 1 >= argc) return false;
            char* end = nullptr;
            out = std::strtol(argv[++i], &end, 10);
            return *end == '\0' && out > 0;
        };
        long n = 0;
        if (a == "--iterations" && number(n)) o.iterations = n;
        else if (a == "--repetitions" && number(n)) o.repetitions = static_cast<int>(n);
        else if (a == "--markdown") o.markdown = true;
        else return false;
    }
    return true;
}

} // namespace

int main(int argc, char** argv) {
    options o;
    if (!parse_options(argc, argv, o)) {
        std::fprintf(stderr, "usage: %s [--iterations N] [--repetitions N] [--markdown]\n", argv[0]);
        return 2;
    }

    mi::dispatcher const small_mi(small_set);
    mi::dispatcher const w5_mi(w5_set);
    auto const small_reg = small_registry();
    auto const w5_reg = w5_registry();
    mi::context const ctx{};
    mi::workspace ws;
    std::string response;

    auto call_mi = [&](workload const& w) {
        return w.w5 ? w5_mi.call(w.request, response, ctx, ws) : small_mi.call(w.request, response, ctx, ws);
    };
    auto call_registry = [&](workload const& w) { return (w.w5 ? w5_reg : small_reg).call(w.request); };

    // The floor's prebuilt responses, and the check that every contender answers every workload exactly.
    std::array<json::value, workloads.size()> prebuilt;
    bool ok = true;
    for (std::size_t i = 0; i < workloads.size(); ++i) {
        auto const& w = workloads[i];
        prebuilt[i] = json::parse(w.expected);
        ok &= check(w.id, "F", json::serialize(prebuilt[i]), w.expected);
        bool const answered = call_mi(w);
        ok &= check(w.id, "mi", answered ? response : "(no response)", w.expected);
        ok &= check(w.id, "registry", call_registry(w), w.expected);
    }
    if (!ok) return 1;

    // One timed loop per (workload, contender). Repetitions are interleaved: round r runs every loop once,
    // so a burst of load from another process spreads over all contenders instead of hitting one of them.
    enum { floor_, mi_, registry_, contenders };
    std::array<std::string, workloads.size()> requests; // not literals the compiler could see through
    std::array<std::array<timed_loop, contenders>, workloads.size()> loops;
    auto loops_for = [&](std::size_t i, auto const& d, registry_baseline::registry const& reg) {
        std::string const& request = requests[i] = std::string(workloads[i].request);
        json::value const& expected_value = prebuilt[i];
        loops[i][floor_] = timed([&] {
            escape(request.data());
            json::value const parsed = json::parse(request);
            escape(&parsed);
            std::string const out = json::serialize(expected_value);
            escape(out.data());
        });
        loops[i][mi_] = timed([&] {
            escape(request.data());
            d.call(request, response, ctx, ws);
            escape(response.data());
        });
        loops[i][registry_] = timed([&] {
            escape(request.data());
            std::string const out = reg.call(request);
            escape(out.data());
        });
    };
    for (std::size_t i = 0; i < workloads.size(); ++i)
        workloads[i].w5 ? loops_for(i, w5_mi, w5_reg) : loops_for(i, small_mi, small_reg);

    std::array<std::array<double, contenders>, workloads.size()> best;
    for (auto& b : best) b.fill(std::numeric_limits<double>::infinity());
    for (auto& per_workload : loops)
        for (auto& loop : per_workload) loop(std::min(o.iterations, 10'000L)); // warm-up
    for (int r = 0; r < o.repetitions; ++r)
        for (std::size_t i = 0; i < workloads.size(); ++i)
            for (int c = 0; c < contenders; ++c) best[i][c] = std::min(best[i][c], loops[i][c](o.iterations));

    struct row {
        double floor, mi, registry;
    };
    std::array<row, workloads.size()> rows{};
    for (std::size_t i = 0; i < workloads.size(); ++i) rows[i] = {best[i][floor_], best[i][mi_], best[i][registry_]};

    char const* const format = o.markdown ? "| %s | %.0f | %.0f | %.2f | %.0f | %.2f |\n"
                                          : "%-8s %8.0f %8.0f %6.2f %12.0f %11.2f\n";
    std::printf("ns per request, best of %d interleaved repetitions of %ld requests; responses verified "
                "against the workloads (benchmarks/README.md)\n\n",
                o.repetitions, o.iterations);
    if (o.markdown)
        std::printf("| workload | F ns | mi ns | mi/F | registry ns | registry/F |\n"
                    "|---|---:|---:|---:|---:|---:|\n");
    else
        std::printf("%-8s %8s %8s %6s %12s %11s\n", "workload", "F ns", "mi ns", "mi/F", "registry ns", "registry/F");
    for (std::size_t i = 0; i < workloads.size(); ++i)
        std::printf(format, workloads[i].id, rows[i].floor, rows[i].mi, rows[i].mi / rows[i].floor, rows[i].registry,
                    rows[i].registry / rows[i].floor);
    std::printf("\nW5/W1 (100-command set vs 2-command set): mi %.2f, registry %.2f\n", rows[4].mi / rows[0].mi,
                rows[4].registry / rows[0].registry);
}

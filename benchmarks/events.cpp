// Copyright (c) 2026 the mi authors. Distributed under the Boost Software License, Version 1.0.
// SPDX-License-Identifier: BSL-1.0
//
// mi_bench_events: what raising an event costs the thread that raises it.
//   raise with 0 subscribers (one atomic load), 1 and 100 subscribers (the notification written once, then
//   queued to each), beside writing the same notification alone; the subscribers' sinks only count what they
//   are given, so that the figures are the raising side's, not a socket's.
// Every notification is checked before anything is timed (exit status 1 on a mismatch).
// Usage: mi_bench_events [--iterations N] [--repetitions N]
#include <mi/events.hpp>

#include <boost/describe/class.hpp>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <limits>
#include <memory>
#include <string>

namespace {

struct blocked {
    std::string ip;
    int seconds;
};
BOOST_DESCRIBE_STRUCT(blocked, (), (ip, seconds))

constexpr auto declared = mi::event_set(mi::event<"E_PIKE_BLOCKED", blocked>());
std::string const expected = R"({"jsonrpc":"2.0","method":"E_PIKE_BLOCKED","params":{"ip":"192.168.2.11","seconds":30}})";

// Subscribers that take what they are given and keep the last: a queue with no socket behind it.
struct counting : mi::event_delivery {
    struct sink : mi::event_sink {
        std::atomic<std::uint64_t> got{0};
        std::shared_ptr<std::string const> last;
        void deliver(mi::notification const& n) noexcept override {
            got.fetch_add(1, std::memory_order_relaxed);
            last = n.text;
        }
        std::uint64_t dropped() const noexcept override { return 0; }
    };
    std::vector<std::shared_ptr<sink>> sinks;
    std::shared_ptr<mi::event_sink> open(std::string_view) override { return sinks.emplace_back(std::make_shared<sink>()); }
};

[[noreturn]] void fail(char const* what) {
    std::printf("MISMATCH: %s\n", what);
    std::exit(1);
}

// ns per call of `body`, least of the repetitions of `n` calls.
template <class Body>
double ns_per_call(std::uint64_t n, int repetitions, Body body) {
    double best = std::numeric_limits<double>::max();
    for (int r = 0; r < repetitions; ++r) {
        auto const start = std::chrono::steady_clock::now();
        for (std::uint64_t i = 0; i < n; ++i) body();
        best = std::min(best, std::chrono::duration<double, std::nano>(std::chrono::steady_clock::now() - start).count() /
                                  static_cast<double>(n));
    }
    return best;
}

} // namespace

int main(int argc, char** argv) {
    std::uint64_t iterations = 1'000'000;
    int repetitions = 5;
    for (int i = 1; i < argc; ++i) {
        if (!std::strcmp(argv[i], "--iterations") && i + 1 < argc) iterations = std::strtoull(argv[++i], nullptr, 10);
        else if (!std::strcmp(argv[i], "--repetitions") && i + 1 < argc) repetitions = std::atoi(argv[++i]);
        else {
            std::fprintf(stderr, "usage: mi_bench_events [--iterations N] [--repetitions N]\n");
            return 2;
        }
    }
    blocked const payload{"192.168.2.11", 30};
    std::size_t sink = 0;
    double const write_only = ns_per_call(iterations, repetitions, [&] {
        sink += mi::detail::write_notification<blocked>("E_PIKE_BLOCKED", payload).text->size();
    });
    if (*mi::detail::write_notification<blocked>("E_PIKE_BLOCKED", payload).text != expected) fail("the notification");

    std::printf("ns per raise, least of %d repetitions of %llu raises, one thread\n\n", repetitions,
                static_cast<unsigned long long>(iterations));
    std::printf("| subscribers | ns per raise | vs writing the notification once |\n|---:|---:|---:|\n");
    for (int subscribers : {0, 1, 100}) {
        mi::events events(declared);
        auto const counted = std::make_shared<counting>();
        events.hub().deliver_with(counted);
        for (int s = 0; s < subscribers; ++s)
            events.hub().subscribe("E_PIKE_BLOCKED", "count:" + std::to_string(s), std::nullopt);
        std::uint64_t const n = subscribers == 100 ? std::max<std::uint64_t>(1, iterations / 20) : iterations;
        double const ns = ns_per_call(n, repetitions, [&] { events.raise<"E_PIKE_BLOCKED">(payload); });
        for (auto const& s : counted->sinks)
            if (s->got != n * static_cast<std::uint64_t>(repetitions) || *s->last != expected) fail("a subscriber's notifications");
        std::printf("| %d | %.1f | %.2f |\n", subscribers, ns, ns / write_only);
    }
    std::printf("\nwriting the notification alone: %.1f ns\n", write_only);
    return sink == 0;
}

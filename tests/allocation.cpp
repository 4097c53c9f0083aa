// Copyright (c) 2026 the mi authors. Distributed under the Boost Software License, Version 1.0.
// SPDX-License-Identifier: BSL-1.0
//
// A warm dispatch allocates nothing: the workloads W1-W5 of benchmarks/README.md, exactly as the benchmarks
// time them (benchmarks/workloads.hpp), with the caller reusing its workspace and response buffer, counted by
// replacing the global operator new.
#include <mi/dispatcher.hpp>

#define BOOST_TEST_MODULE allocation
#include <boost/test/unit_test.hpp>

#include "../benchmarks/workloads.hpp"

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

template <class Dispatcher>
std::size_t allocations_of(Dispatcher const& d, bench::workload const& w) {
    mi::workspace ws;
    std::string response;
    for (int i = 0; i < 3; ++i) d.call(w.request, response, {}, ws); // warm-up
    BOOST_TEST(response == w.expected);
    allocations = 0;
    counting = true;
    for (int i = 0; i < 1000; ++i) d.call(w.request, response, {}, ws);
    counting = false;
    BOOST_TEST(response == w.expected);
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

BOOST_AUTO_TEST_CASE(w1_to_w5_allocate_nothing_once_warm) {
    mi::dispatcher const small(bench::small_set);
    mi::dispatcher const hundred(bench::w5_set);
    for (auto const& w : bench::workloads)
        BOOST_TEST((w.w5 ? allocations_of(hundred, w) : allocations_of(small, w)) == 0u, w.id);
}

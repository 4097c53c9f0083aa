// Copyright (c) 2026 the mi authors. Distributed under the Boost Software License, Version 1.0.
// SPDX-License-Identifier: BSL-1.0
//
// mi::transport::background: an io_context with threads of its own that runs until stopped or destroyed, even
// while it has nothing to do; stop() joins the threads and drops what is still queued.
#include <mi/transport/thread.hpp>

#define BOOST_TEST_MODULE transport_thread
#include <boost/test/unit_test.hpp>

#include <boost/asio/post.hpp>
#include <boost/asio/steady_timer.hpp>

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <mutex>
#include <set>
#include <thread>
#include <type_traits>

using namespace std::chrono_literals;

namespace {

// Posted handlers, seen from the test's thread.
struct handlers_seen {
    std::mutex mutex;
    std::condition_variable changed;
    std::set<std::thread::id> threads;
    int running = 0;
    int done = 0;

    // Waits (bounded) until `n` handlers run at the same time, so that each has a thread of its own.
    auto together(int n) {
        return [this, n] {
            std::unique_lock lock(mutex);
            threads.insert(std::this_thread::get_id());
            ++running;
            changed.notify_all();
            changed.wait_for(lock, 5s, [&] { return running >= n; });
            ++done;
            changed.notify_all();
        };
    }
    bool wait_done(int n, std::chrono::milliseconds limit = 5s) {
        std::unique_lock lock(mutex);
        return changed.wait_for(lock, limit, [&] { return done >= n; });
    }
};

static_assert(!std::is_copy_constructible_v<mi::transport::background>);
static_assert(!std::is_copy_assignable_v<mi::transport::background>);

} // namespace

BOOST_AUTO_TEST_CASE(handlers_run_on_a_thread_of_its_own) {
    mi::transport::background loop;
    handlers_seen seen;
    boost::asio::post(loop.context(), seen.together(1));
    BOOST_REQUIRE(seen.wait_done(1));
    std::lock_guard lock(seen.mutex);
    BOOST_TEST(seen.threads.size() == 1u);
    BOOST_TEST((*seen.threads.begin() != std::this_thread::get_id()));
}

BOOST_AUTO_TEST_CASE(it_runs_as_many_threads_as_asked) {
    mi::transport::background loop(3);
    handlers_seen seen;
    for (int i = 0; i < 3; ++i) boost::asio::post(loop.context(), seen.together(3));
    BOOST_REQUIRE(seen.wait_done(3));
    std::lock_guard lock(seen.mutex);
    BOOST_TEST(seen.running == 3);
    BOOST_TEST(seen.threads.size() == 3u);
    BOOST_TEST(!seen.threads.contains(std::this_thread::get_id()));
}

BOOST_AUTO_TEST_CASE(it_keeps_running_while_it_has_nothing_to_do) {
    mi::transport::background loop;
    std::this_thread::sleep_for(50ms); // no work at all meanwhile: the loop must not have returned
    BOOST_TEST(!loop.context().stopped());
    handlers_seen seen;
    boost::asio::steady_timer timer(loop.context(), 20ms);
    timer.async_wait([&](boost::system::error_code ec) {
        if (!ec) seen.together(1)();
    });
    BOOST_TEST(seen.wait_done(1));
}

BOOST_AUTO_TEST_CASE(stop_joins_and_drops_what_is_still_queued) {
    std::atomic<int> ran{0};
    mi::transport::background loop;
    loop.stop();
    BOOST_TEST(loop.context().stopped());
    boost::asio::post(loop.context(), [&] { ++ran; });
    std::this_thread::sleep_for(20ms);
    BOOST_TEST(ran.load() == 0);
    loop.stop(); // twice is harmless, and so is the destructor after it
}

BOOST_AUTO_TEST_CASE(stop_waits_for_the_handler_that_runs_and_drops_the_next) {
    std::atomic<bool> started{false}, finished{false};
    std::atomic<int> ran{0};
    mi::transport::background loop;
    boost::asio::post(loop.context(), [&] {
        started = true;
        std::this_thread::sleep_for(50ms);
        finished = true;
    });
    boost::asio::post(loop.context(), [&] { ++ran; }); // queued behind the first, on the loop's one thread
    for (int i = 0; i < 5000 && !started; ++i) std::this_thread::sleep_for(1ms);
    BOOST_REQUIRE(started.load());
    loop.stop();
    BOOST_TEST(finished.load());
    BOOST_TEST(ran.load() == 0);
}

BOOST_AUTO_TEST_CASE(the_destructor_stops_the_loop_and_joins) {
    std::atomic<bool> started{false}, finished{false};
    {
        mi::transport::background loop(2);
        boost::asio::post(loop.context(), [&] {
            started = true;
            std::this_thread::sleep_for(20ms);
            finished = true;
        });
        for (int i = 0; i < 5000 && !started; ++i) std::this_thread::sleep_for(1ms);
        BOOST_REQUIRE(started.load());
    } // stopped and joined here
    BOOST_TEST(finished.load());
}

// Copyright (c) 2026 the mi authors. Distributed under the Boost Software License, Version 1.0.
// SPDX-License-Identifier: BSL-1.0
//
// The FIFO transport (spec 6.1) driven by a client that does what python-opensips does (spec 7.2): mkfifo its
// reply FIFO, write `:name:{json}` into the server's FIFO in one write, open the reply FIFO and read to EOF.
#include <mi/transport/fifo.hpp>

#define BOOST_TEST_MODULE transport_fifo
#include <boost/test/unit_test.hpp>

#include <mi/mi.hpp>
#include <mi/transport/thread.hpp>

#include "transport_commands.hpp"

#include <boost/asio/post.hpp>

#include <atomic>
#include <chrono>
#include <filesystem>
#include <fstream>
#include <future>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include <fcntl.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <grp.h>
#include <pwd.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <unistd.h>

using namespace std::chrono_literals;

namespace {

using namespace transport_test;

void make_reply_fifo(std::string const& path) {
    ::unlink(path.c_str());
    BOOST_REQUIRE(::mkfifo(path.c_str(), 0666) == 0);
    ::chmod(path.c_str(), 0666);
}

// One open, one write, one close of the server's FIFO.
void write_request(std::string const& fifo, std::string const& bytes) {
    int const fd = ::open(fifo.c_str(), O_WRONLY);
    BOOST_REQUIRE(fd >= 0);
    BOOST_REQUIRE(::write(fd, bytes.data(), bytes.size()) == static_cast<ssize_t>(bytes.size()));
    ::close(fd);
}

// Writes bytes the server drops together with whatever else the same read() returns, and waits until the
// server has read them (FIONREAD works on either end of a pipe): the server frames what one read returned
// before it reads again, so they cannot take the next request with them.
void write_garbage(std::string const& fifo, std::string const& bytes) {
    int const fd = ::open(fifo.c_str(), O_WRONLY);
    BOOST_REQUIRE(fd >= 0);
    BOOST_REQUIRE(::write(fd, bytes.data(), bytes.size()) == static_cast<ssize_t>(bytes.size()));
    int unread = 1;
    for (int i = 0; i < 500 && ::ioctl(fd, FIONREAD, &unread) == 0 && unread > 0; ++i) std::this_thread::sleep_for(2ms);
    BOOST_TEST(unread == 0);
    ::close(fd);
}

// Opens the reply FIFO for reading, blocking as python-opensips does, and reads to EOF. Unlike python, gives
// up after `timeout` (nullopt: the server never opened it) by opening the FIFO for writing itself, which ends
// the blocked open. `pause` slows the reader down between reads.
std::optional<std::string> read_reply(std::string const& path, std::chrono::milliseconds timeout = 5000ms,
                                      std::chrono::milliseconds pause = 0ms) {
    std::atomic<bool> gave_up{false};
    auto reader = std::async(std::launch::async, [&path, pause, &gave_up] {
        std::string text;
        int const fd = ::open(path.c_str(), O_RDONLY);
        if (fd < 0) return text;
        char chunk[8192];
        for (ssize_t n; (n = ::read(fd, chunk, sizeof chunk)) > 0;) {
            text.append(chunk, static_cast<std::size_t>(n));
            if (pause.count() && !gave_up) std::this_thread::sleep_for(pause);
        }
        ::close(fd);
        return text;
    });
    if (reader.wait_for(timeout) == std::future_status::ready) return reader.get();
    gave_up = true;
    while (reader.wait_for(10ms) != std::future_status::ready) {
        int const fd = ::open(path.c_str(), O_WRONLY | O_NONBLOCK);
        if (fd >= 0) ::close(fd);
    }
    reader.get();
    return std::nullopt;
}

struct temp_dir {
    std::string path;
    temp_dir() {
        char name[] = "/tmp/mi_fifo_test_XXXXXX";
        BOOST_REQUIRE(::mkdtemp(name));
        path = name;
    }
    ~temp_dir() { std::filesystem::remove_all(path); }
};

mode_t mode_of(std::string const& path) {
    struct stat st{};
    BOOST_REQUIRE(::lstat(path.c_str(), &st) == 0);
    return st.st_mode;
}

std::size_t open_fds() {
    return static_cast<std::size_t>(std::distance(std::filesystem::directory_iterator("/proc/self/fd"), {}));
}

bool exists(std::string const& path) {
    struct stat st{};
    return ::lstat(path.c_str(), &st) == 0;
}

struct fixture {
    temp_dir dir;
    std::string fifo = dir.path + "/opensips_fifo";
    std::string reply_dir = dir.path + "/";
    mi::transport::background loop{2};
    std::optional<mi::fifo::server<dispatcher_type>> server;

    fixture() { start(); }
    ~fixture() {
        server.reset();
        loop.stop();
        join_workers();
    }

    mi::fifo::options options() const {
        mi::fifo::options o;
        o.path = fifo;
        o.reply_dir = reply_dir;
        return o;
    }
    void start(mi::fifo::options const& o) {
        server.reset();
        server.emplace(loop.context(), dispatcher, o);
        server->start();
    }
    void start() { start(options()); }

    std::string reply_path(std::string const& name) const { return reply_dir + name; }

    // What python-opensips' FIFO call does, end to end.
    std::optional<std::string> call(std::string const& name, std::string const& json,
                                    std::chrono::milliseconds timeout = 5000ms) {
        make_reply_fifo(reply_path(name));
        write_request(fifo, ":" + name + ":" + json);
        auto reply = read_reply(reply_path(name), timeout);
        ::unlink(reply_path(name).c_str());
        return reply;
    }

    // A request written in two parts is answered once whole.
    void split_request_is_joined() {
        std::string const request = ":split:" + python_request("echo", R"({"text": "joined"})");
        make_reply_fifo(reply_path("split"));
        write_request(fifo, request.substr(0, 20));
        std::this_thread::sleep_for(50ms);
        write_request(fifo, request.substr(20));
        BOOST_TEST(text(read_reply(reply_path("split"))) == result(R"("joined")"));
    }

    // The counter after a request that is answered: every frame written before it has been handled, since
    // the server handles frames in order.
    int count_after_sync() {
        auto const reply = call("sync", python_request("count"));
        BOOST_REQUIRE(reply);
        return counter.load();
    }
};

} // namespace

// --- the request FIFO ----------------------------------------------------------------------------------------

BOOST_FIXTURE_TEST_CASE(creates_the_fifo_with_its_mode_and_removes_it_at_stop, fixture) {
    auto const mode = mode_of(fifo);
    BOOST_TEST(S_ISFIFO(mode));
    BOOST_TEST((mode & 07777) == 0660u);
    server->stop();
    BOOST_TEST(!exists(fifo));
    server->stop(); // twice is harmless
}

BOOST_FIXTURE_TEST_CASE(mode_zero_is_refused_as_0600_and_the_owner_is_applied, fixture) {
    auto o = options();
    o.mode = 0;
    start(o);
    BOOST_TEST((mode_of(fifo) & 07777) == 0600u);

    o.mode = 0640;
    bool const root = ::geteuid() == 0;
    // As root, a user by name brings its primary group; otherwise only our own ids are permitted.
    o.user = root ? "nobody" : std::to_string(::geteuid());
    start(o);
    struct stat st{};
    BOOST_REQUIRE(::lstat(fifo.c_str(), &st) == 0);
    BOOST_TEST((st.st_mode & 07777) == 0640u);
    if (root) {
        passwd const* nobody = ::getpwnam("nobody");
        BOOST_REQUIRE(nobody);
        BOOST_TEST(st.st_uid == nobody->pw_uid);
        BOOST_TEST(st.st_gid == nobody->pw_gid);
        o.group = "0";
        start(o);
        BOOST_REQUIRE(::lstat(fifo.c_str(), &st) == 0);
        BOOST_TEST(st.st_uid == nobody->pw_uid);
        BOOST_TEST(st.st_gid == 0u);
    } else {
        BOOST_TEST(st.st_uid == ::geteuid());
    }
    o.user = "no_such_user_for_mi_tests";
    server.emplace(loop.context(), dispatcher, o);
    BOOST_CHECK_THROW(server->start(), std::system_error);
}

BOOST_FIXTURE_TEST_CASE(a_stale_fifo_is_replaced_but_a_file_or_symlink_is_left_alone, fixture) {
    server.reset();
    BOOST_TEST(!exists(fifo));
    BOOST_REQUIRE(::mkfifo(fifo.c_str(), 0644) == 0);
    start();
    BOOST_TEST((mode_of(fifo) & 07777) == 0660u);
    BOOST_TEST(text(call("r", python_request("echo", R"({"text": "hi"})"))) == result(R"("hi")"));
    server.reset();

    std::ofstream(fifo) << "precious";
    server.emplace(loop.context(), dispatcher, options());
    BOOST_CHECK_THROW(server->start(), std::system_error);
    BOOST_TEST(S_ISREG(mode_of(fifo)));
    std::string content;
    std::ifstream(fifo) >> content;
    BOOST_TEST(content == "precious");
    ::unlink(fifo.c_str());

    std::string const target = dir.path + "/target";
    BOOST_REQUIRE(::mkfifo(target.c_str(), 0600) == 0);
    BOOST_REQUIRE(::symlink(target.c_str(), fifo.c_str()) == 0);
    BOOST_CHECK_THROW(server->start(), std::system_error);
    BOOST_TEST(S_ISLNK(mode_of(fifo)));
    BOOST_TEST(exists(target));
}

BOOST_FIXTURE_TEST_CASE(the_fifo_of_a_running_server_is_not_taken_over, fixture) {
    mi::fifo::server<dispatcher_type> second(loop.context(), dispatcher, options());
    try {
        second.start();
        BOOST_FAIL("a second server took over a FIFO in use");
    } catch (std::system_error const& e) {
        BOOST_TEST(std::string(e.what()).find("is in use by a running process; not removing it") != std::string::npos,
                   e.what());
    }
    BOOST_TEST(text(call("r", python_request("echo", R"({"text": "first"})"))) == result(R"("first")"));
}

BOOST_FIXTURE_TEST_CASE(the_fifo_is_recreated_after_it_is_removed, fixture) {
    auto o = options();
    o.check_interval = 100ms;
    start(o);
    BOOST_REQUIRE(::unlink(fifo.c_str()) == 0);
    auto const deadline = std::chrono::steady_clock::now() + 3s;
    while (!exists(fifo) && std::chrono::steady_clock::now() < deadline) std::this_thread::sleep_for(20ms);
    BOOST_REQUIRE(exists(fifo));
    BOOST_TEST(S_ISFIFO(mode_of(fifo)));
    BOOST_TEST((mode_of(fifo) & 07777) == 0660u);
    BOOST_TEST(text(call("r", python_request("echo", R"({"text": "back"})"))) == result(R"("back")"));
    server->stop();
    BOOST_TEST(!exists(fifo));
}

BOOST_FIXTURE_TEST_CASE(a_replaced_fifo_is_recreated_but_a_file_put_in_its_place_is_left_alone, fixture) {
    auto o = options();
    o.check_interval = 100ms;
    start(o);
    auto const wait_until = [](auto&& done) {
        auto const deadline = std::chrono::steady_clock::now() + 3s;
        while (!done() && std::chrono::steady_clock::now() < deadline) std::this_thread::sleep_for(20ms);
        return done();
    };
    // another FIFO at the path (rm + mkfifo by someone else): the server puts its own back, with its own mode
    // (the inode number may well be reused), and serves on it
    BOOST_REQUIRE(::unlink(fifo.c_str()) == 0);
    BOOST_REQUIRE(::mkfifo(fifo.c_str(), 0600) == 0);
    BOOST_REQUIRE(::chmod(fifo.c_str(), 0600) == 0);
    BOOST_REQUIRE(wait_until([&] { return (mode_of(fifo) & 07777) == 0660u; }));
    BOOST_TEST(S_ISFIFO(mode_of(fifo)));
    BOOST_TEST(text(call("r", python_request("echo", R"({"text": "again"})"))) == result(R"("again")"));

    // a regular file at the path is never removed or written; once it is gone, the FIFO comes back
    BOOST_REQUIRE(::unlink(fifo.c_str()) == 0);
    std::ofstream(fifo) << "precious";
    std::this_thread::sleep_for(500ms); // five checks
    BOOST_TEST(S_ISREG(mode_of(fifo)));
    std::string content;
    std::ifstream(fifo) >> content;
    BOOST_TEST(content == "precious");
    BOOST_REQUIRE(::unlink(fifo.c_str()) == 0);
    BOOST_REQUIRE(wait_until([&] { return exists(fifo); }));
    BOOST_TEST(S_ISFIFO(mode_of(fifo)));
    BOOST_TEST(text(call("r", python_request("echo", R"({"text": "back"})"))) == result(R"("back")"));
    server->stop();
    BOOST_TEST(!exists(fifo));
}

// --- requests and replies ------------------------------------------------------------------------------------

BOOST_FIXTURE_TEST_CASE(python_opensips_request_bytes, fixture) {
    // the spec 6.1 example's reply name, and python's json.dumps spacing
    std::string const name = "opensips_fifo_reply_42_1700000000_5";
    BOOST_TEST(text(call(name, python_request("echo", R"({"text": "hello"})"))) == result(R"("hello")"));
    BOOST_TEST(text(call(name, python_request("who"))) == result(R"("fifo opensips_fifo_reply_42_1700000000_5")"));
    BOOST_TEST(text(call(name, python_request("echo", R"(["positional"])"))) == result(R"("positional")"));
    BOOST_TEST(text(call(name, python_request("nope"))) ==
               R"({"jsonrpc":"2.0","error":{"code":-32601,"message":"Method not found"},"id":"1234"})");
    BOOST_TEST(text(call(name, python_request("boom"))) ==
               R"({"jsonrpc":"2.0","error":{"code":-32603,"message":"Internal error"},"id":"1234"})");
    // python-opensips' check before every call: open for writing, close, no data
    ::close(::open(fifo.c_str(), O_WRONLY));
    BOOST_TEST(text(call(name, python_request("echo", R"({"text": "after"})"))) == result(R"("after")"));
    // whitespace before the frame and before the JSON
    make_reply_fifo(reply_path("ws"));
    write_request(fifo, " \n\t:ws: \n" + python_request("echo", R"({"text": "spaced"})"));
    BOOST_TEST(text(read_reply(reply_path("ws"))) == result(R"("spaced")"));
}

BOOST_FIXTURE_TEST_CASE(several_requests_in_one_write, fixture) {
    for (auto const* name : {"r1", "r2", "r3"}) make_reply_fifo(reply_path(name));
    write_request(fifo, ":r1:" + python_request("echo", R"({"text": "one"})", "1") + ":r2:" +
                            python_request("echo", R"({"text": "two"})", "2") + "\n:r3:" +
                            python_request("echo", R"({"text": "three"})", "3") + "\n");
    auto r1 = std::async(std::launch::async, [&] { return read_reply(reply_path("r1")); });
    auto r2 = std::async(std::launch::async, [&] { return read_reply(reply_path("r2")); });
    auto r3 = std::async(std::launch::async, [&] { return read_reply(reply_path("r3")); });
    BOOST_TEST(text(r1.get()) == result(R"("one")", R"("1")"));
    BOOST_TEST(text(r2.get()) == result(R"("two")", R"("2")"));
    BOOST_TEST(text(r3.get()) == result(R"("three")", R"("3")"));
}

BOOST_FIXTURE_TEST_CASE(a_request_split_over_two_writes, fixture) {
    split_request_is_joined();
}

BOOST_FIXTURE_TEST_CASE(an_unfinished_request_is_answered_parse_error_when_too_long_or_left_idle, fixture) {
    auto o = options();
    o.max_request = 200;
    o.check_interval = 100ms;
    std::vector<std::string> hits;
    std::mutex hits_mutex;
    o.on_limit = [&](std::string_view limit, mi::context const&) {
        std::lock_guard lock(hits_mutex);
        hits.emplace_back(limit);
    };
    start(o);
    std::string const request = python_request("echo", R"({"text": ")" + std::string(300, 'y') + "\"}");
    make_reply_fifo(reply_path("long"));
    write_request(fifo, ":long:" + request.substr(0, 150)); // kept: it may still end
    write_request(fifo, request.substr(150, 100));          // over max_request, still unfinished
    std::string const parse_error = R"({"jsonrpc":"2.0","error":{"code":-32700,"message":"Parse error"},"id":null})";
    BOOST_TEST(text(read_reply(reply_path("long"))) == parse_error);

    make_reply_fifo(reply_path("idle"));
    write_request(fifo, ":idle:" + request.substr(0, 50)); // its end never comes
    BOOST_TEST(text(read_reply(reply_path("idle"))) == parse_error);
    BOOST_TEST(text(call("next", python_request("echo", R"({"text": "next"})"))) == result(R"("next")"));
    std::lock_guard lock(hits_mutex);
    BOOST_TEST((hits == std::vector<std::string>{"request", "timeout"}));
}

BOOST_FIXTURE_TEST_CASE(an_unfinished_request_does_not_take_the_next_client_with_it, fixture) {
    make_reply_fifo(reply_path("cut"));
    write_request(fifo, ":cut:" + python_request("count").substr(0, 30));
    std::this_thread::sleep_for(50ms);
    make_reply_fifo(reply_path("whole"));
    write_request(fifo, ":whole:" + python_request("echo", R"({"text": "whole"})"));
    auto whole = std::async(std::launch::async, [&] { return read_reply(reply_path("whole")); });
    BOOST_TEST(text(read_reply(reply_path("cut"))) ==
               R"({"jsonrpc":"2.0","error":{"code":-32700,"message":"Parse error"},"id":null})");
    BOOST_TEST(text(whole.get()) == result(R"("whole")"));
}

BOOST_FIXTURE_TEST_CASE(empty_reply_name_runs_without_reply, fixture) {
    int const before = counter.load();
    write_request(fifo, "::" + python_request("count"));
    BOOST_TEST(count_after_sync() == before + 2);
}

BOOST_FIXTURE_TEST_CASE(a_notification_opens_and_closes_the_reply_fifo, fixture) {
    int const before = counter.load();
    auto const reply = call("note", R"({"jsonrpc": "2.0", "method": "count", "params": {}})");
    BOOST_REQUIRE(reply); // opened by the server, then EOF
    BOOST_TEST(reply->empty());
    BOOST_TEST(counter.load() == before + 1);
}

BOOST_FIXTURE_TEST_CASE(unsafe_reply_names_are_dropped_without_running, fixture) {
    int const before = counter.load();
    std::filesystem::create_directory(dir.path + "/sub");
    make_reply_fifo(dir.path + "/sub/x");
    make_reply_fifo(dir.path + "/a.b");
    std::string const long_name(128 - reply_dir.size(), 'n'); // reply path of exactly 128 bytes
    make_reply_fifo(reply_path(long_name));
    std::string const count = python_request("count");
    write_request(fifo, ":a.b:" + count + ":sub/x:" + count + ":a\\b:" + count + ":" + long_name + ":" + count);
    BOOST_TEST(count_after_sync() == before + 1);
    // a 127-byte reply path is fine
    std::string const longest(long_name.size() - 1, 'n');
    BOOST_TEST(text(call(longest, python_request("echo", R"({"text": "ok"})"))) == result(R"("ok")"));
}

BOOST_FIXTURE_TEST_CASE(a_reply_path_that_is_not_a_fifo_of_its_own_is_refused, fixture) {
    int const before = counter.load();
    std::ofstream(reply_path("regular")) << "";
    std::string const target = reply_path("target");
    BOOST_REQUIRE(::mkfifo(target.c_str(), 0666) == 0);
    BOOST_REQUIRE(::symlink(target.c_str(), reply_path("link").c_str()) == 0);
    BOOST_REQUIRE(::mkfifo(reply_path("linked").c_str(), 0666) == 0);
    BOOST_REQUIRE(::link(reply_path("linked").c_str(), reply_path("second_name").c_str()) == 0);
    std::string const count = python_request("count");
    write_request(fifo, ":regular:" + count + ":link:" + count + ":linked:" + count);
    BOOST_TEST(count_after_sync() == before + 1); // none of the three ran
    BOOST_TEST(std::filesystem::file_size(reply_path("regular")) == 0u);
}

BOOST_FIXTURE_TEST_CASE(no_reader_no_run, fixture) {
    int const before = counter.load();
    auto const start = std::chrono::steady_clock::now();
    write_request(fifo, ":missing:" + python_request("count"));
    BOOST_TEST(count_after_sync() == before + 1);
    BOOST_TEST((std::chrono::steady_clock::now() - start >= 300ms)); // 4 retries, 80 ms apart
}

BOOST_FIXTURE_TEST_CASE(a_reader_that_comes_late_is_found_by_the_retries, fixture) {
    make_reply_fifo(reply_path("late"));
    write_request(fifo, ":late:" + python_request("echo", R"({"text": "late"})"));
    std::this_thread::sleep_for(150ms);
    BOOST_TEST(text(read_reply(reply_path("late"))) == result(R"("late")"));
}

BOOST_FIXTURE_TEST_CASE(bad_json_with_a_reply_name_is_answered_parse_error, fixture) {
    int const before = counter.load();
    make_reply_fifo(reply_path("bad"));
    // the rest of that write is dropped with it
    write_request(fifo, R"(:bad:{"jsonrpc": "2.0", oops}:after:)" + python_request("count"));
    BOOST_TEST(text(read_reply(reply_path("bad"))) ==
               R"({"jsonrpc":"2.0","error":{"code":-32700,"message":"Parse error"},"id":null})");
    BOOST_TEST(count_after_sync() == before + 1);
    // garbage without a frame is dropped and the server carries on
    write_garbage(fifo, "garbage without a colon");
    write_garbage(fifo, "::{not json");
    BOOST_TEST(text(call("still", python_request("echo", R"({"text": "alive"})"))) == result(R"("alive")"));
}

BOOST_FIXTURE_TEST_CASE(a_long_answer_to_a_slow_reader_is_written_whole, fixture) {
    make_reply_fifo(reply_path("big"));
    write_request(fifo, ":big:" + python_request("big", R"({"size": 300000})"));
    auto const reply = read_reply(reply_path("big"), 8000ms, 2ms);
    BOOST_REQUIRE(reply);
    BOOST_TEST(reply->size() == result('"' + std::string(300000, 'x') + '"').size());
    BOOST_TEST((*reply == result('"' + std::string(300000, 'x') + '"')));
}

// The reader opens the reply FIFO, takes one chunk of a long answer, then waits `then_wait` and reads on (or,
// without it, closes). Returns how much it got.
std::size_t read_a_chunk_then(std::string const& path, std::optional<std::chrono::milliseconds> then_wait) {
    int const fd = ::open(path.c_str(), O_RDONLY);
    BOOST_REQUIRE(fd >= 0);
    char chunk[8192];
    ssize_t n = ::read(fd, chunk, sizeof chunk);
    BOOST_REQUIRE(n > 0);
    std::size_t got = static_cast<std::size_t>(n);
    if (then_wait) {
        std::this_thread::sleep_for(*then_wait);
        while ((n = ::read(fd, chunk, sizeof chunk)) > 0) got += static_cast<std::size_t>(n);
    }
    ::close(fd);
    return got;
}

BOOST_FIXTURE_TEST_CASE(a_reader_that_stops_reading_is_given_up_after_the_reply_timeout, fixture) {
    auto o = options();
    o.reply_timeout = 200ms;
    start(o);
    make_reply_fifo(reply_path("stalled"));
    write_request(fifo, ":stalled:" + python_request("big", R"({"size": 300000})"));
    // the server closes the reply FIFO while the reader sleeps: it finds the end of what the pipe held
    BOOST_TEST(read_a_chunk_then(reply_path("stalled"), 1000ms) < 300000u);
    BOOST_TEST(text(call("next", python_request("echo", R"({"text": "next"})"))) == result(R"("next")"));
}

BOOST_FIXTURE_TEST_CASE(a_reader_that_goes_away_mid_answer_does_not_end_the_server, fixture) {
    // SIGPIPE's default action would end this process, server and all
    make_reply_fifo(reply_path("gone"));
    write_request(fifo, ":gone:" + python_request("big", R"({"size": 300000})"));
    BOOST_TEST(read_a_chunk_then(reply_path("gone"), std::nullopt) > 0u);
    BOOST_TEST(text(call("next", python_request("echo", R"({"text": "next"})"))) == result(R"("next")"));
    sigset_t pending;
    sigemptyset(&pending);
    ::sigpending(&pending);
    BOOST_TEST(!sigismember(&pending, SIGPIPE));
}

// write_no_sigpipe to a pipe without a reader, in a thread of its own so that its signal mask is the test's.
BOOST_AUTO_TEST_CASE(writing_to_a_pipe_without_reader_is_epipe_and_leaves_the_signal_state_as_it_was) {
    using mi::transport::detail::write_no_sigpipe;
    int ends[2];
    BOOST_REQUIRE(::pipe(ends) == 0);
    ::close(ends[0]);
    std::thread([&ends] {
        sigset_t pipe_only, mask, pending;
        sigemptyset(&pipe_only);
        sigaddset(&pipe_only, SIGPIPE);
        auto const state = [&] {
            ::pthread_sigmask(SIG_SETMASK, nullptr, &mask);
            sigemptyset(&pending);
            ::sigpending(&pending);
            return std::pair{sigismember(&mask, SIGPIPE) == 1, sigismember(&pending, SIGPIPE) == 1};
        };
        auto const epipe = [&] { return write_no_sigpipe(ends[1], "x", 1) < 0 && errno == EPIPE; };

        // unblocked, as in most threads: no signal, and still unblocked
        BOOST_TEST(epipe());
        BOOST_TEST((state() == std::pair{false, false}));
        // blocked by the caller, nothing pending: still blocked, nothing left pending
        ::pthread_sigmask(SIG_BLOCK, &pipe_only, nullptr);
        BOOST_TEST(epipe());
        BOOST_TEST((state() == std::pair{true, false}));
        // blocked, and a SIGPIPE of the caller's own already pending: it stays
        ::pthread_kill(::pthread_self(), SIGPIPE);
        BOOST_TEST(epipe());
        BOOST_TEST((state() == std::pair{true, true}));
        timespec const none{0, 0};
        BOOST_TEST(::sigtimedwait(&pipe_only, nullptr, &none) == SIGPIPE);
    }).join();
    ::close(ends[1]);
}

// --- asynchronous commands (spec 3.5) ------------------------------------------------------------------------

BOOST_FIXTURE_TEST_CASE(an_async_command_answers_twice_each_with_its_own_open_and_close, fixture) {
    make_reply_fifo(reply_path("async"));
    write_request(fifo, ":async:" + python_request("slow"));
    BOOST_TEST(text(read_reply(reply_path("async"))) == result(R"("working")"));
    BOOST_TEST(text(read_reply(reply_path("async"))) == result(R"("done")"));
}

BOOST_FIXTURE_TEST_CASE(a_request_beyond_the_pending_bound_is_told_the_server_is_busy, fixture) {
    auto o = options();
    o.max_pending = 1;
    std::vector<std::string> hits;
    std::mutex hits_mutex;
    o.on_limit = [&](std::string_view limit, mi::context const& ctx) {
        std::lock_guard lock(hits_mutex);
        hits.push_back(std::string(limit) + ' ' + std::string(ctx.peer));
    };
    start(o);
    make_reply_fifo(reply_path("async"));
    write_request(fifo, ":async:" + python_request("slow"));
    BOOST_TEST(text(read_reply(reply_path("async"))) == result(R"("working")")); // one pending now

    // The busy answer is tried once, without waiting: this client is reading before it asks.
    make_reply_fifo(reply_path("busy"));
    int const reader = ::open(reply_path("busy").c_str(), O_RDONLY | O_NONBLOCK);
    BOOST_REQUIRE(reader >= 0);
    int const before = counter.load();
    write_request(fifo, ":busy:" + python_request("count"));
    std::string busy;
    pollfd p{reader, POLLIN, 0};
    while (::poll(&p, 1, 3000) > 0) {
        char chunk[512];
        ssize_t const n = ::read(reader, chunk, sizeof chunk);
        if (n > 0) busy.append(chunk, static_cast<std::size_t>(n));
        else if (n == 0) break;
    }
    ::close(reader);
    BOOST_TEST(busy == R"({"jsonrpc":"2.0","error":{"code":-32000,"message":"Server error","data":"Server busy"},"id":null})");
    BOOST_TEST(counter.load() == before); // not run
    BOOST_TEST(text(read_reply(reply_path("async"))) == result(R"("done")"));
    BOOST_TEST(text(call("after", python_request("echo", R"({"text": "after"})"))) == result(R"("after")"));
    std::lock_guard lock(hits_mutex);
    BOOST_TEST(hits == std::vector<std::string>{"queue busy"});
}

BOOST_FIXTURE_TEST_CASE(an_async_command_that_never_answers_gets_the_failed_answer_after_its_timeout, fixture) {
    auto o = options();
    o.max_pending = 1;
    o.async_timeout = 200ms;
    std::atomic<int> timeouts{0};
    o.on_limit = [&](std::string_view limit, mi::context const&) { timeouts += limit == "timeout"; };
    start(o);
    auto const start_time = std::chrono::steady_clock::now();
    BOOST_TEST(text(call("held", python_request("hold"))) == "failed to build response");
    BOOST_TEST((std::chrono::steady_clock::now() - start_time >= 190ms));
    BOOST_TEST(timeouts.load() == 1);
    BOOST_TEST(text(call("after", python_request("echo", R"({"text": "after"})"))) == result(R"("after")"));
    finish_held("too late"); // dropped: the call is over
    BOOST_TEST(text(call("later", python_request("echo", R"({"text": "later"})"))) == result(R"("later")"));
}

BOOST_FIXTURE_TEST_CASE(calls_have_the_permission_the_fifo_grants, fixture) {
    auto o = options();
    o.granted = mi::permission::write;
    start(o);
    BOOST_TEST(text(call("r", python_request("count"))) ==
               R"({"jsonrpc":"2.0","error":{"code":-32003,"message":"Permission denied","data":)"
               R"("count called so needs the 'admin' permission; this caller has 'write'"},"id":"1234"})");
}

BOOST_FIXTURE_TEST_CASE(an_async_command_that_fails, fixture) {
    BOOST_TEST(text(call("failed", python_request("broken"))) == "failed to build response");
}

BOOST_FIXTURE_TEST_CASE(stop_while_an_async_command_is_pending, fixture) {
    make_reply_fifo(reply_path("pending"));
    write_request(fifo, ":pending:" + python_request("slow"));
    BOOST_TEST(text(read_reply(reply_path("pending"))) == result(R"("working")"));
    server->stop(); // the final answer comes to a stopped server and is dropped
    BOOST_TEST(!exists(fifo));
    join_workers();
}

// --- busy polling ---------------------------------------------------------------------------------------------

BOOST_FIXTURE_TEST_CASE(busy_polling_serves_as_the_reactor_does_and_leaves_the_io_context_to_others, fixture) {
    auto o = options();
    o.busy_poll = 10s; // it polls throughout
    start(o);
    int const before = counter.load();
    for (int i = 1; i <= 20; ++i)
        BOOST_TEST(text(call("polled", python_request("count"))) == result(std::to_string(before + i)));
    // a request in two writes, and one that is not JSON
    split_request_is_joined();
    BOOST_TEST(text(call("bad", "{oops}")) == R"({"jsonrpc":"2.0","error":{"code":-32700,"message":"Parse error"},"id":null})");
    // other work on the io_context still runs while the server polls
    std::promise<void> ran;
    boost::asio::post(loop.context(), [&ran] { ran.set_value(); });
    BOOST_TEST((ran.get_future().wait_for(2s) == std::future_status::ready));
    // an asynchronous command's answers come from another thread while the server polls
    make_reply_fifo(reply_path("async"));
    write_request(fifo, ":async:" + python_request("slow"));
    BOOST_TEST(text(read_reply(reply_path("async"))) == result(R"("working")"));
    BOOST_TEST(text(read_reply(reply_path("async"))) == result(R"("done")"));
    join_workers();
    server->stop(); // while polling
    BOOST_TEST(!exists(fifo));
}

BOOST_FIXTURE_TEST_CASE(busy_polling_stops_once_no_request_came_for_its_time, fixture) {
    auto o = options();
    o.busy_poll = 20ms;
    start(o);
    int const before = counter.load();
    BOOST_TEST(text(call("polled", python_request("count"))) == result(std::to_string(before + 1)));
    std::this_thread::sleep_for(100ms); // the polling ends
    auto const cpu = process_cpu_time();
    std::this_thread::sleep_for(500ms);
    // a thread still polling would have used about all of the 500 ms
    BOOST_TEST((process_cpu_time() - cpu).count() < 250);
    // the reactor serves the next one, and it polls again
    BOOST_TEST(text(call("polled", python_request("count"))) == result(std::to_string(before + 2)));
    BOOST_TEST(text(call("polled", python_request("count"))) == result(std::to_string(before + 3)));
}

BOOST_FIXTURE_TEST_CASE(no_descriptor_is_left_open, fixture) {
    server.reset();
    auto const before = open_fds();
    start();
    BOOST_TEST(text(call("a", python_request("echo", R"({"text": "a"})"))) == result(R"("a")"));
    make_reply_fifo(reply_path("async"));
    write_request(fifo, ":async:" + python_request("slow"));
    BOOST_TEST(text(read_reply(reply_path("async"))) == result(R"("working")"));
    BOOST_TEST(text(read_reply(reply_path("async"))) == result(R"("done")"));
    write_request(fifo, ":missing:" + python_request("count"));
    BOOST_TEST(text(call("b", python_request("echo", R"({"text": "b"})"))) == result(R"("b")"));
    join_workers();
    server.reset();
    BOOST_TEST(open_fds() == before);
}

// Copyright (c) 2026 the mi authors. Distributed under the Boost Software License, Version 1.0.
// SPDX-License-Identifier: BSL-1.0
//
// The OpenSIPS 3.x core commands (spec section 5) over a small daemon's real state: its processes, log levels,
// statistics, events and an in-memory cache. mi_daemon serves this set over every transport.
#pragma once

#include <mi/events.hpp>
#include <mi/mi.hpp>
#include <mi/statistics.hpp>

#include <algorithm>
#include <array>
#include <atomic>
#include <cctype>
#include <condition_variable>
#include <cstdio>
#include <chrono>
#include <cstdint>
#include <ctime>
#include <functional>
#include <map>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <thread>
#include <vector>

#include <unistd.h>

namespace daemon_core {

/** OpenSIPS's log levels: -3 alert .. 4 debug. */
enum log_levels : int { alert = -3, critical = -2, error = -1, warning = 1, notice = 2, info = 3, debug = 4 };

struct process_row {
    int ID;
    long PID;
    std::string Type;
};
BOOST_DESCRIBE_STRUCT(process_row, (), (ID, PID, Type))

struct process_level {
    long PID;
    int level;
    std::string Type;
};

/** `core:` statistics. */
struct core_statistics {
    mi::counter rcv_requests{"MI requests received, on every transport"};
};
BOOST_DESCRIBE_STRUCT(core_statistics, (), (rcv_requests))

/** `mi:` statistics: requests per transport and what became of them; the limits met are added at run time. */
struct mi_statistics {
    mi::counter http_requests{"requests received over HTTP (JSON-RPC, the HTML page, XML-RPC)"};
    mi::counter fifo_requests{"requests received through the FIFO"};
    mi::counter datagram_requests{"requests received over UDP and UNIX datagrams"};
    mi::counter inproc_requests{"requests made in process"};
    mi::counter errors{"answers that were JSON-RPC errors"};
    mi::counter notifications{"requests that were notifications, answered with nothing"};
    mi::counter denied{"calls refused because the caller lacked the permission"};
};
BOOST_DESCRIBE_STRUCT(mi_statistics, (),
                      (http_requests, fifo_requests, datagram_requests, inproc_requests, errors, notifications, denied))

/** E_CORE_LOG_LEVEL's params: the new level, and the thread's id when only one thread's changed. */
struct log_level_change {
    int level;
    std::optional<long> pid;
};
BOOST_DESCRIBE_STRUCT(log_level_change, (), (level, pid))

/** E_STATISTIC_THRESHOLD's params: which statistic reached which threshold (mi_daemon --threshold), and its value. */
struct threshold_reached {
    std::string statistic;
    std::uint64_t value;
    std::uint64_t threshold;
};
BOOST_DESCRIBE_STRUCT(threshold_reached, (), (statistic, value, threshold))

/** The events mi_daemon raises. */
inline constexpr auto declared_events = mi::event_set(
    mi::event<"E_CORE_LOG_LEVEL", log_level_change>("the log level changed, of every thread or of one (pid)"),
    mi::event<"E_STATISTIC_THRESHOLD", threshold_reached>("a statistic reached a threshold set with --threshold"));
using events_type = mi::events<std::remove_cvref_t<decltype(declared_events)>>;

class state {
public:
    state(std::vector<std::string> arguments, std::string version, std::string revision)
        : arguments_(std::move(arguments)), version_(std::move(version)), revision_(std::move(revision)),
          started_(std::chrono::system_clock::now()) {
        add_process("attendant");
        for (std::size_t i = 0; i < std::size(limit_names); ++i)
            limits_[i] = &statistics_.add_counter("mi", "limit_" + std::string(limit_names[i]),
                                                  "requests that met the " + std::string(limit_names[i]) + " limit");
        statistics_.add_computed("cache", "entries", [this] {
            std::lock_guard lock(mutex_);
            return static_cast<std::uint64_t>(cache_.size());
        }, "keys in the 'local' cache");
    }

    /** What get_statistics and the Prometheus endpoint read; given to the dispatcher beside this object. */
    mi::statistics& statistics() noexcept { return statistics_; }

    /** The daemon's events; their hub is given to the dispatcher for the event commands. The io_context of its
        deliveries must outlive this object. */
    events_type& events() noexcept { return events_; }

    // --- the daemon's side -----------------------------------------------------------------------------------

    /** Registers a thread of the daemon for `ps` and `log_level`; its PID is the thread's id. */
    int add_process(std::string type) {
        std::lock_guard lock(mutex_);
        processes_.push_back({static_cast<long>(gettid()), global_level_, std::move(type)});
        return static_cast<int>(processes_.size() - 1);
    }

    /** Counts one request that came in through `transport`, and whether its answer was an error. */
    void count_request(std::string_view transport) {
        core_counts_.rcv_requests.increment();
        if (transport == "http") mi_counts_.http_requests.increment();
        else if (transport == "fifo") mi_counts_.fifo_requests.increment();
        else if (transport == "datagram") mi_counts_.datagram_requests.increment();
        else if (transport == "inproc") mi_counts_.inproc_requests.increment();
    }
    void count_error() { mi_counts_.errors.increment(); }
    void count_notification() { mi_counts_.notifications.increment(); }
    void count_denied() { mi_counts_.denied.increment(); }
    /** Counts a request that met one of the limits (`mi::limit_hook`'s names): `mi:limit_NAME`. */
    void count_limit(std::string_view limit) {
        for (std::size_t i = 0; i < std::size(limit_names); ++i)
            if (limit_names[i] == limit) return limits_[i]->increment();
    }

    /** Every limit the library reports (see mi::limit_hook). */
    static constexpr std::string_view limit_names[] = {"batch",   "depth",  "params",      "string",
                                                       "body",    "header", "connections", "requests_per_connection",
                                                       "timeout", "queue",  "request"};

    /** Writes `line` to stderr when `level` is enabled for the calling process (the daemon's real log). */
    void log(int level, std::string_view line) const {
        if (level > level_of_caller()) return;
        write_log(line);
    }

    /** Writes `line` whatever the log level: an audit trail that `log_level` could silence would not be one. */
    void write_log(std::string_view line) const {
        std::lock_guard lock(log_mutex_);
        std::fprintf(stderr, "mi_daemon[%ld]: %.*s\n", static_cast<long>(gettid()), static_cast<int>(line.size()),
                     line.data());
    }

    int global_level() const {
        std::lock_guard lock(mutex_);
        return global_level_;
    }

    /** Set by `kill`; the daemon's main loop watches it. */
    std::function<void()> on_kill;

    std::uint64_t value_of(std::string_view group, std::string_view name) const {
        std::uint64_t found = 0;
        statistics_.each([&](mi::statistic_view const& s) {
            if (s.group == group && s.name == name) found = s.value;
        });
        return found;
    }

    // --- the commands ----------------------------------------------------------------------------------------

    boost::json::object ps() const {
        std::lock_guard lock(mutex_);
        boost::json::array rows;
        for (std::size_t i = 0; i < processes_.size(); ++i)
            rows.push_back(boost::json::value_from(process_row{static_cast<int>(i), processes_[i].PID, processes_[i].Type}));
        return {{"Processes", std::move(rows)}};
    }

    boost::json::object uptime() const {
        auto const now = std::chrono::system_clock::now();
        auto const seconds = std::chrono::duration_cast<std::chrono::seconds>(now - started_).count();
        return {{"Now", ctime_text(now)}, {"Up since", ctime_text(started_)}, {"Up time", std::to_string(seconds) + " [sec]"}};
    }

    boost::json::object version() const { return {{"Server", version_}}; }
    boost::json::object version_with_revision(std::string_view /*revision: its value is ignored, as OpenSIPS does*/) const {
        return {{"Server", version_}, {"git", revision_}};
    }

    boost::json::object pwd() const {
        char buffer[4096];
        return {{"WD", getcwd(buffer, sizeof buffer) ? buffer : ""}};
    }

    std::vector<std::string> const& arg() const { return arguments_; }

    void kill() const {
        if (on_kill) on_kill();
    }

    boost::json::object log_levels() const {
        std::lock_guard lock(mutex_);
        boost::json::array rows;
        for (auto const& p : processes_) rows.push_back({{"PID", p.PID}, {"Log level", p.level}, {"Type", p.Type}});
        return {{"Processes", std::move(rows)}};
    }

    boost::json::object set_global_level(int level) {
        {
            std::lock_guard lock(mutex_);
            global_level_ = level;
            for (auto& p : processes_) p.level = level;
        }
        events_.raise<"E_CORE_LOG_LEVEL">(log_level_change{level, std::nullopt});
        return {{"New global log level", level}};
    }

    mi::result<boost::json::object> set_process_level(int level, long pid) {
        {
            std::lock_guard lock(mutex_);
            auto const p = std::find_if(processes_.begin(), processes_.end(), [&](auto const& p) { return p.PID == pid; });
            if (p == processes_.end()) return mi::error(mi::errc::invalid_params, "Bad PID");
            p->level = level;
        }
        events_.raise<"E_CORE_LOG_LEVEL">(log_level_change{level, pid});
        return boost::json::object{{"Log level", level}};
    }

    boost::json::object xlog_level() const { return {{"xLog Level", xlog_level_.load()}}; }
    boost::json::object set_xlog_level(int level) {
        xlog_level_ = level;
        return {{"New xLog level", level}};
    }

    mi::result<void> cache_store(std::string const& system, std::string const& attr, std::string const& value) {
        return cache_store_expiring(system, attr, value, 0);
    }

    mi::result<void> cache_store_expiring(std::string const& system, std::string const& attr, std::string const& value,
                                          std::int64_t expire) {
        if (system.empty()) return mi::error(mi::errc::invalid_params, "Empty memory cache id");
        if (attr.empty()) return mi::error(mi::errc::invalid_params, "Empty attribute name");
        if (value.empty()) return mi::error(mi::errc::invalid_params, "Empty value");
        if (expire < 0) return mi::error(mi::errc::invalid_params, "Negative expire value");
        if (system != cache_system) return mi::error(500, "Cache store command failed");
        std::lock_guard lock(mutex_);
        auto& entry = cache_[attr];
        entry.value = value;
        entry.expires = expire > 0 ? std::optional(std::chrono::steady_clock::now() + std::chrono::seconds(expire))
                                   : std::nullopt; // 0: never
        return {};
    }

    mi::result<boost::json::object> cache_fetch(std::string const& system, std::string const& attr) {
        if (system != cache_system) return mi::error(500, "Cache fetch command failed");
        std::lock_guard lock(mutex_);
        expire_cache();
        auto found = cache_.find(attr);
        if (found == cache_.end()) return mi::error(400, "Value not found");
        return boost::json::object{{"key", attr}, {"value", found->second.value}};
    }

    mi::result<void> cache_remove(std::string const& system, std::string const& attr) {
        if (system != cache_system) return mi::error(500, "Cache remove command failed");
        std::lock_guard lock(mutex_);
        cache_.erase(attr);
        return {};
    }

    static constexpr std::string_view cache_system = "local";

    /** The asynchronous example: without a handle it answers `text` at once; with one it answers "working"
        (provisional) now and `text` (final) after `delay_ms` from a thread of its own. */
    mi::async_result<std::string> async_echo(mi::async_reply reply, std::string text, std::optional<int> delay_ms) {
        if (!reply) return text;
        std::lock_guard lock(mutex_);
        std::erase_if(workers_, [](worker const& w) { return w.done->load(); }); // finished: joined here
        auto done = std::make_shared<std::atomic<bool>>(false);
        auto const delay = std::chrono::milliseconds(delay_ms.value_or(1000));
        workers_.push_back({done, std::jthread([reply, text = std::move(text), delay, done](std::stop_token stop) {
                                reply.provisional("working");
                                std::mutex m;
                                std::condition_variable_any woken;
                                std::unique_lock wait(m);
                                // a daemon stopping meanwhile ends the wait, and the call fails instead
                                woken.wait_for(wait, stop, delay, [] { return false; });
                                if (stop.stop_requested()) reply.fail();
                                else reply.finish(text);
                                *done = true;
                            })});
        return mi::answer_later;
    }

    /** Holds the thread that runs it for `ms` (at most 10 s): a slow synchronous handler, which holds one
        of the daemon's threads and nothing else. */
    std::string sleep(int ms) const {
        std::this_thread::sleep_for(std::chrono::milliseconds(std::clamp(ms, 0, 10000)));
        return "slept";
    }

private:
    struct cache_entry {
        std::string value;
        std::optional<std::chrono::steady_clock::time_point> expires;
    };

    static std::string ctime_text(std::chrono::system_clock::time_point at) {
        std::time_t const t = std::chrono::system_clock::to_time_t(at);
        char buffer[32];
        std::string text = ctime_r(&t, buffer) ? buffer : "";
        if (!text.empty() && text.back() == '\n') text.pop_back();
        return text;
    }

    int level_of_caller() const {
        std::lock_guard lock(mutex_);
        long const me = static_cast<long>(gettid());
        for (auto const& p : processes_)
            if (p.PID == me) return p.level;
        return global_level_;
    }

    void expire_cache() {
        auto const now = std::chrono::steady_clock::now();
        std::erase_if(cache_, [&](auto const& entry) { return entry.second.expires && *entry.second.expires <= now; });
    }

    std::vector<std::string> arguments_;
    std::string version_;
    std::string revision_;
    std::chrono::system_clock::time_point started_;
    mutable std::mutex mutex_;
    mutable std::mutex log_mutex_;
    int global_level_ = info;
    std::atomic<int> xlog_level_{info};
    std::vector<process_level> processes_;
    mi::statistics statistics_;
    mi::counter& dropped_events_ = statistics_.add_counter("events", "dropped",
                                                           "notifications a subscriber lost (its queue full, too large)");
    events_type events_{declared_events, {.on_drop = [this](std::string_view, std::string_view, std::string_view) {
                                              dropped_events_.increment();
                                          }}};
    core_statistics& core_counts_ = statistics_.add_group<core_statistics>("core");
    mi_statistics& mi_counts_ = statistics_.add_group<mi_statistics>("mi");
    std::array<mi::counter*, std::size(limit_names)> limits_{};
    std::map<std::string, cache_entry> cache_;
    struct worker {
        std::shared_ptr<std::atomic<bool>> done;
        std::jthread thread;
    };
    std::vector<worker> workers_; // last: stopped and joined before the rest goes
};

// The OpenSIPS 3.x core set (spec section 5): names, recipes, help texts.
inline constexpr auto commands = mi::command_set(
    mi::command<"uptime">("the current time, when the daemon started, and for how many seconds it has run",
                          mi::needs_read, mi::recipe<&state::uptime>),
    mi::command<"version">("the daemon's version; with 'revision', also the revision it was built from", mi::needs_read,
                           mi::recipe<&state::version>, mi::recipe<&state::version_with_revision, "revision">),
    mi::command<"pwd">("the daemon's working directory", mi::needs_read, mi::recipe<&state::pwd>),
    mi::command<"arg">("the command line the daemon was started with", mi::needs_read, mi::recipe<&state::arg>),
    mi::command<"ps">("the daemon's threads: index, thread id and role", mi::needs_read, mi::recipe<&state::ps>),
    mi::command<"kill">("stops the daemon once this answer is sent", mi::recipe<&state::kill>),
    mi::command<"log_level">("reads the log level of every thread, sets it for all, or for one thread id", mi::needs_read,
                             mi::recipe<&state::log_levels>, mi::needs_admin(mi::recipe<&state::set_global_level, "level">),
                             mi::needs_admin(mi::recipe<&state::set_process_level, "level", "pid">)),
    mi::command<"xlog_level">("reads or sets the script log level", mi::needs_read,
                              mi::recipe<&state::xlog_level>, mi::needs_admin(mi::recipe<&state::set_xlog_level, "level">)),
    mi::statistics_commands,
    mi::event_commands,
    mi::command<"cache_store">("stores a value under a key in the 'local' cache, optionally expiring after some seconds",
                               mi::needs_write, mi::recipe<&state::cache_store, "system", "attr", "value">,
                               mi::recipe<&state::cache_store_expiring, "system", "attr", "value", "expire">),
    mi::command<"cache_fetch">("the value stored under a key in the 'local' cache", mi::needs_read,
                               mi::recipe<&state::cache_fetch, "system", "attr">),
    mi::command<"cache_remove">("removes a key from the 'local' cache", mi::needs_write,
                                mi::recipe<&state::cache_remove, "system", "attr">),
    mi::command<"async_echo">("answers 'working' at once, then the text after a delay (an asynchronous command)",
                              mi::needs_read, mi::recipe<&state::async_echo, "text", "delay_ms">, mi::async),
    mi::command<"sleep">("holds the thread that runs it for some milliseconds (at most 10,000): a slow handler",
                         mi::recipe<&state::sleep, "ms">),
    mi::service_info{"mi_daemon", "0.1.0"});

} // namespace daemon_core

// Copyright (c) 2026 the mi authors. Distributed under the Boost Software License, Version 1.0.
// SPDX-License-Identifier: BSL-1.0
//
// mi_remote_check: calls every core command of a running mi_daemon through mi::remote<daemon_core::commands>, by
// position and by name, and the same calls through mi::client::connection::call with hand-written JSON params;
// each typed result, written back as JSON, must equal the JSON answer (values that change between two calls, such as
// the time or request counters, are compared by their keys), and each error must have the same code, message and
// data. Then a batch, and `kill` with --kill. Prints one line per command, "MISMATCH ..." and exit status 1 on the
// first difference. Driven by tests/integration/remote_test.py against mi_daemon on every transport.
//
// usage: mi_remote_check http URL | fifo FIFO REPLY_DIR | udp udp:HOST:PORT | unix PATH  [--kill]
#include <mi/remote.hpp>

#include "core.hpp"

#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <functional>
#include <set>
#include <string>
#include <string_view>

namespace {

using namespace std::chrono_literals;
using boost::json::value;

[[noreturn]] void differs(std::string_view what, std::string const& typed, std::string const& json) {
    std::printf("MISMATCH %.*s\n  typed: %s\n  json:  %s\n", int(what.size()), what.data(), typed.c_str(), json.c_str());
    std::exit(1);
}

// A typed result as the JSON mi writes for it.
template <class T>
value as_json(T const& typed) {
    std::string text;
    boost::json::serializer serializer;
    mi::detail::json_writer w(text, serializer);
    mi::detail::write_json(w, typed);
    return boost::json::parse(text);
}

std::set<std::string> keys_of(value const& v) {
    std::set<std::string> keys;
    if (auto const* o = v.if_object())
        for (auto const& member : *o) keys.emplace(member.key());
    return keys;
}

enum class compare { values, keys };

std::set<std::string> checked;

template <class T>
void same(std::string_view command, std::string_view how, T const& typed, value const& json, compare by = compare::values) {
    value const written = as_json(typed);
    bool const equal = by == compare::values ? written == json : keys_of(written) == keys_of(json);
    std::string const what = std::string(command) + " " + std::string(how);
    if (!equal) differs(what, boost::json::serialize(written), boost::json::serialize(json));
    checked.emplace(command);
    std::printf("ok %s\n", what.c_str());
}

void same_void(std::string_view command, std::string_view how, value const& json) {
    if (json != value("OK")) differs(std::string(command) + " " + std::string(how), "\"OK\"", boost::json::serialize(json));
    checked.emplace(command);
    std::printf("ok %.*s %.*s\n", int(command.size()), command.data(), int(how.size()), how.data());
}

// Both calls must fail with one error.
void same_error(std::string_view command, std::string_view how, std::function<void()> typed, std::function<void()> json) {
    auto error_of = [&](std::function<void()> const& call, char const* side) {
        try {
            call();
        } catch (mi::error const& e) {
            return e;
        }
        differs(std::string(command) + " " + std::string(how), side, "answered instead of an error");
    };
    mi::error const a = error_of(typed, "typed"), b = error_of(json, "json");
    auto text = [](mi::error const& e) { return std::to_string(e.code) + " " + e.message + " / " + e.data; };
    if (!(a == b)) differs(std::string(command) + " " + std::string(how), text(a), text(b));
    checked.emplace(command);
    std::printf("ok %.*s %.*s: %s\n", int(command.size()), command.data(), int(how.size()), how.data(), text(a).c_str());
}

mi::client::connection connect(int argc, char** argv) {
    std::string_view const transport = argv[1];
    if (transport == "http") return mi::client::connection(mi::client::http_options{.url = argv[2], .timeout = 5s});
    if (transport == "fifo" && argc > 3)
        return mi::client::connection(mi::client::fifo_options{.path = argv[2], .reply_dir = argv[3], .timeout = 5s});
    if (transport == "udp" || transport == "unix")
        return mi::client::connection(mi::client::datagram_options{.socket = argv[2], .timeout = 5s});
    std::fprintf(stderr, "usage: mi_remote_check http URL | fifo FIFO REPLY_DIR | udp udp:HOST:PORT | unix PATH [--kill]\n");
    std::exit(2);
}

} // namespace

int main(int argc, char** argv) {
    if (argc < 3) connect(0, argv);
    bool const kill = std::string_view(argv[argc - 1]) == "--kill";
    mi::client::connection const json(connect(argc, argv));
    mi::remote<daemon_core::commands> const daemon(json);
    auto params = [](char const* text) { return boost::json::parse(text); };

    try {
        same("uptime", "", *daemon.call<"uptime">(), json.call("uptime"), compare::keys);
        same("version", "", *daemon.call<"version">(), json.call("version"));
        same("version", "by name", *daemon.call<"version">(mi::named<"revision">("any")), json.call("version", params(R"({"revision":"any"})")));
        same("pwd", "", *daemon.call<"pwd">(), json.call("pwd"));
        same("arg", "", *daemon.call<"arg">(), json.call("arg"));
        same("ps", "", *daemon.call<"ps">(), json.call("ps"));

        same("log_level", "", *daemon.call<"log_level">(), json.call("log_level"));
        same("log_level", "by position", *daemon.call<"log_level">(4), json.call("log_level", params("[4]")));
        same("log_level", "by name", *daemon.call<"log_level">(mi::named<"level">(3)), json.call("log_level", params(R"({"level":3})")));
        same_error("log_level", "of an unknown pid", [&] { daemon.call<"log_level">(3, 1L); },
                   [&] { json.call("log_level", params("[3, 1]")); });
        same("xlog_level", "", *daemon.call<"xlog_level">(), json.call("xlog_level"));
        same("xlog_level", "by name", *daemon.call<"xlog_level">(mi::named<"level">(2)), json.call("xlog_level", params(R"({"level":2})")));

        std::vector<std::string> const all{"all"}, core{"core:"}, errors{"mi:errors"};
        same("get_statistics", "by position", *daemon.call<"get_statistics">(all), json.call("get_statistics", params(R"([["all"]])")), compare::keys);
        same("get_statistics", "by name", *daemon.call<"get_statistics">(mi::named<"statistics">(core)),
             json.call("get_statistics", params(R"({"statistics":["core:"]})")), compare::keys);
        same("list_statistics", "", *daemon.call<"list_statistics">(), json.call("list_statistics"));
        same("list_statistics", "by name", *daemon.call<"list_statistics">(mi::named<"statistics">(core)),
             json.call("list_statistics", params(R"({"statistics":["core:"]})")));
        daemon.call<"reset_statistics">(errors);
        same_void("reset_statistics", "by position", json.call("reset_statistics", params(R"([["mi:errors"]])")));
        same_error("reset_statistics", "of an unknown statistic", [&] { daemon.call<"reset_statistics">(std::vector<std::string>{"no:such"}); },
                   [&] { json.call("reset_statistics", params(R"([["no:such"]])")); });
        daemon.call<"reset_all_statistics">();
        same_void("reset_all_statistics", "", json.call("reset_all_statistics"));

        same("events_list", "", *daemon.call<"events_list">(), json.call("events_list"));
        same("event_subscribe", "by position", *daemon.call<"event_subscribe">("E_CORE_LOG_LEVEL", "udp:127.0.0.1:9", 60),
             json.call("event_subscribe", params(R"(["E_CORE_LOG_LEVEL", "udp:127.0.0.1:9", 60])")));
        same("event_subscribe", "by name",
             *daemon.call<"event_subscribe">(mi::named<"event">("E_CORE_LOG_LEVEL"), mi::named<"socket">("udp:127.0.0.1:10")),
             json.call("event_subscribe", params(R"({"event":"E_CORE_LOG_LEVEL","socket":"udp:127.0.0.1:10"})")));
        same_error("event_subscribe", "of an unknown event", [&] { daemon.call<"event_subscribe">("E_NONE", "udp:127.0.0.1:9"); },
                   [&] { json.call("event_subscribe", params(R"(["E_NONE", "udp:127.0.0.1:9"])")); });
        same("subscribers_list", "", *daemon.call<"subscribers_list">(), json.call("subscribers_list"), compare::keys);
        same("subscribers_list", "of an event", *daemon.call<"subscribers_list">("E_CORE_LOG_LEVEL"),
             json.call("subscribers_list", params(R"(["E_CORE_LOG_LEVEL"])")), compare::keys);
        same("raise_event", "by position", *daemon.call<"raise_event">("E_CORE_LOG_LEVEL"),
             json.call("raise_event", params(R"(["E_CORE_LOG_LEVEL"])")));
        same("raise_event", "by name",
             *daemon.call<"raise_event">(mi::named<"event">("E_CORE_LOG_LEVEL"), mi::named<"params">(params(R"(["4"])"))),
             json.call("raise_event", params(R"({"event":"E_CORE_LOG_LEVEL","params":["4"]})")));
        same_error("raise_event", "with an object for params",
                   [&] { daemon.call<"raise_event">("E_CORE_LOG_LEVEL", params(R"({"level":1})")); },
                   [&] { json.call("raise_event", params(R"(["E_CORE_LOG_LEVEL", {"level":1}])")); });

        daemon.call<"cache_store">("local", "typed", "by position");
        same_void("cache_store", "by position", json.call("cache_store", params(R"(["local","json","by position"])")));
        daemon.call<"cache_store">(mi::named<"system">("local"), mi::named<"attr">("named"), mi::named<"value">("v"),
                                   mi::named<"expire">(60));
        same("cache_fetch", "by position", *daemon.call<"cache_fetch">("local", "typed"), json.call("cache_fetch", params(R"(["local","typed"])")));
        same("cache_fetch", "by name", *daemon.call<"cache_fetch">(mi::named<"system">("local"), mi::named<"attr">("named")),
             json.call("cache_fetch", params(R"({"system":"local","attr":"named"})")));
        same_error("cache_fetch", "of a missing key", [&] { daemon.call<"cache_fetch">("local", "missing"); },
                   [&] { json.call("cache_fetch", params(R"(["local","missing"])")); });
        daemon.call<"cache_remove">("local", "typed");
        same_void("cache_remove", "by name", json.call("cache_remove", params(R"({"system":"local","attr":"json"})")));

        same("async_echo", "", *daemon.call<"async_echo">("echo", 10), json.call("async_echo", params(R"(["echo", 10])")));
        same("sleep", "", *daemon.call<"sleep">(mi::named<"ms">(1)), json.call("sleep", params(R"({"ms":1})")));
        same("which", "", *daemon.call<"which">(), json.call("which"));
        same("help", "", *daemon.call<"help">("uptime"), json.call("help", params(R"(["uptime"])")));
        same("help", "by name", *daemon.call<"help">(mi::named<"mi_cmd">("log_level")), json.call("help", params(R"({"mi_cmd":"log_level"})")));
        same("rpc.discover", "", *daemon.call<"rpc.discover">(), json.call("rpc.discover"));

        auto [wd, missing, levels] = daemon.batch(daemon.prepare<"pwd">(), daemon.prepare<"cache_fetch">("local", "missing"),
                                                  daemon.prepare<"log_level">(mi::named<"level">(3)));
        if (!wd || !levels || missing) differs("batch", "a result, an error, a result", "something else");
        same("batch", "pwd", *wd, json.call("pwd"));
        same("batch", "log_level", *levels, json.call("log_level", params("[3]")));
        if (missing.error().code != 400) differs("batch", std::to_string(missing.error().code), "400");

        if (kill) {
            daemon.call<"kill">();
            checked.emplace("kill");
            std::printf("ok kill\n");
        }
    } catch (mi::error const& e) {
        std::printf("MISMATCH unexpected error %d %s %s\n", e.code, e.message.c_str(), e.data.c_str());
        return 1;
    } catch (std::exception const& e) {
        std::printf("MISMATCH %s\n", e.what());
        return 1;
    }
    std::printf("commands:");
    for (auto const& c : checked) std::printf(" %s", c.c_str());
    std::printf("\n");
}

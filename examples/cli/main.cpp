// Copyright (c) 2026 the mi authors. Distributed under the Boost Software License, Version 1.0.
// SPDX-License-Identifier: BSL-1.0
//
// mi-cli: what `opensips-cli -x mi [-j] COMMAND ARGS...` does (spec 7.6), over the FIFO, a UDP or UNIX datagram
// socket, or HTTP, with the same params, output and exit codes.
//
//   mi-cli [--fifo PATH [--reply-dir DIR]] [--udp HOST:PORT] [--unix PATH] [--http URL] [--timeout MS]
//          [-o pretty-print|none] [--] [-j] COMMAND [ARG...]
#include "arguments.hpp"

#include <mi/client.hpp>

#include <cstdio>
#include <cstdlib>
#include <iostream>
#include <optional>
#include <string>
#include <vector>

namespace {

constexpr char const* usage =
    "usage: mi-cli [--fifo PATH [--reply-dir DIR]] [--udp HOST:PORT] [--unix PATH] [--http URL] [--timeout MS]\n"
    "              [-o pretty-print|none] [--] [-j] COMMAND [ARG...]\n";

constexpr int failed = 255; // opensips-cli's exit status for every failure

} // namespace

int main(int argc, char** argv) {
    std::optional<mi::client::connection::target> target;
    std::optional<std::string> reply_dir;
    std::optional<long> timeout;
    std::string output = "pretty-print";
    int i = 1;
    auto value = [&]() -> std::string {
        if (i + 1 >= argc) {
            std::fprintf(stderr, "mi-cli: %s needs a value\n%s", argv[i], usage);
            std::exit(2);
        }
        return argv[++i];
    };
    for (; i < argc; ++i) {
        std::string_view const a = argv[i];
        if (a == "--fifo") target = mi::client::fifo_options{value()};
        else if (a == "--reply-dir") reply_dir = value();
        else if (a == "--udp") target = mi::client::datagram_options{"udp:" + value()};
        else if (a == "--unix") target = mi::client::datagram_options{value()};
        else if (a == "--http") target = mi::client::http_options{value()};
        else if (a == "--timeout") timeout = std::atol(value().c_str());
        else if (a == "-o") output = value();
        else if (a == "--") { ++i; break; }
        else break;
    }
    bool json_args = false;
    for (; i < argc && argv[i][0] == '-'; ++i) // modifiers before the command; only -j means something
        json_args = json_args || std::string_view(argv[i]) == "-j";
    if (i >= argc || (output != "pretty-print" && output != "none")) {
        std::fputs(usage, stderr);
        return 2;
    }
    std::string const command = argv[i++];
    std::vector<std::string> const args(argv + i, argv + argc);

    if (!target) target = mi::client::fifo_options{};
    std::visit(
        [&](auto& o) {
            if (timeout) o.timeout = std::chrono::milliseconds(*timeout);
            if constexpr (std::is_same_v<std::decay_t<decltype(o)>, mi::client::fifo_options>)
                if (reply_dir) o.reply_dir = *reply_dir;
        },
        *target);
    mi::client::connection const daemon(*target);

    try {
        // opensips-cli accepts only what `which` lists, spelled exactly so
        auto const names = daemon.call("which");
        bool known = false;
        if (auto const* list = names.if_array())
            for (auto const& n : *list) known = known || (n.is_string() && n.get_string() == command);
        if (!known) {
            std::fprintf(stderr, "no command '%s' in module 'mi'\n", command.c_str());
            return failed;
        }
        auto const result = daemon.call(command, mi_cli::params_of(command, args, json_args));
        if (result.is_null()) return failed;
        if (output == "pretty-print") {
            std::string text;
            mi_cli::pretty(text, result);
            std::cout << text << '\n';
        }
        return 0;
    } catch (mi::error const& e) {
        std::fprintf(stderr, "command '%s' returned: Error executing command: %d: %s%s\n", command.c_str(), e.code,
                     e.message.c_str(), e.data.empty() ? "" : (" (" + e.data + ")").c_str());
        return failed;
    } catch (std::exception const& e) {
        std::fprintf(stderr, "mi-cli: %s\n", e.what());
        return failed;
    }
}

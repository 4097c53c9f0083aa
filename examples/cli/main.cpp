// Copyright (c) 2026 the mi authors. Distributed under the Boost Software License, Version 1.0.
// SPDX-License-Identifier: BSL-1.0
//
// mi-cli: what `opensips-cli -x mi [-j] COMMAND ARGS...` does (spec 7.5, 7.6), over the FIFO, a UDP or UNIX
// datagram socket, or HTTP: the same configuration files and keys, params, output types and exit codes. The
// transport flags are shorthands for the configuration keys they set. `mi-cli mcp` (without -x mi, which would
// call a command named mcp) serves MCP on stdin and stdout instead, forwarding to the daemon.
#include "arguments.hpp"
#include "mcp_bridge.hpp"
#include "output.hpp"
#include "settings.hpp"

#include <mi/transport/client.hpp>
#include <mi/transport/https_client.hpp>

#include <cstdio>
#include <cstdlib>
#include <iostream>
#include <optional>
#include <string>
#include <utility>
#include <vector>

namespace {

constexpr char const* usage =
    "usage: mi-cli [-d] [-f FILE] [-i INSTANCE] [-o KEY=VALUE]...\n"
    "              [--fifo PATH [--reply-dir DIR]] [--udp HOST:PORT] [--unix PATH] [--http URL] [--timeout MS]\n"
    "              [--user USER[:PASSWORD]] [--token TOKEN] [--ca-file PEM] [--insecure]\n"
    "              [-x [--] mi] [--] [-j] COMMAND [ARG...]\n"
    "       mi-cli [the same options] mcp     (MCP on stdin/stdout: every command of the daemon a tool)\n"
    "KEY is an opensips-cli configuration key: communication_type, fifo_file, fifo_file_fallback, fifo_reply_dir,\n"
    "datagram_ip, datagram_port, datagram_unix_socket, datagram_timeout, datagram_buffer_size, url, output_type\n"
    "(pretty-print, dictionary, lines, yaml, none), or one of mi-cli's for http: http_user, http_password,\n"
    "http_token, http_ca_file, http_verify (yes, no). --user without :PASSWORD takes it from MI_CLI_PASSWORD.\n"
    "https:// verifies the server's certificate (--ca-file, else the system's CAs); --insecure does not, and warns.\n";

constexpr int failed = 255; // opensips-cli's exit status for every failure

[[noreturn]] void bad_usage(char const* why = nullptr) {
    if (why) std::fprintf(stderr, "mi-cli: %s\n", why);
    std::fputs(usage, stderr);
    std::exit(2);
}

} // namespace

int main(int argc, char** argv) {
    std::optional<std::string> config_file;
    std::string instance = "default";
    std::vector<std::pair<std::string, std::string>> overrides; // in command-line order, over the file
    std::optional<long> timeout;
    int i = 1;
    auto value = [&]() -> std::string {
        if (i + 1 >= argc) bad_usage((std::string(argv[i]) + " needs a value").c_str());
        return argv[++i];
    };
    for (; i < argc; ++i) {
        std::string_view const a = argv[i];
        if (a == "-d") continue; // opensips-cli's debug switch; mi-cli has nothing more to say
        if (a == "-f") config_file = value();
        else if (a == "-i") instance = value();
        else if (a == "-o") {
            auto const setting = value();
            auto const eq = setting.find('=');
            if (eq == std::string::npos) bad_usage("-o takes KEY=VALUE");
            overrides.emplace_back(setting.substr(0, eq), setting.substr(eq + 1));
        } else if (a == "--fifo") {
            auto const path = value();
            overrides.insert(overrides.end(), {{"communication_type", "fifo"}, {"fifo_file", path}, {"fifo_file_fallback", path}});
        } else if (a == "--reply-dir") overrides.emplace_back("fifo_reply_dir", value());
        else if (a == "--udp") {
            auto const where = value();
            auto const colon = where.rfind(':');
            if (colon == std::string::npos) bad_usage("--udp takes HOST:PORT");
            overrides.insert(overrides.end(), {{"communication_type", "datagram"}, {"datagram_unix_socket", ""},
                                               {"datagram_ip", where.substr(0, colon)}, {"datagram_port", where.substr(colon + 1)}});
        } else if (a == "--unix") {
            overrides.insert(overrides.end(), {{"communication_type", "datagram"}, {"datagram_unix_socket", value()}});
        } else if (a == "--http") {
            overrides.insert(overrides.end(), {{"communication_type", "http"}, {"url", value()}});
        } else if (a == "--user") {
            auto const credentials = value();
            auto const colon = credentials.find(':');
            std::string password;
            if (colon != std::string::npos) password = credentials.substr(colon + 1);
            else if (char const* from_environment = std::getenv("MI_CLI_PASSWORD")) password = from_environment;
            overrides.insert(overrides.end(), {{"http_user", credentials.substr(0, colon)}, {"http_password", password}});
        } else if (a == "--token") overrides.emplace_back("http_token", value());
        else if (a == "--ca-file") overrides.emplace_back("http_ca_file", value());
        else if (a == "--insecure") overrides.emplace_back("http_verify", "no");
        else if (a == "--timeout") timeout = std::atol(value().c_str());
        else break;
    }
    // opensips-cli's own spelling, `-x [--] mi`, then mi's modifiers and the command
    bool const named_module = i < argc && std::string_view(argv[i]) == "-x";
    if (named_module) {
        ++i;
        if (i < argc && std::string_view(argv[i]) == "--") ++i;
        if (i >= argc || std::string_view(argv[i]) != "mi") bad_usage("only the mi module is known: -x mi COMMAND");
        ++i;
    }
    if (i < argc && std::string_view(argv[i]) == "--") ++i;
    bool json_args = false;
    for (; i < argc && argv[i][0] == '-'; ++i) // modifiers before the command; only -j means something
        json_args = json_args || std::string_view(argv[i]) == "-j";
    if (i >= argc) bad_usage();
    std::string const command = argv[i++];
    std::vector<std::string> const args(argv + i, argv + argc);

    mi_cli::settings settings;
    mi::client::connection::target target;
    mi_cli::output_type output;
    try {
        if (!config_file) config_file = mi_cli::default_config_file();
        if (config_file) settings.read(mi_cli::read_file(*config_file), instance);
        else if (instance != "default") throw std::runtime_error("-i " + instance + " needs a configuration file");
        for (auto& [key, v] : overrides) settings.set(key, std::move(v));
        target = settings.target();
        output = settings.output();
    } catch (std::exception const& e) {
        std::fprintf(stderr, "mi-cli: %s\n", e.what());
        return failed;
    }
    if (timeout) std::visit([&](auto& o) { o.timeout = std::chrono::milliseconds(*timeout); }, target);
    if (auto const* http = std::get_if<mi::client::http_options>(&target);
        http && !http->verify_certificate && http->url.starts_with("https://"))
        std::fputs("mi-cli: warning: the server's certificate is not verified (--insecure): anyone on the path can "
                   "read and change this call\n", stderr);
    mi::client::connection const daemon(target);
    if (command == "mcp" && !named_module && !json_args && args.empty()) {
        try {
            return mi_cli::serve_mcp(daemon, std::cin, std::cout);
        } catch (std::exception const& e) {
            std::fprintf(stderr, "mi-cli mcp: cannot discover the daemon's commands: %s\n", e.what());
            return failed;
        }
    }

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
        std::cout << mi_cli::render(result, output);
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

// Copyright (c) 2026 the mi authors. Distributed under the Boost Software License, Version 1.0.
// SPDX-License-Identifier: BSL-1.0
//
// opensips-cli's configuration (spec 7.5), for mi-cli: the same INI files, sections and keys, so that an
// operator's ~/.opensips-cli.cfg drives mi-cli unchanged.
#pragma once

#include "output.hpp"

#include <mi/transport/client.hpp>

#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cctype>
#include <chrono>
#include <cstdlib>
#include <fstream>
#include <map>
#include <optional>
#include <sstream>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

namespace mi_cli {

/** The keys mi-cli reads, with opensips-cli's defaults; other keys (opensips-cli has many for its other
    modules) are kept and ignored. */
class settings {
public:
    settings()
        : values_{{"communication_type", "fifo"},
                  {"fifo_file", "/var/run/opensips/opensips_fifo"},
                  {"fifo_file_fallback", "/tmp/opensips_fifo"},
                  {"fifo_reply_dir", "/tmp"},
                  {"datagram_ip", "127.0.0.1"},
                  {"datagram_port", "8080"},
                  {"datagram_timeout", "1"},
                  {"datagram_buffer_size", "65535"},
                  {"url", "http://127.0.0.1:8888/mi"},
                  {"http_verify", "yes"},
                  {"output_type", "pretty-print"}} {}

    /** Sets a key as `-o KEY=VALUE` does; keys are case-insensitive, as in Python's configparser. */
    void set(std::string_view key, std::string value) { values_[lower(trim(key))] = std::move(value); }

    std::string const& get(std::string_view key) const {
        static std::string const none;
        auto const it = values_.find(lower(key));
        return it == values_.end() ? none : it->second;
    }

    /** Reads an opensips-cli configuration text: the `[default]` section applies to every instance, then the
        section named `instance` (which must exist unless it is "default"). Lines are `key = value` or
        `key: value`; `#` and `;` start comments; an indented line continues the previous value.
        @throws std::runtime_error naming the line that is not understood, or the missing instance. */
    void read(std::string_view text, std::string_view instance) {
        auto apply = [&](std::string_view wanted) {
            std::istringstream lines{std::string(text)};
            std::string line, section, last_key;
            bool found = false;
            for (int number = 1; std::getline(lines, line); ++number) {
                if (!line.empty() && line.back() == '\r') line.pop_back();
                std::string_view const content = trim(line);
                if (content.empty() || content.front() == '#' || content.front() == ';') continue;
                if (std::isspace(static_cast<unsigned char>(line.front())) && !last_key.empty()) {
                    if (section == wanted) values_[last_key].append("\n").append(content);
                    continue;
                }
                if (content.front() == '[') {
                    if (content.back() != ']') fail(number, line);
                    section = std::string(content.substr(1, content.size() - 2));
                    found = found || section == wanted;
                    last_key.clear();
                    continue;
                }
                auto const split = content.find_first_of("=:");
                if (split == std::string_view::npos || section.empty()) fail(number, line);
                last_key = lower(trim(content.substr(0, split)));
                if (section == wanted) values_[last_key] = std::string(trim(content.substr(split + 1)));
            }
            return found;
        };
        apply("default");
        if (instance != "default" && !apply(instance))
            throw std::runtime_error("no instance '" + std::string(instance) + "' in the configuration");
    }

    /** Where `communication_type` and its keys say the daemon is. A FIFO is `fifo_file` if it exists, else
        `fifo_file_fallback`, as opensips-cli looks for it.
        @throws std::runtime_error for an unknown communication type or a number that is not one. */
    mi::client::connection::target target() const {
        auto const& type = get("communication_type");
        if (type == "fifo") {
            struct stat st {};
            std::string path = get("fifo_file");
            if (::stat(path.c_str(), &st) != 0) path = get("fifo_file_fallback");
            return mi::client::fifo_options{.path = path, .reply_dir = get("fifo_reply_dir")};
        }
        if (type == "datagram") {
            mi::client::datagram_options o;
            auto const& unix_socket = get("datagram_unix_socket");
            o.socket = unix_socket.empty() ? "udp:" + get("datagram_ip") + ':' + get("datagram_port") : unix_socket;
            o.timeout = std::chrono::milliseconds(static_cast<long>(number("datagram_timeout") * 1000));
            o.buffer_size = static_cast<std::size_t>(number("datagram_buffer_size"));
            return o;
        }
        if (type == "http") {
            // mi-cli's keys (opensips-cli has none for HTTP credentials or certificates)
            auto const& verify = lower(get("http_verify"));
            if (verify != "yes" && verify != "no") throw std::runtime_error("http_verify must be yes or no");
            return mi::client::http_options{.url = get("url"),
                                            .user = get("http_user"),
                                            .password = get("http_password"),
                                            .token = get("http_token"),
                                            .ca_file = get("http_ca_file"),
                                            .verify_certificate = verify == "yes"};
        }
        throw std::runtime_error("unknown communication_type '" + type + "' (fifo, datagram or http)");
    }

    /** @throws std::runtime_error for an output type opensips-cli does not know. */
    output_type output() const {
        if (auto const t = output_type_named(get("output_type"))) return *t;
        throw std::runtime_error("unknown output_type '" + get("output_type") +
                                 "' (pretty-print, dictionary, lines, yaml or none)");
    }

private:
    static std::string_view trim(std::string_view s) {
        while (!s.empty() && std::isspace(static_cast<unsigned char>(s.front()))) s.remove_prefix(1);
        while (!s.empty() && std::isspace(static_cast<unsigned char>(s.back()))) s.remove_suffix(1);
        return s;
    }

    static std::string lower(std::string_view s) {
        std::string out(s);
        std::transform(out.begin(), out.end(), out.begin(), [](unsigned char c) { return std::tolower(c); });
        return out;
    }

    [[noreturn]] static void fail(int number, std::string const& line) {
        throw std::runtime_error("configuration line " + std::to_string(number) + " is not understood: " + line);
    }

    double number(std::string_view key) const {
        auto const& text = get(key);
        char* end = nullptr;
        double const value = std::strtod(text.c_str(), &end);
        if (text.empty() || *end != '\0' || !(value > 0))
            throw std::runtime_error(std::string(key) + " must be a positive number, not '" + text + '\'');
        return value;
    }

    std::map<std::string, std::string> values_;
};

/** The configuration file opensips-cli reads when not given one: the first readable of these. */
inline std::optional<std::string> default_config_file() {
    std::vector<std::string> candidates;
    if (char const* home = std::getenv("HOME")) candidates.push_back(std::string(home) + "/.opensips-cli.cfg");
    candidates.push_back("/etc/opensips-cli.cfg");
    candidates.push_back("/etc/opensips/opensips-cli.cfg");
    for (auto const& path : candidates)
        if (::access(path.c_str(), R_OK) == 0) return path;
    return std::nullopt;
}

/** The whole text of `path`. @throws std::runtime_error when it cannot be read. */
inline std::string read_file(std::string const& path) {
    std::ifstream in(path, std::ios::binary);
    if (!in) throw std::runtime_error("cannot read the configuration file " + path);
    std::ostringstream text;
    text << in.rdbuf();
    return text.str();
}

} // namespace mi_cli

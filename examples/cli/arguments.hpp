// Copyright (c) 2026 the mi authors. Distributed under the Boost Software License, Version 1.0.
// SPDX-License-Identifier: BSL-1.0
//
// What `opensips-cli -x mi COMMAND ARG...` sends (spec 7.6), for mi-cli: command-line words to
// JSON-RPC params.
#pragma once

#include <boost/json/parse.hpp>
#include <boost/json/value.hpp>

#include <algorithm>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace mi_cli {

// Commands whose parameter `name`, at position `index`, is an array (opensips-cli's table, both spellings).
struct array_parameter {
    std::string_view command;
    std::size_t index;
    std::string_view name;
};
inline constexpr array_parameter array_parameters[] = {
    {"get_statistics", 0, "statistics"},        {"statistics:get", 0, "statistics"},
    {"list_statistics", 0, "statistics"},       {"statistics:list", 0, "statistics"},
    {"reset_statistics", 0, "statistics"},      {"statistics:reset", 0, "statistics"},
    {"trace_start", 0, "filter"},               {"tracer:start", 0, "filter"},
    {"raise_event", 1, "params"},               {"evi:raise", 1, "params"},
    {"fs_subscribe", 1, "events"},              {"freeswitch_scripting:subscribe", 1, "events"},
    {"fs_unsubscribe", 1, "events"},            {"freeswitch_scripting:unsubscribe", 1, "events"},
    {"dlg_push_var", 2, "DID"},                 {"dialog:push_var", 2, "DID"},
    {"cluster_broadcast_mi", 2, "cmd_params"},  {"clusterer:broadcast_mi", 2, "cmd_params"},
    {"b2b_trigger_scenario", 3, "scenario_params"}, {"b2b_logic:trigger_scenario", 3, "scenario_params"},
    {"dfks_set_feature", 4, "values"},          {"presence_dfks:set_feature", 4, "values"},
};

inline std::optional<array_parameter> array_parameter_of(std::string_view command) {
    for (auto const& a : array_parameters)
        if (a.command == command) return a;
    return std::nullopt;
}

/** Splits like Python's shlex.split (POSIX mode): blanks separate words; quotes group; backslash escapes. */
inline std::vector<std::string> split_words(std::string_view text) {
    std::vector<std::string> words;
    std::string word;
    bool in_word = false;
    for (std::size_t i = 0; i < text.size(); ++i) {
        char const c = text[i];
        if (c == ' ' || c == '\t' || c == '\n') {
            if (in_word) words.push_back(std::exchange(word, {}));
            in_word = false;
        } else if (c == '\'' || c == '"') {
            in_word = true;
            std::size_t j = i + 1;
            for (; j < text.size() && text[j] != c; ++j) {
                // inside double quotes a backslash escapes only \ " $ ` and newline
                if (c == '"' && text[j] == '\\' && j + 1 < text.size() &&
                    std::string_view("\\\"$`\n").find(text[j + 1]) != std::string_view::npos)
                    ++j;
                word.push_back(text[j]);
            }
            if (j >= text.size()) throw std::invalid_argument("No closing quotation");
            i = j;
        } else if (c == '\\' && i + 1 < text.size()) {
            in_word = true;
            word.push_back(text[++i]);
        } else {
            in_word = true;
            word.push_back(c);
        }
    }
    if (in_word) words.push_back(word);
    return words;
}

// `name=value` where name is ASCII letters, '.', '_' or '-' (digits make it positional: `a1=2`).
inline std::optional<std::size_t> named_split(std::string_view arg) {
    auto const eq = arg.find('=');
    if (eq == 0 || eq == std::string_view::npos) return std::nullopt;
    bool const name_ok = std::all_of(arg.begin(), arg.begin() + static_cast<std::ptrdiff_t>(eq), [](char c) {
        return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '.' || c == '_' || c == '-';
    });
    return name_ok ? std::optional(eq) : std::nullopt;
}

/** The params opensips-cli sends for `mi [-j] COMMAND ARGS...`. */
inline boost::json::value params_of(std::string_view command, std::vector<std::string> const& args, bool json_args) {
    auto const array = array_parameter_of(command);
    bool const named = std::all_of(args.begin(), args.end(), [](auto const& a) { return named_split(a).has_value(); });
    if (named) {
        boost::json::object params;
        for (auto const& a : args) {
            auto const eq = *named_split(a);
            std::string const name = a.substr(0, eq), value = a.substr(eq + 1);
            if (array && !json_args && name == array->name) {
                boost::json::array items;
                for (auto& w : split_words(value)) items.emplace_back(w);
                params[name] = std::move(items);
            } else {
                params[name] = value; // named values stay strings, even with -j
            }
        }
        return params;
    }
    boost::json::array params;
    if (json_args) {
        for (auto const& a : args) {
            boost::system::error_code ec;
            auto v = boost::json::parse(a, ec);
            params.push_back(ec ? boost::json::value(a) : std::move(v));
        }
        return params;
    }
    for (std::size_t i = 0; i < args.size(); ++i) {
        if (array && i == array->index) {
            boost::json::array rest;
            for (std::size_t j = i; j < args.size(); ++j) rest.emplace_back(args[j]);
            params.emplace_back(std::move(rest));
            break;
        }
        params.emplace_back(args[i]);
    }
    return params;
}

} // namespace mi_cli

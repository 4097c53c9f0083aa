// Copyright (c) 2026 the mi authors. Distributed under the Boost Software License, Version 1.0.
// SPDX-License-Identifier: BSL-1.0
#pragma once

// Statistics written in Prometheus's text exposition format 0.0.4, or in OpenMetrics 1.0.0, with the names
// OpenSIPS's prometheus module gives them. No I/O. Part of <mi/transport/prometheus.hpp>.

#include <mi/statistics.hpp>

#include <charconv>
#include <cstddef>
#include <cstdint>
#include <stdexcept>
#include <string>
#include <string_view>
#include <unordered_map>
#include <utility>
#include <vector>

namespace mi::prometheus {

/** Where a statistic's group goes (OpenSIPS's `group_mode`). */
enum class group_mode {
    none,  ///< 0: left out: `opensips_rcv_requests`
    name,  ///< 1: in the name: `opensips_core_rcv_requests`
    label, ///< 2: as a label: `opensips_rcv_requests{group="core"}`
};

/** Which format a scrape is answered in. */
enum class format {
    text,        ///< the text exposition format 0.0.4 (what OpenSIPS serves)
    openmetrics, ///< OpenMetrics 1.0.0, when the scraper asks for it
};

/** How statistics are named and chosen, with the parameters and defaults of OpenSIPS's prometheus module, so
    that dashboards written for OpenSIPS work unchanged. */
struct naming {
    std::string prefix = "opensips";  ///< starts every name
    std::string delimiter = "_";      ///< between the prefix, the group and the statistic's name
    std::string group_prefix;         ///< before the group, in the name or in the label
    prometheus::group_mode group_mode = group_mode::none;
    std::string group_label = "group"; ///< the label's name in group_mode::label
    /** Which statistics are served: `all`, `group:`, names (as get_statistics takes them). OpenSIPS serves none
        until this is set; mi serves all. */
    std::vector<std::string> statistics = {"all"};
    /** Counters get the `_total` suffix that Prometheus's conventions (and promtool) ask for. OpenSIPS adds none,
        so off by default. OpenMetrics always writes it on a counter's sample. */
    bool total_suffix = false;
};

namespace detail {

inline bool name_char(char c, bool first) noexcept {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_' || c == ':' || (!first && c >= '0' && c <= '9');
}

// Every character that a metric name may not hold becomes '_', as OpenSIPS's module does; a leading digit is
// kept behind a '_'.
inline void append_sanitized(std::string& out, std::string_view text) {
    for (char c : text) out += name_char(c, false) ? c : '_';
}

inline bool valid_label_name(std::string_view name) noexcept {
    if (name.empty() || name.starts_with("__")) return false;
    for (std::size_t i = 0; i < name.size(); ++i)
        if (name[i] == ':' || !name_char(name[i], i == 0)) return false;
    return true;
}

// HELP text escapes backslash and newline; a label value also the double quote.
inline void append_escaped(std::string& out, std::string_view text, bool quote) {
    for (char c : text) {
        if (c == '\\') out += "\\\\";
        else if (c == '\n') out += "\\n";
        else if (quote && c == '"') out += "\\\"";
        else out += c;
    }
}

struct sample {
    std::string labels; // `{group="core"}` or empty
    std::uint64_t value;
};

// One metric family: statistics that share a name (the same name in several groups, in group_mode::label).
struct family {
    std::string name;
    std::string help; // a copy: the registry's own may move once the visit is over
    statistic_kind kind;
    std::vector<sample> samples;
};

inline std::string metric_name(naming const& n, statistic_view const& s) {
    std::string name = n.prefix + n.delimiter;
    if (n.group_mode == group_mode::name) name += n.group_prefix + std::string(s.group) + n.delimiter;
    name += s.name;
    std::string out;
    out.reserve(name.size() + 7);
    if (!name_char(name.front(), true)) out += '_';
    append_sanitized(out, name);
    return out;
}

// The families in the order their first statistic comes; the first statistic of a name gives its kind and help.
inline std::vector<family> families_of(statistics const& stats, naming const& n, format f) {
    std::vector<family> families;
    std::unordered_map<std::string, std::size_t> at;
    stats.each_selected(n.statistics, [&](statistic_view const& s) {
        std::string name = metric_name(n, s);
        bool const counter = s.kind == statistic_kind::counter;
        if (counter && n.total_suffix && f == format::text && !name.ends_with("_total")) name += "_total";
        if (counter && f == format::openmetrics && name.ends_with("_total")) name.resize(name.size() - 6);
        std::string labels;
        if (n.group_mode == group_mode::label) {
            labels = '{' + n.group_label + "=\"";
            append_escaped(labels, n.group_prefix + std::string(s.group), true);
            labels += "\"}";
        }
        auto [where, added] = at.try_emplace(name, families.size());
        if (added) families.push_back({std::move(name), std::string(s.help), s.kind, {}});
        auto& fam = families[where->second];
        if (fam.help.empty()) fam.help.assign(s.help);
        fam.samples.push_back({std::move(labels), s.value});
    });
    return families;
}

// Throws std::invalid_argument for a naming no exposition can follow.
inline void check(naming const& n) {
    if (n.group_mode == group_mode::label && !valid_label_name(n.group_label))
        throw std::invalid_argument("mi::prometheus: '" + n.group_label + "' is not a label name");
}

inline void append_number(std::string& out, std::uint64_t value) {
    char digits[24];
    auto const end = std::to_chars(digits, digits + sizeof digits, value).ptr;
    out.append(digits, end);
}

} // namespace detail

/** The exposition of `stats` in format `f`, named and chosen by `n`. Its help texts are those the statistics
    were declared with; a statistic without one has no `# HELP` line. Throws std::invalid_argument when
    `n.group_label` is not a valid label name. */
inline std::string exposition(statistics const& stats, naming const& n = {}, format f = format::text) {
    detail::check(n);
    std::string out;
    for (auto const& fam : detail::families_of(stats, n, f)) {
        if (!fam.help.empty()) {
            out += "# HELP " + fam.name + ' ';
            detail::append_escaped(out, fam.help, f == format::openmetrics); // OpenMetrics escapes '"' there too
            out += '\n';
        }
        bool const counter = fam.kind == statistic_kind::counter;
        out += "# TYPE " + fam.name + (counter ? " counter\n" : " gauge\n");
        for (auto const& s : fam.samples) {
            out += fam.name;
            if (counter && f == format::openmetrics) out += "_total";
            out += s.labels;
            out += ' ';
            detail::append_number(out, s.value);
            out += '\n';
        }
    }
    if (f == format::openmetrics) out += "# EOF\n";
    return out;
}

} // namespace mi::prometheus

// Copyright (c) 2026 the mi authors. Distributed under the Boost Software License, Version 1.0.
// SPDX-License-Identifier: BSL-1.0
#pragma once

// Statistics written in Prometheus's text exposition format 0.0.4, or in OpenMetrics 1.0.0, with the names
// OpenSIPS's prometheus module gives them. No I/O. Part of <mi/transport/prometheus.hpp>.

#include <mi/statistics.hpp>

#include <boost/unordered/unordered_flat_map.hpp>

#include <charconv>
#include <cstddef>
#include <cstdint>
#include <stdexcept>
#include <string>
#include <string_view>
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
    std::size_t const at = out.size();
    out.append(text);
    for (std::size_t i = at; i < out.size(); ++i)
        if (!name_char(out[i], false)) out[i] = '_';
}

inline bool valid_label_name(std::string_view name) noexcept {
    if (name.empty() || name.starts_with("__")) return false;
    for (std::size_t i = 0; i < name.size(); ++i)
        if (name[i] == ':' || !name_char(name[i], i == 0)) return false;
    return true;
}

// HELP text escapes backslash and newline; a label value also the double quote.
inline void append_escaped(std::string& out, std::string_view text, bool quote) {
    std::size_t start = 0;
    for (std::size_t i = 0; i < text.size(); ++i) {
        char const c = text[i];
        if (c != '\\' && c != '\n' && !(quote && c == '"')) continue;
        out.append(text.substr(start, i - start));
        out += c == '\n' ? "\\n" : c == '"' ? "\\\"" : "\\\\";
        start = i + 1;
    }
    out.append(text.substr(start));
}

inline void append_number(std::string& out, std::uint64_t value) {
    char digits[24];
    auto const end = std::to_chars(digits, digits + sizeof digits, value).ptr;
    out.append(digits, end);
}

// Writes the metric name of `s` into `out`: the prefix, delimiter, group (group_mode::name) and name, every
// character a name may not hold as '_', and a '_' first when the name would start with a digit (as OpenSIPS).
inline void append_metric_name(naming const& n, statistic_view const& s, std::string& out) {
    std::string_view const first = !n.prefix.empty() ? std::string_view(n.prefix)
                                   : !n.delimiter.empty() ? std::string_view(n.delimiter)
                                   : n.group_mode == group_mode::name && !n.group_prefix.empty() ? std::string_view(n.group_prefix)
                                   : n.group_mode == group_mode::name && !s.group.empty() ? s.group
                                   : s.name;
    if (first.empty() || !name_char(first.front(), true)) out += '_';
    append_sanitized(out, n.prefix);
    append_sanitized(out, n.delimiter);
    if (n.group_mode == group_mode::name) {
        append_sanitized(out, n.group_prefix);
        append_sanitized(out, s.group);
        append_sanitized(out, n.delimiter);
    }
    append_sanitized(out, s.name);
}

// Statistics that share a metric name (the same name in several groups, in group_mode::label) are one family:
// HELP and TYPE from its first statistic, then every sample. A scrape names every statistic, so what it writes is
// copied once into one arena while the registry is read, and the families are linked through it afterwards.
class families {
public:
    families(statistics const& stats, naming const& n, format f) {
        std::size_t const expected = stats.size(); // a hint: statistics may be added meanwhile
        samples_.reserve(expected);
        arena_.reserve(expected * 64);
        stats.each_selected(n.statistics, [&](statistic_view const& s) { add(n, f, s); });
        boost::unordered_flat_map<std::string_view, std::size_t> head_of;
        head_of.reserve(samples_.size());
        for (std::size_t i = 0; i < samples_.size(); ++i) {
            auto const [at, first] = head_of.try_emplace(text(samples_[i].name), i);
            if (first) continue;
            auto& head = samples_[at->second];
            samples_[head.last].next = i;
            head.last = i;
            samples_[i].head = false;
            if (head.help.size == 0) head.help = samples_[i].help; // the first statistic with a help text gives it
        }
    }

    void write(std::string& out, format f) const {
        out.reserve(out.size() + arena_.size() + samples_.size() * 48);
        for (auto const& family : samples_) {
            if (!family.head) continue;
            std::string_view const name = text(family.name);
            if (family.help.size != 0) {
                out.append("# HELP ").append(name).append(1, ' ');
                append_escaped(out, text(family.help), f == format::openmetrics); // OpenMetrics escapes '"' too
                out += '\n';
            }
            bool const counter = family.kind == statistic_kind::counter;
            out.append("# TYPE ").append(name).append(counter ? " counter\n" : " gauge\n");
            for (auto i = static_cast<std::size_t>(&family - samples_.data()); i != none; i = samples_[i].next) {
                out.append(name);
                if (counter && f == format::openmetrics) out += "_total";
                out.append(text(samples_[i].labels)).append(1, ' ');
                append_number(out, samples_[i].value);
                out += '\n';
            }
        }
    }

private:
    static constexpr std::size_t none = static_cast<std::size_t>(-1);

    struct piece { // of the arena
        std::size_t at = 0, size = 0;
    };
    struct sample {
        piece name, help, labels;
        std::uint64_t value = 0;
        statistic_kind kind = statistic_kind::counter;
        std::size_t next = none; // the family's next sample
        std::size_t last = none; // a head's: its family's last sample
        bool head = true;
    };

    std::string_view text(piece p) const noexcept { return std::string_view(arena_).substr(p.at, p.size); }

    template <class Write>
    piece record(Write&& write) {
        std::size_t const at = arena_.size();
        write(arena_);
        return {at, arena_.size() - at};
    }

    void add(naming const& n, format f, statistic_view const& s) {
        sample added;
        added.name = record([&](std::string& out) { append_metric_name(n, s, out); });
        bool const counter = s.kind == statistic_kind::counter;
        bool const total = text(added.name).ends_with("_total");
        if (counter && n.total_suffix && f == format::text && !total) {
            arena_ += "_total";
            added.name.size += 6;
        }
        if (counter && f == format::openmetrics && total) { // its samples get the suffix back
            arena_.resize(arena_.size() - 6);
            added.name.size -= 6;
        }
        added.help = record([&](std::string& out) { out.append(s.help); });
        if (n.group_mode == group_mode::label)
            added.labels = record([&](std::string& out) {
                out.append(1, '{').append(n.group_label).append("=\"");
                append_escaped(out, n.group_prefix, true);
                append_escaped(out, s.group, true);
                out += "\"}";
            });
        added.value = s.value;
        added.kind = s.kind;
        added.last = samples_.size();
        samples_.push_back(added);
    }

    std::string arena_;
    std::vector<sample> samples_;
};

// Throws std::invalid_argument for a naming no exposition can follow.
inline void check(naming const& n) {
    if (n.group_mode == group_mode::label && !valid_label_name(n.group_label))
        throw std::invalid_argument("mi::prometheus: '" + n.group_label + "' is not a label name");
}

} // namespace detail

/** The exposition of `stats` in format `f`, named and chosen by `n`. Its help texts are those the statistics
    were declared with; a statistic without one has no `# HELP` line. Throws std::invalid_argument when
    `n.group_label` is not a valid label name. */
inline std::string exposition(statistics const& stats, naming const& n = {}, format f = format::text) {
    detail::check(n);
    std::string out;
    detail::families(stats, n, f).write(out, f);
    if (f == format::openmetrics) out += "# EOF\n";
    return out;
}

} // namespace mi::prometheus

// Copyright (c) 2026 the mi authors. Distributed under the Boost Software License, Version 1.0.
// SPDX-License-Identifier: BSL-1.0
#pragma once

// Statistics as OpenSIPS keeps them: grouped by module, each a counter, a gauge that is never reset, or a value
// computed when read; updated from any thread with one relaxed atomic operation; read through OpenSIPS's
// statistics commands (get_statistics, list_statistics, reset_statistics, reset_all_statistics, or their 4.x
// names statistics:get etc.) and served to Prometheus by <mi/transport/prometheus.hpp>.

#include <mi/command.hpp>
#include <mi/command_set.hpp>
#include <mi/error.hpp>

#include <boost/describe/members.hpp>
#include <boost/mp11/algorithm.hpp>
#include <boost/unordered/unordered_flat_set.hpp>

#include <atomic>
#include <cstddef>
#include <cstdint>
#include <deque>
#include <functional>
#include <memory>
#include <mutex>
#include <stdexcept>
#include <string>
#include <string_view>
#include <type_traits>
#include <utility>
#include <vector>

namespace mi {

/** What a statistic is, in OpenSIPS's terms; it decides whether a reset touches it and its Prometheus type. */
enum class statistic_kind : std::uint8_t {
    counter,  ///< counts events; reset by reset_statistics ("incremental"; a Prometheus counter)
    gauge,    ///< a level that is never reset (OpenSIPS's STAT_NO_RESET; "non-incremental"; a gauge)
    computed, ///< computed when read, such as memory in use (STAT_IS_FUNC; "non-incremental"; a gauge)
};

/** A statistic's value. Every update is one relaxed atomic operation, from any thread, with no lock and no
    allocation. Each one has a cache line of its own, so that statistics updated together by different threads
    do not slow each other down (false sharing). Not copyable: what registers it keeps its address. */
class alignas(64) statistic {
public:
    /** `help` is the text `# HELP` shows; it must outlive the statistic (a literal, typically). */
    explicit constexpr statistic(std::string_view help = {}) noexcept : help_(help) {}
    statistic(statistic const&) = delete;
    statistic& operator=(statistic const&) = delete;

    void increment(std::uint64_t by = 1) noexcept { value_.fetch_add(by, std::memory_order_relaxed); }
    void decrement(std::uint64_t by = 1) noexcept { value_.fetch_sub(by, std::memory_order_relaxed); }
    void set(std::uint64_t value) noexcept { value_.store(value, std::memory_order_relaxed); }
    std::uint64_t value() const noexcept { return value_.load(std::memory_order_relaxed); }
    std::string_view help() const noexcept { return help_; }

private:
    std::atomic<std::uint64_t> value_{0};
    std::string_view help_;
};

/** A statistic that reset_statistics and reset_all_statistics set back to 0. */
class counter : public statistic {
public:
    using statistic::statistic;
    static constexpr statistic_kind kind = statistic_kind::counter;
};

/** A statistic that no reset touches: a level, such as connections open. */
class gauge : public statistic {
public:
    using statistic::statistic;
    static constexpr statistic_kind kind = statistic_kind::gauge;
};

/** One statistic as a reader sees it, valid during the visit that gives it. */
struct statistic_view {
    std::string_view group;
    std::string_view name;
    std::string_view help;
    statistic_kind kind;
    std::uint64_t value;
};

namespace detail {

template <class T>
inline constexpr bool is_statistic_member = std::same_as<T, counter> || std::same_as<T, gauge>;

template <class T>
using described_members = boost::describe::describe_members<T, boost::describe::mod_public>;

template <class Group>
struct holds_statistic {
    template <class Member>
    using fn = std::bool_constant<is_statistic_member<std::remove_cvref_t<decltype(std::declval<Group&>().*Member::pointer)>>>;
};

constexpr char lower(char c) noexcept { return c >= 'A' && c <= 'Z' ? static_cast<char>(c - 'A' + 'a') : c; }

inline bool equal_ignoring_case(std::string_view a, std::string_view b) noexcept {
    if (a.size() != b.size()) return false;
    for (std::size_t i = 0; i < a.size(); ++i)
        if (lower(a[i]) != lower(b[i])) return false;
    return true;
}

// `group:name` in lower case: two statistics whose keys fold to one are one statistic to get_statistics.
inline std::string folded_key(std::string_view group, std::string_view name) {
    std::string key;
    key.reserve(group.size() + 1 + name.size());
    for (char c : group) key += lower(c);
    key += ':';
    for (char c : name) key += lower(c);
    return key;
}

} // namespace detail

/** The statistics of a daemon: the groups it declares, and statistics added at run time (per peer, per
    connection type). Adding takes a lock that updates never see; reading (the commands, Prometheus) takes the
    same lock, so it never waits on an update either. Give it to the dispatcher with the commands that use it:
    `mi::dispatcher(commands, ..., stats)`. */
class statistics {
public:
    statistics() = default;
    statistics(statistics const&) = delete;
    statistics& operator=(statistics const&) = delete;

    /** Adds the statistics of `Group` under `group`, one per public member, and returns the object whose
        members are updated: `auto& core = stats.add_group<core_statistics>("core"); core.rcv_requests.increment();`.
        Throws std::invalid_argument for a name already there (names compare case-insensitively). */
    template <class Group>
    Group& add_group(std::string_view group) {
        static_assert(boost::describe::has_describe_members<Group>::value,
                      "mi: a statistics group is a struct described with BOOST_DESCRIBE_STRUCT(Group, (), (members...))");
        static_assert(std::is_default_constructible_v<Group>, "mi: a statistics group must be default-constructible");
        static_assert(boost::mp11::mp_all_of_q<detail::described_members<Group>, detail::holds_statistic<Group>>::value,
                      "mi: a statistics group has only mi::counter and mi::gauge public members (a computed value "
                      "is added with statistics::add_computed)");
        auto owned = std::make_shared<Group>();
        std::lock_guard lock(mutex_);
        std::size_t const first = entries_.size();
        try {
            boost::mp11::mp_for_each<detail::described_members<Group>>([&](auto member) {
                auto& s = (*owned).*member.pointer;
                check_new(group, member.name);
                push_locked(group, member.name, std::string(s.help()), s.kind, &s, {});
            });
        } catch (...) {
            for (std::size_t i = first; i < entries_.size(); ++i)
                keys_.erase(detail::folded_key(entries_[i].group, entries_[i].name));
            entries_.resize(first);
            throw;
        }
        groups_.push_back(owned);
        return *owned;
    }

    /** A counter added at run time; the reference stays valid as long as this object. */
    counter& add_counter(std::string_view group, std::string_view name, std::string help = {}) {
        return add_stored(counters_, group, name, std::move(help));
    }

    /** A gauge added at run time; the reference stays valid as long as this object. */
    gauge& add_gauge(std::string_view group, std::string_view name, std::string help = {}) {
        return add_stored(gauges_, group, name, std::move(help));
    }

    /** A value computed each time it is read, by `read`, from whatever thread reads (and never while a
        statistic is being added). */
    void add_computed(std::string_view group, std::string_view name, std::function<std::uint64_t()> read,
                      std::string help = {}) {
        if (!read) throw std::invalid_argument("mi::statistics: a computed statistic needs a function to read it");
        std::lock_guard lock(mutex_);
        check_new(group, name);
        push_locked(group, name, std::move(help), statistic_kind::computed, nullptr, std::move(read));
    }

    /** Calls `visit(mi::statistic_view)` for every statistic, in the order they were added. */
    template <class Visit>
        requires std::invocable<Visit&, statistic_view const&>
    void each(Visit&& visit) const {
        each_entry([&](entry const& e) { visit(view_of(e)); });
    }

    /** Calls `visit(mi::statistic_view)` for each statistic that `items` select, as get_statistics selects
        them (`all`, `group:`, names), in the same order. */
    template <class Visit>
        requires std::invocable<Visit&, statistic_view const&>
    void each_selected(std::vector<std::string> const& items, Visit&& visit) const {
        select(items, true, [&](entry const& e, bool) { visit(view_of(e)); });
    }

    /** How many statistics there are. */
    std::size_t size() const {
        std::lock_guard lock(mutex_);
        return entries_.size();
    }

    // --- the commands (spec: opensips-mi section 5) ----------------------------------------------------------

    /** The values and their `group:name` keys, for names as get_statistics takes them. */
    using values = std::vector<std::pair<std::string, std::uint64_t>>;
    /** The kinds ("incremental" or "non-incremental") by key, as list_statistics answers. */
    using kinds = std::vector<std::pair<std::string, std::string_view>>;

    /** get_statistics: each item is `all`, a `group:`, a bare name or `group:name`, case-insensitively; the
        values keyed `group:name`, in the order the items and then the statistics come, each once. 404
        "Statistics Not Found" when nothing matches. */
    result<values> get(std::vector<std::string> const& items) const {
        values found;
        select(items, true, [&](entry const& e, bool) { found.emplace_back(key_of(e), read(e)); });
        if (found.empty()) return not_found();
        return found;
    }

    /** list_statistics without params: every statistic's kind, keyed `group:name`. */
    kinds list_all() const {
        kinds found;
        each_entry([&](entry const& e) { found.emplace_back(key_of(e), kind_text(e.kind)); });
        return found;
    }

    /** list_statistics with names: as get_statistics selects them but without `all`; a statistic selected by
        name is keyed by its bare name, a group's by `group:name`. */
    result<kinds> list(std::vector<std::string> const& items) const {
        kinds found;
        select(items, false, [&](entry const& e, bool by_group) {
            found.emplace_back(by_group ? key_of(e) : e.name, kind_text(e.kind));
        });
        if (found.empty()) return not_found();
        return found;
    }

    /** reset_statistics: sets the counters of these bare names (or `group:name`) back to 0; gauges and computed
        values keep theirs. 404 when no statistic has any of the names. */
    result<void> reset(std::vector<std::string> const& names) {
        bool any = false;
        std::lock_guard lock(mutex_);
        for (auto const& name : names)
            for (auto const& e : entries_)
                if (!is_group(name) && matches(e, name)) {
                    any = true;
                    if (e.kind == statistic_kind::counter) e.value->set(0);
                }
        if (!any) return not_found();
        return {};
    }

    /** reset_all_statistics: every counter back to 0. */
    void reset_all() {
        std::lock_guard lock(mutex_);
        for (auto const& e : entries_)
            if (e.kind == statistic_kind::counter) e.value->set(0);
    }

private:
    struct entry {
        std::string group;
        std::string name;
        std::string help;
        statistic_kind kind;
        statistic* value; // null for a computed one
        std::function<std::uint64_t()> compute;
    };

    static mi::error not_found() { return mi::error(404, "Statistics Not Found"); }
    static std::string_view kind_text(statistic_kind k) noexcept {
        return k == statistic_kind::counter ? "incremental" : "non-incremental";
    }
    static std::string key_of(entry const& e) { return e.group + ':' + e.name; }
    static std::uint64_t read(entry const& e) { return e.value ? e.value->value() : e.compute(); }
    static statistic_view view_of(entry const& e) { return {e.group, e.name, e.help, e.kind, read(e)}; }
    static bool is_group(std::string_view item) noexcept { return !item.empty() && item.back() == ':'; }

    // `group:` selects a group, `group:name` one statistic of it, anything else one statistic by bare name.
    static bool matches(entry const& e, std::string_view item) noexcept {
        auto const colon = item.find(':');
        if (colon == std::string_view::npos) return detail::equal_ignoring_case(e.name, item);
        if (!detail::equal_ignoring_case(e.group, item.substr(0, colon))) return false;
        return colon + 1 == item.size() || detail::equal_ignoring_case(e.name, item.substr(colon + 1));
    }

    template <class Found>
    void select(std::vector<std::string> const& items, bool all_keyword, Found&& found) const {
        std::lock_guard lock(mutex_);
        std::vector<bool> taken(entries_.size());
        for (auto const& item : items) {
            bool const all = all_keyword && detail::equal_ignoring_case(item, "all");
            for (std::size_t i = 0; i < entries_.size(); ++i)
                if (!taken[i] && (all || matches(entries_[i], item))) {
                    taken[i] = true;
                    found(entries_[i], all || is_group(item));
                }
        }
    }

    template <class Visit>
    void each_entry(Visit&& visit) const {
        std::lock_guard lock(mutex_);
        for (auto const& e : entries_) visit(e);
    }

    void check_new(std::string_view group, std::string_view name) const {
        if (group.empty() || name.empty() || group.find(':') != std::string_view::npos ||
            name.find(':') != std::string_view::npos)
            throw std::invalid_argument("mi::statistics: a group and a name are non-empty and have no ':' (\"" +
                                        std::string(group) + ':' + std::string(name) + "\")");
        if (keys_.contains(detail::folded_key(group, name)))
            throw std::invalid_argument("mi::statistics: " + std::string(group) + ':' + std::string(name) +
                                        " is there already");
    }

    // A counter or gauge that this object stores (a deque never moves what it holds).
    template <class Statistic>
    Statistic& add_stored(std::deque<Statistic>& store, std::string_view group, std::string_view name, std::string help) {
        std::lock_guard lock(mutex_);
        check_new(group, name);
        auto& s = store.emplace_back();
        push_locked(group, name, std::move(help), Statistic::kind, &s, {});
        return s;
    }

    void push_locked(std::string_view group, std::string_view name, std::string help, statistic_kind kind,
                     statistic* value, std::function<std::uint64_t()> compute) {
        auto key = detail::folded_key(group, name);
        entries_.push_back({std::string(group), std::string(name), std::move(help), kind, value, std::move(compute)});
        try {
            keys_.insert(std::move(key));
        } catch (...) {
            entries_.pop_back();
            throw;
        }
    }

    mutable std::mutex mutex_;
    std::vector<entry> entries_;
    boost::unordered_flat_set<std::string> keys_; // every entry's folded_key: adding is no scan of entries_
    std::deque<counter> counters_;
    std::deque<gauge> gauges_;
    std::vector<std::shared_ptr<void>> groups_;
};

// --- the commands ---------------------------------------------------------------------------------------------

namespace detail {
inline constexpr std::string_view get_statistics_help =
    "current values of statistics: 'all', a group as 'group:', or names";
inline constexpr std::string_view list_statistics_help =
    "the statistics and whether each is reset ('incremental') or not ('non-incremental')";
inline constexpr std::string_view reset_statistics_help = "sets the named counters back to zero";
inline constexpr std::string_view reset_all_statistics_help = "sets every counter back to zero";
} // namespace detail

/** OpenSIPS 3.x's four statistics commands, for a set without modules:
    `mi::command_set(..., mi::statistics_commands)`, served with a mi::statistics given to the dispatcher. */
inline constexpr auto statistics_commands = mi::commands(
    mi::command<"get_statistics">(detail::get_statistics_help, mi::needs_read,
                                  mi::recipe<&statistics::get, "statistics">),
    mi::command<"list_statistics">(detail::list_statistics_help, mi::needs_read, mi::recipe<&statistics::list_all>,
                                   mi::recipe<&statistics::list, "statistics">),
    mi::command<"reset_statistics">(detail::reset_statistics_help, mi::needs_write,
                                    mi::recipe<&statistics::reset, "statistics">),
    mi::command<"reset_all_statistics">(detail::reset_all_statistics_help, mi::needs_write,
                                        mi::recipe<&statistics::reset_all>));

/** OpenSIPS 4.x's statistics module, for a set of modules: `statistics:get`, `statistics:list`,
    `statistics:reset`, `statistics:reset_all`, with the 3.x names as aliases. */
inline constexpr auto statistics_module = mi::module<"statistics">(
    mi::command<"get">(detail::get_statistics_help, mi::needs_read, mi::alias<"get_statistics">,
                       mi::recipe<&statistics::get, "statistics">),
    mi::command<"list">(detail::list_statistics_help, mi::needs_read, mi::alias<"list_statistics">,
                        mi::recipe<&statistics::list_all>, mi::recipe<&statistics::list, "statistics">),
    mi::command<"reset">(detail::reset_statistics_help, mi::needs_write, mi::alias<"reset_statistics">,
                         mi::recipe<&statistics::reset, "statistics">),
    mi::command<"reset_all">(detail::reset_all_statistics_help, mi::needs_write, mi::alias<"reset_all_statistics">,
                             mi::recipe<&statistics::reset_all>));

} // namespace mi

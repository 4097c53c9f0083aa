// Copyright (c) 2026 the mi authors. Distributed under the Boost Software License, Version 1.0.
// SPDX-License-Identifier: BSL-1.0
#pragma once

#include <mi/builtin.hpp>
#include <mi/command.hpp>
#include <mi/detail/schema/lookup.hpp>
#include <mi/detail/json/types.hpp>
#include <mi/introspection.hpp>

#include <boost/mp11/algorithm.hpp>

#include <array>
#include <cstdint>
#include <span>
#include <string_view>
#include <tuple>

namespace mi {

/** Leaves a built-in command out of a set: `mi::command_set(mi::without_discover, ...)`. */
template <int Which>
struct without_t {};
inline constexpr without_t<0> without_which{};
inline constexpr without_t<1> without_help{};
inline constexpr without_t<2> without_discover{};

/** Several commands as one item of a command set, so that a library can hand its users a whole family in one
    line: `mi::command_set(mine..., mi::statistics_commands)`. Unlike a module, a bundle leaves the commands'
    names as they are. Made by `mi::commands(...)`. */
template <class... Commands>
struct commands_t {
    std::array<std::string_view, sizeof...(Commands)> helps;
};

/** The title and version `rpc.discover` reports. */
struct service_info {
    std::string_view title = "mi";
    std::string_view version = "1.0.0";
};

namespace detail {

template <class T>
inline constexpr bool is_command = false;
template <fixed_string M, fixed_string N, unsigned F, class A, class... R>
inline constexpr bool is_command<command_t<M, N, F, A, R...>> = true;

template <class T>
inline constexpr bool is_module = false;
template <fixed_string N, class... C>
inline constexpr bool is_module<module_t<N, C...>> = true;

template <class T>
inline constexpr bool is_bundle = false;
template <class... C>
inline constexpr bool is_bundle<commands_t<C...>> = true;

template <class T>
inline constexpr int omitted = -1;
template <int W>
inline constexpr int omitted<without_t<W>> = W;

template <class T>
concept set_item = is_command<T> || is_module<T> || is_bundle<T> || omitted<T> >= 0 || std::same_as<T, service_info>;

// The commands an item of command_set(...) contributes, as a type list.
template <class T>
struct commands_of {
    using type = boost::mp11::mp_list<>;
};
template <fixed_string M, fixed_string N, unsigned F, class A, class... R>
struct commands_of<command_t<M, N, F, A, R...>> {
    using type = boost::mp11::mp_list<command_t<M, N, F, A, R...>>;
};
template <fixed_string N, class... C>
struct commands_of<module_t<N, C...>> {
    using type = boost::mp11::mp_list<C...>;
};
template <class... C>
struct commands_of<commands_t<C...>> {
    using type = boost::mp11::mp_list<C...>;
};

// Gathers what the items of command_set(...) carry as values, in declaration order: help texts and the service
// info. Overloads rather than one generic lambda, so that a hundred commands make one function, not a hundred.
class set_gatherer {
public:
    explicit constexpr set_gatherer(std::string_view* helps) noexcept : helps_(helps) {}

    constexpr void add(command_text const& command) noexcept { helps_[at_++] = command.help; }
    template <fixed_string N, class... C>
    constexpr void add(module_t<N, C...> const& module) noexcept {
        for (auto help : module.helps) helps_[at_++] = help;
    }
    template <class... C>
    constexpr void add(commands_t<C...> const& bundle) noexcept {
        for (auto help : bundle.helps) helps_[at_++] = help;
    }
    constexpr void add(service_info const& info) noexcept { info_ = info; }
    template <int W>
    constexpr void add(without_t<W>) noexcept {}

    constexpr service_info const& info() const noexcept { return info_; }

private:
    std::string_view* helps_;
    std::size_t at_ = 0;
    service_info info_;
};

// Per recipe_form, so that recipes of one shape share their description.
template <class Form>
struct recipe_description {
    static constexpr auto params = []<class... P>(boost::mp11::mp_list<P...>) {
        return std::array<param_info, sizeof...(P)>{
            param_info{P::name, P::required, &param_json_schema_of<std::remove_cvref_t<typename P::type>>}...};
    }(typename Form::params{});
    static boost::json::value result_schema() {
        using result_type = result_value_t<typename Form::result>;
        if constexpr (std::is_void_v<result_type>)
            return boost::json::object{{"type", "string"}, {"const", "OK"}};
        else return json_schema_of<std::remove_cvref_t<result_type>>();
    }
};

// What describes a recipe, without its handler: recipes that agree on it share one description.
template <class Form, permission Needs>
struct recipe_key {};

template <class Keys>
inline constexpr auto recipe_infos = []<class... Form, permission... Needs>(boost::mp11::mp_list<recipe_key<Form, Needs>...>) {
    return std::array<recipe_info, sizeof...(Form)>{
        recipe_info{recipe_description<Form>::params, &recipe_description<Form>::result_schema, Needs}...};
}(Keys{});

template <class Recipe>
using recipe_key_of = recipe_key<typename Recipe::form, Recipe::needs>;

template <class Command>
using recipe_keys_of = boost::mp11::mp_transform<recipe_key_of, typename Command::recipes>;

// A command's description as plain bytes: which of the set's distinct recipe lists it has, its flags, how many
// aliases it has. Names come from the lookup table's text, help texts from the set object: none of it is a
// pointer that a position-independent program would have to relocate at load time.
struct command_layout {
    std::uint16_t recipes;
    std::uint16_t aliases;
    unsigned flags;
};

} // namespace detail

/** A command set: a compile-time value listing commands (or modules of commands). Give it to a
    `mi::dispatcher`. `which`, `help` and `rpc.discover` are added unless left out. */
template <class... Commands>
class command_set_t {
public:
    static constexpr std::size_t size = sizeof...(Commands);
    static constexpr bool uses_modules = (!Commands::module.empty() || ...);
    using commands_type = boost::mp11::mp_list<Commands...>;

    constexpr command_set_t(std::array<std::string_view, size> helps, service_info info)
        : helps_(helps), info_(info) {}

    /** The help text of the i-th command, in declaration order. */
    constexpr std::string_view help(std::size_t i) const noexcept { return helps_[i]; }
    constexpr service_info const& info() const noexcept { return info_; }

    /** What `name` resolves to; see `detail::method_table`. */
    static constexpr detail::resolution resolve(std::string_view name) noexcept { return table.find(name); }

    static constexpr std::size_t alias_count = (boost::mp11::mp_size<typename Commands::aliases>::value + ... + 0);

    template <class Aliases>
    static constexpr std::size_t alias_text = []<class... A>(boost::mp11::mp_list<A...>) {
        return (A::name.size() + ... + 0);
    }(Aliases{});
    static constexpr std::size_t name_text =
        (Commands::canonical.size() + ... + 0) + (alias_text<typename Commands::aliases> + ... + 0);
    using table_type = detail::method_table<size, alias_count, uses_modules, name_text>;

    static constexpr auto table = [] {
        std::array<detail::name_entry, size> names{
            detail::name_entry{Commands::canonical, Commands::name, !Commands::module.empty()}...};
        using alias_entry = typename table_type::alias_entry;
        std::array<alias_entry, alias_count> aliases{};
        std::size_t at = 0, command = 0;
        (
            [&]<class... A>(boost::mp11::mp_list<A...>) {
                ((aliases[at++] = alias_entry{A::name, static_cast<std::uint16_t>(command)}), ...);
                ++command;
            }(typename Commands::aliases{}),
            ...);
        return table_type(names, aliases);
    }();

    /** Describes every command into `infos`, their aliases into `aliases`. */
    void describe(std::array<command_info, size>& infos,
                  std::array<std::string_view, alias_count>& aliases) const noexcept {
        std::size_t alias = 0;
        for (std::size_t i = 0; i < size; ++i) {
            auto const& layout = layouts[i];
            auto const canonical = table.canonical(i);
            auto const colon = canonical.find(':');
            infos[i] = {canonical,
                        colon == std::string_view::npos ? std::string_view() : canonical.substr(0, colon),
                        colon == std::string_view::npos ? canonical : canonical.substr(colon + 1),
                        help(i),
                        (layout.flags & detail::flag_named_only) != 0,
                        (layout.flags & detail::flag_async) != 0,
                        recipe_lists[layout.recipes],
                        std::span<std::string_view const>(aliases.data() + alias, layout.aliases)};
            for (std::size_t a = 0; a < layout.aliases; ++a, ++alias) aliases[alias] = table.alias(alias);
        }
    }

    // A name must say which command it means; two commands under one name would make one unreachable.
    static_assert(!table.duplicate_name, "mi: two commands in one set have the same name (or an alias equals "
                                         "another command's name); rename or remove one of them");
    static_assert(size < detail::no_command, "mi: a command set holds at most 65534 commands");

private:
    // Commands of one shape share their recipes' descriptions: the set keeps one pointer per distinct list, not
    // one per command. Told apart by address while the set is compiled (mp_unique over a hundred commands' types
    // would cost the compiler a second). Used only by the two tables below, so never in the program itself.
    struct layout_tables {
        std::array<std::span<recipe_info const>, size> recipe_lists{}; // the first `distinct` are used
        std::size_t distinct = 0;
        std::array<detail::command_layout, size> layouts{};
    };
    static constexpr layout_tables tables = [] {
        layout_tables t;
        std::array<std::span<recipe_info const>, size> const lists{
            detail::recipe_infos<detail::recipe_keys_of<Commands>>...};
        std::array<std::uint16_t, size> const alias_counts{boost::mp11::mp_size<typename Commands::aliases>::value...};
        std::array<unsigned, size> const flags{Commands::flags...};
        for (std::size_t i = 0; i < size; ++i) {
            std::size_t at = 0;
            while (at < t.distinct && t.recipe_lists[at].data() != lists[i].data()) ++at;
            if (at == t.distinct) t.recipe_lists[t.distinct++] = lists[i];
            t.layouts[i] = {static_cast<std::uint16_t>(at), alias_counts[i], flags[i]};
        }
        return t;
    }();
    static constexpr auto recipe_lists = [] {
        std::array<std::span<recipe_info const>, tables.distinct> lists{};
        for (std::size_t i = 0; i < lists.size(); ++i) lists[i] = tables.recipe_lists[i];
        return lists;
    }();
    static constexpr auto layouts = tables.layouts;

    std::array<std::string_view, size> helps_;
    service_info info_;
};

/** Bundles commands for `mi::command_set(...)` (see mi::commands_t); they keep their names. */
template <class... Commands>
    requires(detail::is_command<Commands> && ...)
constexpr commands_t<Commands...> commands(Commands const&... bundled) {
    return {{bundled.help...}};
}

/** Builds a command set from commands, modules, and options (`mi::without_which`, `mi::without_help`,
    `mi::without_discover`, a `mi::service_info`).

    A set without modules behaves as OpenSIPS 3.x (flat names); a set of modules as OpenSIPS 4.x
    (`module:name`, with the lookup rules of spec 4.2). */
template <detail::set_item... Items>
constexpr auto command_set(Items const&... items) {
    constexpr bool any_module = (detail::is_module<Items> || ...);
    constexpr bool any_command = (detail::is_command<Items> || ...) || (detail::is_bundle<Items> || ...);
    // In OpenSIPS 4.x every command has a module; a bare one would have no canonical name.
    static_assert(!(any_module && any_command),
                  "mi: a set that uses modules needs every command in a module; wrap the remaining commands "
                  "in mi::module<\"name\">(...)");
    constexpr auto without = [](int which) { return ((detail::omitted<Items> == which) || ...); };

    // Types carry everything but the help texts, which are gathered in declaration order with a flat fold
    // (std::tuple_cat instead is quadratic in compile time over a hundred commands).
    using namespace boost::mp11;
    using which_type = std::remove_cvref_t<decltype(builtin::which)>;
    using help_type = std::remove_cvref_t<decltype(builtin::help)>;
    using discover_type = std::remove_cvref_t<decltype(builtin::rpc_discover)>;
    using builtins =
        mp_append<std::conditional_t<without(0), mp_list<>,
                                     mp_list<std::conditional_t<any_module, typename which_type::template in_module<"core">,
                                                                which_type>>>,
                  std::conditional_t<without(1), mp_list<>,
                                     mp_list<std::conditional_t<any_module, typename help_type::template in_module<"core">,
                                                                help_type>>>,
                  std::conditional_t<without(2), mp_list<>, mp_list<discover_type>>>;
    using set_type = mp_rename<mp_append<typename detail::commands_of<Items>::type..., builtins>, command_set_t>;

    std::array<std::string_view, set_type::size> helps{};
    detail::set_gatherer gather(helps.data());
    (gather.add(items), ...);
    if constexpr (!without(0)) gather.add(builtin::which);
    if constexpr (!without(1)) gather.add(builtin::help);
    if constexpr (!without(2)) gather.add(builtin::rpc_discover);
    return set_type(helps, gather.info());
}

} // namespace mi

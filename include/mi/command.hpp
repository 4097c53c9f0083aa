// Copyright (c) 2026 the mi authors. Distributed under the Boost Software License, Version 1.0.
// SPDX-License-Identifier: BSL-1.0
#pragma once

#include <mi/async.hpp>
#include <mi/context.hpp>
#include <mi/detail/declaration/recipe.hpp>
#include <mi/fixed_string.hpp>

#include <boost/mp11/algorithm.hpp>

#include <array>
#include <string_view>

namespace mi {

// ---------------------------------------------------------------------------------------------------------
// Options of a command

/** The one-line description `help` reports. */
struct help {
    std::string_view text;
    constexpr explicit help(std::string_view text) noexcept : text(text) {}
};

/** A flag of a command (OpenSIPS's MI_NAMED_PARAMS_ONLY and MI_ASYNC_RPL_FLAG). */
template <unsigned Bit>
struct flag_t {};

/** Positional parameters are refused with "Command only supports named parameters". */
inline constexpr flag_t<detail::flag_named_only> named_params_only{};
/** The command may answer later: its handlers may take an `mi::async_reply` and return `mi::async_result`.
    A command with a coroutine handler (one returning `boost::asio::awaitable<T>`) is asynchronous without it. */
inline constexpr flag_t<detail::flag_async> async{};

/** The permission a command's recipes need (as a command option), or one recipe needs (applied to it):
    `mi::command<"log_level">(mi::needs_read, mi::recipe<&levels>, mi::needs_admin(mi::recipe<&set, "level">))`.
    A recipe that says nothing needs `admin`, so a command is open to a restricted caller only when declared so. */
template <permission P>
struct needs_t {
    template <auto Handler, fixed_string... Names>
    constexpr detail::permitted<P, recipe_t<Handler, Names...>> operator()(recipe_t<Handler, Names...>) const noexcept {
        return {};
    }
};
/** Reads state only: statistics, listings, the log level. */
inline constexpr needs_t<permission::read> needs_read{};
/** Changes state in the ordinary course of operation: a cache entry, a counter reset. */
inline constexpr needs_t<permission::write> needs_write{};
/** Changes how the daemon runs, or stops it. What a recipe needs unless declared otherwise. */
inline constexpr needs_t<permission::admin> needs_admin{};

template <fixed_string Name>
struct alias_t {
    static constexpr std::string_view name = Name.view();
};
/** Another name the command answers to (OpenSIPS 4.x keeps the 3.x names this way). */
template <fixed_string Name>
inline constexpr alias_t<Name> alias{};

// ---------------------------------------------------------------------------------------------------------
// The command

namespace detail {
// What a command object holds: its help text. A base of its own, so that one function reads it for every command.
struct command_text {
    std::string_view help;
};
} // namespace detail

template <fixed_string Module, fixed_string Name, unsigned Flags, class Aliases, class... Recipes>
struct command_t : detail::command_text {
    static constexpr std::string_view module = Module.view();
    static constexpr std::string_view name = Name.view();
    static constexpr unsigned flags = Flags;
    using aliases = Aliases;
    using recipes = boost::mp11::mp_list<detail::recipe_traits<Recipes>...>;

    static constexpr auto canonical_storage = [] {
        if constexpr (Module.size() == 0) return Name;
        else return detail::concat<Module, fixed_string(":"), Name>();
    }();
    static constexpr std::string_view canonical = canonical_storage.view();

    template <fixed_string OtherModule>
    using in_module = command_t<OtherModule, Name, Flags, Aliases, Recipes...>;
};

namespace detail {

template <class T>
inline constexpr bool is_recipe = false;
template <auto H, fixed_string... N>
inline constexpr bool is_recipe<recipe_t<H, N...>> = true;
template <permission P, class R>
inline constexpr bool is_recipe<permitted<P, R>> = true;

template <class T>
inline constexpr bool is_permission = false;
template <permission P>
inline constexpr bool is_permission<needs_t<P>> = true;

// What a recipe needs: its own declaration, else the command's (`Default`).
template <permission Default>
struct with_permission {
    template <class Recipe>
    struct apply {
        using type = permitted<Default, Recipe>;
    };
    template <permission P, class Recipe>
    struct apply<permitted<P, Recipe>> {
        using type = permitted<P, Recipe>;
    };
    template <class Recipe>
    using fn = typename apply<Recipe>::type;
};

template <class T>
inline constexpr permission declared_permission = permission::admin;
template <permission P>
inline constexpr permission declared_permission<needs_t<P>> = P;

template <class T>
inline constexpr bool is_alias = false;
template <fixed_string N>
inline constexpr bool is_alias<alias_t<N>> = true;

template <class T>
inline constexpr unsigned flag_bits = 0;
template <unsigned Bit>
inline constexpr unsigned flag_bits<flag_t<Bit>> = Bit;

template <class T>
concept command_option =
    is_recipe<T> || is_alias<T> || is_permission<T> || std::same_as<T, mi::help> || (flag_bits<T> != 0);

template <fixed_string Name, unsigned Flags, class Aliases, class Recipes>
struct command_type;
template <fixed_string Name, unsigned Flags, class Aliases, class... Recipes>
struct command_type<Name, Flags, Aliases, boost::mp11::mp_list<Recipes...>> {
    using type = command_t<fixed_string(""), Name, Flags, Aliases, Recipes...>;
};

// What make_command reads from its options is found by folds over them, not by type-list algorithms: every
// command of a set is made here, and over a hundred commands Mp11's copy_if and count_if were a visible part of
// the translation unit's compile time.
template <class T>
inline constexpr bool bad_alias = false;
template <fixed_string N>
inline constexpr bool bad_alias<alias_t<N>> = !is_identifier(N.view());

template <class Recipes>
inline constexpr bool has_async_recipe = false;
template <class... Recipes>
inline constexpr bool has_async_recipe<boost::mp11::mp_list<Recipes...>> = (recipe_traits<Recipes>::is_async || ...);

// A coroutine handler says by its type that it answers later: its command is asynchronous without mi::async.
template <class Recipes>
inline constexpr unsigned coroutine_flags = 0;
template <class... Recipes>
inline constexpr unsigned coroutine_flags<boost::mp11::mp_list<Recipes...>> =
    (recipe_traits<Recipes>::is_coroutine || ...) ? flag_async : 0u;

template <class... Options>
constexpr permission command_permission() {
    permission needs = permission::admin;
    ((is_permission<Options> ? void(needs = declared_permission<Options>) : void()), ...);
    return needs;
}

template <fixed_string Name, class... Options>
constexpr auto make_command(std::string_view help_text) {
    using boost::mp11::mp_append;
    using boost::mp11::mp_list;
    static_assert((std::size_t{is_permission<Options>} + ... + 0) <= 1,
                  "mi: a command takes one permission for its recipes (mi::needs_read, mi::needs_write or "
                  "mi::needs_admin); give a recipe that needs another one its own: mi::needs_admin(mi::recipe<...>)");
    using needs = with_permission<command_permission<Options...>()>;
    using alias_list = mp_append<mp_list<>, std::conditional_t<is_alias<Options>, mp_list<Options>, mp_list<>>...>;
    using recipe_list = mp_append<mp_list<>, std::conditional_t<is_recipe<Options>,
                                                                mp_list<typename needs::template fn<Options>>, mp_list<>>...>;
    constexpr std::size_t recipes = (std::size_t{is_recipe<Options>} + ... + 0);
    constexpr unsigned flags = (flag_bits<Options> | ... | 0u) | coroutine_flags<recipe_list>;

    // The name is how operators will type the command; OpenSIPS accepts identifiers only.
    static_assert(is_identifier(Name.view()),
                  "mi: a command name must be a non-empty identifier (letters, digits, '_'; not starting with a "
                  "digit), e.g. mi::command<\"log_level\">");
    static_assert(recipes > 0, "mi: a command needs at least one recipe, e.g. mi::recipe<&handler, \"param\">");
    static_assert(recipes <= 48, "mi: a command has at most 48 recipes (as in OpenSIPS)");
    static_assert(!(bad_alias<Options> || ...),
                  "mi: an alias must be a non-empty identifier, e.g. mi::alias<\"get_statistics\">");
    static_assert((flags & flag_async) || !has_async_recipe<recipe_list>,
                  "mi: a handler that takes mi::async_reply or returns mi::async_result belongs to a command "
                  "declared with mi::async; add mi::async to the command's options");
    static_assert(recipes_distinguishable<recipe_list>(),
                  "mi: two recipes of this command accept the same parameter names, so no request could tell "
                  "them apart; give one of them a different parameter name or remove it");

    return typename command_type<Name, flags, alias_list, recipe_list>::type{help_text};
}

} // namespace detail

/** Declares a command: `mi::command<"log_level">("Gets or sets the log level", mi::recipe<...>, ...)`.
    Options: one or more `mi::recipe` (each may be wrapped in a permission: `mi::needs_admin(mi::recipe<...>)`),
    and any of `mi::alias<"...">`, `mi::named_params_only`, `mi::async`, and one permission for the recipes
    that declare none (`mi::needs_read`, `mi::needs_write`; `mi::needs_admin` when left out). */
template <fixed_string Name, detail::command_option... Options>
constexpr auto command(std::string_view help_text, Options...) {
    return detail::make_command<Name, Options...>(help_text);
}

template <fixed_string Name, detail::command_option... Options>
constexpr auto command(Options...) {
    return detail::make_command<Name, Options...>({});
}

// ---------------------------------------------------------------------------------------------------------
// Modules

template <fixed_string Name, class... Commands>
struct module_t {
    using commands = boost::mp11::mp_list<Commands...>;
    std::array<std::string_view, sizeof...(Commands)> helps;
};

/** Groups commands under `module:name` canonical names with the OpenSIPS 4.x lookup rules. */
template <fixed_string Name, class... Commands>
constexpr auto module(Commands const&... commands) {
    static_assert(((Commands::module.empty()) && ...), "mi: a command belongs to one module only");
    static_assert(detail::is_identifier(Name.view()),
                  "mi: a module name must be a non-empty identifier, e.g. mi::module<\"statistics\">");
    return module_t<Name, typename Commands::template in_module<Name>...>{{commands.help...}};
}

} // namespace mi

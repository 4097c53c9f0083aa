// Copyright (c) 2026 the mi authors. Distributed under the Boost Software License, Version 1.0.
// SPDX-License-Identifier: BSL-1.0
#pragma once

#include <mi/async.hpp>
#include <mi/context.hpp>
#include <mi/detail/declaration/signature.hpp>
#include <mi/detail/json/types.hpp>
#include <mi/error.hpp>
#include <mi/fixed_string.hpp>

#include <boost/mp11/algorithm.hpp>
#include <boost/mp11/function.hpp>

#include <array>
#include <functional>
#include <string_view>
#include <tuple>
#include <utility>

// Declared, not included: whether a handler is a coroutine is read from its type, and the code that runs one
// (<mi/coroutine.hpp>) is compiled only where a set has such a handler.
namespace boost::asio {
template <class T, class Executor>
class awaitable;
} // namespace boost::asio

namespace mi {

class introspection;

/** A parameter that carries its name in the signature: `int set(mi::arg<"level", int> level)`. */
template <fixed_string Name, class T>
struct arg {
    using value_type = T;
    static constexpr std::string_view name = Name.view();

    T value;

    constexpr T& operator*() noexcept { return value; }
    constexpr T const& operator*() const noexcept { return value; }
    constexpr T* operator->() noexcept { return &value; }
    constexpr T const* operator->() const noexcept { return &value; }
    constexpr operator T const&() const noexcept { return value; }
};

/** One way to call a command (OpenSIPS calls it a recipe): a handler and the names of its parameters.

    `Handler` is a function, a member function of a module object given to the dispatcher, or a lambda
    without captures. Names come from the declaration, in one of three ways:
    - listed here, one per JSON parameter: `mi::recipe<&set_level, "level", "pid">`;
    - in the signature: `int set_level(mi::arg<"level", int>, mi::arg<"pid", int>)`, `mi::recipe<&set_level>`;
    - from a struct described with BOOST_DESCRIBE_STRUCT that is the only JSON parameter: `mi::recipe<&f>`.
    Parameters of type `mi::context const&`, `mi::async_reply` and `mi::introspection const&` are filled in
    by the dispatcher and take no name. `std::optional<T>` parameters are optional and come last. */
template <auto Handler, fixed_string... Names>
struct recipe_t {};

template <auto Handler, fixed_string... Names>
inline constexpr recipe_t<Handler, Names...> recipe{};

namespace detail {

inline constexpr unsigned flag_async = 1u << 0;
inline constexpr unsigned flag_named_only = 1u << 1;

// What a handler may be given besides its parameters. The handler objects are erased so that the code that
// runs recipes is the same whatever objects a dispatcher was given.
struct call_env {
    context const& ctx;
    async_reply const& reply;
    introspection const& intro;
    void const* objects; // the dispatcher's std::tuple<Object*...>
};

template <class T>
inline constexpr bool is_named_arg = false;
template <fixed_string N, class T>
inline constexpr bool is_named_arg<arg<N, T>> = true;

template <class T>
inline constexpr bool is_injected = std::same_as<T, context> || std::same_as<T, async_reply> ||
                                    std::same_as<T, introspection>;

template <class T>
inline constexpr bool is_async_result = false;
template <class T>
inline constexpr bool is_async_result<async_result<T>> = true;

template <class T>
inline constexpr bool is_result = false;
template <class T>
inline constexpr bool is_result<boost::system::result<T, error>> = true;

// A coroutine handler: it answers by co_return, on an executor the caller provides.
template <class T>
inline constexpr bool is_awaitable = false;
template <class T, class Executor>
inline constexpr bool is_awaitable<boost::asio::awaitable<T, Executor>> = true;

// A type that refers to memory it does not own, which a coroutine's frame must not keep across a suspension:
// the request's bytes and the caller's context are gone by then.
template <class T>
inline constexpr bool holds_view = std::same_as<T, std::string_view>;
template <class T>
inline constexpr bool holds_view<std::optional<T>> = holds_view<T>;
template <class T, class A>
inline constexpr bool holds_view<std::vector<T, A>> = holds_view<T>;
template <fixed_string N, class T>
inline constexpr bool holds_view<arg<N, T>> = holds_view<T>;
template <class A, class B>
inline constexpr bool holds_view<std::pair<A, B>> = holds_view<A> || holds_view<B>;
template <class T>
    requires described_struct<T>
inline constexpr bool holds_view<T> = []<class... M>(boost::mp11::mp_list<M...>) {
    return (holds_view<member_type<T, M>> || ...);
}(boost::mp11::mp_rename<public_members<T>, boost::mp11::mp_list>{});

template <class T>
struct awaited {
    using type = void;
};
template <class T, class Executor>
struct awaited<boost::asio::awaitable<T, Executor>> {
    using type = T;
};

// The result a handler's return type carries: void for "OK".
template <class R>
struct result_value {
    using type = R;
};
template <class T>
struct result_value<async_result<T>> {
    using type = T;
};
template <class T>
struct result_value<boost::system::result<T, error>> {
    using type = T;
};
template <class T, class Executor>
struct result_value<boost::asio::awaitable<T, Executor>> : result_value<T> {};
template <class R>
using result_value_t = typename result_value<R>::type;

/** One JSON parameter of a recipe. `Name` is a type with a static `name`. */
template <class T, class Name>
struct param {
    using type = T;
    static constexpr std::string_view name = Name::name;
    static constexpr bool required = !is_optional<T>;
};

template <class Descriptor>
struct described_name {
    static constexpr std::string_view name = Descriptor::name;
};

template <class Struct>
struct member_param {
    template <class Descriptor>
    using fn = param<std::remove_cvref_t<decltype(std::declval<Struct&>().*Descriptor::pointer)>,
                     described_name<Descriptor>>;
};

// How one argument of the handler is produced.
enum class slot_kind { injected, named_arg, plain, flattened };

template <slot_kind Kind, class Declared, class Params>
struct slot {
    static constexpr slot_kind kind = Kind;
    using declared = Declared; // the parameter type as the handler declares it
    using params = Params;
};

struct unnamed {
    static constexpr std::string_view name = "";
};

template <class Recipe>
struct recipe_traits;

/* Everything about a recipe that follows from its handler's type and its parameter names rather than from
   which function the handler is. Commands of one shape, say a hundred (int, int) -> int handlers named "a" and
   "b", share one instantiation of it, which keeps a set of many commands cheap to compile. */
template <class HandlerType, fixed_string... Names>
struct recipe_form {
    using handler_type = HandlerType;
    using sig = signature<handler_type>;
    static_assert(sig::valid, "mi: a recipe's handler must be a function, a member function or a lambda without "
                              "captures, e.g. mi::recipe<&set_level, \"level\">");

    using declared_args = typename sig::args;
    using args = boost::mp11::mp_transform<std::remove_cvref_t, declared_args>;
    using object = typename sig::object;
    using result = typename sig::result;

    template <class A>
    using is_plain = std::bool_constant<!is_injected<A> && !is_named_arg<A>>;
    static constexpr std::size_t plain_count = boost::mp11::mp_count_if<args, is_plain>::value;
    static constexpr std::size_t listed_count = sizeof...(Names);

    // With no names listed, a single described struct supplies the names of its members.
    static constexpr bool flattens = [] {
        if constexpr (listed_count == 0 && plain_count == 1)
            return described_struct<boost::mp11::mp_at_c<boost::mp11::mp_copy_if<args, is_plain>, 0>>;
        else
            return false;
    }();

    static_assert(flattens || listed_count == plain_count,
                  "mi: the recipe lists a different number of parameter names than its handler has JSON "
                  "parameters; list one name per parameter (context, async_reply, introspection and mi::arg "
                  "parameters take none), e.g. mi::recipe<&set_level, \"level\", \"pid\">");

    using listed_names = boost::mp11::mp_list<name_constant<Names>...>;

    template <class I>
    struct slot_at_impl {
        using declared = boost::mp11::mp_at<declared_args, I>;
        using A = boost::mp11::mp_at<args, I>;
        static constexpr std::size_t plain_before =
            boost::mp11::mp_count_if<boost::mp11::mp_take<args, I>, is_plain>::value;
        static auto make() {
            if constexpr (is_injected<A>)
                return slot<slot_kind::injected, declared, boost::mp11::mp_list<>>{};
            else if constexpr (is_named_arg<A>)
                return slot<slot_kind::named_arg, declared,
                            boost::mp11::mp_list<param<typename A::value_type, A>>>{};
            else if constexpr (flattens)
                return slot<slot_kind::flattened, declared,
                            boost::mp11::mp_rename<boost::mp11::mp_transform_q<member_param<A>, public_members<A>>, boost::mp11::mp_list>>{};
            else if constexpr (plain_before < listed_count)
                return slot<slot_kind::plain, declared,
                            boost::mp11::mp_list<param<A, boost::mp11::mp_at_c<listed_names, plain_before>>>>{};
            else
                return slot<slot_kind::plain, declared, boost::mp11::mp_list<param<A, unnamed>>>{};
        }
        using type = decltype(make());
    };
    template <class I>
    using slot_at = typename slot_at_impl<I>::type;
    template <class S>
    using slot_params = typename S::params;

    using slots = boost::mp11::mp_transform<slot_at, boost::mp11::mp_iota<boost::mp11::mp_size<args>>>;
    using params = boost::mp11::mp_apply<boost::mp11::mp_append, boost::mp11::mp_transform<slot_params, slots>>;
    static constexpr std::size_t max_params = boost::mp11::mp_size<params>::value;

    // index of each slot's first parameter in `params`
    static constexpr auto slot_offsets = []<class... S>(boost::mp11::mp_list<S...>) {
        std::array<std::size_t, sizeof...(S) + 1> offsets{};
        [[maybe_unused]] std::size_t at = 0, i = 0;
        ((offsets[i++] = at, at += boost::mp11::mp_size<typename S::params>::value), ...);
        return offsets;
    }(slots{});

    static constexpr auto names = []<class... P>(boost::mp11::mp_list<P...>) {
        return std::array<std::string_view, sizeof...(P)>{P::name...};
    }(params{});
    static constexpr auto required = []<class... P>(boost::mp11::mp_list<P...>) {
        return std::array<bool, sizeof...(P)>{P::required...};
    }(params{});
    static constexpr std::size_t min_params = [] {
        std::size_t n = 0;
        for (bool r : required) n += r;
        return n;
    }();

    static_assert([] {
        for (std::size_t i = 0; i < max_params; ++i)
            for (std::size_t j = i + 1; j < max_params; ++j)
                if (names[i] == names[j]) return false;
        return true;
    }(), "mi: the same parameter name appears twice in one recipe; give every parameter its own name");
    static_assert(!(flattens || listed_count == plain_count) || [] {
        for (auto n : names)
            if (n.empty()) return false;
        return true;
    }(), "mi: a parameter name must not be empty");
    // Positional calls fill parameters from the front, so a required one after an optional one
    // could never be left out.
    static_assert([] {
        for (std::size_t i = 0; i < min_params; ++i)
            if (!required[i]) return false;
        return true;
    }(), "mi: std::optional parameters must come after the required ones in a recipe");

    template <class P>
    using param_bindable = std::bool_constant<is_bindable<std::remove_cvref_t<typename P::type>>>;
    static_assert(boost::mp11::mp_all_of<params, param_bindable>::value,
                  "mi: a parameter type cannot be bound from JSON; use an integer, floating point, bool, "
                  "std::string, std::string_view, std::optional, std::vector, a map keyed by std::string, a "
                  "type described with BOOST_DESCRIBE_STRUCT/ENUM, or a boost::json value/object/array");
    static_assert(std::is_void_v<result_value_t<result>> ||
                      is_writable<std::remove_cvref_t<result_value_t<result>>>,
                  "mi: a handler's result type cannot be written as JSON; return void, a number, a string, a "
                  "container, a type described with BOOST_DESCRIBE_STRUCT/ENUM, a boost::json value, or "
                  "mi::result<T> / mi::async_result<T> of one of those");

    static constexpr bool is_coroutine = is_awaitable<result>;
    static_assert(!is_coroutine || !boost::mp11::mp_contains<args, async_reply>::value,
                  "mi: a coroutine handler answers by co_return (or by throwing mi::error); remove its "
                  "mi::async_reply parameter, or return a plain value and answer through the mi::async_reply");
    static_assert(!is_async_result<typename awaited<result>::type>,
                  "mi: a coroutine handler answers by co_return; return boost::asio::awaitable<T> (or "
                  "awaitable<mi::result<T>>), not awaitable<mi::async_result<T>>");
    template <class A>
    using kept_in_frame = std::bool_constant<std::same_as<A, introspection const&> ||
                                             (!std::is_reference_v<A> && !holds_view<std::remove_cv_t<A>>)>;
    static_assert(!is_coroutine || boost::mp11::mp_all_of<declared_args, kept_in_frame>::value,
                  "mi: a coroutine handler keeps its parameters in its frame after the request is gone: take them "
                  "by value (std::string rather than std::string_view or a reference; mi::context by value)");
    // A coroutine's answer comes later, through the completion handle a reply-taking handler is given.
    static constexpr bool takes_reply = boost::mp11::mp_contains<args, async_reply>::value || is_coroutine;
    static constexpr bool is_async = takes_reply || is_async_result<result>;

    // The parameter values, bound from JSON, in `params` order.
    template <class P>
    using storage_of = std::remove_cvref_t<typename P::type>;
    using values = boost::mp11::mp_rename<boost::mp11::mp_transform<storage_of, params>, std::tuple>;

    template <std::size_t I>
    static decltype(auto) argument(call_env const& env, values& v) {
        using S = boost::mp11::mp_at_c<slots, I>;
        using D = typename S::declared;
        using A = std::remove_cvref_t<D>;
        constexpr std::size_t at = slot_offsets[I];
        if constexpr (S::kind == slot_kind::injected) {
            if constexpr (std::same_as<A, context>) return static_cast<context const&>(env.ctx);
            else if constexpr (std::same_as<A, async_reply>) return async_reply(env.reply);
            else return static_cast<introspection const&>(env.intro);
        } else if constexpr (S::kind == slot_kind::named_arg) {
            return A{std::move(std::get<at>(v))};
        } else if constexpr (S::kind == slot_kind::plain) {
            return static_cast<D&&>(std::get<at>(v));
        } else {
            A whole{};
            std::size_t i = at;
            boost::mp11::mp_for_each<public_members<A>>([&](auto member) {
                boost::mp11::mp_with_index<max_params>(i++, [&](auto k) {
                    if constexpr (std::is_assignable_v<decltype(whole.*member.pointer)&,
                                                       std::tuple_element_t<k, values>&&>)
                        whole.*member.pointer = std::move(std::get<k>(v));
                });
            });
            return whole;
        }
    }
};

template <auto Handler, fixed_string... Names>
struct recipe_traits<recipe_t<Handler, Names...>> : recipe_form<decltype(Handler), Names...> {
    using form = recipe_form<decltype(Handler), Names...>;
    using typename form::result;
    using typename form::values;

    /** Calls the handler with the bound values and the injected ones; `Objects` is the dispatcher's tuple of
        pointers to handler objects, which `env.objects` points to. */
    template <class Objects>
    static result invoke(call_env const& env, values& v) {
        using object = typename form::object;
        return [&]<std::size_t... I>(std::index_sequence<I...>) -> result {
            if constexpr (std::is_void_v<object>) {
                return std::invoke(Handler, form::template argument<I>(env, v)...);
            } else {
                auto& objects = *static_cast<Objects const*>(env.objects);
                return std::invoke(Handler, *std::get<std::remove_const_t<object>*>(objects),
                                   form::template argument<I>(env, v)...);
            }
        }(std::make_index_sequence<boost::mp11::mp_size<typename form::args>::value>{});
    }
};

/** A recipe with the permission a caller needs to run it. Every recipe of a command becomes one. */
template <permission P, class Recipe>
struct permitted {};

template <permission P, auto Handler, fixed_string... Names>
struct recipe_traits<permitted<P, recipe_t<Handler, Names...>>> : recipe_traits<recipe_t<Handler, Names...>> {
    static constexpr permission needs = P;
};

// Two recipes no request could tell apart: every name set the later one accepts, the earlier one accepts
// too (its names contain the later's, and it requires no name the later may omit).
template <class Earlier, class Later>
constexpr bool shadows() {
    using E = recipe_traits<Earlier>;
    using L = recipe_traits<Later>;
    auto contains = [](auto const& names, std::string_view n) {
        for (auto x : names)
            if (x == n) return true;
        return false;
    };
    for (auto n : L::names)
        if (!contains(E::names, n)) return false;
    for (std::size_t i = 0; i < E::max_params; ++i)
        if (E::required[i]) {
            bool required_by_later = false;
            for (std::size_t j = 0; j < L::max_params; ++j)
                if (L::names[j] == E::names[i] && L::required[j]) required_by_later = true;
            if (!required_by_later) return false;
        }
    return true;
}

template <class RecipeList>
constexpr bool recipes_distinguishable() {
    constexpr std::size_t n = boost::mp11::mp_size<RecipeList>::value;
    bool ok = true;
    if constexpr (n > 1) // most commands have one recipe: nothing to compare, nothing to instantiate
        boost::mp11::mp_for_each<boost::mp11::mp_iota_c<n>>([&](auto i) {
            boost::mp11::mp_for_each<boost::mp11::mp_iota_c<n>>([&](auto j) {
                if constexpr (i < j)
                    if (shadows<boost::mp11::mp_at_c<RecipeList, i>, boost::mp11::mp_at_c<RecipeList, j>>()) ok = false;
            });
        });
    return ok;
}

} // namespace detail
} // namespace mi

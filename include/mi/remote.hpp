// Copyright (c) 2026 the mi authors. Distributed under the Boost Software License, Version 1.0.
// SPDX-License-Identifier: BSL-1.0
#pragma once

// The typed client: calls a daemon's commands through the same declarations the daemon compiles. The command's
// name, the arguments' number, names and types, and the type the result is read as are checked at compile time
// against the command set; the request is written and the answer read by mi's own JSON writer and binder.
//
//     mi::remote<daemon::commands> daemon(mi::client::connection(mi::client::http_options{.url = url}));
//     int level = daemon.call<"log_level">(4);
//     auto uptime = daemon.call<"uptime">();                       // the handler's declared result type
//     daemon.call<"cache_store">(mi::named<"system">("local"), mi::named<"attr">("k"), mi::named<"value">("v"));

#include <mi/command_set.hpp>
#include <mi/detail/json/tape.hpp>
#include <mi/detail/json/types.hpp>
#include <mi/error.hpp>
#include <mi/fixed_string.hpp>
#include <mi/transport/client.hpp>

#include <boost/json/serialize.hpp>
#include <boost/json/serializer.hpp>
#include <boost/mp11/algorithm.hpp>

#include <atomic>
#include <concepts>
#include <cstdint>
#include <exception>
#include <optional>
#include <string>
#include <string_view>
#include <tuple>
#include <type_traits>
#include <utility>

namespace mi {

/** An argument given by name: `daemon.call<"log_level">(mi::named<"level">(4))`. */
template <fixed_string Name, class T>
constexpr arg<Name, std::decay_t<T>> named(T&& value) {
    return {std::forward<T>(value)};
}

/** What a typed call returns: the command's result as its handler declares it. Converts to that type (or to one
    it converts to), and reads as it: `*r`, `r->member`, `r.value()`. */
template <class R>
class typed_result {
public:
    using value_type = R;

    explicit typed_result(R value) : value_(std::move(value)) {}

    template <class U>
    operator U() && {
        static_assert(std::is_convertible_v<R, U>,
                      "mi: the command's handler returns another type than the one its result is read as here; read "
                      "it as the handler's result type (auto, or typed_result<R>::value_type)");
        return U(std::move(value_));
    }
    template <class U>
    operator U() const& {
        static_assert(std::is_convertible_v<R const&, U>,
                      "mi: the command's handler returns another type than the one its result is read as here; read "
                      "it as the handler's result type (auto, or typed_result<R>::value_type)");
        return U(value_);
    }

    R& operator*() & noexcept { return value_; }
    R const& operator*() const& noexcept { return value_; }
    R&& operator*() && noexcept { return std::move(value_); }
    R* operator->() noexcept { return &value_; }
    R const* operator->() const noexcept { return &value_; }
    R const& value() const& noexcept { return value_; }
    R&& value() && noexcept { return std::move(value_); }

    friend bool operator==(typed_result const& a, R const& b) { return a.value_ == b; }

private:
    R value_;
};

namespace detail {

// --- choosing the recipe a call's arguments make ------------------------------------------------------------

// An argument of type A may stand for a parameter of type P: P (or, for an optional parameter, its value type) is
// made from A implicitly, and a floating-point number is not cut to an integer.
template <class P>
struct value_of_optional {
    using type = P;
};
template <class T>
struct value_of_optional<std::optional<T>> {
    using type = T;
};

template <class P, class A>
constexpr bool passes_as() {
    using value = typename value_of_optional<P>::type;
    if constexpr (std::is_floating_point_v<std::remove_cvref_t<A>> && std::is_integral_v<value>) return false;
    else return std::is_convertible_v<A, P> || std::is_convertible_v<A, value>;
}

// What a client keeps of a result: a handler may return a view of its own state (std::string_view), which the
// client reads into a string, since the reply it points into is gone once the call returns.
template <class T>
struct owning {
    using type = T;
};
template <>
struct owning<std::string_view> {
    using type = std::string;
};
template <class T>
struct owning<std::optional<T>> {
    using type = std::optional<typename owning<T>::type>;
};
template <class T, class A>
struct owning<std::vector<T, A>> {
    using type = std::vector<typename owning<T>::type>;
};
template <class A, class B>
struct owning<std::pair<A, B>> {
    using type = std::pair<typename owning<A>::type, typename owning<B>::type>;
};

template <class Recipe>
constexpr std::size_t index_of_name(std::string_view name) {
    for (std::size_t i = 0; i < Recipe::max_params; ++i)
        if (Recipe::names[i] == name) return i;
    return Recipe::max_params;
}

template <class Recipe, class... Args>
constexpr bool counts_fit() {
    return sizeof...(Args) >= Recipe::min_params && sizeof...(Args) <= Recipe::max_params;
}

template <class Recipe, class... Args>
constexpr bool takes_positionally() {
    if constexpr (!counts_fit<Recipe, Args...>()) return false;
    else
        return []<std::size_t... I>(std::index_sequence<I...>) {
            return (passes_as<typename boost::mp11::mp_at_c<typename Recipe::params, I>::type, Args>() && ...);
        }(std::index_sequence_for<Args...>{});
}

// Named arguments: every name is the recipe's and every name it requires is given.
template <class Recipe, class... Args>
constexpr bool names_fit() {
    if constexpr (((index_of_name<Recipe>(Args::name) == Recipe::max_params) || ...)) return false;
    else {
        for (std::size_t i = 0; i < Recipe::max_params; ++i)
            if (Recipe::required[i] && !((Args::name == Recipe::names[i]) || ...)) return false;
        return true;
    }
}

template <class Recipe, class A>
constexpr bool named_passes() {
    constexpr std::size_t i = index_of_name<Recipe>(A::name);
    if constexpr (i == Recipe::max_params) return false;
    else return passes_as<typename boost::mp11::mp_at_c<typename Recipe::params, i>::type, typename A::value_type>();
}

template <class Recipe, class... Args>
constexpr bool takes_by_name() {
    if constexpr (!names_fit<Recipe, Args...>()) return false;
    else return (named_passes<Recipe, Args>() && ...);
}

template <class... Args>
constexpr bool distinct_names() {
    constexpr std::array<std::string_view, sizeof...(Args)> names{Args::name...};
    for (std::size_t i = 0; i < names.size(); ++i)
        for (std::size_t j = i + 1; j < names.size(); ++j)
            if (names[i] == names[j]) return false;
    return true;
}

// The command `Name` resolves to in `Set`, and the recipe the arguments select, with a static_assert for each way
// the call can be wrong.
template <class Set, fixed_string Name, class... Args>
struct typed_call {
    static constexpr auto found = Set::resolve(Name.view());
    static constexpr bool known = found.command != no_command || found.ambiguous_count > 1;
    static_assert(known, "mi: the command set has no command of this name; check its spelling (which lists the set's "
                         "commands) or its module (\"module:name\")");
    static_assert(!known || found.command != no_command,
                  "mi: this name is a command of more than one module; call it as \"module:name\"");
    // After a failed check, the first command and recipe stand in, so that the check's message is the only error.
    using command = boost::mp11::mp_at_c<typename Set::commands_type, found.command == no_command ? 0 : found.command>;
    using recipes = typename command::recipes;

    static constexpr bool by_name = sizeof...(Args) > 0 && (is_named_arg<Args> && ...);
    static_assert(by_name || !(is_named_arg<Args> || ...),
                  "mi: pass every argument by position or every one by name (mi::named<\"level\">(4)), not both");
    static constexpr bool names_distinct() {
        if constexpr (by_name) return distinct_names<Args...>();
        else return true;
    }
    static_assert(names_distinct(), "mi: an argument is named twice in this call");
    static_assert(by_name || sizeof...(Args) == 0 || !(command::flags & flag_named_only),
                  "mi: this command takes named arguments only; name them: mi::named<\"level\">(4)");

    template <class Recipe>
    static constexpr bool counts_for() {
        if constexpr (by_name) return names_fit<Recipe, Args...>();
        else return counts_fit<Recipe, Args...>();
    }
    template <class Recipe>
    static constexpr bool takes_for() {
        if constexpr (by_name) return takes_by_name<Recipe, Args...>();
        else return takes_positionally<Recipe, Args...>();
    }
    template <class Recipe>
    using counts = std::bool_constant<counts_for<Recipe>()>;
    template <class Recipe>
    using takes = std::bool_constant<takes_for<Recipe>()>;
    static_assert(by_name || boost::mp11::mp_any_of<recipes, counts>::value,
                  "mi: no recipe of this command takes this many arguments; see the command's recipes (help lists "
                  "them) and pass the parameters of one");
    static_assert(!by_name || boost::mp11::mp_any_of<recipes, counts>::value,
                  "mi: no recipe of this command has parameters of these names, or a parameter it requires is "
                  "missing; see the command's recipes (help lists them)");
    static_assert(!boost::mp11::mp_any_of<recipes, counts>::value || boost::mp11::mp_any_of<recipes, takes>::value,
                  "mi: an argument's type does not convert to the type of the recipe's parameter it is given for; "
                  "pass a value of the parameter's type");
    static_assert(boost::mp11::mp_count_if<recipes, takes>::value <= 1,
                  "mi: more than one recipe of this command takes these arguments; name them: "
                  "mi::named<\"level\">(4)");

    static constexpr std::size_t chosen = boost::mp11::mp_find_if<recipes, takes>::value;
    using recipe = boost::mp11::mp_at_c<recipes, chosen == boost::mp11::mp_size<recipes>::value ? 0 : chosen>;
    using result = typename owning<std::remove_cvref_t<result_value_t<typename recipe::result>>>::type;
    static_assert(!holds_view<result>,
                  "mi: this command's result holds a std::string_view in a struct, which would point into a reply "
                  "that is gone once the call returns; call it through mi::client::connection::call instead");
    static_assert(std::is_void_v<result> || is_bindable<result>,
                  "mi: this command's result type cannot be read back from JSON by mi::remote (mi binds numbers, "
                  "strings, bool, std::optional, std::vector, maps keyed by std::string, described types and "
                  "boost::json values); call it through mi::client::connection::call instead");

    // The params member: an array of the arguments as the parameters' types, or an object of them by name.
    static void write_params(json_writer& w, Args const&... args) {
        if constexpr (sizeof...(Args) == 0) {
            w.raw("{}"); // as opensips-cli sends a call without parameters
        } else if constexpr (by_name) {
            w.list('{', '}', [&](auto separate) {
                (write_named<Args>(w, separate, args), ...);
            });
        } else {
            w.list('[', ']', [&](auto separate) {
                [&]<std::size_t... I>(std::index_sequence<I...>) {
                    (write_as<typename boost::mp11::mp_at_c<typename recipe::params, I>::type>(w, separate, args), ...);
                }(std::index_sequence_for<Args...>{});
            });
        }
    }

private:
    template <class P, class A, class Separate>
    static void write_as(json_writer& w, Separate& separate, A const& a) {
        separate();
        using value = typename value_of_optional<P>::type;
        if constexpr (std::is_convertible_v<A const&, value>) write_json(w, static_cast<value>(a));
        else write_json(w, static_cast<P>(a));
    }
    template <class A, class Separate>
    static void write_named(json_writer& w, Separate& separate, A const& a) {
        using P = typename boost::mp11::mp_at_c<typename recipe::params, index_of_name<recipe>(A::name)>::type;
        separate();
        w.string(A::name);
        w.raw(':');
        auto no_comma = [] {};
        write_as<P>(w, no_comma, a.value);
    }
};

// --- reading answers ---------------------------------------------------------------------------------------

// A response object's error member as an mi::error; data that is no string is kept as its JSON text.
inline error error_from(json_ref e) {
    error out(static_cast<int>(errc::internal_error), "Internal error");
    if (!e.is(token_kind::object)) return out;
    if (auto code = e.find("code")) {
        int number = 0;
        if (bind(*code, number) == bind_fault::none) out.code = number;
    }
    if (auto message = e.find("message"); message && message->is(token_kind::string))
        out.message = std::string(message->string());
    if (auto data = e.find("data"))
        out.data = data->is(token_kind::string) ? std::string(data->string()) : boost::json::serialize(data->to_value());
    return out;
}

// One response object read as the result type R, or its error.
template <class R>
boost::system::result<std::conditional_t<std::is_void_v<R>, void, R>, error> read_answer(json_ref response) {
    if (!response.is(token_kind::object)) throw client::failure("a response is not a JSON-RPC response object");
    if (auto e = response.find("error")) return error_from(*e);
    auto const value = response.find("result");
    if (!value) throw client::failure("a response has neither result nor error");
    if constexpr (std::is_void_v<R>) {
        return {};
    } else {
        R out{};
        if (bind(*value, out) != bind_fault::none)
            throw client::failure("the result does not read as the type the command's handler returns");
        return out;
    }
}

} // namespace detail

/** A call prepared for `remote::batch`: the request's text without its id, and the type of its result. */
template <class R>
struct prepared_call {
    using result_type = R;
    std::string head; // {"jsonrpc":"2.0","method":...,"params":...
};

/** The commands of `Set` (a `constexpr` command set with static storage, as a daemon declares it), called over
    `Connection`: one of the four transports of `mi::client::connection`, or anything with its `raw` member.
    Thread-safe: calls share nothing but the connection's options and an id counter. */
template <auto const& Set, class Connection = client::connection>
    requires requires(Connection const& c, std::string_view request) {
        { c.raw(request) } -> std::convertible_to<std::string>;
    }
class remote {
    using set_type = std::remove_cvref_t<decltype(Set)>;
    template <fixed_string Name, class... Args>
    using typed = detail::typed_call<set_type, Name, std::remove_cvref_t<Args>...>;

public:
    explicit remote(Connection connection) : connection_(std::move(connection)) {}

    /** Calls command `Name` with `args` (all by position, or all `mi::named`), returning its result as its handler
        declares it (nothing for a handler that returns void). A JSON-RPC error is thrown as `mi::error`, a transport
        failure as `mi::client::failure`. */
    template <fixed_string Name, class... Args>
    auto call(Args const&... args) const {
        using R = typename typed<Name, Args...>::result;
        auto answer = try_call<Name>(args...);
        if (!answer) throw answer.error();
        if constexpr (!std::is_void_v<R>) return typed_result<R>(std::move(*answer));
    }

    /** As `call`, with a JSON-RPC error returned rather than thrown: `mi::result<R>`. */
    template <fixed_string Name, class... Args>
    auto try_call(Args const&... args) const {
        using R = typename typed<Name, Args...>::result;
        std::string const text = request_text(prepare<Name>(args...), next_id());
        std::string const reply = connection_.raw(text);
        return read_one<R>(reply);
    }

    /** `call` as an Asio coroutine: `int level = co_await daemon.async_call<"log_level">(4);`. The reply is awaited
        on the calling coroutine's executor, without holding a thread (needs <mi/transport/async_client.hpp>, or, for
        a connection of another type, an `async_raw(connection, std::string)` found by ADL). The arguments are copied
        into the coroutine; this remote must outlive it. */
    template <fixed_string Name, class... Args>
    auto async_call(Args const&... args) const {
        using R = typename typed<Name, Args...>::result;
        return async_answer<R, true>(request_text(prepare<Name>(args...), next_id()));
    }

    /** `try_call` as an Asio coroutine: the JSON-RPC error in the `mi::result<R>` it gives. */
    template <fixed_string Name, class... Args>
    auto async_try_call(Args const&... args) const {
        using R = typename typed<Name, Args...>::result;
        return async_answer<R, false>(request_text(prepare<Name>(args...), next_id()));
    }

    /** A call to send in a batch: `auto [a, b] = daemon.batch(daemon.prepare<"uptime">(), daemon.prepare<"pwd">());` */
    template <fixed_string Name, class... Args>
    prepared_call<typename typed<Name, Args...>::result> prepare(Args const&... args) const {
        using call = typed<Name, Args...>;
        std::string head;
        boost::json::serializer serializer;
        detail::json_writer w(head, serializer);
        w.raw(R"({"jsonrpc":"2.0","method":)");
        w.string(Name.view());
        w.raw(R"(,"params":)");
        call::write_params(w, args...);
        return {std::move(head)};
    }

    /** Sends the calls as one JSON-RPC batch and returns each one's `mi::result<R>`, in the order given, whatever
        order the daemon answered them in. */
    template <class... R>
    std::tuple<boost::system::result<std::conditional_t<std::is_void_v<R>, void, R>, error>...>
    batch(prepared_call<R> const&... calls) const {
        static_assert(sizeof...(R) > 0, "mi: a batch has at least one call");
        std::uint64_t const first = next_id(sizeof...(R));
        std::string text = "[";
        std::uint64_t id = first;
        ((text.append(text.size() > 1 ? "," : "").append(request_text(calls, id++))), ...);
        text.push_back(']');
        std::string const reply = connection_.raw(text);
        detail::tape tape;
        if (!tape.read(reply, 64)) throw client::failure("the reply is not JSON: " + reply);
        detail::json_ref const all(tape, 0);
        if (!all.is(detail::token_kind::array)) std::rethrow_exception(error_or_failure(all, reply));
        return [&]<std::size_t... I>(std::index_sequence<I...>) {
            return std::make_tuple(detail::read_answer<R>(answer_with_id(all, first + I))...);
        }(std::index_sequence_for<R...>{});
    }

private:
    template <class R>
    using answer_type = boost::system::result<std::conditional_t<std::is_void_v<R>, void, R>, error>;
    template <class R, bool Throws>
    using async_type = std::conditional_t<!Throws, answer_type<R>,
                                          std::conditional_t<std::is_void_v<R>, void, typed_result<std::conditional_t<std::is_void_v<R>, int, R>>>>;

    // The request is written before the coroutine starts: what it keeps is the text, not the arguments.
    template <class R, bool Throws>
    boost::asio::awaitable<async_type<R, Throws>, boost::asio::any_io_executor> async_answer(std::string request) const {
        static_assert(requires(Connection const& c) { async_raw(c, std::string()); },
                      "mi: co_await remote.async_call needs #include <mi/transport/async_client.hpp>");
        std::string const reply = co_await async_raw(connection_, std::move(request));
        auto answer = read_one<R>(reply);
        if constexpr (!Throws) {
            co_return answer;
        } else {
            if (!answer) throw answer.error();
            if constexpr (!std::is_void_v<R>) co_return typed_result<R>(std::move(*answer));
        }
    }

    std::uint64_t next_id(std::uint64_t n = 1) const noexcept { return ids_.fetch_add(n, std::memory_order_relaxed) + 1; }

    template <class R>
    static std::string request_text(prepared_call<R> const& call, std::uint64_t id) {
        std::string text;
        text.reserve(call.head.size() + 24);
        text.append(call.head).append(R"(,"id":)").append(std::to_string(id)).push_back('}');
        return text;
    }

    template <class R>
    static auto read_one(std::string const& reply) {
        detail::tape tape;
        if (!tape.read(reply, 64)) throw client::failure("the reply is not JSON: " + reply);
        return detail::read_answer<R>(detail::json_ref(tape, 0));
    }

    // A batch answered by one object: the daemon refused it whole (an error), or it is not JSON-RPC.
    static std::exception_ptr error_or_failure(detail::json_ref reply, std::string const& text) {
        if (reply.is(detail::token_kind::object))
            if (auto e = reply.find("error")) return std::make_exception_ptr(detail::error_from(*e));
        return std::make_exception_ptr(client::failure("the reply to a batch is not an array: " + text));
    }

    static detail::json_ref answer_with_id(detail::json_ref all, std::uint64_t id) {
        std::optional<detail::json_ref> found;
        all.each_item([&](detail::json_ref item) {
            if (found || !item.is(detail::token_kind::object)) return;
            auto const at = item.find("id");
            std::uint64_t n = 0;
            if (at && detail::bind(*at, n) == detail::bind_fault::none && n == id) found = item;
        });
        if (!found) throw client::failure("the batch's answer has no response with id " + std::to_string(id));
        return *found;
    }

    Connection connection_;
    mutable std::atomic<std::uint64_t> ids_{0};
};

} // namespace mi

// Copyright (c) 2026 the mi authors. Distributed under the Boost Software License, Version 1.0.
// SPDX-License-Identifier: BSL-1.0
#pragma once

#include <mi/async.hpp>
#include <mi/command_set.hpp>
#include <mi/context.hpp>
#include <mi/detail/dispatch/core.hpp>
#include <mi/introspection.hpp>
#include <mi/limits.hpp>
#include <mi/observer.hpp>

#include <boost/mp11/algorithm.hpp>

#include <array>
#include <concepts>
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <tuple>

namespace mi {

/** The reusable memory of a dispatch: the request's tokens and the output scratch. One per thread; reusing it
    makes a warm dispatch allocate nothing. */
class workspace {
public:
    workspace() = default;
    workspace(workspace const&) = delete;
    workspace& operator=(workspace const&) = delete;

private:
    template <class, class...>
    friend class dispatcher;

    detail::workspace_memory memory_;
};

namespace detail {
inline workspace& thread_workspace() {
    thread_local workspace ws;
    return ws;
}
} // namespace detail


/** Turns request bytes into response bytes for one command set.

    Built from a `command_set`, optionally `mi::limits` and an `mi::observer`, and references to the objects
    whose member functions are handlers (module state); the objects must outlive the dispatcher, and handlers
    that share one must guard it themselves. Every call is `noexcept`: whatever a handler throws becomes an
    error response. A caller (`mi::context::granted`) runs only the recipes whose permission it has. A
    dispatcher is immutable once built, so any number of threads may call it, each with its own `workspace`. */
template <class Set, class... Objects>
class dispatcher {
    using commands = typename Set::commands_type;
    static constexpr std::size_t size = Set::size;
    using core_type = detail::dispatcher_core;
    using objects_type = std::tuple<Objects*...>;

    template <class Object>
    using is_given = boost::mp11::mp_contains<boost::mp11::mp_list<Objects...>, Object>;
    using needed_objects = boost::mp11::mp_unique<
        boost::mp11::mp_apply<boost::mp11::mp_append,
                              boost::mp11::mp_transform<detail::command_objects, commands>>>;
    // A member function needs its object, and only the dispatcher's constructor can be given it.
    static_assert(boost::mp11::mp_all_of<needed_objects, is_given>::value,
                  "mi: a recipe's handler is a member function of a class no object of which was given to the "
                  "dispatcher; pass the object: mi::dispatcher(commands, object)");

public:
    dispatcher(Set const& set, Objects&... objects) : dispatcher(set, limits{}, observer{}, objects...) {}

    dispatcher(Set const& set, mi::limits bounds, Objects&... objects)
        : dispatcher(set, bounds, observer{}, objects...) {}

    dispatcher(Set const& set, mi::limits bounds, mi::observer watch, Objects&... objects)
        : objects_(&objects...),
          // With no objects there is nothing to point to (and g++ warns that an empty tuple is read uninitialized).
          core_({infos_, &Set::resolve, Set::table.ambiguous, runners, first_runner, Set::uses_modules, set.info()},
                bounds, std::move(watch), sizeof...(Objects) ? &objects_ : nullptr) {
        set.describe(infos_, aliases_); // the core only keeps views of these
    }

    dispatcher(dispatcher const&) = delete;
    dispatcher& operator=(dispatcher const&) = delete;

    /** Answers `request` into `response` (cleared first). Returns false when there is nothing to send
        (a notification, or a batch of them). An asynchronous command answers at once here: its
        `mi::async_reply` is empty. */
    bool call(std::string_view request, std::string& response, context const& ctx, workspace& ws) const noexcept {
        response.clear();
        auto no_handle = [](detail::json_ref const*, bool) { return async_reply(); };
        detail::response_writer w(response, ws.memory_.serializer);
        return core_.handle(request, w, ctx, ws.memory_, detail::reply_maker(no_handle)) == detail::outcome::answered;
    }

    bool call(std::string_view request, std::string& response, context const& ctx = {}) const noexcept {
        if (auto& ws = detail::thread_workspace(); !ws.memory_.in_use) return call(request, response, ctx, ws);
        workspace nested;
        return call(request, response, ctx, nested);
    }

    /** Answers `request` through `on_answer(mi::answer)`, called exactly once with a final (or failed)
        answer, before or after this returns, from this thread or the one that completes an asynchronous
        command; provisional answers may come first. A final answer with empty text means there is nothing
        to send. `on_answer` is copied into each asynchronous command's state and must be thread-safe to
        call from another thread. */
    template <class OnAnswer>
        requires std::invocable<OnAnswer&, answer const&> && std::copy_constructible<OnAnswer>
    void async_call(std::string_view request, context const& ctx, OnAnswer on_answer, workspace& ws) const noexcept {
        detail::workspace_use const busy(ws.memory_.in_use); // the answer is delivered from the workspace
        std::string& out = ws.memory_.answer;
        out.clear();
        auto make_reply = [&](detail::json_ref const* id, bool notification) {
            return async_reply(
                std::make_shared<detail::async_state_for<OnAnswer>>(on_answer, core_type::id_text(id), notification));
        };
        detail::response_writer w(out, ws.memory_.serializer);
        auto const batcher = core_type::batcher_for(on_answer);
        auto const result = core_.handle(request, w, ctx, ws.memory_, detail::reply_maker(make_reply), &batcher);
        if (result == detail::outcome::answered) core_type::deliver(on_answer, {out, answer_kind::final, w.error_code});
        else if (result == detail::outcome::silent) core_type::deliver(on_answer, {{}, answer_kind::final});
    }

    template <class OnAnswer>
        requires std::invocable<OnAnswer&, answer const&> && std::copy_constructible<OnAnswer>
    void async_call(std::string_view request, context const& ctx, OnAnswer on_answer) const noexcept {
        if (auto& ws = detail::thread_workspace(); !ws.memory_.in_use) return async_call(request, ctx, std::move(on_answer), ws);
        workspace nested;
        async_call(request, ctx, std::move(on_answer), nested);
    }

    /** The set's schema, as introspection handlers see it. */
    introspection const& schema() const noexcept { return core_.schema(); }

private:
    // The method lookup's index selects a command's runners: no map and no string compare.
    static constexpr auto runners = []<class... R>(boost::mp11::mp_list<R...>) {
        return std::array<detail::recipe_runner, sizeof...(R)>{
            &detail::run_recipe<R, detail::runner_objects<R, objects_type>>...};
    }(boost::mp11::mp_apply<boost::mp11::mp_append, boost::mp11::mp_transform<detail::recipes_of, commands>>{});
    static constexpr auto first_runner = []<class... C>(boost::mp11::mp_list<C...>) {
        std::array<std::uint32_t, size> first{};
        std::uint32_t at = 0;
        std::size_t i = 0;
        ((first[i++] = at, at += static_cast<std::uint32_t>(boost::mp11::mp_size<typename C::recipes>::value)), ...);
        return first;
    }(commands{});

    std::array<command_info, size> infos_;
    std::array<std::string_view, Set::alias_count> aliases_;
    objects_type objects_;
    core_type core_;
};

template <class Set, class... Objects>
dispatcher(Set const&, Objects&...) -> dispatcher<Set, Objects...>;
template <class Set, class... Objects>
dispatcher(Set const&, limits, Objects&...) -> dispatcher<Set, Objects...>;
template <class Set, class... Objects>
dispatcher(Set const&, limits, observer, Objects&...) -> dispatcher<Set, Objects...>;

} // namespace mi

#ifndef MI_SEPARATE_COMPILATION
#include <mi/detail/dispatch/core.ipp>
#include <mi/detail/json/tape.ipp>
#endif
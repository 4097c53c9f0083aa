// Copyright (c) 2026 the mi authors. Distributed under the Boost Software License, Version 1.0.
// SPDX-License-Identifier: BSL-1.0
#pragma once

#include <mi/async.hpp>
#include <mi/command_set.hpp>
#include <mi/context.hpp>
#include <mi/detail/bind.hpp>
#include <mi/detail/config.hpp>
#include <mi/detail/response.hpp>
#include <mi/error.hpp>
#include <mi/introspection.hpp>

#include <boost/mp11/algorithm.hpp>

#include <array>
#include <chrono>
#include <cstddef>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <tuple>
#include <vector>

namespace mi {

/** Bounds on what one request may cost. */
struct limits {
    std::size_t max_batch = 100;    ///< elements of a batch; a longer batch is one -32600
    std::size_t max_depth = 32;     ///< nesting of arrays and objects; deeper text is -32700
    std::size_t max_params = 64;    ///< parameters of one call; more are -32602
    std::size_t max_string = 65536; ///< bytes of any string in a call's params, names included; longer is -32602
};

/** One call, as an audit hook sees it. The views are valid while the hook runs. */
struct call_record {
    context const& caller;             ///< transport, peer and granted permission
    std::string_view method;           ///< as requested
    std::string_view params;           ///< the params as JSON text, empty when there were none (or not `detailed`)
    int error = 0;                     ///< 0 when answered with a result, else the JSON-RPC error code answered
    std::chrono::nanoseconds duration; ///< from the call's start to its final answer (zero when not `detailed`)
};

/** What a dispatcher tells its owner. Both are optional, called on the thread that answers, and must be
    thread-safe; what they throw is ignored. */
struct observer {
    /// Every call that names a method, once its final answer is made (an asynchronous one's included), and
    /// whatever the outcome: unknown methods, refused parameters, denied permissions, handler errors.
    std::function<void(call_record const&)> on_call;
    limit_hook on_limit; ///< each request that meets one of the `limits`
    /// Whether records carry `params` and `duration`. Filling them re-serializes every call's params and reads
    /// the clock twice; a hook that only counts outcomes does without and costs next to nothing.
    bool detailed = true;
};

namespace detail {
class dispatcher_core;
} // namespace detail

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
    friend class detail::dispatcher_core;

    detail::tape tape_;
    boost::json::serializer serializer_;
    std::string scratch_;
    std::string answer_;
    bool in_use_ = false;
};

namespace detail {

inline workspace& thread_workspace() {
    thread_local workspace ws;
    return ws;
}

// Marks a workspace busy for one dispatch, so that a handler that dispatches again on the same thread
// gets memory of its own instead of the request it is answering.
class workspace_use {
public:
    explicit workspace_use(bool& in_use) noexcept : in_use_(in_use), was_in_use_(std::exchange(in_use, true)) {}
    ~workspace_use() { in_use_ = was_in_use_; }
    workspace_use(workspace_use const&) = delete;
    workspace_use& operator=(workspace_use const&) = delete;

private:
    bool& in_use_;
    bool was_in_use_;
};

// The -32602 data texts of the OpenSIPS error catalogue (spec section 2), verbatim.
inline constexpr std::string_view only_named = "Command only supports named parameters";
inline constexpr std::string_view wrong_count = "Too few or too many parameters";
inline constexpr std::string_view ambiguous_call = "Ambiguous call, use named parameters instead";
inline constexpr std::string_view names_mismatch = "Named parameters do not match";
inline constexpr std::string_view handler_returned_null = "Command handler returned null";
inline constexpr std::string_view too_many_params = "Too many parameters";
inline constexpr std::string_view string_too_long = "A string in the parameters is too long";
inline constexpr std::string_view batch_too_large = "Batch too large";

using call_clock = std::chrono::steady_clock;

enum class outcome { answered, silent, deferred };

struct selection {
    std::size_t recipe = 0;
    std::string_view fault; // empty when a recipe was chosen
};

// The OpenSIPS recipe rule (spec 3.2), with std::optional parameters widening a recipe's size to a range.
MI_DECL selection select_recipe(std::span<recipe_info const> recipes, bool named_only, json_ref const* positional,
                                json_ref const* named) noexcept;

// Makes the mi::async_reply of an asynchronous recipe, for whatever completion the caller has. Erased, so
// that each recipe's runner is compiled once, not once per caller's completion type.
class reply_maker {
public:
    template <class MakeReply>
    explicit reply_maker(MakeReply& make) noexcept
        : target_(&make), make_([](void* target, json_ref const* id, bool notification) {
              return (*static_cast<MakeReply*>(target))(id, notification);
          }) {}

    async_reply operator()(json_ref const* id, bool notification) const { return make_(target_, id, notification); }

private:
    void* target_;
    async_reply (*make_)(void*, json_ref const*, bool);
};

// The request's parts a recipe runs with.
struct call_input {
    std::string_view method;
    json_ref const* params;
    call_clock::time_point started; // set only when calls are audited in detail
    json_ref const* positional;
    json_ref const* named;
    json_ref const* id;
    bool notification;
    json_writer& w;
    context const& ctx;
    reply_maker make_reply;
};

template <class Command>
using recipes_of = typename Command::recipes;

template <class Recipe>
using recipe_object = std::remove_const_t<typename Recipe::object>;

template <class Command>
using command_objects = boost::mp11::mp_remove<boost::mp11::mp_transform<recipe_object, typename Command::recipes>, void>;

} // namespace detail

namespace detail {

class dispatcher_core;
using recipe_runner = outcome (*)(dispatcher_core const&, call_input&);

/* What a dispatcher does whatever commands it serves and whatever objects it was given: parsing, batches, the
   envelope, recipe selection, binding and answering. A dispatcher hands it the command set as data (the
   commands' descriptions, the method lookup, one runner per recipe) and its handler objects erased, so this
   code is compiled once for every set, or once for the program with MI_SEPARATE_COMPILATION, and none of its
   symbols spells out the set's type, which in a set of a hundred commands is ten kilobytes long. */
class dispatcher_core {
public:
    // What a core needs of a command set.
    struct set_view {
        std::span<command_info const> commands;
        resolution (*resolve)(std::string_view) noexcept;
        std::span<std::uint16_t const> ambiguous;    // the lookup's candidate lists
        std::span<recipe_runner const> runners;      // one per recipe, command after command
        std::span<std::uint32_t const> first_runner; // per command, where its recipes' runners start
        bool modules;
        service_info info;
    };

    // How a caller with a completion has a batch answered: its elements may be answered later, in any order.
    struct async_batcher {
        void* on_answer;
        outcome (*run)(dispatcher_core const&, json_ref requests, context const&, workspace&, void* on_answer);
    };

    // `objects` points to the dispatcher's std::tuple<Object*...>, which the recipes' runners know the type of.
    MI_DECL dispatcher_core(set_view set, mi::limits bounds, mi::observer watch, void const* objects);

    dispatcher_core(dispatcher_core const&) = delete;
    dispatcher_core& operator=(dispatcher_core const&) = delete;

    introspection const& schema() const noexcept { return intro_; }

    template <class OnAnswer>
    static void deliver(OnAnswer& on_answer, answer const& a) noexcept {
        try {
            on_answer(a);
        } catch (...) {
        }
    }

    template <class OnAnswer>
    static async_batcher batcher_for(OnAnswer& on_answer) noexcept {
        return {&on_answer, [](dispatcher_core const& core, json_ref requests, context const& ctx, workspace& ws,
                               void* target) {
                    return core.async_batch(requests, ctx, ws, *static_cast<OnAnswer*>(target));
                }};
    }

    // The id echoed as it came: a string, a number as the bytes the client sent, or null.
    MI_DECL static void write_id(json_writer& w, json_ref const* id);
    MI_DECL static std::string id_text(json_ref const* id);

    // Parses, then answers one request or a batch into `w`. A synchronous caller gives no batcher.
    MI_DECL outcome handle(std::string_view request, json_writer& w, context const& ctx, workspace& ws,
                           reply_maker make_reply, async_batcher const* batcher = nullptr) const noexcept;

private:
    template <class Recipe, class Objects>
    friend outcome run_recipe(dispatcher_core const&, call_input&);

    MI_DECL static void end_response_with(json_writer& w, json_ref const* id);
    MI_DECL static void write_error(json_writer& w, json_ref const* id, int code, std::string_view message,
                                    std::string_view data = {});
    MI_DECL static void write_error(json_writer& w, json_ref const* id, errc code, std::string_view data = {});

    // JSON-RPC 2.0 batches (spec 1.6 says OpenSIPS has none; we do): each element answered in order,
    // notifications leave no element, and a batch of them leaves no response.
    MI_DECL outcome batch(json_ref requests, json_writer& w, context const& ctx, workspace& ws,
                          reply_maker make_reply, async_batcher const* batcher) const;

    template <class OnAnswer>
    struct batch_collector {
        explicit batch_collector(OnAnswer on_answer, std::size_t size) : on_answer(std::move(on_answer)), slots(size) {}
        OnAnswer on_answer;
        std::mutex mutex;
        std::vector<std::string> slots;
        std::size_t pending = 1; // the loop that fills the slots holds one

        void fill(std::size_t i, std::string text) {
            std::unique_lock lock(mutex);
            slots[i] = std::move(text);
            release(lock);
        }
        void release(std::unique_lock<std::mutex>& lock) {
            if (--pending != 0) return;
            std::string all;
            for (auto const& s : slots)
                if (!s.empty()) all.append(all.empty() ? "[" : ",").append(s);
            if (!all.empty()) all.push_back(']');
            lock.unlock();
            deliver(on_answer, {all, answer_kind::final});
        }
    };

    template <class OnAnswer>
    outcome async_batch(json_ref requests, context const& ctx, workspace& ws, OnAnswer& on_answer) const {
        auto collector = std::make_shared<batch_collector<OnAnswer>>(on_answer, requests.size());
        std::size_t element = 0;
        bool deferred_state = false;
        auto make_reply = [&](json_ref const* id, bool notification) {
            std::string id_json = id_text(id);
            {
                std::lock_guard lock(collector->mutex);
                ++collector->pending;
            }
            deferred_state = true;
            auto sink = [collector, i = element, id_json](answer const& a) {
                if (a.kind == answer_kind::provisional) return;
                std::string text(a.text);
                if (a.kind == answer_kind::failed) {
                    boost::json::serializer serializer;
                    json_writer w(text, serializer);
                    detail::write_error(w, static_cast<int>(errc::internal_error), message_of(errc::internal_error), {});
                    end_response(w, id_json);
                }
                collector->fill(i, std::move(text));
            };
            return async_reply(std::make_shared<async_state_for<decltype(sink)>>(sink, id_json, notification));
        };
        requests.each_item([&](json_ref request) {
            std::string text;
            json_writer w(text, ws.serializer_);
            deferred_state = false;
            auto const result = process(request, w, ctx, ws, reply_maker(make_reply));
            if (result != outcome::deferred) {
                std::unique_lock lock(collector->mutex);
                if (result == outcome::answered) collector->slots[element] = std::move(text);
                if (deferred_state) --collector->pending; // its state was settled by the handler's own answer
            }
            ++element;
        });
        std::unique_lock lock(collector->mutex);
        collector->release(lock);
        return outcome::deferred;
    }

    MI_DECL outcome process(json_ref request, json_writer& w, context const& ctx, workspace& ws,
                            reply_maker make_reply) const;
    MI_DECL outcome dispatch(std::string_view method, json_ref const* params, call_clock::time_point started,
                             json_ref const* id, bool notification, json_writer& w, context const& ctx,
                             workspace& ws, reply_maker make_reply) const;

    MI_DECL void hit(std::string_view limit, context const& ctx) const noexcept;
    MI_DECL void audit(context const& ctx, std::string_view method, json_ref const* params, int error,
                       call_clock::time_point started) const noexcept;
    // A deferred call is audited when its final answer is made, long after the request's bytes are gone:
    // what the record shows is copied now.
    MI_DECL void audit_later(async_reply const& reply, call_input const& in) const noexcept;
    MI_DECL static void write_bind_fault(json_writer& w, json_ref const* id, bind_fault fault, std::string_view name);

    // Binds, calls and answers. Instantiated once per parameter types and result type, not per recipe:
    // commands of the same shape share it, which keeps a set of many commands cheap to compile. Never inlined
    // into the per-recipe runners, or each would get its own copy again (a third of a 100-command TU's time).
    template <class Values, class Result, bool TakesReply>
    [[gnu::noinline]] outcome run_shape(std::span<param_info const> params, Result (*call)(call_env const&, Values&),
                                        call_input& in) const {
        auto& w = in.w;
        auto const* id = in.id;
        Values values{};
        bind_fault fault = bind_fault::none;
        std::string_view fault_name;
        boost::mp11::mp_for_each<boost::mp11::mp_iota_c<std::tuple_size_v<Values>>>([&](auto P) {
            if (fault != bind_fault::none) return;
            auto const source = in.positional ? in.positional->item(P)
                                              : in.named ? in.named->find(params[P].name) : std::nullopt;
            if (!source) return;
            fault = detail::bind(*source, std::get<P>(values));
            if (fault != bind_fault::none) fault_name = params[P].name;
        });
        if (fault != bind_fault::none) {
            write_bind_fault(w, id, fault, fault_name);
            return outcome::answered;
        }

        async_reply reply;
        if constexpr (TakesReply) {
            reply = in.make_reply(id, in.notification);
            if (observer_.on_call) audit_later(reply, in);
        }
        call_env const env{in.ctx, reply, intro_, objects_};
        auto const mark = w.out().size();
        auto answer_now = [&] { return async_access::settle(reply); };
        try {
            if constexpr (std::is_void_v<Result>) {
                call(env, values);
                if (!answer_now()) return outcome::deferred;
                begin_result(w);
                w.raw(R"("OK")");
            } else {
                auto const& returned = call(env, values);
                if constexpr (is_async_result<std::remove_cvref_t<Result>>) {
                    if (returned.later()) {
                        if (reply) return outcome::deferred;
                        write_error(w, id, errc::server_error, handler_returned_null);
                        return outcome::answered;
                    }
                }
                if (!answer_now()) return outcome::deferred;
                write_answer(w, id, returned);
                return outcome::answered;
            }
        } catch (mi::error const& e) {
            if (!answer_now()) return outcome::deferred;
            w.out().resize(mark);
            write_error(w, id, e.code, e.message, e.data);
            return outcome::answered;
        } catch (...) {
            // Never leak what a handler's exception says: it may hold paths, addresses or secrets.
            if (!answer_now()) return outcome::deferred;
            w.out().resize(mark);
            write_error(w, id, errc::internal_error);
            return outcome::answered;
        }
        end_response_with(w, id);
        return outcome::answered;
    }

    template <class Answer>
    static void write_answer(json_writer& w, json_ref const* id, Answer const& answer) {
        if constexpr (is_result<Answer> || is_async_result<Answer>) {
            if (!answer.has_value()) {
                auto const& e = answer.error();
                return write_error(w, id, e.code, e.message, e.data);
            }
            begin_result(w);
            if constexpr (std::is_void_v<typename Answer::value_type>) w.raw(R"("OK")");
            else write_json(w, answer.value());
        } else {
            begin_result(w);
            write_json(w, answer);
        }
        end_response_with(w, id);
    }

    void const* objects_;
    mi::limits limits_;
    mi::observer observer_;
    resolution (*resolve_)(std::string_view) noexcept;
    std::span<std::uint16_t const> ambiguous_;
    std::span<recipe_runner const> runners_;
    std::span<std::uint32_t const> first_runner_;
    introspection intro_;
};

template <class Recipe, class Objects>
outcome run_recipe(dispatcher_core const& core, call_input& in) {
    return core.run_shape<typename Recipe::values, typename Recipe::result, Recipe::takes_reply>(
        recipe_description<typename Recipe::form>::params, &Recipe::template invoke<Objects>, in);
}

// The objects a recipe's runner is compiled for: none when its handler is a free function, so that such a
// runner is the same whatever objects the dispatcher holds.
template <class Recipe, class Objects>
using runner_objects = std::conditional_t<std::is_void_v<typename Recipe::object>, std::tuple<>, Objects>;

template <auto const& Command, std::size_t I>
using builtin_recipe = boost::mp11::mp_at_c<typename std::remove_cvref_t<decltype(Command)>::recipes, I>;

// The built-in commands' recipes; `which` and `help` in a set of modules are other commands with these recipes.
#define MI_DETAIL_BUILTIN_RUNNERS(each)                                                                      \
    each(::mi::builtin::which, 0) each(::mi::builtin::which, 1) each(::mi::builtin::help, 0)                  \
        each(::mi::builtin::help, 1) each(::mi::builtin::rpc_discover, 0)

#ifdef MI_SEPARATE_COMPILATION
// Compiled once, by <mi/src.hpp>, rather than in every translation unit that makes a dispatcher.
#define MI_DETAIL_EXTERN_RUNNER(command, i)                                                                  \
    extern template outcome run_recipe<builtin_recipe<command, i>, std::tuple<>>(dispatcher_core const&,     \
                                                                                 call_input&);
MI_DETAIL_BUILTIN_RUNNERS(MI_DETAIL_EXTERN_RUNNER)
#undef MI_DETAIL_EXTERN_RUNNER
#endif

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
        detail::json_writer w(response, ws.serializer_);
        return core_.handle(request, w, ctx, ws, detail::reply_maker(no_handle)) == detail::outcome::answered;
    }

    bool call(std::string_view request, std::string& response, context const& ctx = {}) const noexcept {
        if (auto& ws = detail::thread_workspace(); !ws.in_use_) return call(request, response, ctx, ws);
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
        detail::workspace_use const busy(ws.in_use_); // the answer is delivered from the workspace
        std::string& out = ws.answer_;
        out.clear();
        auto make_reply = [&](detail::json_ref const* id, bool notification) {
            return async_reply(
                std::make_shared<detail::async_state_for<OnAnswer>>(on_answer, core_type::id_text(id), notification));
        };
        detail::json_writer w(out, ws.serializer_);
        auto const batcher = core_type::batcher_for(on_answer);
        auto const result = core_.handle(request, w, ctx, ws, detail::reply_maker(make_reply), &batcher);
        if (result == detail::outcome::answered) core_type::deliver(on_answer, {out, answer_kind::final, w.error_code});
        else if (result == detail::outcome::silent) core_type::deliver(on_answer, {{}, answer_kind::final});
    }

    template <class OnAnswer>
        requires std::invocable<OnAnswer&, answer const&> && std::copy_constructible<OnAnswer>
    void async_call(std::string_view request, context const& ctx, OnAnswer on_answer) const noexcept {
        if (auto& ws = detail::thread_workspace(); !ws.in_use_) return async_call(request, ctx, std::move(on_answer), ws);
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
#include <mi/impl/dispatcher.ipp>
#endif

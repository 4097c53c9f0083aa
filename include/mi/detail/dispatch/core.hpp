// Copyright (c) 2026 the mi authors. Distributed under the Boost Software License, Version 1.0.
// SPDX-License-Identifier: BSL-1.0
#pragma once

// The dispatch core: what a dispatcher does whatever commands it serves (parsing, batches, the envelope, recipe
// selection, binding and answering), compiled once per program with MI_SEPARATE_COMPILATION (core.ipp).

#include <mi/async.hpp>
#include <mi/command_set.hpp>
#include <mi/context.hpp>
#include <mi/detail/config.hpp>
#include <mi/detail/json/tape.hpp>
#include <mi/detail/json/types.hpp>
#include <mi/error.hpp>
#include <mi/introspection.hpp>
#include <mi/jsonrpc.hpp>
#include <mi/limits.hpp>
#include <mi/observer.hpp>

#include <boost/json/serializer.hpp>
#include <boost/mp11/algorithm.hpp>

#include <array>
#include <chrono>
#include <cstddef>
#include <memory>
#include <mutex>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <tuple>
#include <utility>
#include <vector>

namespace mi::detail {

// The memory a dispatch reuses (mi::workspace holds one): the request's tokens, the serializer, scratch for error
// texts, the answer an asynchronous call delivers from.
struct workspace_memory {
    tape tokens;
    boost::json::serializer serializer;
    std::string scratch;
    std::string answer;
    bool in_use = false;
};

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
inline constexpr std::string_view no_later_answer = "Asynchronous command: this caller takes no later answer";

// Starts a coroutine handler's frame on the caller's executor; its co_return is the call's final answer. Defined
// for boost::asio::awaitable by <mi/coroutine.hpp>, which every transport header includes.
template <class Awaitable>
struct coroutine_start {
    static_assert(dependent_false<Awaitable>,
                  "mi: a handler that returns boost::asio::awaitable needs #include <mi/coroutine.hpp> before the "
                  "dispatcher is made (every transport header includes it)");
    static void start(Awaitable, async_reply, context const&) noexcept {}
};

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
    response_writer& w;
    context const& ctx;
    reply_maker make_reply;
};

template <class Command>
using recipes_of = typename Command::recipes;

template <class Recipe>
using recipe_object = std::remove_const_t<typename Recipe::object>;

template <class Command>
using command_objects = boost::mp11::mp_remove<boost::mp11::mp_transform<recipe_object, typename Command::recipes>, void>;

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
        outcome (*run)(dispatcher_core const&, json_ref requests, context const&, workspace_memory&, void* on_answer);
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
        return {&on_answer, [](dispatcher_core const& core, json_ref requests, context const& ctx, workspace_memory& ws,
                               void* target) {
                    return core.async_batch(requests, ctx, ws, *static_cast<OnAnswer*>(target));
                }};
    }

    // The id echoed as it came: a string, a number as the bytes the client sent, or null.
    MI_DECL static void write_id(response_writer& w, json_ref const* id);
    MI_DECL static std::string id_text(json_ref const* id);

    // Parses, then answers one request or a batch into `w`. A synchronous caller gives no batcher.
    MI_DECL outcome handle(std::string_view request, response_writer& w, context const& ctx, workspace_memory& ws,
                           reply_maker make_reply, async_batcher const* batcher = nullptr) const noexcept;

private:
    template <class Recipe, class Objects>
    friend outcome run_recipe(dispatcher_core const&, call_input&);

    MI_DECL static void end_response_with(response_writer& w, json_ref const* id);
    MI_DECL static void write_error(response_writer& w, json_ref const* id, int code, std::string_view message,
                                    std::string_view data = {});
    MI_DECL static void write_error(response_writer& w, json_ref const* id, errc code, std::string_view data = {});

    // JSON-RPC 2.0 batches (spec 1.6 says OpenSIPS has none; we do): each element answered in order,
    // notifications leave no element, and a batch of them leaves no response.
    MI_DECL outcome batch(json_ref requests, response_writer& w, context const& ctx, workspace_memory& ws,
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
    outcome async_batch(json_ref requests, context const& ctx, workspace_memory& ws, OnAnswer& on_answer) const {
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
                    response_writer w(text, serializer);
                    jsonrpc::begin_error(w, static_cast<int>(errc::internal_error), message_of(errc::internal_error), {});
                    jsonrpc::end_response(w, id_json);
                }
                collector->fill(i, std::move(text));
            };
            return async_reply(std::make_shared<async_state_for<decltype(sink)>>(sink, id_json, notification));
        };
        requests.each_item([&](json_ref request) {
            std::string text;
            response_writer w(text, ws.serializer);
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

    MI_DECL outcome process(json_ref request, response_writer& w, context const& ctx, workspace_memory& ws,
                            reply_maker make_reply) const;
    MI_DECL outcome dispatch(std::string_view method, json_ref const* params, call_clock::time_point started,
                             json_ref const* id, bool notification, response_writer& w, context const& ctx,
                             workspace_memory& ws, reply_maker make_reply) const;

    MI_DECL void hit(std::string_view limit, context const& ctx) const noexcept;
    MI_DECL void audit(context const& ctx, std::string_view method, json_ref const* params, int error,
                       call_clock::time_point started) const noexcept;
    // A deferred call is audited when its final answer is made, long after the request's bytes are gone:
    // what the record shows is copied now.
    MI_DECL void audit_later(async_reply const& reply, call_input const& in) const noexcept;
    MI_DECL static void write_bind_fault(response_writer& w, json_ref const* id, bind_fault fault, std::string_view name);

    // Binds each parameter from the request, positionally or by name; false once one fails, its fault answered.
    template <class Values>
    static bool bind_values(std::span<param_info const> params, call_input const& in, Values& values) {
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
        if (fault != bind_fault::none) write_bind_fault(in.w, in.id, fault, fault_name);
        return fault == bind_fault::none;
    }

    // Binds, calls and answers. Instantiated once per parameter types and result type, not per recipe:
    // commands of the same shape share it, which keeps a set of many commands cheap to compile. Never inlined
    // into the per-recipe runners, or each would get its own copy again (a third of a 100-command TU's time).
    template <class Values, class Result, bool TakesReply>
    [[gnu::noinline]] outcome run_shape(std::span<param_info const> params, Result (*call)(call_env const&, Values&),
                                        call_input& in) const {
        auto& w = in.w;
        auto const* id = in.id;
        Values values{};
        if (!bind_values(params, in, values)) return outcome::answered;

        async_reply reply;
        if constexpr (TakesReply) {
            reply = in.make_reply(id, in.notification);
            if (observer_.on_call) audit_later(reply, in);
        }
        call_env const env{in.ctx, reply, intro_, objects_};
        auto const mark = w.out().size();
        auto answer_now = [&] { return async_access::settle(reply); };
        try {
            if constexpr (is_awaitable<Result>) {
                if (!reply) {
                    write_error(w, id, errc::server_error, no_later_answer);
                    return outcome::answered;
                }
                // Nothing runs yet: an Asio coroutine starts suspended, on the executor it is started on. From
                // here the reply answers, whatever happens (start does not throw).
                auto coroutine = call(env, values);
                coroutine_start<Result>::start(std::move(coroutine), std::move(reply), in.ctx);
                return outcome::deferred;
            } else if constexpr (std::is_void_v<Result>) {
                call(env, values);
                if (!answer_now()) return outcome::deferred;
                jsonrpc::begin_result(w);
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
                write_returned(w, id, returned);
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
    static void write_returned(response_writer& w, json_ref const* id, Answer const& answer) {
        if constexpr (is_result<Answer> || is_async_result<Answer>) {
            if (!answer.has_value()) {
                auto const& e = answer.error();
                return write_error(w, id, e.code, e.message, e.data);
            }
            jsonrpc::begin_result(w);
            if constexpr (std::is_void_v<typename Answer::value_type>) w.raw(R"("OK")");
            else write_json(w, answer.value());
        } else {
            jsonrpc::begin_result(w);
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

} // namespace mi::detail

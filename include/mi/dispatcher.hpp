// Copyright (c) 2026 the mi authors. Distributed under the Boost Software License, Version 1.0.
// SPDX-License-Identifier: BSL-1.0
#pragma once

#include <mi/async.hpp>
#include <mi/command_set.hpp>
#include <mi/context.hpp>
#include <mi/detail/bind.hpp>
#include <mi/detail/response.hpp>
#include <mi/error.hpp>
#include <mi/introspection.hpp>

#include <boost/json/serialize.hpp>
#include <boost/mp11/algorithm.hpp>

#include <array>
#include <chrono>
#include <cstddef>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
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
    std::string_view params;           ///< the params as JSON text, empty when there were none
    int error = 0;                     ///< 0 when answered with a result, else the JSON-RPC error code answered
    std::chrono::nanoseconds duration; ///< from the call's start to its final answer
};

/** What a dispatcher tells its owner. Both are optional, called on the thread that answers, and must be
    thread-safe; what they throw is ignored. */
struct observer {
    /// Every call that names a method, once its final answer is made (an asynchronous one's included), and
    /// whatever the outcome: unknown methods, refused parameters, denied permissions, handler errors.
    std::function<void(call_record const&)> on_call;
    limit_hook on_limit; ///< each request that meets one of the `limits`
};

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

template <class Objects>
struct call_env {
    context const& ctx;
    async_reply const& reply;
    introspection const& intro;
    Objects const& objects;

    template <class C>
    std::remove_const_t<C>& object() const {
        return *std::get<std::remove_const_t<C>*>(objects);
    }
};

// What recipe selection needs of a recipe: its size range and names. Data, so that one selection routine
// serves every command.
struct recipe_shape {
    std::size_t min = 0;
    std::size_t max = 0;
    std::span<std::string_view const> names;
    std::span<bool const> required;
    permission needs = permission::admin;
};

template <class Recipe>
inline constexpr recipe_shape shape_of{Recipe::min_params, Recipe::max_params, Recipe::names, Recipe::required,
                                       Recipe::needs};

struct selection {
    std::size_t recipe = 0;
    std::string_view fault; // empty when a recipe was chosen
};

// The OpenSIPS recipe rule (spec 3.2), with std::optional parameters widening a recipe's size to a range.
inline selection select_recipe(std::span<recipe_shape const> recipes, bool named_only, json_ref const* positional,
                               json_ref const* named) noexcept {
    if (!positional && !named) {
        for (std::size_t r = 0; r < recipes.size(); ++r)
            if (recipes[r].min == 0) return {r, {}};
        return {0, wrong_count};
    }
    if (positional) {
        if (named_only) return {0, only_named};
        std::size_t const k = positional->size();
        std::size_t found = 0, chosen = 0;
        for (std::size_t r = 0; r < recipes.size(); ++r)
            if (recipes[r].max != 0 && recipes[r].min <= k && k <= recipes[r].max) chosen = found++ ? chosen : r;
        if (found == 0) return {0, wrong_count};
        if (found > 1) return {0, ambiguous_call};
        return {chosen, {}};
    }
    std::size_t const k = named->size();
    bool size_matched = false;
    for (std::size_t r = 0; r < recipes.size(); ++r) {
        auto const& recipe = recipes[r];
        if (recipe.max == 0 || k < recipe.min || k > recipe.max) continue;
        size_matched = true;
        std::size_t present = 0;
        bool complete = true;
        for (std::size_t i = 0; i < recipe.names.size(); ++i) {
            if (named->find(recipe.names[i])) ++present;
            else if (recipe.required[i]) complete = false;
        }
        if (complete && present == k) return {r, {}};
    }
    return {0, size_matched ? names_mismatch : wrong_count};
}

// The request's parts a recipe runs with.
template <class MakeReply>
struct call_input {
    std::string_view method;
    json_ref const* params;
    call_clock::time_point started; // set only when calls are audited
    json_ref const* positional;
    json_ref const* named;
    json_ref const* id;
    bool notification;
    json_writer& w;
    context const& ctx;
    MakeReply& make_reply;
};

template <class Recipe>
using recipe_object = std::remove_const_t<typename Recipe::object>;

template <class Command>
using command_objects = boost::mp11::mp_remove<boost::mp11::mp_transform<recipe_object, typename Command::recipes>, void>;

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
        : objects_(&objects...), limits_(bounds), observer_(std::move(watch)), infos_(describe(set)),
          intro_(infos_, Set::uses_modules, set.info().title, set.info().version, &Set::resolve) {}

    dispatcher(dispatcher const&) = delete;
    dispatcher& operator=(dispatcher const&) = delete;

    /** Answers `request` into `response` (cleared first). Returns false when there is nothing to send
        (a notification, or a batch of them). An asynchronous command answers at once here: its
        `mi::async_reply` is empty. */
    bool call(std::string_view request, std::string& response, context const& ctx, workspace& ws) const noexcept {
        response.clear();
        auto no_handle = [](detail::json_ref const*, bool) { return async_reply(); };
        detail::json_writer w(response, ws.serializer_);
        return handle(request, w, ctx, ws, no_handle) == detail::outcome::answered;
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
            return async_reply(std::make_shared<detail::async_state_for<OnAnswer>>(on_answer, id_text(id), notification));
        };
        detail::json_writer w(out, ws.serializer_);
        auto const result = handle(request, w, ctx, ws, make_reply, &on_answer);
        if (result == detail::outcome::answered) deliver(on_answer, {out, answer_kind::final, w.error_code});
        else if (result == detail::outcome::silent) deliver(on_answer, {{}, answer_kind::final});
    }

    template <class OnAnswer>
        requires std::invocable<OnAnswer&, answer const&> && std::copy_constructible<OnAnswer>
    void async_call(std::string_view request, context const& ctx, OnAnswer on_answer) const noexcept {
        if (auto& ws = detail::thread_workspace(); !ws.in_use_) return async_call(request, ctx, std::move(on_answer), ws);
        workspace nested;
        async_call(request, ctx, std::move(on_answer), nested);
    }

    /** The set's schema, as introspection handlers see it. */
    introspection const& schema() const noexcept { return intro_; }

private:
    template <class OnAnswer>
    static void deliver(OnAnswer& on_answer, answer const& a) noexcept {
        try {
            on_answer(a);
        } catch (...) {
        }
    }

    static std::array<command_info, size> describe(Set const& set) {
        return [&]<class... Command>(boost::mp11::mp_list<Command...>) {
            std::size_t i = 0;
            return std::array<command_info, size>{detail::command_description<Command>::describe(set.help(i++))...};
        }(commands{});
    }

    // The id echoed as it came: a string, a number (integers exactly), or null.
    static void write_id(detail::json_writer& w, detail::json_ref const* id) {
        using detail::token_kind;
        if (!id) return w.raw("null");
        switch (id->kind()) {
        case token_kind::string: return w.string(id->string());
        case token_kind::int64: return w.integer(id->int64());
        case token_kind::uint64: return w.integer(id->uint64());
        case token_kind::real: return w.number(id->real());
        default: return w.raw("null");
        }
    }

    static std::string id_text(detail::json_ref const* id) {
        std::string text;
        boost::json::serializer serializer;
        detail::json_writer w(text, serializer);
        write_id(w, id);
        return text;
    }

    static void end_response_with(detail::json_writer& w, detail::json_ref const* id) {
        w.raw(R"(,"id":)");
        write_id(w, id);
        w.raw('}');
    }

    static void write_error(detail::json_writer& w, detail::json_ref const* id, int code, std::string_view message,
                            std::string_view data = {}) {
        detail::write_error(w, code, message, data);
        end_response_with(w, id);
    }

    static void write_error(detail::json_writer& w, detail::json_ref const* id, errc code, std::string_view data = {}) {
        write_error(w, id, static_cast<int>(code), message_of(code), data);
    }

    // What `handle` gets instead of a completion when the caller is synchronous.
    struct synchronous {};

    // Parses, then answers one request or a batch. Writes the response into `out`.

    template <class MakeReply, class OnAnswer = synchronous>
    detail::outcome handle(std::string_view request, detail::json_writer& w, context const& ctx, workspace& ws,
                           MakeReply& make_reply, OnAnswer* on_answer = nullptr) const noexcept {
        detail::workspace_use const busy(ws.in_use_);
        auto& out = w.out();
        try {
            if (!ws.tape_.read(request, limits_.max_depth)) {
                if (ws.tape_.too_deep()) hit("depth", ctx);
                write_error(w, nullptr, errc::parse_error);
                return detail::outcome::answered;
            }
            detail::json_ref const root(ws.tape_, 0);
            if (!root.is(detail::token_kind::array)) return process(root, w, ctx, ws, make_reply);
            return batch(root, w, ctx, ws, make_reply, on_answer);
        } catch (...) {
            // Only memory exhaustion gets here: handlers' exceptions are answered where they are called.
            out.clear();
            write_error(w, nullptr, errc::internal_error);
            return detail::outcome::answered;
        }
    }

    // JSON-RPC 2.0 batches (spec 1.6 says OpenSIPS has none; we do): each element answered in order,
    // notifications leave no element, and a batch of them leaves no response.
    template <class MakeReply, class OnAnswer>
    detail::outcome batch(detail::json_ref requests, detail::json_writer& w, context const& ctx, workspace& ws,
                          MakeReply& make_reply, OnAnswer* on_answer) const {
        if (requests.size() == 0) {
            write_error(w, nullptr, errc::invalid_request);
            return detail::outcome::answered;
        }
        if (requests.size() > limits_.max_batch) {
            hit("batch", ctx);
            write_error(w, nullptr, errc::invalid_request, detail::batch_too_large);
            return detail::outcome::answered;
        }
        if constexpr (std::is_same_v<OnAnswer, synchronous>) {
            std::size_t answered = 0;
            auto const start = w.out().size();
            w.raw('[');
            requests.each_item([&](detail::json_ref request) {
                auto const mark = w.out().size();
                if (answered) w.raw(',');
                if (process(request, w, ctx, ws, make_reply) == detail::outcome::answered) ++answered;
                else w.out().resize(mark);
            });
            if (!answered) return w.out().resize(start), detail::outcome::silent; // nothing at all, not "[]"
            w.raw(']');
            w.error_code = 0; // the batch's elements carry their own errors
            return detail::outcome::answered;
        } else {
            return async_batch(requests, ctx, ws, *on_answer);
        }
    }

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
    detail::outcome async_batch(detail::json_ref requests, context const& ctx, workspace& ws,
                                OnAnswer& on_answer) const {
        auto collector = std::make_shared<batch_collector<OnAnswer>>(on_answer, requests.size());
        std::size_t element = 0;
        bool deferred_state = false;
        auto make_reply = [&](detail::json_ref const* id, bool notification) {
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
                    detail::json_writer w(text, serializer);
                    detail::write_error(w, static_cast<int>(errc::internal_error), message_of(errc::internal_error), {});
                    detail::end_response(w, id_json);
                }
                collector->fill(i, std::move(text));
            };
            return async_reply(std::make_shared<detail::async_state_for<decltype(sink)>>(sink, id_json, notification));
        };
        requests.each_item([&](detail::json_ref request) {
            std::string text;
            detail::json_writer w(text, ws.serializer_);
            deferred_state = false;
            auto const result = process(request, w, ctx, ws, make_reply);
            if (result != detail::outcome::deferred) {
                std::unique_lock lock(collector->mutex);
                if (result == detail::outcome::answered) collector->slots[element] = std::move(text);
                if (deferred_state) --collector->pending; // its state was settled by the handler's own answer
            }
            ++element;
        });
        std::unique_lock lock(collector->mutex);
        collector->release(lock);
        return detail::outcome::deferred;
    }

    struct envelope {
        std::optional<detail::json_ref> jsonrpc, method, params, id;
    };

    static bool names_equal(std::string_view key, std::string_view name) noexcept {
        if (key.size() != name.size()) return false;
        for (std::size_t i = 0; i < key.size(); ++i)
            if ((key[i] | 0x20) != name[i]) return false; // names are lower-case letters only
        return true;
    }

    // Spec 1.1: member names matched case-insensitively, the first occurrence wins.
    static envelope read_envelope(detail::json_ref request) noexcept {
        envelope e;
        request.each_member([&](std::string_view key, detail::json_ref value) {
            if (!e.jsonrpc && names_equal(key, "jsonrpc")) e.jsonrpc = value;
            else if (!e.method && names_equal(key, "method")) e.method = value;
            else if (!e.params && names_equal(key, "params")) e.params = value;
            else if (!e.id && names_equal(key, "id")) e.id = value;
        });
        return e;
    }

    template <class MakeReply>
    detail::outcome process(detail::json_ref request, detail::json_writer& w, context const& ctx, workspace& ws,
                            MakeReply& make_reply) const {
        using detail::token_kind;
        if (!request.is(token_kind::object)) {
            write_error(w, nullptr, errc::invalid_request);
            return detail::outcome::answered;
        }
        envelope const e = read_envelope(request);
        bool const id_valid = !e.id || e.id->is(token_kind::string) || e.id->is_number() || e.id->is(token_kind::null);
        detail::json_ref const* const id = e.id && id_valid ? &*e.id : nullptr;
        bool const valid = id_valid && e.jsonrpc && e.jsonrpc->is(token_kind::string) && e.jsonrpc->string() == "2.0" &&
                           e.method && e.method->is(token_kind::string) && (!e.params || e.params->is_structured());
        if (!valid) {
            write_error(w, id, errc::invalid_request);
            return detail::outcome::answered;
        }
        bool const notification = !e.id;
        auto const mark = w.out().size();
        auto const method = e.method->string();
        auto const* params = e.params ? &*e.params : nullptr;
        auto const started = observer_.on_call ? detail::call_clock::now() : detail::call_clock::time_point{};
        w.error_code = 0;
        auto const result = dispatch(method, params, started, id, notification, w, ctx, ws, make_reply);
        if (result != detail::outcome::deferred && observer_.on_call)
            audit(ctx, method, params, w.error_code, started);
        if (notification && result == detail::outcome::answered) {
            w.out().resize(mark);
            return detail::outcome::silent;
        }
        return result;
    }

    template <class MakeReply>
    detail::outcome dispatch(std::string_view method, detail::json_ref const* params,
                             detail::call_clock::time_point started, detail::json_ref const* id, bool notification,
                             detail::json_writer& w, context const& ctx, workspace& ws, MakeReply& make_reply) const {
        auto const found = Set::resolve(method);
        if (found.command == detail::no_command) {
            if (found.ambiguous_count == 0) {
                write_error(w, id, errc::method_not_found);
                return detail::outcome::answered;
            }
            auto& data = ws.scratch_;
            data.assign("supported names: ");
            for (std::size_t i = 0; i < found.ambiguous_count; ++i) {
                if (i) data.append(", ");
                data.append(infos_[Set::table.ambiguous[found.ambiguous_first + i]].canonical);
            }
            write_error(w, id, errc::method_ambiguous, data);
            return detail::outcome::answered;
        }
        // spec 1.1: empty params are no params
        detail::json_ref const* positional = nullptr;
        detail::json_ref const* named = nullptr;
        if (params && params->size() != 0) (params->is(detail::token_kind::array) ? positional : named) = params;
        if (params && params->size() > limits_.max_params) {
            hit("params", ctx);
            write_error(w, id, errc::invalid_params, detail::too_many_params);
            return detail::outcome::answered;
        }
        if (params && params->longest_string() > limits_.max_string) {
            hit("string", ctx);
            write_error(w, id, errc::invalid_params, detail::string_too_long);
            return detail::outcome::answered;
        }

        auto const& command = command_table<MakeReply>[found.command];
        auto const chosen = detail::select_recipe(command.recipes, command.named_only, positional, named);
        if (!chosen.fault.empty()) {
            write_error(w, id, errc::invalid_params, chosen.fault);
            return detail::outcome::answered;
        }
        if (auto const needs = command.recipes[chosen.recipe].needs; needs > ctx.granted) {
            auto& data = ws.scratch_;
            data.assign(infos_[found.command].canonical).append(" called so needs the '").append(name_of(needs));
            data.append("' permission; this caller has '").append(name_of(ctx.granted)).append("'");
            write_error(w, id, errc::permission_denied, data);
            return detail::outcome::answered;
        }
        detail::call_input<MakeReply> input{method, params, started, positional, named, id, notification, w, ctx, make_reply};
        return command.runners[chosen.recipe](*this, input);
    }

    void hit(std::string_view limit, context const& ctx) const noexcept {
        detail::report_limit(observer_.on_limit, limit, ctx);
    }

    static std::string params_text(detail::json_ref const* params) {
        return params ? boost::json::serialize(params->to_value()) : std::string();
    }

    void audit(context const& ctx, std::string_view method, detail::json_ref const* params, int error,
               detail::call_clock::time_point started) const noexcept {
        try {
            auto const text = params_text(params);
            observer_.on_call(call_record{ctx, method, text, error, detail::call_clock::now() - started});
        } catch (...) {
        }
    }

    // A deferred call is audited when its final answer is made, long after the request's bytes are gone:
    // what the record shows is copied now.
    template <class MakeReply>
    void audit_later(async_reply const& reply, detail::call_input<MakeReply> const& in) const noexcept {
        try {
            auto* state = detail::async_access::state(reply);
            if (!state) return;
            state->on_end([on_call = observer_.on_call, transport = std::string(in.ctx.transport),
                           peer = std::string(in.ctx.peer), granted = in.ctx.granted, method = std::string(in.method),
                           params = params_text(in.params), started = in.started](int error) {
                context const caller{transport, peer, granted};
                on_call(call_record{caller, method, params, error, detail::call_clock::now() - started});
            });
        } catch (...) {
        }
    }

    static void write_bind_fault(detail::json_writer& w, detail::json_ref const* id, detail::bind_fault fault,
                                 std::string_view name) {
        std::string_view prefix = fault == detail::bind_fault::bad_type         ? "Bad type for parameter '"
                                  : fault == detail::bind_fault::bad_array_item ? "Bad type for array item in parameter '"
                                                                                : "Empty array in parameter '";
        char data[192];
        auto const n = std::min(name.size(), sizeof data - prefix.size() - 1);
        std::copy(prefix.begin(), prefix.end(), data);
        std::copy_n(name.begin(), n, data + prefix.size());
        data[prefix.size() + n] = '\'';
        write_error(w, id, errc::invalid_params, std::string_view(data, prefix.size() + n + 1));
    }

    using env_type = detail::call_env<objects_type>;

    template <class Recipe, class MakeReply>
    static detail::outcome run_recipe(dispatcher const& self, detail::call_input<MakeReply>& in) {
        return self.run_shape<typename Recipe::values, typename Recipe::result, Recipe::takes_reply>(
            Recipe::names, &Recipe::template invoke<env_type>, in);
    }

    // Binds, calls and answers. Instantiated once per parameter types and result type, not per recipe:
    // commands of the same shape share it, which keeps a set of many commands cheap to compile. Never inlined
    // into the per-recipe runners, or each would get its own copy again (a third of a 100-command TU's time).
    template <class Values, class Result, bool TakesReply, class MakeReply>
    [[gnu::noinline]] detail::outcome run_shape(std::span<std::string_view const> names, Result (*call)(env_type&, Values&),
                              detail::call_input<MakeReply>& in) const {
        auto& w = in.w;
        auto const* id = in.id;
        Values values{};
        detail::bind_fault fault = detail::bind_fault::none;
        std::string_view fault_name;
        boost::mp11::mp_for_each<boost::mp11::mp_iota_c<std::tuple_size_v<Values>>>([&](auto P) {
            if (fault != detail::bind_fault::none) return;
            auto const source = in.positional ? in.positional->item(P)
                                              : in.named ? in.named->find(names[P]) : std::nullopt;
            if (!source) return;
            fault = detail::bind(*source, std::get<P>(values));
            if (fault != detail::bind_fault::none) fault_name = names[P];
        });
        if (fault != detail::bind_fault::none) {
            write_bind_fault(w, id, fault, fault_name);
            return detail::outcome::answered;
        }

        async_reply reply;
        if constexpr (TakesReply) {
            reply = in.make_reply(id, in.notification);
            if (observer_.on_call) audit_later(reply, in);
        }
        env_type env{in.ctx, reply, intro_, objects_};
        auto const mark = w.out().size();
        auto answer_now = [&] { return detail::async_access::settle(reply); };
        try {
            if constexpr (std::is_void_v<Result>) {
                call(env, values);
                if (!answer_now()) return detail::outcome::deferred;
                detail::begin_result(w);
                w.raw(R"("OK")");
            } else {
                auto const& returned = call(env, values);
                if constexpr (detail::is_async_result<std::remove_cvref_t<Result>>) {
                    if (returned.later()) {
                        if (reply) return detail::outcome::deferred;
                        write_error(w, id, errc::server_error, detail::handler_returned_null);
                        return detail::outcome::answered;
                    }
                }
                if (!answer_now()) return detail::outcome::deferred;
                write_answer(w, id, returned);
                return detail::outcome::answered;
            }
        } catch (error const& e) {
            if (!answer_now()) return detail::outcome::deferred;
            w.out().resize(mark);
            write_error(w, id, e.code, e.message, e.data);
            return detail::outcome::answered;
        } catch (...) {
            // Never leak what a handler's exception says: it may hold paths, addresses or secrets.
            if (!answer_now()) return detail::outcome::deferred;
            w.out().resize(mark);
            write_error(w, id, errc::internal_error);
            return detail::outcome::answered;
        }
        end_response_with(w, id);
        return detail::outcome::answered;
    }

    template <class Answer>
    static void write_answer(detail::json_writer& w, detail::json_ref const* id, Answer const& answer) {
        if constexpr (detail::is_result<Answer> || detail::is_async_result<Answer>) {
            if (!answer.has_value()) {
                auto const& e = answer.error();
                return write_error(w, id, e.code, e.message, e.data);
            }
            detail::begin_result(w);
            if constexpr (std::is_void_v<typename Answer::value_type>) w.raw(R"("OK")");
            else detail::write_json(w, answer.value());
        } else {
            detail::begin_result(w);
            detail::write_json(w, answer);
        }
        end_response_with(w, id);
    }

    template <class MakeReply>
    using recipe_runner = detail::outcome (*)(dispatcher const&, detail::call_input<MakeReply>&);

    // Per command, what dispatch needs, as data: the recipes' shapes and one runner each.
    template <class MakeReply>
    struct command_entry {
        std::span<detail::recipe_shape const> recipes;
        bool named_only;
        std::span<recipe_runner<MakeReply> const> runners;
    };

    template <class Command>
    static constexpr auto shapes = []<class... R>(boost::mp11::mp_list<R...>) {
        return std::array<detail::recipe_shape, sizeof...(R)>{detail::shape_of<R>...};
    }(typename Command::recipes{});

    template <class Command, class MakeReply>
    static constexpr auto runners = []<class... R>(boost::mp11::mp_list<R...>) {
        return std::array<recipe_runner<MakeReply>, sizeof...(R)>{&run_recipe<R, MakeReply>...};
    }(typename Command::recipes{});

    // The command table: the method lookup's index selects an entry, no map and no string compare.
    template <class MakeReply>
    static constexpr auto command_table = []<class... C>(boost::mp11::mp_list<C...>) {
        return std::array<command_entry<MakeReply>, size>{
            command_entry<MakeReply>{shapes<C>, (C::flags & detail::flag_named_only) != 0, runners<C, MakeReply>}...};
    }(commands{});

    objects_type objects_;
    mi::limits limits_;
    mi::observer observer_;
    std::array<command_info, size> infos_;
    introspection intro_;
};

template <class Set, class... Objects>
dispatcher(Set const&, Objects&...) -> dispatcher<Set, Objects...>;
template <class Set, class... Objects>
dispatcher(Set const&, limits, Objects&...) -> dispatcher<Set, Objects...>;
template <class Set, class... Objects>
dispatcher(Set const&, limits, observer, Objects&...) -> dispatcher<Set, Objects...>;

} // namespace mi

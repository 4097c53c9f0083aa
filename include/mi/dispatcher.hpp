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
template <class... Objects>
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
    template <class...>
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

struct selection {
    std::size_t recipe = 0;
    std::string_view fault; // empty when a recipe was chosen
};

// The OpenSIPS recipe rule (spec 3.2), with std::optional parameters widening a recipe's size to a range.
inline selection select_recipe(std::span<recipe_info const> recipes, bool named_only, json_ref const* positional,
                               json_ref const* named) noexcept {
    auto fewest = [](recipe_info const& recipe) {
        std::size_t n = 0;
        for (auto const& p : recipe.params) n += p.required;
        return n;
    };
    if (!positional && !named) {
        for (std::size_t r = 0; r < recipes.size(); ++r)
            if (fewest(recipes[r]) == 0) return {r, {}};
        return {0, wrong_count};
    }
    if (positional) {
        if (named_only) return {0, only_named};
        std::size_t const k = positional->size();
        std::size_t found = 0, chosen = 0;
        for (std::size_t r = 0; r < recipes.size(); ++r) {
            std::size_t const most = recipes[r].params.size();
            if (most != 0 && fewest(recipes[r]) <= k && k <= most) chosen = found++ ? chosen : r;
        }
        if (found == 0) return {0, wrong_count};
        if (found > 1) return {0, ambiguous_call};
        return {chosen, {}};
    }
    std::size_t const k = named->size();
    bool size_matched = false;
    for (std::size_t r = 0; r < recipes.size(); ++r) {
        auto const& params = recipes[r].params;
        if (params.empty() || k < fewest(recipes[r]) || k > params.size()) continue;
        size_matched = true;
        std::size_t present = 0;
        bool complete = true;
        for (auto const& p : params) {
            if (named->find(p.name)) ++present;
            else if (p.required) complete = false;
        }
        if (complete && present == k) return {r, {}};
    }
    return {0, size_matched ? names_mismatch : wrong_count};
}

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

template <class Core>
using recipe_runner = outcome (*)(Core const&, call_input&);

/* What a dispatcher does whatever commands it serves: parsing, batches, the envelope, recipe selection,
   binding and answering. A dispatcher hands it the command set as data (the commands' descriptions, the
   method lookup, one runner per recipe), so this code is compiled once per kind of handler object rather than
   once per command set, and none of its symbols spells out the set's type, which in a set of a hundred
   commands is ten kilobytes long. */
template <class... Objects>
class dispatcher_core {
public:
    using objects_type = std::tuple<Objects*...>;
    using env_type = call_env<objects_type>;
    using runner = recipe_runner<dispatcher_core>;

    // What a core needs of a command set.
    struct set_view {
        std::span<command_info const> commands;
        resolution (*resolve)(std::string_view) noexcept;
        std::span<std::uint16_t const> ambiguous;    // the lookup's candidate lists
        std::span<runner const> runners;             // one per recipe, command after command
        std::span<std::uint32_t const> first_runner; // per command, where its recipes' runners start
        bool modules;
        service_info info;
    };

    dispatcher_core(set_view set, mi::limits bounds, mi::observer watch, Objects&... objects)
        : objects_(&objects...), limits_(bounds), observer_(std::move(watch)), resolve_(set.resolve),
          ambiguous_(set.ambiguous), runners_(set.runners), first_runner_(set.first_runner),
          intro_(set.commands, set.modules, set.info.title, set.info.version, set.resolve) {}

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

    // The id echoed as it came: a string, a number (integers exactly), or null.
    static void write_id(json_writer& w, json_ref const* id) {
        if (!id) return w.raw("null");
        switch (id->kind()) {
        case token_kind::string: return w.string(id->string());
        case token_kind::int64: return w.integer(id->int64());
        case token_kind::uint64: return w.integer(id->uint64());
        case token_kind::real: return w.number(id->real());
        default: return w.raw("null");
        }
    }

    static std::string id_text(json_ref const* id) {
        std::string text;
        boost::json::serializer serializer;
        json_writer w(text, serializer);
        write_id(w, id);
        return text;
    }

    // What `handle` gets instead of a completion when the caller is synchronous.
    struct synchronous {};

    // Parses, then answers one request or a batch. Writes the response into `out`.

    template <class OnAnswer = synchronous>
    outcome handle(std::string_view request, json_writer& w, context const& ctx, workspace& ws,
                   reply_maker make_reply, OnAnswer* on_answer = nullptr) const noexcept {
        workspace_use const busy(ws.in_use_);
        auto& out = w.out();
        try {
            if (!ws.tape_.read(request, limits_.max_depth)) {
                if (ws.tape_.too_deep()) hit("depth", ctx);
                write_error(w, nullptr, errc::parse_error);
                return outcome::answered;
            }
            json_ref const root(ws.tape_, 0);
            if (!root.is(token_kind::array)) return process(root, w, ctx, ws, make_reply);
            return batch(root, w, ctx, ws, make_reply, on_answer);
        } catch (...) {
            // Only memory exhaustion gets here: handlers' exceptions are answered where they are called.
            out.clear();
            write_error(w, nullptr, errc::internal_error);
            return outcome::answered;
        }
    }

private:
    template <class Recipe, class Core>
    friend outcome run_recipe(Core const&, call_input&);

    static void end_response_with(json_writer& w, json_ref const* id) {
        w.raw(R"(,"id":)");
        write_id(w, id);
        w.raw('}');
    }

    static void write_error(json_writer& w, json_ref const* id, int code, std::string_view message,
                            std::string_view data = {}) {
        detail::write_error(w, code, message, data);
        end_response_with(w, id);
    }

    static void write_error(json_writer& w, json_ref const* id, errc code, std::string_view data = {}) {
        write_error(w, id, static_cast<int>(code), message_of(code), data);
    }

    // JSON-RPC 2.0 batches (spec 1.6 says OpenSIPS has none; we do): each element answered in order,
    // notifications leave no element, and a batch of them leaves no response.
    template <class OnAnswer>
    outcome batch(json_ref requests, json_writer& w, context const& ctx, workspace& ws,
                  reply_maker make_reply, OnAnswer* on_answer) const {
        if (requests.size() == 0) {
            write_error(w, nullptr, errc::invalid_request);
            return outcome::answered;
        }
        if (requests.size() > limits_.max_batch) {
            hit("batch", ctx);
            write_error(w, nullptr, errc::invalid_request, batch_too_large);
            return outcome::answered;
        }
        if constexpr (std::is_same_v<OnAnswer, synchronous>) {
            std::size_t answered = 0;
            auto const start = w.out().size();
            w.raw('[');
            requests.each_item([&](json_ref request) {
                auto const mark = w.out().size();
                if (answered) w.raw(',');
                if (process(request, w, ctx, ws, make_reply) == outcome::answered) ++answered;
                else w.out().resize(mark);
            });
            if (!answered) return w.out().resize(start), outcome::silent; // nothing at all, not "[]"
            w.raw(']');
            w.error_code = 0; // the batch's elements carry their own errors
            return outcome::answered;
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

    struct envelope {
        std::optional<json_ref> jsonrpc, method, params, id;
    };

    static bool names_equal(std::string_view key, std::string_view name) noexcept {
        if (key.size() != name.size()) return false;
        for (std::size_t i = 0; i < key.size(); ++i)
            if ((key[i] | 0x20) != name[i]) return false; // names are lower-case letters only
        return true;
    }

    // Spec 1.1: member names matched case-insensitively, the first occurrence wins.
    static envelope read_envelope(json_ref request) noexcept {
        envelope e;
        request.each_member([&](std::string_view key, json_ref value) {
            if (!e.jsonrpc && names_equal(key, "jsonrpc")) e.jsonrpc = value;
            else if (!e.method && names_equal(key, "method")) e.method = value;
            else if (!e.params && names_equal(key, "params")) e.params = value;
            else if (!e.id && names_equal(key, "id")) e.id = value;
        });
        return e;
    }

    outcome process(json_ref request, json_writer& w, context const& ctx, workspace& ws,
                    reply_maker make_reply) const {
        if (!request.is(token_kind::object)) {
            write_error(w, nullptr, errc::invalid_request);
            return outcome::answered;
        }
        envelope const e = read_envelope(request);
        bool const id_valid = !e.id || e.id->is(token_kind::string) || e.id->is_number() || e.id->is(token_kind::null);
        json_ref const* const id = e.id && id_valid ? &*e.id : nullptr;
        bool const valid = id_valid && e.jsonrpc && e.jsonrpc->is(token_kind::string) && e.jsonrpc->string() == "2.0" &&
                           e.method && e.method->is(token_kind::string) && (!e.params || e.params->is_structured());
        if (!valid) {
            write_error(w, id, errc::invalid_request);
            return outcome::answered;
        }
        bool const notification = !e.id;
        auto const mark = w.out().size();
        auto const method = e.method->string();
        auto const* params = e.params ? &*e.params : nullptr;
        auto const started = observer_.on_call && observer_.detailed ? call_clock::now() : call_clock::time_point{};
        w.error_code = 0;
        auto const result = dispatch(method, params, started, id, notification, w, ctx, ws, make_reply);
        if (result != outcome::deferred && observer_.on_call)
            audit(ctx, method, params, w.error_code, started);
        if (notification && result == outcome::answered) {
            w.out().resize(mark);
            return outcome::silent;
        }
        return result;
    }

    outcome dispatch(std::string_view method, json_ref const* params, call_clock::time_point started,
                     json_ref const* id, bool notification, json_writer& w, context const& ctx, workspace& ws,
                     reply_maker make_reply) const {
        auto const found = resolve_(method);
        if (found.command == no_command) {
            if (found.ambiguous_count == 0) {
                write_error(w, id, errc::method_not_found);
                return outcome::answered;
            }
            auto& data = ws.scratch_;
            data.assign("supported names: ");
            for (std::size_t i = 0; i < found.ambiguous_count; ++i) {
                if (i) data.append(", ");
                data.append(intro_.commands()[ambiguous_[found.ambiguous_first + i]].canonical);
            }
            write_error(w, id, errc::method_ambiguous, data);
            return outcome::answered;
        }
        // spec 1.1: empty params are no params
        json_ref const* positional = nullptr;
        json_ref const* named = nullptr;
        if (params && params->size() != 0) (params->is(token_kind::array) ? positional : named) = params;
        if (params && params->size() > limits_.max_params) {
            hit("params", ctx);
            write_error(w, id, errc::invalid_params, too_many_params);
            return outcome::answered;
        }
        if (params && params->longest_string() > limits_.max_string) {
            hit("string", ctx);
            write_error(w, id, errc::invalid_params, string_too_long);
            return outcome::answered;
        }

        auto const& command = intro_.commands()[found.command];
        auto const chosen = select_recipe(command.recipes, command.named_params_only, positional, named);
        if (!chosen.fault.empty()) {
            write_error(w, id, errc::invalid_params, chosen.fault);
            return outcome::answered;
        }
        if (auto const needs = command.recipes[chosen.recipe].needs; needs > ctx.granted) {
            auto& data = ws.scratch_;
            data.assign(command.canonical).append(" called so needs the '").append(name_of(needs));
            data.append("' permission; this caller has '").append(name_of(ctx.granted)).append("'");
            write_error(w, id, errc::permission_denied, data);
            return outcome::answered;
        }
        call_input input{method, params, started, positional, named, id, notification, w, ctx, make_reply};
        return runners_[first_runner_[found.command] + chosen.recipe](*this, input);
    }

    void hit(std::string_view limit, context const& ctx) const noexcept {
        report_limit(observer_.on_limit, limit, ctx);
    }

    std::string params_text(json_ref const* params) const {
        return params && observer_.detailed ? boost::json::serialize(params->to_value()) : std::string();
    }

    // Calls are timed only for detailed records; an untimed call started at the clock's epoch.
    static std::chrono::nanoseconds elapsed(call_clock::time_point started) {
        return started == call_clock::time_point{} ? std::chrono::nanoseconds{} : call_clock::now() - started;
    }

    void audit(context const& ctx, std::string_view method, json_ref const* params, int error,
               call_clock::time_point started) const noexcept {
        try {
            auto const text = params_text(params);
            observer_.on_call(call_record{ctx, method, text, error, elapsed(started)});
        } catch (...) {
        }
    }

    // A deferred call is audited when its final answer is made, long after the request's bytes are gone:
    // what the record shows is copied now.
    void audit_later(async_reply const& reply, call_input const& in) const noexcept {
        try {
            auto* state = async_access::state(reply);
            if (!state) return;
            state->on_end([on_call = observer_.on_call, transport = std::string(in.ctx.transport),
                           peer = std::string(in.ctx.peer), granted = in.ctx.granted, method = std::string(in.method),
                           params = params_text(in.params), started = in.started](int error) {
                context const caller{transport, peer, granted};
                on_call(call_record{caller, method, params, error, elapsed(started)});
            });
        } catch (...) {
        }
    }

    static void write_bind_fault(json_writer& w, json_ref const* id, bind_fault fault, std::string_view name) {
        std::string_view prefix = fault == bind_fault::bad_type         ? "Bad type for parameter '"
                                  : fault == bind_fault::bad_array_item ? "Bad type for array item in parameter '"
                                                                        : "Empty array in parameter '";
        char data[192];
        auto const n = std::min(name.size(), sizeof data - prefix.size() - 1);
        std::copy(prefix.begin(), prefix.end(), data);
        std::copy_n(name.begin(), n, data + prefix.size());
        data[prefix.size() + n] = '\'';
        write_error(w, id, errc::invalid_params, std::string_view(data, prefix.size() + n + 1));
    }

    // Binds, calls and answers. Instantiated once per parameter types and result type, not per recipe:
    // commands of the same shape share it, which keeps a set of many commands cheap to compile. Never inlined
    // into the per-recipe runners, or each would get its own copy again (a third of a 100-command TU's time).
    template <class Values, class Result, bool TakesReply>
    [[gnu::noinline]] outcome run_shape(std::span<param_info const> params, Result (*call)(env_type&, Values&),
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
        env_type env{in.ctx, reply, intro_, objects_};
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


    objects_type objects_;
    mi::limits limits_;
    mi::observer observer_;
    resolution (*resolve_)(std::string_view) noexcept;
    std::span<std::uint16_t const> ambiguous_;
    std::span<runner const> runners_;
    std::span<std::uint32_t const> first_runner_;
    introspection intro_;
};

template <class Recipe, class Core>
outcome run_recipe(Core const& core, call_input& in) {
    return core.template run_shape<typename Recipe::values, typename Recipe::result, Recipe::takes_reply>(
        recipe_description<typename Recipe::form>::params, &Recipe::template invoke<typename Core::env_type>, in);
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
    using core_type = detail::dispatcher_core<Objects...>;

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
        : infos_(describe(set)),
          core_({infos_, &Set::resolve, Set::table.ambiguous, runners, first_runner, Set::uses_modules, set.info()},
                bounds, std::move(watch), objects...) {}

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
        auto const result = core_.handle(request, w, ctx, ws, detail::reply_maker(make_reply), &on_answer);
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
    // The set's type compiled to data rather than code: one function building a hundred descriptions in place
    // takes the optimizer longer than the hundred commands' own code.
    static std::array<command_info, size> describe(Set const& set) {
        static constexpr auto described = []<class... Command>(boost::mp11::mp_list<Command...>) {
            return std::array<command_info, size>{detail::command_description<Command>::partial()...};
        }(commands{});
        std::array<command_info, size> infos = described;
        for (std::size_t i = 0; i < size; ++i) detail::complete(infos[i], set.help(i));
        return infos;
    }

    // The method lookup's index selects a command's runners: no map and no string compare.
    static constexpr auto runners = []<class... R>(boost::mp11::mp_list<R...>) {
        return std::array<typename core_type::runner, sizeof...(R)>{&detail::run_recipe<R, core_type>...};
    }(boost::mp11::mp_apply<boost::mp11::mp_append, boost::mp11::mp_transform<detail::recipes_of, commands>>{});
    static constexpr auto first_runner = []<class... C>(boost::mp11::mp_list<C...>) {
        std::array<std::uint32_t, size> first{};
        std::uint32_t at = 0;
        std::size_t i = 0;
        ((first[i++] = at, at += static_cast<std::uint32_t>(boost::mp11::mp_size<typename C::recipes>::value)), ...);
        return first;
    }(commands{});

    std::array<command_info, size> infos_;
    core_type core_;
};

template <class Set, class... Objects>
dispatcher(Set const&, Objects&...) -> dispatcher<Set, Objects...>;
template <class Set, class... Objects>
dispatcher(Set const&, limits, Objects&...) -> dispatcher<Set, Objects...>;
template <class Set, class... Objects>
dispatcher(Set const&, limits, observer, Objects&...) -> dispatcher<Set, Objects...>;

} // namespace mi

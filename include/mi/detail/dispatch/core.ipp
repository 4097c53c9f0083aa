// Copyright (c) 2026 the mi authors. Distributed under the Boost Software License, Version 1.0.
// SPDX-License-Identifier: BSL-1.0
#pragma once

// The dispatch core's code, inline from <mi/dispatcher.hpp>, or compiled once by <mi/src.hpp>.

#include <mi/detail/dispatch/core.hpp>

#include <boost/json/serialize.hpp>

#include <algorithm>

namespace mi::detail {

MI_DECL selection select_recipe(std::span<recipe_info const> recipes, bool named_only, json_ref const* positional,
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

MI_DECL dispatcher_core::dispatcher_core(set_view set, mi::limits bounds, mi::observer watch, void const* objects)
    : objects_(objects), limits_(bounds), observer_(std::move(watch)), resolve_(set.resolve),
      ambiguous_(set.ambiguous), runners_(set.runners), first_runner_(set.first_runner),
      intro_(set.commands, set.modules, set.info.title, set.info.version, set.resolve) {}

MI_DECL void dispatcher_core::write_id(response_writer& w, json_ref const* id) {
    if (!id) return w.raw("null");
    if (id->is(token_kind::string)) return w.string(id->string());
    if (id->is_number()) return w.raw(id->number_text()); // the client's own bytes: `1.7` stays `1.7`
    w.raw("null");
}

MI_DECL std::string dispatcher_core::id_text(json_ref const* id) {
    std::string text;
    boost::json::serializer serializer;
    response_writer w(text, serializer);
    write_id(w, id);
    return text;
}

MI_DECL outcome dispatcher_core::handle(std::string_view request, response_writer& w, context const& ctx, workspace_memory& ws,
                                        reply_maker make_reply, async_batcher const* batcher) const noexcept {
    workspace_use const busy(ws.in_use);
    auto& out = w.out();
    try {
        if (!ws.tokens.read(request, limits_.max_depth)) {
            if (ws.tokens.too_deep()) hit("depth", ctx);
            write_error(w, nullptr, errc::parse_error);
            return outcome::answered;
        }
        json_ref const root(ws.tokens, 0);
        if (!root.is(token_kind::array)) return process(root, w, ctx, ws, make_reply);
        return batch(root, w, ctx, ws, make_reply, batcher);
    } catch (...) {
        // Only memory exhaustion gets here: handlers' exceptions are answered where they are called.
        out.clear();
        write_error(w, nullptr, errc::internal_error);
        return outcome::answered;
    }
}

MI_DECL void dispatcher_core::end_response_with(response_writer& w, json_ref const* id) {
    w.raw(R"(,"id":)");
    write_id(w, id);
    w.raw('}');
}

MI_DECL void dispatcher_core::write_error(response_writer& w, json_ref const* id, int code, std::string_view message,
                                          std::string_view data) {
    jsonrpc::begin_error(w, code, message, data);
    end_response_with(w, id);
}

MI_DECL void dispatcher_core::write_error(response_writer& w, json_ref const* id, errc code, std::string_view data) {
    write_error(w, id, static_cast<int>(code), message_of(code), data);
}

MI_DECL outcome dispatcher_core::batch(json_ref requests, response_writer& w, context const& ctx, workspace_memory& ws,
                                       reply_maker make_reply, async_batcher const* batcher) const {
    if (requests.size() == 0) {
        write_error(w, nullptr, errc::invalid_request);
        return outcome::answered;
    }
    if (requests.size() > limits_.max_batch) {
        hit("batch", ctx);
        write_error(w, nullptr, errc::invalid_request, batch_too_large);
        return outcome::answered;
    }
    if (batcher) return batcher->run(*this, requests, ctx, ws, batcher->on_answer);
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
}

struct envelope {
    std::optional<json_ref> jsonrpc, method, params, id;
};

MI_DECL bool names_equal(std::string_view key, std::string_view name) noexcept {
    if (key.size() != name.size()) return false;
    for (std::size_t i = 0; i < key.size(); ++i)
        if ((key[i] | 0x20) != name[i]) return false; // names are lower-case letters only
    return true;
}

// Spec 1.1: member names matched case-insensitively, the first occurrence wins.
MI_DECL envelope read_envelope(json_ref request) noexcept {
    envelope e;
    request.each_member([&](std::string_view key, json_ref value) {
        if (!e.jsonrpc && names_equal(key, "jsonrpc")) e.jsonrpc = value;
        else if (!e.method && names_equal(key, "method")) e.method = value;
        else if (!e.params && names_equal(key, "params")) e.params = value;
        else if (!e.id && names_equal(key, "id")) e.id = value;
    });
    return e;
}

MI_DECL outcome dispatcher_core::process(json_ref request, response_writer& w, context const& ctx, workspace_memory& ws,
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
    if (result != outcome::deferred && observer_.on_call) audit(ctx, method, params, w.error_code, started);
    if (notification && result == outcome::answered) {
        w.out().resize(mark);
        return outcome::silent;
    }
    return result;
}

MI_DECL outcome dispatcher_core::dispatch(std::string_view method, json_ref const* params,
                                          call_clock::time_point started, json_ref const* id, bool notification,
                                          response_writer& w, context const& ctx, workspace_memory& ws,
                                          reply_maker make_reply) const {
    auto const found = resolve_(method);
    if (found.command == no_command) {
        if (found.ambiguous_count == 0) {
            write_error(w, id, errc::method_not_found);
            return outcome::answered;
        }
        auto& data = ws.scratch;
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
        auto& data = ws.scratch;
        data.assign(command.canonical).append(" called so needs the '").append(name_of(needs));
        data.append("' permission; this caller has '").append(name_of(ctx.granted)).append("'");
        write_error(w, id, errc::permission_denied, data);
        return outcome::answered;
    }
    call_input input{method, params, started, positional, named, id, notification, w, ctx, make_reply};
    return runners_[first_runner_[found.command] + chosen.recipe](*this, input);
}

MI_DECL void dispatcher_core::hit(std::string_view limit, context const& ctx) const noexcept {
    report_limit(observer_.on_limit, limit, ctx);
}

MI_DECL std::string params_text(json_ref const* params, bool detailed) {
    return params && detailed ? boost::json::serialize(params->to_value()) : std::string();
}

// Calls are timed only for detailed records; an untimed call started at the clock's epoch.
MI_DECL std::chrono::nanoseconds elapsed(call_clock::time_point started) {
    return started == call_clock::time_point{} ? std::chrono::nanoseconds{} : call_clock::now() - started;
}

MI_DECL void dispatcher_core::audit(context const& ctx, std::string_view method, json_ref const* params, int error,
                                    call_clock::time_point started) const noexcept {
    try {
        auto const text = params_text(params, observer_.detailed);
        observer_.on_call(call_record{ctx, method, text, error, elapsed(started)});
    } catch (...) {
    }
}

MI_DECL void dispatcher_core::audit_later(async_reply const& reply, call_input const& in) const noexcept {
    try {
        auto* state = async_access::state(reply);
        if (!state) return;
        state->on_end([on_call = observer_.on_call, transport = std::string(in.ctx.transport),
                       peer = std::string(in.ctx.peer), granted = in.ctx.granted, method = std::string(in.method),
                       params = params_text(in.params, observer_.detailed), started = in.started](int error) {
            context const caller{transport, peer, granted};
            on_call(call_record{caller, method, params, error, elapsed(started)});
        });
    } catch (...) {
    }
}

MI_DECL void dispatcher_core::write_bind_fault(response_writer& w, json_ref const* id, bind_fault fault,
                                               std::string_view name) {
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

#ifdef MI_SEPARATE_COMPILATION
#define MI_DETAIL_RUNNER(command, i)                                                                         \
    template outcome run_recipe<builtin_recipe<command, i>, std::tuple<>>(dispatcher_core const&, call_input&);
MI_DETAIL_BUILTIN_RUNNERS(MI_DETAIL_RUNNER)
#undef MI_DETAIL_RUNNER
#endif

} // namespace mi::detail

// Copyright (c) 2026 the mi authors. Distributed under the Boost Software License, Version 1.0.
// SPDX-License-Identifier: BSL-1.0
#pragma once

#include <mi/answer.hpp>
#include <mi/detail/json/types.hpp>
#include <mi/error.hpp>
#include <mi/jsonrpc.hpp>

#include <boost/json/serializer.hpp>

#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <utility>
#include <variant>

namespace mi {

namespace detail {
struct async_access;

// What a deferred command's answers need once the request and the dispatcher are gone: the request's id,
// and where to deliver. Shared by every copy of the async_reply; the last copy going away without a final
// answer fails the call, so a forgotten completion never leaves a client waiting forever.
class async_state {
public:
    using deliver_fn = void (*)(async_state&, answer const&) noexcept;

    async_state(deliver_fn deliver, std::string id_json, bool notification) noexcept
        : deliver_(deliver), id_json_(std::move(id_json)), notification_(notification) {}
    async_state(async_state const&) = delete;
    async_state& operator=(async_state const&) = delete;

    template <class Write>
    void send(answer_kind kind, Write&& write_response) noexcept {
        std::lock_guard lock(mutex_);
        if (finished_) return;
        finished_ = kind != answer_kind::provisional;
        if (notification_) {
            if (finished_) end({{}, answer_kind::final});
            return;
        }
        try {
            std::string text;
            boost::json::serializer serializer;
            response_writer w(text, serializer);
            write_response(w);
            jsonrpc::end_response(w, id_json_);
            if (finished_) end({text, kind, w.error_code});
            else deliver_(*this, {text, kind, w.error_code});
        } catch (...) {
            if (finished_) end({{}, answer_kind::failed, failed_error});
        }
    }

    void fail() noexcept {
        std::lock_guard lock(mutex_);
        if (std::exchange(finished_, true)) return;
        end({{}, notification_ ? answer_kind::final : answer_kind::failed, failed_error});
    }

    /** Called once with the final answer's error code (0 for a result) after it is delivered: how a deferred
        call is audited. Set before the handle leaves the dispatcher. */
    void on_end(std::function<void(int error)> f) noexcept { on_end_ = std::move(f); }

    // The handler answered by returning: later answers are ignored. False when an answer through the
    // handle already ended the call.
    bool settle() noexcept {
        std::lock_guard lock(mutex_);
        return !std::exchange(finished_, true);
    }

protected:
    ~async_state() = default;

private:
    void end(answer const& a) noexcept {
        deliver_(*this, a);
        if (!on_end_) return;
        try {
            on_end_(a.error);
        } catch (...) {
        }
    }

    deliver_fn deliver_;
    std::function<void(int)> on_end_;
    std::string id_json_;
    bool notification_;
    bool finished_ = false;
    mutable std::mutex mutex_;
};

template <class OnAnswer>
class async_state_for final : public async_state {
public:
    async_state_for(OnAnswer on_answer, std::string id_json, bool notification)
        : async_state(&deliver, std::move(id_json), notification), on_answer_(std::move(on_answer)) {}
    ~async_state_for() { fail(); }

private:
    static void deliver(async_state& self, answer const& a) noexcept {
        try {
            static_cast<async_state_for&>(self).on_answer_(a);
        } catch (...) {
            // the transport's completion must not throw; if it does, the answer is lost, not the process
        }
    }
    OnAnswer on_answer_;
};

} // namespace detail

/** The completion handle an asynchronous command receives (declare a parameter `mi::async_reply`).

    Empty when the caller cannot take a later answer (a synchronous `dispatcher::call`): the handler then
    answers at once, as OpenSIPS handlers do without a handle. Copies share one call; any thread may answer.
    The first final answer wins, later ones are ignored; if every copy is destroyed before a final answer,
    the call fails. */
class async_reply {
public:
    async_reply() noexcept = default;
    explicit async_reply(std::shared_ptr<detail::async_state> state) noexcept : state_(std::move(state)) {}

    explicit operator bool() const noexcept { return state_ != nullptr; }

    /** Sends a provisional answer (OpenSIPS done=0): the datagram and FIFO transports pass it on. */
    template <class T>
    void provisional(T const& value) const {
        send(answer_kind::provisional, value);
    }

    /** Sends the final answer: a value, or an `mi::error`. */
    template <class T>
    void finish(T const& value) const {
        send(answer_kind::final, value);
    }

    /** Ends the call without an answer; transports send their internal-error reply. */
    void fail() const noexcept {
        if (state_) state_->fail();
    }

private:
    friend struct detail::async_access;

    template <class T>
    void send(answer_kind kind, T const& value) const {
        static_assert(detail::is_writable<T> || std::same_as<T, error>,
                      "mi: async_reply can only send a value that can be written as JSON, or an mi::error");
        if (!state_) return;
        state_->send(kind, [&](detail::response_writer& w) {
            if constexpr (std::same_as<T, error>) jsonrpc::begin_error(w, value);
            else {
                jsonrpc::begin_result(w);
                detail::write_json(w, value);
            }
        });
    }

    std::shared_ptr<detail::async_state> state_;
};

namespace detail {
struct async_access {
    static bool settle(async_reply const& reply) noexcept { return !reply.state_ || reply.state_->settle(); }
    static async_state* state(async_reply const& reply) noexcept { return reply.state_.get(); }
};
} // namespace detail

/** Returned by an asynchronous handler that will answer later through its `mi::async_reply`. */
struct answer_later_t {
    explicit constexpr answer_later_t() = default;
};
inline constexpr answer_later_t answer_later{};

/** What an asynchronous handler returns: a value now, an error now, or `mi::answer_later`. */
template <class T>
class async_result {
public:
    using value_type = T;

    async_result(answer_later_t) noexcept : state_(std::in_place_index<0>) {}
    async_result(mi::error e) : state_(std::in_place_index<2>, std::move(e)) {}
    template <class U>
        requires std::constructible_from<T, U&&> && (!std::same_as<std::remove_cvref_t<U>, async_result>) &&
                 (!std::same_as<std::remove_cvref_t<U>, mi::error>) &&
                 (!std::same_as<std::remove_cvref_t<U>, answer_later_t>)
    async_result(U&& value) : state_(std::in_place_index<1>, std::forward<U>(value)) {}

    bool later() const noexcept { return state_.index() == 0; }
    bool has_value() const noexcept { return state_.index() == 1; }
    T const& value() const { return std::get<1>(state_); }
    mi::error const& error() const { return std::get<2>(state_); }

private:
    std::variant<std::monostate, T, mi::error> state_;
};

} // namespace mi

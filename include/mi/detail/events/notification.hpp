// Copyright (c) 2026 the mi authors. Distributed under the Boost Software License, Version 1.0.
// SPDX-License-Identifier: BSL-1.0
#pragma once

// An event's JSON-RPC notification, written once whatever the number of subscribers. Part of <mi/events.hpp>.

#include <mi/detail/json/types.hpp>

#include <boost/describe/members.hpp>
#include <boost/json/serializer.hpp>
#include <boost/mp11/algorithm.hpp>

#include <cstddef>
#include <memory>
#include <string>
#include <string_view>
#include <tuple>
#include <type_traits>
#include <utility>

namespace mi {

/** One event's notification as every subscriber receives it:
    `{"jsonrpc":"2.0","method":"E_PIKE_BLOCKED","params":{"ip":"192.168.2.11"}}`, members in that order, no
    `id`, no `params` when there are none. Shared by every subscriber's queue. */
struct notification {
    std::shared_ptr<std::string const> text;
    std::size_t method_at = 0;   ///< where the event's name starts in `text`
    std::size_t method_size = 0; ///< and how long it is

    std::string_view event() const noexcept { return std::string_view(*text).substr(method_at, method_size); }

    /** The same notification under another method (event_stream's `tcp:HOST:PORT/method`): copied, not written
        again. */
    std::string with_method(std::string_view method) const {
        std::string_view const all = *text;
        return std::string(all.substr(0, method_at)).append(method).append(all.substr(method_at + method_size));
    }
};

namespace detail {

template <class T>
concept event_payload_tuple = requires { std::tuple_size<T>::value; };

// What a payload's params are: named (a described struct), positional (a tuple or one value), or none (void).
template <class Payload>
inline constexpr bool named_payload = described_struct<Payload>;

template <class T>
constexpr bool unset(T const& value) noexcept {
    if constexpr (is_optional<T>) return !value.has_value();
    else return false;
}

// The params member, or nothing: unset (empty std::optional) parameters are left out.
template <class Payload>
void write_params(json_writer& w, Payload const& payload) {
    if constexpr (named_payload<Payload>) {
        w.raw(",\"params\":");
        w.list('{', '}', [&](auto separate) {
            boost::mp11::mp_for_each<public_members<Payload>>([&](auto member) {
                auto const& value = payload.*member.pointer;
                if (unset(value)) return;
                separate();
                constexpr auto const& key = member_key<decltype(member)>;
                w.raw(std::string_view(key.data(), key.size()));
                write_json(w, value);
            });
        });
    } else if constexpr (event_payload_tuple<Payload>) {
        w.raw(",\"params\":");
        w.list('[', ']', [&](auto separate) {
            std::apply([&](auto const&... items) { ((unset(items) ? void() : (separate(), write_json(w, items))), ...); },
                       payload);
        });
    } else {
        w.raw(",\"params\":[");
        write_json(w, payload);
        w.raw(']');
    }
}

inline notification finish_notification(std::string&& text, std::size_t name_size) {
    constexpr std::size_t method_at = sizeof(R"({"jsonrpc":"2.0","method":")") - 1;
    return {std::make_shared<std::string const>(std::move(text)), method_at, name_size};
}

/** The notification of event `name` with `payload` (`Payload` void: without params). */
template <class Payload, class... Given>
notification write_notification(std::string_view name, Given const&... payload) {
    std::string text;
    boost::json::serializer serializer;
    json_writer w(text, serializer);
    w.raw(R"({"jsonrpc":"2.0","method":)");
    w.string(name);
    if constexpr (!std::is_void_v<Payload>) write_params(w, payload...);
    w.raw('}');
    return finish_notification(std::move(text), name.size());
}

/** The notification with params already written as JSON (an object or an array; empty: none). */
inline notification write_notification_with(std::string_view name, std::string_view params_json) {
    std::string text;
    boost::json::serializer serializer;
    json_writer w(text, serializer);
    w.raw(R"({"jsonrpc":"2.0","method":)");
    w.string(name);
    if (!params_json.empty()) w.raw(",\"params\":"), w.raw(params_json);
    w.raw('}');
    return finish_notification(std::move(text), name.size());
}

} // namespace detail

} // namespace mi

// Copyright (c) 2026 the mi authors. Distributed under the Boost Software License, Version 1.0.
// SPDX-License-Identifier: BSL-1.0
#pragma once

// Events as OpenSIPS's event interface has them: declared once at compile time like commands, raised from any
// thread with a typed payload, subscribed to through MI (event_subscribe), and delivered as JSON-RPC
// notifications by the deliveries given to the hub (<mi/transport/event_datagram.hpp>).

#include <mi/command.hpp>
#include <mi/command_set.hpp>
#include <mi/detail/events/hub.hpp>
#include <mi/detail/events/notification.hpp>
#include <mi/fixed_string.hpp>

#include <boost/mp11/algorithm.hpp>

#include <array>
#include <cstddef>
#include <string_view>
#include <tuple>
#include <type_traits>

namespace mi {

/** An event: its name and the type of what it carries. Made by `mi::event<"E_NAME", Payload>("help")`. */
template <fixed_string Name, class Payload>
struct event_t {
    static constexpr std::string_view name = Name.view();
    using payload = Payload;
    std::string_view help;
};

namespace detail {

template <class Payload>
constexpr bool writable_payload() {
    if constexpr (std::is_void_v<Payload>) return true;
    else if constexpr (event_payload_tuple<Payload> && !described_struct<Payload>)
        return []<std::size_t... I>(std::index_sequence<I...>) {
            return (is_writable<std::remove_cvref_t<std::tuple_element_t<I, Payload>>> && ...);
        }(std::make_index_sequence<std::tuple_size_v<Payload>>{});
    else return is_writable<Payload>;
}

} // namespace detail

/** Declares an event. `Payload` gives the notification's params: a struct described with
    BOOST_DESCRIBE_STRUCT gives named ones (`{"ip":"192.168.2.11"}`), a std::tuple or a single value positional
    ones (`[3,5]`), void none. */
template <fixed_string Name, class Payload = void>
constexpr event_t<Name, Payload> event(std::string_view help = {}) {
    static_assert(detail::is_identifier(Name.view()),
                  "mi: an event name is a non-empty identifier (letters, digits, '_'; not starting with a digit), "
                  "as OpenSIPS's E_PIKE_BLOCKED");
    static_assert(detail::writable_payload<Payload>(),
                  "mi: an event's payload cannot be written as JSON params; use a struct described with "
                  "BOOST_DESCRIBE_STRUCT (named params), a std::tuple or one value (positional), or void (none)");
    return {help};
}

/** The events of a daemon, known at compile time: `mi::event_set(mi::event<"E_PIKE_BLOCKED", blocked>(), ...)`. */
namespace detail {
template <class Events, class I>
using payload_at = typename boost::mp11::mp_at<Events, I>::payload;
} // namespace detail

template <class... Events>
struct event_set_t {
    static constexpr std::size_t size = sizeof...(Events);
    static constexpr std::array<std::string_view, size> names{Events::name...};
    std::array<std::string_view, size> helps;

    /** The index of the event named `N`, or `size` when there is none. */
    template <fixed_string N>
    static constexpr std::size_t index_of() noexcept {
        for (std::size_t i = 0; i < size; ++i)
            if (names[i] == N.view()) return i;
        return size;
    }

    /** The payload type of event `I` (void past the last, so that a wrong name is only the one error). */
    template <std::size_t I>
    using payload_of = boost::mp11::mp_eval_if_c<(I >= size), void, detail::payload_at, boost::mp11::mp_list<Events...>,
                                                 boost::mp11::mp_size_t<I>>;
};

namespace detail {
template <class T>
inline constexpr bool is_event = false;
template <fixed_string N, class P>
inline constexpr bool is_event<event_t<N, P>> = true;

template <class... Events>
constexpr bool distinct_event_names() {
    constexpr std::array<std::string_view, sizeof...(Events)> names{Events::name...};
    for (std::size_t i = 0; i < names.size(); ++i)
        for (std::size_t j = i + 1; j < names.size(); ++j)
            if (names[i] == names[j]) return false;
    return true;
}
} // namespace detail

template <class... Events>
constexpr event_set_t<Events...> event_set(Events... events) {
    static_assert((detail::is_event<Events> && ...), "mi: an event set holds events made by mi::event<\"NAME\", Payload>()");
    static_assert(detail::distinct_event_names<Events...>(),
                  "mi: two events of an event set have one name; give each event a name of its own");
    return {{events.help...}};
}

/** The events of `Set` at run time: an `mi::event_hub` (give `hub()` to the dispatcher for the event commands)
    and `raise`, checked against the declarations at compile time.

        constexpr auto declared = mi::event_set(mi::event<"E_PIKE_BLOCKED", blocked>("an address was blocked"));
        mi::events events(declared);
        events.raise<"E_PIKE_BLOCKED">(blocked{"192.168.2.11"});
*/
template <class Set>
class events {
public:
    explicit events(Set const& = {}, event_hub::options o = {}) : hub_(Set::names, std::move(o)) {}

    event_hub& hub() noexcept { return hub_; }
    event_hub const& hub() const noexcept { return hub_; }

    /** Raises event `Name` from any thread: never blocks, never throws. With no subscriber nothing is written;
        otherwise the notification is written once and queued to each subscriber (a full queue drops it, counted
        and told to the drop hook). */
    template <fixed_string Name, class... Given>
    void raise(Given const&... payload) noexcept {
        constexpr std::size_t id = Set::template index_of<Name>();
        static_assert(id < Set::size, "mi: no event of this name is declared; add mi::event<\"NAME\", Payload>() "
                                      "to the event set");
        if constexpr (id < Set::size) {
            using declared = typename Set::template payload_of<id>;
            constexpr bool fits = [] {
                if constexpr (std::is_void_v<declared>) return sizeof...(Given) == 0;
                else return sizeof...(Given) == 1 && (std::is_convertible_v<Given const&, declared> && ...);
            }();
            static_assert(fits || !std::is_void_v<declared>, "mi: this event carries no payload; raise it with no argument");
            static_assert(fits || std::is_void_v<declared>,
                          "mi: raise takes the event's payload, of the type its mi::event<\"NAME\", Payload> declares");
            if constexpr (fits) {
                if (!hub_.listened(id)) return;
                try {
                    if constexpr (std::is_void_v<declared>)
                        hub_.publish(id, detail::write_notification<void>(Set::names[id]));
                    else
                        hub_.publish(id, detail::write_notification<declared>(Set::names[id], declared(payload)...));
                } catch (...) {
                    hub_.dropped(Set::names[id], {}, "memory");
                }
            }
        }
    }

private:
    event_hub hub_;
};

template <class Set>
events(Set const&, event_hub::options = {}) -> events<Set>;

namespace detail {
inline constexpr std::string_view events_list_help = "the events that can be subscribed to, with their ids";
inline constexpr std::string_view event_subscribe_help =
    "subscribes a socket (udp:HOST:PORT, unix:/path, tcp:HOST:PORT[/method]) to an event, for expire seconds "
    "(3600; 0 unsubscribes)";
inline constexpr std::string_view subscribers_list_help = "the subscribers of every event, of one, or one of them";
inline constexpr std::string_view raise_event_help = "raises an event, with params (an array, or a JSON object as a string)";
} // namespace detail

/** OpenSIPS 3.x's four event commands, for a set without modules: `mi::command_set(..., mi::event_commands)`,
    served with the `events::hub()` given to the dispatcher. */
inline constexpr auto event_commands = mi::commands(
    mi::command<"events_list">(detail::events_list_help, mi::needs_read, mi::recipe<&event_hub::list_events>),
    mi::command<"event_subscribe">(detail::event_subscribe_help, mi::needs_write,
                                   mi::recipe<&event_hub::subscribe_command, "event", "socket">,
                                   mi::recipe<&event_hub::subscribe_for, "event", "socket", "expire">),
    mi::command<"subscribers_list">(detail::subscribers_list_help, mi::needs_read,
                                    mi::recipe<&event_hub::list_subscribers>,
                                    mi::recipe<&event_hub::list_subscribers_of, "event">,
                                    mi::recipe<&event_hub::list_subscriber, "event", "socket">),
    mi::command<"raise_event">(detail::raise_event_help, mi::needs_write, mi::recipe<&event_hub::raise_command, "event">,
                               mi::recipe<&event_hub::raise_with, "event", "params">));

/** OpenSIPS 4.x's evi module, for a set of modules: `evi:list`, `evi:subscribe`, `evi:subscribers`, `evi:raise`,
    with the 3.x names as aliases. */
inline constexpr auto events_module = mi::module<"evi">(
    mi::command<"list">(detail::events_list_help, mi::needs_read, mi::alias<"events_list">,
                        mi::recipe<&event_hub::list_events>),
    mi::command<"subscribe">(detail::event_subscribe_help, mi::needs_write, mi::alias<"event_subscribe">,
                             mi::recipe<&event_hub::subscribe_command, "event", "socket">,
                             mi::recipe<&event_hub::subscribe_for, "event", "socket", "expire">),
    mi::command<"subscribers">(detail::subscribers_list_help, mi::needs_read, mi::alias<"subscribers_list">,
                               mi::recipe<&event_hub::list_subscribers>,
                               mi::recipe<&event_hub::list_subscribers_of, "event">,
                               mi::recipe<&event_hub::list_subscriber, "event", "socket">),
    mi::command<"raise">(detail::raise_event_help, mi::needs_write, mi::alias<"raise_event">,
                         mi::recipe<&event_hub::raise_command, "event">,
                         mi::recipe<&event_hub::raise_with, "event", "params">));

} // namespace mi

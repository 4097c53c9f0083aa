// Copyright (c) 2026 the mi authors. Distributed under the Boost Software License, Version 1.0.
// SPDX-License-Identifier: BSL-1.0
#pragma once

// The run-time side of events: subscribers, their expiry, delivery, and OpenSIPS's four event commands (spec
// events-and-statistics 4). Part of <mi/events.hpp>.

#include <mi/detail/events/notification.hpp>
#include <mi/error.hpp>

#include <boost/describe/class.hpp>
#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>
#include <boost/json/value.hpp>

#include <atomic>
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <span>
#include <stdexcept>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

namespace mi {

/** One subscriber's end of a delivery: its bounded queue and its socket. `deliver` never blocks and never
    throws; what cannot be queued is dropped and counted. */
class event_sink {
public:
    virtual ~event_sink() = default;
    virtual void deliver(notification const& n) noexcept = 0;
    /** Notifications this subscriber lost (queue full, too large, the socket failed). */
    virtual std::uint64_t dropped() const noexcept = 0;
    /** The subscription ended (expired, or the hub went): a connection it holds can close. */
    virtual void close() noexcept {}
};

/** A way to reach subscribers (event_datagram: `udp:`, `unix:`; event_stream: `tcp:`). */
class event_delivery {
public:
    virtual ~event_delivery() = default;
    /** A sink for `socket` ("udp:127.0.0.1:8081"), nullptr when this delivery does not take such sockets.
        @throws std::invalid_argument when it takes the protocol but not this address. */
    virtual std::shared_ptr<event_sink> open(std::string_view socket) = 0;
};

/** Told of each notification a subscriber lost, with the event, the subscriber's socket and why ("queue",
    "size", "socket", "memory"). Called from the raising thread (the hub locked: it must not raise or subscribe)
    or a delivery's; must be thread-safe and should not throw (what it throws is dropped). */
using event_drop_hook = std::function<void(std::string_view event, std::string_view socket, std::string_view why)>;

namespace detail {
// Tells `hook`, if there is one, that a notification was lost; what it throws is dropped.
inline void tell(event_drop_hook const& hook, std::string_view event, std::string_view socket,
                 std::string_view why) noexcept {
    if (!hook) return;
    try {
        hook(event, socket, why);
    } catch (...) {
    }
}
} // namespace detail

/** What `events_list` answers. */
struct event_listing {
    struct entry {
        std::string name; // owned, so that a typed client can read the listing back
        std::size_t id;
    };
    std::vector<entry> Events;
};
BOOST_DESCRIBE_STRUCT(event_listing::entry, (), (name, id))
BOOST_DESCRIBE_STRUCT(event_listing, (), (Events))

/** A subscriber as subscribers_list shows it. */
struct subscriber_listing {
    std::string socket;
    std::variant<std::int64_t, std::string_view> expire; ///< seconds, or "never"
    std::variant<std::int64_t, std::string_view> ttl;    ///< seconds left, or "expired"
};
BOOST_DESCRIBE_STRUCT(subscriber_listing, (), (socket, expire, ttl))

/** What an event hub is given besides its events. */
struct event_options {
    std::function<std::chrono::steady_clock::time_point()> now = [] { return std::chrono::steady_clock::now(); };
    event_drop_hook on_drop = {}; ///< told of every notification a subscriber loses
};

/** The events of a set at run time, with their subscribers. Raising costs one atomic load when nobody listens;
    otherwise the notification is written once and queued to each live subscriber, whose delivery sends it
    from its own thread. Subscribers expire (`expire` seconds after they last subscribed) and are purged when
    the event is raised and when they are listed. Any thread may use it. */
class event_hub {
public:
    using clock = std::chrono::steady_clock;
    using options = event_options;

    /** The events named `names`, with ids in that order. */
    explicit event_hub(std::span<std::string_view const> names, options o = {})
        : now_(std::move(o.now)), on_drop_(std::move(o.on_drop)), slots_(names.size()) {
        for (std::size_t i = 0; i < names.size(); ++i) slots_[i].name = names[i];
    }

    event_hub(event_hub const&) = delete;
    event_hub& operator=(event_hub const&) = delete;

    ~event_hub() {
        for (auto& slot : slots_)
            for (auto& s : slot.subscribers) s.sink->close();
    }

    /** Adds a way of reaching subscribers; the first that takes a socket gets it. */
    void deliver_with(std::shared_ptr<event_delivery> delivery) {
        std::lock_guard lock(mutex_);
        deliveries_.push_back(std::move(delivery));
    }

    /** The id of event `name`, if it is one of the set's. */
    std::optional<std::size_t> find(std::string_view name) const noexcept {
        for (std::size_t i = 0; i < slots_.size(); ++i)
            if (slots_[i].name == name) return i;
        return std::nullopt;
    }

    /** Whether event `id` has a subscriber (perhaps one that has just expired): what raising checks first. */
    bool listened(std::size_t id) const noexcept { return slots_[id].live.load(std::memory_order_relaxed) != 0; }

    /** Subscribes `socket` to event `name` for `expire` (none: for ever), or refreshes the subscription that
        socket already has. @throws std::invalid_argument for an unknown event or a socket no delivery takes. */
    void subscribe(std::string_view name, std::string_view socket, std::optional<std::chrono::seconds> expire) {
        auto const id = find(name);
        if (!id) throw std::invalid_argument("mi::event_hub: no event " + std::string(name));
        std::lock_guard lock(mutex_);
        auto& slot = slots_[*id];
        auto const now = now_();
        for (auto& s : slot.subscribers)
            if (s.socket == socket) {
                s.since = now, s.expire = expire;
                return;
            }
        std::shared_ptr<event_sink> sink;
        for (auto const& d : deliveries_)
            if ((sink = d->open(socket))) break;
        if (!sink) throw std::invalid_argument("mi::event_hub: no delivery takes the socket " + std::string(socket));
        slot.subscribers.push_back({std::string(socket), expire, now, std::move(sink)});
        slot.live.store(slot.subscribers.size(), std::memory_order_relaxed);
    }

    /** Queues `n` to every live subscriber of event `id`, purging the expired; false when there was none. */
    bool publish(std::size_t id, notification const& n) noexcept {
        std::lock_guard lock(mutex_);
        auto& slot = slots_[id];
        purge(slot, now_());
        for (auto const& s : slot.subscribers) s.sink->deliver(n);
        return !slot.subscribers.empty();
    }

    /** Tells the drop hook; deliveries call it. */
    void dropped(std::string_view event, std::string_view socket, std::string_view why) const noexcept {
        detail::tell(on_drop_, event, socket, why);
    }
    event_drop_hook const& drop_hook() const noexcept { return on_drop_; }

    // --- the commands (spec: events-and-statistics 4) -----------------------------------------------------

    /** events_list */
    event_listing list_events() const {
        event_listing l;
        for (std::size_t i = 0; i < slots_.size(); ++i) l.Events.push_back({std::string(slots_[i].name), i});
        return l;
    }

    /** event_subscribe with the default expire, an hour. */
    result<std::string_view> subscribe_command(std::string const& event, std::string const& socket) {
        return subscribe_for(event, socket, 3600);
    }

    /** event_subscribe with `expire` seconds; 0 lapses at once (how clients unsubscribe). */
    result<std::string_view> subscribe_for(std::string const& event, std::string const& socket, std::int64_t expire) {
        if (expire < 0) return error(errc::invalid_params, "Negative expire value");
        try {
            subscribe(event, socket, std::chrono::seconds(expire));
        } catch (std::invalid_argument const&) {
            return error(400, "Bad parameter value");
        }
        return std::string_view("OK");
    }

    /** subscribers_list without params: every event that has subscribers. */
    boost::json::object list_subscribers() {
        std::lock_guard lock(mutex_);
        boost::json::array events;
        for (std::size_t i = 0; i < slots_.size(); ++i)
            if (!slots_[i].subscribers.empty()) events.emplace_back(listing(i, true));
        purge_all();
        return {{"Events", std::move(events)}};
    }

    /** subscribers_list {event} */
    result<boost::json::object> list_subscribers_of(std::string const& event) {
        auto const id = find(event);
        if (!id) return error(404, "Event not published");
        std::lock_guard lock(mutex_);
        boost::json::object o{{"Event", listing(*id, true)}};
        purge_all();
        return o;
    }

    /** subscribers_list {event, socket} */
    result<boost::json::object> list_subscriber(std::string const& event, std::string const& socket) {
        auto const id = find(event);
        if (!id) return error(404, "Event not published");
        std::lock_guard lock(mutex_);
        auto const now = now_();
        for (auto const& s : slots_[*id].subscribers)
            if (s.socket == socket) {
                boost::json::object e = listing(*id, false);
                e["Subscriber"] = boost::json::value_from(show(s, now));
                purge_all();
                return boost::json::object{{"Event", std::move(e)}};
            }
        return error(404, "Subscriber does not exist");
    }

    /** raise_event {event}: without params. */
    result<std::string_view> raise_command(std::string const& event) { return raise_text(event, {}); }

    /** raise_event {event, params}: an array's items as strings, or a string holding a JSON object (numbers as
        integers, strings as strings, anything else as its JSON text). */
    result<std::string_view> raise_with(std::string const& event, boost::json::value const& params) {
        if (params.is_object()) return error(400, "No Params");
        if (auto const* items = params.if_array()) {
            boost::json::array texts;
            for (auto const& item : *items)
                texts.emplace_back(item.is_string() ? item.as_string() : boost::json::string(boost::json::serialize(item)));
            return raise_text(event, boost::json::serialize(texts));
        }
        if (!params.is_string()) return error(400, "Bad Params");
        boost::system::error_code ec;
        auto const parsed = boost::json::parse(params.as_string(), ec);
        if (ec || !parsed.is_object()) return error(400, "Bad Params");
        boost::json::object named;
        for (auto const& [key, value] : parsed.as_object()) {
            if (value.is_int64() || value.is_uint64()) named[key] = value;
            else if (value.is_double()) named[key] = static_cast<std::int64_t>(value.as_double());
            else if (value.is_string()) named[key] = value;
            else named[key] = boost::json::serialize(value);
        }
        return raise_text(event, boost::json::serialize(named));
    }

private:
    struct subscriber {
        std::string socket;
        std::optional<std::chrono::seconds> expire;
        clock::time_point since;
        std::shared_ptr<event_sink> sink;

        bool expired(clock::time_point now) const noexcept { return expire && now - since >= *expire; }
    };

    struct slot {
        std::string_view name;
        std::vector<subscriber> subscribers;
        std::atomic<std::size_t> live{0};
    };

    result<std::string_view> raise_text(std::string const& event, std::string_view params) {
        auto const id = find(event);
        if (!id) return error(404, "Event not registered");
        if (!listened(*id)) return error(480, "Temporarily Unavailable");
        notification n;
        try {
            n = detail::write_notification_with(event, params);
        } catch (...) {
            return error(500, "Cannot Raise Event");
        }
        if (!publish(*id, n)) return error(480, "Temporarily Unavailable");
        return std::string_view("OK");
    }

    static subscriber_listing show(subscriber const& s, clock::time_point now) {
        subscriber_listing l{s.socket, std::string_view("never"), std::string_view("never")};
        if (!s.expire) return l;
        l.expire = static_cast<std::int64_t>(s.expire->count());
        if (s.expired(now)) l.ttl = std::string_view("expired");
        else l.ttl = std::chrono::duration_cast<std::chrono::seconds>(*s.expire - (now - s.since)).count();
        return l;
    }

    // Under the lock: an event's listing, with its subscribers when `all`.
    boost::json::object listing(std::size_t id, bool all) const {
        boost::json::object e{{"name", slots_[id].name}, {"id", id}};
        if (!all) return e;
        boost::json::array subscribers;
        auto const now = now_();
        for (auto const& s : slots_[id].subscribers) subscribers.emplace_back(boost::json::value_from(show(s, now)));
        e["Subscribers"] = std::move(subscribers);
        return e;
    }

    void purge(slot& s, clock::time_point now) noexcept {
        std::erase_if(s.subscribers, [&](subscriber const& x) {
            if (!x.expired(now)) return false;
            x.sink->close();
            return true;
        });
        s.live.store(s.subscribers.size(), std::memory_order_relaxed);
    }

    void purge_all() noexcept {
        auto const now = now_();
        for (auto& s : slots_) purge(s, now);
    }

    std::function<clock::time_point()> now_;
    event_drop_hook on_drop_;
    mutable std::mutex mutex_;
    std::vector<slot> slots_;
    std::vector<std::shared_ptr<event_delivery>> deliveries_;
};

} // namespace mi

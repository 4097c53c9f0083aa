// Copyright (c) 2026 the mi authors. Distributed under the Boost Software License, Version 1.0.
// SPDX-License-Identifier: BSL-1.0
//
// <mi/events.hpp>: the notification bytes (spec events-and-statistics 5), raising (written once, and not at all
// without a subscriber), expiry with an injected clock, and the four commands' recipes, shapes and errors
// (section 4), under their 3.x names and as the 4.x evi module.
#include <mi/events.hpp>

#define BOOST_TEST_MODULE events
#include <boost/test/unit_test.hpp>

#include "support.hpp"

#include <mi/mi.hpp>

#include <boost/describe/class.hpp>
#include <boost/json/value_from.hpp>

#include <chrono>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <tuple>
#include <vector>

namespace {

using namespace mi_test;
using namespace std::chrono_literals;

struct blocked {
    std::string ip;
    std::optional<int> seconds;
};
BOOST_DESCRIBE_STRUCT(blocked, (), (ip, seconds))

// A payload whose writing is counted: raising without a subscriber must not write it.
int writes = 0;
struct counted {
    int n = 0;
};
void tag_invoke(boost::json::value_from_tag, boost::json::value& v, counted const& c) {
    ++writes;
    v = c.n;
}

constexpr auto declared = mi::event_set(mi::event<"E_PIKE_BLOCKED", blocked>("an address was blocked"),
                                        mi::event<"E_CORE_THRESHOLD", std::tuple<int, std::string>>(),
                                        mi::event<"E_COUNTED", counted>(), mi::event<"E_BARE">());

// The "test:NAME" sockets: every notification they are given, by socket.
struct recording : mi::event_delivery {
    struct sink : mi::event_sink {
        std::vector<std::string> got;
        void deliver(mi::notification const& n) noexcept override { got.push_back(*n.text); }
        std::uint64_t dropped() const noexcept override { return 0; }
    };
    std::map<std::string, std::shared_ptr<sink>, std::less<>> sinks;
    std::shared_ptr<mi::event_sink> open(std::string_view socket) override {
        if (!socket.starts_with("test:")) return nullptr;
        if (socket == "test:") throw std::invalid_argument("test: needs a name");
        auto& s = sinks[std::string(socket)]; // one socket, one sink, whatever the events it is subscribed to
        if (!s) s = std::make_shared<sink>();
        return s;
    }
    std::vector<std::string> const& of(std::string_view socket) { return sinks.find(socket)->second->got; }
};

struct fixture {
    mi::event_hub::clock::time_point now = mi::event_hub::clock::now();
    mi::events<std::remove_cvref_t<decltype(declared)>> events{declared, {.now = [this] { return now; }}};
    std::shared_ptr<recording> test = std::make_shared<recording>();
    fixture() { events.hub().deliver_with(test); }
};

constexpr auto flat = mi::command_set(mi::event_commands);
constexpr auto modular = mi::command_set(mi::events_module);

std::string answer_of(auto const& d, std::string_view method, std::string_view params = {}) {
    return answer(d, request(method, params));
}

} // namespace

BOOST_FIXTURE_TEST_CASE(a_notification_is_a_json_rpc_notification_without_id, fixture) {
    events.hub().subscribe("E_PIKE_BLOCKED", "test:a", std::nullopt);
    events.hub().subscribe("E_CORE_THRESHOLD", "test:a", std::nullopt);
    events.hub().subscribe("E_BARE", "test:a", std::nullopt);
    events.raise<"E_PIKE_BLOCKED">(blocked{"192.168.2.11", std::nullopt});
    events.raise<"E_PIKE_BLOCKED">(blocked{"10.0.0.\"1\"", 30});
    events.raise<"E_CORE_THRESHOLD">(std::tuple<int, std::string>{3, "5"});
    events.raise<"E_BARE">();
    BOOST_TEST(test->of("test:a") == (std::vector<std::string>{
        R"({"jsonrpc":"2.0","method":"E_PIKE_BLOCKED","params":{"ip":"192.168.2.11"}})", // unset: left out
        R"({"jsonrpc":"2.0","method":"E_PIKE_BLOCKED","params":{"ip":"10.0.0.\"1\"","seconds":30}})",
        R"({"jsonrpc":"2.0","method":"E_CORE_THRESHOLD","params":[3,"5"]})",
        R"({"jsonrpc":"2.0","method":"E_BARE"})"}), boost::test_tools::per_element());
}

BOOST_FIXTURE_TEST_CASE(a_notification_is_written_once_and_not_at_all_without_a_subscriber, fixture) {
    writes = 0;
    events.raise<"E_COUNTED">(counted{7});
    BOOST_TEST(writes == 0);
    for (auto socket : {"test:a", "test:b", "test:c"}) events.hub().subscribe("E_COUNTED", socket, std::nullopt);
    events.raise<"E_COUNTED">(counted{7});
    BOOST_TEST(writes == 1);
    for (auto socket : {"test:a", "test:b", "test:c"})
        BOOST_TEST(test->of(socket).at(0) == R"({"jsonrpc":"2.0","method":"E_COUNTED","params":[7]})");
}

BOOST_FIXTURE_TEST_CASE(a_notification_under_another_method_is_a_copy, fixture) {
    auto const n = mi::detail::write_notification<blocked>("E_PIKE_BLOCKED", blocked{"1.2.3.4", {}});
    BOOST_TEST(n.event() == "E_PIKE_BLOCKED");
    BOOST_TEST(n.with_method("pike") == R"({"jsonrpc":"2.0","method":"pike","params":{"ip":"1.2.3.4"}})");
}

BOOST_FIXTURE_TEST_CASE(events_list_gives_names_and_ids, fixture) {
    mi::dispatcher const d(flat, events.hub());
    BOOST_TEST(answer_of(d, "events_list") ==
               result(R"({"Events":[{"name":"E_PIKE_BLOCKED","id":0},{"name":"E_CORE_THRESHOLD","id":1},)"
                      R"({"name":"E_COUNTED","id":2},{"name":"E_BARE","id":3}]})"));
}

BOOST_FIXTURE_TEST_CASE(subscribe_expires_refreshes_and_unsubscribes_with_zero, fixture) {
    mi::dispatcher const d(flat, events.hub());
    BOOST_TEST(answer_of(d, "event_subscribe", R"({"event":"E_PIKE_BLOCKED","socket":"test:a"})") == result(R"("OK")"));
    BOOST_TEST(answer_of(d, "event_subscribe", R"(["E_PIKE_BLOCKED","test:b",60])") == result(R"("OK")"));
    now += 20s;
    BOOST_TEST(answer_of(d, "subscribers_list") ==
               result(R"({"Events":[{"name":"E_PIKE_BLOCKED","id":0,"Subscribers":[)"
                      R"({"socket":"test:a","expire":3600,"ttl":3580},{"socket":"test:b","expire":60,"ttl":40}]}]})"));
    BOOST_TEST(answer_of(d, "event_subscribe", R"(["E_PIKE_BLOCKED","test:b",60])") == result(R"("OK")")); // refreshed
    BOOST_TEST(answer_of(d, "subscribers_list", R"(["E_PIKE_BLOCKED","test:b"])") ==
               result(R"({"Event":{"name":"E_PIKE_BLOCKED","id":0,"Subscriber":{"socket":"test:b","expire":60,"ttl":60}}})"));
    now += 61s; // test:b lapses: listed once as expired, then purged
    BOOST_TEST(answer_of(d, "subscribers_list", R"(["E_PIKE_BLOCKED"])") ==
               result(R"({"Event":{"name":"E_PIKE_BLOCKED","id":0,"Subscribers":[)"
                      R"({"socket":"test:a","expire":3600,"ttl":3519},{"socket":"test:b","expire":60,"ttl":"expired"}]}})"));
    BOOST_TEST(answer_of(d, "subscribers_list", R"(["E_PIKE_BLOCKED","test:b"])") ==
               error(404, "Subscriber does not exist"));
    BOOST_TEST(answer_of(d, "event_subscribe", R"(["E_PIKE_BLOCKED","test:a",0])") == result(R"("OK")"));
    BOOST_TEST(answer_of(d, "raise_event", R"(["E_PIKE_BLOCKED"])") == error(480, "Temporarily Unavailable"));
    BOOST_TEST(answer_of(d, "subscribers_list") == result(R"({"Events":[]})"));
    BOOST_TEST(test->of("test:a").empty());
}

BOOST_FIXTURE_TEST_CASE(subscribe_refuses_what_it_cannot_serve, fixture) {
    mi::dispatcher const d(flat, events.hub());
    BOOST_TEST(answer_of(d, "event_subscribe", R"(["E_NOPE","test:a"])") == error(400, "Bad parameter value"));
    BOOST_TEST(answer_of(d, "event_subscribe", R"(["E_BARE","sctp:1.2.3.4:5"])") == error(400, "Bad parameter value"));
    BOOST_TEST(answer_of(d, "event_subscribe", R"(["E_BARE","test:"])") == error(400, "Bad parameter value"));
    BOOST_TEST(answer_of(d, "event_subscribe", R"(["E_BARE","test:a",-1])") ==
               error(-32602, "Invalid params", "Negative expire value"));
    BOOST_TEST(answer_of(d, "subscribers_list", R"(["E_NOPE"])") == error(404, "Event not published"));
}

BOOST_FIXTURE_TEST_CASE(raise_event_takes_params_as_opensips_does, fixture) {
    mi::dispatcher const d(flat, events.hub());
    BOOST_TEST(answer_of(d, "raise_event", R"(["E_NOPE"])") == error(404, "Event not registered"));
    BOOST_TEST(answer_of(d, "raise_event", R"(["E_BARE"])") == error(480, "Temporarily Unavailable"));
    events.hub().subscribe("E_BARE", "test:a", std::nullopt);
    BOOST_TEST(answer_of(d, "raise_event", R"(["E_BARE"])") == result(R"("OK")"));
    BOOST_TEST(answer_of(d, "raise_event", R"({"event":"E_BARE","params":[1,"two",null]})") == result(R"("OK")"));
    BOOST_TEST(answer_of(d, "raise_event", R"({"event":"E_BARE","params":"{\"ip\":\"1.2.3.4\",\"n\":3,\"x\":[1]}"})") ==
               result(R"("OK")"));
    BOOST_TEST(answer_of(d, "raise_event", R"({"event":"E_BARE","params":{"ip":"1.2.3.4"}})") == error(400, "No Params"));
    BOOST_TEST(answer_of(d, "raise_event", R"({"event":"E_BARE","params":"not json"})") == error(400, "Bad Params"));
    BOOST_TEST(test->of("test:a") == (std::vector<std::string>{
        R"({"jsonrpc":"2.0","method":"E_BARE"})",
        R"({"jsonrpc":"2.0","method":"E_BARE","params":["1","two","null"]})",
        R"({"jsonrpc":"2.0","method":"E_BARE","params":{"ip":"1.2.3.4","n":3,"x":"[1]"}})"}),
        boost::test_tools::per_element());
}

BOOST_FIXTURE_TEST_CASE(the_4x_names_and_the_3x_aliases, fixture) {
    mi::dispatcher const d(modular, events.hub());
    BOOST_TEST(answer_of(d, "evi:subscribe", R"(["E_BARE","test:m"])") == result(R"("OK")"));
    BOOST_TEST(answer_of(d, "event_subscribe", R"(["E_BARE","test:m",10])") == result(R"("OK")"));
    BOOST_TEST(answer_of(d, "evi:subscribers", R"(["E_BARE","test:m"])") ==
               result(R"({"Event":{"name":"E_BARE","id":3,"Subscriber":{"socket":"test:m","expire":10,"ttl":10}}})"));
    BOOST_TEST(answer_of(d, "evi:raise", R"(["E_BARE"])") == result(R"("OK")"));
    BOOST_TEST(answer_of(d, "raise_event", R"(["E_BARE"])") == result(R"("OK")"));
    BOOST_TEST(answer_of(d, "evi:list").find("E_PIKE_BLOCKED") != std::string::npos);
    BOOST_TEST(answer_of(d, "events_list") == answer_of(d, "evi:list"));
    BOOST_TEST(answer_of(d, "subscribers_list") == answer_of(d, "evi:subscribers"));
    BOOST_TEST(test->of("test:m").size() == 2u);
}

BOOST_FIXTURE_TEST_CASE(permissions_read_to_list_write_to_subscribe_and_raise, fixture) {
    mi::dispatcher const d(flat, events.hub());
    mi::context const reader{"http", "127.0.0.1", mi::permission::read};
    std::string out;
    d.call(request("events_list"), out, reader);
    BOOST_TEST(out.find("result") != std::string::npos);
    d.call(request("event_subscribe", R"(["E_BARE","test:r"])"), out, reader);
    BOOST_TEST(out.find("-32003") != std::string::npos);
    d.call(request("raise_event", R"(["E_BARE"])"), out, reader);
    BOOST_TEST(out.find("-32003") != std::string::npos);
}

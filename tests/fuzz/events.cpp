// Copyright (c) 2026 the mi authors. Distributed under the Boost Software License, Version 1.0.
// SPDX-License-Identifier: BSL-1.0
//
// The event commands' inputs: the first byte picks what the rest is. 'r': raise_event's params (any JSON, taken
// as the dispatcher takes it: an array, a string holding an object, or anything else); 's': a subscriber's
// socket, parsed by the datagram and stream deliveries and subscribed through event_subscribe; anything else:
// a whole request to the four commands. Notifications go to a sink that checks each is one JSON-RPC 2.0
// notification of the raised event, and every answer one JSON-RPC response (or a batch of them).
#include <mi/mi.hpp>
#include <mi/transport/event_datagram.hpp>
#include <mi/transport/event_stream.hpp>

#include <boost/asio/io_context.hpp>
#include <boost/json/parse.hpp>

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <memory>
#include <string>
#include <string_view>

namespace {

[[noreturn]] void violated(char const* what, std::string_view input, std::string_view text) {
    auto const i = input.substr(0, 2000), t = text.substr(0, 6000);
    std::fprintf(stderr, "\n*** invariant violated: %s\n*** input (%zu bytes): %.*s\n*** text (%zu bytes): %.*s\n", what,
                 input.size(), static_cast<int>(i.size()), i.data(), text.size(), static_cast<int>(t.size()), t.data());
    std::abort();
}

std::string_view current_input;

// The "check:" sockets: every notification must parse as a notification of E_FUZZ.
struct checking : mi::event_delivery {
    struct sink : mi::event_sink {
        void deliver(mi::notification const& n) noexcept override {
            boost::system::error_code ec;
            auto const v = boost::json::parse(*n.text, ec);
            auto const* o = v.if_object();
            if (ec || !o || o->size() > 3 || !o->contains("jsonrpc") || o->contains("id") ||
                !o->contains("method") || o->at("method") != "E_FUZZ" || n.event() != "E_FUZZ")
                violated("a notification that is not one", current_input, *n.text);
            if (auto const* p = o->if_contains("params"); p && !p->is_object() && !p->is_array())
                violated("params neither object nor array", current_input, *n.text);
        }
        std::uint64_t dropped() const noexcept override { return 0; }
    };
    std::shared_ptr<mi::event_sink> open(std::string_view socket) override {
        return socket.starts_with("check:") ? std::make_shared<sink>() : nullptr;
    }
};

constexpr auto declared = mi::event_set(mi::event<"E_FUZZ">());
constexpr auto commands = mi::command_set(mi::event_commands);

struct world {
    boost::asio::io_context io; // never run: nothing is sent, only parsed and queued
    mi::events<std::remove_cvref_t<decltype(declared)>> events{declared};
    mi::dispatcher<std::remove_cvref_t<decltype(commands)>, mi::event_hub> dispatcher{commands, events.hub()};
    world() {
        events.hub().deliver_with(std::make_shared<checking>());
        events.hub().deliver_with(std::make_shared<mi::event_datagram::delivery>(io, events.hub()));
        events.hub().deliver_with(std::make_shared<mi::event_stream::delivery>(io, events.hub()));
        events.hub().subscribe("E_FUZZ", "check:always", std::nullopt);
    }
};

} // namespace

extern "C" int LLVMFuzzerTestOneInput(std::uint8_t const* data, std::size_t size) {
    static world w;
    if (size == 0) return 0;
    std::string_view const input(reinterpret_cast<char const*>(data + 1), size - 1);
    current_input = input;
    std::string request;
    switch (data[0]) {
    case 'r': request = R"({"jsonrpc":"2.0","id":1,"method":"raise_event","params":{"event":"E_FUZZ","params":)" +
                        std::string(input) + "}}";
        break;
    case 's': {
        boost::json::string socket(input);
        request = R"({"jsonrpc":"2.0","id":1,"method":"event_subscribe","params":["E_FUZZ",)" +
                  boost::json::serialize(boost::json::value(socket)) + ",0]}"; // expire 0: purged at the next raise
        break;
    }
    default: request = std::string(input);
    }
    std::string answer;
    w.dispatcher.call(request, answer);
    if (!answer.empty()) {
        boost::system::error_code ec;
        auto const reply = boost::json::parse(answer, ec);
        auto const response = [](boost::json::value const& v) {
            auto const* o = v.if_object();
            return o && o->contains("result") != o->contains("error");
        };
        bool const answered = !ec && (response(reply) || (reply.is_array() && !reply.as_array().empty() &&
                                                          std::all_of(reply.as_array().begin(), reply.as_array().end(), response)));
        if (!answered) violated("an answer that is no JSON-RPC response (or batch of them)", input, answer);
    }
    w.dispatcher.call(R"({"jsonrpc":"2.0","id":2,"method":"raise_event","params":["E_FUZZ"]})", answer); // purges
    return 0;
}

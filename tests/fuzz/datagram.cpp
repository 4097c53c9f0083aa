// Copyright (c) 2026 the mi authors. Distributed under the Boost Software License, Version 1.0.
// SPDX-License-Identifier: BSL-1.0
//
// libFuzzer target: the datagram transport's path without a socket, as mi::datagram's server takes it. The first
// byte sets the receive buffer (32 to 16,352 bytes), the rest is the datagram:
// - not a request (mi::datagram::detail::is_request): the plain-text 400, nothing run;
// - a request: the dispatcher's async_call, whose every answer goes through reply_to, the rule that decides the
//   datagram sent back.
// Checks: exactly one final (or failed) answer per request; a reply is never truncated: it is the plain-text 500
// or the answer whole, shorter than the buffer; nothing but a notification's final answer goes unanswered;
// every JSON reply is a JSON-RPC response (or a batch of them). A check's failure aborts with its text.
#include <mi/transport/datagram.hpp>

#include <mi/mi.hpp>

#include <boost/json/parse.hpp>
#include <boost/json/value.hpp>

#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <optional>
#include <string>
#include <string_view>

namespace {

std::string echo(std::string text) { return text; }
int count(std::optional<int> step) { return step.value_or(1); }
std::string big(int size) { return std::string(static_cast<std::size_t>(size < 0 ? 0 : size % 20000), 'x'); }
int boom() { throw std::runtime_error("secret"); }

// Answers through its handle before returning: twice provisionally, then finally (or fails, when told to).
mi::async_result<std::string> chatty(mi::async_reply reply, bool fail) {
    if (!reply) return std::string("at once");
    reply.provisional("one");
    reply.provisional(std::string(300, 'p'));
    if (fail) reply.fail();
    else reply.finish("done");
    return mi::answer_later;
}

// Drops its handle: the call fails.
mi::async_result<int> forgetful(mi::async_reply) { return mi::answer_later; }

constexpr auto commands = mi::command_set(
    mi::command<"echo">(mi::recipe<&echo, "text">), mi::command<"count">(mi::recipe<&count, "step">),
    mi::command<"big">(mi::recipe<&big, "size">), mi::command<"boom">(mi::recipe<&boom>),
    mi::command<"chatty">(mi::async, mi::recipe<&chatty, "fail">),
    mi::command<"forgetful">(mi::async, mi::recipe<&forgetful>));

mi::dispatcher const dispatcher(commands, mi::limits{.max_batch = 8, .max_depth = 16, .max_params = 4, .max_string = 512});

[[noreturn]] void violated(char const* what, std::string_view datagram, std::string_view reply) {
    std::fprintf(stderr, "*** invariant violated: %s\n--- datagram (%zu bytes):\n%.*s\n--- reply:\n%.*s\n", what,
                 datagram.size(), static_cast<int>(datagram.size()), datagram.data(), static_cast<int>(reply.size()),
                 reply.data());
    std::abort();
}

bool is_response(boost::json::value const& v) {
    auto const* o = v.if_object();
    if (!o) return false;
    auto const* version = o->if_contains("jsonrpc");
    return version && version->is_string() && version->as_string() == "2.0" && o->contains("id") &&
           (o->contains("result") != o->contains("error"));
}

void check_reply(std::string_view reply, std::size_t buffer_size, std::string_view datagram) {
    using mi::datagram::detail::internal_error_text;
    if (reply == internal_error_text) return;
    if (reply.size() >= buffer_size) violated("a reply as long as the buffer or longer was sent", datagram, reply);
    boost::system::error_code ec;
    auto const v = boost::json::parse(reply, ec);
    if (ec) violated("a reply is neither JSON nor the plain-text 500", datagram, reply);
    if (auto const* batch = v.if_array()) {
        if (batch->empty()) violated("an empty batch response was sent", datagram, reply);
        for (auto const& element : *batch)
            if (!is_response(element)) violated("a batch element is not a JSON-RPC response", datagram, reply);
    } else if (!is_response(v)) {
        violated("a reply is not a JSON-RPC response", datagram, reply);
    }
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(std::uint8_t const* data, std::size_t size) {
    if (size == 0) return 0;
    std::size_t const buffer_size = 32 + std::size_t(data[0]) * 64;
    std::string const datagram(reinterpret_cast<char const*>(data) + 1, size - 1);
    if (!mi::datagram::detail::is_request(datagram)) return 0; // answered the plain-text 400, nothing run

    int finals = 0;
    dispatcher.async_call(datagram, mi::context{"datagram", "127.0.0.1:5060"}, [&](mi::answer const& a) {
        if (finals != 0) violated("an answer came after the final one", datagram, a.text);
        if (a.kind != mi::answer_kind::provisional) ++finals;
        if (a.kind == mi::answer_kind::failed && !a.text.empty()) violated("a failed answer has text", datagram, a.text);
        auto const reply = mi::datagram::detail::reply_to(a, buffer_size);
        if (!reply) {
            if (a.kind != mi::answer_kind::final || !a.text.empty()) violated("an answer was dropped", datagram, a.text);
            return;
        }
        check_reply(*reply, buffer_size, datagram);
    });
    if (finals != 1) violated("a request did not end with exactly one final answer", datagram, {});
    return 0;
}

// Copyright (c) 2026 the mi authors. Distributed under the Boost Software License, Version 1.0.
// SPDX-License-Identifier: BSL-1.0
//
// mi::transport::async_dispatcher: what a transport needs of a dispatcher. mi::dispatcher has it, and so does a
// wrapper that forwards async_call (here: one that counts requests and restricts what callers may do), which
// the transports then serve as they serve mi::dispatcher; types without it are refused by every transport.
#include <mi/transport/async_dispatcher.hpp>

#define BOOST_TEST_MODULE transport_async_dispatcher
#include <boost/test/unit_test.hpp>

#include <mi/transport/client.hpp>
#include <mi/mi.hpp>
#include <mi/transport/datagram.hpp>
#include <mi/transport/fifo.hpp>
#include <mi/transport/http.hpp>
#include <mi/transport/thread.hpp>

#include <atomic>
#include <chrono>
#include <functional>
#include <optional>
#include <string>
#include <utility>
#include <vector>

using namespace std::chrono_literals;

namespace {

int add(int a, int b) { return a + b; }
std::string stop() { return "stopping"; }
std::string who(mi::context const& ctx) {
    return std::string(ctx.transport) + " " + std::string(mi::name_of(ctx.granted));
}

constexpr auto commands = mi::command_set(mi::command<"add">(mi::needs_read, mi::recipe<&add, "a", "b">),
                                          mi::command<"who">(mi::needs_read, mi::recipe<&who>),
                                          mi::command<"stop">(mi::recipe<&stop>));
mi::dispatcher const dispatcher(commands);
using dispatcher_type = std::remove_cvref_t<decltype(dispatcher)>;

// Counts the requests it is handed and lets callers do no more than `most`, then forwards to the dispatcher.
template <class Dispatcher>
class gatekeeper {
public:
    gatekeeper(Dispatcher const& inner, mi::permission most) : inner_(inner), most_(most) {}

    template <class OnAnswer>
    void async_call(std::string_view request, mi::context const& ctx, OnAnswer on_answer) const {
        ++requests_;
        mi::context restricted = ctx;
        if (most_ < restricted.granted) restricted.granted = most_;
        inner_.async_call(request, restricted, std::move(on_answer));
    }

    int requests() const { return requests_.load(); }

private:
    Dispatcher const& inner_;
    mi::permission most_;
    mutable std::atomic<int> requests_{0};
};

// Types that do not have what the concept asks for.
struct no_async_call {
    bool call(std::string_view, std::string&, mi::context const& = {}) const { return false; }
};
struct mutable_async_call { // not callable on a const dispatcher
    template <class OnAnswer>
    void async_call(std::string_view, mi::context const&, OnAnswer) {}
};
struct wrong_parameters {
    void async_call(std::string_view, int) const {}
};
struct takes_no_completion {
    void async_call(std::string_view, mi::context const&, void (*)(int)) const {}
};
// Has exactly the member, with a completion of one concrete type-erased kind: enough.
struct type_erased {
    void async_call(std::string_view, mi::context const&, std::function<void(mi::answer const&)>) const {}
};

static_assert(mi::transport::async_dispatcher<dispatcher_type>);
static_assert(mi::transport::async_dispatcher<gatekeeper<dispatcher_type>>);
static_assert(mi::transport::async_dispatcher<type_erased>);
static_assert(!mi::transport::async_dispatcher<int>);
static_assert(!mi::transport::async_dispatcher<no_async_call>);
static_assert(!mi::transport::async_dispatcher<mutable_async_call>);
static_assert(!mi::transport::async_dispatcher<wrong_parameters>);
static_assert(!mi::transport::async_dispatcher<takes_no_completion>);

// Every transport takes exactly what the concept allows.
template <class D>
concept served_by_every_transport = requires {
    typename mi::http::server<D>;
    typename mi::fifo::server<D>;
    typename mi::datagram::server<D>;
};
template <class D>
concept served_by_none = !requires { typename mi::http::server<D>; } && !requires { typename mi::fifo::server<D>; } &&
                         !requires { typename mi::datagram::server<D>; };
static_assert(served_by_every_transport<dispatcher_type>);
static_assert(served_by_every_transport<gatekeeper<dispatcher_type>>);
static_assert(served_by_none<no_async_call>);
static_assert(served_by_none<mutable_async_call>);

} // namespace

BOOST_AUTO_TEST_CASE(a_wrapper_forwards_in_process) {
    gatekeeper const reader(dispatcher, mi::permission::read);
    std::vector<std::string> answers;
    auto const sink = [&](mi::answer const& a) { answers.emplace_back(a.text); };
    reader.async_call(R"({"jsonrpc":"2.0","method":"add","params":[2,3],"id":1})", {}, sink);
    reader.async_call(R"({"jsonrpc":"2.0","method":"stop","id":2})", {}, sink);
    BOOST_TEST(reader.requests() == 2);
    BOOST_REQUIRE(answers.size() == 2u);
    BOOST_TEST(answers[0] == R"({"jsonrpc":"2.0","result":5,"id":1})");
    BOOST_TEST(answers[1] == R"({"jsonrpc":"2.0","error":{"code":-32003,"message":"Permission denied",)"
                             R"("data":"stop called so needs the 'admin' permission; this caller has 'read'"},"id":2})");
}

BOOST_AUTO_TEST_CASE(a_transport_serves_the_wrapper_as_it_serves_the_dispatcher) {
    gatekeeper const reader(dispatcher, mi::permission::read);
    mi::transport::background loop;
    std::optional<mi::datagram::server<gatekeeper<dispatcher_type>>> wrapped;
    std::optional<mi::datagram::server<dispatcher_type>> plain;
    mi::datagram::options o;
    o.socket = "udp:127.0.0.1:0";
    wrapped.emplace(loop.context(), reader, o);
    wrapped->start();
    plain.emplace(loop.context(), dispatcher, o);
    plain->start();

    auto const at = [](auto const& server) {
        return mi::client::connection(mi::client::datagram_options{
            .socket = "udp:127.0.0.1:" + std::to_string(server->udp_endpoint().port()), .timeout = 5s});
    };
    auto const through_wrapper = at(wrapped);
    auto const direct = at(plain);
    BOOST_TEST(through_wrapper.call("add", boost::json::array{2, 3}) == 5);
    BOOST_TEST(through_wrapper.call("who") == "datagram read"); // the transport's context, restricted
    BOOST_CHECK_EXCEPTION(through_wrapper.call("stop"), mi::error, [](mi::error const& e) { return e.code == -32003; });
    BOOST_TEST(reader.requests() == 3);

    BOOST_TEST(direct.call("who") == "datagram admin");
    BOOST_TEST(direct.call("stop") == "stopping");
    BOOST_TEST(reader.requests() == 3); // the other server does not go through it

    wrapped.reset();
    plain.reset();
    loop.stop();
}

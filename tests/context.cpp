// Copyright (c) 2026 the mi authors. Distributed under the Boost Software License, Version 1.0.
// SPDX-License-Identifier: BSL-1.0
//
// Who is calling: the order of permissions and their names, a context's defaults, the context a handler and a
// limit hook are given, and the permission it grants.
#include <mi/context.hpp>

#define BOOST_TEST_MODULE context
#include <boost/test/unit_test.hpp>

#include "support.hpp"

#include <mi/mi.hpp>

#include <stdexcept>
#include <string>
#include <type_traits>
#include <vector>

using namespace mi_test;

namespace {

std::string who(mi::context const& ctx) {
    return std::string(ctx.transport) + " " + std::string(ctx.peer) + " " + std::string(mi::name_of(ctx.granted));
}
int add(int a, int b) { return a + b; }
std::string stop() { return "stopping"; }

constexpr auto commands = mi::command_set(mi::command<"who">(mi::needs_read, mi::recipe<&who>),
                                          mi::command<"add">(mi::needs_read, mi::recipe<&add, "a", "b">),
                                          mi::command<"stop">(mi::recipe<&stop>));

// What a limit hook was told.
struct told {
    std::string limit, transport, peer;
    mi::permission granted;
};

} // namespace

BOOST_AUTO_TEST_CASE(permissions_go_from_least_to_most) {
    static_assert(mi::permission::read < mi::permission::write);
    static_assert(mi::permission::write < mi::permission::admin);
    static_assert(std::is_same_v<std::underlying_type_t<mi::permission>, unsigned char>);
    BOOST_TEST((mi::permission::read < mi::permission::admin));
}

BOOST_AUTO_TEST_CASE(each_permission_has_its_name) {
    static_assert(mi::name_of(mi::permission::read) == "read");
    BOOST_TEST(mi::name_of(mi::permission::read) == "read");
    BOOST_TEST(mi::name_of(mi::permission::write) == "write");
    BOOST_TEST(mi::name_of(mi::permission::admin) == "admin");
    BOOST_TEST(mi::name_of(static_cast<mi::permission>(7)) == "admin"); // no value names less than admin
}

BOOST_AUTO_TEST_CASE(a_default_context_is_an_in_process_administrator) {
    constexpr mi::context ctx;
    static_assert(ctx.transport == "inproc");
    BOOST_TEST(ctx.transport == "inproc");
    BOOST_TEST(ctx.peer.empty());
    BOOST_TEST((ctx.granted == mi::permission::admin));

    mi::context const fifo{"fifo", "reply_42"};
    BOOST_TEST(fifo.transport == "fifo");
    BOOST_TEST(fifo.peer == "reply_42");
    BOOST_TEST((fifo.granted == mi::permission::admin));
    mi::context viewer;
    viewer.granted = mi::permission::read; // the rest stays as it was
    BOOST_TEST(viewer.transport == "inproc");
    BOOST_TEST(viewer.peer.empty());
    BOOST_TEST((viewer.granted == mi::permission::read));
}

BOOST_AUTO_TEST_CASE(a_handler_sees_the_caller_s_context) {
    mi::dispatcher const d(commands);
    BOOST_TEST(answer(d, request("who")) == result(R"("inproc  admin")"));
    BOOST_TEST(answer(d, request("who"), mi::context{"http", "127.0.0.1:4000", mi::permission::read}) ==
               result(R"("http 127.0.0.1:4000 read")"));
}

BOOST_AUTO_TEST_CASE(the_granted_permission_bounds_what_a_caller_runs) {
    mi::dispatcher const d(commands);
    mi::context const reader{"datagram", "peer", mi::permission::read};
    mi::context const writer{"datagram", "peer", mi::permission::write};
    BOOST_TEST(answer(d, request("add", "[1,2]"), reader) == result("3"));
    BOOST_TEST(answer(d, request("stop"), reader) ==
               error(-32003, "Permission denied", "stop called so needs the 'admin' permission; this caller has 'read'"));
    BOOST_TEST(answer(d, request("stop"), writer) ==
               error(-32003, "Permission denied", "stop called so needs the 'admin' permission; this caller has 'write'"));
    BOOST_TEST(answer(d, request("stop")) == result(R"("stopping")"));
}

BOOST_AUTO_TEST_CASE(a_limit_hook_is_told_the_limit_and_the_caller) {
    std::vector<told> seen;
    mi::limit_hook hook = [&](std::string_view limit, mi::context const& ctx) {
        seen.push_back({std::string(limit), std::string(ctx.transport), std::string(ctx.peer), ctx.granted});
    };
    mi::observer watch;
    watch.on_limit = hook;
    mi::dispatcher const d(commands, mi::limits{.max_params = 1}, watch);
    mi::context const caller{"fifo", "reply_7", mi::permission::write};
    BOOST_TEST(answer(d, request("add", "[1,2]"), caller) == invalid_params("Too many parameters"));
    BOOST_TEST(answer(d, request("who"), caller) == result(R"("fifo reply_7 write")")); // within the limits
    BOOST_REQUIRE(seen.size() == 1u);
    BOOST_TEST(seen[0].limit == "params");
    BOOST_TEST(seen[0].transport == "fifo");
    BOOST_TEST(seen[0].peer == "reply_7");
    BOOST_TEST((seen[0].granted == mi::permission::write));
}

BOOST_AUTO_TEST_CASE(a_hook_that_throws_does_not_change_the_answer) {
    int calls = 0;
    mi::limit_hook const broken = [&](std::string_view, mi::context const&) {
        ++calls;
        throw std::runtime_error("counter broken");
    };
    mi::observer watch;
    watch.on_limit = broken;
    mi::dispatcher const d(commands, mi::limits{.max_params = 1}, watch);
    BOOST_TEST(answer(d, request("add", "[1,2]")) == invalid_params("Too many parameters"));
    BOOST_TEST(calls == 1);
    BOOST_TEST(answer(d, request("who")) == result(R"("inproc  admin")"));
}

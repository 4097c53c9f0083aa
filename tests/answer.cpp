// Copyright (c) 2026 the mi authors. Distributed under the Boost Software License, Version 1.0.
// SPDX-License-Identifier: BSL-1.0
//
// mi::answer, what a dispatcher hands a transport: its text, its kind (provisional, final, failed) and the error code
// it carries, for each way a call can end.
#include <mi/answer.hpp>

#define BOOST_TEST_MODULE answer
#include <boost/test/unit_test.hpp>

#include "support.hpp"

#include <mi/mi.hpp>

#include <string>
#include <vector>

namespace {

struct seen {
    std::string text;
    mi::answer_kind kind;
    int error;
    friend bool operator==(seen const&, seen const&) = default;
};

mi::async_result<int> twice(mi::async_reply reply, int n) {
    reply.provisional(n);
    reply.finish(2 * n);
    return mi::answer_later;
}

mi::async_result<int> forgets(mi::async_reply) { return mi::answer_later; }

int refuses() { throw mi::error(404, "Statistics Not Found"); }

constexpr auto commands = mi::command_set(mi::command<"twice">(mi::async, mi::recipe<&twice, "n">),
                                          mi::command<"forgets">(mi::async, mi::recipe<&forgets>),
                                          mi::command<"refuses">(mi::recipe<&refuses>));

std::vector<seen> answers_to(std::string const& request) {
    mi::dispatcher const d(commands);
    std::vector<seen> all;
    d.async_call(request, {}, [&](mi::answer const& a) { all.push_back({std::string(a.text), a.kind, a.error}); });
    return all;
}

} // namespace

BOOST_AUTO_TEST_CASE(provisional_answers_come_before_the_final_one) {
    using mi_test::result;
    BOOST_TEST((answers_to(mi_test::request("twice", "[4]")) ==
                std::vector<seen>{{result("4"), mi::answer_kind::provisional, 0}, {result("8"), mi::answer_kind::final, 0}}));
}

BOOST_AUTO_TEST_CASE(an_error_answer_carries_its_code) {
    BOOST_TEST((answers_to(mi_test::request("refuses")) ==
                std::vector<seen>{{mi_test::error(404, "Statistics Not Found"), mi::answer_kind::final, 404}}));
}

BOOST_AUTO_TEST_CASE(a_call_that_never_answers_fails_without_text) {
    BOOST_TEST((answers_to(mi_test::request("forgets")) == std::vector<seen>{{"", mi::answer_kind::failed, mi::failed_error}}));
    BOOST_TEST(mi::failed_error == -32603);
}

BOOST_AUTO_TEST_CASE(a_notification_ends_with_an_empty_final_answer) {
    BOOST_TEST((answers_to(R"({"jsonrpc":"2.0","method":"refuses"})") ==
                std::vector<seen>{{"", mi::answer_kind::final, 0}}));
}

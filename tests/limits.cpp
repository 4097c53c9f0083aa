// Copyright (c) 2026 the mi authors. Distributed under the Boost Software License, Version 1.0.
// SPDX-License-Identifier: BSL-1.0
//
// mi::limits: what one request may cost. Each bound answers its JSON-RPC error and tells the observer's on_limit
// its name; within the bound the request is served.
#include <mi/limits.hpp>

#define BOOST_TEST_MODULE limits
#include <boost/test/unit_test.hpp>

#include "support.hpp"

#include <mi/mi.hpp>

#include <string>
#include <vector>

namespace {

int count(std::vector<int> const& items) { return static_cast<int>(items.size()); }

constexpr auto commands = mi::command_set(mi::command<"count">(mi::recipe<&count, "items">));

struct bounded {
    std::vector<std::string> hits;
    mi::dispatcher<std::remove_cvref_t<decltype(commands)>> d{
        commands, mi::limits{.max_batch = 2, .max_depth = 4, .max_params = 1, .max_string = 5}, watching(hits)};

    static mi::observer watching(std::vector<std::string>& hits) {
        mi::observer o;
        o.on_limit = [&hits](std::string_view limit, mi::context const&) { hits.emplace_back(limit); };
        return o;
    }
};

} // namespace

BOOST_AUTO_TEST_CASE(the_defaults) {
    mi::limits const l;
    BOOST_TEST(l.max_batch == 100u);
    BOOST_TEST(l.max_depth == 32u);
    BOOST_TEST(l.max_params == 64u);
    BOOST_TEST(l.max_string == 65536u);
}

BOOST_FIXTURE_TEST_CASE(within_every_bound_a_request_is_served, bounded) {
    BOOST_TEST(mi_test::answer(d, mi_test::request("count", R"({"items":[1,2]})")) == mi_test::result("2"));
    BOOST_TEST(hits.empty());
}

BOOST_FIXTURE_TEST_CASE(each_bound_answers_its_error_and_is_reported, bounded) {
    auto const one = mi_test::request("count", "[[1]]");
    BOOST_TEST(mi_test::answer(d, "[" + one + "," + one + "," + one + "]") ==
               mi_test::error(-32600, "Invalid Request", "Batch too large", "null"));
    BOOST_TEST(mi_test::answer(d, mi_test::request("count", "[[[[1]]]]")) == mi_test::error(-32700, "Parse error", {}, "null"));
    BOOST_TEST(mi_test::answer(d, mi_test::request("count", "[[1],[2]]")) ==
               mi_test::invalid_params("Too many parameters"));
    BOOST_TEST(mi_test::answer(d, mi_test::request("count", R"([["123456"]])")) ==
               mi_test::invalid_params("A string in the parameters is too long"));
    BOOST_TEST((hits == std::vector<std::string>{"batch", "depth", "params", "string"}));
}

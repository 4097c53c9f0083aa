// Copyright (c) 2026 the mi authors. Distributed under the Boost Software License, Version 1.0.
// SPDX-License-Identifier: BSL-1.0
//
// <mi/src.hpp>, as a program built with MI_SEPARATE_COMPILATION uses it (test_src is): this translation unit
// holds mi's command-independent code, the JSON reader, the dispatch core and the built-in commands, which the
// other headers then only declare. A dispatcher made here parses, dispatches, refuses, describes itself and
// answers asynchronously. The unit.*_separate tests run dispatcher.cpp, introspection.cpp and async.cpp in
// this mode too, through mi::separate.
#include <mi/src.hpp>

#define BOOST_TEST_MODULE src
#include <boost/test/unit_test.hpp>

#include "support.hpp"

#include <mi/mi.hpp>

#include <boost/json/parse.hpp>

#include <string>
#include <vector>

#ifndef MI_SEPARATE_COMPILATION
#error "tests/src.cpp is built with MI_SEPARATE_COMPILATION (tests/CMakeLists.txt)"
#endif

using namespace mi_test;

namespace {

std::string echo(std::string text) { return text; }
int add(int a, int b) { return a + b; }

mi::async_reply kept;
mi::async_result<int> later(mi::async_reply reply) {
    if (!reply) return 0;
    kept = std::move(reply);
    return mi::answer_later;
}

constexpr auto commands = mi::command_set(
    mi::module<"tools">(mi::command<"echo">("returns its text", mi::recipe<&echo, "text">, mi::alias<"say">),
                        mi::command<"add">(mi::recipe<&add, "a", "b">),
                        mi::command<"later">(mi::recipe<&later>, mi::async)));

mi::dispatcher const d(commands, mi::limits{.max_batch = 2});

} // namespace

BOOST_AUTO_TEST_CASE(the_json_reader_is_here) {
    BOOST_TEST(answer(d, request("tools:echo", R"(["caf\u00e9 \"x\""])")) == result(R"("café \"x\"")"));
    BOOST_TEST(answer(d, request("add", R"({"b":2,"a":"40"})")) == result("42"));
    BOOST_TEST(answer(d, "{\"jsonrpc\":") == error(-32700, "Parse error", {}, "null"));
    BOOST_TEST(answer(d, request("add", "[1e400,1]")) == error(-32700, "Parse error", {}, "null"));
}

BOOST_AUTO_TEST_CASE(the_dispatch_core_is_here) {
    BOOST_TEST(answer(d, request("say", R"(["hi"])")) == result(R"("hi")"));
    BOOST_TEST(answer(d, request("nope")) == error(-32601, "Method not found"));
    BOOST_TEST(answer(d, request("add", "[1]")) == invalid_params("Too few or too many parameters"));
    BOOST_TEST(answer(d, R"({"method":"add","id":1})") == error(-32600, "Invalid Request"));
    BOOST_TEST(answer(d, "[" + request("add", "[1,2]") + "," + request("add", "[3,4]") + "]") ==
               "[" + result("3") + "," + result("7") + "]");
    BOOST_TEST(answer(d, "[1,2,3]") == error(-32600, "Invalid Request", "Batch too large", "null"));
}

BOOST_AUTO_TEST_CASE(the_builtin_commands_are_here) {
    BOOST_TEST(answer(d, request("which", R"(["tools:"])")) == result(R"(["tools:echo","tools:add","tools:later"])"));
    BOOST_TEST(answer(d, request("help", R"(["say"])")) ==
               result(R"({"Help":"returns its text","Exported by":"tools"})"));
    BOOST_TEST(answer(d, request("help", R"(["nope"])")) == error(404, "unknown MI command"));
    BOOST_TEST(mi::builtin::which_all(d.schema()).size() == 6u);
    auto const doc = mi::builtin::discover(d.schema());
    BOOST_TEST(doc.at("methods").as_array().size() == 6u);
}

BOOST_AUTO_TEST_CASE(asynchronous_answers_are_here) {
    std::vector<std::string> answers;
    d.async_call(request("later"), {}, [&](mi::answer const& a) { answers.emplace_back(a.text); });
    BOOST_REQUIRE(kept);
    kept.finish(5);
    kept = {};
    BOOST_REQUIRE(answers.size() == 1u);
    BOOST_TEST(answers[0] == result("5"));
}

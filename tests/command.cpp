// Copyright (c) 2026 the mi authors. Distributed under the Boost Software License, Version 1.0.
// SPDX-License-Identifier: BSL-1.0
//
// The three ways to name parameters, the kinds of handlers, injected parameters, and the schema derived
// from a declaration at compile time.
#include <mi/command.hpp>

#define BOOST_TEST_MODULE command
#include <boost/test/unit_test.hpp>

#include "support.hpp"

#include <mi/mi.hpp>

using namespace mi_test;

namespace {

// 1. names listed beside the function
int listed(int level, int pid) { return level * 100000 + pid; }

// 2. names in the signature
int in_signature(mi::arg<"level", int> level, mi::arg<"pid", std::optional<int>> pid) {
    return *level * 100000 + pid->value_or(0);
}

// 3. a described params struct
struct set_level_params {
    int level;
    std::optional<int> pid;
};
BOOST_DESCRIBE_STRUCT(set_level_params, (), (level, pid))
int described(set_level_params const& p) { return p.level * 100000 + p.pid.value_or(0); }

// a struct parameter that is one JSON object, because it is named
int described_as_one(set_level_params p) { return p.level; }

// module state: member functions of an object given to the dispatcher
class cache {
public:
    void store(std::string key, std::string value) { entries_[std::move(key)] = std::move(value); }
    mi::result<std::string> fetch(std::string const& key) const {
        auto found = entries_.find(key);
        if (found == entries_.end()) return mi::error(400, "Value not found");
        return found->second;
    }
    std::size_t size() const noexcept { return entries_.size(); }

private:
    std::map<std::string, std::string> entries_;
};

class counter {
public:
    int bump(int by) { return value += by; }
    int value = 0;
};

// the caller, without globals
std::string who(mi::context const& ctx, std::string greeting) {
    return greeting + " " + std::string(ctx.transport) + " " + std::string(ctx.peer);
}

constexpr auto commands = mi::command_set(
    mi::command<"listed">(mi::recipe<&listed, "level", "pid">),
    mi::command<"in_signature">(mi::recipe<&in_signature>),
    mi::command<"described">(mi::recipe<&described>),
    mi::command<"described_as_one">(mi::recipe<&described_as_one, "params">),
    mi::command<"lambda">(mi::recipe<[](int a, int b) { return a - b; }, "a", "b">),
    mi::command<"cache_store">(mi::recipe<&cache::store, "attr", "value">),
    mi::command<"cache_fetch">(mi::recipe<&cache::fetch, "attr">),
    mi::command<"cache_size">(mi::recipe<&cache::size>),
    mi::command<"bump">(mi::recipe<&counter::bump, "by">),
    mi::command<"who">(mi::recipe<&who, "greeting">));

} // namespace

BOOST_AUTO_TEST_CASE(three_ways_to_name_parameters_bind_alike) {
    cache c;
    counter n;
    mi::dispatcher const d(commands, c, n);
    BOOST_TEST(answer(d, request("listed", R"({"level":4,"pid":9472})")) == result("409472"));
    BOOST_TEST(answer(d, request("listed", "[4,9472]")) == result("409472"));
    BOOST_TEST(answer(d, request("in_signature", R"({"pid":9472,"level":4})")) == result("409472"));
    BOOST_TEST(answer(d, request("in_signature", "[4]")) == result("400000"));
    BOOST_TEST(answer(d, request("described", R"({"level":"4","pid":9472})")) == result("409472"));
    BOOST_TEST(answer(d, request("described", "[4]")) == result("400000"));
    BOOST_TEST(answer(d, request("described", R"({"level":"x"})")) == invalid_params("Bad type for parameter 'level'"));
    BOOST_TEST(answer(d, request("described_as_one", R"({"params":{"level":3}})")) == result("3"));
    BOOST_TEST(answer(d, request("described_as_one", R"({"level":3})")) == invalid_params("Named parameters do not match"));
}

BOOST_AUTO_TEST_CASE(lambdas_without_captures) {
    cache c;
    counter n;
    mi::dispatcher const d(commands, c, n);
    BOOST_TEST(answer(d, request("lambda", "[5,3]")) == result("2"));
}

BOOST_AUTO_TEST_CASE(member_functions_reach_the_module_objects) {
    cache c;
    counter n;
    mi::dispatcher const d(commands, c, n);
    BOOST_TEST(answer(d, request("cache_store", R"({"attr":"k","value":"v"})")) == result(R"("OK")"));
    BOOST_TEST(c.size() == 1u);
    BOOST_TEST(answer(d, request("cache_fetch", R"(["k"])")) == result(R"("v")"));
    BOOST_TEST(answer(d, request("cache_fetch", R"(["other"])")) == error(400, "Value not found"));
    BOOST_TEST(answer(d, request("cache_size")) == result("1"));
    BOOST_TEST(answer(d, request("bump", "[2]")) == result("2"));
    BOOST_TEST(answer(d, request("bump", "[3]")) == result("5"));
    BOOST_TEST(n.value == 5);
}

BOOST_AUTO_TEST_CASE(handlers_can_ask_for_the_calling_context) {
    cache c;
    counter n;
    mi::dispatcher const d(commands, c, n);
    BOOST_TEST(answer(d, request("who", R"(["hi"])"), mi::context{"fifo", "opensips_fifo_reply_42"}) ==
               result(R"("hi fifo opensips_fifo_reply_42")"));
    BOOST_TEST(answer(d, request("who", R"(["hi"])")) == result(R"("hi inproc ")"));
}

// The schema is a compile-time value.
using listed_recipe = mi::detail::recipe_traits<mi::recipe_t<&listed, "level", "pid">>;
static_assert(listed_recipe::names == std::array<std::string_view, 2>{"level", "pid"});
static_assert(listed_recipe::min_params == 2 && listed_recipe::max_params == 2);

using signature_recipe = mi::detail::recipe_traits<mi::recipe_t<&in_signature>>;
static_assert(signature_recipe::names == std::array<std::string_view, 2>{"level", "pid"});
static_assert(signature_recipe::min_params == 1 && signature_recipe::max_params == 2);

using described_recipe = mi::detail::recipe_traits<mi::recipe_t<&described>>;
static_assert(described_recipe::names == std::array<std::string_view, 2>{"level", "pid"});
static_assert(described_recipe::min_params == 1);

using context_recipe = mi::detail::recipe_traits<mi::recipe_t<&who, "greeting">>;
static_assert(context_recipe::names == std::array<std::string_view, 1>{"greeting"});

using member_recipe = mi::detail::recipe_traits<mi::recipe_t<&cache::fetch, "attr">>;
static_assert(std::is_same_v<member_recipe::object, cache const>);

using commands_type = std::remove_cvref_t<decltype(commands)>;
static_assert(commands_type::size == 13); // ten declared, three built in
static_assert(!commands_type::uses_modules);
static_assert(std::is_empty_v<mi::recipe_t<&listed, "level", "pid">>);

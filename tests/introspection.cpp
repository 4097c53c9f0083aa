// Copyright (c) 2026 the mi authors. Distributed under the Boost Software License, Version 1.0.
// SPDX-License-Identifier: BSL-1.0
//
// which, help and rpc.discover (spec section 5; OpenRPC 1.3), for free on every set and each removable.
#include <mi/introspection.hpp>

#define BOOST_TEST_MODULE introspection
#include <boost/test/unit_test.hpp>

#include "support.hpp"

#include <mi/mi.hpp>

#include <boost/json/parse.hpp>

using namespace mi_test;

namespace {

boost::json::object levels() { return {}; }
int set_global(int level) { return level; }
int set_one(int level, int pid) { return level + pid; }
void uptime() {}
enum class mode { fast, safe };
BOOST_DESCRIBE_ENUM(mode, fast, safe)
struct stats_query {
    std::vector<std::string> statistics;
    std::optional<mode> how;
};
BOOST_DESCRIBE_STRUCT(stats_query, (), (statistics, how))
std::map<std::string, std::uint64_t> get_statistics(stats_query const&) { return {}; }

constexpr auto commands = mi::command_set(
    mi::command<"log_level">("gets or sets the log level", mi::recipe<&levels>, mi::recipe<&set_global, "level">,
                             mi::recipe<&set_one, "level", "pid">),
    mi::command<"uptime">(mi::recipe<&uptime>),
    mi::command<"get_statistics">("reads statistics", mi::recipe<&get_statistics>, mi::named_params_only),
    mi::service_info{"test daemon", "2.1"});

mi::dispatcher const d(commands);

boost::json::value call_json(std::string_view method, std::string_view params = {}) {
    auto const response = boost::json::parse(answer(d, request(method, params))).as_object();
    BOOST_REQUIRE(response.contains("result"));
    return response.at("result");
}

} // namespace

BOOST_AUTO_TEST_CASE(which_lists_every_command_in_declaration_order) {
    BOOST_TEST(answer(d, request("which")) ==
               result(R"(["log_level","uptime","get_statistics","which","help","rpc.discover"])"));
    BOOST_TEST(answer(d, request("which", "{}")) == answer(d, request("which")));
}

BOOST_AUTO_TEST_CASE(which_with_a_command_lists_its_recipes) {
    BOOST_TEST(answer(d, request("which", R"({"command":"log_level"})")) == result(R"([[],["level"],["level","pid"]])"));
    BOOST_TEST(answer(d, request("which", R"(["uptime"])")) == result("[[]]"));
    BOOST_TEST(answer(d, request("which", R"(["get_statistics"])")) == result(R"([["statistics","how"]])"));
    BOOST_TEST(answer(d, request("which", R"(["which"])")) == result(R"([[],["command"]])"));
    BOOST_TEST(answer(d, request("which", R"({"command":"nope"})")) == error(404, "unknown MI command"));
}

BOOST_AUTO_TEST_CASE(help_has_both_opensips_shapes) {
    BOOST_TEST(answer(d, request("help")) == result(R"("Usage: help mi_cmd - returns information about 'mi_cmd'")"));
    BOOST_TEST(answer(d, request("help", R"({"mi_cmd":"log_level"})")) ==
               result(R"({"Help":"gets or sets the log level","Exported by":"core"})"));
    BOOST_TEST(answer(d, request("help", R"(["uptime"])")) ==
               result(R"({"Help":"not available for this command","Exported by":"core"})"));
    BOOST_TEST(answer(d, request("help", R"(["nope"])")) == error(404, "unknown MI command"));
}

BOOST_AUTO_TEST_CASE(rpc_discover_is_an_openrpc_document) {
    auto const doc = call_json("rpc.discover");
    BOOST_TEST(doc.at("openrpc") == "1.3.2");
    BOOST_TEST(doc.at("info") == boost::json::parse(R"({"title":"test daemon","version":"2.1"})"));
    auto const& methods = doc.at("methods").as_array();
    BOOST_REQUIRE(methods.size() == 6u);

    auto const& log_level = methods[0].as_object();
    BOOST_TEST(log_level.at("name") == "log_level");
    BOOST_TEST(log_level.at("summary") == "gets or sets the log level");
    BOOST_TEST(log_level.at("paramStructure") == "either");
    BOOST_TEST(log_level.at("x-recipes") == boost::json::parse(R"([[],["level"],["level","pid"]])"));
    BOOST_TEST(log_level.at("params") == boost::json::parse(R"([
        {"name":"level","required":false,"schema":{"type":"integer","minimum":-2147483648,"maximum":2147483647}},
        {"name":"pid","required":false,"schema":{"type":"integer","minimum":-2147483648,"maximum":2147483647}}])"));
    // anyOf, not oneOf: an answer that fits several recipes' results must still validate
    BOOST_TEST(log_level.at("result").at("schema") == boost::json::parse(R"({"anyOf":[{"type":"object"},
        {"type":"integer","minimum":-2147483648,"maximum":2147483647}]})"));
    BOOST_TEST(log_level.at("x-recipe-params") == boost::json::parse(R"([
        {"type":"object","properties":{},"additionalProperties":false},
        {"type":"object","properties":{"level":{"type":"integer","minimum":-2147483648,"maximum":2147483647}},
         "additionalProperties":false,"required":["level"]},
        {"type":"object","properties":{"level":{"type":"integer","minimum":-2147483648,"maximum":2147483647},
         "pid":{"type":"integer","minimum":-2147483648,"maximum":2147483647}},
         "additionalProperties":false,"required":["level","pid"]}])"));

    auto const& uptime = methods[1].as_object();
    BOOST_TEST(uptime.at("result").at("schema") == boost::json::parse(R"({"type":"string","const":"OK"})"));
    BOOST_TEST(!uptime.contains("summary"));

    auto const& stats = methods[2].as_object();
    BOOST_TEST(stats.at("paramStructure") == "by-name");
    BOOST_TEST(stats.at("params") == boost::json::parse(R"([
        {"name":"statistics","required":true,"schema":{"type":"array","items":{"type":"string"},"minItems":1}},
        {"name":"how","required":false,"schema":{"type":"string","enum":["fast","safe"]}}])"));
    // 2^64 - 1 is no double (JavaScript would read 2^64), 2^64 is: the limit is exclusive
    BOOST_TEST(stats.at("result").at("schema") == boost::json::parse(
        R"({"type":"object","additionalProperties":{"type":"integer","minimum":0,"exclusiveMaximum":18446744073709551616.0}})"));
    BOOST_TEST(stats.at("x-recipe-params") == boost::json::parse(R"([{"type":"object","properties":{
        "statistics":{"type":"array","items":{"type":"string"},"minItems":1},"how":{"type":"string","enum":["fast","safe"]}},
        "additionalProperties":false,"required":["statistics"]}])"));
}

// <mi/builtin.hpp> spells the built-in commands' types out, to spare every translation unit the checks of
// mi::command; they must be what mi::command makes of the same declarations.
template <auto const& Builtin, class Declared>
constexpr bool declared_as = std::is_same_v<std::remove_cvref_t<decltype(Builtin)>, Declared>;
static_assert(declared_as<mi::builtin::which,
                          decltype(mi::command<"which">(mi::needs_read, mi::recipe<&mi::builtin::which_all>,
                                                        mi::recipe<&mi::builtin::which_one, "command">))>);
static_assert(declared_as<mi::builtin::help,
                          decltype(mi::command<"help">(mi::needs_read, mi::recipe<&mi::builtin::help_usage>,
                                                       mi::recipe<&mi::builtin::help_one, "mi_cmd">))>);

BOOST_AUTO_TEST_CASE(each_builtin_can_be_left_out) {
    constexpr auto bare = mi::command_set(mi::command<"uptime">(mi::recipe<&uptime>), mi::without_which,
                                          mi::without_help, mi::without_discover);
    mi::dispatcher const b(bare);
    for (auto method : {"which", "help", "rpc.discover"})
        BOOST_TEST(answer(b, request(method)) == error(-32601, "Method not found"), method);
    BOOST_TEST(b.schema().commands().size() == 1u);

    constexpr auto no_discover = mi::command_set(mi::command<"uptime">(mi::recipe<&uptime>), mi::without_discover);
    mi::dispatcher const n(no_discover);
    BOOST_TEST(answer(n, request("which")) == result(R"(["uptime","which","help"])"));
}

constexpr auto counting = mi::command_set(
    mi::command<"count">(mi::recipe<[](mi::introspection const& set) { return set.commands().size(); }>));

BOOST_AUTO_TEST_CASE(user_commands_can_introspect_too) {
    mi::dispatcher const c(counting);
    BOOST_TEST(answer(c, request("count")) == result("4"));
}

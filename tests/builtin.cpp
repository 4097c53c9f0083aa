// Copyright (c) 2026 the mi authors. Distributed under the Boost Software License, Version 1.0.
// SPDX-License-Identifier: BSL-1.0
//
// The built-in commands' functions called directly on a set's introspection: which_all, which_one, help_usage,
// help_one and discover, with OpenSIPS's 404 "unknown MI command", in a flat set and in a set of modules.
#include <mi/builtin.hpp>

#define BOOST_TEST_MODULE builtin
#include <boost/test/unit_test.hpp>

#include <mi/mi.hpp>

#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>
#include <boost/json/value_from.hpp>

#include <string>
#include <string_view>
#include <type_traits>
#include <vector>

namespace {

int get_level() { return 3; }
int set_level(int level) { return level; }
int set_one(int level, int pid) { return level + pid; }
void uptime() {}

constexpr auto flat = mi::command_set(
    mi::command<"log_level">("gets or sets the log level", mi::needs_read, mi::recipe<&get_level>,
                             mi::needs_admin(mi::recipe<&set_level, "level">), mi::recipe<&set_one, "level", "pid">),
    mi::command<"uptime">(mi::recipe<&uptime>, mi::alias<"up">), mi::service_info{"builtin test", "0.9"});

constexpr auto modular = mi::command_set(
    mi::module<"core">(mi::command<"uptime">("how long it has run", mi::recipe<&uptime>)),
    mi::module<"log">(mi::command<"level">(mi::recipe<&get_level>, mi::alias<"log_level">)));

mi::dispatcher const flat_d(flat);
mi::dispatcher const modular_d(modular);

mi::introspection const& flat_set() { return flat_d.schema(); }
mi::introspection const& modular_set() { return modular_d.schema(); }

std::string json(boost::json::value const& v) { return boost::json::serialize(v); }
std::string json(mi::builtin::which_answer const& v) { return json(boost::json::value_from(v)); }

bool unknown(mi::error const& e) { return e.code == 404 && e.message == "unknown MI command" && e.data.empty(); }

} // namespace

BOOST_AUTO_TEST_CASE(the_unknown_command_error_is_opensips_s) {
    static_assert(mi::builtin::unknown_command_code == 404);
    BOOST_TEST(mi::builtin::unknown_command_message == "unknown MI command");
}

BOOST_AUTO_TEST_CASE(the_builtins_are_commands_named_as_opensips_names_them) {
    using which = std::remove_cvref_t<decltype(mi::builtin::which)>;
    using help = std::remove_cvref_t<decltype(mi::builtin::help)>;
    using discover = std::remove_cvref_t<decltype(mi::builtin::rpc_discover)>;
    static_assert(which::name == "which" && which::module.empty());
    static_assert(help::name == "help");
    static_assert(discover::name == "rpc.discover");
    static_assert(boost::mp11::mp_size<which::recipes>::value == 2);
    static_assert(boost::mp11::mp_size<discover::recipes>::value == 1);
    BOOST_TEST(mi::builtin::which.help == "lists the available commands, or the parameters of each recipe of one");
    BOOST_TEST(mi::builtin::help.help == "returns the help text of a command and who exports it");
    BOOST_TEST(mi::builtin::rpc_discover.help == "returns the OpenRPC document of the service");
}

BOOST_AUTO_TEST_CASE(which_all_lists_every_name_in_declaration_order) {
    BOOST_TEST(mi::builtin::which_all(flat_set()) ==
                   (std::vector<std::string_view>{"log_level", "uptime", "which", "help", "rpc.discover"}),
               boost::test_tools::per_element());
    BOOST_TEST(mi::builtin::which_all(modular_set()) ==
                   (std::vector<std::string_view>{"core:uptime", "log:level", "core:which", "core:help", "rpc.discover"}),
               boost::test_tools::per_element());
}

BOOST_AUTO_TEST_CASE(which_one_lists_the_parameters_of_each_recipe) {
    auto const log_level = mi::builtin::which_one(flat_set(), "log_level");
    BOOST_REQUIRE(log_level.has_value());
    BOOST_TEST(json(*log_level) == R"([[],["level"],["level","pid"]])");
    BOOST_TEST(json(mi::builtin::which_one(flat_set(), "uptime").value()) == "[[]]");
    BOOST_TEST(json(mi::builtin::which_one(flat_set(), "up").value()) == "[[]]"); // by its alias
    BOOST_TEST(json(mi::builtin::which_one(flat_set(), "which").value()) == R"([[],["command"]])");
}

BOOST_AUTO_TEST_CASE(which_one_of_a_module_lists_its_commands) {
    BOOST_TEST(json(mi::builtin::which_one(modular_set(), "core:").value()) ==
               R"(["core:uptime","core:which","core:help"])");
    BOOST_TEST(json(mi::builtin::which_one(modular_set(), "log:").value()) == R"(["log:level"])");
    BOOST_TEST(json(mi::builtin::which_one(modular_set(), "log_level").value()) == "[[]]");
    BOOST_TEST(json(mi::builtin::which_one(modular_set(), "level").value()) == "[[]]");
}

BOOST_AUTO_TEST_CASE(which_one_of_what_is_unknown_is_404) {
    for (auto name : {"nope", "", "Uptime"}) {
        auto const r = mi::builtin::which_one(flat_set(), name);
        BOOST_TEST((r.has_error() && unknown(r.error())), name);
    }
    for (auto name : {"nomodule:", "core:nope", "uptimes"}) {
        auto const r = mi::builtin::which_one(modular_set(), name);
        BOOST_TEST((r.has_error() && unknown(r.error())), name);
    }
    // "module:" is a module only in a set of modules
    BOOST_TEST(mi::builtin::which_one(flat_set(), "core:").has_error());
}

BOOST_AUTO_TEST_CASE(help_usage_is_opensips_s_text) {
    BOOST_TEST(mi::builtin::help_usage() == "Usage: help mi_cmd - returns information about 'mi_cmd'");
}

BOOST_AUTO_TEST_CASE(help_one_gives_the_help_and_who_exports_it) {
    BOOST_TEST(json(mi::builtin::help_one(flat_set(), "log_level").value()) ==
               R"({"Help":"gets or sets the log level","Exported by":"core"})");
    BOOST_TEST(json(mi::builtin::help_one(flat_set(), "up").value()) ==
               R"({"Help":"not available for this command","Exported by":"core"})");
    BOOST_TEST(json(mi::builtin::help_one(modular_set(), "log_level").value()) ==
               R"({"Help":"not available for this command","Exported by":"log"})");
    BOOST_TEST(json(mi::builtin::help_one(modular_set(), "core:uptime").value()) ==
               R"({"Help":"how long it has run","Exported by":"core"})");
    for (auto name : {"nope", "core:", ""}) {
        auto const r = mi::builtin::help_one(modular_set(), name);
        BOOST_TEST((r.has_error() && unknown(r.error())), name);
    }
}

BOOST_AUTO_TEST_CASE(discover_describes_the_set_in_openrpc) {
    auto const doc = mi::builtin::discover(flat_set());
    BOOST_TEST(doc.at("openrpc") == "1.3.2");
    BOOST_TEST(json(doc.at("info")) == R"({"title":"builtin test","version":"0.9"})");
    auto const& methods = doc.at("methods").as_array();
    BOOST_REQUIRE(methods.size() == 5u);

    auto const& log_level = methods[0].as_object();
    BOOST_TEST(log_level.at("name") == "log_level");
    BOOST_TEST(log_level.at("summary") == "gets or sets the log level");
    BOOST_TEST(log_level.at("paramStructure") == "either");
    BOOST_TEST(json(log_level.at("x-recipes")) == R"([[],["level"],["level","pid"]])");
    BOOST_TEST(json(log_level.at("x-permissions")) == R"(["read","admin","read"])");
    BOOST_TEST(!log_level.contains("x-aliases"));
    auto const& params = log_level.at("params").as_array();
    BOOST_REQUIRE(params.size() == 2u); // every parameter of any recipe, once
    BOOST_TEST(params[0].at("name") == "level");
    BOOST_TEST(params[0].at("required") == false); // the first recipe has none
    BOOST_TEST(params[1].at("name") == "pid");

    auto const& uptime = methods[1].as_object();
    BOOST_TEST(!uptime.contains("summary"));
    BOOST_TEST(json(uptime.at("x-aliases")) == R"(["up"])");
    BOOST_TEST(json(uptime.at("x-permissions")) == R"(["admin"])");
    BOOST_TEST(json(uptime.at("result").at("schema")) == R"({"type":"string","const":"OK"})");

    BOOST_TEST(methods[4].at("name") == "rpc.discover");
    BOOST_TEST(json(methods[4].at("x-permissions")) == R"(["read"])");
}

BOOST_AUTO_TEST_CASE(discover_of_a_set_of_modules_uses_canonical_names_and_the_default_info) {
    auto const doc = mi::builtin::discover(modular_set());
    BOOST_TEST(json(doc.at("info")) == R"({"title":"mi","version":"1.0.0"})");
    auto const& methods = doc.at("methods").as_array();
    BOOST_REQUIRE(methods.size() == 5u);
    BOOST_TEST(methods[0].at("name") == "core:uptime");
    BOOST_TEST(methods[1].at("name") == "log:level");
    BOOST_TEST(json(methods[1].at("x-aliases")) == R"(["log_level"])");
    BOOST_TEST(methods[2].at("name") == "core:which");
}

BOOST_AUTO_TEST_CASE(the_functions_answer_what_the_commands_answer) {
    std::string response;
    flat_d.call(R"({"jsonrpc":"2.0","method":"which","id":1})", response);
    BOOST_TEST(json(boost::json::parse(response).at("result")) ==
               R"(["log_level","uptime","which","help","rpc.discover"])");
    flat_d.call(R"({"jsonrpc":"2.0","method":"rpc.discover","id":1})", response);
    auto const answered = boost::json::parse(response);
    auto const direct = mi::builtin::discover(flat_set());
    BOOST_TEST(answered.at("result") == direct);
    modular_d.call(R"({"jsonrpc":"2.0","method":"which","params":["nomodule:"],"id":1})", response);
    BOOST_TEST(response == R"({"jsonrpc":"2.0","error":{"code":404,"message":"unknown MI command"},"id":1})");
}

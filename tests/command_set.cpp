// Copyright (c) 2026 the mi authors. Distributed under the Boost Software License, Version 1.0.
// SPDX-License-Identifier: BSL-1.0
//
// A command set: method lookup by flat names (OpenSIPS 3.x) and modules (4.x, spec 4.2), generated from the
// compile-time table; and what the set holds: its commands in declaration order with the built-ins after them,
// their help texts, the service info, and what describe() tells of each.
#include <mi/command_set.hpp>

#define BOOST_TEST_MODULE command_set
#include <boost/test/unit_test.hpp>

#include "support.hpp"

#include <mi/detail/schema/lookup.hpp>
#include <mi/mi.hpp>

using namespace mi_test;

namespace {

template <int N>
int tag() {
    return N;
}

constexpr auto modular = mi::command_set(
    mi::module<"core">(mi::command<"ps">(mi::recipe<&tag<1>>), mi::command<"uptime">(mi::recipe<&tag<2>>)),
    mi::module<"statistics">(mi::command<"get">(mi::recipe<&tag<3>>, mi::alias<"get_statistics">),
                             mi::command<"list">(mi::recipe<&tag<4>>, mi::alias<"list_statistics">)),
    mi::module<"tcp">(mi::command<"list">(mi::recipe<&tag<5>>, mi::alias<"list_tcp_conns">)),
    mi::module<"status_report">(mi::command<"get">(mi::recipe<&tag<6>>, mi::alias<"sr_get_status">)),
    mi::module<"evi">(mi::command<"list">(mi::recipe<&tag<7>>, mi::alias<"events_list">, mi::alias<"shared">),
                      mi::command<"raise">(mi::recipe<&tag<8>>, mi::alias<"shared">)));

constexpr auto flat = mi::command_set(mi::command<"get">(mi::recipe<&tag<1>>, mi::alias<"fetch">),
                                      mi::command<"get_all">(mi::recipe<&tag<2>>));

mi::dispatcher const modules(modular);
mi::dispatcher const flat_names(flat);

} // namespace

BOOST_AUTO_TEST_SUITE(modules_as_opensips_4)

BOOST_AUTO_TEST_CASE(canonical_names_match_exactly) {
    BOOST_TEST(answer(modules, request("core:ps")) == result("1"));
    BOOST_TEST(answer(modules, request("statistics:get")) == result("3"));
    BOOST_TEST(answer(modules, request("tcp:list")) == result("5"));
    BOOST_TEST(answer(modules, request("core:nope")) == error(-32601, "Method not found"));
    BOOST_TEST(answer(modules, request("Core:ps")) == error(-32601, "Method not found"));
}

BOOST_AUTO_TEST_CASE(a_bare_name_matches_a_unique_local_name) {
    BOOST_TEST(answer(modules, request("ps")) == result("1"));
    BOOST_TEST(answer(modules, request("uptime")) == result("2"));
    BOOST_TEST(answer(modules, request("raise")) == result("8"));
}

BOOST_AUTO_TEST_CASE(then_an_alias) {
    BOOST_TEST(answer(modules, request("get_statistics")) == result("3"));
    BOOST_TEST(answer(modules, request("list_tcp_conns")) == result("5"));
    BOOST_TEST(answer(modules, request("sr_get_status")) == result("6"));
}

BOOST_AUTO_TEST_CASE(a_local_name_of_several_commands_is_ambiguous) {
    BOOST_TEST(answer(modules, request("list")) ==
               error(-32001, "Method ambiguous", "supported names: statistics:list, tcp:list, evi:list"));
    BOOST_TEST(answer(modules, request("get")) ==
               error(-32001, "Method ambiguous", "supported names: statistics:get, status_report:get"));
}

BOOST_AUTO_TEST_CASE(an_alias_of_several_commands_is_ambiguous) {
    BOOST_TEST(answer(modules, request("shared")) ==
               error(-32001, "Method ambiguous", "supported names: evi:list, evi:raise"));
}

BOOST_AUTO_TEST_CASE(unknown_names) {
    for (auto name : {"nope", "", ":", "core:", ":ps", "pss", "p"})
        BOOST_TEST(answer(modules, request(name)) == error(-32601, "Method not found"), name);
}

BOOST_AUTO_TEST_CASE(builtins_live_in_core) {
    BOOST_TEST(answer(modules, request("core:which", R"({"command":"get_statistics"})")) == result("[[]]"));
    BOOST_TEST(answer(modules, request("which", R"(["core:"])")) ==
               result(R"(["core:ps","core:uptime","core:which","core:help"])"));
    BOOST_TEST(answer(modules, request("which")) ==
               result(R"(["core:ps","core:uptime","statistics:get","statistics:list","tcp:list","status_report:get",)"
                      R"("evi:list","evi:raise","core:which","core:help","rpc.discover"])"));
    BOOST_TEST(answer(modules, request("which", R"(["nomodule:"])")) == error(404, "unknown MI command"));
    BOOST_TEST(answer(modules, request("help", R"(["get_statistics"])")) ==
               result(R"({"Help":"not available for this command","Exported by":"statistics"})"));
}

BOOST_AUTO_TEST_SUITE_END()

BOOST_AUTO_TEST_SUITE(flat_as_opensips_3)

BOOST_AUTO_TEST_CASE(names_and_aliases_match_exactly_and_case_sensitively) {
    BOOST_TEST(answer(flat_names, request("get")) == result("1"));
    BOOST_TEST(answer(flat_names, request("fetch")) == result("1"));
    BOOST_TEST(answer(flat_names, request("get_all")) == result("2"));
    BOOST_TEST(answer(flat_names, request("GET")) == error(-32601, "Method not found"));
    BOOST_TEST(answer(flat_names, request("ge")) == error(-32601, "Method not found"));
    BOOST_TEST(answer(flat_names, request("core:get")) == error(-32601, "Method not found"));
}

BOOST_AUTO_TEST_SUITE_END()

BOOST_AUTO_TEST_CASE(the_table_is_a_compile_time_value) {
    using set = std::remove_cvref_t<decltype(modular)>;
    static_assert(set::resolve("core:ps").command == 0);
    static_assert(set::resolve("ps").command == 0);
    static_assert(set::resolve("get_statistics").command == 2);
    static_assert(set::resolve("list").command == mi::detail::no_command);
    static_assert(set::resolve("list").ambiguous_count == 3);
    static_assert(set::resolve("nope").ambiguous_count == 0);
    BOOST_TEST(set::table.key_count == 24u); // 11 canonical + 7 distinct local names + 6 distinct aliases
}

BOOST_AUTO_TEST_CASE(lookup_cost_does_not_grow_with_the_set) {
    // every key lands within a couple of probes of its home slot
    using set = std::remove_cvref_t<decltype(modular)>;
    auto const& table = set::table;
    for (std::size_t k = 0; k < table.key_count; ++k) {
        auto const home = mi::detail::name_hash(table.key(k)) & (table.slot_count - 1);
        std::size_t probes = 1;
        for (auto at = home; table.slots[at].key != k; at = (at + 1) & (table.slot_count - 1)) ++probes;
        BOOST_TEST(probes <= 4u, table.key(k));
    }
}

BOOST_AUTO_TEST_SUITE(what_a_set_holds)

BOOST_AUTO_TEST_CASE(commands_in_declaration_order_then_the_builtins) {
    using set = std::remove_cvref_t<decltype(flat)>;
    static_assert(set::size == 5); // get, get_all, which, help, rpc.discover
    static_assert(!set::uses_modules);
    static_assert(set::alias_count == 1);
    static_assert(boost::mp11::mp_at_c<set::commands_type, 0>::name == "get");
    static_assert(boost::mp11::mp_at_c<set::commands_type, 2>::name == "which");
    static_assert(boost::mp11::mp_at_c<set::commands_type, 4>::name == "rpc.discover");

    using modules = std::remove_cvref_t<decltype(modular)>;
    static_assert(modules::size == 11);
    static_assert(modules::uses_modules);
    static_assert(modules::alias_count == 7); // "shared" twice
    static_assert(boost::mp11::mp_at_c<modules::commands_type, 8>::canonical == "core:which"); // in core
    static_assert(boost::mp11::mp_at_c<modules::commands_type, 10>::canonical == "rpc.discover"); // in none
    BOOST_TEST(modules::size == 11u);
}

constexpr auto described_set = mi::command_set(
    mi::command<"log_level">("gets or sets the level", mi::recipe<&tag<1>>,
                             mi::recipe<[](int l) { return l; }, "level">, mi::alias<"loglevel">, mi::alias<"ll">),
    mi::command<"stats">(mi::recipe<[](std::string s) { return s; }, "name">, mi::named_params_only),
    mi::service_info{"switchboard", "2.1"}, mi::without_discover);

BOOST_AUTO_TEST_CASE(help_texts_and_service_info) {
    BOOST_TEST(described_set.help(0) == "gets or sets the level");
    BOOST_TEST(described_set.help(1).empty());
    BOOST_TEST(described_set.help(2) == mi::builtin::which.help);
    BOOST_TEST(described_set.help(3) == mi::builtin::help.help);
    BOOST_TEST(described_set.info().title == "switchboard");
    BOOST_TEST(described_set.info().version == "2.1");
    BOOST_TEST(flat.info().title == "mi"); // mi::service_info's defaults
    BOOST_TEST(flat.info().version == "1.0.0");
}

BOOST_AUTO_TEST_CASE(describe_tells_each_command_s_names_help_flags_recipes_and_aliases) {
    using set = std::remove_cvref_t<decltype(described_set)>;
    static_assert(set::size == 4); // without rpc.discover
    std::array<mi::command_info, set::size> infos;
    std::array<std::string_view, set::alias_count> aliases;
    described_set.describe(infos, aliases);

    BOOST_TEST(infos[0].canonical == "log_level");
    BOOST_TEST(infos[0].module.empty());
    BOOST_TEST(infos[0].name == "log_level");
    BOOST_TEST(infos[0].help == "gets or sets the level");
    BOOST_TEST(!infos[0].named_params_only);
    BOOST_TEST(!infos[0].async);
    BOOST_REQUIRE(infos[0].recipes.size() == 2u);
    BOOST_TEST(infos[0].recipes[0].params.empty());
    BOOST_REQUIRE(infos[0].recipes[1].params.size() == 1u);
    BOOST_TEST(infos[0].recipes[1].params[0].name == "level");
    BOOST_TEST(infos[0].recipes[1].params[0].required);
    BOOST_TEST((infos[0].recipes[1].needs == mi::permission::admin));
    BOOST_REQUIRE(infos[0].aliases.size() == 2u);
    BOOST_TEST(infos[0].aliases[0] == "loglevel");
    BOOST_TEST(infos[0].aliases[1] == "ll");

    BOOST_TEST(infos[1].canonical == "stats");
    BOOST_TEST(infos[1].named_params_only);
    BOOST_TEST(infos[1].aliases.empty());
    BOOST_TEST(infos[2].canonical == "which");
    BOOST_TEST(infos[3].canonical == "help");
}

BOOST_AUTO_TEST_CASE(describe_splits_canonical_names_of_modules) {
    using set = std::remove_cvref_t<decltype(modular)>;
    std::array<mi::command_info, set::size> infos;
    std::array<std::string_view, set::alias_count> aliases;
    modular.describe(infos, aliases);
    BOOST_TEST(infos[2].canonical == "statistics:get");
    BOOST_TEST(infos[2].module == "statistics");
    BOOST_TEST(infos[2].name == "get");
    BOOST_TEST(infos[2].aliases.size() == 1u);
    BOOST_TEST(infos[2].aliases[0] == "get_statistics");
    BOOST_TEST(infos[6].aliases.size() == 2u); // evi:list: events_list, shared
    BOOST_TEST(infos[10].canonical == "rpc.discover");
    BOOST_TEST(infos[10].module.empty());
}

BOOST_AUTO_TEST_CASE(builtins_can_be_left_out) {
    constexpr auto none = mi::command_set(mi::command<"a">(mi::recipe<&tag<1>>), mi::without_which, mi::without_help,
                                          mi::without_discover);
    constexpr auto no_help = mi::command_set(mi::command<"a">(mi::recipe<&tag<1>>), mi::without_help);
    static_assert(std::remove_cvref_t<decltype(none)>::size == 1);
    static_assert(std::remove_cvref_t<decltype(no_help)>::size == 3);
    static_assert(std::remove_cvref_t<decltype(no_help)>::resolve("help").command == mi::detail::no_command);
    static_assert(std::remove_cvref_t<decltype(no_help)>::resolve("which").command == 1);
    BOOST_TEST(none.help(0).empty());
    BOOST_TEST(no_help.help(2) == mi::builtin::rpc_discover.help);
}

BOOST_AUTO_TEST_SUITE_END()

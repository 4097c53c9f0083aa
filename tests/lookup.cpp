// Copyright (c) 2026 the mi authors. Distributed under the Boost Software License, Version 1.0.
// SPDX-License-Identifier: BSL-1.0
//
// Method lookup: flat names (OpenSIPS 3.x) and modules (4.x, spec 4.2), generated from the compile-time table.
#include <mi/detail/lookup.hpp>

#define BOOST_TEST_MODULE lookup
#include <boost/test/unit_test.hpp>

#include "support.hpp"

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

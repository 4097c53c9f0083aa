// Copyright (c) 2026 the mi authors. Distributed under the Boost Software License, Version 1.0.
// SPDX-License-Identifier: BSL-1.0
//
// Statistics: declaring them (a described group, run-time additions), updating them from several threads, and
// OpenSIPS's four commands over them with their recipes, keywords, case rules, reset rules, errors, and the 4.x
// names with the 3.x ones as aliases.
#include <mi/statistics.hpp>

#define BOOST_TEST_MODULE statistics
#include <boost/test/unit_test.hpp>

#include "support.hpp"

#include <mi/mi.hpp>

#include <atomic>
#include <cstdint>
#include <string>
#include <thread>
#include <type_traits>
#include <vector>

using namespace mi_test;

namespace {

struct core_statistics {
    mi::counter rcv_requests{"requests received"};
    mi::counter rcv_replies{"replies received"};
    mi::gauge active_dialogs{"dialogs in progress"};
};
BOOST_DESCRIBE_STRUCT(core_statistics, (), (rcv_requests, rcv_replies, active_dialogs))

struct shmem_statistics {
    mi::gauge fragments;
};
BOOST_DESCRIBE_STRUCT(shmem_statistics, (), (fragments))

constexpr auto flat = mi::command_set(mi::statistics_commands);
constexpr auto modular = mi::command_set(mi::statistics_module);

// A daemon's statistics: two groups known at compile time, one added at run time, a computed value.
struct fixture {
    mi::statistics stats;
    core_statistics& core = stats.add_group<core_statistics>("core");
    shmem_statistics& shmem = stats.add_group<shmem_statistics>("shmem");
    mi::counter& peer = stats.add_counter("peers", "Peer_1_calls", "calls to peer 1");
    std::uint64_t used = 4096;
    mi::dispatcher<std::remove_cvref_t<decltype(flat)>, mi::statistics> const d{flat, stats};

    fixture() {
        stats.add_computed("shmem", "used_size", [this] { return used; }, "bytes of shared memory in use");
        core.rcv_requests.increment(120);
        core.rcv_replies.increment(7);
        core.active_dialogs.set(3);
        shmem.fragments.set(2);
        peer.increment();
    }

    std::string get(std::string_view params) const { return answer(d, request("get_statistics", params)); }
};

} // namespace

BOOST_FIXTURE_TEST_SUITE(get_statistics, fixture)

BOOST_AUTO_TEST_CASE(all_gives_every_statistic_keyed_group_colon_name_in_declaration_order) {
    BOOST_TEST(get(R"([["all"]])") ==
               result(R"({"core:rcv_requests":120,"core:rcv_replies":7,"core:active_dialogs":3,"shmem:fragments":2,)"
                      R"("peers:Peer_1_calls":1,"shmem:used_size":4096})"));
}

BOOST_AUTO_TEST_CASE(a_group_a_name_and_group_colon_name_select_as_opensips_does) {
    BOOST_TEST(get(R"([["shmem:"]])") == result(R"({"shmem:fragments":2,"shmem:used_size":4096})"));
    BOOST_TEST(get(R"([["rcv_replies"]])") == result(R"({"core:rcv_replies":7})"));
    BOOST_TEST(get(R"([["core:active_dialogs","shmem:"]])") ==
               result(R"({"core:active_dialogs":3,"shmem:fragments":2,"shmem:used_size":4096})"));
}

BOOST_AUTO_TEST_CASE(names_groups_and_the_keyword_ignore_case) {
    BOOST_TEST(get(R"([["ALL"]])") == get(R"([["all"]])"));
    BOOST_TEST(get(R"([["SHMEM:","RCV_Requests","peer_1_CALLS"]])") ==
               result(R"({"shmem:fragments":2,"shmem:used_size":4096,"core:rcv_requests":120,"peers:Peer_1_calls":1})"));
}

BOOST_AUTO_TEST_CASE(each_statistic_comes_once_and_unknown_items_are_skipped) {
    BOOST_TEST(get(R"([["core:","rcv_requests","nothing","core:"]])") ==
               result(R"({"core:rcv_requests":120,"core:rcv_replies":7,"core:active_dialogs":3})"));
}

BOOST_AUTO_TEST_CASE(named_params_and_computed_values_read_when_asked) {
    used = 8192;
    BOOST_TEST(answer(d, request("get_statistics", R"({"statistics":["used_size"]})")) ==
               result(R"({"shmem:used_size":8192})"));
}

BOOST_AUTO_TEST_CASE(nothing_matching_is_404_statistics_not_found) {
    BOOST_TEST(get(R"([["nothing","other:"]])") == error(404, "Statistics Not Found"));
}

BOOST_AUTO_TEST_CASE(a_value_that_is_not_an_array_of_strings_is_invalid_params) {
    BOOST_TEST(get(R"(["all"])") == invalid_params("Bad type for parameter 'statistics'"));
    BOOST_TEST(get(R"([[{}]])") == invalid_params("Bad type for array item in parameter 'statistics'"));
    BOOST_TEST(get(R"([[]])") == invalid_params("Empty array in parameter 'statistics'"));
    BOOST_TEST(answer(d, request("get_statistics")).find(R"("code":-32602)") != std::string::npos);
}

BOOST_AUTO_TEST_SUITE_END()

BOOST_FIXTURE_TEST_SUITE(list_statistics, fixture)

BOOST_AUTO_TEST_CASE(without_params_every_statistic_and_its_kind) {
    BOOST_TEST(answer(d, request("list_statistics")) ==
               result(R"({"core:rcv_requests":"incremental","core:rcv_replies":"incremental",)"
                      R"("core:active_dialogs":"non-incremental","shmem:fragments":"non-incremental",)"
                      R"("peers:Peer_1_calls":"incremental","shmem:used_size":"non-incremental"})"));
}

BOOST_AUTO_TEST_CASE(a_name_is_keyed_bare_and_a_group_by_group_colon_name) {
    BOOST_TEST(answer(d, request("list_statistics", R"([["RCV_requests","shmem:"]])")) ==
               result(R"({"rcv_requests":"incremental","shmem:fragments":"non-incremental",)"
                      R"("shmem:used_size":"non-incremental"})"));
}

BOOST_AUTO_TEST_CASE(all_is_no_keyword_here_and_nothing_matching_is_404) {
    BOOST_TEST(answer(d, request("list_statistics", R"([["all"]])")) == error(404, "Statistics Not Found"));
}

BOOST_AUTO_TEST_SUITE_END()

BOOST_FIXTURE_TEST_SUITE(resets, fixture)

BOOST_AUTO_TEST_CASE(reset_statistics_zeroes_named_counters_only) {
    BOOST_TEST(answer(d, request("reset_statistics", R"([["RCV_REQUESTS","active_dialogs","used_size"]])")) ==
               result(R"("OK")"));
    BOOST_TEST(core.rcv_requests.value() == 0u);
    BOOST_TEST(core.rcv_replies.value() == 7u);
    BOOST_TEST(core.active_dialogs.value() == 3u); // never reset
    BOOST_TEST(get(R"([["used_size"]])") == result(R"({"shmem:used_size":4096})"));
}

BOOST_AUTO_TEST_CASE(a_gauge_named_alone_is_found_and_kept) {
    BOOST_TEST(answer(d, request("reset_statistics", R"([["fragments"]])")) == result(R"("OK")"));
    BOOST_TEST(shmem.fragments.value() == 2u);
}

BOOST_AUTO_TEST_CASE(reset_statistics_of_unknown_names_is_404) {
    BOOST_TEST(answer(d, request("reset_statistics", R"([["nothing"]])")) == error(404, "Statistics Not Found"));
    BOOST_TEST(answer(d, request("reset_statistics", R"([["core:"]])")) == error(404, "Statistics Not Found"));
}

BOOST_AUTO_TEST_CASE(reset_all_statistics_spares_what_is_never_reset) {
    BOOST_TEST(answer(d, request("reset_all_statistics")) == result(R"("OK")"));
    BOOST_TEST(get(R"([["all"]])") ==
               result(R"({"core:rcv_requests":0,"core:rcv_replies":0,"core:active_dialogs":3,"shmem:fragments":2,)"
                      R"("peers:Peer_1_calls":0,"shmem:used_size":4096})"));
}

BOOST_AUTO_TEST_CASE(reading_needs_read_and_resetting_needs_write) {
    mi::context const reader{"http", "127.0.0.1", mi::permission::read};
    BOOST_TEST(answer(d, request("get_statistics", R"([["all"]])"), reader).find(R"("result")") != std::string::npos);
    BOOST_TEST(answer(d, request("list_statistics"), reader).find(R"("result")") != std::string::npos);
    BOOST_TEST(answer(d, request("reset_statistics", R"([["rcv_requests"]])"), reader).find("-32003") !=
               std::string::npos);
    BOOST_TEST(answer(d, request("reset_all_statistics"), reader).find("-32003") != std::string::npos);
    BOOST_TEST(core.rcv_requests.value() == 120u);
}

BOOST_AUTO_TEST_SUITE_END()

BOOST_AUTO_TEST_CASE(the_4x_names_with_the_3x_names_as_aliases) {
    fixture f;
    mi::dispatcher const d(modular, f.stats);
    BOOST_TEST(answer(d, request("statistics:get", R"([["rcv_replies"]])")) == result(R"({"core:rcv_replies":7})"));
    BOOST_TEST(answer(d, request("get_statistics", R"([["rcv_replies"]])")) == result(R"({"core:rcv_replies":7})"));
    BOOST_TEST(answer(d, request("statistics:list", R"([["rcv_replies"]])")) == result(R"({"rcv_replies":"incremental"})"));
    BOOST_TEST(answer(d, request("list_statistics", R"([["rcv_replies"]])")) == result(R"({"rcv_replies":"incremental"})"));
    BOOST_TEST(answer(d, request("statistics:reset", R"([["rcv_replies"]])")) == result(R"("OK")"));
    BOOST_TEST(f.core.rcv_replies.value() == 0u);
    BOOST_TEST(answer(d, request("statistics:reset_all")) == result(R"("OK")"));
    BOOST_TEST(answer(d, request("reset_all_statistics")) == result(R"("OK")"));
    BOOST_TEST(f.core.rcv_requests.value() == 0u);
    BOOST_TEST(answer(d, request("which", R"(["statistics:"])")) ==
               result(R"(["statistics:get","statistics:list","statistics:reset","statistics:reset_all"])"));
    BOOST_TEST(answer(d, request("which", R"(["get_statistics"])")) == result(R"([["statistics"]])"));
}

BOOST_AUTO_TEST_CASE(the_3x_set_lists_the_four_commands_with_their_help) {
    mi::statistics stats;
    mi::dispatcher const d(flat, stats);
    BOOST_TEST(answer(d, request("which")) ==
               result(R"(["get_statistics","list_statistics","reset_statistics","reset_all_statistics","which","help",)"
                      R"("rpc.discover"])"));
    BOOST_TEST(answer(d, request("which", R"(["list_statistics"])")) == result(R"([[],["statistics"]])"));
    BOOST_TEST(answer(d, request("help", R"(["reset_all_statistics"])")) ==
               result(R"({"Help":"sets every counter back to zero","Exported by":"core"})"));
    BOOST_TEST(answer(d, request("get_statistics", R"([["all"]])")) == error(404, "Statistics Not Found"));
}

BOOST_AUTO_TEST_CASE(a_name_is_declared_once_whatever_its_case) {
    mi::statistics stats;
    stats.add_group<core_statistics>("core");
    BOOST_CHECK_THROW(stats.add_counter("CORE", "Rcv_Requests"), std::invalid_argument);
    BOOST_CHECK_THROW(stats.add_group<core_statistics>("core"), std::invalid_argument);
    BOOST_CHECK_THROW(stats.add_computed("core", "active_dialogs", [] { return std::uint64_t(1); }),
                      std::invalid_argument);
    BOOST_CHECK_THROW(stats.add_gauge("core:x", "y"), std::invalid_argument);
    BOOST_CHECK_THROW(stats.add_gauge("x", ""), std::invalid_argument);
    BOOST_CHECK_THROW(stats.add_computed("x", "y", {}), std::invalid_argument);
    BOOST_TEST(stats.size() == 3u); // the refused group added nothing
    stats.add_gauge("core", "other");
    BOOST_TEST(stats.size() == 4u);
    // a group refused at its second member takes back its first, whose name stays free
    stats.add_gauge("tm", "RCV_REPLIES");
    BOOST_CHECK_THROW(stats.add_group<core_statistics>("tm"), std::invalid_argument);
    BOOST_TEST(stats.size() == 5u);
    BOOST_CHECK_NO_THROW(stats.add_counter("tm", "rcv_requests"));
}

BOOST_AUTO_TEST_CASE(each_visits_in_declaration_order_and_each_selected_as_get_selects) {
    fixture f;
    std::vector<std::string> seen;
    f.stats.each([&](mi::statistic_view const& s) { seen.push_back(std::string(s.group) + ':' + std::string(s.name)); });
    BOOST_TEST(seen == (std::vector<std::string>{"core:rcv_requests", "core:rcv_replies", "core:active_dialogs",
                                                 "shmem:fragments", "peers:Peer_1_calls", "shmem:used_size"}),
               boost::test_tools::per_element());
    std::vector<mi::statistic_kind> kinds;
    std::string help;
    f.stats.each_selected({"used_size", "core:rcv_requests"}, [&](mi::statistic_view const& s) {
        kinds.push_back(s.kind);
        help += std::string(s.help) + ';';
    });
    BOOST_TEST((kinds == std::vector{mi::statistic_kind::computed, mi::statistic_kind::counter}));
    BOOST_TEST(help == "bytes of shared memory in use;requests received;");
}

BOOST_AUTO_TEST_CASE(each_statistic_has_a_cache_line_of_its_own) {
    static_assert(alignof(mi::counter) == 64 && sizeof(mi::counter) == 64);
    static_assert(alignof(mi::gauge) == 64 && sizeof(mi::gauge) == 64);
    core_statistics group;
    auto const a = reinterpret_cast<std::uintptr_t>(&group.rcv_requests);
    auto const b = reinterpret_cast<std::uintptr_t>(&group.rcv_replies);
    BOOST_TEST(a / 64 != b / 64);
}

// Two threads count 10^7 times each on two statistics while a third reads through the commands and `each`:
// no increment is lost, and the reader only ever sees values that grow.
BOOST_AUTO_TEST_CASE(increments_from_two_threads_are_never_lost_while_read) {
    fixture f;
    f.stats.reset_all();
    constexpr std::uint64_t rounds = 10'000'000;
    std::atomic<bool> done{false};
    bool grew = true; // read after join: Boost.Test checks belong on the main thread
    std::thread reader([&] {
        std::uint64_t last = 0;
        while (!done.load()) {
            (void)answer(f.d, request("get_statistics", R"([["all"]])"));
            std::uint64_t total = 0;
            f.stats.each([&](mi::statistic_view const& s) {
                if (s.group == "core" && s.name == "rcv_requests") total = s.value;
            });
            grew = grew && total >= last;
            last = total;
        }
    });
    auto count = [&](mi::counter& c, mi::counter& shared) {
        for (std::uint64_t i = 0; i < rounds; ++i) {
            c.increment();
            if (i % 16 == 0) shared.increment();
        }
    };
    std::thread one([&] { count(f.core.rcv_requests, f.peer); });
    std::thread two([&] { count(f.core.rcv_replies, f.peer); });
    one.join();
    two.join();
    done = true;
    reader.join();
    BOOST_TEST(grew);
    BOOST_TEST(f.core.rcv_requests.value() == rounds);
    BOOST_TEST(f.core.rcv_replies.value() == rounds);
    BOOST_TEST(f.peer.value() == 2 * (rounds / 16));
}

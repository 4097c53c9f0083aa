// Copyright (c) 2026 the mi authors. Distributed under the Boost Software License, Version 1.0.
// SPDX-License-Identifier: BSL-1.0
//
// The Prometheus endpoint: the exact text of the exposition in every group mode, names sanitized as OpenSIPS's
// module does, HELP text and label values escaped, OpenMetrics when asked for, and promtool's verdict on it.
#include <mi/transport/prometheus.hpp>

#define BOOST_TEST_MODULE transport_prometheus
#include <boost/test/unit_test.hpp>

#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <string>
#include <sys/wait.h>
#include <unistd.h>

namespace http = mi::http::beast_http;
namespace prom = mi::prometheus;

namespace {

struct core_statistics {
    mi::counter rcv_requests{"requests received"};
    mi::gauge active_dialogs{"dialogs \"in\" progress\nnow, C:\\"};
};
BOOST_DESCRIBE_STRUCT(core_statistics, (), (rcv_requests, active_dialogs))

struct fixture {
    mi::statistics stats;
    fixture() {
        auto& core = stats.add_group<core_statistics>("core");
        core.rcv_requests.increment(120);
        core.active_dialogs.set(3);
        stats.add_counter("tm", "rcv_requests").increment(5); // the same name in another group
        stats.add_computed("shmem", "used-size", [] { return std::uint64_t(4096); });
        stats.add_counter("load", "1min").increment(1);
    }
};

// promtool's exit status for `text` on its standard input: 0 clean, 3 lint problems only, 1 format errors. Its
// report goes to `report`.
int promtool(std::string const& text, std::string& report) {
    auto const dir = std::filesystem::temp_directory_path() / ("mi-promtool-" + std::to_string(::getpid()));
    std::filesystem::create_directories(dir);
    std::ofstream(dir / "in") << text;
    std::string const command = "promtool check metrics < '" + (dir / "in").string() + "' > '" +
                                (dir / "out").string() + "' 2>&1";
    int const status = std::system(command.c_str());
    std::ifstream out(dir / "out");
    report.assign(std::istreambuf_iterator<char>(out), {});
    std::filesystem::remove_all(dir);
    return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

} // namespace

BOOST_FIXTURE_TEST_SUITE(exposition_text, fixture)

BOOST_AUTO_TEST_CASE(group_mode_none_is_opensips_default) {
    BOOST_TEST(prom::exposition(stats) == "# HELP opensips_rcv_requests requests received\n"
                                    "# TYPE opensips_rcv_requests counter\n"
                                    "opensips_rcv_requests 120\n"
                                    "opensips_rcv_requests 5\n"
                                    "# HELP opensips_active_dialogs dialogs \"in\" progress\\nnow, C:\\\\\n"
                                    "# TYPE opensips_active_dialogs gauge\n"
                                    "opensips_active_dialogs 3\n"
                                    "# TYPE opensips_used_size gauge\n"
                                    "opensips_used_size 4096\n"
                                    "# TYPE opensips_1min counter\n"
                                    "opensips_1min 1\n");
}

BOOST_AUTO_TEST_CASE(group_mode_name_puts_the_group_in_the_name) {
    prom::naming n;
    n.group_mode = prom::group_mode::name;
    n.group_prefix = "g";
    n.prefix = "mi";
    n.delimiter = "__";
    BOOST_TEST(prom::exposition(stats, n) == "# HELP mi__gcore__rcv_requests requests received\n"
                                       "# TYPE mi__gcore__rcv_requests counter\n"
                                       "mi__gcore__rcv_requests 120\n"
                                       "# HELP mi__gcore__active_dialogs dialogs \"in\" progress\\nnow, C:\\\\\n"
                                       "# TYPE mi__gcore__active_dialogs gauge\n"
                                       "mi__gcore__active_dialogs 3\n"
                                       "# TYPE mi__gtm__rcv_requests counter\n"
                                       "mi__gtm__rcv_requests 5\n"
                                       "# TYPE mi__gshmem__used_size gauge\n"
                                       "mi__gshmem__used_size 4096\n"
                                       "# TYPE mi__gload__1min counter\n"
                                       "mi__gload__1min 1\n");
}

BOOST_AUTO_TEST_CASE(group_mode_label_keeps_one_family_per_name) {
    prom::naming n;
    n.group_mode = prom::group_mode::label;
    n.group_label = "module";
    n.group_prefix = "os\"_";
    n.total_suffix = true;
    BOOST_TEST(prom::exposition(stats, n) == "# HELP opensips_rcv_requests_total requests received\n"
                                       "# TYPE opensips_rcv_requests_total counter\n"
                                       "opensips_rcv_requests_total{module=\"os\\\"_core\"} 120\n"
                                       "opensips_rcv_requests_total{module=\"os\\\"_tm\"} 5\n"
                                       "# HELP opensips_active_dialogs dialogs \"in\" progress\\nnow, C:\\\\\n"
                                       "# TYPE opensips_active_dialogs gauge\n"
                                       "opensips_active_dialogs{module=\"os\\\"_core\"} 3\n"
                                       "# TYPE opensips_used_size gauge\n"
                                       "opensips_used_size{module=\"os\\\"_shmem\"} 4096\n"
                                       "# TYPE opensips_1min_total counter\n"
                                       "opensips_1min_total{module=\"os\\\"_load\"} 1\n");
}

BOOST_AUTO_TEST_CASE(names_are_sanitized_and_never_start_with_a_digit) {
    prom::naming n;
    n.prefix = "";
    n.delimiter = "";
    n.statistics = {"load:", "used-size"};
    BOOST_TEST(prom::exposition(stats, n) == "# TYPE _1min counter\n_1min 1\n# TYPE used_size gauge\nused_size 4096\n");
    n.prefix = "my.daemon";
    n.delimiter = "-";
    n.statistics = {"used-size"};
    BOOST_TEST(prom::exposition(stats, n) == "# TYPE my_daemon_used_size gauge\nmy_daemon_used_size 4096\n");
}

BOOST_AUTO_TEST_CASE(statistics_choose_what_is_served_as_get_statistics_selects) {
    prom::naming n;
    n.statistics = {"TM:", "active_dialogs"};
    BOOST_TEST(prom::exposition(stats, n) == "# TYPE opensips_rcv_requests counter\n"
                                       "opensips_rcv_requests 5\n"
                                       "# HELP opensips_active_dialogs dialogs \"in\" progress\\nnow, C:\\\\\n"
                                       "# TYPE opensips_active_dialogs gauge\n"
                                       "opensips_active_dialogs 3\n");
    n.statistics = {"nothing"};
    BOOST_TEST(prom::exposition(stats, n).empty());
}

BOOST_AUTO_TEST_CASE(openmetrics_names_counter_samples_total_and_ends_with_eof) {
    prom::naming n;
    n.group_mode = prom::group_mode::label;
    n.statistics = {"core:"};
    n.total_suffix = true; // OpenMetrics writes _total on the sample whatever this says
    BOOST_TEST(prom::exposition(stats, n, prom::format::openmetrics) ==
               "# HELP opensips_rcv_requests requests received\n"
               "# TYPE opensips_rcv_requests counter\n"
               "opensips_rcv_requests_total{group=\"core\"} 120\n"
               "# HELP opensips_active_dialogs dialogs \\\"in\\\" progress\\nnow, C:\\\\\n"
               "# TYPE opensips_active_dialogs gauge\n"
               "opensips_active_dialogs{group=\"core\"} 3\n"
               "# EOF\n");
}

BOOST_AUTO_TEST_CASE(a_group_label_that_is_no_label_name_is_refused) {
    prom::naming n;
    n.group_mode = prom::group_mode::label;
    for (auto const* bad : {"", "__group", "1group", "gr-oup", "gr:oup"}) {
        n.group_label = bad;
        BOOST_CHECK_THROW((void)prom::exposition(stats, n), std::invalid_argument);
        BOOST_CHECK_THROW(prom::endpoint(stats, {"metrics", n, false}), std::invalid_argument);
    }
}

BOOST_AUTO_TEST_SUITE_END()

BOOST_FIXTURE_TEST_SUITE(promtool_verdict, fixture)

BOOST_AUTO_TEST_CASE(promtool_finds_no_format_error_in_any_mode) {
    for (auto mode : {prom::group_mode::none, prom::group_mode::name, prom::group_mode::label}) {
        prom::naming n;
        n.group_mode = mode;
        std::string report;
        BOOST_TEST(promtool(prom::exposition(stats, n), report) != 1, report);
    }
}

BOOST_AUTO_TEST_CASE(with_total_suffix_and_help_texts_promtool_is_silent) {
    mi::statistics clean;
    clean.add_group<core_statistics>("core").rcv_requests.increment();
    clean.add_computed("shmem", "used_size", [] { return std::uint64_t(1); }, "bytes in use");
    prom::naming n;
    n.group_mode = prom::group_mode::label;
    n.total_suffix = true;
    std::string report;
    BOOST_TEST(promtool(prom::exposition(clean, n), report) == 0, report);
}

BOOST_AUTO_TEST_CASE(without_the_suffix_its_only_lint_is_the_opensips_naming) {
    mi::statistics opensips_like;
    opensips_like.add_counter("core", "rcv_requests", "requests received").increment();
    std::string report;
    BOOST_TEST(promtool(prom::exposition(opensips_like), report) == 3);
    BOOST_TEST(report == "opensips_rcv_requests counter metrics should have \"_total\" suffix\n");
}

BOOST_AUTO_TEST_SUITE_END()

BOOST_FIXTURE_TEST_SUITE(endpoint, fixture)

BOOST_AUTO_TEST_CASE(get_serves_the_text_format_under_its_root) {
    prom::endpoint const e(stats, {"/metrics/", {}, false});
    BOOST_TEST(e.root() == "metrics");
    std::string scratch;
    auto const r = e.route({http::verb::get, "/metrics", {}, {}, "text/plain"}, scratch);
    BOOST_TEST(r.call.empty());
    BOOST_TEST(r.now.status == http::status::ok);
    BOOST_TEST(r.now.content_type == "text/plain; version=0.0.4; charset=utf-8");
    BOOST_TEST(r.now.body == prom::exposition(stats));
}

// what Prometheus 2.42 sends
constexpr std::string_view prometheus_accept = "application/openmetrics-text;version=1.0.0,application/openmetrics-text;"
                                               "version=0.0.1;q=0.75,text/plain;version=0.0.4;q=0.5,*/*;q=0.1";

BOOST_AUTO_TEST_CASE(openmetrics_when_enabled_and_the_scraper_asks_for_it) {
    prom::options o;
    o.openmetrics = true;
    prom::endpoint const e(stats, o);
    std::string scratch;
    auto const r = e.route({http::verb::get, "/metrics", {}, {}, prometheus_accept}, scratch);
    BOOST_TEST(r.now.content_type == "application/openmetrics-text; version=1.0.0; charset=utf-8");
    BOOST_TEST(r.now.body == prom::exposition(stats, {}, prom::format::openmetrics));
    auto const plain = e.route({http::verb::get, "/metrics", {}, {}, "text/plain"}, scratch);
    BOOST_TEST(plain.now.content_type == "text/plain; version=0.0.4; charset=utf-8");
}

BOOST_AUTO_TEST_CASE(by_default_the_text_format_whatever_is_asked_as_opensips_serves) {
    prom::endpoint const e(stats);
    std::string scratch;
    auto const r = e.route({http::verb::get, "/metrics", {}, {}, prometheus_accept}, scratch);
    BOOST_TEST(r.now.content_type == "text/plain; version=0.0.4; charset=utf-8");
    BOOST_TEST(r.now.body == prom::exposition(stats));
}

BOOST_AUTO_TEST_CASE(values_and_statistics_added_later_are_read_when_the_scrape_comes) {
    prom::naming n;
    n.statistics = {"tm:"};
    prom::endpoint const e(stats, {"metrics", n, false});
    std::string scratch;
    BOOST_TEST(e.route({http::verb::get, "/metrics", {}, {}, {}}, scratch).now.body ==
               "# TYPE opensips_rcv_requests counter\nopensips_rcv_requests 5\n");
    stats.add_counter("tm", "later").increment(9);
    BOOST_TEST(e.route({http::verb::get, "/metrics", {}, {}, {}}, scratch).now.body ==
               "# TYPE opensips_rcv_requests counter\nopensips_rcv_requests 5\n"
               "# TYPE opensips_later counter\nopensips_later 9\n");
}

BOOST_AUTO_TEST_CASE(head_is_served_and_other_methods_are_405) {
    prom::endpoint const e(stats);
    std::string scratch;
    auto const r = e.route({http::verb::post, "/metrics", "application/json", "{}", {}}, scratch);
    BOOST_TEST(r.now.status == http::status::method_not_allowed);
    BOOST_TEST(r.now.body.empty());
    BOOST_REQUIRE(r.now.headers.size() == 1u);
    BOOST_TEST(r.now.headers.front().second == "GET, HEAD");
    BOOST_TEST(e.accepts(http::verb::head)); // the server strips the body of the GET answer
    BOOST_TEST(e.route({http::verb::head, "/metrics", {}, {}, {}}, scratch).now.status == http::status::ok);
    BOOST_TEST(!e.accepts(http::verb::put));
}

BOOST_AUTO_TEST_SUITE_END()

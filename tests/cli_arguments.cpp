// Copyright (c) 2026 the mi authors. Distributed under the Boost Software License, Version 1.0.
// SPDX-License-Identifier: BSL-1.0
//
// mi-cli turns words into params and results into text exactly as opensips-cli does (spec 7.6).
#include "../examples/cli/arguments.hpp"

#define BOOST_TEST_MODULE cli_arguments
#include <boost/test/unit_test.hpp>

#include <boost/json/serialize.hpp>

namespace {
std::string params(std::string_view command, std::vector<std::string> args, bool json_args = false) {
    return boost::json::serialize(mi_cli::params_of(command, args, json_args));
}
std::string pretty(std::string_view json) {
    std::string out;
    mi_cli::pretty(out, boost::json::parse(json));
    return out;
}
} // namespace

BOOST_AUTO_TEST_CASE(the_requests_observed_from_opensips_cli) {
    BOOST_TEST(params("uptime", {}) == "{}");
    BOOST_TEST(params("get_statistics", {"core:", "tm:"}) == R"([["core:","tm:"]])");
    BOOST_TEST(params("get_statistics", {"statistics=core: shmem:"}) == R"({"statistics":["core:","shmem:"]})");
    BOOST_TEST(params("log_level", {"level=2", "pid=1"}) == R"({"level":"2","pid":"1"})");
    BOOST_TEST(params("echo", {"a=1", "b"}) == R"(["a=1","b"])");
    BOOST_TEST(params("echo", {"5", R"({"x":1})"}, true) == R"([5,{"x":1}])");
    BOOST_TEST(params("get_statistics", {R"(["core:"])"}, true) == R"([["core:"]])");
}

BOOST_AUTO_TEST_CASE(named_form_rules) {
    BOOST_TEST(params("x", {"a1=2"}) == R"(["a1=2"])"); // digits make a name positional
    BOOST_TEST(params("x", {"a=x=y"}) == R"({"a":"x=y"})");
    BOOST_TEST(params("x", {"a="}) == R"({"a":""})");
    BOOST_TEST(params("x", {"a.b-c_d=1"}) == R"({"a.b-c_d":"1"})");
    BOOST_TEST(params("x", {"=1"}) == R"(["=1"])");
    BOOST_TEST(params("x", {"level=4"}, true) == R"({"level":"4"})"); // never decoded, even with -j
    BOOST_TEST(params("get_statistics", {"statistics=core:"}, true) == R"({"statistics":"core:"})");
    BOOST_TEST(params("get_statistics", {R"(statistics='a b' "c d" e\ f)"}) == R"({"statistics":["a b","c d","e f"]})");
}

BOOST_AUTO_TEST_CASE(positional_array_parameters) {
    BOOST_TEST(params("raise_event", {"E_X", "a", "b"}) == R"(["E_X",["a","b"]])");
    BOOST_TEST(params("evi:raise", {"E_X"}) == R"(["E_X"])");
    BOOST_TEST(params("statistics:get", {"core:"}) == R"([["core:"]])");
    BOOST_TEST(params("dlg_push_var", {"a", "b", "c", "d"}) == R"(["a","b",["c","d"]])");
    BOOST_TEST(params("echo", {"5"}, true) == "[5]");
    BOOST_TEST(params("echo", {"abc"}, true) == R"(["abc"])");
}

BOOST_AUTO_TEST_CASE(shell_words) {
    using v = std::vector<std::string>;
    BOOST_TEST((mi_cli::split_words("  a  'b c'  \"d\\\"e\" ") == v{"a", "b c", "d\"e"}));
    BOOST_TEST((mi_cli::split_words("''") == v{""}));
    BOOST_CHECK_THROW(mi_cli::split_words("'open"), std::invalid_argument);
}

BOOST_AUTO_TEST_CASE(pretty_print_is_pythons_json_dumps_with_indent_4) {
    BOOST_TEST(pretty(R"({"a":1,"b":[1,"x"],"c":{},"d":[]})") ==
               "{\n    \"a\": 1,\n    \"b\": [\n        1,\n        \"x\"\n    ],\n    \"c\": {},\n    \"d\": []\n}");
    BOOST_TEST(pretty(R"("caf\u00e9 \ud83d\ude00")") == R"("caf\u00e9 \ud83d\ude00")");
    BOOST_TEST(pretty("true") == "true");
    BOOST_TEST(pretty("null") == "null");
}

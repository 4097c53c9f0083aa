// Copyright (c) 2026 the mi authors. Distributed under the Boost Software License, Version 1.0.
// SPDX-License-Identifier: BSL-1.0
//
// mi-cli turns words into params, configuration into a target, and results into text exactly as opensips-cli
// does (spec 7.5, 7.6).
#include "../examples/cli/arguments.hpp"
#include "../examples/cli/output.hpp"
#include "../examples/cli/settings.hpp"

#define BOOST_TEST_MODULE cli_arguments
#include <boost/test/unit_test.hpp>

#include <boost/json/serialize.hpp>

namespace {
std::string params(std::string_view command, std::vector<std::string> args, bool json_args = false) {
    return boost::json::serialize(mi_cli::params_of(command, args, json_args));
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

// What Python prints for each output type (generated with python3's json, str(), opensips-cli's print_lines and
// PyYAML 6 yaml.dump(default_flow_style=False)): a result's text is opensips-cli's, character for character.
struct printed {
    std::string_view json, pretty_print, dictionary, lines, yaml;
};
printed const python_output[] = {
    {R"json({"b":1,"a":[1,2.5,{"x":null,"y":true}],"c":{},"d":[],"e":"yes","f":"it's","g":"","h":"a: b","k":"caf\u00e9 \ud83d\ude00","l":1e20,"m":-0.0001,"n":"x\ny","o":"2001-12-14","p":[[1,2],[]],"q":"say \"hi\" it's","r":" lead","t":"a #b","u":"tab\there","v":12345678901234567,"w":"-x","z":"- x"})json",
     "{\n    \"b\": 1,\n    \"a\": [\n        1,\n        2.5,\n        {\n            \"x\": null,\n            \"y\": true\n        }\n    ],\n    \"c\": {},\n    \"d\": [],\n    \"e\": \"yes\",\n    \"f\": \"it's\",\n    \"g\": \"\",\n    \"h\": \"a: b\",\n    \"k\": \"caf\\u00e9 \\ud83d\\ude00\",\n    \"l\": 1e+20,\n    \"m\": -0.0001,\n    \"n\": \"x\\ny\",\n    \"o\": \"2001-12-14\",\n    \"p\": [\n        [\n            1,\n            2\n        ],\n        []\n    ],\n    \"q\": \"say \\\"hi\\\" it's\",\n    \"r\": \" lead\",\n    \"t\": \"a #b\",\n    \"u\": \"tab\\there\",\n    \"v\": 12345678901234567,\n    \"w\": \"-x\",\n    \"z\": \"- x\"\n}\n",
     "{'b': 1, 'a': [1, 2.5, {'x': None, 'y': True}], 'c': {}, 'd': [], 'e': 'yes', 'f': \"it's\", 'g': '', 'h': 'a: b', 'k': 'café 😀', 'l': 1e+20, 'm': -0.0001, 'n': 'x\\ny', 'o': '2001-12-14', 'p': [[1, 2], []], 'q': 'say \"hi\" it\\'s', 'r': ' lead', 't': 'a #b', 'u': 'tab\\there', 'v': 12345678901234567, 'w': '-x', 'z': '- x'}\n",
     "b: 1\na:\n    1\n    2.5\n    x: None\n    y: True\nc:\nd:\ne: yes\nf: it's\ng: \nh: a: b\nk: café 😀\nl: 1e+20\nm: -0.0001\nn: x\ny\no: 2001-12-14\np:\n    1\n    2\nq: say \"hi\" it's\nr:  lead\nt: a #b\nu: tab\there\nv: 12345678901234567\nw: -x\nz: - x\n",
     "a:\n- 1\n- 2.5\n- x: null\n  y: true\nb: 1\nc: {}\nd: []\ne: 'yes'\nf: it's\ng: ''\nh: 'a: b'\nk: \"caf\\xE9 \\U0001F600\"\nl: 1.0e+20\nm: -0.0001\nn: 'x\n\n  y'\no: '2001-12-14'\np:\n- - 1\n  - 2\n- []\nq: say \"hi\" it's\nr: ' lead'\nt: 'a #b'\nu: \"tab\\there\"\nv: 12345678901234567\nw: -x\nz: '- x'\n"},
    {R"json("word word word word word word word word word word word word word word word word word word word word end")json",
     "\"word word word word word word word word word word word word word word word word word word word word end\"\n",
     "word word word word word word word word word word word word word word word word word word word word end\n",
     "word word word word word word word word word word word word word word word word word word word word end\n",
     "word word word word word word word word word word word word word word word word word\n  word word word end\n...\n"},
    {R"json({"k":{"n":"word word word word word word word word word word word word word word word word word word word"}})json",
     "{\n    \"k\": {\n        \"n\": \"word word word word word word word word word word word word word word word word word word word\"\n    }\n}\n",
     "{'k': {'n': 'word word word word word word word word word word word word word word word word word word word'}}\n",
     "k:\n    n: word word word word word word word word word word word word word word word word word word word\n",
     "k:\n  n: word word word word word word word word word word word word word word word word\n    word word word\n"},
    {R"json([1, "x", false, null, 1.5])json",
     "[\n    1,\n    \"x\",\n    false,\n    null,\n    1.5\n]\n",
     "[1, 'x', False, None, 1.5]\n",
     "1\nx\nFalse\nNone\n1.5\n",
     "- 1\n- x\n- false\n- null\n- 1.5\n"},
    {R"json("plain")json",
     "\"plain\"\n",
     "plain\n",
     "plain\n",
     "plain\n...\n"},
    {R"json(5)json",
     "5\n",
     "5\n",
     "5\n",
     "5\n...\n"},
    {R"json({})json",
     "{}\n",
     "{}\n",
     "",
     "{}\n"},
    {R"json([])json",
     "[]\n",
     "[]\n",
     "",
     "[]\n"},
    {R"json(null)json",
     "null\n",
     "None\n",
     "None\n",
     "null\n...\n"},
    {R"json(3.0)json",
     "3.0\n",
     "3.0\n",
     "3.0\n",
     "3.0\n...\n"},
    {R"json(123456789012345.0)json",
     "123456789012345.0\n",
     "123456789012345.0\n",
     "123456789012345.0\n",
     "123456789012345.0\n...\n"},
    {R"json(1.5e-07)json",
     "1.5e-07\n",
     "1.5e-07\n",
     "1.5e-07\n",
     "1.5e-07\n...\n"},
    {R"json({"tab\there word word word word word word word word word word word word word word word word word end":"tab\there word word word word word word word word word word word word word word word word word word word word  end"})json",
     "{\n    \"tab\\there word word word word word word word word word word word word word word word word word end\": \"tab\\there word word word word word word word word word word word word word word word word word word word word  end\"\n}\n",
     "{'tab\\there word word word word word word word word word word word word word word word word word end': 'tab\\there word word word word word word word word word word word word word word word word word word word word  end'}\n",
     "tab\there word word word word word word word word word word word word word word word word word end: tab\there word word word word word word word word word word word word word word word word word word word word  end\n",
     "\"tab\\there word word word word word word word word word word word word word word word word word end\": \"tab\\t\\\n  here word word word word word word word word word word word word word word word\\\n  \\ word word word word word  end\"\n"},
};

BOOST_AUTO_TEST_CASE(every_output_type_prints_what_opensips_cli_prints) {
    using mi_cli::output_type;
    for (auto const& p : python_output) {
        auto const v = boost::json::parse(p.json);
        BOOST_TEST_CONTEXT(p.json) {
            BOOST_TEST(mi_cli::render(v, output_type::pretty_print) == p.pretty_print);
            BOOST_TEST(mi_cli::render(v, output_type::dictionary) == p.dictionary);
            BOOST_TEST(mi_cli::render(v, output_type::lines) == p.lines);
            BOOST_TEST(mi_cli::render(v, output_type::yaml) == p.yaml);
            BOOST_TEST(mi_cli::render(v, output_type::none).empty());
        }
    }
}

BOOST_AUTO_TEST_CASE(configuration_files_as_opensips_cli_reads_them) {
    mi_cli::settings s;
    BOOST_TEST(std::get<mi::client::fifo_options>(s.target()).path == "/tmp/opensips_fifo"); // the fallback
    s.read("# comment\n[default]\ncommunication_type = datagram\nDatagram_Port: 9090\noutput_type = yaml\n"
           "[lab]\ncommunication_type = http\nurl = http://127.0.0.1:1/mi\n ; an indented comment line\n",
           "default");
    BOOST_TEST(std::get<mi::client::datagram_options>(s.target()).socket == "udp:127.0.0.1:9090");
    BOOST_TEST(std::get<mi::client::datagram_options>(s.target()).timeout.count() == 1000);
    BOOST_TEST((s.output() == mi_cli::output_type::yaml));

    mi_cli::settings lab;
    lab.read("[default]\noutput_type = lines\n[lab]\ncommunication_type = http\nurl = http://h:1/mi\n", "lab");
    BOOST_TEST(std::get<mi::client::http_options>(lab.target()).url == "http://h:1/mi");
    BOOST_TEST((lab.output() == mi_cli::output_type::lines)); // [default] applies to every instance
    lab.set("OUTPUT_TYPE", "none");
    BOOST_TEST((lab.output() == mi_cli::output_type::none));
    lab.set("communication_type", "datagram");
    lab.set("datagram_unix_socket", "/run/x.sock");
    lab.set("datagram_timeout", "0.25");
    BOOST_TEST(std::get<mi::client::datagram_options>(lab.target()).socket == "/run/x.sock");
    BOOST_TEST(std::get<mi::client::datagram_options>(lab.target()).timeout.count() == 250);

    mi_cli::settings bad;
    BOOST_CHECK_THROW(bad.read("[default]\nnot a setting\n", "default"), std::runtime_error);
    BOOST_CHECK_THROW(bad.read("key = before any section\n", "default"), std::runtime_error);
    BOOST_CHECK_THROW(bad.read("[default]\n", "absent"), std::runtime_error);
    bad.set("output_type", "xml");
    BOOST_CHECK_THROW(bad.output(), std::runtime_error);
    bad.set("communication_type", "pigeon");
    BOOST_CHECK_THROW(bad.target(), std::runtime_error);
    bad.set("communication_type", "datagram");
    bad.set("datagram_timeout", "soon");
    BOOST_CHECK_THROW(bad.target(), std::runtime_error);
}

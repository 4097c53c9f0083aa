// Copyright (c) 2026 the mi authors. Distributed under the Boost Software License, Version 1.0.
// SPDX-License-Identifier: BSL-1.0
//
// The XML-RPC translation layer (spec 6.5): <methodCall> to JSON-RPC request, JSON-RPC response to
// <methodResponse>, and the documents it must refuse.
#include <mi/transport/detail/xmlrpc_codec.hpp>

#define BOOST_TEST_MODULE xmlrpc_codec
#include <boost/test/unit_test.hpp>

#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>
#include <boost/json/value.hpp>

#include <chrono>
#include <cstdio>
#include <string>
#include <string_view>

namespace {

using mi::xmlrpc::detail::call_status;

struct translated {
    call_status status;
    std::string json;
};

translated translate(std::string_view xml) {
    translated t{call_status::ok, "not cleared"};
    t.status = mi::xmlrpc::detail::translate_call(xml, t.json);
    return t;
}

// The JSON `params` of a call whose <params> hold `params_xml`; fails the test if the call is refused.
std::string params_of(std::string_view params_xml) {
    std::string xml = "<?xml version=\"1.0\"?><methodCall><methodName>m</methodName><params>";
    xml += params_xml;
    xml += "</params></methodCall>";
    auto const t = translate(xml);
    BOOST_TEST((t.status == call_status::ok), params_xml);
    std::string_view const prefix = R"({"jsonrpc":"2.0","id":1,"method":"m","params":)";
    BOOST_TEST(t.json.starts_with(prefix), t.json);
    return t.json.starts_with(prefix) ? t.json.substr(prefix.size(), t.json.size() - prefix.size() - 1) : t.json;
}

// The JSON of one positional param given as the content of its <value>.
std::string value_of(std::string_view value_xml) {
    std::string const params = params_of("<param><value>" + std::string(value_xml) + "</value></param>");
    return params.size() >= 2 ? params.substr(1, params.size() - 2) : params;
}

call_status status_of_params(std::string_view params_xml) {
    std::string xml = "<methodCall><methodName>m</methodName><params>";
    xml += params_xml;
    xml += "</params></methodCall>";
    return translate(xml).status;
}

call_status status_of_value(std::string_view value_xml) {
    return status_of_params("<param><value>" + std::string(value_xml) + "</value></param>");
}

std::string response(std::string_view json) {
    std::string xml = "stale";
    mi::xmlrpc::detail::write_response(json, xml);
    return xml;
}

std::string fault(int code, std::string_view message) {
    std::string xml = "stale";
    mi::xmlrpc::detail::write_fault(code, message, xml);
    return xml;
}

// The success layout around one result value.
std::string success(std::string_view value_xml) {
    return "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\r\n<methodResponse>\r\n<params><param>\r\n" +
           std::string(value_xml) + "</param></params>\r\n</methodResponse>\r\n";
}

// The fault layout of spec 6.5, line by line.
std::string fault_layout(std::string_view code, std::string_view text) {
    return "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\r\n"
           "<methodResponse>\r\n"
           "<fault><value>\r\n"
           "<struct>\r\n"
           "<member>\r\n"
           "<name>faultCode</name>\r\n"
           "<value><int>" +
           std::string(code) +
           "</int></value>\r\n"
           "</member>\r\n"
           "<member>\r\n"
           "<name>faultString</name>\r\n"
           "<value><string>" +
           std::string(text) +
           "</string></value>\r\n"
           "</member>\r\n"
           "</struct>\r\n"
           "</value>\r\n"
           "</fault>\r\n"
           "</methodResponse>\r\n";
}

long long milliseconds_since(std::chrono::steady_clock::time_point start) {
    return std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() - start).count();
}

} // namespace

// --- calls: the spec's and Python's documents ---------------------------------------------------------------

BOOST_AUTO_TEST_CASE(the_spec_get_statistics_call_gives_named_params) {
    auto const t = translate(R"(<?xml version="1.0"?>
<methodCall>
  <methodName>get_statistics</methodName>
  <params>
    <param><value><struct>
      <member><name>statistics</name>
        <value><array><data>
          <value><string>tm:</string></value>
          <value><string>rcv_requests</string></value>
        </data></array></value>
      </member>
    </struct></value></param>
  </params>
</methodCall>
)");
    BOOST_TEST((t.status == call_status::ok));
    BOOST_TEST(t.json ==
               R"({"jsonrpc":"2.0","id":1,"method":"get_statistics","params":{"statistics":["tm:","rcv_requests"]}})");
}

BOOST_AUTO_TEST_CASE(the_spec_positional_calls) {
    auto const t = translate(R"(<?xml version="1.0"?>
<methodCall>
  <methodName>log_level</methodName>
  <params><param><value><int>4</int></value></param></params>
</methodCall>)");
    BOOST_TEST((t.status == call_status::ok));
    BOOST_TEST(t.json == R"({"jsonrpc":"2.0","id":1,"method":"log_level","params":[4]})");

    BOOST_TEST(params_of("<param><value><array><data><value><string>tm:</string></value>"
                         "<value><string>rcv_requests</string></value></data></array></value></param>") ==
               R"([["tm:","rcv_requests"]])");
}

// What `xmlrpc.client.ServerProxy(url).log_level(4)` and `.get_statistics({...})` POST (Python 3.11).
BOOST_AUTO_TEST_CASE(python_xmlrpc_client_calls) {
    auto const positional = translate("<?xml version='1.0'?>\n<methodCall>\n<methodName>log_level</methodName>\n"
                                      "<params>\n<param>\n<value><int>4</int></value>\n</param>\n</params>\n"
                                      "</methodCall>\n");
    BOOST_TEST((positional.status == call_status::ok));
    BOOST_TEST(positional.json == R"({"jsonrpc":"2.0","id":1,"method":"log_level","params":[4]})");

    auto const named = translate(
        "<?xml version='1.0'?>\n<methodCall>\n<methodName>get_statistics</methodName>\n<params>\n<param>\n"
        "<value><struct>\n<member>\n<name>statistics</name>\n<value><array><data>\n"
        "<value><string>tm:</string></value>\n<value><string>rcv_requests</string></value>\n"
        "</data></array></value>\n</member>\n</struct></value>\n</param>\n</params>\n</methodCall>\n");
    BOOST_TEST((named.status == call_status::ok));
    BOOST_TEST(named.json ==
               R"({"jsonrpc":"2.0","id":1,"method":"get_statistics","params":{"statistics":["tm:","rcv_requests"]}})");

    // xmlrpc.client.dumps((True, 0.5, None, 1e100, 'a<&>"\'é'), 'x', allow_none=True): what OpenSIPS refuses
    auto const extended = translate("<?xml version='1.0'?>\n<methodCall>\n<methodName>x</methodName>\n<params>\n"
                                    "<param>\n<value><boolean>1</boolean></value>\n</param>\n"
                                    "<param>\n<value><double>0.5</double></value>\n</param>\n"
                                    "<param>\n<value><nil/></value></param>\n"
                                    "<param>\n<value><double>1e+100</double></value>\n</param>\n"
                                    "<param>\n<value><string>a&lt;&amp;&gt;\"'\xc3\xa9</string></value>\n</param>\n"
                                    "</params>\n</methodCall>\n");
    BOOST_TEST((extended.status == call_status::ok));
    BOOST_TEST(extended.json == "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"x\","
                                "\"params\":[true,5E-1,null,1E100,\"a<&>\\\"'\xc3\xa9\"]}");
}

BOOST_AUTO_TEST_CASE(no_params_send_an_empty_array) {
    for (std::string_view xml : {"<methodCall><methodName>ps</methodName></methodCall>",
                                 "<methodCall><methodName>ps</methodName><params/></methodCall>",
                                 "<methodCall><methodName>ps</methodName><params>\n</params></methodCall>"}) {
        auto const t = translate(xml);
        BOOST_TEST((t.status == call_status::ok), xml);
        BOOST_TEST(t.json == R"({"jsonrpc":"2.0","id":1,"method":"ps","params":[]})", xml);
    }
}

BOOST_AUTO_TEST_CASE(element_names_are_matched_case_insensitively) {
    auto const t = translate("<METHODCALL><MethodName>m</MethodName><Params><PARAM><Value><STRUCT><Member>"
                             "<NAME>k</NAME><vAlUe><ARRAY><DATA><VALUE><I4>1</I4></VALUE><value><STRING>s</STRING>"
                             "</value><value><DateTime.ISO8601>x</DateTime.ISO8601></value></DATA></ARRAY></vAlUe>"
                             "</Member></STRUCT></Value></PARAM></Params></METHODCALL>");
    BOOST_TEST((t.status == call_status::ok));
    BOOST_TEST(t.json == R"({"jsonrpc":"2.0","id":1,"method":"m","params":{"k":[1,"s","x"]}})");
}

BOOST_AUTO_TEST_CASE(the_method_name_is_escaped_and_trimmed) {
    auto const t = translate("<methodCall><methodName>\n  a\"b\\c&lt;\n</methodName></methodCall>");
    BOOST_TEST((t.status == call_status::ok));
    BOOST_TEST(t.json == R"({"jsonrpc":"2.0","id":1,"method":"a\"b\\c<","params":[]})");
}

// --- calls: values ------------------------------------------------------------------------------------------

BOOST_AUTO_TEST_CASE(strings) {
    BOOST_TEST(value_of("<string>plain</string>") == R"("plain")");
    BOOST_TEST(value_of("<string> keeps  spaces </string>") == R"(" keeps  spaces ")");
    BOOST_TEST(value_of("<string>&lt;&gt;&amp;&quot;&apos;&#x41;&#66;</string>") == R"("<>&\"'AB")");
    BOOST_TEST(value_of("<string>tab\tquote\"back\\slash\nline</string>") == R"("tab\tquote\"back\\slash\nline")");
    BOOST_TEST(value_of("<string>\xc3\xa9\xe2\x82\xac</string>") == "\"\xc3\xa9\xe2\x82\xac\"");
    BOOST_TEST(value_of("<string><![CDATA[<not> &amp; markup]]></string>") == R"("<not> &amp; markup")");
    BOOST_TEST(value_of("<string>a<!-- comment --><?pi data?>b</string>") == R"("ab")");
    BOOST_TEST(value_of("<string>\r\n</string>") == R"("\n")"); // XML normalises line ends
}

BOOST_AUTO_TEST_CASE(an_empty_string_is_accepted) {
    BOOST_TEST(value_of("<string></string>") == R"("")");
    BOOST_TEST(value_of("<string/>") == R"("")");
}

// Spec 6.5: after XML decoding, a remaining `&#NN;` with exactly two decimal digits is decoded once more.
BOOST_AUTO_TEST_CASE(two_digit_references_in_strings_are_decoded_twice) {
    BOOST_TEST(value_of("<string>&amp;#65;</string>") == R"("A")");
    BOOST_TEST(value_of("<string>&#38;#66;x&amp;#09;</string>") == R"("Bx\t")");
    BOOST_TEST(value_of("<string>&amp;#9;&amp;#123;&amp;#x41;&amp;#6a;&amp;#65</string>") ==
               R"("&#9;&#123;&#x41;&#6a;&#65")");
    BOOST_TEST(value_of("<string>&amp;#38;#65;</string>") == R"("&#65;")"); // once, not again
    BOOST_TEST(value_of("<string>&amp;&amp;#65;;</string>") == R"("&A;")");
    // only <string>: names, untyped values and dates are taken as they are
    BOOST_TEST(params_of("<param><value><struct><member><name>&amp;#65;</name><value>&amp;#65;</value></member>"
                         "</struct></value></param>") == R"({"&#65;":"&#65;"})");
    BOOST_TEST(value_of("<dateTime.iso8601>&amp;#65;</dateTime.iso8601>") == R"("&#65;")");
}

BOOST_AUTO_TEST_CASE(integers_follow_the_strict_rule) {
    BOOST_TEST(value_of("<int>4</int>") == "4");
    BOOST_TEST(value_of("<i4>-17</i4>") == "-17");
    BOOST_TEST(value_of("<int>+7</int>") == "7");
    BOOST_TEST(value_of("<int>007</int>") == "7");
    BOOST_TEST(value_of("<int> \n42\t</int>") == "42");
    BOOST_TEST(value_of("<i8>9223372036854775807</i8>") == "9223372036854775807");
    BOOST_TEST(value_of("<i8>-9223372036854775808</i8>") == "-9223372036854775808");
    BOOST_TEST(value_of("<int>4294967296</int>") == "4294967296");
    for (std::string_view bad : {"", " ", "+", "-", "+-1", "-+1", "--1", "1.5", "1e3", "0x10", "12abc", "1 2",
                                 "9223372036854775808", "-9223372036854775809", "\xd9\xa1"}) {
        std::string const xml = "<int>" + std::string(bad) + "</int>";
        BOOST_TEST((status_of_value(xml) == call_status::invalid), xml);
    }
}

BOOST_AUTO_TEST_CASE(booleans) {
    BOOST_TEST(value_of("<boolean>1</boolean>") == "true");
    BOOST_TEST(value_of("<boolean>0</boolean>") == "false");
    BOOST_TEST(value_of("<boolean> 1 </boolean>") == "true");
    for (std::string_view bad : {"", "true", "false", "2", "01", "-1", "yes"}) {
        std::string const xml = "<boolean>" + std::string(bad) + "</boolean>";
        BOOST_TEST((status_of_value(xml) == call_status::invalid), xml);
    }
}

BOOST_AUTO_TEST_CASE(doubles) {
    BOOST_TEST(value_of("<double>1.5</double>") == "1.5E0");
    BOOST_TEST(value_of("<double>-0.25</double>") == "-2.5E-1");
    BOOST_TEST(value_of("<double>+3</double>") == "3E0");
    BOOST_TEST(value_of("<double> 2. </double>") == "2E0");
    BOOST_TEST(value_of("<double>.5</double>") == "5E-1");
    BOOST_TEST(value_of("<double>1e+100</double>") == "1E100");
    BOOST_TEST(value_of("<double>2.5E-3</double>") == "2.5E-3");
    for (std::string_view bad : {"", ".", "-", "+.", "1e", "1e+", "e5", "inf", "-inf", "nan", "NaN", "Infinity",
                                 "0x1p3", "1.5x", "1..5", "1,5", "+-1", "1e999", "1 e5"}) {
        std::string const xml = "<double>" + std::string(bad) + "</double>";
        BOOST_TEST((status_of_value(xml) == call_status::invalid), xml);
    }
}

BOOST_AUTO_TEST_CASE(nil_is_null) {
    BOOST_TEST(value_of("<nil/>") == "null");
    BOOST_TEST(value_of("<nil> </nil>") == "null");
    BOOST_TEST((status_of_value("<nil>0</nil>") == call_status::invalid));
}

BOOST_AUTO_TEST_CASE(date_times_are_their_text) {
    BOOST_TEST(value_of("<dateTime.iso8601>20260102T03:04:05</dateTime.iso8601>") == R"("20260102T03:04:05")");
}

BOOST_AUTO_TEST_CASE(an_untyped_value_is_a_string) {
    BOOST_TEST(value_of("text") == R"("text")");
    BOOST_TEST(value_of(" two words ") == R"(" two words ")");
    BOOST_TEST(params_of("<param><value/></param>") == R"([""])");
    BOOST_TEST(value_of("&lt;&amp;") == R"("<&")");
}

BOOST_AUTO_TEST_CASE(arrays_and_structs_nest_anywhere) {
    BOOST_TEST(value_of("<array><data/></array>") == "[]");
    BOOST_TEST(value_of("<array><data><value><array><data><value><i4>1</i4></value></data></array></value>"
                        "<value><struct><member><name>a</name><value><int>2</int></value></member>"
                        "<member><name>b</name><value><struct/></value></member></struct></value>"
                        "</data></array>") == R"([[1],{"a":2,"b":{}}])");
    // a struct that is not the first param is a positional object
    BOOST_TEST(params_of("<param><value><int>1</int></value></param>"
                         "<param><value><struct><member><name>k</name><value>v</value></member></struct></value>"
                         "</param>") == R"([1,{"k":"v"}])");
    // inside named params
    BOOST_TEST(params_of("<param><value><struct><member><name>outer</name><value><struct><member><name>inner</name>"
                         "<value><boolean>0</boolean></value></member></struct></value></member></struct></value>"
                         "</param>") == R"({"outer":{"inner":false}})");
}

BOOST_AUTO_TEST_CASE(several_positional_params_keep_their_order) {
    BOOST_TEST(params_of("<param><value><string>a</string></value></param>\n"
                         "<param><value><int>2</int></value></param>\n"
                         "<param><value><array><data><value>c</value></data></array></value></param>") ==
               R"(["a",2,["c"]])");
}

BOOST_AUTO_TEST_CASE(members) {
    // the first of two equal names wins, as in OpenSIPS's lookup
    BOOST_TEST(params_of("<param><value><struct><member><name>k</name><value>first</value></member>"
                         "<member><name>k</name><value>second</value></member></struct></value></param>") ==
               R"({"k":"first"})");
    // a member may give its value before its name
    BOOST_TEST(params_of("<param><value><struct><member><value><int>1</int></value><name>k</name></member>"
                         "</struct></value></param>") == R"({"k":1})");
    BOOST_TEST(params_of("<param><value><struct><member><name> k&amp;\"</name><value>v</value></member>"
                         "</struct></value></param>") == R"({" k&\"":"v"})");
}

BOOST_AUTO_TEST_CASE(whitespace_comments_and_instructions_between_elements_are_ignored) {
    auto const t = translate("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<!-- c -->\n<methodCall>\r\n\t"
                             "<?app data?><methodName>m</methodName>\n <params> <param> <value> <int>1</int> "
                             "</value> </param> </params>\n</methodCall>\n<!-- after -->\n");
    BOOST_TEST((t.status == call_status::ok));
    BOOST_TEST(t.json == R"({"jsonrpc":"2.0","id":1,"method":"m","params":[1]})");
}

BOOST_AUTO_TEST_CASE(declared_encodings_are_decoded_to_utf8) {
    auto const t = translate("<?xml version=\"1.0\" encoding=\"ISO-8859-1\"?><methodCall><methodName>m</methodName>"
                             "<params><param><value><string>caf\xe9</string></value></param></params></methodCall>");
    BOOST_TEST((t.status == call_status::ok));
    BOOST_TEST(t.json == "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"m\",\"params\":[\"caf\xc3\xa9\"]}");
}

// --- calls: refused ----------------------------------------------------------------------------------------

BOOST_AUTO_TEST_CASE(types_we_do_not_take_are_invalid) {
    BOOST_TEST((status_of_value("<base64>aGk=</base64>") == call_status::invalid));
    BOOST_TEST((status_of_value("<float>1.5</float>") == call_status::invalid));
    BOOST_TEST((status_of_value("<ex:nil xmlns:ex=\"http://ws.apache.org/xmlrpc/namespaces/extensions\"/>") ==
                call_status::invalid));
}

BOOST_AUTO_TEST_CASE(the_method_name_is_required) {
    for (std::string_view xml : {"<methodCall></methodCall>", "<methodCall><methodName/></methodCall>",
                                 "<methodCall><methodName> \n </methodName></methodCall>",
                                 "<methodCall><params/></methodCall>"}) {
        auto const t = translate(xml);
        BOOST_TEST((t.status == call_status::invalid), xml);
        BOOST_TEST(t.json.empty(), xml);
    }
}

BOOST_AUTO_TEST_CASE(the_root_must_be_a_method_call) {
    for (std::string_view xml : {"<methodResponse><params/></methodResponse>", "<call/>",
                                 "<x:methodCall xmlns:x=\"u\"><x:methodName>m</x:methodName></x:methodCall>"})
        BOOST_TEST((translate(xml).status == call_status::invalid), xml);
}

BOOST_AUTO_TEST_CASE(a_struct_without_members_as_first_param_is_invalid) {
    BOOST_TEST((status_of_params("<param><value><struct></struct></value></param>") == call_status::invalid));
    BOOST_TEST((status_of_params("<param><value><struct/></value></param>") == call_status::invalid));
}

// OpenSIPS reads only the first <param> of a named call and drops the rest without a word.
BOOST_AUTO_TEST_CASE(params_after_a_struct_make_the_call_invalid) {
    BOOST_TEST((status_of_params("<param><value><struct><member><name>a</name><value>1</value></member></struct>"
                                 "</value></param><param><value><int>2</int></value></param>") ==
                call_status::invalid));
}

BOOST_AUTO_TEST_CASE(misplaced_missing_or_repeated_elements_are_invalid) {
    for (std::string_view params : {
             "<param/>",                                                       // no value
             "<param><value>1</value><value>2</value></param>",                // two values
             "<value>1</value>",                                               // value outside param
             "<param><int>1</int></param>",                                    // type outside value
             "<param><value><int>1</int><int>2</int></value></param>",         // two types
             "<param><value><int>1</int><string>2</string></value></param>",   // two types
             "<param><value>text<int>1</int></value></param>",                 // text beside a type
             "<param><value><int>1</int>text</value></param>",                 // text beside a type
             "<param><value><int><i4>1</i4></int></value></param>",            // element inside a scalar
             "<param><value><array/></value></param>",                         // array without data
             "<param><value><array><data/><data/></array></value></param>",    // two data
             "<param><value><array><value>1</value></array></value></param>",  // value outside data
             "<param><value><array><data>x</data></array></value></param>",    // text in data
             "<param><value><struct><value>1</value></struct></value></param>",                    // no member
             "<param><value><struct><member><name>a</name></member></struct></value></param>",     // no value
             "<param><value><struct><member><value>1</value></member></struct></value></param>",   // no name
             "<param><value><struct><member><name/><value>1</value></member></struct></value></param>", // empty
             "<param><value><struct><member><name>a</name><name>b</name><value>1</value></member></struct>"
             "</value></param>",                                               // two names
             "<param><value><struct><member><name>a<b/></name><value>1</value></member></struct>"
             "</value></param>",                                               // element in a name
             "text<param><value>1</value></param>",                           // text in params
             "<param>text<value>1</value></param>",                           // text in param
             "<param><value>1</value><extra/></param>",                       // unknown element
         })
        BOOST_TEST((status_of_params(params) == call_status::invalid), params);

    for (std::string_view xml : {"<methodCall><methodName>a</methodName><methodName>b</methodName></methodCall>",
                                 "<methodCall><methodName>a</methodName><params/><params/></methodCall>",
                                 "<methodCall>text<methodName>a</methodName></methodCall>",
                                 "<methodCall><methodName>a<b/></methodName></methodCall>",
                                 "<methodCall><methodName>a</methodName><fault/></methodCall>"})
        BOOST_TEST((translate(xml).status == call_status::invalid), xml);
}

BOOST_AUTO_TEST_CASE(nesting_is_bounded) {
    auto nested = [](std::size_t levels) {
        std::string xml = "<methodCall><methodName>m</methodName><params><param>";
        for (std::size_t i = 1; i < levels; ++i) xml += "<value><array><data>";
        xml += "<value><array><data/></array></value>";
        for (std::size_t i = 1; i < levels; ++i) xml += "</data></array></value>";
        return xml + "</param></params></methodCall>";
    };
    auto const deepest = translate(nested(mi::xmlrpc::detail::max_value_depth));
    BOOST_TEST((deepest.status == call_status::ok));
    // what is accepted fits the dispatcher's default JSON depth
    boost::json::parse_options options;
    options.max_depth = 32;
    boost::system::error_code ec;
    boost::json::parse(deepest.json, ec, {}, options);
    BOOST_TEST(!ec.failed(), ec.message());

    BOOST_TEST((translate(nested(mi::xmlrpc::detail::max_value_depth + 1)).status == call_status::invalid));
    BOOST_TEST((translate(nested(64)).status == call_status::invalid));

    // Very deep documents cost time linear in their size and never recurse.
    auto const start = std::chrono::steady_clock::now();
    BOOST_TEST((translate(nested(100000)).status == call_status::invalid));
    std::string unclosed = "<methodCall><methodName>m</methodName><params><param>";
    for (int i = 0; i < 100000; ++i) unclosed += "<value><array><data>";
    BOOST_TEST((translate(unclosed).status == call_status::not_well_formed));
    BOOST_TEST(milliseconds_since(start) < 2000);
}

BOOST_AUTO_TEST_CASE(malformed_xml_is_not_well_formed) {
    for (std::string_view xml : {
             "",
             "   ",
             "not xml",
             "<methodCall>",
             "<methodCall><methodName>m</methodname></methodCall>", // closing tags are case-sensitive in XML
             "<methodCall><methodName>m</methodName></methodCall><methodCall/>",
             "<methodCall><methodName>a & b</methodName></methodCall>",
             "<methodCall><methodName>&unknown;</methodName></methodCall>",
             "<methodCall><methodName>m</methodName><params><param><value><string>x</value></string>"
             "</param></params></methodCall>",
             "<methodCall><methodName>\xff\xfe</methodName></methodCall>",
             "<?xml version=\"1.0\" encoding=\"EBCDIC-unknown\"?><methodCall/>",
         }) {
        auto const t = translate(xml);
        BOOST_TEST((t.status == call_status::not_well_formed), xml);
        BOOST_TEST(t.json.empty(), xml);
    }
    // malformed wins over a mistake found earlier in the document
    BOOST_TEST((translate("<methodCall><base64/><broken></methodCall>").status == call_status::not_well_formed));
}

// --- calls: hostile documents ------------------------------------------------------------------------------

BOOST_AUTO_TEST_CASE(any_doctype_is_refused) {
    for (std::string_view xml : {
             "<!DOCTYPE methodCall><methodCall><methodName>m</methodName></methodCall>",
             "<!DOCTYPE methodCall [<!ENTITY n \"ps\">]><methodCall><methodName>&n;</methodName></methodCall>",
             "<!DOCTYPE methodCall SYSTEM \"file:///etc/passwd\"><methodCall><methodName>m</methodName>"
             "</methodCall>",
             "<!DOCTYPE methodCall [<!ENTITY % p SYSTEM \"http://127.0.0.1:9/x.dtd\"> %p;]>"
             "<methodCall><methodName>m</methodName></methodCall>",
         }) {
        auto const t = translate(xml);
        BOOST_TEST((t.status == call_status::not_well_formed), xml);
        BOOST_TEST(t.json.empty(), xml);
    }
}

BOOST_AUTO_TEST_CASE(billion_laughs_is_refused_fast) {
    std::string const xml = R"(<?xml version="1.0"?>
<!DOCTYPE methodCall [
  <!ENTITY lol "lol">
  <!ENTITY lol1 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">
  <!ENTITY lol2 "&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;">
  <!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">
  <!ENTITY lol4 "&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;">
  <!ENTITY lol5 "&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;">
  <!ENTITY lol6 "&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;">
  <!ENTITY lol7 "&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;">
  <!ENTITY lol8 "&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;">
  <!ENTITY lol9 "&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;">
]>
<methodCall><methodName>m</methodName><params><param><value><string>&lol9;</string></value></param></params>
</methodCall>)";
    auto const start = std::chrono::steady_clock::now();
    auto const t = translate(xml);
    auto const took = milliseconds_since(start);
    BOOST_TEST((t.status == call_status::not_well_formed));
    BOOST_TEST(t.json.empty());
    BOOST_TEST(took < 100);
}

BOOST_AUTO_TEST_CASE(external_entities_are_never_read) {
    std::string const xml = R"(<?xml version="1.0"?>
<!DOCTYPE methodCall [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>
<methodCall><methodName>m</methodName><params><param><value><string>&xxe;</string></value></param></params>
</methodCall>)";
    auto const start = std::chrono::steady_clock::now();
    auto const t = translate(xml);
    auto const took = milliseconds_since(start);
    BOOST_TEST((t.status == call_status::not_well_formed));
    BOOST_TEST(t.json.find("root:") == std::string::npos);
    BOOST_TEST(t.json.empty());
    BOOST_TEST(took < 100);
}

// --- responses ----------------------------------------------------------------------------------------------

BOOST_AUTO_TEST_CASE(the_spec_success_layout) {
    BOOST_TEST(response(R"({"jsonrpc":"2.0","result":{"tm:UAS_transactions":17,"core:rcv_requests":120},"id":1})") ==
               "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\r\n"
               "<methodResponse>\r\n"
               "<params><param>\r\n"
               "<value><struct><member><name>tm:UAS_transactions</name><value><int>17</int></value></member>"
               "<member><name>core:rcv_requests</name><value><int>120</int></value></member></struct></value>"
               "</param></params>\r\n"
               "</methodResponse>\r\n");
}

BOOST_AUTO_TEST_CASE(result_types) {
    auto const result = [](std::string_view json) {
        return response(R"({"jsonrpc":"2.0","id":1,"result":)" + std::string(json) + "}");
    };
    BOOST_TEST(result(R"("OK")") == success("<value><string>OK</string></value>"));
    BOOST_TEST(result(R"("<a href='x'>&\"</a>")") ==
               success("<value><string>&lt;a href=&#39;x&#39;&gt;&amp;&quot;&lt;/a&gt;</string></value>"));
    BOOST_TEST(result(R"("")") == success("<value><string></string></value>"));
    BOOST_TEST(result("\"\\u00e9\\n\"") == success("<value><string>\xc3\xa9\n</string></value>"));
    // what XML 1.0 cannot carry at all becomes U+FFFD (found by the xmlrpc fuzz target); tab, LF, CR and the
    // rest of Unicode pass
    BOOST_TEST(result("\"a\\u0001b\\u001f\\u0000\\t\\r\"") ==
               success("<value><string>a\xef\xbf\xbd" "b\xef\xbf\xbd\xef\xbf\xbd\t\r</string></value>"));
    BOOST_TEST(result("\"\\uffff\\ufffe\\ufffd\\uefbf\"") ==
               success("<value><string>\xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbd\xee\xbe\xbf</string></value>"));
    BOOST_TEST(result("true") == success("<value><boolean>1</boolean></value>"));
    BOOST_TEST(result("false") == success("<value><boolean>0</boolean></value>"));
    BOOST_TEST(result("null") == success("<value><nil/></value>"));
    BOOST_TEST(result("[]") == success("<value><array><data></data></array></value>"));
    BOOST_TEST(result("{}") == success("<value><struct></struct></value>"));
    BOOST_TEST(result(R"([1,"a",[null],{"k":false}])") ==
               success("<value><array><data><value><int>1</int></value><value><string>a</string></value>"
                       "<value><array><data><value><nil/></value></data></array></value>"
                       "<value><struct><member><name>k</name><value><boolean>0</boolean></value></member>"
                       "</struct></value></data></array></value>"));
    BOOST_TEST(result(R"({"<k&'>":1})") ==
               success("<value><struct><member><name>&lt;k&amp;&#39;&gt;</name><value><int>1</int></value>"
                       "</member></struct></value>"));
}

BOOST_AUTO_TEST_CASE(numbers_are_int_within_int_range_and_double_otherwise) {
    auto const number = [](std::string_view json) {
        std::string const xml = response(R"({"jsonrpc":"2.0","id":1,"result":)" + std::string(json) + "}");
        std::string_view const head = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\r\n<methodResponse>\r\n"
                                      "<params><param>\r\n<value>";
        std::string_view const tail = "</value></param></params>\r\n</methodResponse>\r\n";
        BOOST_TEST(xml.starts_with(head));
        BOOST_TEST(xml.ends_with(tail));
        return xml.substr(head.size(), xml.size() - head.size() - tail.size());
    };
    BOOST_TEST(number("0") == "<int>0</int>");
    BOOST_TEST(number("-0.0") == "<int>0</int>");
    BOOST_TEST(number("17") == "<int>17</int>");
    BOOST_TEST(number("3.0") == "<int>3</int>");
    BOOST_TEST(number("2147483647") == "<int>2147483647</int>");
    BOOST_TEST(number("-2147483648") == "<int>-2147483648</int>");
    BOOST_TEST(number("2147483648") == "<double>2147483648.000000</double>");
    BOOST_TEST(number("-2147483649") == "<double>-2147483649.000000</double>");
    BOOST_TEST(number("4294967296") == "<double>4294967296.000000</double>");
    BOOST_TEST(number("18446744073709551615") == "<double>18446744073709551616.000000</double>");
    BOOST_TEST(number("0.5") == "<double>0.500000</double>");
    BOOST_TEST(number("-1.25") == "<double>-1.250000</double>");
    BOOST_TEST(number("1e-7") == "<double>0.000000</double>");
    BOOST_TEST(number("1.5e10") == "<double>15000000000.000000</double>");
    BOOST_TEST(number("0.1234567") == "<double>0.123457</double>");
    // the digits of printf("%.6f"), whatever the locale
    for (double d : {1e300, -123456789.987654321, 2.5e-7, 9007199254740993.0}) {
        char printed[400];
        std::snprintf(printed, sizeof printed, "<double>%.6f</double>", d);
        BOOST_TEST(number(boost::json::serialize(boost::json::value(d))) == printed);
    }
}

BOOST_AUTO_TEST_CASE(the_spec_fault_layout_and_fixed_texts) {
    struct row {
        int code;
        std::string_view fault_code;
        std::string_view fault_string;
    };
    for (row const& r : {
             row{-32700, "32700", "parse error. not well formed"},
             row{-32600, "-32600", "server error. invalid xml-rpc. not conforming to spec."},
             row{-32601, "-32601", "server error. requested method not found"},
             row{-32602, "-32602", "server error. invalid method parameters"},
             row{-32000, "-32000", "server error"},
         }) {
        std::string const expected = fault_layout(r.fault_code, r.fault_string);
        BOOST_TEST(fault(r.code, "ignored <&>") == expected);
        // through the JSON-RPC response: the message and data are dropped
        BOOST_TEST(response(R"({"jsonrpc":"2.0","error":{"code":)" + std::to_string(r.code) +
                            R"(,"message":"whatever","data":"x"},"id":1})") == expected);
    }
}

BOOST_AUTO_TEST_CASE(other_codes_print_unsigned_with_the_message) {
    BOOST_TEST(response(R"({"jsonrpc":"2.0","error":{"code":-32001,"message":"Method ambiguous"},"id":1})") ==
               fault_layout("4294935295", "Method ambiguous"));
    BOOST_TEST(response(R"({"jsonrpc":"2.0","error":{"code":404,"message":"Statistics Not Found"},"id":1})") ==
               fault_layout("404", "Statistics Not Found"));
    BOOST_TEST(fault(500, "Internal server error") == fault_layout("500", "Internal server error"));
    BOOST_TEST(fault(-1, "") == fault_layout("4294967295", ""));
    BOOST_TEST(fault(-32603, "Internal error") == fault_layout("4294934693", "Internal error"));
    // escaped, unlike OpenSIPS, so that the answer stays XML
    BOOST_TEST(fault(400, R"(bad <value> & "quotes" 'too')") ==
               fault_layout("400", "bad &lt;value&gt; &amp; &quot;quotes&quot; &#39;too&#39;"));
    // a missing or non-string message is empty
    BOOST_TEST(response(R"({"jsonrpc":"2.0","error":{"code":7},"id":1})") == fault_layout("7", ""));
    BOOST_TEST(response(R"({"jsonrpc":"2.0","error":{"code":7,"message":5},"id":1})") == fault_layout("7", ""));
}

BOOST_AUTO_TEST_CASE(an_error_wins_over_a_result) {
    BOOST_TEST(response(R"({"jsonrpc":"2.0","result":"OK","error":{"code":-32601,"message":"m"},"id":1})") ==
               fault_layout("-32601", "server error. requested method not found"));
}

BOOST_AUTO_TEST_CASE(responses_we_cannot_read_are_internal_errors) {
    std::string const internal = fault_layout("4294934693", "Internal error");
    // the envelope is one level: the result may nest max_response_depth - 1 arrays
    auto const nested = [](std::size_t levels) {
        return R"({"jsonrpc":"2.0","id":1,"result":)" + std::string(levels, '[') + std::string(levels, ']') + "}";
    };
    std::string deepest;
    for (std::size_t i = 1; i < mi::xmlrpc::detail::max_response_depth; ++i) deepest += "<value><array><data>";
    for (std::size_t i = 1; i < mi::xmlrpc::detail::max_response_depth; ++i) deepest += "</data></array></value>";
    BOOST_TEST(response(nested(mi::xmlrpc::detail::max_response_depth - 1)) == success(deepest));
    std::string const too_deep = nested(mi::xmlrpc::detail::max_response_depth);
    for (std::string_view json : {
             std::string_view(""),
             std::string_view("not json"),
             std::string_view(R"({"jsonrpc":"2.0","id":1)"),
             std::string_view("[]"),
             std::string_view(R"("result")"),
             std::string_view(R"({"jsonrpc":"2.0","id":1})"),
             std::string_view(R"({"jsonrpc":"2.0","error":"bad","id":1})"),
             std::string_view(R"({"jsonrpc":"2.0","error":{"message":"no code"},"id":1})"),
             std::string_view(R"({"jsonrpc":"2.0","error":{"code":"1","message":"m"},"id":1})"),
             std::string_view(R"({"jsonrpc":"2.0","error":{"code":1.5,"message":"m"},"id":1})"),
             std::string_view(R"({"jsonrpc":"2.0","error":{"code":4294967296,"message":"m"},"id":1})"),
             std::string_view(too_deep),
         })
        BOOST_TEST(response(json) == internal, json);
}

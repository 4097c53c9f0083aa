// Copyright (c) 2026 the mi authors. Distributed under the Boost Software License, Version 1.0.
// SPDX-License-Identifier: BSL-1.0
//
// mi::xmlrpc::endpoint without sockets (spec 6.5): its root, what route() makes of a request (a JSON-RPC call
// for the dispatcher, or the response itself: 405, 400, faults) and what render() makes of the answer.
// The translation itself is tested in xmlrpc_codec.cpp.
#include <mi/transport/xmlrpc.hpp>

#define BOOST_TEST_MODULE transport_xmlrpc
#include <boost/test/unit_test.hpp>

#include <mi/mi.hpp>

#include <string>
#include <string_view>

namespace {

namespace http = boost::beast::http;

int add(int a, int b) { return a + b; }
mi::result<int> fails() { return mi::error(404, "Statistics Not Found"); }

constexpr auto commands =
    mi::command_set(mi::command<"add">(mi::recipe<&add, "a", "b">), mi::command<"fails">(mi::recipe<&fails>));
mi::dispatcher const dispatcher(commands);

std::string fault_layout(std::string_view code, std::string_view text) {
    return "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\r\n<methodResponse>\r\n<fault><value>\r\n<struct>\r\n"
           "<member>\r\n<name>faultCode</name>\r\n<value><int>" +
           std::string(code) +
           "</int></value>\r\n</member>\r\n<member>\r\n<name>faultString</name>\r\n<value><string>" +
           std::string(text) + "</string></value>\r\n</member>\r\n</struct>\r\n</value>\r\n</fault>\r\n"
                               "</methodResponse>\r\n";
}

std::string success(std::string_view value_xml) {
    return "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\r\n<methodResponse>\r\n<params><param>\r\n" +
           std::string(value_xml) + "</param></params>\r\n</methodResponse>\r\n";
}

std::string const add_call = "<?xml version=\"1.0\"?><methodCall><methodName>add</methodName><params>"
                             "<param><value><int>2</int></value></param><param><value><int>3</int></value></param>"
                             "</params></methodCall>";

struct endpoint_under_test {
    mi::xmlrpc::endpoint endpoint;
    std::string last_call;

    // What a client gets for one request: the endpoint's own answer, or the one it renders from the dispatcher's.
    mi::http::reply ask(std::string_view body, http::verb method = http::verb::post) {
        mi::http::request_view const r{method, "/RPC2", "text/xml", body, {}};
        std::string scratch;
        auto routed = endpoint.route(r, scratch);
        if (routed.call.empty()) return std::move(routed.now);
        last_call = std::string(routed.call);
        std::string response;
        dispatcher.call(routed.call, response);
        return endpoint.render(r, mi::answer_kind::final, std::move(response));
    }
};

} // namespace

static_assert(mi::http::endpoint<mi::xmlrpc::endpoint>);

BOOST_AUTO_TEST_CASE(its_root_and_name) {
    BOOST_TEST(mi::xmlrpc::endpoint().root() == "RPC2");
    BOOST_TEST(mi::xmlrpc::endpoint({.root = "/xmlrpc/"}).root() == "xmlrpc");
    BOOST_TEST(mi::xmlrpc::endpoint({.root = "a/b"}).root() == "a/b");
    static_assert(mi::xmlrpc::endpoint::name() == "the XML-RPC endpoint");
    BOOST_TEST(mi::xmlrpc::options().root == "RPC2");
}

BOOST_FIXTURE_TEST_CASE(a_method_call_becomes_a_json_rpc_request_and_its_answer_a_method_response,
                        endpoint_under_test) {
    auto const r = ask(add_call);
    BOOST_TEST(last_call == R"({"jsonrpc":"2.0","id":1,"method":"add","params":[2,3]})");
    BOOST_TEST(r.status == http::status::ok);
    BOOST_TEST(r.content_type == "text/xml; charset=utf-8");
    BOOST_TEST(r.body == success("<value><int>5</int></value>"));
}

BOOST_FIXTURE_TEST_CASE(an_error_answer_is_a_fault, endpoint_under_test) {
    auto const failed = ask("<methodCall><methodName>fails</methodName></methodCall>");
    BOOST_TEST(failed.status == http::status::ok);
    BOOST_TEST(failed.body == fault_layout("404", "Statistics Not Found"));
    auto const unknown = ask("<methodCall><methodName>nope</methodName></methodCall>");
    BOOST_TEST(unknown.body == fault_layout("-32601", "server error. requested method not found"));
}

BOOST_FIXTURE_TEST_CASE(get_is_405_and_an_empty_body_400, endpoint_under_test) {
    auto const get = ask(add_call, http::verb::get);
    BOOST_TEST(get.status == http::status::method_not_allowed);
    BOOST_TEST(get.body.empty());
    auto const empty = ask("");
    BOOST_TEST(empty.status == http::status::bad_request);
    BOOST_TEST(empty.body.empty());
    BOOST_TEST(last_call.empty()); // neither reached the dispatcher
}

BOOST_FIXTURE_TEST_CASE(documents_it_refuses_are_faults_without_a_call, endpoint_under_test) {
    std::string const not_well_formed = fault_layout("32700", "parse error. not well formed");
    for (std::string_view xml : {std::string_view("<methodCall><methodName>add</methodName>"),
                                 std::string_view("not xml at all"),
                                 std::string_view("<!DOCTYPE x [<!ENTITY e \"e\">]><methodCall><methodName>&e;"
                                                  "</methodName></methodCall>")}) {
        auto const r = ask(xml);
        BOOST_TEST(r.status == http::status::ok, xml);
        BOOST_TEST(r.content_type == "text/xml; charset=utf-8");
        BOOST_TEST(r.body == not_well_formed, xml);
    }
    auto const invalid = ask("<methodResponse><params/></methodResponse>");
    BOOST_TEST(invalid.body == fault_layout("-32600", "server error. invalid xml-rpc. not conforming to spec."));
    BOOST_TEST(last_call.empty());
}

BOOST_AUTO_TEST_CASE(an_answer_that_did_not_come_is_500) {
    mi::xmlrpc::endpoint const endpoint;
    mi::http::request_view const r{http::verb::post, "/RPC2", "text/xml", add_call, {}};
    auto const failed = endpoint.render(r, mi::answer_kind::failed, {});
    BOOST_TEST(failed.status == http::status::internal_server_error);
    BOOST_TEST(failed.body.empty());
    BOOST_TEST(failed.content_type.empty());
}

BOOST_AUTO_TEST_CASE(render_takes_any_json_rpc_response) {
    mi::xmlrpc::endpoint const endpoint;
    mi::http::request_view const r{http::verb::post, "/RPC2", "text/xml", add_call, {}};
    BOOST_TEST(endpoint.render(r, mi::answer_kind::final, R"({"jsonrpc":"2.0","result":"OK","id":1})").body ==
               success("<value><string>OK</string></value>"));
    BOOST_TEST(endpoint.render(r, mi::answer_kind::final, "not json").body ==
               fault_layout("4294934693", "Internal error"));
}

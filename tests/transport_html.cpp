// Copyright (c) 2026 the mi authors. Distributed under the Boost Software License, Version 1.0.
// SPDX-License-Identifier: BSL-1.0
//
// The HTML page without sockets: spec 6.4's URLs, forms from the schema, what runs and what is shown, escaping.
#include <mi/transport/html.hpp>

#define BOOST_TEST_MODULE transport_html
#include <boost/test/unit_test.hpp>

#include <mi/mi.hpp>

#include <string>
#include <string_view>

namespace {

namespace http = boost::beast::http;

std::string echo(std::string text) { return text; }
int add(int a, int b) { return a + b; }
int negate(int a) { return -a; }
void nothing() {}

constexpr auto modular = mi::command_set(
    mi::service_info{"switchboard", "2.1"},
    mi::module<"tools">(mi::command<"echo">("answers <b>text</b> as it came", mi::recipe<&echo, "text">),
                        mi::command<"add">("adds two numbers,\nor negates one", mi::recipe<&add, "a", "b">,
                                           mi::recipe<&negate, "a">, mi::alias<"plus">)),
    mi::module<"core">(mi::command<"nothing">("does nothing", mi::recipe<&nothing>)));
constexpr auto flat = mi::command_set(mi::command<"echo">("answers text", mi::recipe<&echo, "text">));

struct page_under_test {
    mi::dispatcher<std::remove_cvref_t<decltype(modular)>> dispatcher{modular};
    mi::html::page page{dispatcher.schema()};

    // What a browser gets for one request: the page's own answer, or the one it renders from the dispatcher's.
    mi::http::reply ask(std::string_view target, http::verb method = http::verb::get, std::string_view body = {}) {
        mi::http::request_view const r{method, target, "application/x-www-form-urlencoded", body, {}};
        std::string scratch;
        auto routed = page.route(r, scratch);
        if (routed.call.empty()) return std::move(routed.now);
        last_call = std::string(routed.call);
        std::string response;
        dispatcher.call(routed.call, response);
        return page.render(r, mi::answer_kind::final, std::move(response));
    }
    std::string last_call;
};

bool has(std::string_view page, std::string_view part) { return page.find(part) != std::string_view::npos; }

} // namespace

BOOST_FIXTURE_TEST_CASE(the_index_lists_modules_and_every_command, page_under_test) {
    auto const r = ask("/mi");
    BOOST_TEST(r.status == http::status::ok);
    BOOST_TEST(r.content_type == "text/html; charset=utf-8");
    BOOST_TEST(has(r.body, "<title>switchboard</title>"));
    BOOST_TEST(has(r.body, "switchboard 2.1 is running since "));
    BOOST_TEST(has(r.body, R"(<a href="/mi/tools">tools</a><a href="/mi/core">core</a>)"));
    BOOST_TEST(has(r.body, R"(<a href="/mi/tools/tools:echo">tools:echo</a>)"));
    BOOST_TEST(has(r.body, R"(<a href="/mi/core/core:nothing">core:nothing</a>)"));
    BOOST_TEST(has(r.body, "answers &lt;b&gt;text&lt;/b&gt; as it came")); // help is text, not markup
    BOOST_TEST(has(r.body, "<td>adds two numbers,</td>"));                // first line only in tables
    BOOST_TEST(ask("/mi/").body == r.body);
    BOOST_TEST(ask("/mi?x=1").body == r.body);
}

BOOST_FIXTURE_TEST_CASE(a_module_page_lists_its_commands_only, page_under_test) {
    auto const r = ask("/mi/core");
    BOOST_TEST(r.status == http::status::ok);
    BOOST_TEST(has(r.body, "core:nothing"));
    BOOST_TEST(!has(r.body, "/mi/tools/tools:echo"));
}

BOOST_FIXTURE_TEST_CASE(a_command_page_has_help_and_a_form_per_recipe, page_under_test) {
    auto const r = ask("/mi/tools/tools:add");
    BOOST_TEST(r.status == http::status::ok);
    BOOST_TEST(has(r.body, R"(<h2 id="command">tools:add</h2>)"));
    BOOST_TEST(has(r.body, "adds two numbers,\nor negates one</p>"));
    BOOST_TEST(has(r.body, "Also known as: plus"));
    BOOST_TEST(has(r.body, R"(<form method="get" action="/mi/tools/tools:add" id="recipe-0"><fieldset><legend>With a, b</legend>)"));
    BOOST_TEST(has(r.body, R"(<label for="recipe-0-a">a <small>integer, required</small></label><input type="text" id="recipe-0-a" name="param.a">)"));
    BOOST_TEST(has(r.body, R"(<legend>With a</legend><input type="hidden" name="recipe" value="1">)"));
    BOOST_TEST(has(r.body, R"(<input type="text" id="arg" name="arg">)"));
    BOOST_TEST(!has(r.body, "id=\"result\"")); // nothing ran
    // the local name and an alias find the command too (4.x lookup); another module's segment does not
    BOOST_TEST(ask("/mi/tools/add").status == http::status::ok);
    BOOST_TEST(ask("/mi/tools/plus").status == http::status::ok);
    BOOST_TEST(ask("/mi/core/tools:add").status == http::status::not_acceptable);
}

BOOST_FIXTURE_TEST_CASE(arg_runs_the_command_with_the_params_as_json, page_under_test) {
    auto r = ask("/mi/tools/tools:add?arg=%5B2%2C3%5D");
    BOOST_TEST(last_call == R"({"jsonrpc":"2.0","id":1,"method":"tools:add","params":[2,3]})");
    BOOST_TEST(r.status == http::status::ok);
    BOOST_TEST(has(r.body, R"(<section class="ok" id="result"><h2>Result</h2><pre id="result-json">5</pre>)"));
    BOOST_TEST(has(r.body, R"(<input type="text" id="arg" name="arg" value="[2,3]">)")); // to edit and run again
    r = ask("/mi/tools/tools:add?arg={\"a\":4}");
    BOOST_TEST(has(r.body, R"(<pre id="result-json">-4</pre>)"));
    r = ask("/mi/core/core:nothing?arg="); // an empty arg runs without params
    BOOST_TEST(last_call == R"({"jsonrpc":"2.0","id":1,"method":"core:nothing"})");
    BOOST_TEST(has(r.body, R"(<pre id="result-json">&quot;OK&quot;</pre>)"));
}

BOOST_FIXTURE_TEST_CASE(a_recipe_form_sends_one_field_per_parameter, page_under_test) {
    auto r = ask("/mi/tools/tools:add?recipe=0&param.a=2&param.b=40");
    BOOST_TEST(last_call == R"({"jsonrpc":"2.0","id":1,"method":"tools:add","params":{"a":2,"b":40}})");
    BOOST_TEST(has(r.body, R"(<pre id="result-json">42</pre>)"));
    BOOST_TEST(has(r.body, R"(id="recipe-0-a" name="param.a" value="2">)")); // the form sent keeps its values
    BOOST_TEST(has(r.body, R"(id="recipe-1-a" name="param.a">)"));          // the others stay empty
    // a field that is not JSON is a string; empty fields are left out
    ask("/mi/tools/tools:echo?recipe=0&param.text=hello+world%21");
    BOOST_TEST(last_call == R"({"jsonrpc":"2.0","id":1,"method":"tools:echo","params":{"text":"hello world!"}})");
    ask("/mi/tools/tools:echo?recipe=0&param.text=%5B1%5D"); // a string parameter takes the text as typed
    BOOST_TEST(last_call == R"({"jsonrpc":"2.0","id":1,"method":"tools:echo","params":{"text":"[1]"}})");
    ask("/mi/tools/tools:add?recipe=1&param.a=4&param.b=5"); // only the fields of the form's recipe
    BOOST_TEST(last_call == R"({"jsonrpc":"2.0","id":1,"method":"tools:add","params":{"a":4}})");
    ask("/mi/core/core:nothing?recipe=0");
    BOOST_TEST(last_call == R"({"jsonrpc":"2.0","id":1,"method":"core:nothing"})");
    // POSTed forms (mi_html's http_method 1)
    r = ask("/mi/tools/tools:add", http::verb::post, "recipe=1&param.a=7");
    BOOST_TEST(has(r.body, R"(<pre id="result-json">-7</pre>)"));
}

BOOST_FIXTURE_TEST_CASE(a_required_field_left_empty_runs_nothing, page_under_test) {
    // without the check, {"a":1} would run the other recipe (negate)
    auto const r = ask("/mi/tools/tools:add?recipe=0&param.a=1&param.b=");
    BOOST_TEST(last_call.empty());
    BOOST_TEST(r.status == http::status::bad_request);
    BOOST_TEST(has(r.body, R"(<section class="error" id="problem"><h2>Missing parameter</h2><p>This form needs &#39;b&#39;)"));
    BOOST_TEST(has(r.body, R"(id="recipe-0-a" name="param.a" value="1">)")); // what was typed stays
}

BOOST_FIXTURE_TEST_CASE(a_json_rpc_error_is_a_200_page_showing_the_error, page_under_test) {
    auto const r = ask("/mi/tools/tools:add?arg=%5B%22x%22%5D");
    BOOST_TEST(r.status == http::status::ok);
    BOOST_TEST(has(r.body, R"(<section class="error" id="result"><h2>Error -32602: Invalid params</h2>)"));
    BOOST_TEST(has(r.body, R"(<p id="error-data">Bad type for parameter &#39;a&#39;</p>)"));
}

BOOST_FIXTURE_TEST_CASE(errors_as_spec_6_4_with_readable_pages, page_under_test) {
    for (auto target : {"/mi/nosuch", "/mi/tools/nosuch", "/mi/tools/tools:add/extra", "/mi/core/tools:echo"}) {
        auto const r = ask(target);
        BOOST_TEST_CONTEXT(target) {
            BOOST_TEST(r.status == http::status::not_acceptable);
            BOOST_TEST(has(r.body, R"(<section class="error" id="problem"><h2>Unable to parse URL!</h2>)"));
        }
    }
    auto const bad = ask("/mi/tools/tools:add?arg=%5B1%2C");
    BOOST_TEST(bad.status == http::status::internal_server_error);
    BOOST_TEST(has(bad.body, R"(<section class="error" id="problem"><h2>Internal server error!</h2>)"));
    BOOST_TEST(has(bad.body, R"(<input type="text" id="arg" name="arg" value="[1,">)")); // to fix and run again
    BOOST_TEST(has(bad.body, R"(<h2 id="command">tools:add</h2>)"));
    BOOST_TEST(last_call.empty()); // nothing ran
    mi::http::request_view const r{http::verb::get, "/mi/tools/tools:echo?arg=[1]", "", "", {}};
    auto const failed = page.render(r, mi::answer_kind::failed, {});
    BOOST_TEST(failed.status == http::status::internal_server_error);
    BOOST_TEST(has(failed.body, "did not answer in time"));
}

BOOST_FIXTURE_TEST_CASE(every_byte_from_a_request_or_a_result_is_escaped, page_under_test) {
    std::string_view const script = "%3Cscript%3Ealert(%27x%27)%3C%2Fscript%3E%22%26";
    auto r = ask(std::string("/mi/tools/tools:echo?recipe=0&param.text=") + std::string(script));
    BOOST_TEST(!has(r.body, "<script"));
    BOOST_TEST(has(r.body, R"(<pre id="result-json">&quot;&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt;\&quot;&amp;&quot;</pre>)"));
    BOOST_TEST(has(r.body, R"(value="&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt;&quot;&amp;")"));
    r = ask(std::string("/mi/tools/tools:echo?arg=%5B%22") + "%3Cscript%3E" + "%22%5D");
    BOOST_TEST(!has(r.body, "<script"));
    r = ask("/mi/tools/tools:echo?arg=%3Cscript%3E"); // not JSON: the problem page names nothing of it
    BOOST_TEST(!has(r.body, "<script"));
    r = ask("/mi/%3Cscript%3E");
    BOOST_TEST(!has(r.body, "<script"));
}

BOOST_AUTO_TEST_CASE(a_set_without_modules_is_one_group) {
    mi::dispatcher const d(flat);
    mi::html::page const named(d.schema(), {.root = "/ui/", .post_forms = true, .ungrouped = "core"});
    BOOST_TEST(named.root() == "ui");
    std::string scratch;
    auto const r = named.route({http::verb::get, "/ui/core/echo", "", "", {}}, scratch);
    BOOST_TEST(r.now.status == http::status::ok);
    BOOST_TEST(has(r.now.body, R"(<form method="post" action="/ui/core/echo" id="recipe-0">)"));
    BOOST_TEST(named.route({http::verb::get, "/ui/commands/echo", "", "", {}}, scratch).now.status ==
               http::status::not_acceptable);
}

BOOST_AUTO_TEST_CASE(the_page_and_json_rpc_cannot_share_a_root) {
    mi::dispatcher const d(flat);
    boost::asio::io_context io;
    using server = mi::http::server<std::remove_cvref_t<decltype(d)>, mi::html::page>;
    BOOST_CHECK_EXCEPTION(server(io, d, {}, mi::html::page(d.schema())), std::invalid_argument,
                          [](std::invalid_argument const& e) {
                              return std::string_view(e.what()) ==
                                     "mi::http: the JSON-RPC endpoint and the HTML page both have the root '/mi'; "
                                     "give one of them another root";
                          });
    BOOST_CHECK_NO_THROW(server(io, d, {}, mi::html::page(d.schema(), {.root = "html"})));
}

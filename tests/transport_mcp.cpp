// Copyright (c) 2026 the mi authors. Distributed under the Boost Software License, Version 1.0.
// SPDX-License-Identifier: BSL-1.0
//
// mi::mcp::endpoint without sockets: the Streamable HTTP rules (sessions, revisions, Origin, methods, media
// types), the lifecycle, tools/list (names, schemas, annotations, permissions, pages) and tools/call through a
// real dispatcher, under each revision served.
#include <mi/transport/mcp.hpp>

#define BOOST_TEST_MODULE transport_mcp
#include <boost/test/unit_test.hpp>

#include <mi/mi.hpp>

#include <boost/describe/class.hpp>
#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>

#include <optional>
#include <string>
#include <string_view>

namespace {

namespace http = boost::beast::http;
using boost::json::parse;

struct counters {
    unsigned long long received = 0;
    unsigned long long dropped = 0;
};
BOOST_DESCRIBE_STRUCT(counters, (), (received, dropped))

int level = 3;
int get_level() { return level; }
int set_level(int l) { return level = l; }
counters get_counters() { return {7, 1}; }
std::string store(std::string key, std::optional<std::string> value) { return key + '=' + value.value_or(""); }
mi::result<int> missing() { return mi::error(404, "Statistics Not Found", "no such group"); }

constexpr auto commands = mi::command_set(
    mi::module<"core">(mi::command<"log_level">("reads or sets the level", mi::needs_read, mi::recipe<&get_level>,
                                                mi::needs_admin(mi::recipe<&set_level, "level">)),
                       mi::command<"counters">("the counters", mi::needs_read, mi::recipe<&get_counters>)),
    mi::module<"cache">(mi::command<"store">(mi::needs_write, mi::recipe<&store, "key", "value">),
                        mi::command<"missing">(mi::needs_read, mi::recipe<&missing>)),
    mi::service_info{"test daemon", "1.2.3"});
mi::dispatcher const dispatcher(commands);

std::string const init_25_11 =
    R"({"jsonrpc":"2.0","id":0,"method":"initialize","params":{"protocolVersion":"2025-11-25","capabilities":{},)"
    R"("clientInfo":{"name":"test","version":"1"}}})";

std::string initialize_as(std::string_view revision) {
    return R"({"jsonrpc":"2.0","id":0,"method":"initialize","params":{"protocolVersion":")" + std::string(revision) +
           R"(","capabilities":{},"clientInfo":{"name":"test","version":"1"}}})";
}

std::string header_of(mi::http::reply const& r, std::string_view name) {
    for (auto const& [n, v] : r.headers)
        if (n == name) return v;
    return {};
}

// A client of one endpoint: requests as the HTTP server would hand them over, with the session it was given.
struct client {
    mi::mcp::endpoint endpoint{dispatcher.schema()};
    std::string session = {};
    std::string revision = {};
    std::string last_call = {};
    mi::permission granted = mi::permission::admin;

    mi::http::reply send(std::string_view body, http::verb method = http::verb::post, std::string_view origin = {},
                         std::string_view content_type = "application/json",
                         std::string_view accept = "application/json, text/event-stream") {
        http::fields fields;
        if (!session.empty()) fields.set("Mcp-Session-Id", session);
        if (!revision.empty()) fields.set("MCP-Protocol-Version", revision);
        mi::http::request_view r{method, "/mcp", content_type, body, accept, granted, origin.empty(), &fields};
        std::string scratch;
        auto routed = endpoint.route(r, scratch);
        if (routed.call.empty()) return std::move(routed.now);
        last_call = std::string(routed.call);
        std::string answer;
        dispatcher.call(routed.call, answer, {"http", "127.0.0.1", granted});
        return endpoint.render(r, mi::answer_kind::final, std::move(answer));
    }

    // initialize under `wanted`; keeps the session and the revision agreed.
    boost::json::value start(std::string_view wanted = "2025-11-25") {
        auto const r = send(initialize_as(wanted));
        BOOST_TEST(r.status == http::status::ok);
        session = header_of(r, "Mcp-Session-Id");
        auto answer = parse(r.body);
        revision = answer.at("result").at("protocolVersion").as_string();
        return answer;
    }

    boost::json::value ask(std::string_view method, std::string_view params = "{}") {
        auto const r = send(R"({"jsonrpc":"2.0","id":7,"method":")" + std::string(method) + R"(","params":)" +
                            std::string(params) + "}");
        BOOST_TEST(r.status == http::status::ok);
        BOOST_TEST(r.content_type == "application/json");
        return parse(r.body);
    }

    boost::json::value call(std::string_view tool, std::string_view arguments = {}) {
        std::string params = R"({"name":")" + std::string(tool) + '"';
        if (!arguments.empty()) params += R"(,"arguments":)" + std::string(arguments);
        return ask("tools/call", params + "}");
    }

    boost::json::object tool(std::string_view name) {
        auto const listed = ask("tools/list");
        for (auto const& t : listed.at("result").at("tools").as_array())
            if (t.at("name").as_string() == name) return t.as_object();
        BOOST_FAIL("no tool " << name);
        return {};
    }
};

} // namespace

BOOST_AUTO_TEST_CASE(its_root_name_and_methods) {
    mi::mcp::endpoint const e(dispatcher.schema());
    BOOST_TEST(e.root() == "mcp");
    BOOST_TEST(mi::mcp::endpoint(dispatcher.schema(), {.root = "/agents/"}).root() == "agents");
    static_assert(mi::mcp::endpoint::name() == "the MCP endpoint");
    BOOST_TEST(e.accepts(http::verb::delete_));
    BOOST_TEST(!e.accepts(http::verb::put));
}

BOOST_AUTO_TEST_CASE(tool_names_are_what_mcp_clients_accept) {
    BOOST_TEST(mi::mcp::tool_name("log_level") == "log_level");
    BOOST_TEST(mi::mcp::tool_name("statistics:get") == "statistics-get");
    BOOST_TEST(mi::mcp::tool_name("rpc.discover") == "rpc-discover");
}

BOOST_FIXTURE_TEST_CASE(initialize_agrees_a_revision_and_opens_a_session, client) {
    for (auto wanted : mi::mcp::revisions) {
        session.clear(), revision.clear();
        auto const answer = start(wanted);
        BOOST_TEST(revision == wanted);
        BOOST_TEST(session.size() == 32u);
        BOOST_TEST(session.find_first_not_of("0123456789abcdef") == std::string::npos);
        BOOST_TEST(answer.at("id") == 0);
        BOOST_TEST(boost::json::serialize(answer.at("result").at("capabilities")) == R"({"tools":{"listChanged":false}})");
        BOOST_TEST(boost::json::serialize(answer.at("result").at("serverInfo")) == R"({"name":"test daemon","version":"1.2.3"})");
    }
    session.clear(), revision.clear();
    BOOST_TEST(start("2024-11-05").at("result").at("protocolVersion") == "2025-11-25"); // not served: the newest
    auto const other = session;
    session.clear(), revision.clear();
    start();
    BOOST_TEST(session != other);
}

BOOST_FIXTURE_TEST_CASE(a_session_is_required_after_initialize_and_ends_with_delete, client) {
    auto const r = send(R"({"jsonrpc":"2.0","id":1,"method":"ping"})");
    BOOST_TEST(r.status == http::status::bad_request);
    BOOST_TEST(parse(r.body).at("error").at("code") == -32600);
    start();
    BOOST_TEST(ask("ping").at("result").as_object().empty());
    auto const id = session;
    session = "0123456789abcdef0123456789abcdef";
    BOOST_TEST(send(R"({"jsonrpc":"2.0","id":1,"method":"ping"})").status == http::status::not_found);
    BOOST_TEST(send({}, http::verb::delete_).status == http::status::not_found);
    session = id;
    BOOST_TEST(send({}, http::verb::delete_).status == http::status::no_content);
    BOOST_TEST(send(R"({"jsonrpc":"2.0","id":1,"method":"ping"})").status == http::status::not_found);
    session.clear();
    BOOST_TEST(send({}, http::verb::delete_).status == http::status::bad_request);
}

BOOST_AUTO_TEST_CASE(without_sessions_the_revision_comes_from_the_header) {
    client c{mi::mcp::endpoint(dispatcher.schema(), {.sessions = false})};
    auto const r = c.send(init_25_11);
    BOOST_TEST(header_of(r, "Mcp-Session-Id").empty());
    BOOST_TEST(c.ask("ping").at("result").as_object().empty());
    // no header: 2025-03-26, which has no output schemas
    BOOST_TEST(!c.tool("core-counters").contains("outputSchema"));
    c.revision = "2025-06-18";
    BOOST_TEST(c.tool("core-counters").contains("outputSchema"));
    BOOST_TEST(c.send({}, http::verb::delete_).status == http::status::method_not_allowed);
}

BOOST_FIXTURE_TEST_CASE(notifications_and_responses_are_accepted_without_a_body, client) {
    start();
    for (auto body : {R"({"jsonrpc":"2.0","method":"notifications/initialized"})",
                      R"({"jsonrpc":"2.0","method":"notifications/cancelled","params":{"requestId":3}})",
                      R"({"jsonrpc":"2.0","id":5,"result":{}})"}) {
        auto const r = send(body);
        BOOST_TEST(r.status == http::status::accepted);
        BOOST_TEST(r.body.empty());
    }
}

BOOST_FIXTURE_TEST_CASE(what_is_not_an_mcp_message_over_http, client) {
    start();
    auto const status_of = [&](auto&&... a) { return send(a...).status; };
    BOOST_TEST(status_of("{}", http::verb::get) == http::status::method_not_allowed);
    BOOST_TEST(header_of(send("{}", http::verb::get), "Allow") == "POST, DELETE");
    BOOST_TEST(status_of("{}", http::verb::post, "http://evil.example") == http::status::forbidden);
    BOOST_TEST(status_of("{}", http::verb::post, "", "text/plain") == http::status::unsupported_media_type);
    BOOST_TEST(status_of("{}", http::verb::post, "", "application/json", "text/event-stream") ==
               http::status::not_acceptable);
    BOOST_TEST(status_of(R"({"jsonrpc":"2.0","id":1,"method":"ping"})", http::verb::post, "", "application/json; charset=utf-8",
                         "*/*") == http::status::ok);
    auto const parse_error = send("{nope");
    BOOST_TEST(parse_error.status == http::status::bad_request);
    BOOST_TEST(parse_error.body == R"({"jsonrpc":"2.0","id":null,"error":{"code":-32700,"message":"Parse error"}})");
    auto const batch = send(R"([{"jsonrpc":"2.0","id":1,"method":"ping"}])");
    BOOST_TEST(batch.status == http::status::bad_request);
    BOOST_TEST(parse(batch.body).at("error").at("code") == -32600);
    BOOST_TEST(send(R"({"id":1,"method":"ping"})").status == http::status::bad_request);
    BOOST_TEST(send(R"({"jsonrpc":"2.0","id":null,"method":"ping"})").status == http::status::bad_request);
    revision = "2024-11-05";
    BOOST_TEST(send(R"({"jsonrpc":"2.0","id":1,"method":"ping"})").status == http::status::bad_request);
}

BOOST_FIXTURE_TEST_CASE(only_tools_are_served, client) {
    start();
    auto const answer = ask("resources/list");
    BOOST_TEST(answer.at("error").at("code") == -32601);
    BOOST_TEST(answer.at("id") == 7);
}

BOOST_FIXTURE_TEST_CASE(every_command_is_a_tool_with_the_schema_of_its_recipes, client) {
    start();
    auto const tools = ask("tools/list").at("result");
    BOOST_TEST(!tools.as_object().contains("nextCursor"));
    std::string names;
    for (auto const& t : tools.at("tools").as_array()) names += std::string(t.at("name").as_string()) + ' ';
    BOOST_TEST(names == "core-log_level core-counters cache-store cache-missing core-which core-help rpc-discover ");

    auto const log_level = tool("core-log_level");
    BOOST_TEST(log_level.at("title") == "core:log_level");
    BOOST_TEST(log_level.at("description") == "reads or sets the level");
    BOOST_TEST(boost::json::serialize(log_level.at("inputSchema")) ==
               R"({"type":"object","properties":{"level":{"type":"integer","minimum":-2147483648,"maximum":2147483647}},)"
               R"("anyOf":[{"type":"object","properties":{},"additionalProperties":false},)"
               R"({"type":"object","properties":{"level":{"type":"integer","minimum":-2147483648,"maximum":2147483647}},)"
               R"("additionalProperties":false,"required":["level"]}]})");
    BOOST_TEST(boost::json::serialize(log_level.at("annotations")) == R"({"readOnlyHint":false,"openWorldHint":false})");
    BOOST_TEST(!log_level.contains("outputSchema"));

    auto const store = tool("cache-store");
    BOOST_TEST(boost::json::serialize(store.at("inputSchema")) ==
               R"({"type":"object","properties":{"key":{"type":"string"},"value":{"type":"string"}},)"
               R"("additionalProperties":false,"required":["key"]})");
    BOOST_TEST(store.at("description") == "The MI command cache:store.");

    auto const counters = tool("core-counters");
    BOOST_TEST(counters.at("annotations").at("readOnlyHint") == true);
    BOOST_TEST(counters.at("outputSchema").at("type") == "object");
    BOOST_TEST(counters.at("outputSchema").at("properties").as_object().contains("dropped"));
}

BOOST_FIXTURE_TEST_CASE(a_read_only_caller_sees_only_what_it_may_run, client) {
    granted = mi::permission::read;
    start();
    std::string names;
    auto const listed = ask("tools/list");
    for (auto const& t : listed.at("result").at("tools").as_array()) names += std::string(t.at("name").as_string()) + ' ';
    BOOST_TEST(names == "core-log_level core-counters cache-missing core-which core-help rpc-discover ");
    auto const log_level = tool("core-log_level");
    BOOST_TEST(boost::json::serialize(log_level.at("inputSchema")) ==
               R"({"type":"object","properties":{},"additionalProperties":false})");
    BOOST_TEST(log_level.at("annotations").at("readOnlyHint") == true);
    // a tool it does not see is unknown to it; a recipe it may not run is the dispatcher's refusal
    BOOST_TEST(call("cache-store", R"({"key":"a"})").at("error").at("code") == -32602);
    auto const refused = call("core-log_level", R"({"level":1})").at("result");
    BOOST_TEST(refused.at("isError") == true);
    BOOST_TEST(parse(refused.at("content").at(0).at("text").as_string()).at("code") == -32003);
}

BOOST_AUTO_TEST_CASE(tools_come_in_pages) {
    client c{mi::mcp::endpoint(dispatcher.schema(), {.page_size = 3})};
    c.start();
    std::string names;
    std::string cursor;
    int pages = 0;
    do {
        auto const page =
            c.ask("tools/list", cursor.empty() ? "{}" : R"({"cursor":")" + cursor + R"("})").at("result").as_object();
        for (auto const& t : page.at("tools").as_array()) names += std::string(t.at("name").as_string()) + ' ';
        cursor = page.contains("nextCursor") ? std::string(page.at("nextCursor").as_string()) : std::string();
        ++pages;
    } while (!cursor.empty() && pages < 10);
    BOOST_TEST(pages == 3);
    BOOST_TEST(names == "core-log_level core-counters cache-store cache-missing core-which core-help rpc-discover ");
    BOOST_TEST(c.ask("tools/list", R"({"cursor":"x"})").at("error").at("code") == -32602);
    BOOST_TEST(c.ask("tools/list", R"({"cursor":"99"})").at("error").at("code") == -32602);
}

BOOST_FIXTURE_TEST_CASE(a_call_runs_the_command_through_the_dispatcher, client) {
    start();
    auto const set = call("core-log_level", R"({"level":4})");
    BOOST_TEST(last_call == R"({"jsonrpc":"2.0","method":"core:log_level","params":{"level":4},"id":7})");
    BOOST_TEST(boost::json::serialize(set) ==
               R"({"jsonrpc":"2.0","id":7,"result":{"content":[{"type":"text","text":"4"}],"isError":false}})");
    BOOST_TEST(call("core-log_level").at("result").at("content").at(0).at("text") == "4");
    BOOST_TEST(last_call == R"({"jsonrpc":"2.0","method":"core:log_level","id":7})");

    auto const structured = call("core-counters", "{}").at("result");
    BOOST_TEST(structured.at("content").at(0).at("text") == R"({"received":7,"dropped":1})");
    BOOST_TEST(boost::json::serialize(structured.at("structuredContent")) == R"({"received":7,"dropped":1})");
}

BOOST_FIXTURE_TEST_CASE(a_command_error_is_a_tool_error_with_its_code_message_and_data, client) {
    start();
    auto const answer = call("cache-missing").at("result");
    BOOST_TEST(answer.at("isError") == true);
    BOOST_TEST(answer.at("content").at(0).at("text") ==
               R"({"code":404,"message":"Statistics Not Found","data":"no such group"})");
    BOOST_TEST(!answer.as_object().contains("structuredContent"));
}

BOOST_FIXTURE_TEST_CASE(unknown_tools_and_malformed_calls_are_protocol_errors, client) {
    start();
    auto const unknown = call("nothing");
    BOOST_TEST(unknown.at("error").at("code") == -32602);
    BOOST_TEST(unknown.at("error").at("message") == "Unknown tool: nothing"); // as the specification writes it
    BOOST_TEST(ask("tools/call", "{}").at("error").at("code") == -32602);
    BOOST_TEST(call("core-log_level", "[4]").at("error").at("code") == -32602);
    BOOST_TEST(ask("tools/call", "[]").at("error").at("code") == -32602);
}

BOOST_FIXTURE_TEST_CASE(arguments_the_command_refuses_follow_the_revision, client) {
    // 2025-11-25: the tool's own error, which the model can read and correct
    start("2025-11-25");
    auto const late = call("core-log_level", R"({"level":"high"})").at("result");
    BOOST_TEST(late.at("isError") == true);
    BOOST_TEST(parse(late.at("content").at(0).at("text").as_string()).at("code") == -32602);
    // earlier: the protocol error
    for (auto earlier : {"2025-06-18", "2025-03-26"}) {
        session.clear(), revision.clear();
        start(earlier);
        auto const answer = call("core-log_level", R"({"level":"high","extra":1})");
        BOOST_TEST(answer.at("error").at("code") == -32602);
        BOOST_TEST(answer.at("error").at("message") == "Invalid params");
        BOOST_TEST(!call("core-counters").at("result").as_object().contains("structuredContent") ==
                   (std::string_view(earlier) == "2025-03-26"));
    }
}

BOOST_FIXTURE_TEST_CASE(no_answer_in_time_is_an_internal_error, client) {
    start();
    http::fields fields;
    fields.set("Mcp-Session-Id", session);
    std::string const body = R"({"jsonrpc":"2.0","id":"a","method":"tools/call","params":{"name":"core-counters"}})";
    mi::http::request_view const r{http::verb::post, "/mcp", "application/json", body, {}, mi::permission::admin, true, &fields};
    auto const late = endpoint.render(r, mi::answer_kind::failed, {});
    BOOST_TEST(late.body ==
               R"({"jsonrpc":"2.0","id":"a","error":{"code":-32603,"message":"Internal error","data":"the command did not answer in time"}})");
}

BOOST_AUTO_TEST_CASE(two_commands_of_one_tool_name_are_refused) {
    auto const doc = parse(R"({"methods":[
        {"name":"a:b","x-recipe-params":[{"type":"object"}],"x-permissions":["read"]},
        {"name":"a.b","x-recipe-params":[{"type":"object"}],"x-permissions":["read"]}]})");
    BOOST_CHECK_THROW(mi::mcp::endpoint(doc, {}, {}), std::invalid_argument);
    BOOST_CHECK_THROW(mi::mcp::endpoint(parse(R"({"methods":[{"name":"a"}]})"), {}, {}), std::invalid_argument);
    BOOST_CHECK_THROW(mi::mcp::endpoint(parse("[]"), {}, {}), std::invalid_argument);
}

BOOST_AUTO_TEST_CASE(sessions_lapse_when_idle_and_the_oldest_goes_when_full) {
    using namespace std::chrono_literals;
    mi::mcp::detail::session_table table(2, 60s);
    auto const t0 = mi::mcp::detail::session_table::clock::now();
    auto const a = table.open("2025-11-25", t0);
    auto const b = table.open("2025-06-18", t0 + 1s);
    BOOST_TEST(table.revision_of(a, t0 + 2s).value() == "2025-11-25"); // a is now the more recent
    auto const c = table.open("2025-03-26", t0 + 3s);
    BOOST_TEST(!table.revision_of(b, t0 + 3s));
    BOOST_TEST(table.revision_of(c, t0 + 3s).value() == "2025-03-26");
    BOOST_TEST(!table.revision_of(a, t0 + 63s)); // idle for 61 s
    BOOST_TEST(table.size() == 1u);
}

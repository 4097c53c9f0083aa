// Copyright (c) 2026 the mi authors. Distributed under the Boost Software License, Version 1.0.
// SPDX-License-Identifier: BSL-1.0
//
// libFuzzer target: the HTTP server's routing and rendering without sockets, as a session does it:
// mi::http::detail::endpoints<mi::html::page, mi::xmlrpc::endpoint> routes a request; when it asks for a call,
// the dispatcher answers it through async_call and the chosen endpoint renders that answer (and, once more, a
// failed one). The input is one request:
//
//     byte 0       the method: 'G' GET, 'P' POST, 'H' HEAD, 'U' PUT, 'D' DELETE, anything else an unknown verb;
//                  lower case ('g', 'p', ...) asks the 4.x set (modules, forms POSTed), upper case the flat one;
//                  'R' (or 'r') instead: the rest is a raw HTTP request, read by Beast's parser under the
//                  server's limits as a session reads it, then routed the same way
//     up to '\n'   the target ("/mi", "/html/types/types:echo?arg=...", "/RPC2")
//     up to '\n'   the Content-Type
//     up to '\n'   the Authorization
//     the rest     the body
//
// Checks: JSON bodies are JSON; XML bodies are well-formed <methodResponse> documents; an HTML body opens no tag
// the page does not write itself (so nothing from the request or a result became markup: no "<script").
// The Authorization goes to a gatekeeper whose one user and one token are made from it, which must admit
// exactly the credentials a plain reading of the header gives (and base64 must agree with a plain encoder).

#include <mi/transport/html.hpp>
#include <mi/transport/http.hpp>
#include <mi/transport/xmlrpc.hpp>

#include <mi/mi.hpp>

#include "../described_types.hpp"

#include <boost/describe/class.hpp>
#include <boost/describe/enum.hpp>
#include <boost/json/parse.hpp>
#include <boost/json/value.hpp>

#include <expat.h>

#include <array>
#include <cctype>
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <map>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace {

namespace http = boost::beast::http;

// --- commands whose schemas give the page every kind of form field --------------------------------------------

using mi_test::level;
using mi_test::point;

std::string echo(std::string text) { return text; }
boost::json::value echo_json(boost::json::value v) { return v; }
int add(int a, int b) { return a + b; }
int negate(int a) { return -a; }
level set_level(level l, std::optional<int> pid) { return pid ? l : level::notice; }
std::vector<point> points(std::vector<point> p) { return p; }
std::map<std::string, double> ratios(std::map<std::string, double> m) { return m; }
std::string dialog(std::string_view callid, std::optional<std::vector<std::string>> tags) {
    return std::string(callid) + (tags ? std::to_string(tags->size()) : "-");
}
void nothing() {}
int fail(int code, std::string message, std::optional<std::string> data) {
    throw mi::error(code, std::move(message), data.value_or(std::string()));
}
int boom() { throw std::runtime_error("<script>secret</script>"); }
std::string who(mi::context const& ctx) { return std::string(ctx.transport) + " " + std::string(ctx.peer); }

std::vector<mi::async_reply> kept;
mi::async_result<std::string> later(mi::async_reply reply, int mode) {
    switch (mode & 3) {
    case 0: reply.finish(std::string("<b>later</b>")); return mi::answer_later;
    case 1: kept.push_back(reply); return mi::answer_later;
    case 2: return mi::answer_later; // dropped: the call fails
    default: return mi::error(mode, "<i>async error</i>", "&amp;");
    }
}

constexpr auto c_echo = mi::command<"echo">("answers <b>text</b> as it came\n<script>x</script>", mi::recipe<&echo, "text">,
                                            mi::alias<"say">);
constexpr auto c_json = mi::command<"json">("any JSON", mi::recipe<&echo_json, "v">);
constexpr auto c_add = mi::command<"add">("adds two numbers,\nor negates one", mi::recipe<&add, "a", "b">,
                                          mi::recipe<&negate, "a">, mi::alias<"plus">);
constexpr auto c_level = mi::command<"log_level">("\"levels\" & 'pids'", mi::recipe<&set_level, "level", "pid">);
constexpr auto c_points = mi::command<"points">(mi::recipe<&points, "points">);
constexpr auto c_ratios = mi::command<"ratios">(mi::recipe<&ratios, "m">);
constexpr auto c_dialog = mi::command<"dlg_list">(mi::recipe<&dialog, "callid", "tags">, mi::named_params_only);
constexpr auto c_nothing = mi::command<"nothing">(mi::recipe<&nothing>);
constexpr auto c_fail = mi::command<"fail">(mi::recipe<&fail, "code", "message", "data">);
constexpr auto c_boom = mi::command<"boom">(mi::recipe<&boom>);
constexpr auto c_who = mi::command<"who">(mi::recipe<&who>);
constexpr auto c_later = mi::command<"later">(mi::recipe<&later, "mode">, mi::async);

constexpr auto flat_set = mi::command_set(mi::service_info{"<fuzz> & \"flat\"", "3.6"}, c_echo, c_json, c_add, c_level,
                                          c_points, c_ratios, c_dialog, c_nothing, c_fail, c_boom, c_who, c_later);
constexpr auto module_set = mi::command_set(
    mi::service_info{"fuzz", "4.0 <beta>"}, mi::module<"tools">(c_echo, c_json, c_add, c_later),
    mi::module<"dialog">(c_level, c_points, c_ratios, c_dialog), mi::module<"misc">(c_nothing, c_fail, c_boom, c_who, c_echo));

mi::dispatcher const flat(flat_set);
mi::dispatcher const modular(module_set);

using routes = mi::http::detail::endpoints<mi::html::page, mi::xmlrpc::endpoint>;
routes const flat_routes{mi::http::json_rpc("mi"), mi::html::page(flat.schema(), {.root = "html"}), mi::xmlrpc::endpoint()};
routes const module_routes{mi::http::json_rpc("/mi/"),
                           mi::html::page(modular.schema(), {.root = "/html/", .post_forms = true, .ungrouped = "core"}),
                           mi::xmlrpc::endpoint({.root = "RPC2/x"})};

// --- checks ----------------------------------------------------------------------------------------------------

[[noreturn]] void violated(char const* what, std::string_view input, std::string_view body) {
    auto const i = input.substr(0, 2000), b = body.substr(0, 6000);
    std::fprintf(stderr, "\n*** invariant violated: %s\n*** input (%zu bytes): %.*s\n*** body (%zu bytes): %.*s\n", what,
                 input.size(), static_cast<int>(i.size()), i.data(), body.size(), static_cast<int>(b.size()), b.data());
    std::abort();
}

// The tags the page writes; anything else after a '<' came from somewhere it should not have.
constexpr std::array<std::string_view, 26> page_tags{"html", "head",  "meta",    "title",    "style",  "body",   "header",
                                                     "h1",   "a",     "p",       "nav",      "main",   "h2",     "table",
                                                     "tr",   "th",    "td",      "section",  "pre",    "form",   "fieldset",
                                                     "legend", "input", "label", "small",    "button"};

void check_html(std::string_view body, std::string_view input) {
    for (std::size_t at = body.find('<'); at != std::string_view::npos; at = body.find('<', at + 1)) {
        std::string_view rest = body.substr(at + 1);
        if (rest.starts_with("!DOCTYPE html>")) continue;
        if (rest.starts_with('/')) rest.remove_prefix(1);
        std::size_t n = 0;
        while (n < rest.size() && std::isalnum(static_cast<unsigned char>(rest[n]))) ++n;
        std::string_view const tag = rest.substr(0, n);
        bool known = false;
        for (auto t : page_tags) known = known || t == tag;
        if (!known || n >= rest.size() || (rest[n] != '>' && rest[n] != ' ')) {
            std::fprintf(stderr, "*** at byte %zu: %.*s\n", at, static_cast<int>(std::min<std::size_t>(60, body.size() - at)),
                         body.data() + at);
            violated("the HTML has markup the page does not write", input, body);
        }
    }
    std::string lower(body);
    for (auto& c : lower) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    if (lower.find("<script") != std::string::npos) violated("the HTML has a <script", input, body);
}

void check_xml(std::string_view body, std::string_view input) {
    XML_Parser parser = XML_ParserCreate(nullptr);
    if (!parser) return;
    auto const status = XML_Parse(parser, body.data(), static_cast<int>(body.size()), 1);
    auto const error = XML_GetErrorCode(parser);
    XML_ParserFree(parser);
    if (status != XML_STATUS_OK) {
        std::fprintf(stderr, "*** expat: %s\n", XML_ErrorString(error));
        violated("the XML-RPC body is not well-formed", input, body);
    }
    if (body.find("<methodResponse>") == std::string_view::npos) violated("the XML-RPC body is not a methodResponse", input, body);
}

void check_reply(mi::http::reply const& r, std::string_view input) {
    std::string_view const type = r.content_type;
    if (type.starts_with("text/html")) {
        if (r.body.empty()) violated("an empty HTML page", input, r.body);
        check_html(r.body, input);
    } else if (type.starts_with("text/xml")) {
        if (r.status == http::status::ok) check_xml(r.body, input);
        else if (!r.body.empty()) violated("an XML-RPC error status with a body", input, r.body);
    } else if (type == "application/json") {
        if (r.status == http::status::ok) {
            boost::system::error_code ec;
            boost::json::parse_options options;
            options.max_depth = 256;
            boost::json::parse(r.body, ec, {}, options);
            if (ec || r.body.empty()) violated("a 200 JSON body is not JSON", input, r.body);
        } else if (!r.body.empty()) {
            violated("a JSON endpoint's error status has a body", input, r.body);
        }
    } else if (!type.empty() || !r.body.empty()) {
        violated("a body of an unexpected content type", input, r.body);
    }
}

struct delivered {
    int terminal = 0;
    mi::answer_kind kind = mi::answer_kind::final;
    std::string text;
};

struct collect {
    delivered* d;
    void operator()(mi::answer const& a) const {
        if (a.kind == mi::answer_kind::provisional) return;
        ++d->terminal;
        d->kind = a.kind;
        d->text.assign(a.text);
    }
};

http::verb verb_of(char c) {
    switch (std::toupper(static_cast<unsigned char>(c))) {
    case 'G': return http::verb::get;
    case 'P': return http::verb::post;
    case 'H': return http::verb::head;
    case 'U': return http::verb::put;
    case 'D': return http::verb::delete_;
    default: return http::verb::unknown;
    }
}

std::string_view line(std::string_view& rest) {
    auto const end = rest.find('\n');
    auto const part = rest.substr(0, end);
    rest.remove_prefix(end == std::string_view::npos ? rest.size() : end + 1);
    return part;
}

// Base64 as RFC 4648 spells it, one byte at a time.
std::string plain_base64(std::string_view bytes) {
    constexpr std::string_view alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    std::string out;
    for (std::size_t i = 0; i < bytes.size(); i += 3) {
        std::uint32_t chunk = 0;
        std::size_t const n = std::min<std::size_t>(3, bytes.size() - i);
        for (std::size_t k = 0; k < 3; ++k)
            chunk = chunk << 8 | (k < n ? static_cast<unsigned char>(bytes[i + k]) : 0u);
        for (std::size_t k = 0; k < 4; ++k) out += k <= n ? alphabet[(chunk >> (18 - 6 * k)) & 63] : '=';
    }
    return out;
}

bool iequal(std::string_view a, std::string_view b) {
    if (a.size() != b.size()) return false;
    for (std::size_t i = 0; i < a.size(); ++i)
        if (std::tolower(static_cast<unsigned char>(a[i])) != std::tolower(static_cast<unsigned char>(b[i]))) return false;
    return true;
}

void check_gate(std::string_view authorization, std::string_view input) {
    if (mi::http::detail::base64(input) != plain_base64(input)) violated("base64 differs from RFC 4648", input, plain_base64(input));
    // One user split from the header (name before the first ':' or half way), one token: the header itself.
    auto const colon = authorization.find(':');
    std::size_t const cut = colon == std::string_view::npos ? authorization.size() / 2 : colon;
    mi::http::access a;
    a.users.push_back({std::string(authorization.substr(0, cut)), std::string(authorization.substr(cut)),
                       mi::permission::read});
    a.tokens.emplace_back(std::string(authorization), mi::permission::write);
    mi::http::detail::gatekeeper const gate(a, mi::permission::admin);
    if (gate.open()) violated("a gatekeeper with a user and a token is open", input, {});
    std::string const basic = "Basic " + plain_base64(a.users[0].name + ':' + a.users[0].password);
    std::string const bearer = "bEARER  " + std::string(authorization);
    if (gate.admits(basic) != mi::permission::read) violated("the user's own Basic credentials are refused", input, basic);
    if (!authorization.empty() && authorization.front() != ' ' && !gate.admits(bearer)) violated("the token is refused", input, bearer);
    // The header as sent: the scheme up to the first space, then the credentials after any spaces.
    // The first credential that matches grants its permission: the user's (read) before the token's (write).
    std::optional<mi::permission> expected;
    if (auto const space = authorization.find(' '); space != std::string_view::npos) {
        std::string_view const scheme = authorization.substr(0, space);
        std::string_view credentials = authorization.substr(space + 1);
        while (!credentials.empty() && credentials.front() == ' ') credentials.remove_prefix(1);
        if (iequal(scheme, "basic") && credentials == basic.substr(6)) expected = mi::permission::read;
        else if (iequal(scheme, "bearer") && credentials == authorization) expected = mi::permission::write;
    }
    if (gate.admits(authorization) != expected) violated("the gatekeeper decides otherwise than the header says", input, authorization);
}

template <class Dispatcher>
void serve(Dispatcher const& d, routes const& e, mi::http::request_view const& r, std::string_view input) {
    std::size_t chosen = 0;
    std::string scratch;
    auto routed = e.route(r, chosen, scratch);
    if (routed.call.empty()) return check_reply(routed.now, input);

    delivered got;
    mi::context const ctx{"http", "127.0.0.1:4242"};
    kept.clear();
    d.async_call(routed.call, ctx, collect{&got});
    for (auto const& reply : kept) reply.finish(std::string("kept & finished"));
    kept.clear();
    if (got.terminal != 1) violated("the call did not end with one final answer", input, got.text);
    check_reply(e.render(chosen, r, got.kind, std::move(got.text)), input);
    check_reply(e.render(chosen, r, mi::answer_kind::failed, {}), input);
}

} // namespace

// Raw request bytes read as a session reads them: Beast's request parser with the server's default limits,
// fed from memory. What it takes whole is routed like any other request.
void serve_raw(std::string_view bytes, bool modular_set, std::string_view input) {
    http::request_parser<http::string_body> parser;
    mi::http::options const defaults;
    parser.body_limit(defaults.body_limit);
    parser.header_limit(static_cast<std::uint32_t>(defaults.header_limit));
    boost::system::error_code ec;
    while (!bytes.empty() && !parser.is_done()) {
        auto const used = parser.put(boost::asio::buffer(bytes.data(), bytes.size()), ec);
        if (ec == http::error::need_more) ec = {};
        if (ec || used == 0) break;
        bytes.remove_prefix(used);
    }
    if (!ec && !parser.is_done() && parser.got_some()) parser.put_eof(ec); // as a read that meets the end does
    if (ec || !parser.is_done()) return; // the session answers 400/413/431 or closes: nothing reaches an endpoint
    auto const& message = parser.get();
    check_gate(message[http::field::authorization], input);
    mi::http::request_view const r{message.method(), message.target(), message[http::field::content_type], message.body(), {}};
    if (modular_set) serve(modular, module_routes, r, input);
    else serve(flat, flat_routes, r, input);
}

extern "C" int LLVMFuzzerTestOneInput(std::uint8_t const* data, std::size_t size) {
    std::string_view const input(reinterpret_cast<char const*>(data), size);
    if (input.empty()) return 0;
    if (input[0] == 'R' || input[0] == 'r') {
        serve_raw(input.substr(1), input[0] == 'r', input);
        return 0;
    }
    std::string_view rest = input.substr(1);
    mi::http::request_view r{verb_of(input[0]), {}, {}, {}, {}};
    r.target = line(rest);
    r.content_type = line(rest);
    check_gate(line(rest), input);
    r.body = rest;
    if (std::islower(static_cast<unsigned char>(input[0]))) serve(modular, module_routes, r, input);
    else serve(flat, flat_routes, r, input);
    return 0;
}

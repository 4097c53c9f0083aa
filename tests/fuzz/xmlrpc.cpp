// Copyright (c) 2026 the mi authors. Distributed under the Boost Software License, Version 1.0.
// SPDX-License-Identifier: BSL-1.0
//
// libFuzzer target: the XML-RPC codec (transport/detail/xmlrpc_codec.hpp) on the input bytes.
// - translate_call: on `ok` the JSON is one request object {"jsonrpc":"2.0","id":1,"method":"...","params":[...]
//   or {...}} that the dispatcher reads at its default depth (never -32700), and clear otherwise. The request is
//   then answered by a dispatcher whose commands echo what they are given, and that answer written back.
// - write_response on the input bytes themselves (as a JSON-RPC response, whatever they are), on the
//   dispatcher's answer, and write_fault with a code and message taken from the input.
// Every XML written must be a well-formed document (expat, as an XML-RPC client would parse it) whose root is
// <methodResponse>.
#include <mi/transport/detail/xmlrpc_codec.hpp>

#include <mi/transport/framing.hpp>
#include <mi/mi.hpp>

#include <boost/describe/enum.hpp>
#include <boost/json/parse.hpp>
#include <boost/json/value.hpp>

#include <expat.h>

#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace {

namespace codec = mi::xmlrpc::detail;

// --- a dispatcher for the translated calls ---------------------------------------------------------------------

enum class level { error, warning, notice };
BOOST_DESCRIBE_ENUM(level, error, warning, notice)

boost::json::value echo(boost::json::value v) { return v; }
std::string text(std::string s) { return s; }
std::vector<std::string> statistics(std::vector<std::string> names) { return names; }
std::map<std::string, double> numbers(std::map<std::string, double> m) { return m; }
level log_level(level l) { return l; }
std::string log_level_pid(level l, int pid) { return std::to_string(static_cast<int>(l)) + "@" + std::to_string(pid); }
int raise_error(int code, std::string message) { throw mi::error(code, std::move(message), "data <&>"); }
std::optional<bool> flag(std::optional<bool> b) { return b; }

constexpr auto commands = mi::command_set(
    mi::command<"echo">(mi::recipe<&echo, "v">), mi::command<"text">(mi::recipe<&text, "s">),
    mi::command<"get_statistics">(mi::recipe<&statistics, "statistics">),
    mi::command<"numbers">(mi::recipe<&numbers, "m">),
    mi::command<"log_level">(mi::recipe<&log_level, "level">, mi::recipe<&log_level_pid, "level", "pid">),
    mi::command<"raise">(mi::recipe<&raise_error, "code", "message">), mi::command<"flag">(mi::recipe<&flag, "b">));

mi::dispatcher const dispatcher(commands);

// --- checks ----------------------------------------------------------------------------------------------------

[[noreturn]] void violated(char const* what, std::string_view input, std::string_view output) {
    auto const i = input.substr(0, 2000), o = output.substr(0, 4000);
    std::fprintf(stderr, "\n*** invariant violated: %s\n*** input (%zu bytes): %.*s\n*** output (%zu bytes): %.*s\n", what,
                 input.size(), static_cast<int>(i.size()), i.data(), output.size(), static_cast<int>(o.size()), o.data());
    std::abort();
}

struct xml_check {
    std::string root;
    int elements = 0;
};

void XMLCALL on_start(void* user, XML_Char const* name, XML_Char const**) {
    auto& c = *static_cast<xml_check*>(user);
    if (c.elements++ == 0) c.root = name;
}

// A methodResponse document that expat parses without error.
void check_xml(std::string_view xml, std::string_view input) {
    XML_Parser parser = XML_ParserCreate(nullptr);
    if (!parser) return;
    xml_check c;
    XML_SetUserData(parser, &c);
    XML_SetStartElementHandler(parser, &on_start);
    auto const status = XML_Parse(parser, xml.data(), static_cast<int>(xml.size()), 1);
    auto const error = XML_GetErrorCode(parser);
    auto const line = XML_GetCurrentLineNumber(parser);
    auto const column = XML_GetCurrentColumnNumber(parser);
    XML_ParserFree(parser);
    if (status != XML_STATUS_OK) {
        std::fprintf(stderr, "*** expat: %s at line %lu, column %lu\n", XML_ErrorString(error),
                     static_cast<unsigned long>(line), static_cast<unsigned long>(column));
        violated("the XML written is not well-formed", input, xml);
    }
    if (c.root != "methodResponse") violated("the XML written is not a methodResponse", input, xml);
}

// The translated request: {"jsonrpc":"2.0","id":1,"method":string,"params":array|non-empty object}.
void check_request(std::string_view json, std::string_view input) {
    boost::system::error_code ec;
    boost::json::parse_options options;
    options.max_depth = 256;
    auto const v = boost::json::parse(json, ec, {}, options);
    if (ec) violated("translate_call wrote text that is not JSON", input, json);
    auto const* o = v.if_object();
    if (!o || o->size() != 4) violated("translate_call did not write a request object of four members", input, json);
    auto const* jsonrpc = o->if_contains("jsonrpc");
    auto const* id = o->if_contains("id");
    auto const* method = o->if_contains("method");
    auto const* params = o->if_contains("params");
    if (!jsonrpc || !jsonrpc->is_string() || jsonrpc->get_string() != "2.0") violated("no \"jsonrpc\":\"2.0\"", input, json);
    if (!id || !id->is_int64() || id->get_int64() != 1) violated("no \"id\":1", input, json);
    if (!method || !method->is_string() || method->get_string().empty()) violated("no method name", input, json);
    if (!params || !(params->is_array() || (params->is_object() && !params->get_object().empty())))
        violated("params are neither an array nor a non-empty object", input, json);
    // max_value_depth is chosen so that every call it lets through stays within the dispatcher's depth.
    if (mi::scan_json(json).status != mi::json_scan::state::complete)
        violated("the translated request is too deep for the dispatcher", input, json);
}

// Whether `text` is UTF-8 (what a JSON string holds once parsed: any scalar value, U+0000 included), as every
// message write_fault is given is.
bool is_utf8(std::string_view text) {
    for (std::size_t i = 0; i < text.size();) {
        auto const b = static_cast<unsigned char>(text[i]);
        std::size_t const n = b < 0x80 ? 1 : (b >> 5) == 0x6 ? 2 : (b >> 4) == 0xE ? 3 : (b >> 3) == 0x1E ? 4 : 0;
        if (n == 0 || i + n > text.size()) return false;
        std::uint32_t c = n == 1 ? b : b & (0x7Fu >> n);
        for (std::size_t k = 1; k < n; ++k) {
            auto const t = static_cast<unsigned char>(text[i + k]);
            if ((t & 0xC0) != 0x80) return false;
            c = c << 6 | (t & 0x3Fu);
        }
        constexpr std::uint32_t least[] = {0, 0, 0x80, 0x800, 0x10000};
        if (c < least[n] || c > 0x10FFFF || (c >= 0xD800 && c <= 0xDFFF)) return false;
        i += n;
    }
    return true;
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(std::uint8_t const* data, std::size_t size) {
    std::string_view const input(reinterpret_cast<char const*>(data), size);

    // The call.
    std::string json = "stale";
    auto const status = codec::translate_call(input, json);
    if (status == codec::call_status::ok) {
        check_request(json, input);
        std::string response;
        if (!dispatcher.call(json, response)) violated("a translated call (id 1) was not answered", input, json);
        if (response.find("\"code\":-32700") != std::string::npos) violated("a translated call is a parse error", input, response);
        std::string xml = "stale";
        codec::write_response(response, xml);
        check_xml(xml, response);
    } else if (!json.empty()) {
        violated("a refused call left JSON behind", input, json);
    }

    // The input as a JSON-RPC response.
    std::string xml = "stale";
    codec::write_response(input, xml);
    check_xml(xml, input);

    // A fault with the input's first bytes as its code and the rest, when it is UTF-8, as its message.
    int code = 0;
    std::size_t const n = std::min<std::size_t>(sizeof code, size);
    if (n != 0) std::memcpy(&code, data, n);
    if (is_utf8(input.substr(n))) {
        codec::write_fault(code, input.substr(n), xml);
        check_xml(xml, input);
    }
    return 0;
}

// Copyright (c) 2026 the mi authors. Distributed under the Boost Software License, Version 1.0.
// SPDX-License-Identifier: BSL-1.0
//
// libFuzzer target: the input bytes are one JSON-RPC request (or batch, or garbage) for two dispatchers, one with
// a flat set (OpenSIPS 3.x names) and one with the same commands in modules (4.x names) and tighter limits. Each
// is asked three times: call() with the thread's workspace, call() with a fresh one, and async_call(); the
// commands cover every parameter type, recipe shape and result kind. Besides the sanitizers, every answer is
// checked: valid JSON, the JSON-RPC 2.0 response shape, the request's id echoed, the same bytes whatever the
// workspace, and the same bytes from the asynchronous path when no asynchronous command ran.
#include <mi/dispatcher.hpp>
#include <mi/transport/framing.hpp>
#include <mi/mi.hpp>

#include "../described_types.hpp"

#include <boost/describe/class.hpp>
#include <boost/describe/enum.hpp>
#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>
#include <boost/json/value.hpp>

#include <cmath>
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <limits>
#include <map>
#include <new>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <tuple>
#include <utility>
#include <vector>

namespace {

// --- types --------------------------------------------------------------------------------------------------

using mi_test::level;
using mi_test::point;

struct named_thing {
    std::string name;
};
BOOST_DESCRIBE_STRUCT(named_thing, (), (name))

struct process : named_thing {
    int id = 0;
    std::uint16_t port = 0;
    level lvl = level::notice;
    std::vector<int> children;
};
BOOST_DESCRIBE_STRUCT(process, (named_thing), (id, port, lvl, children))

// --- handlers: parameter types (each answers what it bound) ----------------------------------------------------

template <class T>
T identity(T v) {
    return v;
}

std::string_view view(std::string_view v) { return v; } // answers a view into the request itself
std::size_t object_size(boost::json::object const& o) { return o.size(); }
boost::json::array array_echo(boost::json::array a) { return a; }
std::string optional_tail(int a, std::optional<int> b, std::optional<std::string> c) {
    return std::to_string(a) + "/" + (b ? std::to_string(*b) : "-") + "/" + (c ? *c : "-");
}
process flattened(process p) { return p; } // the struct's members are the recipe's parameters
int named_args(mi::arg<"level", int> level, mi::arg<"pid", std::optional<int>> pid) { return *level + pid->value_or(0); }

// --- handlers: recipe shapes -----------------------------------------------------------------------------------

boost::json::object levels() { return {{"Processes", boost::json::array{}}}; }
boost::json::object set_global(int level) { return {{"New global log level", level}}; }
mi::result<boost::json::object> set_one(int level, int pid) {
    if (pid != 4021) return mi::error(mi::errc::invalid_params, "Bad PID");
    return boost::json::object{{"Log level", level}};
}
std::string profile_id(int id) { return "id " + std::to_string(id); }
std::string profile_pid(int pid) { return "pid " + std::to_string(pid); }
std::string profile_level(level l) { return "level " + std::to_string(static_cast<int>(l)); }
std::string dialog(std::string const& callid) { return callid; }
std::string dialog_tag(std::string const& callid, std::string_view from_tag) { return callid + ";" + std::string(from_tag); }
std::string who(mi::context const& ctx) { return std::string(ctx.transport) + " " + std::string(ctx.peer); }
std::string who_with(mi::context const& ctx, std::string suffix) { return std::string(ctx.transport) + suffix; }
std::vector<std::string_view> names(mi::introspection const& schema) {
    std::vector<std::string_view> out;
    for (auto const& c : schema.commands()) out.push_back(c.canonical);
    return out;
}
std::optional<std::string_view> resolves(mi::introspection const& schema, std::string_view name) {
    auto const* c = schema.find(name);
    return c ? std::optional<std::string_view>(c->canonical) : std::nullopt;
}

// A module object: its member functions are handlers.
struct registry {
    std::map<std::string, int, std::less<>> values{{"a", 1}, {"b", 2}};
    mi::result<int> get(std::string_view key) const {
        auto const it = values.find(key);
        if (it == values.end()) return mi::error(404, "Value not found", std::string(key));
        return it->second;
    }
    std::size_t size() const noexcept { return values.size(); }
};

// --- handlers: results -----------------------------------------------------------------------------------------

void nothing() {}
std::vector<process> ps() {
    return {{{"attendant"}, 0, 9467, level::notice, {}}, {{"HTTPD 127.0.0.1:8008"}, 1, 9468, level::error, {1, 2}}};
}
level favourite() { return level::warning; }
level out_of_range() { return static_cast<level>(9); }
std::optional<int> nothing_yet() { return std::nullopt; }
std::map<std::string, double> ratios() { return {{"half", 0.5}, {"one", 1}}; }
std::vector<double> specials() {
    return {std::numeric_limits<double>::quiet_NaN(), std::numeric_limits<double>::infinity(), -0.0,
            std::numeric_limits<double>::denorm_min(), std::numeric_limits<double>::max(), -1e-300};
}
std::string unicode() { return "caf\xc3\xa9 \"quoted\" \\ \n\t\x01\x1f \xf0\x9f\x98\x80"; }
std::tuple<int, std::string, bool, std::optional<level>> a_tuple() { return {1, "a", true, level::error}; }
std::map<std::string, std::vector<point>> shapes() { return {{"line", {{0, 0, {}}, {1, 1, "end"}}}, {"none", {}}}; }
mi::result<void> result_void_ok() { return {}; }
mi::result<void> result_void_error() { return mi::error(404, "Statistics Not Found"); }
mi::result<int> result_with_data() { return mi::error(400, "Value not found", "no such key"); }
int throws_runtime_error() { throw std::runtime_error("secret path /etc/shadow"); }
int throws_mi_error() { throw mi::error(500, "Cache store command failed"); }

// Errors built from the request: code, message and data are whatever the client sent.
int raise_error(int code, std::string message, std::optional<std::string> data) {
    throw mi::error(code, std::move(message), data.value_or(std::string()));
}
mi::result<std::optional<point>> maybe(int which, std::string text) {
    switch (which) {
    case 0: return std::optional<point>();
    case 1: return std::optional<point>(point{which, -which, text});
    case 2: return mi::error(which, text, text);
    case 3: throw std::runtime_error(text);
    case 4: throw 42;
    case 5: throw std::bad_alloc();
    case 6: (void)mi::result<int>(mi::error(7, text)).value(); return std::optional<point>(); // throws the error
    default: return mi::error(mi::errc::internal_error, text);
    }
}

// --- handlers: asynchronous ------------------------------------------------------------------------------------

// Set whenever an asynchronous handler runs: their answers depend on how they were called.
bool async_ran = false;

// Replies kept for after the dispatch, with what to do with each then.
std::vector<std::pair<mi::async_reply, int>> pending;

mi::async_result<int> async_now(int v) {
    async_ran = true;
    if (v < 0) return mi::error(500, "negative", std::to_string(v));
    return v;
}

mi::async_result<std::string> later(mi::async_reply reply, int mode) {
    async_ran = true;
    switch (mode & 7) {
    case 0: reply.finish(std::string("at once")); return mi::answer_later;
    case 1:
        reply.provisional(std::string("working"));
        reply.provisional(point{1, 2, "p"});
        reply.finish(std::vector<int>{1, 2});
        return mi::answer_later;
    case 2: pending.emplace_back(reply, mode >> 3); return mi::answer_later;
    case 3: return mi::answer_later; // the only handle goes away: the call fails
    case 4: reply.finish(mode); return std::string("returned too"); // the first answer wins
    case 5: pending.emplace_back(reply, mode >> 3); throw std::runtime_error("after keeping the handle");
    case 6: reply.finish(mi::error(mode, "finished with an error", "data")); return mi::answer_later;
    default: pending.emplace_back(reply, mode >> 3); return std::string("now, and later too");
    }
}

void later_void(mi::async_reply reply, int mode) {
    async_ran = true;
    if (mode & 1) pending.emplace_back(reply, mode >> 1);
    if (mode & 2) reply.finish(level::notice);
    if (mode & 4) throw mi::error(mode, "void and failing");
}

// What happens to a kept handle once the dispatch has returned.
void settle(mi::async_reply const& reply, int how) {
    switch (how & 3) {
    case 0: reply.finish(std::map<std::string, int>{{"late", how}}); break;
    case 1: reply.fail(); break;
    case 2:
        reply.provisional(how);
        reply.finish(mi::error(how, "late error"));
        reply.finish(1); // ignored
        break;
    default: break; // dropped: the last handle going away fails the call
    }
}

// --- handlers: dispatching again -------------------------------------------------------------------------------

std::string (*redispatch)(std::string_view request) = nullptr;
int nesting = 0;

std::string nested(std::string const& request) {
    if (!redispatch || nesting >= 3) return "too deep";
    ++nesting;
    std::string answer = redispatch(request);
    --nesting;
    return answer;
}

// --- the commands, declared once and used in both sets ---------------------------------------------------------

constexpr auto c_i8 = mi::command<"i8">(mi::recipe<&identity<std::int8_t>, "v">);
constexpr auto c_u8 = mi::command<"u8">(mi::recipe<&identity<std::uint8_t>, "v">);
constexpr auto c_i16 = mi::command<"i16">(mi::recipe<&identity<std::int16_t>, "v">);
constexpr auto c_u16 = mi::command<"u16">(mi::recipe<&identity<std::uint16_t>, "v">);
constexpr auto c_i32 = mi::command<"i32">(mi::recipe<&identity<std::int32_t>, "v">);
constexpr auto c_u32 = mi::command<"u32">(mi::recipe<&identity<std::uint32_t>, "v">);
constexpr auto c_i64 = mi::command<"i64">(mi::recipe<&identity<std::int64_t>, "v">);
constexpr auto c_u64 = mi::command<"u64">(mi::recipe<&identity<std::uint64_t>, "v">);
constexpr auto c_ll = mi::command<"ll">(mi::recipe<&identity<long long>, "v">);
constexpr auto c_ull = mi::command<"ull">(mi::recipe<&identity<unsigned long long>, "v">);
constexpr auto c_f64 = mi::command<"f64">(mi::recipe<&identity<double>, "v">);
constexpr auto c_f32 = mi::command<"f32">(mi::recipe<&identity<float>, "v">);
constexpr auto c_boolean = mi::command<"boolean">(mi::recipe<&identity<bool>, "v">);
constexpr auto c_string = mi::command<"echo">("returns its text", mi::recipe<&identity<std::string>, "text">);
constexpr auto c_view = mi::command<"view">(mi::recipe<&view, "v">);
constexpr auto c_enum = mi::command<"enumeration">(mi::recipe<&identity<level>, "v">);
constexpr auto c_optional = mi::command<"optional">(mi::recipe<&identity<std::optional<int>>, "v">);
constexpr auto c_ints = mi::command<"ints">(mi::recipe<&identity<std::vector<int>>, "v">);
constexpr auto c_nested_vec = mi::command<"strings2">(mi::recipe<&identity<std::vector<std::vector<std::string>>>, "v">);
constexpr auto c_opt_vec = mi::command<"maybe_list">(mi::recipe<&identity<std::optional<std::vector<double>>>, "v">);
constexpr auto c_struct = mi::command<"structure">(mi::recipe<&identity<point>, "v">);
constexpr auto c_points = mi::command<"points">(mi::recipe<&identity<std::vector<point>>, "v">);
constexpr auto c_dict = mi::command<"dictionary">(mi::recipe<&identity<std::map<std::string, int>>, "v">);
constexpr auto c_registry = mi::command<"atlas">(mi::recipe<&identity<std::map<std::string, std::optional<point>>>, "v">);
constexpr auto c_flat = mi::command<"process">(mi::recipe<&flattened>);
constexpr auto c_args = mi::command<"args">(mi::recipe<&named_args>);
constexpr auto c_value = mi::command<"value">(mi::recipe<&identity<boost::json::value>, "v">);
constexpr auto c_object = mi::command<"object">(mi::recipe<&object_size, "v">);
constexpr auto c_array = mi::command<"array">(mi::recipe<&array_echo, "v">);
constexpr auto c_tail = mi::command<"optional_tail">(mi::recipe<&optional_tail, "a", "b", "c">);

constexpr auto c_log_level =
    mi::command<"log_level">("gets or sets the log level", mi::recipe<&levels>, mi::recipe<&set_global, "level">,
                             mi::recipe<&set_one, "level", "pid">, mi::alias<"set_log_level">);
constexpr auto c_profiling = mi::command<"profiling_proc">(mi::recipe<&profile_id, "id">, mi::recipe<&profile_pid, "pid">,
                                                           mi::recipe<&profile_level, "level">);
constexpr auto c_dlg = mi::command<"dlg_list">(mi::recipe<&dialog, "callid">, mi::recipe<&dialog_tag, "callid", "from_tag">,
                                               mi::named_params_only);
constexpr auto c_who = mi::command<"who">(mi::recipe<&who>, mi::recipe<&who_with, "suffix">);
constexpr auto c_names = mi::command<"names">(mi::recipe<&names>, mi::recipe<&resolves, "name">);
constexpr auto c_get = mi::command<"get">(mi::recipe<&registry::size>, mi::recipe<&registry::get, "key">,
                                          mi::alias<"get_statistics">);

constexpr auto c_nothing = mi::command<"nothing">(mi::recipe<&nothing>);
constexpr auto c_ps = mi::command<"ps">(mi::recipe<&ps>);
constexpr auto c_favourite = mi::command<"favourite">(mi::recipe<&favourite>);
constexpr auto c_out_of_range = mi::command<"out_of_range">(mi::recipe<&out_of_range>);
constexpr auto c_nothing_yet = mi::command<"nothing_yet">(mi::recipe<&nothing_yet>);
constexpr auto c_ratios = mi::command<"ratios">(mi::recipe<&ratios>);
constexpr auto c_specials = mi::command<"specials">(mi::recipe<&specials>);
constexpr auto c_unicode = mi::command<"unicode">(mi::recipe<&unicode>);
constexpr auto c_tuple = mi::command<"tuple">(mi::recipe<&a_tuple>);
constexpr auto c_shapes = mi::command<"shapes">(mi::recipe<&shapes>);
constexpr auto c_void_ok = mi::command<"result_void_ok">(mi::recipe<&result_void_ok>);
constexpr auto c_void_error = mi::command<"result_void_error">(mi::recipe<&result_void_error>);
constexpr auto c_with_data = mi::command<"result_with_data">(mi::recipe<&result_with_data>);
constexpr auto c_runtime = mi::command<"throws_runtime_error">(mi::recipe<&throws_runtime_error>);
constexpr auto c_mi_error = mi::command<"throws_mi_error">(mi::recipe<&throws_mi_error>);
constexpr auto c_raise = mi::command<"raise">(mi::recipe<&raise_error, "code", "message", "data">);
constexpr auto c_maybe = mi::command<"maybe">(mi::recipe<&maybe, "which", "text">);

constexpr auto c_async_now = mi::command<"async_now">(mi::recipe<&async_now, "v">, mi::async);
constexpr auto c_later = mi::command<"later">(mi::recipe<&later, "mode">, mi::async);
constexpr auto c_later_void = mi::command<"later_void">(mi::recipe<&later_void, "mode">, mi::async);
constexpr auto c_nested = mi::command<"nested">(mi::recipe<&nested, "request">);

// A second "echo" in another module makes the bare name ambiguous in the 4.x set.
constexpr auto c_echo_json = mi::command<"echo">(mi::recipe<&identity<boost::json::value>, "text">);

constexpr auto flat_set = mi::command_set(
    mi::service_info{"fuzz \"flat\" <set>", "3.6"}, c_i8, c_u8, c_i16, c_u16, c_i32, c_u32, c_i64, c_u64, c_ll, c_ull,
    c_f64, c_f32, c_boolean, c_string, c_view, c_enum, c_optional, c_ints, c_nested_vec, c_opt_vec, c_struct, c_points,
    c_dict, c_registry, c_flat, c_args, c_value, c_object, c_array, c_tail, c_log_level, c_profiling, c_dlg, c_who,
    c_names, c_get, c_nothing, c_ps, c_favourite, c_out_of_range, c_nothing_yet, c_ratios, c_specials, c_unicode,
    c_tuple, c_shapes, c_void_ok, c_void_error, c_with_data, c_runtime, c_mi_error, c_raise, c_maybe, c_async_now,
    c_later, c_later_void, c_nested);

constexpr auto module_set = mi::command_set(
    mi::service_info{"fuzz modules", "4.0"},
    mi::module<"types">(c_i8, c_u8, c_i16, c_u16, c_i32, c_u32, c_i64, c_u64, c_ll, c_ull, c_f64, c_f32, c_boolean,
                        c_string, c_view, c_enum, c_optional, c_ints, c_nested_vec, c_opt_vec, c_struct, c_points,
                        c_dict, c_registry, c_flat, c_args, c_value, c_object, c_array, c_tail),
    mi::module<"recipes">(c_log_level, c_profiling, c_dlg, c_who, c_names, c_get),
    mi::module<"results">(c_nothing, c_ps, c_favourite, c_out_of_range, c_nothing_yet, c_ratios, c_specials,
                          c_unicode, c_tuple, c_shapes, c_void_ok, c_void_error, c_with_data, c_runtime, c_mi_error,
                          c_raise, c_maybe, c_echo_json),
    mi::module<"async">(c_async_now, c_later, c_later_void, c_nested));

registry the_registry;
mi::limits const flat_limits{};
mi::limits const module_limits{.max_batch = 4, .max_depth = 12};
mi::dispatcher const flat(flat_set, flat_limits, the_registry);
mi::dispatcher const modular(module_set, module_limits, the_registry);
mi::context const fuzz_context{"fuzz", "peer:1"};

std::string redispatch_flat(std::string_view request) {
    std::string response;
    return flat.call(request, response, fuzz_context) ? response : std::string("<none>");
}

// --- checks ----------------------------------------------------------------------------------------------------

std::string_view printable(std::string_view text) { return text.substr(0, 2000); }

[[noreturn]] void violated(char const* what, std::string_view request, std::string_view response) {
    auto const r = printable(request), a = printable(response);
    std::fprintf(stderr, "\n*** invariant violated: %s\n*** request (%zu bytes): %.*s\n*** response (%zu bytes): %.*s\n",
                 what, request.size(), static_cast<int>(r.size()), r.data(), response.size(), static_cast<int>(a.size()),
                 a.data());
    std::abort();
}

constexpr std::string_view parse_error = R"({"jsonrpc":"2.0","error":{"code":-32700,"message":"Parse error"},"id":null})";

bool names_equal(std::string_view key, std::string_view name) {
    if (key.size() != name.size()) return false;
    for (std::size_t i = 0; i < key.size(); ++i)
        if ((key[i] | 0x20) != name[i]) return false;
    return true;
}

// What the response's id must be for a request object: its first "id" member (any case) when that is a string,
// a number or null; null when it is something else or absent (then only an error may be answered).
boost::json::value expected_id(mi::detail::json_ref request) {
    using mi::detail::token_kind;
    std::optional<mi::detail::json_ref> id;
    request.each_member([&](std::string_view key, mi::detail::json_ref value) {
        if (!id && names_equal(key, "id")) id = value;
    });
    if (!id) return nullptr;
    switch (id->kind()) {
    case token_kind::string: return boost::json::string(id->string());
    case token_kind::int64: return id->int64();
    case token_kind::uint64: return id->uint64();
    case token_kind::real:
        if (std::isfinite(id->real())) return id->real();
        return nullptr;
    default: return nullptr;
    }
}

// One response object: {"jsonrpc":"2.0", "result":... | "error":{code, message[, data]}, "id":...}, in that order.
void check_response_object(boost::json::value const& v, std::string_view request, std::string_view response) {
    auto const* o = v.if_object();
    if (!o) violated("a response is not an object", request, response);
    if (o->size() != 3) violated("a response object does not have exactly three members", request, response);
    auto it = o->begin();
    if (it->key() != "jsonrpc" || !it->value().is_string() || it->value().get_string() != "2.0") violated("a response does not start with \"jsonrpc\":\"2.0\"", request, response);
    ++it;
    if (it->key() == "error") {
        auto const* e = it->value().if_object();
        if (!e) violated("an error member is not an object", request, response);
        auto const* code = e->if_contains("code");
        auto const* message = e->if_contains("message");
        auto const* data = e->if_contains("data");
        if (!code || !code->is_int64()) violated("an error has no integer code", request, response);
        if (!message || !message->is_string()) violated("an error has no string message", request, response);
        if (data && !data->is_string()) violated("an error's data is not a string", request, response);
        if (e->size() != 2u + (data ? 1u : 0u)) violated("an error has members besides code, message, data", request, response);
    } else if (it->key() != "result") {
        violated("a response has neither result nor error", request, response);
    }
    ++it;
    if (it->key() != "id") violated("a response does not end with its id", request, response);
    if (!(it->value().is_null() || it->value().is_string() || it->value().is_number()))
        violated("a response's id is neither null, a string nor a number", request, response);
}

// Ids compared as values. Boost.JSON 1.81 reads a real (of many digits) up to an ulp or two away from the
// correctly rounded value, so an id echoed exactly ("8.88888888888889E70" is what strtod reads back) can be read
// back a little apart: reals are the same within two ulps.
bool same_id(boost::json::value const& a, boost::json::value const& b) {
    if (!a.is_double() || !b.is_double()) return a == b;
    double const x = a.get_double(), y = b.get_double();
    return x == y || std::nextafter(x, y) == y || std::nextafter(std::nextafter(x, y), y) == y;
}

struct request_shape {
    bool complete = false; // one JSON text within the dispatcher's depth
    bool batch = false;
    std::size_t elements = 0; // of a batch
    bool object = false;
    boost::json::value id;    // of an object request
};

request_shape shape_of(std::string_view request, mi::limits const& limits) {
    request_shape s;
    auto const scan = mi::scan_json(request, limits.max_depth);
    if (scan.status != mi::json_scan::state::complete) return s;
    s.complete = true;
    thread_local mi::detail::tape tape;
    if (!tape.read(request, limits.max_depth)) violated("scan_json found a complete text that the tape does not read", request, {});
    mi::detail::json_ref const root(tape, 0);
    s.batch = root.is(mi::detail::token_kind::array);
    s.elements = s.batch ? root.size() : 0;
    s.object = root.is(mi::detail::token_kind::object);
    if (s.object) s.id = expected_id(root);
    return s;
}

// Every answer of a dispatcher to `request` must satisfy this, whichever way it was asked.
void check_answer(std::string_view request, request_shape const& shape, mi::limits const& limits,
                  std::string_view response) {
    if (!shape.complete) {
        if (response != parse_error) violated("text that is not one JSON text is not answered -32700", request, response);
        return;
    }
    if (response.empty()) {
        // Only notifications go unanswered: an object, or a batch of them.
        if (!shape.object && !(shape.batch && shape.elements > 0 && shape.elements <= limits.max_batch))
            violated("a request that cannot be a notification was not answered", request, response);
        return;
    }
    boost::system::error_code ec;
    boost::json::parse_options options;
    options.max_depth = 1024;
    auto const v = boost::json::parse(response, ec, {}, options);
    if (ec) violated("the response is not JSON", request, response);
    if (response == parse_error) violated("a complete JSON text is answered -32700", request, response);
    if (shape.batch && shape.elements > 0 && shape.elements <= limits.max_batch) {
        auto const* a = v.if_array();
        if (!a) violated("a batch is not answered with an array", request, response);
        if (a->empty() || a->size() > shape.elements) violated("a batch response has the wrong number of elements", request, response);
        for (auto const& item : *a) check_response_object(item, request, response);
        return;
    }
    check_response_object(v, request, response);
    if (shape.object && !same_id(v.as_object().at("id"), shape.id)) violated("the response's id is not the request's", request, response);
    if (!shape.object && !v.as_object().at("id").is_null()) violated("a non-object request is answered with an id", request, response);
}

// What async_call delivered, checked as it arrives.
struct delivered {
    std::string_view request;
    int provisional = 0;
    int terminal = 0;
    bool failed = false;
    std::string text;
};

struct collect {
    delivered* d;
    void operator()(mi::answer const& a) const {
        if (d->terminal != 0) violated("async_call delivered an answer after its final one", d->request, a.text);
        if (a.kind == mi::answer_kind::provisional) {
            ++d->provisional;
            boost::system::error_code ec;
            auto const v = boost::json::parse(a.text, ec);
            if (ec) violated("a provisional answer is not JSON", d->request, a.text);
            check_response_object(v, d->request, a.text);
            return;
        }
        ++d->terminal;
        d->failed = a.kind == mi::answer_kind::failed;
        d->text.assign(a.text);
        if (d->failed && !a.text.empty()) violated("a failed answer has text", d->request, a.text);
    }
};

template <class Dispatcher>
void exercise(Dispatcher const& d, mi::limits const& limits, std::string_view request) {
    auto const shape = shape_of(request, limits);

    // Synchronous, with the thread's workspace and with a fresh one: the same bytes.
    std::string response;
    bool const answered = d.call(request, response, fuzz_context);
    if (answered == response.empty())
        violated("call() returned true with no response, or false with one", request, response);
    std::string const sent = answered ? response : std::string(); // what a transport sends
    check_answer(request, shape, limits, sent);
    {
        mi::workspace fresh;
        std::string again;
        d.call(request, again, fuzz_context, fresh);
        if (again != response) violated("another workspace gives another response", request, again);
    }

    // Asynchronous: one final (or failed) answer once every kept handle is settled.
    pending.clear();
    async_ran = false;
    delivered got;
    got.request = request;
    d.async_call(request, fuzz_context, collect{&got});
    auto kept = std::move(pending);
    pending.clear();
    for (auto& [reply, how] : kept) settle(reply, how);
    kept.clear(); // dropped handles fail their call here
    if (got.terminal != 1) violated("async_call did not deliver exactly one final answer", request, got.text);
    if (!got.failed) {
        check_answer(request, shape, limits, got.text);
        if (!async_ran && got.text != sent) violated("async_call and call answer differently", request, got.text);
    }
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(std::uint8_t const* data, std::size_t size) {
    redispatch = &redispatch_flat;
    std::string_view const request(reinterpret_cast<char const*>(data), size);
    exercise(flat, flat_limits, request);
    exercise(modular, module_limits, request);
    return 0;
}

// Copyright (c) 2026 the mi authors. Distributed under the Boost Software License, Version 1.0.
// SPDX-License-Identifier: BSL-1.0
//
// Every mistake design.md lists under "Compile-time checks" (and a few more), one `#if CASE_X` block each.
// cases.cmake names the static_assert text each must produce; CASE_CONTROL must compile.
#include <mi/mi.hpp>

// Each case includes what it uses beyond the core: a header less is a second less for every case.
#if CASE_CONTROL || CASE_EVENT_BAD_NAME || CASE_EVENT_UNWRITABLE || CASE_EVENT_TWICE || CASE_EVENT_UNKNOWN || \
    CASE_EVENT_WRONG_PAYLOAD || CASE_EVENT_NO_PAYLOAD
#define CASE_EVENTS 1
#include <mi/events.hpp>
#endif
#if CASE_CONTROL || CASE_STATISTICS_NOT_DESCRIBED || CASE_STATISTICS_BAD_MEMBER
#define CASE_STATISTICS 1
#include <mi/statistics.hpp>
#endif

#if CASE_COROUTINE_WITHOUT_HEADER
#include <boost/asio/awaitable.hpp>
#elif CASE_COROUTINE_WITH_REPLY || CASE_COROUTINE_ASYNC_RESULT || CASE_COROUTINE_VIEW || CASE_COROUTINE_EXECUTOR
#include <boost/asio/io_context.hpp>
#include <mi/coroutine.hpp>
#endif
#if CASE_REMOTE_UNKNOWN_COMMAND || CASE_REMOTE_ARGUMENT_COUNT || CASE_REMOTE_ARGUMENT_TYPE || CASE_REMOTE_RESULT_TYPE || \
    CASE_REMOTE_AMBIGUOUS || CASE_REMOTE_UNKNOWN_NAME || CASE_REMOTE_MIXED || CASE_REMOTE_NAMED_ONLY || \
    CASE_REMOTE_VIEW_RESULT
#define CASE_REMOTE 1
#include <mi/remote.hpp>
#endif

namespace {

int two(int a, int b) { return a + b; }
[[maybe_unused]] int one(int a) { return a; }
[[maybe_unused]] void none() {}
struct unbindable {
    int* pointer;
};
[[maybe_unused]] int takes_unbindable(unbindable) { return 0; }
struct not_json {};
[[maybe_unused]] not_json returns_unwritable() { return {}; }
[[maybe_unused]] int optional_first(std::optional<int> a, int b) { return a.value_or(0) + b; }
mi::async_result<int> async_handler(mi::async_reply) { return 1; }
struct module_state {
    int get() const { return 1; }
};
[[maybe_unused]] int not_a_function = 0;
#if CASE_STATISTICS
struct described_statistics {
    mi::counter requests;
    mi::gauge open;
};
BOOST_DESCRIBE_STRUCT(described_statistics, (), (requests, open))
struct undescribed_statistics {
    mi::counter requests;
};
struct statistics_with_an_int {
    mi::counter requests;
    int open = 0;
};
BOOST_DESCRIBE_STRUCT(statistics_with_an_int, (), (requests, open))
#endif
#if CASE_EVENTS
struct blocked {
    std::string ip;
};
BOOST_DESCRIBE_STRUCT(blocked, (), (ip))
#endif

#if CASE_COROUTINE_WITHOUT_HEADER
boost::asio::awaitable<int> coroutine(std::string) { co_return 1; }
#elif CASE_COROUTINE_VIEW
boost::asio::awaitable<int> coroutine(std::string_view) { co_return 1; }
#elif CASE_COROUTINE_WITH_REPLY
boost::asio::awaitable<int> coroutine(mi::async_reply) { co_return 1; }
#elif CASE_COROUTINE_ASYNC_RESULT
boost::asio::awaitable<mi::async_result<int>> coroutine() { co_return 1; }
#elif CASE_COROUTINE_EXECUTOR
boost::asio::awaitable<int, boost::asio::io_context::executor_type> coroutine() { co_return 1; }
#endif

#if CASE_REMOTE
int get_level() { return 1; }
int set_level(int level) { return level; }
std::string by_key(std::string key) { return key; }
std::string by_name(std::string name) { return name; }
struct named_view {
    std::string_view name;
};
BOOST_DESCRIBE_STRUCT(named_view, (), (name))
named_view viewed() { return {"x"}; }
inline constexpr auto remote_set = mi::command_set(
    mi::command<"viewed">(mi::recipe<&viewed>),
    mi::command<"log_level">(mi::recipe<&get_level>, mi::recipe<&set_level, "level">),
    mi::command<"lookup">(mi::recipe<&by_key, "key">, mi::recipe<&by_name, "name">),
    mi::command<"only_named">(mi::recipe<&set_level, "level">, mi::named_params_only));
struct no_connection {
    std::string raw(std::string_view) const { return {}; }
};
mi::remote<remote_set, no_connection> const typed{no_connection{}};
#endif

} // namespace

int main() {
#if CASE_CONTROL
    constexpr auto set = mi::command_set(mi::command<"two">(mi::recipe<&two, "a", "b">),
                                         mi::command<"async_ok">(mi::recipe<&async_handler>, mi::async));
    mi::dispatcher const d(set);
    mi::statistics stats;
    stats.add_group<described_statistics>("g").requests.increment();
    mi::events events(mi::event_set(mi::event<"E_PIKE_BLOCKED", blocked>(), mi::event<"E_NONE">()));
    events.raise<"E_PIKE_BLOCKED">(blocked{"192.168.2.11"});
    events.raise<"E_NONE">();
    std::string out;
    return d.call(R"({"jsonrpc":"2.0","method":"two","params":[1,2],"id":1})", out) ? 0 : 1;
#endif

#if CASE_ARITY
    constexpr auto set = mi::command_set(mi::command<"two">(mi::recipe<&two, "a">));
#endif
#if CASE_ARITY_TOO_MANY
    constexpr auto set = mi::command_set(mi::command<"one">(mi::recipe<&one, "a", "b">));
#endif
#if CASE_DUPLICATE_PARAM
    constexpr auto set = mi::command_set(mi::command<"two">(mi::recipe<&two, "a", "a">));
#endif
#if CASE_DUPLICATE_COMMAND
    constexpr auto set = mi::command_set(mi::command<"x">(mi::recipe<&one, "a">), mi::command<"x">(mi::recipe<&none>));
#endif
#if CASE_ALIAS_CLASH
    constexpr auto set = mi::command_set(mi::command<"x">(mi::recipe<&one, "a">, mi::alias<"y">),
                                         mi::command<"y">(mi::recipe<&none>));
#endif
#if CASE_DUPLICATE_IN_MODULE
    constexpr auto set = mi::command_set(mi::module<"m">(mi::command<"x">(mi::recipe<&none>), mi::command<"x">(mi::recipe<&none>)));
#endif
#if CASE_INDISTINGUISHABLE
    constexpr auto set = mi::command_set(mi::command<"x">(mi::recipe<&two, "a", "b">, mi::recipe<&two, "b", "a">));
#endif
#if CASE_TWO_EMPTY_RECIPES
    constexpr auto set = mi::command_set(mi::command<"x">(mi::recipe<&none>, mi::recipe<&none>));
#endif
#if CASE_UNBINDABLE_PARAM
    constexpr auto set = mi::command_set(mi::command<"x">(mi::recipe<&takes_unbindable, "u">));
#endif
#if CASE_UNWRITABLE_RESULT
    constexpr auto set = mi::command_set(mi::command<"x">(mi::recipe<&returns_unwritable>));
#endif
#if CASE_EMPTY_NAME
    constexpr auto set = mi::command_set(mi::command<"">(mi::recipe<&none>));
#endif
#if CASE_BAD_NAME
    constexpr auto set = mi::command_set(mi::command<"log level">(mi::recipe<&none>));
#endif
#if CASE_NAME_WITH_COLON
    constexpr auto set = mi::command_set(mi::command<"core:ps">(mi::recipe<&none>));
#endif
#if CASE_BAD_MODULE
    constexpr auto set = mi::command_set(mi::module<"my module">(mi::command<"x">(mi::recipe<&none>)));
#endif
#if CASE_BAD_ALIAS
    constexpr auto set = mi::command_set(mi::command<"x">(mi::recipe<&none>, mi::alias<"1x">));
#endif
#if CASE_NO_RECIPE
    constexpr auto set = mi::command_set(mi::command<"x">("help only"));
#endif
#if CASE_TOO_MANY_RECIPES
    // 49 recipes, told apart by their parameter's name
#define MI_CASE_RECIPES(a, b, c, d, e, f, g) \
    mi::recipe<&one, #a>, mi::recipe<&one, #b>, mi::recipe<&one, #c>, mi::recipe<&one, #d>, mi::recipe<&one, #e>, \
        mi::recipe<&one, #f>, mi::recipe<&one, #g>
    constexpr auto set = mi::command_set(mi::command<"x">(
        MI_CASE_RECIPES(a0, a1, a2, a3, a4, a5, a6), MI_CASE_RECIPES(b0, b1, b2, b3, b4, b5, b6),
        MI_CASE_RECIPES(c0, c1, c2, c3, c4, c5, c6), MI_CASE_RECIPES(d0, d1, d2, d3, d4, d5, d6),
        MI_CASE_RECIPES(e0, e1, e2, e3, e4, e5, e6), MI_CASE_RECIPES(f0, f1, f2, f3, f4, f5, f6),
        MI_CASE_RECIPES(g0, g1, g2, g3, g4, g5, g6)));
#endif
#if CASE_OPTIONAL_FIRST
    constexpr auto set = mi::command_set(mi::command<"x">(mi::recipe<&optional_first, "a", "b">));
#endif
#if CASE_ASYNC_WITHOUT_FLAG
    constexpr auto set = mi::command_set(mi::command<"x">(mi::recipe<&async_handler>));
#endif
#if CASE_MIXED_MODULES
    constexpr auto set = mi::command_set(mi::module<"m">(mi::command<"x">(mi::recipe<&none>)),
                                         mi::command<"y">(mi::recipe<&none>));
#endif
#if CASE_MISSING_OBJECT
    constexpr auto set = mi::command_set(mi::command<"get">(mi::recipe<&module_state::get>));
    mi::dispatcher const d(set);
#endif
#if CASE_EMPTY_PARAM_NAME
    constexpr auto set = mi::command_set(mi::command<"x">(mi::recipe<&one, "">));
#endif
#if CASE_TWO_PERMISSIONS
    constexpr auto set = mi::command_set(mi::command<"x">(mi::needs_read, mi::needs_admin, mi::recipe<&none>));
#endif
#if CASE_NOT_A_HANDLER
    constexpr auto set = mi::command_set(mi::command<"x">(mi::recipe<&not_a_function>));
#endif
#if CASE_STATISTICS_NOT_DESCRIBED
    mi::statistics stats;
    auto& set = stats.add_group<undescribed_statistics>("g");
#endif
#if CASE_STATISTICS_BAD_MEMBER
    mi::statistics stats;
    auto& set = stats.add_group<statistics_with_an_int>("g");
#endif
#if CASE_EVENT_BAD_NAME
    constexpr auto set = mi::event_set(mi::event<"E-PIKE">());
#endif
#if CASE_EVENT_UNWRITABLE
    constexpr auto set = mi::event_set(mi::event<"E_X", not_json>());
#endif
#if CASE_EVENT_TWICE
    constexpr auto set = mi::event_set(mi::event<"E_X", int>(), mi::event<"E_X", blocked>());
#endif
#if CASE_EVENT_UNKNOWN
    constexpr auto set = 0;
    mi::events events(mi::event_set(mi::event<"E_PIKE_BLOCKED", blocked>()));
    events.raise<"E_PIKE_BLOKED">(blocked{"192.168.2.11"});
#endif
#if CASE_EVENT_WRONG_PAYLOAD
    constexpr auto set = 0;
    mi::events events(mi::event_set(mi::event<"E_PIKE_BLOCKED", blocked>()));
    events.raise<"E_PIKE_BLOCKED">(42);
#endif
#if CASE_EVENT_NO_PAYLOAD
    constexpr auto set = 0;
    mi::events events(mi::event_set(mi::event<"E_NONE">()));
    events.raise<"E_NONE">(1);
#endif
#if CASE_COROUTINE_WITHOUT_HEADER
    constexpr auto set = mi::command_set(mi::command<"c">(mi::recipe<&coroutine, "text">));
    mi::dispatcher const d(set);
#elif CASE_COROUTINE_EXECUTOR
    constexpr auto set = mi::command_set(mi::command<"c">(mi::recipe<&coroutine>));
    mi::dispatcher const d(set);
#elif CASE_COROUTINE_VIEW
    constexpr auto set = mi::command_set(mi::command<"c">(mi::recipe<&coroutine, "text">));
#elif CASE_COROUTINE_WITH_REPLY || CASE_COROUTINE_ASYNC_RESULT
    constexpr auto set = mi::command_set(mi::command<"c">(mi::recipe<&coroutine>));
#endif
#if CASE_REMOTE
    constexpr auto set = 0;
#endif
#if CASE_REMOTE_UNKNOWN_COMMAND
    typed.call<"log_levle">();
#elif CASE_REMOTE_ARGUMENT_COUNT
    typed.call<"log_level">(1, 2, 3);
#elif CASE_REMOTE_ARGUMENT_TYPE
    typed.call<"log_level">("four");
#elif CASE_REMOTE_RESULT_TYPE
    std::string level = typed.call<"log_level">(4);
#elif CASE_REMOTE_AMBIGUOUS
    typed.call<"lookup">("x");
#elif CASE_REMOTE_UNKNOWN_NAME
    typed.call<"log_level">(mi::named<"levle">(4));
#elif CASE_REMOTE_MIXED
    typed.call<"lookup">("x", mi::named<"name">("y"));
#elif CASE_REMOTE_NAMED_ONLY
    typed.call<"only_named">(4);
#elif CASE_REMOTE_VIEW_RESULT
    typed.call<"viewed">();
#endif
#if !CASE_CONTROL
    (void)set;
    return 0;
#endif
}

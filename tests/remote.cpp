// Copyright (c) 2026 the mi authors. Distributed under the Boost Software License, Version 1.0.
// SPDX-License-Identifier: BSL-1.0
//
// The typed client, mi::remote: the requests it writes (exact bytes), the recipe its arguments select, results read
// as the handlers' types, errors as mi::error (thrown, or returned by try_call), batches, and a reply that does not
// read as the declared type. In process through a connection that calls a dispatcher, and over a real HTTP server on
// 127.0.0.1. Against mi_daemon on every transport: tests/integration/remote_test.py.
#include <mi/remote.hpp>

#define BOOST_TEST_MODULE remote
#include <boost/test/unit_test.hpp>

#include <mi/mi.hpp>
#include <mi/transport/http.hpp>
#include <mi/transport/thread.hpp>

#include <boost/describe/class.hpp>

#include <optional>
#include <string>
#include <utility>
#include <vector>

using namespace std::chrono_literals;

namespace remote_test {

struct point {
    int x = 0;
    int y = 0;
};
BOOST_DESCRIBE_STRUCT(point, (), (x, y))

struct level_set {
    int level = 0;
    std::string by;
};
BOOST_DESCRIBE_STRUCT(level_set, (), (level, by))

int add(int a, int b) { return a + b; }
std::string greet(std::string name, std::optional<std::string> title) {
    return "hello, " + (title ? *title + " " : std::string()) + name;
}
void nothing() {}
mi::result<int> fails() { return mi::error(404, "Not Found", "no such key"); }
int where(point p) { return p.x * 10 + p.y; }
std::vector<std::pair<std::string, int>> stats() { return {{"b", 2}, {"a", 1}}; }
int current_level() { return 3; }
level_set set_level(int level) { return {level, "remote"}; }
std::string by_key(std::string key) { return "key " + key; }
std::string by_name(std::string name) { return "name " + name; }
double half(double x) { return x / 2; }
std::vector<std::string> words(std::vector<std::string> w) { return w; }
// Views of the daemon's own state, as list_statistics returns: the client reads them into strings.
std::string_view kind() { return "incremental"; }
std::vector<std::pair<std::string, std::string_view>> kinds() { return {{"a", "incremental"}, {"b", "non-incremental"}}; }

inline constexpr auto commands = mi::command_set(
    mi::command<"add">(mi::recipe<&add, "a", "b">), mi::command<"greet">(mi::recipe<&greet, "name", "title">),
    mi::command<"nothing">(mi::recipe<&nothing>), mi::command<"fails">(mi::recipe<&fails>),
    mi::command<"where">(mi::recipe<&where>), mi::command<"stats">(mi::recipe<&stats>),
    mi::command<"level">(mi::recipe<&current_level>, mi::recipe<&set_level, "level">, mi::alias<"log_level">),
    mi::command<"lookup">(mi::recipe<&by_key, "key">, mi::recipe<&by_name, "name">),
    mi::command<"only_named">(mi::recipe<&add, "a", "b">, mi::named_params_only),
    mi::command<"half">(mi::recipe<&half, "x">), mi::command<"words">(mi::recipe<&words, "words">),
    mi::command<"kind">(mi::recipe<&kind>), mi::command<"kinds">(mi::recipe<&kinds>));

mi::dispatcher const dispatcher(commands);

// A connection that answers through the dispatcher in this process, and keeps what it was sent.
struct in_process {
    std::shared_ptr<std::vector<std::string>> sent = std::make_shared<std::vector<std::string>>();
    std::string raw(std::string_view request) const {
        sent->emplace_back(request);
        std::string response;
        dispatcher.call(request, response);
        return response;
    }
};

// A connection that answers every request with the same text.
struct canned {
    std::string reply;
    std::string raw(std::string_view) const { return reply; }
};

struct fixture {
    in_process connection;
    mi::remote<commands, in_process> daemon{connection};
    std::string last() const { return connection.sent->back(); }
};

} // namespace remote_test

using namespace remote_test;

BOOST_FIXTURE_TEST_SUITE(in_process_calls, fixture)

BOOST_AUTO_TEST_CASE(positional_arguments_are_an_array_and_the_result_reads_as_the_handlers_type) {
    int const sum = daemon.call<"add">(1, 2);
    BOOST_TEST(sum == 3);
    BOOST_TEST(last() == R"({"jsonrpc":"2.0","method":"add","params":[1,2],"id":1})");
    long const widened = daemon.call<"add">(short{40}, 2); // converts as the handler's int would
    BOOST_TEST(widened == 42);
    BOOST_TEST(last() == R"({"jsonrpc":"2.0","method":"add","params":[40,2],"id":2})");
}

BOOST_AUTO_TEST_CASE(named_arguments_are_an_object_in_the_order_given) {
    std::string const text = daemon.call<"greet">(mi::named<"title">("dear"), mi::named<"name">("world"));
    BOOST_TEST(text == "hello, dear world");
    BOOST_TEST(last() == R"({"jsonrpc":"2.0","method":"greet","params":{"title":"dear","name":"world"},"id":1})");
    BOOST_TEST(std::string(daemon.call<"greet">(mi::named<"name">("you"))) == "hello, you");
    BOOST_TEST(std::string(daemon.call<"greet">("you")) == "hello, you"); // an optional parameter left out
    BOOST_TEST(last() == R"({"jsonrpc":"2.0","method":"greet","params":["you"],"id":3})");
    BOOST_TEST(std::string(daemon.call<"greet">(std::string("a\"b"), std::optional<std::string>("t"))) == "hello, t a\"b");
    BOOST_TEST(last() == R"({"jsonrpc":"2.0","method":"greet","params":["a\"b","t"],"id":4})");
}

BOOST_AUTO_TEST_CASE(no_arguments_send_empty_params_and_a_void_handler_returns_nothing) {
    static_assert(std::is_void_v<decltype(std::declval<mi::remote<commands, in_process>&>().call<"nothing">())>);
    daemon.call<"nothing">();
    BOOST_TEST(last() == R"({"jsonrpc":"2.0","method":"nothing","params":{},"id":1})");
}

BOOST_AUTO_TEST_CASE(a_json_rpc_error_is_thrown_as_mi_error_or_returned_by_try_call) {
    try {
        daemon.call<"fails">();
        BOOST_FAIL("no error");
    } catch (mi::error const& e) {
        BOOST_TEST(e.code == 404);
        BOOST_TEST(e.message == "Not Found");
        BOOST_TEST(e.data == "no such key");
    }
    auto const answer = daemon.try_call<"fails">();
    BOOST_REQUIRE(!answer);
    BOOST_TEST((answer.error() == mi::error(404, "Not Found", "no such key")));
    auto const sum = daemon.try_call<"add">(2, 2);
    BOOST_REQUIRE(sum.has_value());
    BOOST_TEST(*sum == 4);
    // the dispatcher's own errors come the same way
    auto const refused = daemon.try_call<"words">(std::vector<std::string>{});
    BOOST_REQUIRE(!refused);
    BOOST_TEST(refused.error().code == -32602);
}

BOOST_AUTO_TEST_CASE(a_described_struct_parameter_takes_its_members) {
    BOOST_TEST(int(daemon.call<"where">(1, 2)) == 12);
    BOOST_TEST(last() == R"({"jsonrpc":"2.0","method":"where","params":[1,2],"id":1})");
    BOOST_TEST(int(daemon.call<"where">(mi::named<"y">(5), mi::named<"x">(4))) == 45);
}

BOOST_AUTO_TEST_CASE(the_arguments_select_the_recipe_and_its_result_type) {
    auto const reading = daemon.call<"level">();
    static_assert(std::is_same_v<decltype(reading)::value_type, int>);
    BOOST_TEST(*reading == 3);
    auto const setting = daemon.call<"level">(4);
    static_assert(std::is_same_v<decltype(setting)::value_type, level_set>);
    BOOST_TEST(setting->level == 4);
    BOOST_TEST(setting->by == "remote");
    // an alias names the same command, and is sent as written
    BOOST_TEST(daemon.call<"log_level">(mi::named<"level">(5))->level == 5);
    BOOST_TEST(last() == R"({"jsonrpc":"2.0","method":"log_level","params":{"level":5},"id":3})");
    // recipes of one size are told apart by name
    BOOST_TEST(std::string(daemon.call<"lookup">(mi::named<"name">("n"))) == "name n");
    BOOST_TEST(std::string(daemon.call<"lookup">(mi::named<"key">("k"))) == "key k");
    BOOST_TEST(int(daemon.call<"only_named">(mi::named<"a">(1), mi::named<"b">(1))) == 2);
}

BOOST_AUTO_TEST_CASE(results_of_every_shape_read_back) {
    auto const pairs = daemon.call<"stats">();
    BOOST_TEST((*pairs == std::vector<std::pair<std::string, int>>{{"b", 2}, {"a", 1}})); // in the order written
    double const h = daemon.call<"half">(3);
    BOOST_TEST(h == 1.5);
    std::vector<std::string> const w = daemon.call<"words">(std::vector<std::string>{"a", "b"});
    BOOST_TEST((w == std::vector<std::string>{"a", "b"}));
}

BOOST_AUTO_TEST_CASE(a_result_that_views_the_daemons_state_is_read_into_strings) {
    auto const one = daemon.call<"kind">();
    static_assert(std::is_same_v<decltype(one)::value_type, std::string>);
    BOOST_TEST(*one == "incremental");
    auto const all = daemon.call<"kinds">();
    static_assert(std::is_same_v<decltype(all)::value_type, std::vector<std::pair<std::string, std::string>>>);
    BOOST_TEST((*all == std::vector<std::pair<std::string, std::string>>{{"a", "incremental"}, {"b", "non-incremental"}}));
}

BOOST_AUTO_TEST_CASE(a_batch_is_one_request_and_each_call_gets_its_own_answer) {
    auto [sum, failure, done, set] = daemon.batch(daemon.prepare<"add">(1, 2), daemon.prepare<"fails">(),
                                                  daemon.prepare<"nothing">(), daemon.prepare<"level">(7));
    BOOST_TEST(connection.sent->size() == 1u);
    BOOST_TEST(last() == R"([{"jsonrpc":"2.0","method":"add","params":[1,2],"id":1},)"
                         R"({"jsonrpc":"2.0","method":"fails","params":{},"id":2},)"
                         R"({"jsonrpc":"2.0","method":"nothing","params":{},"id":3},)"
                         R"({"jsonrpc":"2.0","method":"level","params":[7],"id":4}])");
    BOOST_REQUIRE(sum.has_value());
    BOOST_TEST(*sum == 3);
    BOOST_REQUIRE(!failure);
    BOOST_TEST(failure.error().code == 404);
    BOOST_TEST(done.has_value());
    BOOST_REQUIRE(set.has_value());
    BOOST_TEST(set->level == 7);
}

BOOST_AUTO_TEST_SUITE_END()

BOOST_AUTO_TEST_CASE(answers_are_matched_by_id_in_whatever_order_they_come) {
    mi::remote<commands, canned> daemon(canned{R"([{"jsonrpc":"2.0","result":"second","id":2},)"
                                               R"({"jsonrpc":"2.0","result":1,"id":1}])"});
    auto [first, second] = daemon.batch(daemon.prepare<"add">(0, 1), daemon.prepare<"greet">("x"));
    BOOST_TEST(*first == 1);
    BOOST_TEST(*second == "second");
}

BOOST_AUTO_TEST_CASE(a_reply_that_is_not_what_the_declaration_says_is_a_failure) {
    using canned_remote = mi::remote<commands, canned>;
    for (auto reply : {R"({"jsonrpc":"2.0","result":"three","id":1})", "500 Internal error", R"({"jsonrpc":"2.0","id":1})"}) {
        canned_remote const daemon(canned{reply});
        BOOST_CHECK_THROW(daemon.call<"add">(1, 2), mi::client::failure);
    }
    // a batch refused whole comes as one error
    mi::remote<commands, canned> refusing(
        canned{R"({"jsonrpc":"2.0","error":{"code":-32600,"message":"Invalid Request"},"id":null})"});
    BOOST_CHECK_THROW(refusing.batch(refusing.prepare<"nothing">()), mi::error);
    mi::remote<commands, canned> missing(canned{R"([{"jsonrpc":"2.0","result":1,"id":9}])"});
    BOOST_CHECK_THROW(missing.batch(missing.prepare<"add">(1, 2)), mi::client::failure);
}

BOOST_AUTO_TEST_CASE(over_http_with_the_client_connection) {
    mi::transport::background loop;
    mi::http::options o;
    o.port = 0;
    mi::http::server http(loop.context(), dispatcher, o);
    http.start();
    mi::remote<commands> daemon(mi::client::connection(
        mi::client::http_options{.url = "http://127.0.0.1:" + std::to_string(http.local_endpoint().port()) + "/mi",
                                 .timeout = 5s}));
    BOOST_TEST(int(daemon.call<"add">(20, 22)) == 42);
    BOOST_TEST(daemon.call<"level">(mi::named<"level">(2))->by == "remote");
    BOOST_CHECK_THROW(daemon.call<"fails">(), mi::error);
    auto [a, b] = daemon.batch(daemon.prepare<"add">(1, 1), daemon.prepare<"greet">("http"));
    BOOST_TEST(*a == 2);
    BOOST_TEST(*b == "hello, http");
}

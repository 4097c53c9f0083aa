// Copyright (c) 2026 the mi authors. Distributed under the Boost Software License, Version 1.0.
// SPDX-License-Identifier: BSL-1.0
//
// The JSON-RPC wire: the one writer of responses (member order, `data` left out when empty, escaping) and the one
// reader that clients and translating endpoints share.
#include <mi/jsonrpc.hpp>

#define BOOST_TEST_MODULE jsonrpc
#include <boost/test/unit_test.hpp>

#include <mi/mi.hpp>

#include <boost/json/parse.hpp>

#include <string>

namespace {

std::string written(auto&& write) {
    std::string text;
    boost::json::serializer serializer;
    mi::detail::json_writer w(text, serializer);
    write(w);
    return text;
}

} // namespace

BOOST_AUTO_TEST_CASE(a_result_response_in_opensips_member_order) {
    auto const text = written([](auto& w) {
        mi::jsonrpc::begin_result(w);
        w.raw("4");
        mi::jsonrpc::end_response(w, R"("7")");
    });
    BOOST_TEST(text == R"({"jsonrpc":"2.0","result":4,"id":"7"})");
}

BOOST_AUTO_TEST_CASE(an_error_response_leaves_out_empty_data_and_escapes_its_texts) {
    BOOST_TEST(mi::jsonrpc::error_response(mi::error(mi::errc::method_not_found)) ==
               R"({"jsonrpc":"2.0","error":{"code":-32601,"message":"Method not found"},"id":null})");
    BOOST_TEST(mi::jsonrpc::error_response(mi::error(404, "not \"there\"", "a\nb"), "12") ==
               R"({"jsonrpc":"2.0","error":{"code":404,"message":"not \"there\"","data":"a\nb"},"id":12})");
}

BOOST_AUTO_TEST_CASE(the_writer_tells_the_audit_which_error_it_wrote) {
    std::string text;
    boost::json::serializer serializer;
    mi::detail::response_writer w(text, serializer);
    mi::jsonrpc::begin_error(w, mi::error(mi::errc::permission_denied, "x"));
    BOOST_TEST(w.error_code == -32003);
}

BOOST_AUTO_TEST_CASE(the_dispatcher_writes_its_errors_with_the_same_writer) {
    constexpr auto commands = mi::command_set(mi::command<"nop">(mi::recipe<[] {}>));
    mi::dispatcher const d(commands);
    std::string response;
    d.call(R"({"jsonrpc":"2.0","method":"none","id":null})", response);
    BOOST_TEST(response == mi::jsonrpc::error_response(mi::error(mi::errc::method_not_found)));
}

BOOST_AUTO_TEST_CASE(reading_a_response_finds_its_members) {
    auto const response = boost::json::parse(R"({"jsonrpc":"2.0","result":[1],"id":3})");
    auto const parts = mi::jsonrpc::read_response(response);
    BOOST_REQUIRE(parts);
    BOOST_TEST(parts->result->as_array().size() == 1u);
    BOOST_TEST(!parts->error);
    BOOST_TEST(parts->id->as_int64() == 3);
    auto const not_an_object = boost::json::parse("[1]");
    BOOST_TEST(!mi::jsonrpc::read_response(not_an_object));
}

BOOST_AUTO_TEST_CASE(an_error_member_reads_as_an_mi_error) {
    auto const error_in = [](char const* text) { return mi::jsonrpc::error_of(boost::json::parse(text), 500); };
    BOOST_TEST((error_in(R"({"code":404,"message":"Statistics Not Found"})") == mi::error(404, "Statistics Not Found")));
    BOOST_TEST((error_in(R"({"code":-32602,"message":"Invalid params","data":"Bad PID"})") ==
                mi::error(mi::errc::invalid_params, "Bad PID")));
    BOOST_TEST((error_in(R"({"code":7.0,"message":5,"data":[1]})") == mi::error(7, "", ""))); // not strings: empty
    BOOST_TEST((error_in(R"({"message":"no code"})") == mi::error(500, "no code")));
    BOOST_TEST((error_in(R"("error")") == mi::error(500, "")));
}

BOOST_AUTO_TEST_CASE(an_error_code_is_an_integer_that_fits_an_int) {
    auto const code_in = [](char const* text) { return mi::jsonrpc::code_of(boost::json::parse(text)); };
    BOOST_TEST(code_in(R"({"code":-32700})").value_or(0) == -32700);
    BOOST_TEST(code_in(R"({"code":7.0})").value_or(0) == 7);
    BOOST_TEST(!code_in(R"({"message":"no code"})"));
    BOOST_TEST(!code_in(R"({"code":"7"})"));
    BOOST_TEST(!code_in(R"({"code":1.5})"));
    BOOST_TEST(!code_in(R"({"code":4294967296})"));
    BOOST_TEST(!code_in(R"("error")"));
}

BOOST_AUTO_TEST_CASE(a_number_id_comes_back_as_the_bytes_sent) {
    constexpr auto commands = mi::command_set(
        mi::command<"nop">(mi::recipe<[] { return 1; }>),
        mi::command<"deferred">(mi::async, mi::recipe<[](mi::async_reply r) -> mi::async_result<int> {
                                    r.finish(1); // through the handle, whose state keeps the id as text
                                    return mi::answer_later;
                                }>));
    mi::dispatcher const d(commands);
    for (std::string id : {"1.7", "1E2", "-0", "4294967296", "18446744073709551616", "-9223372036854775809", "2.50",
                           "1e-3", "7"}) {
        std::string response;
        d.call(R"({"jsonrpc":"2.0","method":"nop","id":)" + id + "}", response);
        BOOST_TEST(response == R"({"jsonrpc":"2.0","result":1,"id":)" + id + "}");
        std::string none;
        d.call(R"({"jsonrpc":"2.0","method":"none","id":)" + id + "}", none);
        BOOST_TEST(none.ends_with(R"(,"id":)" + id + "}"));
        std::string batch; // and in a batch, and through async_call
        d.call(R"([{"jsonrpc":"2.0","method":"nop","id":)" + id + "}]", batch);
        BOOST_TEST(batch == R"([{"jsonrpc":"2.0","result":1,"id":)" + id + "}]");
        std::string later;
        d.async_call(R"({"jsonrpc":"2.0","method":"deferred","id":)" + id + "}", {},
                     [&](mi::answer const& a) { later = std::string(a.text); });
        BOOST_TEST(later == R"({"jsonrpc":"2.0","result":1,"id":)" + id + "}");
    }
}

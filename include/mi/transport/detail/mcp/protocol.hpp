// Copyright (c) 2026 the mi authors. Distributed under the Boost Software License, Version 1.0.
// SPDX-License-Identifier: BSL-1.0
#pragma once

// MCP's messages, whatever carries them (the HTTP endpoint, mi-cli's stdio bridge): the lifecycle, ping,
// tools/list, and tools/call made into a JSON-RPC call of the command, whose answer becomes the tool's result.
// Part of <mi/transport/mcp.hpp>.

#include <mi/context.hpp>
#include <mi/error.hpp>
#include <mi/transport/detail/mcp/tools.hpp>

#include <boost/json/object.hpp>
#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>
#include <boost/json/value.hpp>

#include <algorithm>
#include <array>
#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <utility>

namespace mi::mcp {

/** The MCP revisions served, newest first; a client asking for another gets the newest. */
inline constexpr std::array<std::string_view, 3> revisions{"2025-11-25", "2025-06-18", "2025-03-26"};

/** The revision a Streamable HTTP request is read under when it names none (the transport's rule). */
inline constexpr std::string_view unnamed_revision = "2025-03-26";

constexpr bool served(std::string_view revision) noexcept {
    return std::find(revisions.begin(), revisions.end(), revision) != revisions.end();
}

/** How the server introduces itself in `initialize`'s result. */
struct server_info {
    std::string name;
    std::string version;
    std::string instructions; ///< told to the client's model, if not empty
};

namespace detail {

/** What one message from a client comes to. */
struct exchange {
    enum class kind {
        nothing, ///< a notification, or a response to us: nothing to send back
        answer,  ///< `text` is the response to send
        call,    ///< `text` is the JSON-RPC call of a command; its answer goes to `protocol::finish`
        invalid  ///< `text` is the error response to a message that is no JSON-RPC 2.0 message
    };
    kind what = kind::nothing;
    std::string text;
    std::string_view revision = {}; ///< after `initialize`: the revision agreed, for the session
};

inline std::string response(boost::json::value const& id, std::string_view member, boost::json::value body) {
    return boost::json::serialize(boost::json::object{{"jsonrpc", "2.0"}, {"id", id}, {member, std::move(body)}});
}

inline std::string error_response(boost::json::value const& id, int code, std::string_view message,
                                  std::string_view data = {}) {
    boost::json::object e{{"code", code}, {"message", message}};
    if (!data.empty()) e["data"] = data;
    return response(id, "error", std::move(e));
}

inline std::string error_response(boost::json::value const& id, errc code, std::string_view data = {}) {
    return error_response(id, static_cast<int>(code), message_of(code), data);
}

/** The MCP server of a set of tools, with no state of its own between messages: a session's revision is the
    caller's to keep and pass in. */
class protocol {
public:
    protocol(toolbox tools, server_info info, std::size_t page_size)
        : tools_(std::move(tools)), info_(std::move(info)), page_size_(std::max<std::size_t>(page_size, 1)) {}

    toolbox const& tools() const noexcept { return tools_; }

    /** What `message` (parsed) asks of a caller granted `granted`, read under `revision`. */
    exchange handle(boost::json::value const& message, permission granted, std::string_view revision) const {
        auto const* m = message.if_object();
        if (!m) return invalid(errc::invalid_request, "an MCP message is a JSON object (batches are not served)");
        auto const* version = m->if_contains("jsonrpc");
        if (!version || !version->is_string() || version->as_string() != "2.0")
            return invalid(errc::invalid_request, "\"jsonrpc\" must be \"2.0\"");
        auto const* method = m->if_contains("method");
        if (!method) return {}; // a response to a request of ours: none are sent, so nothing to match it to
        if (!method->is_string()) return invalid(errc::invalid_request, "\"method\" must be a string");
        auto const* id = m->if_contains("id");
        if (!id) return {}; // notifications/initialized, notifications/cancelled, ...: nothing to answer
        if (!id->is_string() && !id->is_int64() && !id->is_uint64())
            return invalid(errc::invalid_request, "an MCP request id is a string or an integer");
        static boost::json::object const none;
        auto const* p = m->if_contains("params");
        if (p && !p->is_object()) return answer(*id, errc::invalid_params, "\"params\" must be an object");
        auto const& params = p ? p->as_object() : none;
        std::string_view const name = method->as_string();
        if (name == "initialize") return initialize(*id, params);
        if (name == "ping") return {exchange::kind::answer, response(*id, "result", boost::json::object{})};
        if (name == "tools/list") return list(*id, params, granted, revision);
        if (name == "tools/call") return call(*id, params, granted);
        return answer(*id, errc::method_not_found, std::string(name) + " is not served: this server has tools only");
    }

    /** The response to `request` (a tools/call that `handle` made into a call) from the command's JSON-RPC
        `answer`, or from none when it did not come in time. */
    std::string finish(boost::json::value const& request, std::string_view revision,
                       std::optional<std::string_view> answer) const {
        auto const& m = request.as_object();
        auto const& id = m.at("id");
        if (!answer) return error_response(id, errc::internal_error, "the command did not answer in time");
        boost::system::error_code ec;
        auto const parsed = boost::json::parse(*answer, ec);
        auto const* a = parsed.if_object();
        if (ec || !a) return error_response(id, errc::internal_error, "the command's answer is not JSON-RPC");
        if (auto const* result = a->if_contains("result")) {
            boost::json::object r{{"content", text_content(*result)}, {"isError", false}};
            auto const* t = tools_.find(m.at("params").as_object().at("name").as_string());
            if (t && t->output && result->is_object() && structured(revision)) r["structuredContent"] = *result;
            return response(id, "result", std::move(r));
        }
        auto const* e = a->if_contains("error");
        if (!e || !e->is_object()) return error_response(id, errc::internal_error, "the command's answer is not JSON-RPC");
        // Arguments the command refuses: a protocol error until 2025-11-25, which makes them the tool's own error so
        // that the model can correct its call.
        auto const* code = e->as_object().if_contains("code");
        if (code && code->is_int64() && code->as_int64() == static_cast<int>(errc::invalid_params) &&
            revision < "2025-11-25")
            return response(id, "error", *e);
        return response(id, "result", boost::json::object{{"content", text_content(*e)}, {"isError", true}});
    }

private:
    static bool structured(std::string_view revision) noexcept { return revision >= "2025-06-18"; }

    static exchange answer(boost::json::value const& id, errc code, std::string_view data) {
        return {exchange::kind::answer, error_response(id, code, data)};
    }
    static exchange invalid(errc code, std::string_view data) {
        return {exchange::kind::invalid, error_response(nullptr, code, data)};
    }

    static boost::json::array text_content(boost::json::value const& v) {
        return {boost::json::object{{"type", "text"}, {"text", boost::json::serialize(v)}}};
    }

    exchange initialize(boost::json::value const& id, boost::json::object const& params) const {
        auto const* asked = params.if_contains("protocolVersion");
        if (!asked || !asked->is_string())
            return answer(id, errc::invalid_params, "initialize needs the client's protocolVersion");
        std::string_view const wanted = asked->as_string();
        auto const agreed = std::find(revisions.begin(), revisions.end(), wanted);
        std::string_view const revision = agreed == revisions.end() ? revisions.front() : *agreed;
        boost::json::object result{{"protocolVersion", revision},
                                   {"capabilities", boost::json::object{{"tools", boost::json::object{{"listChanged", false}}}}},
                                   {"serverInfo", boost::json::object{{"name", info_.name}, {"version", info_.version}}}};
        if (!info_.instructions.empty()) result["instructions"] = info_.instructions;
        return {exchange::kind::answer, response(id, "result", std::move(result)), revision};
    }

    exchange list(boost::json::value const& id, boost::json::object const& params, permission granted,
                  std::string_view revision) const {
        std::string_view cursor;
        if (auto const* c = params.if_contains("cursor")) {
            if (!c->is_string()) return answer(id, errc::invalid_params, "the cursor is a string");
            cursor = c->as_string();
        }
        auto page = tools_.list(granted, cursor, page_size_, structured(revision));
        if (!page) return answer(id, errc::invalid_params, "this cursor was not given by tools/list");
        return {exchange::kind::answer, response(id, "result", std::move(*page))};
    }

    exchange call(boost::json::value const& id, boost::json::object const& params, permission granted) const {
        auto const* name = params.if_contains("name");
        if (!name || !name->is_string()) return answer(id, errc::invalid_params, "tools/call needs the tool's name");
        auto const* arguments = params.if_contains("arguments");
        if (arguments && !arguments->is_object()) return answer(id, errc::invalid_params, "the arguments are an object");
        auto const* t = tools_.find(name->as_string());
        if (!t || !t->visible_to(granted))
            return {exchange::kind::answer,
                    error_response(id, static_cast<int>(errc::invalid_params),
                                   "Unknown tool: " + std::string(name->as_string()))};
        boost::json::object c{{"jsonrpc", "2.0"}, {"method", t->canonical}};
        if (arguments) c["params"] = *arguments;
        c["id"] = id;
        return {exchange::kind::call, boost::json::serialize(c)};
    }

    toolbox tools_;
    server_info info_;
    std::size_t page_size_;
};

} // namespace detail

} // namespace mi::mcp

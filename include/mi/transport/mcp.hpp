// Copyright (c) 2026 the mi authors. Distributed under the Boost Software License, Version 1.0.
// SPDX-License-Identifier: BSL-1.0
#pragma once

// The Model Context Protocol's Streamable HTTP transport, as an endpoint of the HTTP server: every command a
// tool, described from its declaration, called through the dispatcher like every other request.

#include <mi/builtin.hpp>
#include <mi/introspection.hpp>
#include <mi/transport/detail/mcp/protocol.hpp>
#include <mi/transport/detail/mcp/sessions.hpp>
#include <mi/transport/detail/mcp/tools.hpp>
#include <mi/transport/http.hpp>

#include <boost/beast/core/string.hpp>
#include <boost/json/parse.hpp>

#include <chrono>
#include <cstddef>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>

namespace mi::mcp {

struct options {
    std::string root = "mcp";
    std::size_t page_size = 100;      ///< tools in one `tools/list` answer; more come under its `nextCursor`
    bool sessions = true;             ///< give an `Mcp-Session-Id` in `initialize`'s answer and require it after
    std::size_t max_sessions = 1024;  ///< beyond it the least recently used session ends
    std::chrono::seconds session_idle{3600}; ///< a session unused this long ends
    std::string instructions = {};    ///< told to the client's model in `initialize`'s answer, if not empty
};

/** MCP over Streamable HTTP (revisions 2025-11-25, 2025-06-18 and 2025-03-26, negotiated in `initialize`): one
    tool per command (`tool_name`), its input schema the object any of its recipes accepts, its output schema
    the result's when that is an object, `readOnlyHint` when every recipe it offers needs only `read`.
    `tools/call` is a JSON-RPC call of the command through the dispatcher, with the caller's credentials;
    its result is text content (and `structuredContent`), its error a result with `isError`.

    POST carries one message and is answered with JSON (never a stream: no command sends anything before its
    answer); DELETE ends a session; GET is 405 (the server has nothing to send unasked). A request whose
    `Origin` is not one of the server's `options::allowed_origins` is 403, whatever its credentials.

        mi::http::server http(io, dispatcher, {.port = 8888}, mi::mcp::endpoint(dispatcher.schema()));
*/
class endpoint {
public:
    /** Serves the commands of `set` (a dispatcher's `schema()`). */
    explicit endpoint(introspection const& set, options o = {})
        : endpoint(builtin::discover(set), {std::string(set.title()), std::string(set.version()), o.instructions}, o) {}

    /** Serves the commands an OpenRPC document from `rpc.discover` describes (say, another daemon's).
        @throws std::invalid_argument when two commands would have one tool name. */
    endpoint(boost::json::value const& openrpc, server_info info, options o)
        : root_(mi::http::detail::trim_root(o.root)),
          protocol_(std::make_shared<detail::protocol const>(detail::toolbox(openrpc), std::move(info), o.page_size)),
          sessions_(o.sessions ? std::make_shared<detail::session_table>(o.max_sessions, o.session_idle) : nullptr) {}

    std::string_view root() const noexcept { return root_; }
    static constexpr std::string_view name() noexcept { return "the MCP endpoint"; }
    static bool accepts(mi::http::beast_http::verb method) noexcept {
        return method == mi::http::beast_http::verb::delete_;
    }

    mi::http::routing route(mi::http::request_view const& r, std::string& scratch) const {
        using mi::http::beast_http::status;
        using mi::http::beast_http::verb;
        if (!r.origin_allowed) return {{}, refusal(status::forbidden, "this Origin is not allowed")};
        if (r.method == verb::delete_) return {{}, end_session(r)};
        if (r.method != verb::post) return {{}, mi::http::method_not_allowed("POST, DELETE", json_type)};
        if (!json_media(r.content_type)) return {{}, refusal(status::unsupported_media_type, "a message is application/json")};
        if (!r.accept.empty() && !answerable(r.accept))
            return {{}, refusal(status::not_acceptable, "the answer is application/json, which Accept leaves out")};
        std::string_view const asked = r.header(version_header);
        if (!asked.empty() && !served(asked)) return {{}, refusal(status::bad_request, "unsupported MCP-Protocol-Version")};

        boost::system::error_code ec;
        auto const message = boost::json::parse(r.body, ec);
        if (ec) return {{}, {status::bad_request, json_type, detail::error_response(nullptr, errc::parse_error)}};
        auto const revision = revision_of(r, message);
        if (!revision.known) return {{}, revision.refused};

        auto step = protocol_->handle(message, r.granted, revision.name);
        switch (step.what) {
        case detail::exchange::kind::nothing: return {{}, {status::accepted, {}, {}}};
        case detail::exchange::kind::invalid: return {{}, {status::bad_request, json_type, std::move(step.text)}};
        case detail::exchange::kind::call: scratch = std::move(step.text); return {scratch, {}};
        case detail::exchange::kind::answer: break;
        }
        mi::http::reply answer{status::ok, json_type, std::move(step.text)};
        if (!step.revision.empty() && sessions_) answer.headers.emplace_back(session_header, sessions_->open(step.revision));
        return {{}, std::move(answer)};
    }

    mi::http::reply render(mi::http::request_view const& r, answer_kind kind, std::string&& text) const {
        auto const message = boost::json::parse(r.body); // route parsed it already
        auto const revision = revision_of(r, message);
        std::optional<std::string_view> answer;
        if (kind != answer_kind::failed) answer = text;
        return {mi::http::beast_http::status::ok, json_type,
                protocol_->finish(message, revision.known ? revision.name : revisions.front(), answer)};
    }

    /** The tools served, for a caller granted `granted`: the first page of `tools/list`. */
    boost::json::object tools(permission granted = permission::admin, std::string_view revision = revisions.front()) const {
        return *protocol_->tools().list(granted, {}, protocol_->tools().tools().size() + 1, revision >= "2025-06-18");
    }

private:
    static constexpr std::string_view json_type = "application/json";
    static constexpr std::string_view session_header = "Mcp-Session-Id";
    static constexpr std::string_view version_header = "MCP-Protocol-Version";

    struct revision_found {
        bool known = false;
        std::string name;
        mi::http::reply refused = {};
    };

    static bool is_initialize(boost::json::value const& message) {
        auto const* m = message.if_object();
        auto const* method = m ? m->if_contains("method") : nullptr;
        return method && method->is_string() && method->as_string() == "initialize";
    }

    // The revision `message` is read under: its session's (which also proves the session is alive), the one its
    // header names, or the transport's default.
    revision_found revision_of(mi::http::request_view const& r, boost::json::value const& message) const {
        using mi::http::beast_http::status;
        std::string_view const asked = r.header(version_header);
        if (!sessions_ || is_initialize(message)) return {true, std::string(asked.empty() ? unnamed_revision : asked)};
        std::string_view const id = r.header(session_header);
        if (id.empty()) return {false, {}, refusal(status::bad_request, "Mcp-Session-Id is required after initialize")};
        auto agreed = sessions_->revision_of(id);
        if (!agreed) return {false, {}, refusal(status::not_found, "no such session: initialize again")};
        return {true, asked.empty() ? std::move(*agreed) : std::string(asked)};
    }

    mi::http::reply end_session(mi::http::request_view const& r) const {
        using mi::http::beast_http::status;
        if (!sessions_) return mi::http::method_not_allowed("POST", json_type);
        std::string_view const id = r.header(session_header);
        if (id.empty()) return refusal(status::bad_request, "DELETE names its session in Mcp-Session-Id");
        if (!sessions_->close(id)) return refusal(status::not_found, "no such session");
        return {status::no_content, {}, {}};
    }

    static mi::http::reply refusal(mi::http::beast_http::status status, std::string_view why) {
        return {status, json_type, detail::error_response(nullptr, errc::invalid_request, why)};
    }

    static std::string_view media_type(std::string_view value) noexcept {
        value = value.substr(0, value.find(';'));
        while (!value.empty() && (value.front() == ' ' || value.front() == '\t')) value.remove_prefix(1);
        while (!value.empty() && (value.back() == ' ' || value.back() == '\t')) value.remove_suffix(1);
        return value;
    }

    static bool json_media(std::string_view content_type) noexcept {
        return boost::beast::iequals(media_type(content_type), json_type);
    }

    // Accept lists application/json, or anything: clients must also list text/event-stream, which is never sent.
    static bool answerable(std::string_view accept) noexcept {
        while (!accept.empty()) {
            auto const comma = accept.find(',');
            auto const type = media_type(accept.substr(0, comma));
            if (boost::beast::iequals(type, json_type) || type == "*/*" || boost::beast::iequals(type, "application/*"))
                return true;
            if (comma == std::string_view::npos) break;
            accept.remove_prefix(comma + 1);
        }
        return false;
    }

    std::string root_;
    std::shared_ptr<detail::protocol const> protocol_;
    std::shared_ptr<detail::session_table> sessions_;
};

static_assert(mi::http::endpoint<endpoint>);

} // namespace mi::mcp

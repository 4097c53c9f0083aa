// Copyright (c) 2026 the mi authors. Distributed under the Boost Software License, Version 1.0.
// SPDX-License-Identifier: BSL-1.0
//
// `mi-cli mcp`: MCP over stdio for desktop clients, which start their servers as a subprocess. The daemon's
// commands are discovered through rpc.discover over whichever transport mi-cli is configured for, then every
// tools/call is forwarded as the command's JSON-RPC call. Only MCP messages go to stdout, one per line.
#pragma once

#include <mi/transport/client.hpp>
#include <mi/transport/detail/mcp/protocol.hpp>

#include <boost/json/parse.hpp>

#include <iostream>
#include <optional>
#include <string>
#include <string_view>

namespace mi_cli {

inline std::string text_at(boost::json::value const& doc, std::string_view object, std::string_view key) {
    auto const* o = doc.is_object() ? doc.as_object().if_contains(object) : nullptr;
    auto const* v = o && o->is_object() ? o->as_object().if_contains(key) : nullptr;
    return v && v->is_string() ? std::string(v->as_string()) : std::string();
}

/** Serves MCP on `in` and `out` until `in` ends. Messages are handled one at a time: a call holds the next
    message until its answer (or the transport's timeout) comes. What the daemon grants mi-cli decides what a
    call may do; every tool is listed. @throws what discovery throws (the daemon is not there). */
inline int serve_mcp(mi::client::connection const& daemon, std::istream& in, std::ostream& out) {
    auto const doc = daemon.call("rpc.discover");
    mi::mcp::detail::protocol const mcp(mi::mcp::detail::toolbox(doc),
                                        {text_at(doc, "info", "title"), text_at(doc, "info", "version"), {}}, 100);
    std::string revision(mi::mcp::revisions.front());
    auto send = [&](std::string const& message) { out << message << '\n' << std::flush; };
    for (std::string line; std::getline(in, line);) {
        if (line.find_first_not_of(" \t\r") == std::string::npos) continue;
        boost::system::error_code ec;
        auto const message = boost::json::parse(line, ec);
        if (ec) {
            send(mi::mcp::detail::error_response(nullptr, mi::errc::parse_error));
            continue;
        }
        auto step = mcp.handle(message, mi::permission::admin, revision);
        if (!step.revision.empty()) revision = step.revision;
        if (step.what == mi::mcp::detail::exchange::kind::nothing) continue;
        if (step.what != mi::mcp::detail::exchange::kind::call) {
            send(step.text);
            continue;
        }
        try {
            send(mcp.finish(message, revision, daemon.raw(step.text)));
        } catch (mi::client::failure const& e) {
            send(mi::mcp::detail::error_response(message.at("id"), mi::errc::internal_error,
                                                 std::string("the daemon did not answer: ") + e.what()));
        }
    }
    return 0;
}

} // namespace mi_cli

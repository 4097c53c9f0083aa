// Copyright (c) 2026 the mi authors. Distributed under the Boost Software License, Version 1.0.
// SPDX-License-Identifier: BSL-1.0
#pragma once

// XML-RPC as OpenSIPS's mi_xmlrpc serves it (spec 6.5): an endpoint of the HTTP server, under its own root.
// Link mi::xmlrpc (mi with libexpat), which CMake defines when expat is installed.

#include <mi/transport/detail/xmlrpc_codec.hpp>
#include <mi/transport/http.hpp>

#include <string>
#include <string_view>
#include <utility>

namespace mi::xmlrpc {

struct options {
    std::string root = "RPC2"; ///< mi_xmlrpc's `http_root`
};

/** XML-RPC over the HTTP server (spec 6.5): `POST /RPC2` with a `<methodCall>`, answered 200 with a
    `<methodResponse>`: the result, or a fault with the spec's codes and texts (-32700 for XML that does not
    parse, or that declares a DOCTYPE: entities are never expanded or fetched). A first `<struct>` param
    means named params; besides OpenSIPS's string, int/i4 and array, it takes boolean, double, nil, i8,
    nested structs and untyped values. GET is 405 and an empty body 400, as in OpenSIPS; a failed or
    timed-out call 500.

        mi::http::server http(io, dispatcher, {.port = 8888}, mi::xmlrpc::endpoint());
*/
class endpoint {
public:
    explicit endpoint(options o = {}) : root_(mi::http::detail::trim_root(o.root)) {}

    std::string_view root() const noexcept { return root_; }
    static constexpr std::string_view name() noexcept { return "the XML-RPC endpoint"; }

    mi::http::routing route(mi::http::request_view const& r, std::string& scratch) const {
        using mi::http::beast_http::status;
        if (r.method == mi::http::beast_http::verb::get) return {{}, mi::http::method_not_allowed("POST")};
        if (r.body.empty()) return {{}, {status::bad_request, {}, {}}};
        switch (detail::translate_call(r.body, scratch)) {
        case detail::call_status::ok: return {scratch, {}};
        case detail::call_status::not_well_formed: return {{}, fault(errc::parse_error)};
        case detail::call_status::invalid: return {{}, fault(errc::invalid_request)};
        }
        return {{}, fault(errc::internal_error)};
    }

    mi::http::reply render(mi::http::request_view const&, answer_kind kind, std::string&& text) const {
        using mi::http::beast_http::status;
        if (kind == answer_kind::failed) return {status::internal_server_error, {}, {}};
        mi::http::reply r{status::ok, xml_type, {}};
        detail::write_response(text, r.body);
        return r;
    }

private:
    static constexpr std::string_view xml_type = "text/xml; charset=utf-8";

    static mi::http::reply fault(errc code) {
        mi::http::reply r{mi::http::beast_http::status::ok, xml_type, {}};
        detail::write_fault(static_cast<int>(code), message_of(code), r.body);
        return r;
    }

    std::string root_;
};

static_assert(mi::http::endpoint<endpoint>);

} // namespace mi::xmlrpc

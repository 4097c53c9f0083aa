// Copyright (c) 2026 the mi authors. Distributed under the Boost Software License, Version 1.0.
// SPDX-License-Identifier: BSL-1.0
//
// The XML half of the mi_xmlrpc transport (spec 6.5), with no sockets and no HTTP: an XML-RPC <methodCall>
// becomes the JSON-RPC request the dispatcher takes, and the dispatcher's JSON-RPC response becomes a
// <methodResponse>. The XML is parsed by libexpat (users of this header link it). A DOCTYPE stops the parser
// where it starts, so no entity is ever declared, expanded or fetched.
#pragma once

#include <mi/error.hpp>
#include <mi/jsonrpc.hpp>
#include <mi/transport/detail/xmlrpc/call_reader.hpp>
#include <mi/transport/detail/xmlrpc/response_writer.hpp>

#include <boost/json/parse.hpp>
#include <boost/json/parse_options.hpp>
#include <boost/system/error_code.hpp>

#include <expat.h>

#include <limits>
#include <memory>
#include <string>
#include <string_view>

namespace mi::xmlrpc::detail {

/** What translate_call made of a document. */
enum class call_status {
    ok,              ///< the JSON-RPC request was written
    not_well_formed, ///< not XML, or XML with a DOCTYPE: answer fault -32700
    invalid,         ///< XML, but not a call we take: answer fault -32600
};


// --- the translation ----------------------------------------------------------------------------------------

/** Translates an XML-RPC `<methodCall>` into a JSON-RPC 2.0 request with id 1 (spec 6.5).

    A `<struct>` as the first param gives named params; otherwise each `<param>` is one positional param, and
    no `<params>` gives `"params":[]`. Beyond OpenSIPS, which takes only `<string>`, `<int>`/`<i4>` and
    `<array>`, this also takes `<i8>`, `<boolean>`, `<double>`, `<nil/>`, a `<struct>` anywhere, an empty
    `<string>`, `<dateTime.iso8601>` (as its text) and an untyped `<value>` (a string, as XML-RPC says).
    @param xml the request body
    @param json_request set to the compact request text on `ok`, cleared otherwise
    @returns `ok`; `not_well_formed` for text that is not XML or has a DOCTYPE; `invalid` for XML that is not
             such a call, nests values deeper than `max_value_depth`, or is larger than expat takes (2 GiB)
    @par Exception Safety
    Basic: throws only what allocation throws. */
inline call_status translate_call(std::string_view xml, std::string& json_request) {
    json_request.clear();
    if (xml.size() > static_cast<std::size_t>(std::numeric_limits<int>::max())) return call_status::invalid;
    parser_handle const parser(XML_ParserCreate(nullptr));
    if (!parser) throw std::bad_alloc();
    call_reader reader(parser.get());
    XML_Status const status = XML_Parse(parser.get(), xml.data(), static_cast<int>(xml.size()), 1);
    reader.rethrow_if_failed();
    if (status != XML_STATUS_OK) return call_status::not_well_formed;
    auto request = std::move(reader).request();
    if (!request) return call_status::invalid;
    json_request = boost::json::serialize(*request);
    return call_status::ok;
}

/** Writes the XML-RPC fault for a JSON-RPC error code, in OpenSIPS's layout (spec 6.5).

    -32700, -32600, -32601, -32602 and -32000 answer their fixed texts and ignore `message`; any other code is
    printed as an unsigned 32-bit number (-32001 gives 4294935295) with `message` as faultString. OpenSIPS
    prints that message unescaped; we escape it, since a `<` or `&` in it would make the answer not XML.
    @param xml replaced by the whole response body
    @par Exception Safety
    Basic: throws only what allocation throws. */
inline void write_fault(int json_rpc_code, std::string_view message, std::string& xml) {
    xml.assign(xml_declaration);
    xml.append(fault_head);
    if (auto const fixed = fixed_fault_for(json_rpc_code)) {
        xml.append(fixed->code);
        xml.append(fault_middle);
        xml.append(fixed->text);
    } else {
        append_integer(xml, static_cast<std::uint32_t>(json_rpc_code));
        xml.append(fault_middle);
        append_escaped(xml, message);
    }
    xml.append(fault_tail);
}

/** Writes the XML-RPC `<methodResponse>` for a JSON-RPC response text, in OpenSIPS's layout (spec 6.5).

    `"error"` (looked at first, as OpenSIPS does) gives write_fault(code, message); `"result"` gives the
    success layout with the result on one line. Text that is not a JSON object, has neither member, has an
    error without an integral `code`, or nests deeper than `max_response_depth` gives the fault for -32603
    "Internal error" (faultCode 4294934693), as any other failure inside the server would.
    @param xml replaced by the whole response body
    @par Exception Safety
    Basic: throws only what allocation throws. */
inline void write_response(std::string_view json_response, std::string& xml) {
    boost::system::error_code ec;
    boost::json::parse_options options;
    options.max_depth = max_response_depth;
    boost::json::value const response = boost::json::parse(json_response, ec, {}, options);
    if (auto const parts = ec ? std::nullopt : jsonrpc::read_response(response)) {
        if (parts->error) {
            if (auto const code = jsonrpc::code_of(*parts->error))
                return write_fault(*code, jsonrpc::error_of(*parts->error, *code).message, xml);
        } else if (parts->result) {
            xml.assign(xml_declaration);
            xml.append(success_head);
            append_value(xml, *parts->result);
            xml.append(success_tail);
            return;
        }
    }
    write_fault(static_cast<int>(errc::internal_error), message_of(errc::internal_error), xml);
}

} // namespace mi::xmlrpc::detail

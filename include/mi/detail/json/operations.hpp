// Copyright (c) 2026 the mi authors. Distributed under the Boost Software License, Version 1.0.
// SPDX-License-Identifier: BSL-1.0
#pragma once

// What the type families share: the outcomes of binding, and the checks and operations their members recurse
// through, declared here and defined from the families in <mi/detail/json/types.hpp>.

#include <mi/detail/json/tape.hpp>
#include <mi/detail/json/writer.hpp>
#include <mi/detail/traits.hpp>

#include <boost/json/value.hpp>

namespace mi::detail {

/** Why a value did not bind; the dispatcher turns it into the OpenSIPS -32602 data text. */
enum class bind_fault { none, bad_type, bad_array_item, empty_array };

/** What a schema describes: a parameter (which binding may restrict further) or a result. */
enum class schema_use { param, result };

// What the declaration's checks read, and the three operations every family's members recurse through.
template <class T>
struct bindable_type;
template <class T>
struct writable_type;
template <class T>
bind_fault bind(json_ref v, T& out);
template <class T>
void write_json(json_writer& w, T const& value);
template <class T>
boost::json::value json_schema_of(schema_use use = schema_use::result);

// What most families say of the types they claim: every one binds and writes (or, for some, only writes).
struct binds_and_writes {
    template <class T>
    static constexpr bool binds = true;
    template <class T>
    static constexpr bool writes = true;
};
struct writes_only {
    template <class T>
    static constexpr bool binds = false;
    template <class T>
    static constexpr bool writes = true;
};

} // namespace mi::detail

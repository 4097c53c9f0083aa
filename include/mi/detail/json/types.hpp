// Copyright (c) 2026 the mi authors. Distributed under the Boost Software License, Version 1.0.
// SPDX-License-Identifier: BSL-1.0
#pragma once

// The C++ types mi maps to JSON, one family per kind of type. A family says which types it claims, whether they
// bind (as parameters) and write (as results), how, and their JSON Schema: binding, writing, the declaration's
// bindable/writable checks and the schema all read this one list, so a type is added in one place.

#include <mi/detail/json/composites.hpp>
#include <mi/detail/json/operations.hpp>
#include <mi/detail/json/scalars.hpp>

#include <boost/json/value.hpp>
#include <boost/mp11/algorithm.hpp>

#include <type_traits>

namespace mi::detail {

// std::optional and std::variant come before the custom conversions because Boost.JSON converts them through
// tag_invoke of its own: optional parameters are ours to bind, and a variant's schema ours to write.
using families = boost::mp11::mp_list<optional_family, variant_family, custom_family, boolean_family, integer_family, floating_family,
                                      enumeration_family, text_family, null_family, dom_family, structure_family,
                                      map_family, sequence_family, tuple_family, no_family>;

template <class T>
struct claimed_by {
    template <class Family>
    using fn = std::bool_constant<Family::template claims<T>>;
};

/** The family that claims T: the first of `families` whose `claims<T>` holds. */
template <class T>
using family_of = boost::mp11::mp_at<families, boost::mp11::mp_find_if_q<families, claimed_by<T>>>;

// --- the checks and the operations, each read from T's family ------------------------------------------

template <class T>
struct bindable_type : std::bool_constant<family_of<T>::template binds<T>> {};
template <class T>
struct writable_type : std::bool_constant<family_of<T>::template writes<T>> {};

/** Whether a parameter of type T can be bound from JSON. */
template <class T>
inline constexpr bool is_bindable = bindable_type<T>::value;
/** Whether a result of type T can be written as JSON. */
template <class T>
inline constexpr bool is_writable = writable_type<T>::value;

template <class T>
bind_fault bind(json_ref v, T& out) {
    static_assert(is_bindable<T>, "mi: this parameter type cannot be bound from JSON");
    return family_of<T>::bind(v, out);
}

template <class T>
void write_json(json_writer& w, T const& value) {
    static_assert(is_writable<T>, "mi: this result type cannot be written as JSON; return a number, string, bool, "
                                  "container, std::optional, a type described with BOOST_DESCRIBE_STRUCT/ENUM, a "
                                  "boost::json type, or give it a tag_invoke(boost::json::value_from_tag, ...) "
                                  "overload");
    family_of<T>::write(w, value);
}

// JSON Schema (draft 2020-12 vocabulary, as OpenRPC 1.3 uses) of a parameter or result type. An empty schema means
// "any JSON value": the type gives nothing more precise.
template <class T>
boost::json::value json_schema_of(schema_use use) {
    return family_of<T>::template schema<T>(use);
}

// What a parameter's description points to.
template <class T>
boost::json::value param_json_schema_of() {
    return json_schema_of<T>(schema_use::param);
}

} // namespace mi::detail

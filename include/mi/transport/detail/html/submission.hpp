// Copyright (c) 2026 the mi authors. Distributed under the Boost Software License, Version 1.0.
// SPDX-License-Identifier: BSL-1.0
#pragma once

// What a request to a command of the HTML page sends: OpenSIPS's `arg` field, or one recipe's form. Part of
// <mi/transport/html.hpp>.

#include <mi/introspection.hpp>
#include <mi/transport/http.hpp>
#include <mi/transport/detail/html/text.hpp>

#include <boost/json/object.hpp>
#include <boost/json/parse.hpp>
#include <boost/json/value.hpp>

#include <cstddef>
#include <cstdlib>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace mi::html::detail {

// What a request to a command's page asks for, read once for running and again for showing.
struct submission {
    enum kind { show, run, bad_arg, incomplete } what = show;
    boost::json::value params;                               // run: the params, null for none
    std::optional<std::size_t> recipe;                       // the recipe whose form was sent
    std::vector<std::pair<std::string, std::string>> typed;  // that form's fields, as typed
    std::string arg;                                         // the arg field, as typed
    std::string missing;                                     // incomplete: the required parameter left empty
};

// Whether a form field for `p` is taken as typed: its schema says it is a string.
inline bool takes_string(param_info const& p) {
    if (!p.schema) return false;
    auto const schema = p.schema();
    auto const* type = schema.is_object() ? schema.get_object().if_contains("type") : nullptr;
    return type && type->is_string() && type->get_string() == "string";
}

// A non-empty `arg` is the params as JSON (OpenSIPS's field); an empty one runs without params. A recipe's
// form (`recipe=N`) sends one field per parameter of that recipe: a string parameter takes the text as
// typed, any other the text read as JSON when it parses and as a string otherwise; a required one left
// empty stops the run, so that the form never falls through to another recipe.
inline submission read_submission(command_info const& command, mi::http::request_view const& r) {
    auto const q = r.target.find('?');
    auto fields = form_fields(q == std::string_view::npos ? std::string_view() : r.target.substr(q + 1));
    if (r.method == mi::http::beast_http::verb::post)
        for (auto& f : form_fields(r.body)) fields.push_back(std::move(f));
    submission s;
    if (auto arg = field(fields, "arg")) {
        s.arg = std::move(*arg);
        s.what = submission::run;
        if (s.arg.empty()) return s;
        boost::system::error_code ec;
        s.params = boost::json::parse(s.arg, ec);
        if (ec) s.what = submission::bad_arg;
        return s;
    }
    auto const recipe = field(fields, "recipe");
    char* end = nullptr;
    std::size_t const n = recipe ? std::strtoul(recipe->c_str(), &end, 10) : 0;
    if (!recipe || recipe->empty() || *end != '\0' || n >= command.recipes.size()) return s;
    s.recipe = n;
    s.what = submission::run;
    boost::json::object named;
    for (auto const& p : command.recipes[n].params) {
        auto text = field(fields, "param." + std::string(p.name)).value_or(std::string());
        if (text.empty()) {
            if (p.required && s.missing.empty()) s.what = submission::incomplete, s.missing = p.name;
            continue;
        }
        boost::system::error_code ec;
        auto parsed = takes_string(p) ? boost::json::value() : boost::json::parse(text, ec);
        named[p.name] = takes_string(p) || ec ? boost::json::value(text) : std::move(parsed);
        s.typed.emplace_back(p.name, std::move(text));
    }
    if (!named.empty()) s.params = std::move(named);
    return s;
}

} // namespace mi::html::detail

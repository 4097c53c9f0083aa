// Copyright (c) 2026 the mi authors. Distributed under the Boost Software License, Version 1.0.
// SPDX-License-Identifier: BSL-1.0
#pragma once

// The built-in commands' code, inline from <mi/builtin.hpp>, or compiled once by <mi/src.hpp>.

#include <mi/builtin.hpp>

#include <algorithm>

namespace mi::builtin {

MI_DECL std::vector<std::string_view> which_all(introspection const& set) {
    std::vector<std::string_view> names;
    names.reserve(set.commands().size());
    for (auto const& c : set.commands()) names.push_back(c.canonical);
    return names;
}

MI_DECL result<which_answer> which_one(introspection const& set, std::string_view command) {
    if (set.uses_modules() && command.size() > 1 && command.back() == ':') {
        std::vector<std::string_view> names;
        for (auto const& c : set.commands())
            if (c.canonical.starts_with(command)) names.push_back(c.canonical);
        if (names.empty()) return error(unknown_command_code, std::string(unknown_command_message));
        return which_answer(std::move(names));
    }
    auto const* found = set.find(command);
    if (!found) return error(unknown_command_code, std::string(unknown_command_message));
    std::vector<std::vector<std::string_view>> recipes;
    for (auto const& r : found->recipes) {
        auto& names = recipes.emplace_back();
        for (auto const& p : r.params) names.push_back(p.name);
    }
    return which_answer(std::move(recipes));
}

MI_DECL result<boost::json::object> help_one(introspection const& set, std::string_view mi_cmd) {
    auto const* found = set.find(mi_cmd);
    if (!found) return error(unknown_command_code, std::string(unknown_command_message));
    boost::json::object o;
    o["Help"] = found->help.empty() ? std::string_view("not available for this command") : found->help;
    o["Exported by"] = found->module.empty() ? std::string_view("core") : found->module;
    return o;
}

MI_DECL boost::json::value discover(introspection const& set) {
    using boost::json::array;
    using boost::json::object;
    array methods;
    for (auto const& c : set.commands()) {
        array params, recipes;
        auto required_everywhere = [&](std::string_view name) {
            for (auto const& r : c.recipes) {
                bool required = false;
                for (auto const& p : r.params) required = required || (p.name == name && p.required);
                if (!required) return false;
            }
            return true;
        };
        array by_name; // each recipe's params as the object a by-name call sends
        for (auto const& r : c.recipes) {
            array recipe;
            object properties;
            array required;
            for (auto const& p : r.params) {
                properties[p.name] = p.schema();
                if (p.required) required.emplace_back(p.name);
                recipe.emplace_back(p.name);
                bool const seen = std::any_of(params.begin(), params.end(), [&](auto const& e) {
                    return e.as_object().at("name").as_string() == p.name;
                });
                if (!seen)
                    params.emplace_back(object{{"name", p.name},
                                               {"required", required_everywhere(p.name)},
                                               {"schema", p.schema()}});
            }
            recipes.emplace_back(std::move(recipe));
            object named{{"type", "object"}, {"properties", std::move(properties)}, {"additionalProperties", false}};
            if (!required.empty()) named["required"] = std::move(required);
            by_name.emplace_back(std::move(named));
        }
        object method{{"name", c.canonical},
                      {"paramStructure", c.named_params_only ? "by-name" : "either"},
                      {"params", std::move(params)},
                      {"x-recipes", std::move(recipes)},
                      {"x-recipe-params", std::move(by_name)}};
        if (!c.help.empty()) method["summary"] = c.help;
        // one result schema when the recipes agree, otherwise any of them (anyOf: their answers may overlap)
        array results;
        for (auto const& r : c.recipes) {
            auto schema = r.result_schema();
            if (std::find(results.begin(), results.end(), schema) == results.end()) results.push_back(std::move(schema));
        }
        method["result"] = object{{"name", "result"},
                                  {"schema", results.size() == 1 ? results[0] : object{{"anyOf", std::move(results)}}}};
        array permissions; // what each recipe needs, in the order `which` lists them
        for (auto const& r : c.recipes) permissions.emplace_back(name_of(r.needs));
        method["x-permissions"] = std::move(permissions);
        if (!c.aliases.empty()) {
            array aliases;
            for (auto a : c.aliases) aliases.emplace_back(a);
            method["x-aliases"] = std::move(aliases);
        }
        methods.emplace_back(std::move(method));
    }
    return object{{"openrpc", "1.3.2"},
                  {"info", object{{"title", set.title()}, {"version", set.version()}}},
                  {"methods", std::move(methods)}};
}

} // namespace mi::builtin

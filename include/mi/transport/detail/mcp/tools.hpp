// Copyright (c) 2026 the mi authors. Distributed under the Boost Software License, Version 1.0.
// SPDX-License-Identifier: BSL-1.0
#pragma once

// MCP tools made from an OpenRPC document, `rpc.discover`'s: the same whether the commands are this process's
// (the HTTP endpoint) or another's (mi-cli's stdio bridge). Part of <mi/transport/mcp.hpp>.

#include <mi/context.hpp>

#include <boost/json/array.hpp>
#include <boost/json/object.hpp>
#include <boost/json/value.hpp>

#include <algorithm>
#include <charconv>
#include <cstddef>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <unordered_map>
#include <utility>
#include <vector>

namespace mi::mcp {

/** The tool name of a command: its canonical name with every character that MCP clients refuse in a tool name
    (`:` of `module:name`, `.` of `rpc.discover`) written `-`, which no command or module name holds:
    `statistics:get` is the tool `statistics-get`. */
inline std::string tool_name(std::string_view canonical) {
    std::string name(canonical);
    for (char& c : name) {
        bool const kept = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' || c == '-';
        if (!kept) c = '-';
    }
    return name;
}

namespace detail {

constexpr std::optional<permission> permission_named(std::string_view name) noexcept {
    for (auto p : {permission::read, permission::write, permission::admin})
        if (name_of(p) == name) return p;
    return std::nullopt;
}

/** The commands of an OpenRPC document as MCP tools. A tool lists only the recipes its caller may run (what
    `x-permissions` says each needs), and a caller who may run none does not see the tool: a read-only token
    sees read tools, with the input schema of their read recipes. */
class toolbox {
public:
    /** @throws std::invalid_argument when the document is not one `rpc.discover` writes, or two commands would
        have one tool name. */
    explicit toolbox(boost::json::value const& openrpc) {
        auto const* methods = openrpc.is_object() ? openrpc.as_object().if_contains("methods") : nullptr;
        if (!methods || !methods->is_array()) throw std::invalid_argument("mi::mcp: an OpenRPC document has methods");
        for (auto const& m : methods->as_array()) add(m);
    }

    struct recipe {
        boost::json::object params; ///< the schema of its by-name params object
        permission needs;
    };

    struct tool {
        std::string name;
        std::string canonical;
        std::string description;
        std::vector<recipe> recipes;
        std::optional<boost::json::object> output; ///< the result's schema when it is an object's

        bool visible_to(permission granted) const noexcept {
            return std::any_of(recipes.begin(), recipes.end(), [&](recipe const& r) { return r.needs <= granted; });
        }
    };

    tool const* find(std::string_view name) const {
        auto const found = by_name_.find(std::string(name));
        return found == by_name_.end() ? nullptr : &tools_[found->second];
    }

    std::vector<tool> const& tools() const noexcept { return tools_; }

    /** The result of `tools/list` for a caller: at most `page` tools from `cursor` (empty: the first), and the
        cursor of the next page when there is one; nullopt when `cursor` is not one this gave. `structured`
        adds titles and output schemas (revision 2025-06-18 on). */
    std::optional<boost::json::object> list(permission granted, std::string_view cursor, std::size_t page,
                                            bool structured) const {
        std::size_t first = 0;
        if (!cursor.empty()) {
            auto const [end, ec] = std::from_chars(cursor.data(), cursor.data() + cursor.size(), first);
            if (ec != std::errc{} || end != cursor.data() + cursor.size() || first > tools_.size()) return std::nullopt;
        }
        boost::json::array listed;
        std::size_t i = first;
        for (; i < tools_.size() && listed.size() < page; ++i)
            if (tools_[i].visible_to(granted)) listed.emplace_back(listing(tools_[i], granted, structured));
        while (i < tools_.size() && !tools_[i].visible_to(granted)) ++i;
        boost::json::object result{{"tools", std::move(listed)}};
        if (i < tools_.size()) result["nextCursor"] = std::to_string(i);
        return result;
    }

    /** One tool as `tools/list` shows it to a caller granted `granted`. */
    static boost::json::object listing(tool const& t, permission granted, bool structured) {
        std::vector<recipe const*> runnable;
        for (auto const& r : t.recipes)
            if (r.needs <= granted &&
                std::none_of(runnable.begin(), runnable.end(), [&](recipe const* seen) { return seen->params == r.params; }))
                runnable.push_back(&r);
        bool const reads_only =
            std::all_of(runnable.begin(), runnable.end(), [](recipe const* r) { return r->needs == permission::read; });
        boost::json::object o{{"name", t.name},
                              {"description", t.description},
                              {"inputSchema", input_schema(runnable)},
                              {"annotations", boost::json::object{{"readOnlyHint", reads_only}, {"openWorldHint", false}}}};
        if (structured) {
            o["title"] = t.canonical;
            if (t.output) o["outputSchema"] = *t.output;
        }
        return o;
    }

private:
    // One recipe: its own object schema. Several: the object any of them accepts, each property described once
    // at the top for the clients that read only `properties`.
    static boost::json::object input_schema(std::vector<recipe const*> const& recipes) {
        if (recipes.size() == 1) return recipes.front()->params;
        boost::json::object properties;
        boost::json::array any;
        for (auto const* r : recipes) {
            if (auto const* p = r->params.if_contains("properties"); p && p->is_object())
                for (auto const& [name, schema] : p->as_object())
                    if (!properties.contains(name)) properties[name] = schema;
            any.emplace_back(r->params);
        }
        return {{"type", "object"}, {"properties", std::move(properties)}, {"anyOf", std::move(any)}};
    }

    static std::string_view text_of(boost::json::object const& o, std::string_view key) {
        auto const* v = o.if_contains(key);
        return v && v->is_string() ? std::string_view(v->as_string()) : std::string_view();
    }

    void add(boost::json::value const& method) {
        auto const* m = method.if_object();
        auto const* recipes = m ? m->if_contains("x-recipe-params") : nullptr;
        auto const* needs = m ? m->if_contains("x-permissions") : nullptr;
        if (!m || text_of(*m, "name").empty() || !recipes || !recipes->is_array() || !needs || !needs->is_array() ||
            recipes->as_array().size() != needs->as_array().size())
            throw std::invalid_argument("mi::mcp: a method of the OpenRPC document lacks what rpc.discover writes "
                                        "(name, x-recipe-params, x-permissions)");
        tool t;
        t.canonical = text_of(*m, "name");
        t.name = tool_name(t.canonical);
        std::string_view const summary = text_of(*m, "summary");
        t.description = summary.empty() ? "The MI command " + t.canonical + "." : std::string(summary);
        for (std::size_t i = 0; i < needs->as_array().size(); ++i) {
            auto const& params = recipes->as_array()[i];
            auto const& need = needs->as_array()[i];
            auto const p = need.is_string() ? permission_named(need.as_string()) : std::nullopt;
            if (!params.is_object() || !p)
                throw std::invalid_argument("mi::mcp: method '" + t.canonical + "' has a malformed recipe");
            t.recipes.push_back({params.as_object(), *p});
        }
        if (auto const* result = m->if_contains("result"); result && result->is_object())
            if (auto const* schema = result->as_object().if_contains("schema"); schema && schema->is_object())
                if (text_of(schema->as_object(), "type") == "object") t.output = schema->as_object();
        auto const [at, fresh] = by_name_.emplace(t.name, tools_.size());
        if (!fresh)
            throw std::invalid_argument("mi::mcp: commands '" + tools_[at->second].canonical + "' and '" + t.canonical +
                                        "' would both be the tool '" + t.name + "'; rename one");
        tools_.push_back(std::move(t));
    }

    std::vector<tool> tools_;
    std::unordered_map<std::string, std::size_t> by_name_;
};

} // namespace detail

} // namespace mi::mcp

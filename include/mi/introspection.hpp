// Copyright (c) 2026 the mi authors. Distributed under the Boost Software License, Version 1.0.
// SPDX-License-Identifier: BSL-1.0
#pragma once

#include <mi/context.hpp>
#include <mi/detail/schema/lookup.hpp>

#include <boost/json/fwd.hpp>

#include <span>
#include <string_view>

namespace mi {

/** One JSON parameter of a recipe, as the schema describes it. */
struct param_info {
    std::string_view name;
    bool required = true;
    boost::json::value (*schema)() = nullptr; ///< JSON Schema of the parameter's type
};

/** One recipe: its parameters in declaration order. */
struct recipe_info {
    std::span<param_info const> params;
    boost::json::value (*result_schema)() = nullptr; ///< JSON Schema of what the handler answers
    permission needs = permission::admin;             ///< what a caller must be granted to run it
};

/** One command of a set: names, help, flags, recipes. */
struct command_info {
    std::string_view canonical; ///< "module:name", or the name in a set without modules
    std::string_view module;    ///< empty in a set without modules
    std::string_view name;
    std::string_view help;
    bool named_params_only = false;
    bool async = false;
    std::span<recipe_info const> recipes;
    std::span<std::string_view const> aliases;
};

/** The schema of a command set, for commands that describe the set (`which`, `help`, `rpc.discover`, or a
    user's own): declare a handler parameter `mi::introspection const&`. */
class introspection {
public:
    constexpr introspection(std::span<command_info const> commands, bool modules, std::string_view title,
                            std::string_view version, detail::resolution (*resolve)(std::string_view) noexcept)
        : commands_(commands), modules_(modules), title_(title), version_(version), resolve_(resolve) {}

    std::span<command_info const> commands() const noexcept { return commands_; }
    bool uses_modules() const noexcept { return modules_; }
    std::string_view title() const noexcept { return title_; }
    std::string_view version() const noexcept { return version_; }

    /** The command `name` resolves to under the set's lookup rules; nullptr if unknown or ambiguous. */
    command_info const* find(std::string_view name) const noexcept {
        auto const r = resolve_(name);
        return r.command == detail::no_command ? nullptr : &commands_[r.command];
    }

private:
    std::span<command_info const> commands_;
    bool modules_;
    std::string_view title_;
    std::string_view version_;
    detail::resolution (*resolve_)(std::string_view) noexcept;
};

} // namespace mi

// Copyright (c) 2026 the mi authors. Distributed under the Boost Software License, Version 1.0.
// SPDX-License-Identifier: BSL-1.0
#pragma once

#include <mi/command.hpp>
#include <mi/detail/config.hpp>
#include <mi/error.hpp>
#include <mi/introspection.hpp>

#include <boost/json/value.hpp>

#include <string>
#include <string_view>
#include <variant>
#include <vector>

namespace mi::builtin {

inline constexpr int unknown_command_code = 404;
inline constexpr std::string_view unknown_command_message = "unknown MI command";

/** `which`: every name a client may type (canonical names in a set of modules). */
MI_DECL std::vector<std::string_view> which_all(introspection const& set);

/** What `which command` answers: the parameter names of each recipe, or the commands of a module. */
using which_answer = std::variant<std::vector<std::vector<std::string_view>>, std::vector<std::string_view>>;

/** `which command`: the parameter names of each recipe; "module:" lists that module's commands. */
MI_DECL result<which_answer> which_one(introspection const& set, std::string_view command);

inline std::string_view help_usage() { return "Usage: help mi_cmd - returns information about 'mi_cmd'"; }

/** `help mi_cmd`: `{"Help": ..., "Exported by": ...}` as OpenSIPS answers. */
MI_DECL result<boost::json::object> help_one(introspection const& set, std::string_view mi_cmd);

/** `rpc.discover`: an OpenRPC 1.3 document of the set. A command's recipes are its `x-recipes` (their
    parameter names), `x-recipe-params` (the JSON Schema of each one's by-name params object) and
    `x-permissions`; `params` holds every parameter of any recipe, required only when every recipe requires it. */
MI_DECL boost::json::value discover(introspection const& set);

// Spelled as the types mi::command<...>(...) makes of them (tests/introspection.cpp checks that it still does):
// these constants are in every translation unit that includes mi, and checking a declaration costs each of them
// a tenth of a second. "rpc.discover" is the name OpenRPC fixes; it is the one command name that is not an
// identifier, which mi::command refuses.
inline constexpr command_t<fixed_string(""), fixed_string("which"), 0, boost::mp11::mp_list<>,
                           detail::permitted<permission::read, recipe_t<&which_all>>,
                           detail::permitted<permission::read, recipe_t<&which_one, fixed_string("command")>>>
    which{"lists the available commands, or the parameters of each recipe of one"};
inline constexpr command_t<fixed_string(""), fixed_string("help"), 0, boost::mp11::mp_list<>,
                           detail::permitted<permission::read, recipe_t<&help_usage>>,
                           detail::permitted<permission::read, recipe_t<&help_one, fixed_string("mi_cmd")>>>
    help{"returns the help text of a command and who exports it"};
inline constexpr command_t<fixed_string(""), fixed_string("rpc.discover"), 0, boost::mp11::mp_list<>,
                           detail::permitted<permission::read, recipe_t<&discover>>>
    rpc_discover{"returns the OpenRPC document of the service"};

} // namespace mi::builtin

#ifndef MI_SEPARATE_COMPILATION
#include <mi/detail/schema/builtin.ipp>
#endif

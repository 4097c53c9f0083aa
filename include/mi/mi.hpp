// Copyright (c) 2026 the mi authors. Distributed under the Boost Software License, Version 1.0.
// SPDX-License-Identifier: BSL-1.0
#pragma once

// The core, layer by layer; transports are opt-in headers under <mi/transport/>.

// 1. declaration: commands, their recipes and options, what handlers take and return
#include <mi/async.hpp>
#include <mi/command.hpp>
#include <mi/context.hpp>
#include <mi/error.hpp>
#include <mi/fixed_string.hpp>

// 2. schema: the command set, and what it says of itself
#include <mi/builtin.hpp>
#include <mi/command_set.hpp>
#include <mi/introspection.hpp>

// 3. dispatch: request bytes in, response bytes out
#include <mi/answer.hpp>
#include <mi/dispatcher.hpp>
#include <mi/jsonrpc.hpp>
#include <mi/limits.hpp>
#include <mi/observer.hpp>

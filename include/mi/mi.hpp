// Copyright (c) 2026 the mi authors. Distributed under the Boost Software License, Version 1.0.
// SPDX-License-Identifier: BSL-1.0
#pragma once

#include <mi/async.hpp>
#include <mi/command.hpp>
#include <mi/command_set.hpp>
#include <mi/context.hpp>
#include <mi/dispatcher.hpp>
#include <mi/error.hpp>
#include <mi/fixed_string.hpp>
#include <mi/introspection.hpp>

// Copyright (c) 2026 the mi authors. Distributed under the Boost Software License, Version 1.0.
// SPDX-License-Identifier: BSL-1.0
//
// A described enum and a described struct (one optional member), the parameter types several tests and fuzz
// targets bind, write and describe.
#pragma once

#include <boost/describe/class.hpp>
#include <boost/describe/enum.hpp>

#include <optional>
#include <string>

namespace mi_test {

enum class level { error, warning, notice };
BOOST_DESCRIBE_ENUM(level, error, warning, notice)

struct point {
    int x = 0;
    int y = 0;
    std::optional<std::string> label;
};
BOOST_DESCRIBE_STRUCT(point, (), (x, y, label))

} // namespace mi_test

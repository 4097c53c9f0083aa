// Copyright (c) 2026 the mi authors. Distributed under the Boost Software License, Version 1.0.
// SPDX-License-Identifier: BSL-1.0
#pragma once

#include <algorithm>
#include <cstddef>
#include <string_view>

namespace mi {

/** A string literal usable as a template argument: `mi::command<"log_level">`. */
template <std::size_t N>
struct fixed_string {
    char chars[N]{};

    constexpr fixed_string(char const (&text)[N]) noexcept { std::copy_n(text, N, chars); }
    constexpr fixed_string() noexcept = default;

    static constexpr std::size_t size() noexcept { return N - 1; }
    constexpr std::string_view view() const noexcept { return {chars, N - 1}; }
    constexpr operator std::string_view() const noexcept { return view(); }
};

namespace detail {

template <fixed_string... Parts>
constexpr auto concat() noexcept {
    fixed_string<(Parts.size() + ... + 0) + 1> joined;
    std::size_t at = 0;
    ((std::copy_n(Parts.chars, Parts.size(), joined.chars + at), at += Parts.size()), ...);
    return joined;
}

// A name as a type, so that type lists of parameters can carry their names.
template <fixed_string S>
struct name_constant {
    static constexpr std::string_view name = S.view();
};

constexpr bool is_identifier(std::string_view s) noexcept {
    auto alpha = [](char c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_'; };
    auto digit = [](char c) { return c >= '0' && c <= '9'; };
    if (s.empty() || !alpha(s.front())) return false;
    return std::all_of(s.begin(), s.end(), [&](char c) { return alpha(c) || digit(c); });
}

} // namespace detail
} // namespace mi

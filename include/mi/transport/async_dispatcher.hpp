// Copyright (c) 2026 the mi authors. Distributed under the Boost Software License, Version 1.0.
// SPDX-License-Identifier: BSL-1.0
#pragma once

#include <mi/answer.hpp>
#include <mi/context.hpp>

#include <string_view>

namespace mi::transport {

namespace detail {
// Stands for a transport's completion in the concept below.
struct answer_probe {
    void operator()(answer const&) const noexcept {}
};
} // namespace detail

/** What every transport needs of a dispatcher: `mi::dispatcher`'s completion form. The transport hands it the
    request bytes and receives provisional and final answers, possibly from another thread. Anything with this
    member will do, e.g. a wrapper that counts requests before forwarding them. */
template <class D>
concept async_dispatcher =
    requires(D const& d, std::string_view request, context const& ctx, detail::answer_probe on_answer) {
        d.async_call(request, ctx, on_answer);
    };

} // namespace mi::transport

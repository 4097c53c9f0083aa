// Copyright (c) 2026 the mi authors. Distributed under the Boost Software License, Version 1.0.
// SPDX-License-Identifier: BSL-1.0
#pragma once

#include <boost/mp11/list.hpp>

#include <type_traits>

namespace mi::detail {

// signature<F>: result, argument list and (for member functions) the object type of a handler.
// Not a handler: empty lists, so that the one static_assert about it is the only error reported.
template <class F, class = void>
struct signature {
    static constexpr bool valid = false;
    using result = void;
    using args = boost::mp11::mp_list<>;
    using object = void;
};

template <class R, class... A>
struct signature<R (*)(A...)> {
    static constexpr bool valid = true;
    using result = R;
    using args = boost::mp11::mp_list<A...>;
    using object = void;
};
template <class R, class... A>
struct signature<R (*)(A...) noexcept> : signature<R (*)(A...)> {};

template <class R, class C, class... A>
struct signature<R (C::*)(A...)> : signature<R (*)(A...)> {
    using object = C;
};
template <class R, class C, class... A>
struct signature<R (C::*)(A...) const> : signature<R (*)(A...)> {
    using object = C const;
};
template <class R, class C, class... A>
struct signature<R (C::*)(A...) noexcept> : signature<R (C::*)(A...)> {};
template <class R, class C, class... A>
struct signature<R (C::*)(A...) const noexcept> : signature<R (C::*)(A...) const> {};

// A lambda without captures: its call operator, called on the closure object itself.
template <class F>
struct signature<F, std::void_t<decltype(&F::operator())>> : signature<decltype(&F::operator())> {
    using object = void;
};

} // namespace mi::detail

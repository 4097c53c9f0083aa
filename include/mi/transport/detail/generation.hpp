// Copyright (c) 2026 the mi authors. Distributed under the Boost Software License, Version 1.0.
// SPDX-License-Identifier: BSL-1.0
#pragma once

#include <cstdint>

namespace mi::transport::detail {

/** Tells a completion whether what it was started for is still current. An asynchronous operation takes a ticket
    when it starts; whatever supersedes it (a new request, a re-created file, a reset timer, a stop) calls `next()`,
    and the old operation's completion, finding its ticket stale, does nothing. Not thread-safe: used on a strand
    or under the owner's mutex. */
class generation {
public:
    using ticket = std::uint64_t;

    /** Makes every ticket taken so far stale; returns the new current one. */
    ticket next() noexcept { return ++current_; }
    ticket current() const noexcept { return current_; }
    bool is_current(ticket t) const noexcept { return t == current_; }

private:
    ticket current_ = 0;
};

} // namespace mi::transport::detail

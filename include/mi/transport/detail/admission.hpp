// Copyright (c) 2026 the mi authors. Distributed under the Boost Software License, Version 1.0.
// SPDX-License-Identifier: BSL-1.0
#pragma once

#include <atomic>
#include <cstddef>
#include <memory>
#include <optional>

namespace mi::transport::detail {

/** The cap on requests a server holds at once (`options::max_pending`): each request is admitted, or refused
    when the cap is reached; an admitted one holds its place until its ticket goes (the final answer sent or
    given up). Thread-safe; the count lives as long as the last ticket, which may outlive the server. */
class admission {
    struct count {
        explicit count(std::size_t c) noexcept : capacity(c) {}
        std::size_t const capacity;
        std::atomic<std::size_t> held{0};
    };

public:
    explicit admission(std::size_t capacity) : count_(std::make_shared<count>(capacity)) {}

    /** A place, given back when the ticket is destroyed or `release`d. */
    class ticket {
    public:
        ticket() noexcept = default;
        ticket(ticket&&) noexcept = default;
        ticket& operator=(ticket&& other) noexcept {
            if (this != &other) {
                release();
                count_ = std::move(other.count_);
            }
            return *this;
        }
        ~ticket() { release(); }

        void release() noexcept {
            if (count_) count_->held.fetch_sub(1, std::memory_order_relaxed);
            count_.reset();
        }

    private:
        friend class admission;
        explicit ticket(std::shared_ptr<count> c) noexcept : count_(std::move(c)) {}
        std::shared_ptr<count> count_;
    };

    /** A ticket, or nullopt when `capacity` requests hold one already. */
    std::optional<ticket> admit() const {
        if (count_->held.fetch_add(1, std::memory_order_relaxed) >= count_->capacity) {
            count_->held.fetch_sub(1, std::memory_order_relaxed);
            return std::nullopt;
        }
        return ticket(count_);
    }

private:
    std::shared_ptr<count> count_;
};

} // namespace mi::transport::detail

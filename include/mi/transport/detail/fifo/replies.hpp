// Copyright (c) 2026 the mi authors. Distributed under the Boost Software License, Version 1.0.
// SPDX-License-Identifier: BSL-1.0
#pragma once

// The answering side of a FIFO server: each request's final answer awaited under async_timeout, and its answers
// written in order into its reply FIFO, each by open, write, close. Part of <mi/transport/fifo.hpp>.

#include <mi/answer.hpp>
#include <mi/transport/detail/admission.hpp>
#include <mi/transport/detail/fifo/files.hpp>
#include <mi/transport/detail/fifo/options.hpp>
#include <mi/transport/detail/fifo/reply_job.hpp>
#include <mi/transport/detail/identity.hpp>
#include <mi/transport/detail/unix_files.hpp>

#include <boost/asio/io_context.hpp>
#include <boost/asio/posix/stream_descriptor.hpp>

#include <cerrno>
#include <cstddef>
#include <memory>
#include <mutex>
#include <set>
#include <string>
#include <utility>

namespace mi::fifo::detail {

// What the reading side and the answering side of one server share. The mutex guards both and is never held
// while a command runs; each side holds a shared_ptr to this, so it outlives the last handler of either.
struct fifo_common {
    fifo_common(boost::asio::any_io_executor executor, options o)
        : executor(std::move(executor)), settings(std::move(o)) {}

    boost::asio::any_io_executor const executor;
    options const settings;
    mi::transport::detail::identity const identity{"fifo", settings.granted, &settings.on_limit, &executor,
                                                   settings.async_timeout};
    std::mutex mutex;
    bool running = false;
};

using lock_type = std::unique_lock<std::mutex>;
using job_ptr = std::shared_ptr<reply_job>;

// The requests that have a reply FIFO, until their last answer is written or given up. Every member is called
// with the common mutex held, except the answer callback that start() returns.
class replies : public std::enable_shared_from_this<replies> {
public:
    replies(boost::asio::io_context& io, std::shared_ptr<fifo_common> common) : io_(io), common_(std::move(common)) {}

    // A request that answers into reply FIFO `name`, counted against max_pending until it is forgotten; null
    // when too many are pending, after answering "Server busy" if the reply FIFO opens at the first try.
    job_ptr admit(std::string const& name) {
        auto place = admission_.admit();
        if (!place) {
            common_->identity.hit("queue", name);
            unique_fd fd;
            if (open_reply(common_->settings.reply_dir + name, fd) == open_result::opened)
                (void)mi::transport::detail::write_no_sigpipe(fd.get(), busy_text().data(), busy_text().size());
            return nullptr;
        }
        auto job = std::make_shared<reply_job>(io_, name, common_->settings.reply_dir + name, std::move(*place));
        jobs_.insert(job);
        return job;
    }

    // The job's command is about to run: the callback, for any thread, that takes its answers.
    auto start(job_ptr const& job) {
        job->started = true;
        job->call = job->wait.begin();
        return [self = this->shared_from_this(), job](answer const& a) { self->on_answer(job, a); };
    }

    // Once the dispatcher has returned: a deferred command that never answers must not hold its reply FIFO and
    // queue place forever.
    void await_final_answer(job_ptr const& job) {
        job->wait.expire_after(job->call, common_->settings.async_timeout, [self = this->shared_from_this(), job] {
            lock_type lock(self->common_->mutex);
            if (!self->common_->running) return;
            self->common_->identity.hit("timeout", job->name);
            job->pending.emplace_back(failed_text);
            job->finished = true;
            if (!job->writing) self->pump(job);
        });
    }

    // One try at opening the job's reply FIFO; a retry past open_retries is a refusal.
    open_result open(reply_job& job) {
        unique_fd fd;
        auto r = open_reply(job.path, fd);
        if (r == open_result::retry && ++job.attempts > open_retries) r = open_result::refused;
        if (r == open_result::opened) {
            job.attempts = 0;
            job.out = std::move(fd);
        }
        return r;
    }

    // Waits open_retry_delay on a timer, never on the io thread, and tries the open again until it is opened or
    // refused; then calls `then(lock, result)` with the mutex held.
    template <class Then>
    void retry_later(job_ptr const& job, Then then) {
        auto const op = job->op.next();
        job->timer.expires_after(open_retry_delay);
        job->timer.async_wait([self = this->shared_from_this(), job, op, then = std::move(then)](boost::system::error_code ec) mutable {
            lock_type lock(self->common_->mutex);
            if (ec || !self->common_->running || !job->op.is_current(op)) return;
            auto const r = self->open(*job);
            if (r == open_result::retry) return self->retry_later(job, std::move(then));
            then(lock, r);
        });
    }

    // The job's answers are all written or given up: it no longer counts against max_pending.
    void forget(job_ptr const& job) {
        job->place.release();
        jobs_.erase(job);
    }

    // The server stopped: every pending wait completes and finds it so.
    void stop() noexcept {
        for (auto const& job : jobs_) {
            job->timer.cancel();
            job->wait.cancel();
            close_reply(*job);
            job->pending.clear();
        }
        jobs_.clear();
    }

private:
    // Any thread; the dispatcher never calls it with the mutex held (commands run without it).
    void on_answer(job_ptr const& job, answer const& a) {
        lock_type lock(common_->mutex);
        if (!common_->running) return;
        bool const last = a.kind != answer_kind::provisional;
        if (last ? !job->wait.end(job->call) : !job->wait.waiting(job->call)) return; // timed out already
        if (a.kind == answer_kind::failed) job->pending.emplace_back(failed_text);
        else job->pending.emplace_back(a.text); // empty: a notification, opened and closed without a byte
        job->finished = last;
        if (!job->writing) pump(job);
    }

    // Writes the job's answers in order, each by open, write, close.
    void pump(job_ptr const& job) {
        while (common_->running) {
            if (job->pending.empty()) {
                job->writing = false;
                if (job->finished) forget(job);
                return;
            }
            job->writing = true;
            if (!job->out) {
                auto const r = open(*job);
                if (r == open_result::retry) return retry_later(job, [this, job](lock_type&, open_result later) {
                    if (later == open_result::refused) give_up_answer(*job);
                    pump(job);
                });
                if (r == open_result::refused) { // this answer is lost; the next one tries afresh
                    give_up_answer(*job);
                    continue;
                }
            }
            if (job->pending.front().empty()) {
                end_answer(job);
                continue;
            }
            job->written = 0;
            job->op.next();
            return write_more(job);
        }
    }

    // Non-blocking writes until the answer is out; a full pipe waits for the reader without holding a thread,
    // for at most reply_timeout from the moment it filled.
    void write_more(job_ptr const& job) {
        std::string const& text = job->pending.front();
        while (job->written < text.size()) {
            ssize_t const n = mi::transport::detail::write_no_sigpipe(job->out.get(), text.data() + job->written,
                                                                      text.size() - job->written);
            if (n > 0) {
                job->written += static_cast<std::size_t>(n);
                continue;
            }
            if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK) && watch(job)) {
                job->blocked->async_wait(boost::asio::posix::descriptor_base::wait_write,
                                         [self = this->shared_from_this(), job, op = job->op.current()](boost::system::error_code ec) {
                                             lock_type lock(self->common_->mutex);
                                             if (!self->common_->running || !job->op.is_current(op)) return;
                                             if (ec) self->end_answer(job);
                                             else return self->write_more(job);
                                             self->pump(job);
                                         });
                return;
            }
            break; // EPIPE: the reader went away
        }
        end_answer(job);
        pump(job);
    }

    // The first time an answer finds the pipe full: the reactor watches the reply FIFO from now on, and the
    // reader has reply_timeout to drain the answer. False if the reactor cannot take the descriptor.
    bool watch(job_ptr const& job) {
        if (job->blocked) return true;
        try {
            job->blocked.emplace(io_, job->out.get());
        } catch (...) {
            return false;
        }
        job->timer.expires_after(common_->settings.reply_timeout);
        job->timer.async_wait([self = this->shared_from_this(), job, op = job->op.current()](boost::system::error_code ec) {
            lock_type lock(self->common_->mutex);
            if (ec || !self->common_->running || !job->op.is_current(op)) return;
            self->end_answer(job); // the reader stopped reading: give up this answer
            self->pump(job);
        });
        return true;
    }

    // Closes the reply FIFO (the reader sees EOF) and forgets the answer.
    void end_answer(job_ptr const& job) {
        job->op.next();
        job->timer.cancel();
        close_reply(*job);
        give_up_answer(*job);
    }

    static void give_up_answer(reply_job& job) {
        job.attempts = 0;
        if (!job.pending.empty()) job.pending.pop_front();
    }

    // `out` stays the descriptor's one owner: the reactor lets go of it before it is closed.
    static void close_reply(reply_job& job) noexcept {
        if (job.blocked) {
            job.blocked->release();
            job.blocked.reset();
        }
        job.out.reset();
    }

    boost::asio::io_context& io_;
    std::shared_ptr<fifo_common> const common_;
    mi::transport::detail::admission const admission_{common_->settings.max_pending};
    std::set<job_ptr> jobs_; // where stop() finds them
};

} // namespace mi::fifo::detail

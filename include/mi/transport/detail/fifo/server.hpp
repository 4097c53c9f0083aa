// Copyright (c) 2026 the mi authors. Distributed under the Boost Software License, Version 1.0.
// SPDX-License-Identifier: BSL-1.0
#pragma once

// The state of one FIFO server: reading and framing requests, running them, writing their answers into reply FIFOs.
// Part of <mi/transport/fifo.hpp>.

#include <mi/answer.hpp>
#include <mi/context.hpp>
#include <mi/error.hpp>
#include <mi/jsonrpc.hpp>
#include <mi/transport/detail/admission.hpp>
#include <mi/transport/detail/busy_poll.hpp>
#include <mi/transport/detail/fifo/files.hpp>
#include <mi/transport/detail/fifo/framing.hpp>
#include <mi/transport/detail/fifo/options.hpp>
#include <mi/transport/detail/fifo/reply_job.hpp>
#include <mi/transport/detail/final_answer.hpp>
#include <mi/transport/detail/generation.hpp>
#include <mi/transport/detail/identity.hpp>
#include <mi/transport/detail/unix_files.hpp>

#include <boost/asio/io_context.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/posix/stream_descriptor.hpp>
#include <boost/asio/steady_timer.hpp>

#include <chrono>
#include <cstddef>
#include <deque>
#include <memory>
#include <mutex>
#include <optional>
#include <set>
#include <stdexcept>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include <sys/stat.h>
#include <unistd.h>

namespace mi::fifo {

namespace detail {

// The shared state of one server. Handlers run on any thread of the io_context; one mutex guards everything
// here and is never held while a command runs. Handlers hold a shared_ptr to it, so it outlives the last one.
template <class Dispatcher>
class fifo_server : public std::enable_shared_from_this<fifo_server<Dispatcher>> {
public:
    fifo_server(boost::asio::io_context& io, Dispatcher const& dispatcher, options o)
        : io_(io), dispatcher_(dispatcher), options_(std::move(o)), check_timer_(io), chunk_(65536) {}

    void start() {
        std::unique_lock lock(mutex_);
        if (running_ || stopped_) throw std::logic_error("mi::fifo::server: start() called twice or after stop()");
        owner_ = mi::transport::detail::resolve_owner(options_.user, options_.group, "mi::fifo");
        auto f = create_request_fifo(options_, owner_);
        auto const id = f.id;
        try {
            use(std::move(f));
        } catch (...) {
            mi::transport::detail::remove_if_ours(options_.path, id);
            throw;
        }
        running_ = true;
        start_read();
        arm_check();
    }

    void stop() noexcept {
        std::unique_lock lock(mutex_);
        stopped_ = true;
        if (!std::exchange(running_, false)) return;
        fifo_generation_.next();
        check_timer_.cancel();
        reader_.reset(); // pending reads complete with operation_aborted and find the server stopped
        writer_.reset();
        for (auto const& job : jobs_) {
            job->timer.cancel();
            job->wait.cancel();
            close_reply(*job);
            job->pending.clear();
        }
        jobs_.clear();
        buffer_.clear();
        mi::transport::detail::remove_if_ours(options_.path, id_);
    }

private:
    using job_ptr = std::shared_ptr<reply_job>;
    using lock_type = std::unique_lock<std::mutex>;

    void use(request_fifo f) {
        reader_.emplace(io_, f.read_end.get());
        f.read_end.release();
        writer_ = std::move(f.write_end);
        id_ = f.id;
        reading_ = false;
        buffer_.clear();
        kept_ = 0;
    }

    // --- reading -------------------------------------------------------------------------------------------

    void start_read() {
        if (reading_ || !reader_) return;
        reading_ = true;
        reader_->async_read_some(boost::asio::buffer(chunk_),
                                 [self = this->shared_from_this(), generation = fifo_generation_.current()](
                                     boost::system::error_code ec, std::size_t n) { self->on_read(generation, ec, n); });
    }

    void on_read(mi::transport::detail::generation::ticket generation, boost::system::error_code ec, std::size_t n) {
        lock_type lock(mutex_);
        if (!running_ || !fifo_generation_.is_current(generation)) return;
        took(lock, ec, n);
    }

    // What one read of the request FIFO gave, in chunk_, with the mutex held.
    void took(lock_type& lock, boost::system::error_code ec, std::size_t n) {
        reading_ = false;
        active_ = true;
        if (ec) {
            // EOF cannot happen while we hold a write end; any failure means the FIFO is not what it was.
            if (ec != boost::asio::error::operation_aborted && recreate()) start_read();
            return;
        }
        kept_ = buffer_.size();
        flush_ = false; // an unfinished request may end in these bytes
        buffer_.append(chunk_.data(), n);
        process(lock);
    }

    // Frames and runs the requests in buffer_, in order. A request whose reply FIFO is not open yet pauses the
    // rest (as OpenSIPS's single process does) until the open succeeds or is given up; reading resumes once
    // the buffer holds no complete request.
    void process(lock_type& lock) {
        if (processing_ || waiting_) return;
        processing_ = true;
        while (running_) {
            frame const f = next_frame(buffer_);
            bool const overflow = f.status == frame_status::incomplete && (flush_ || buffer_.size() > options_.max_request);
            if (overflow) identity_.hit(flush_ ? "timeout" : "request", f.name); // unfinished for a check interval, or too long
            if (f.status == frame_status::empty || (f.status == frame_status::incomplete && !overflow)) {
                if (f.status == frame_status::empty) buffer_.clear(), kept_ = 0;
                break;
            }
            if (f.status == frame_status::garbage || (overflow && !f.has_name)) {
                discard_bad_frame();
                continue;
            }
            std::string name(f.name);
            if (f.status != frame_status::complete) {
                // OpenSIPS drops unparsable text silently and its client then waits forever; where the reply
                // FIFO is known, the dispatcher's -32700 tells it instead. The rest of that read is dropped.
                std::string text(std::string_view(buffer_).substr(f.json_begin));
                discard_bad_frame();
                if (!name.empty() && reply_name_allowed(name, options_.reply_dir) && begin(lock, name, text)) break;
                continue;
            }
            std::string text(std::string_view(buffer_).substr(f.json_begin, f.end - f.json_begin));
            consume(f.end);
            if (name.empty()) run(lock, nullptr, name, text); // `::` runs the command and sends nothing
            else if (reply_name_allowed(name, options_.reply_dir) && begin(lock, name, text)) break;
        }
        flush_ = false;
        processing_ = false;
        if (running_ && !waiting_) read_next();
    }

    // After requests were handled: with busy_poll, the FIFO is read without waiting for the reactor for a while.
    void read_next() {
        if (options_.busy_poll.count() == 0) return start_read();
        if (reading_ || !reader_) return;
        reading_ = true;
        auto self = this->shared_from_this();
        auto turn = [self, generation = fifo_generation_.current()] {
            using mi::transport::detail::poll_turn;
            lock_type lock(self->mutex_);
            if (!self->running_ || !self->fifo_generation_.is_current(generation)) return poll_turn::done;
            ssize_t const n = ::read(self->reader_->native_handle(), self->chunk_.data(), self->chunk_.size());
            if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR)) return poll_turn::nothing;
            auto const failed = n > 0    ? boost::system::error_code()
                                : n == 0 ? make_error_code(boost::asio::error::eof)
                                         : boost::system::error_code(errno, boost::system::system_category());
            self->took(lock, failed, n > 0 ? static_cast<std::size_t>(n) : 0); // a failure as the reactor's read would
            return poll_turn::served;
        };
        auto sleep = [self, generation = fifo_generation_.current()] {
            lock_type lock(self->mutex_);
            if (!self->running_ || !self->fifo_generation_.is_current(generation)) return;
            self->reading_ = false;
            self->start_read();
        };
        mi::transport::detail::busy_poll(io_.get_executor(), std::chrono::steady_clock::now() + options_.busy_poll,
                                         std::move(turn), std::move(sleep));
    }

    void consume(std::size_t n) {
        buffer_.erase(0, n);
        kept_ = kept_ > n ? kept_ - n : 0;
    }

    // A request that cannot be framed. If it began in bytes kept from an earlier read, it is that unfinished
    // request which went wrong: drop it and read the newest bytes afresh, for they likely start another
    // client's request. Otherwise drop everything.
    void discard_bad_frame() {
        if (kept_ > 0 && kept_ < buffer_.size()) buffer_.erase(0, kept_);
        else buffer_.clear();
        kept_ = 0;
    }

    // Opens the reply FIFO, then runs the command (spec 6.1: no reader, no run). True when the open has to be
    // retried later: processing waits for it.
    bool begin(lock_type& lock, std::string const& name, std::string text) {
        auto place = admission_.admit();
        if (!place) {
            identity_.hit("queue", name);
            unique_fd fd;
            if (open_reply(options_.reply_dir + name, fd) == open_result::opened) // one try: a full queue holds no more
                (void)mi::transport::detail::write_no_sigpipe(fd.get(), busy_text().data(), busy_text().size());
            return false;
        }
        auto job = std::make_shared<reply_job>(io_, name, options_.reply_dir + name, std::move(*place));
        switch (open_now(*job)) {
        case open_result::opened:
            jobs_.insert(job);
            run(lock, job, job->name, text);
            return false;
        case open_result::refused: return false;
        case open_result::retry: break;
        }
        jobs_.insert(job);
        job_text_ = std::move(text);
        waiting_ = true;
        retry_later(job);
        return true;
    }

    void run(lock_type& lock, job_ptr const& job, std::string const& name, std::string const& text) {
        if (job) {
            job->started = true;
            job->call = job->wait.begin();
        }
        mi::context const ctx = identity_.caller(name);
        lock.unlock();
        if (job) {
            dispatcher_.async_call(text, ctx,
                                   [self = this->shared_from_this(), job](answer const& a) { self->on_answer(job, a); });
        } else {
            dispatcher_.async_call(text, ctx, [](answer const&) {});
        }
        lock.lock();
        if (job && running_) await_final_answer(job);
    }

    // --- answering -----------------------------------------------------------------------------------------

    // A deferred command that never answers must not hold its reply FIFO and queue slot forever.
    void await_final_answer(job_ptr const& job) {
        job->wait.expire_after(job->call, options_.async_timeout, [self = this->shared_from_this(), job] {
            lock_type lock(self->mutex_);
            if (!self->running_) return;
            self->identity_.hit("timeout", job->name);
            job->pending.emplace_back(failed_text);
            job->finished = true;
            if (!job->writing) self->pump(job);
        });
    }

    // Any thread; the dispatcher never calls it with our mutex held (commands run without it).
    void on_answer(job_ptr const& job, answer const& a) {
        lock_type lock(mutex_);
        if (!running_) return;
        bool const last = a.kind != answer_kind::provisional;
        if (last ? !job->wait.end(job->call) : !job->wait.waiting(job->call)) return; // timed out already
        if (a.kind == answer_kind::failed) job->pending.emplace_back(failed_text);
        else job->pending.emplace_back(a.text); // empty: a notification, opened and closed without a byte
        job->finished = last;
        if (!job->writing) pump(job);
    }

    // Writes the job's answers in order, each by open, write, close.
    void pump(job_ptr const& job) {
        while (running_) {
            if (job->pending.empty()) {
                job->writing = false;
                if (job->finished) forget(job);
                return;
            }
            job->writing = true;
            if (!job->out) {
                auto const r = open_now(*job);
                if (r == open_result::retry) return retry_later(job);
                if (r == open_result::refused) { // this answer is lost; the next one tries afresh
                    job->pending.pop_front();
                    job->attempts = 0;
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
                                             lock_type lock(self->mutex_);
                                             if (!self->running_ || !job->op.is_current(op)) return;
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
        job->timer.expires_after(options_.reply_timeout);
        job->timer.async_wait([self = this->shared_from_this(), job, op = job->op.current()](boost::system::error_code ec) {
            lock_type lock(self->mutex_);
            if (ec || !self->running_ || !job->op.is_current(op)) return;
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
        job->attempts = 0;
        if (!job->pending.empty()) job->pending.pop_front();
    }

    // The job's answers are all written or given up: it no longer counts against max_pending.
    void forget(job_ptr const& job) {
        job->place.release();
        jobs_.erase(job);
    }

    // `out` stays the descriptor's one owner: the reactor lets go of it before it is closed.
    static void close_reply(reply_job& job) noexcept {
        if (job.blocked) {
            job.blocked->release();
            job.blocked.reset();
        }
        job.out.reset();
    }

    // --- opening reply FIFOs -------------------------------------------------------------------------------

    open_result open_now(reply_job& job) {
        unique_fd fd;
        auto r = open_reply(job.path, fd);
        if (r == open_result::retry && ++job.attempts > open_retries) r = open_result::refused;
        if (r == open_result::opened) {
            job.attempts = 0;
            job.out = std::move(fd);
        }
        return r;
    }

    // Waits 80 ms on a timer, never on the io thread, then tries the open again.
    void retry_later(job_ptr const& job) {
        auto const op = job->op.next();
        job->timer.expires_after(open_retry_delay);
        job->timer.async_wait([self = this->shared_from_this(), job, op](boost::system::error_code ec) {
            lock_type lock(self->mutex_);
            if (ec || !self->running_ || !job->op.is_current(op)) return;
            self->retry(lock, job);
        });
    }

    void retry(lock_type& lock, job_ptr const& job) {
        auto const r = open_now(*job);
        if (r == open_result::retry) return retry_later(job);
        if (job->started) {
            if (r == open_result::refused) job->pending.pop_front(), job->attempts = 0;
            return pump(job);
        }
        // the request that paused processing: run it if its reply FIFO opened, then carry on framing
        waiting_ = false;
        if (r == open_result::opened) run(lock, job, job->name, std::exchange(job_text_, {}));
        else {
            forget(job);
            job_text_.clear();
        }
        process(lock);
    }

    // --- keeping the FIFO there ----------------------------------------------------------------------------

    void arm_check() {
        check_timer_.expires_after(options_.check_interval);
        check_timer_.async_wait([self = this->shared_from_this()](boost::system::error_code ec) {
            if (ec) return;
            lock_type lock(self->mutex_);
            if (self->running_) self->check(lock);
        });
    }

    // After a quiet interval: answer (-32700) a request whose end never came, and make sure the path still
    // names our FIFO (spec 6.1: re-created if removed or replaced).
    void check(lock_type& lock) {
        bool const idle = !std::exchange(active_, false);
        if (idle && !processing_ && !waiting_) {
            if (!buffer_.empty()) {
                flush_ = true;
                process(lock);
            }
            if (running_ && (!intact() || !reading_) && recreate()) start_read();
        }
        if (running_) arm_check();
    }

    bool intact() const {
        struct stat st{};
        return ::lstat(options_.path.c_str(), &st) == 0 && S_ISFIFO(st.st_mode) && st.st_nlink == 1 &&
               mi::transport::detail::id_of(st) == id_;
    }

    // False when it cannot be done now (say, something that is not ours is at the path); the next check retries.
    bool recreate() {
        if (processing_ || waiting_) return false;
        try {
            auto f = create_request_fifo(options_, owner_);
            fifo_generation_.next(); // the old read's completion, if any, is stale
            use(std::move(f));
            return true;
        } catch (...) {
            return false;
        }
    }

    boost::asio::io_context& io_;
    Dispatcher const& dispatcher_;
    options const options_;
    mi::transport::detail::identity const identity_{"fifo", options_.granted, &options_.on_limit};
    mi::transport::detail::admission const admission_{options_.max_pending};
    mi::transport::detail::owner owner_;

    std::mutex mutex_;
    bool running_ = false;
    bool stopped_ = false;
    std::optional<boost::asio::posix::stream_descriptor> reader_;
    unique_fd writer_;
    file_id id_;
    mi::transport::detail::generation fifo_generation_; // of the request FIFO: re-created, or the server stopped
    boost::asio::steady_timer check_timer_;
    bool active_ = false; // traffic since the last check

    std::vector<char> chunk_; // one read
    std::string buffer_;      // bytes read and not yet framed
    std::size_t kept_ = 0;    // of buffer_, the bytes kept from earlier reads (an unfinished request)
    bool reading_ = false;
    bool processing_ = false;
    bool waiting_ = false;  // processing waits for a reply FIFO to open
    bool flush_ = false;    // the check found an unfinished request: give it up
    std::string job_text_;  // the request of that reply FIFO
    std::set<job_ptr> jobs_; // requests with answers still to write, where stop() finds them
};

} // namespace detail

} // namespace mi::fifo

// Copyright (c) 2026 the mi authors. Distributed under the Boost Software License, Version 1.0.
// SPDX-License-Identifier: BSL-1.0
#pragma once

// The state of one FIFO server: reading and framing requests, running them, writing their answers into reply FIFOs.
// Part of <mi/transport/fifo.hpp>.

#include <mi/answer.hpp>
#include <mi/context.hpp>
#include <mi/error.hpp>
#include <mi/jsonrpc.hpp>
#include <mi/transport/detail/busy_poll.hpp>
#include <mi/transport/detail/fifo/files.hpp>
#include <mi/transport/detail/fifo/framing.hpp>
#include <mi/transport/detail/fifo/options.hpp>
#include <mi/transport/detail/fifo/replies.hpp>
#include <mi/transport/detail/generation.hpp>
#include <mi/transport/detail/identity.hpp>
#include <mi/transport/detail/unix_files.hpp>

#include <boost/asio/io_context.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/posix/stream_descriptor.hpp>
#include <boost/asio/steady_timer.hpp>

#include <chrono>
#include <cstddef>
#include <memory>
#include <mutex>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include <sys/stat.h>
#include <unistd.h>

namespace mi::fifo {

namespace detail {

// The reading side of one server: the request FIFO read, framed, and each request run, its answers handed to the
// answering side (replies). Handlers run on any thread of the io_context, under the common mutex, which is never
// held while a command runs; they hold a shared_ptr to this, so it outlives the last one.
template <class Dispatcher>
class fifo_server : public std::enable_shared_from_this<fifo_server<Dispatcher>> {
public:
    fifo_server(boost::asio::io_context& io, Dispatcher const& dispatcher, options o)
        : io_(io), dispatcher_(dispatcher), common_(std::make_shared<fifo_common>(io.get_executor(), std::move(o))),
          replies_(std::make_shared<replies>(io, common_)), check_timer_(io), chunk_(65536) {}

    void start() {
        std::unique_lock lock(common_->mutex);
        if (common_->running || stopped_) throw std::logic_error("mi::fifo::server: start() called twice or after stop()");
        owner_ = mi::transport::detail::resolve_owner(settings().user, settings().group, "mi::fifo");
        auto f = create_request_fifo(settings(), owner_);
        auto const id = f.id;
        try {
            use(std::move(f));
        } catch (...) {
            mi::transport::detail::remove_if_ours(settings().path, id);
            throw;
        }
        common_->running = true;
        start_read();
        arm_check();
    }

    void stop() noexcept {
        std::unique_lock lock(common_->mutex);
        stopped_ = true;
        if (!std::exchange(common_->running, false)) return;
        fifo_generation_.next();
        check_timer_.cancel();
        reader_.reset(); // pending reads complete with operation_aborted and find the server stopped
        writer_.reset();
        replies_->stop();
        buffer_.clear();
        mi::transport::detail::remove_if_ours(settings().path, id_);
    }

private:
    options const& settings() const noexcept { return common_->settings; }

    void use(request_fifo f) {
        reader_.emplace(io_, f.read_end.get());
        f.read_end.release();
        writer_ = std::move(f.write_end);
        id_ = f.id;
        reading_ = false;
        buffer_.clear();
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
        lock_type lock(common_->mutex);
        if (!common_->running || !fifo_generation_.is_current(generation)) return;
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
        while (common_->running) {
            frame const f = next_frame(buffer_.text());
            bool const overflow = f.status == frame_status::incomplete && (flush_ || buffer_.size() > settings().max_request);
            if (overflow) common_->identity.hit(flush_ ? "timeout" : "request", f.name); // unfinished for a check interval, or too long
            if (f.status == frame_status::empty || (f.status == frame_status::incomplete && !overflow)) {
                if (f.status == frame_status::empty) buffer_.clear();
                break;
            }
            if (f.status == frame_status::garbage || (overflow && !f.has_name)) {
                buffer_.discard_bad_frame();
                continue;
            }
            std::string name(f.name);
            if (f.status != frame_status::complete) {
                // OpenSIPS drops unparsable text silently and its client then waits forever; where the reply
                // FIFO is known, the dispatcher's -32700 tells it instead. The rest of that read is dropped.
                std::string text(buffer_.text().substr(f.json_begin));
                buffer_.discard_bad_frame();
                if (!name.empty() && reply_name_allowed(name, settings().reply_dir) && begin(lock, name, text)) break;
                continue;
            }
            std::string text(buffer_.text().substr(f.json_begin, f.end - f.json_begin));
            buffer_.consume(f.end);
            if (name.empty()) run(lock, nullptr, name, text); // `::` runs the command and sends nothing
            else if (reply_name_allowed(name, settings().reply_dir) && begin(lock, name, text)) break;
        }
        flush_ = false;
        processing_ = false;
        if (common_->running && !waiting_) read_next();
    }

    // After requests were handled: with busy_poll, the FIFO is read without waiting for the reactor for a while.
    void read_next() {
        if (settings().busy_poll.count() == 0) return start_read();
        if (reading_ || !reader_) return;
        reading_ = true;
        auto self = this->shared_from_this();
        auto turn = [self, generation = fifo_generation_.current()] {
            using mi::transport::detail::poll_turn;
            lock_type lock(self->common_->mutex);
            if (!self->common_->running || !self->fifo_generation_.is_current(generation)) return poll_turn::done;
            ssize_t const n = ::read(self->reader_->native_handle(), self->chunk_.data(), self->chunk_.size());
            if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR)) return poll_turn::nothing;
            auto const failed = n > 0    ? boost::system::error_code()
                                : n == 0 ? make_error_code(boost::asio::error::eof)
                                         : boost::system::error_code(errno, boost::system::system_category());
            self->took(lock, failed, n > 0 ? static_cast<std::size_t>(n) : 0); // a failure as the reactor's read would
            return poll_turn::served;
        };
        auto sleep = [self, generation = fifo_generation_.current()] {
            lock_type lock(self->common_->mutex);
            if (!self->common_->running || !self->fifo_generation_.is_current(generation)) return;
            self->reading_ = false;
            self->start_read();
        };
        mi::transport::detail::busy_poll(io_.get_executor(), std::chrono::steady_clock::now() + settings().busy_poll,
                                         std::move(turn), std::move(sleep));
    }



    // Opens the reply FIFO, then runs the command (spec 6.1: no reader, no run). True when the open has to be
    // retried later: processing waits for it.
    bool begin(lock_type& lock, std::string const& name, std::string text) {
        auto job = replies_->admit(name);
        if (!job) return false;
        switch (replies_->open(*job)) {
        case open_result::opened: run(lock, job, job->name, text); return false;
        case open_result::refused: replies_->forget(job); return false;
        case open_result::retry: break;
        }
        job_text_ = std::move(text);
        waiting_ = true;
        replies_->retry_later(job, [self = this->shared_from_this(), job](lock_type& lock, open_result r) {
            self->resume(lock, job, r);
        });
        return true;
    }

    // The request that paused processing: run it if its reply FIFO opened, then carry on framing.
    void resume(lock_type& lock, job_ptr const& job, open_result r) {
        waiting_ = false;
        if (r == open_result::opened) run(lock, job, job->name, std::exchange(job_text_, {}));
        else {
            replies_->forget(job);
            job_text_.clear();
        }
        process(lock);
    }

    void run(lock_type& lock, job_ptr const& job, std::string const& name, std::string const& text) {
        mi::context const ctx = common_->identity.caller(name);
        if (job) {
            auto on_answer = replies_->start(job);
            lock.unlock();
            dispatcher_.async_call(text, ctx, std::move(on_answer));
        } else {
            lock.unlock();
            dispatcher_.async_call(text, ctx, [](answer const&) {});
        }
        lock.lock();
        if (job && common_->running) replies_->await_final_answer(job);
    }

    // --- keeping the FIFO there ----------------------------------------------------------------------------

    void arm_check() {
        check_timer_.expires_after(settings().check_interval);
        check_timer_.async_wait([self = this->shared_from_this()](boost::system::error_code ec) {
            if (ec) return;
            lock_type lock(self->common_->mutex);
            if (self->common_->running) self->check(lock);
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
            if (common_->running && (!still_ours(settings().path, id_) || !reading_) && recreate()) start_read();
        }
        if (common_->running) arm_check();
    }


    // False when it cannot be done now (say, something that is not ours is at the path); the next check retries.
    bool recreate() {
        if (processing_ || waiting_) return false;
        try {
            auto f = create_request_fifo(settings(), owner_);
            fifo_generation_.next(); // the old read's completion, if any, is stale
            use(std::move(f));
            return true;
        } catch (...) {
            return false;
        }
    }

    boost::asio::io_context& io_;
    Dispatcher const& dispatcher_;
    std::shared_ptr<fifo_common> const common_;
    std::shared_ptr<replies> const replies_;
    mi::transport::detail::owner owner_;

    bool stopped_ = false;
    std::optional<boost::asio::posix::stream_descriptor> reader_;
    unique_fd writer_;
    file_id id_;
    mi::transport::detail::generation fifo_generation_; // of the request FIFO: re-created, or the server stopped
    boost::asio::steady_timer check_timer_;
    bool active_ = false; // traffic since the last check

    std::vector<char> chunk_; // one read
    request_buffer buffer_;
    bool reading_ = false;
    bool processing_ = false;
    bool waiting_ = false;  // processing waits for a reply FIFO to open
    bool flush_ = false;    // the check found an unfinished request: give it up
    std::string job_text_;  // the request of that reply FIFO
};

} // namespace detail

} // namespace mi::fifo

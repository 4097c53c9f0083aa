// Copyright (c) 2026 the mi authors. Distributed under the Boost Software License, Version 1.0.
// SPDX-License-Identifier: BSL-1.0
#pragma once

// The FIFO server's files: the request FIFO it creates, the reply FIFOs it opens, neither ever one that is not what
// it must be. Part of <mi/transport/fifo.hpp>.

#include <mi/transport/detail/fifo/options.hpp>
#include <mi/transport/detail/unix_files.hpp>

#include <chrono>
#include <string>

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

namespace mi::fifo {

namespace detail {

using mi::transport::detail::file_id;
using mi::transport::detail::unique_fd;

// Spec 6.1: a reply FIFO that has no reader yet is retried 4 times, 80 ms apart.
inline constexpr int open_retries = 4;
inline constexpr std::chrono::milliseconds open_retry_delay{80};

enum class open_result { opened, retry, refused };

// Opens a reply FIFO for writing without blocking. Refuses anything that is not a FIFO of its own: a symlink
// (O_NOFOLLOW), a regular file or device (checked before opening, so opening has no side effect), a FIFO with
// a second name (st_nlink), or a file swapped in between the check and the open (fstat of the opened fd).
inline open_result open_reply(std::string const& path, unique_fd& out) {
    struct stat before{};
    if (::lstat(path.c_str(), &before) != 0) return errno == ENOENT ? open_result::retry : open_result::refused;
    if (!S_ISFIFO(before.st_mode) || before.st_nlink != 1) return open_result::refused;
    unique_fd fd(::open(path.c_str(), O_WRONLY | O_NONBLOCK | O_NOFOLLOW | O_CLOEXEC));
    if (!fd) return errno == ENXIO || errno == ENOENT || errno == EINTR ? open_result::retry : open_result::refused;
    struct stat opened{};
    if (::fstat(fd.get(), &opened) != 0 || !S_ISFIFO(opened.st_mode) || opened.st_nlink != 1 ||
        mi::transport::detail::id_of(opened) != mi::transport::detail::id_of(before))
        return open_result::refused;
    out = std::move(fd);
    return open_result::opened;
}

struct request_fifo {
    unique_fd read_end;
    unique_fd write_end; // held so that clients closing their ends never makes the read end see EOF
    file_id id;
};

// Creates the request FIFO. It is made 0600 (no window in which others may open it), opened at both ends,
// then given its owner and finally its mode through the descriptor, so a file swapped in at the path is never
// the one changed.
inline request_fifo create_request_fifo(options const& o, mi::transport::detail::owner const& owner) {
    using mi::transport::detail::throw_errno;
    mi::transport::detail::remove_stale(o.path, "mi::fifo");
    if (::mkfifo(o.path.c_str(), 0600) != 0) throw_errno(errno, "mi::fifo: mkfifo " + o.path);
    request_fifo f;
    try {
        f.read_end.reset(::open(o.path.c_str(), O_RDONLY | O_NONBLOCK | O_NOFOLLOW | O_CLOEXEC));
        if (!f.read_end) throw_errno(errno, "mi::fifo: opening " + o.path);
        struct stat st{};
        if (::fstat(f.read_end.get(), &st) != 0 || !S_ISFIFO(st.st_mode))
            throw_errno(EEXIST, "mi::fifo: " + o.path + " was replaced while being created");
        f.id = mi::transport::detail::id_of(st);
        // the umask may have taken the owner's own bits; the write end below needs them
        if (::fchmod(f.read_end.get(), 0600) != 0) throw_errno(errno, "mi::fifo: chmod " + o.path);
        f.write_end.reset(::open(o.path.c_str(), O_WRONLY | O_NONBLOCK | O_NOFOLLOW | O_CLOEXEC));
        struct stat wst{};
        if (!f.write_end || ::fstat(f.write_end.get(), &wst) != 0 || mi::transport::detail::id_of(wst) != f.id)
            throw_errno(f.write_end ? EEXIST : errno, "mi::fifo: opening " + o.path + " for writing");
        if (owner.any() && ::fchown(f.read_end.get(), owner.uid, owner.gid) != 0)
            throw_errno(errno, "mi::fifo: chown " + o.path);
        if (::fchmod(f.read_end.get(), mi::transport::detail::effective_mode(o.mode)) != 0)
            throw_errno(errno, "mi::fifo: chmod " + o.path);
    } catch (...) {
        if (f.read_end) mi::transport::detail::remove_if_ours(o.path, f.id);
        throw;
    }
    return f;
}

// Whether the path still names the request FIFO created as `id` (spec 6.1: it is re-created if removed or replaced).
inline bool still_ours(std::string const& path, file_id id) {
    struct stat st{};
    return ::lstat(path.c_str(), &st) == 0 && S_ISFIFO(st.st_mode) && st.st_nlink == 1 &&
           mi::transport::detail::id_of(st) == id;
}

} // namespace detail

} // namespace mi::fifo

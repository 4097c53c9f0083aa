// Copyright (c) 2026 the mi authors. Distributed under the Boost Software License, Version 1.0.
// SPDX-License-Identifier: BSL-1.0
//
// What the FIFO and UNIX datagram transports share: owner and mode of the files they
// create, removing a stale file without ever deleting something that is not ours to delete, and writing to a
// pipe whose reader may have gone without the process dying of SIGPIPE.
#pragma once

#include <mi/context.hpp>

#include <algorithm>
#include <cerrno>
#include <charconv>
#include <csignal>
#include <ctime>
#include <optional>
#include <string>
#include <string_view>
#include <system_error>
#include <utility>
#include <vector>

#include <fcntl.h>
#include <grp.h>
#include <pthread.h>
#include <pwd.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <sys/un.h>
#include <unistd.h>

namespace mi::transport {

namespace detail {

[[noreturn]] inline void throw_errno(int error, std::string const& what) {
    throw std::system_error(error, std::generic_category(), what);
}

// Who the created file should belong to; -1 leaves that id as it is.
struct owner {
    uid_t uid = static_cast<uid_t>(-1);
    gid_t gid = static_cast<gid_t>(-1);
    bool any() const noexcept { return uid != static_cast<uid_t>(-1) || gid != static_cast<gid_t>(-1); }
};

inline std::optional<unsigned long> parse_id(std::string_view text) {
    unsigned long id = 0;
    auto const [end, ec] = std::from_chars(text.data(), text.data() + text.size(), id);
    if (text.empty() || ec != std::errc{} || end != text.data() + text.size()) return std::nullopt;
    return id;
}

inline std::size_t name_buffer_size() {
    long const suggested = ::sysconf(_SC_GETPW_R_SIZE_MAX);
    return suggested > 0 ? static_cast<std::size_t>(suggested) : 16384;
}

// OpenSIPS's rule (spec 6.1 fifo_user): a user given by name also brings its primary group, unless a group is
// given too. Names that do not exist are an error at start-up rather than a file with the wrong owner.
inline owner resolve_owner(std::optional<std::string> const& user, std::optional<std::string> const& group,
                           std::string_view who) {
    owner o;
    if (user) {
        if (auto id = parse_id(*user)) o.uid = static_cast<uid_t>(*id);
        else {
            std::vector<char> buffer(name_buffer_size());
            passwd entry{};
            passwd* found = nullptr;
            int const e = ::getpwnam_r(user->c_str(), &entry, buffer.data(), buffer.size(), &found);
            if (!found) throw_errno(e ? e : ENOENT, std::string(who) + ": unknown user '" + *user + "'");
            o.uid = found->pw_uid;
            o.gid = found->pw_gid;
        }
    }
    if (group) {
        if (auto id = parse_id(*group)) o.gid = static_cast<gid_t>(*id);
        else {
            std::vector<char> buffer(name_buffer_size());
            struct group entry{};
            struct group* found = nullptr;
            int const e = ::getgrnam_r(group->c_str(), &entry, buffer.data(), buffer.size(), &found);
            if (!found) throw_errno(e ? e : ENOENT, std::string(who) + ": unknown group '" + *group + "'");
            o.gid = found->gr_gid;
        }
    }
    return o;
}

// Spec 6.1/6.2: mode 0 is refused and becomes 0600.
inline mode_t effective_mode(unsigned mode) noexcept { return mode == 0 ? 0600 : static_cast<mode_t>(mode & 0777); }

// Whether a FIFO or socket at `path` is what a process that died left behind: a FIFO nobody reads (opening it to
// write without blocking fails with ENXIO), a socket nobody is bound to (connecting is refused). 0 when stale,
// else why not: EADDRINUSE when a live process serves it, or the errno that kept us from finding out.
inline int staleness(std::string const& path, mode_t type) noexcept {
    if (S_ISFIFO(type)) {
        int const fd = ::open(path.c_str(), O_WRONLY | O_NONBLOCK | O_NOFOLLOW | O_CLOEXEC);
        if (fd >= 0) return ::close(fd), EADDRINUSE;
        return errno == ENXIO ? 0 : errno;
    }
    sockaddr_un address{};
    if (path.size() >= sizeof address.sun_path) return ENAMETOOLONG;
    address.sun_family = AF_UNIX;
    std::copy(path.begin(), path.end(), address.sun_path);
    int const fd = ::socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);
    if (fd < 0) return errno;
    int const connected = ::connect(fd, reinterpret_cast<sockaddr const*>(&address), sizeof address);
    int const error = connected == 0 ? EADDRINUSE : errno == ECONNREFUSED ? 0 : errno;
    ::close(fd);
    return error;
}

// Removes what a previous run left at `path`, but only a stale FIFO or socket: a regular file, a directory or a
// symlink there is someone else's (lstat does not follow the link), and a daemon started with a mistyped path
// must not delete it; a FIFO or socket still served is another running daemon's, which a second instance
// started by mistake must not take over.
inline void remove_stale(std::string const& path, std::string_view who) {
    struct stat st{};
    if (::lstat(path.c_str(), &st) != 0) {
        if (errno == ENOENT) return;
        throw_errno(errno, std::string(who) + ": " + path);
    }
    if (!S_ISFIFO(st.st_mode) && !S_ISSOCK(st.st_mode))
        throw_errno(EEXIST, std::string(who) + ": " + path + " exists and is not a FIFO or socket; not removing it");
    if (int const error = staleness(path, st.st_mode)) {
        throw_errno(error, std::string(who) + ": " + path +
                               (error == EADDRINUSE ? " is in use by a running process; not removing it"
                                                    : " may be in use (cannot check); not removing it"));
    }
    if (::unlink(path.c_str()) != 0 && errno != ENOENT) throw_errno(errno, std::string(who) + ": removing " + path);
}

// The identity of a file we created, so that we remove (or keep using) that file and not one put in its place.
struct file_id {
    dev_t dev = 0;
    ino_t ino = 0;
    bool operator==(file_id const&) const = default;
};

inline file_id id_of(struct stat const& st) noexcept { return {st.st_dev, st.st_ino}; }

// Unlinks `path` if it is still the file we created.
inline void remove_if_ours(std::string const& path, file_id id) noexcept {
    struct stat st{};
    if (::lstat(path.c_str(), &st) == 0 && id_of(st) == id) ::unlink(path.c_str());
}

// A file descriptor that closes itself.
class unique_fd {
public:
    unique_fd() noexcept = default;
    explicit unique_fd(int fd) noexcept : fd_(fd) {}
    unique_fd(unique_fd&& other) noexcept : fd_(std::exchange(other.fd_, -1)) {}
    unique_fd& operator=(unique_fd&& other) noexcept {
        if (this != &other) reset(std::exchange(other.fd_, -1));
        return *this;
    }
    ~unique_fd() { reset(); }

    int get() const noexcept { return fd_; }
    int release() noexcept { return std::exchange(fd_, -1); }
    explicit operator bool() const noexcept { return fd_ >= 0; }
    void reset(int fd = -1) noexcept {
        if (fd_ >= 0) ::close(fd_);
        fd_ = fd;
    }

private:
    int fd_ = -1;
};

// write(2) to a pipe whose reader may have gone: EPIPE instead of a SIGPIPE that would end the process. A
// library must not change the process's signal disposition, so SIGPIPE is blocked in this thread for the one
// call, and a SIGPIPE it raised is taken off the pending set before unblocking. A SIGPIPE can only have been
// pending before if this thread already blocked it: only then is the pending set asked.
inline ssize_t write_no_sigpipe(int fd, void const* data, std::size_t size) noexcept {
    sigset_t pipe_only, previous;
    sigemptyset(&pipe_only);
    sigaddset(&pipe_only, SIGPIPE);
    ::pthread_sigmask(SIG_BLOCK, &pipe_only, &previous);
    bool const was_blocked = sigismember(&previous, SIGPIPE) == 1;
    bool was_pending = false;
    if (was_blocked) {
        sigset_t pending;
        sigemptyset(&pending);
        ::sigpending(&pending);
        was_pending = sigismember(&pending, SIGPIPE) == 1;
    }
    ssize_t n;
    do n = ::write(fd, data, size);
    while (n < 0 && errno == EINTR);
    int const error = errno;
    if (n < 0 && error == EPIPE && !was_pending) {
        timespec const none{0, 0};
        while (::sigtimedwait(&pipe_only, nullptr, &none) < 0 && errno == EINTR) {
        }
    }
    if (!was_blocked) ::pthread_sigmask(SIG_SETMASK, &previous, nullptr);
    errno = error;
    return n;
}

} // namespace detail
} // namespace mi::transport

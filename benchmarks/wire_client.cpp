// Copyright (c) 2026 the mi authors. Distributed under the Boost Software License, Version 1.0.
// SPDX-License-Identifier: BSL-1.0
//
// mi_bench_wire_client: sequential request/reply round trips over a FIFO or a UDP/UNIX datagram socket, as
// fast as one client can go, to compare management servers over the same transport. Prints
// "<round trips per second> <p99 microseconds>". Every reply must carry a result (checked). With CLIENTS > 1,
// that many clients run at once, each COUNT round trips: the server's capacity rather than its latency.
//
//   mi_bench_wire_client fifo-opensips FIFO REPLY_DIR COUNT REQUEST [CLIENTS [spin]]  (":name:" + REQUEST: mi_fifo)
//   mi_bench_wire_client fifo-kamailio FIFO REPLY_DIR COUNT REQUEST [CLIENTS [spin]]  (REQUEST with "reply_name")
//   mi_bench_wire_client udp HOST PORT COUNT REQUEST [CLIENTS [spin]]
//   mi_bench_wire_client unix SOCKET_PATH - COUNT REQUEST [CLIENTS [spin]]
//
// The reply FIFO and the client's UNIX socket are made once and reused: what is timed is the server's
// turnaround, not the client's file system work.
// With `spin`, the client polls for each answer without sleeping: its own wake-up is then not timed.
#include <arpa/inet.h>
#include <fcntl.h>
#include <poll.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>
#include <string_view>
#include <thread>
#include <vector>

namespace {

[[noreturn]] void fail(std::string const& what) {
    std::fprintf(stderr, "mi_bench_wire_client: %s: %s\n", what.c_str(), std::strerror(errno));
    std::exit(1);
}

void check_reply(std::string_view reply) {
    if (reply.find("\"result\"") == std::string_view::npos) {
        std::fprintf(stderr, "mi_bench_wire_client: not a result: %.*s\n", static_cast<int>(reply.size()), reply.data());
        std::exit(1);
    }
}

bool spin = false; // see the usage above

bool readable(int fd, int timeout_ms) {
    pollfd p{fd, POLLIN, 0};
    if (!spin) return ::poll(&p, 1, timeout_ms) > 0;
    auto const until = std::chrono::steady_clock::now() + std::chrono::milliseconds(timeout_ms);
    do {
        if (::poll(&p, 1, 0) > 0) return true;
    } while (std::chrono::steady_clock::now() < until);
    return false;
}

// One FIFO round trip: open the reply FIFO's read end, write the request, read until the server closes.
std::string fifo_round_trip(std::string const& fifo, std::string const& reply_path, std::string const& framed) {
    int const in = ::open(reply_path.c_str(), O_RDONLY | O_NONBLOCK);
    if (in < 0) fail("open " + reply_path);
    int const out = ::open(fifo.c_str(), O_WRONLY);
    if (out < 0) fail("open " + fifo);
    if (::write(out, framed.data(), framed.size()) != static_cast<ssize_t>(framed.size())) fail("write " + fifo);
    ::close(out);
    std::string reply;
    char buffer[65536];
    for (;;) {
        if (!readable(in, 5000)) fail("no reply on " + reply_path);
        ssize_t const n = ::read(in, buffer, sizeof buffer);
        if (n > 0) reply.append(buffer, static_cast<std::size_t>(n));
        else if (n == 0 && !reply.empty()) break; // the server wrote and closed
        else if (n < 0 && errno != EAGAIN) fail("read " + reply_path);
    }
    ::close(in);
    return reply;
}

// One client: COUNT sequential round trips on its own reply FIFO or socket; the time of each in `micros`.
void run_client(std::string const& mode, std::string const& where, std::string const& arg, long count,
                std::string const& request, int index, std::vector<double>& micros) {
    auto timed = [&](auto&& round_trip) {
        for (long i = 0; i < count; ++i) {
            auto const t0 = std::chrono::steady_clock::now();
            check_reply(round_trip());
            micros.push_back(std::chrono::duration<double, std::micro>(std::chrono::steady_clock::now() - t0).count());
        }
    };
    std::string const suffix = std::to_string(::getpid()) + "_" + std::to_string(index);
    if (mode == "fifo-opensips" || mode == "fifo-kamailio") {
        std::string const name = "mi_bench_reply_" + suffix;
        std::string const reply_path = arg + "/" + name;
        ::unlink(reply_path.c_str());
        if (::mkfifo(reply_path.c_str(), 0666) != 0) fail("mkfifo " + reply_path);
        std::string framed;
        if (mode == "fifo-opensips") {
            framed = ":" + name + ":" + request;
        } else {
            auto const brace = request.rfind('}');
            framed = request.substr(0, brace) + ",\"reply_name\":\"" + name + "\"}\n";
        }
        timed([&] { return fifo_round_trip(where, reply_path, framed); });
        ::unlink(reply_path.c_str());
        return;
    }
    bool const udp = mode == "udp";
    int const fd = ::socket(udp ? AF_INET : AF_UNIX, SOCK_DGRAM, 0);
    if (fd < 0) fail("socket");
    std::string own;
    if (udp) {
        sockaddr_in to{};
        to.sin_family = AF_INET;
        to.sin_port = htons(static_cast<unsigned short>(std::atoi(arg.c_str())));
        if (::inet_pton(AF_INET, where.c_str(), &to.sin_addr) != 1) fail("address " + where);
        if (::connect(fd, reinterpret_cast<sockaddr*>(&to), sizeof to) != 0) fail("connect");
    } else {
        own = "/tmp/mi_bench_client_" + suffix + ".sock";
        ::unlink(own.c_str());
        sockaddr_un me{};
        me.sun_family = AF_UNIX;
        std::strncpy(me.sun_path, own.c_str(), sizeof me.sun_path - 1);
        if (::bind(fd, reinterpret_cast<sockaddr*>(&me), sizeof me) != 0) fail("bind " + own);
        sockaddr_un to{};
        to.sun_family = AF_UNIX;
        std::strncpy(to.sun_path, where.c_str(), sizeof to.sun_path - 1);
        if (::connect(fd, reinterpret_cast<sockaddr*>(&to), sizeof to) != 0) fail("connect " + where);
    }
    std::vector<char> buffer(65536);
    timed([&] {
        if (::send(fd, request.data(), request.size(), 0) != static_cast<ssize_t>(request.size())) fail("send");
        if (!readable(fd, 5000)) fail("no reply");
        ssize_t const n = ::recv(fd, buffer.data(), buffer.size(), 0);
        if (n <= 0) fail("recv");
        return std::string(buffer.data(), static_cast<std::size_t>(n));
    });
    ::close(fd);
    if (!own.empty()) ::unlink(own.c_str());
}

} // namespace

int main(int argc, char** argv) {
    if (argc < 6 || argc > 8 || (argc == 8 && std::string_view(argv[7]) != "spin")) {
        std::fprintf(stderr, "usage: %s fifo-opensips|fifo-kamailio|udp|unix WHERE ARG COUNT REQUEST [CLIENTS [spin]]\n", argv[0]);
        return 2;
    }
    std::string const mode = argv[1], where = argv[2], arg = argv[3], request = argv[5];
    long const count = std::atol(argv[4]);
    int const clients = argc >= 7 ? std::max(1, std::atoi(argv[6])) : 1;
    spin = argc == 8;
    std::vector<std::vector<double>> micros(static_cast<std::size_t>(clients));
    auto const start = std::chrono::steady_clock::now();
    {
        std::vector<std::jthread> threads;
        for (int i = 0; i < clients; ++i)
            threads.emplace_back([&, i] { run_client(mode, where, arg, count, request, i, micros[static_cast<std::size_t>(i)]); });
    }
    double const seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    std::vector<double> all;
    for (auto const& m : micros) all.insert(all.end(), m.begin(), m.end());
    std::sort(all.begin(), all.end());
    double const p99 = all.empty() ? 0 : all[static_cast<std::size_t>(0.99 * static_cast<double>(all.size() - 1))];
    std::printf("%.0f %.1f\n", static_cast<double>(all.size()) / seconds, p99);
    return 0;
}

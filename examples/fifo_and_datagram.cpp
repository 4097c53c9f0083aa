// Copyright (c) 2026 the mi authors. Distributed under the Boost Software License, Version 1.0.
// SPDX-License-Identifier: BSL-1.0
//
// The FIFO server and a UDP server on one io_context, sharing one dispatcher; each called once.
#include <mi/transport/client.hpp>
#include <mi/mi.hpp>
#include <mi/transport/datagram.hpp>
#include <mi/transport/fifo.hpp>
#include <mi/transport/thread.hpp>

#include <filesystem>
#include <iostream>
#include <string>

#include <unistd.h>

// A handler knows which transport brought the call only if it asks for the context.
std::string transport(mi::context const& ctx) { return std::string(ctx.transport); }

constexpr auto commands =
    mi::command_set(mi::command<"transport">("names the caller's transport", mi::recipe<&transport>));

int main() {
    // A directory of our own, so that nobody else's file can be at the FIFO's or the replies' paths.
    auto const dir = std::filesystem::temp_directory_path() / ("mi_example_" + std::to_string(::getpid()));
    std::filesystem::create_directory(dir);
    mi::fifo::options fifo_options;
    fifo_options.path = (dir / "mi_fifo").string();
    fifo_options.reply_dir = dir.string() + "/"; // clients create their reply FIFOs here: both must agree
    mi::datagram::options udp_options;
    udp_options.socket = "udp:127.0.0.1:0"; // port 0: a free one; a path instead makes a UNIX datagram socket

    mi::dispatcher const dispatcher(commands);
    {
        // One thread runs both servers: they wait in the reactor, neither needs a thread of its own.
        mi::transport::background loop;
        mi::fifo::server fifo(loop.context(), dispatcher, fifo_options);
        mi::datagram::server udp(loop.context(), dispatcher, udp_options);
        fifo.start();
        udp.start();

        auto const request = R"({"jsonrpc":"2.0","method":"transport","id":1})";
        std::cout << mi::client::fifo_call({fifo_options.path, fifo_options.reply_dir}, request) << '\n';
        std::cout << mi::client::datagram_call({"udp:" + udp.local_address()}, request) << '\n';
    } // the servers stop here, and the FIFO server removes its FIFO
    std::filesystem::remove_all(dir);
}

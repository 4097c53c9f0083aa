// Copyright (c) 2026 the mi authors. Distributed under the Boost Software License, Version 1.0.
// SPDX-License-Identifier: BSL-1.0
//
// A dispatcher behind the HTTP server (JSON-RPC on POST /mi), called once through the blocking client.
#include <mi/transport/client.hpp>
#include <mi/mi.hpp>
#include <mi/transport/http.hpp>
#include <mi/transport/thread.hpp>

#include <iostream>
#include <string>

int add(int a, int b) { return a + b; }

constexpr auto commands = mi::command_set(mi::command<"add">("adds two integers", mi::recipe<&add, "a", "b">));

int main() {
    // Declared first: the server keeps a reference to it, so it must outlive the server.
    mi::dispatcher const dispatcher(commands);

    // The client below blocks this thread, so the server's io_context needs a thread of its own. A daemon
    // with an event loop would construct the server on its own io_context instead.
    mi::transport::background loop;

    mi::http::options options;
    options.address = "127.0.0.1"; // without credentials (options.access) anyone who reaches it may run anything
    options.port = 0;              // the system chooses a free port, so that parallel runs never collide
    mi::http::server http(loop.context(), dispatcher, options);
    http.start();

    mi::client::http_options target;
    target.url = "http://127.0.0.1:" + std::to_string(http.local_endpoint().port()) + "/mi";
    std::cout << mi::client::http_call(target, R"({"jsonrpc":"2.0","method":"add","params":{"a":1,"b":2},"id":1})")
              << '\n';
    http.stop();
}

// Copyright (c) 2026 the mi authors. Distributed under the Boost Software License, Version 1.0.
// SPDX-License-Identifier: BSL-1.0
//
// An asynchronous command: the handler returns at once and another thread answers later, as a daemon does
// when the answer waits on something slow (a database, another process) that must not hold the caller.
#include <mi/mi.hpp>
#include <mi/transport/thread.hpp>

#include <boost/asio/post.hpp>

#include <future>
#include <iostream>
#include <memory>
#include <string>

namespace {

mi::transport::background worker; // where the slow work runs and the answers come from

mi::async_result<std::string> lookup(mi::async_reply reply, std::string key) {
    // dispatcher.call gives no handle: then the command must answer here and now.
    if (!reply) return "no handle: " + key;
    // The handle is copied into the job: the call stays open until it answers (or its last copy is gone,
    // which fails the call rather than leave the client waiting).
    boost::asio::post(worker.context(), [reply, key] {
        reply.provisional("looking up " + key); // FIFO and datagram clients receive these; HTTP waits
        reply.finish("value of " + key);
    });
    return mi::answer_later;
}

constexpr auto commands = mi::command_set(
    mi::command<"lookup">("looks a key up, slowly", mi::recipe<&lookup, "key">, mi::async));

} // namespace

int main() {
    mi::dispatcher const dispatcher(commands);
    // on_answer is called on the worker's thread and is copied into the call's state: share the promise.
    auto const last = std::make_shared<std::promise<std::string>>();
    auto answered = last->get_future();
    dispatcher.async_call(R"({"jsonrpc":"2.0","method":"lookup","params":["k"],"id":1})", mi::context{},
                          [last](mi::answer const& a) {
                              if (a.kind == mi::answer_kind::provisional) return;
                              last->set_value(a.kind == mi::answer_kind::failed ? "failed" : std::string(a.text));
                          });
    // async_call has returned, most likely before the answer: a transport would go on serving meanwhile.
    std::cout << answered.get() << '\n';
}

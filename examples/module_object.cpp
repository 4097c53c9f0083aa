// Copyright (c) 2026 the mi authors. Distributed under the Boost Software License, Version 1.0.
// SPDX-License-Identifier: BSL-1.0
//
// Handlers that are member functions of a module object: a module's commands reach its state without globals.
#include <mi/mi.hpp>

#include <iostream>
#include <map>
#include <string>

class counters {
public:
    long add(std::string const& name, long by) { return values_[name] += by; }

    mi::result<long> get(std::string const& name) const {
        auto const found = values_.find(name);
        if (found == values_.end()) return mi::error(404, "No such counter");
        return found->second;
    }

private:
    std::map<std::string, long> values_;
};

// The set names only member functions; which object they run on is the dispatcher's business.
constexpr auto commands = mi::command_set(
    mi::command<"counter_add">("adds to a counter", mi::recipe<&counters::add, "name", "by">),
    mi::command<"counter_get">("reads a counter", mi::recipe<&counters::get, "name">));

int main() {
    // Held by reference: the object must outlive the dispatcher. Its handlers run on whatever threads
    // dispatch; with more than one, the object must guard its own state.
    counters module;
    mi::dispatcher const dispatcher(commands, module);

    std::string response;
    for (auto const* request : {R"({"jsonrpc":"2.0","method":"counter_add","params":{"name":"calls","by":2},"id":1})",
                                R"({"jsonrpc":"2.0","method":"counter_get","params":["calls"],"id":2})",
                                R"({"jsonrpc":"2.0","method":"counter_get","params":["other"],"id":3})"})
        if (dispatcher.call(request, response)) std::cout << response << '\n';
}

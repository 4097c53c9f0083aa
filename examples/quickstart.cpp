// Copyright (c) 2026 the mi authors. Distributed under the Boost Software License, Version 1.0.
// SPDX-License-Identifier: BSL-1.0
//
// The README's quick start: two commands, a dispatcher, requests from the command line (or stdin, one per line).
#include <mi/mi.hpp>

#include <iostream>
#include <string>

int add(int a, int b) { return a + b; }

struct greeting {
    std::string name;
    std::optional<std::string> title;
};
BOOST_DESCRIBE_STRUCT(greeting, (), (name, title))

std::string greet(greeting const& g) { return "hello, " + (g.title ? *g.title + " " : "") + g.name; }

constexpr auto commands = mi::command_set(
    mi::command<"add">("adds two integers", mi::recipe<&add, "a", "b">),
    mi::command<"greet">("greets someone", mi::recipe<&greet>));

int main(int argc, char** argv) {
    mi::dispatcher dispatcher(commands);
    std::string response;
    auto answer = [&](std::string_view request) {
        if (dispatcher.call(request, response)) std::cout << response << '\n';
    };
    if (argc > 1)
        for (int i = 1; i < argc; ++i) answer(argv[i]);
    else
        for (std::string line; std::getline(std::cin, line);) answer(line);
}

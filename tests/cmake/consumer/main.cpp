// Copyright (c) 2026 the mi authors. Distributed under the Boost Software License, Version 1.0.
// SPDX-License-Identifier: BSL-1.0
//
// A project that uses mi as users do (find_package or add_subdirectory): declare, dispatch, check.
#include <mi/mi.hpp>

#include <iostream>
#include <string>

namespace {
int add(int a, int b) { return a + b; }
constexpr auto commands = mi::command_set(mi::command<"add">("adds", mi::recipe<&add, "a", "b">));
} // namespace

int main() {
    mi::dispatcher const dispatcher(commands);
    std::string response;
    dispatcher.call(R"({"jsonrpc":"2.0","method":"add","params":{"a":1,"b":2},"id":1})", response);
    std::cout << response << '\n';
    return response == R"({"jsonrpc":"2.0","result":3,"id":1})" ? 0 : 1;
}

// Copyright (c) 2026 the mi authors. Distributed under the Boost Software License, Version 1.0.
// SPDX-License-Identifier: BSL-1.0
//
// The official MCP TypeScript SDK's client over stdio, spawning `mi-cli ... mcp` as a desktop client does, against
// a running mi_daemon: the tools it lists are the daemon's, calls answer what JSON-RPC answers, errors come back
// as tool errors, and nothing but MCP messages reaches stdout (the SDK fails on any other line).
//
// usage: node mcp_stdio.mjs JSONRPC_URL MI_CLI ARG...     (the ARGs select mi-cli's transport)

import assert from "node:assert/strict";
import { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { StdioClientTransport } from "@modelcontextprotocol/sdk/client/stdio.js";

const [jsonrpcUrl, cli, ...cliArgs] = process.argv.slice(2);

async function jsonrpc(method, params) {
    const body = { jsonrpc: "2.0", id: 1, method };
    if (params !== undefined) body.params = params;
    const response = await fetch(jsonrpcUrl, { method: "POST", headers: { "Content-Type": "application/json" }, body: JSON.stringify(body) });
    return response.json();
}

const transport = new StdioClientTransport({ command: cli, args: [...cliArgs, "mcp"], stderr: "pipe" });
let stderr = "";
transport.stderr?.on("data", (d) => (stderr += d));
const client = new Client({ name: "mi-tests-stdio", version: "1.0.0" });
const stray = [];
client.onerror = (e) => stray.push(String(e)); // a line on stdout that is no MCP message lands here

try {
    await client.connect(transport);
    assert.deepEqual(client.getServerVersion(), { name: "mi_daemon", version: "0.1.0" });
    await client.ping();
    const { tools } = await client.listTools();
    const discovered = (await jsonrpc("rpc.discover")).result.methods.map((m) => m.name);
    assert.deepEqual(tools.map((t) => t.title), discovered);

    for (const [name, args] of [["pwd", {}], ["version", { revision: "yes" }], ["which", { command: "log_level" }],
                                ["cache_store", { system: "local", attr: "stdio", value: "v" }],
                                ["cache_fetch", { system: "local", attr: "stdio" }], ["async_echo", { text: "t", delay_ms: 20 }]]) {
        const result = await client.callTool({ name, arguments: args });
        assert.equal(result.isError, false, name + JSON.stringify(result));
        // Over HTTP a call waits for an asynchronous command's final answer; the FIFO and datagrams carry every
        // answer, and the first (the provisional "working") is what the bridge, like opensips-cli, returns.
        const final = cliArgs[0] === "--http" ? "t" : "working";
        const expected = name === "async_echo" ? final : (await jsonrpc(tools.find((t) => t.name === name).title, args)).result;
        assert.deepEqual(JSON.parse(result.content[0].text), expected, name);
    }
    const missing = await client.callTool({ name: "cache_fetch", arguments: { system: "nowhere", attr: "x" } });
    assert.equal(missing.isError, true);
    assert.deepEqual(JSON.parse(missing.content[0].text), (await jsonrpc("cache_fetch", { system: "nowhere", attr: "x" })).error);
    await assert.rejects(client.callTool({ name: "no_such_tool", arguments: {} }), (e) => e.code === -32602);
    assert.deepEqual(stray, []);
    await client.close();
    console.log(`ok    ${tools.length} tools over stdio through mi-cli ${cliArgs.join(" ")}`);
} catch (e) {
    console.log(`FAIL  mi-cli ${cliArgs.join(" ")} mcp\n      ${e.stack ?? e}\n      mi-cli's stderr: ${stderr}`);
    process.exit(1);
}

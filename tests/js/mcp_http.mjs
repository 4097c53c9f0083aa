// Copyright (c) 2026 the mi authors. Distributed under the Boost Software License, Version 1.0.
// SPDX-License-Identifier: BSL-1.0
//
// The official MCP TypeScript SDK's client against a running mi_daemon --mcp over Streamable HTTP: every
// revision mi serves, every tool called and checked against the daemon's JSON-RPC answer for the same call,
// refused arguments, an error result, an asynchronous command, a read-only token, a foreign Origin.
//
// usage: node mcp_http.mjs BASE_URL ADMIN_TOKEN READ_TOKEN   (BASE_URL: http://127.0.0.1:PORT)
// Exits 0 when every check passed; prints each check's name, and what failed.

import assert from "node:assert/strict";
import { check, run } from "./checks.mjs";
import { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { StreamableHTTPClientTransport } from "@modelcontextprotocol/sdk/client/streamableHttp.js";

const [base, adminToken, readToken] = process.argv.slice(2);
const mcpUrl = new URL("/mcp", base);

// The SDK's client asks for its newest revision; `wanted` makes its initialize ask for another one, the way an
// older client would, and everything after runs under what the server agreed.
function connect({ token = adminToken, wanted, headers = {} } = {}) {
    const fetchAs = async (url, init) => {
        if (wanted && init?.body && JSON.parse(init.body).method === "initialize") {
            const message = JSON.parse(init.body);
            message.params.protocolVersion = wanted;
            init = { ...init, body: JSON.stringify(message) };
        }
        return fetch(url, init);
    };
    const transport = new StreamableHTTPClientTransport(mcpUrl, {
        fetch: fetchAs,
        requestInit: { headers: { Authorization: `Bearer ${token}`, ...headers } },
    });
    const client = new Client({ name: "mi-tests", version: "1.0.0" });
    return { client, transport, ready: client.connect(transport) };
}

async function jsonrpc(method, params, token = adminToken) {
    const body = { jsonrpc: "2.0", id: 1, method };
    if (params !== undefined) body.params = params;
    const response = await fetch(new URL("/mi", base), {
        method: "POST",
        headers: { "Content-Type": "application/json", Authorization: `Bearer ${token}` },
        body: JSON.stringify(body),
    });
    return response.json();
}

// Valid arguments for every command of mi_daemon, in an order that leaves the daemon as it was: a command left
// out here fails the test, so a new command of mi_daemon gets its call.
const calls = [
    ["uptime", {}], ["version", {}], ["version", { revision: "yes" }], ["pwd", {}], ["arg", {}], ["ps", {}],
    ["log_level", {}], ["log_level", { level: 3 }], ["xlog_level", {}], ["xlog_level", { level: 2 }],
    ["get_statistics", { statistics: ["cache:"] }], ["list_statistics", {}], ["list_statistics", { statistics: ["cache:"] }],
    ["reset_statistics", { statistics: ["cache:entries"] }], ["cache_store", { system: "local", attr: "k", value: "v" }],
    ["cache_store", { system: "local", attr: "e", value: "w", expire: 60 }], ["cache_fetch", { system: "local", attr: "k" }],
    ["cache_remove", { system: "local", attr: "e" }], ["async_echo", { text: "later", delay_ms: 50 }], ["sleep", { ms: 5 }],
    ["which", {}], ["which", { command: "log_level" }], ["help", {}], ["help", { mi_cmd: "ps" }], ["rpc-discover", {}],
    ["events_list", {}], ["event_subscribe", { event: "E_CORE_LOG_LEVEL", socket: "udp:127.0.0.1:9" }],
    ["subscribers_list", {}], ["subscribers_list", { event: "E_CORE_LOG_LEVEL" }],
    ["raise_event", { event: "E_CORE_LOG_LEVEL", params: ["from MCP"] }],
    ["event_subscribe", { event: "E_CORE_LOG_LEVEL", socket: "udp:127.0.0.1:9", expire: 0 }],
    ["reset_all_statistics", {}],
];
// Their answers change from one call to the next: compared by shape.
const moving = new Set(["uptime", "ps", "get_statistics", "list_statistics", "subscribers_list"]);

function shape(v) {
    if (Array.isArray(v)) return v.length ? [shape(v[0])] : [];
    if (v && typeof v === "object") return Object.fromEntries(Object.keys(v).map((k) => [k, shape(v[k])]));
    return typeof v;
}


check("each revision is negotiated, and its header sent after", async () => {
    for (const wanted of ["2025-11-25", "2025-06-18", "2025-03-26"]) {
        const { client, transport, ready } = connect({ wanted });
        await ready;
        assert.equal(transport.protocolVersion, wanted);
        assert.match(transport.sessionId, /^[0-9a-f]{32}$/);
        assert.deepEqual(client.getServerVersion(), { name: "mi_daemon", version: "0.1.0" });
        assert.deepEqual(client.getServerCapabilities(), { tools: { listChanged: false } });
        await client.ping();
        const { tools } = await client.listTools();
        const counters = tools.find((t) => t.name === "get_statistics");
        assert.ok(counters);
        await transport.terminateSession();
        await client.close();
    }
});

check("every tool is called and answers what JSON-RPC answers", async () => {
    const { client, ready } = connect();
    await ready;
    const { tools } = await client.listTools();
    const names = tools.map((t) => t.name);
    const called = new Set(calls.map(([n]) => n).concat(["kill"]));
    assert.deepEqual(names.filter((n) => !called.has(n)), [], "tools without a call in this test");
    for (const [name, args] of calls) {
        const result = await client.callTool({ name, arguments: args });
        assert.equal(result.isError, false, `${name}: ${JSON.stringify(result)}`);
        assert.equal(result.content.length, 1);
        assert.equal(result.content[0].type, "text");
        const viaMcp = JSON.parse(result.content[0].text);
        const method = tools.find((t) => t.name === name).title;
        const viaJsonRpc = (await jsonrpc(method, args)).result;
        if (moving.has(name)) assert.deepEqual(shape(viaMcp), shape(viaJsonRpc), name);
        else if (name !== "async_echo") assert.deepEqual(viaMcp, viaJsonRpc, name);
        else assert.equal(viaMcp, "later"); // the final answer, not the provisional "working"
        const tool = tools.find((t) => t.name === name);
        if (tool.outputSchema) assert.deepEqual(result.structuredContent, viaMcp, name);
    }
    await client.close();
});

check("arguments the command refuses are the tool's error under 2025-11-25", async () => {
    const { client, ready } = connect();
    await ready;
    const result = await client.callTool({ name: "log_level", arguments: { level: "loud" } });
    assert.equal(result.isError, true);
    assert.equal(JSON.parse(result.content[0].text).code, -32602);
    await client.close();
});

check("arguments the command refuses are a protocol error under 2025-06-18", async () => {
    const { client, ready } = connect({ wanted: "2025-06-18" });
    await ready;
    await assert.rejects(client.callTool({ name: "log_level", arguments: { level: 1, pid: 2, extra: 3 } }),
                         (e) => e.code === -32602);
    await assert.rejects(client.callTool({ name: "no_such_tool", arguments: {} }), (e) => e.code === -32602);
    await client.close();
});

check("a command's error is a result with isError, its code, message and data", async () => {
    const { client, ready } = connect();
    await ready;
    const result = await client.callTool({ name: "cache_fetch", arguments: { system: "nowhere", attr: "k" } });
    assert.equal(result.isError, true);
    const error = JSON.parse(result.content[0].text);
    assert.deepEqual(error, (await jsonrpc("cache_fetch", { system: "nowhere", attr: "k" })).error);
    await client.close();
});

check("a read-only token lists and calls only read tools", async () => {
    const { client, ready } = connect({ token: readToken });
    await ready;
    const { tools } = await client.listTools();
    const names = tools.map((t) => t.name);
    for (const hidden of ["kill", "cache_store", "cache_remove", "reset_statistics", "sleep"]) assert.ok(!names.includes(hidden), hidden);
    assert.ok(tools.every((t) => t.annotations.readOnlyHint === true));
    const logLevel = tools.find((t) => t.name === "log_level");
    assert.deepEqual(logLevel.inputSchema, { type: "object", properties: {}, additionalProperties: false });
    assert.equal((await client.callTool({ name: "uptime", arguments: {} })).isError, false);
    const refused = await client.callTool({ name: "log_level", arguments: { level: 1 } });
    assert.equal(refused.isError, true);
    assert.equal(JSON.parse(refused.content[0].text).code, -32003);
    await assert.rejects(client.callTool({ name: "kill", arguments: {} }), (e) => e.code === -32602);
    await client.close();
});

check("a request from a foreign Origin is refused 403", async () => {
    const response = await fetch(mcpUrl, {
        method: "POST",
        headers: { "Content-Type": "application/json", Accept: "application/json, text/event-stream",
                   Origin: "http://attacker.example", Authorization: `Bearer ${adminToken}` },
        body: JSON.stringify({ jsonrpc: "2.0", id: 1, method: "initialize",
                               params: { protocolVersion: "2025-11-25", capabilities: {}, clientInfo: { name: "x", version: "1" } } }),
    });
    assert.equal(response.status, 403);
    const { ready } = connect({ headers: { Origin: "http://attacker.example" } });
    await assert.rejects(ready);
});

check("kill, the last tool, stops the daemon", async () => {
    const { client, ready } = connect();
    await ready;
    const result = await client.callTool({ name: "kill", arguments: {} });
    assert.equal(result.isError, false);
});

await run();

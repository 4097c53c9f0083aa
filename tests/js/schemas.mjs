// Copyright (c) 2026 the mi authors. Distributed under the Boost Software License, Version 1.0.
// SPDX-License-Identifier: BSL-1.0
//
// What generic JSON-RPC and MCP tooling reads of a running mi_daemon, checked with ajv: the OpenRPC document
// against the OpenRPC meta-schema; every real `which` answer against which's result schema; integer limits
// that survive JavaScript's doubles; and every MCP tool's inputSchema against the dispatcher itself: each
// parameter set a recipe takes validates and is not refused by the daemon, each set the daemon refuses (an
// unknown name, a required one missing, a wrong type) does not validate.
//
// usage: node schemas.mjs BASE_URL ADMIN_TOKEN     Exits 0 when every check passed.

import assert from "node:assert/strict";
import { check, run } from "./checks.mjs";
import Ajv from "ajv";
import Ajv2020 from "ajv/dist/2020.js";
import toolsMeta from "@json-schema-tools/meta-schema";
import openrpcMeta from "@open-rpc/meta-schema";
import { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { StreamableHTTPClientTransport } from "@modelcontextprotocol/sdk/client/streamableHttp.js";

const [base, token] = process.argv.slice(2);
const headers = { "Content-Type": "application/json", Authorization: `Bearer ${token}` };

async function jsonrpc(method, params) {
    const body = { jsonrpc: "2.0", id: 1, method };
    if (params !== undefined) body.params = params;
    const response = await fetch(new URL("/mi", base), { method: "POST", headers, body: JSON.stringify(body) });
    const text = await response.text();
    // 500: an asynchronous command ran and did not answer within the daemon's async timeout
    if (response.status === 500) return { status: 500 };
    if (response.status !== 200) throw new Error(`${method} ${JSON.stringify(params)}: HTTP ${response.status} ${text}`);
    return JSON.parse(text);
}

const discovered = await jsonrpc("rpc.discover");
const doc = discovered.result;
const schemas = new Ajv2020({ strict: false, allErrors: true });


check("the OpenRPC document validates against the OpenRPC meta-schema", () => {
    // formats (uri, regex) are not what is checked here; without a format library ajv would warn of each
    const ajv = new Ajv({ strict: false, allErrors: true, validateSchema: false, validateFormats: false });
    ajv.addSchema(toolsMeta.default ?? toolsMeta, "https://meta.json-schema.tools");
    const validate = ajv.compile(openrpcMeta.openrpcDocument);
    assert.ok(validate(doc), JSON.stringify(validate.errors, null, 1));
});

check("every real which answer validates against which's result schema", async () => {
    const which = doc.methods.find((m) => m.name === "which");
    const validate = schemas.compile(which.result.schema);
    const answers = [(await jsonrpc("which")).result];
    for (const m of doc.methods) answers.push((await jsonrpc("which", { command: m.name })).result);
    for (const answer of answers) assert.ok(validate(answer), JSON.stringify([answer, validate.errors]));
    assert.ok(!validate({ not: "an answer" }));
    assert.ok(!validate([1, 2]));
});

check("every result schema accepts the command's real answer", async () => {
    for (const [method, params] of [["uptime"], ["version"], ["ps"], ["log_level"], ["get_statistics", { statistics: ["all"] }],
                                    ["list_statistics"], ["help", { mi_cmd: "ps" }], ["rpc.discover"]]) {
        const m = doc.methods.find((x) => x.name === method);
        const validate = schemas.compile(m.result.schema);
        const answer = (await jsonrpc(method, params)).result;
        assert.ok(validate(answer), method + ": " + JSON.stringify([answer, validate.errors]));
    }
});

check("integer limits survive a double", () => {
    const limits = [];
    const walk = (v) => {
        if (Array.isArray(v)) return v.forEach(walk);
        if (!v || typeof v !== "object") return;
        if (v.type === "integer") limits.push(v);
        Object.values(v).forEach(walk);
    };
    walk(doc);
    assert.ok(limits.some((s) => s.exclusiveMaximum !== undefined), "a 64-bit integer among the schemas");
    for (const s of limits) {
        if (s.maximum !== undefined) assert.ok(Number.isSafeInteger(s.maximum), JSON.stringify(s));
        if (s.exclusiveMaximum !== undefined) assert.ok([2 ** 63, 2 ** 64].includes(s.exclusiveMaximum), JSON.stringify(s));
        assert.ok(Number.isSafeInteger(s.minimum) || s.minimum === -(2 ** 63), JSON.stringify(s));
    }
});

// Values a command takes beyond their type: a thread id must be one of the daemon's (log_level answers "Bad PID",
// -32602 as OpenSIPS does, for any other).
const known = { pid: (await jsonrpc("ps")).result.Processes[0].PID };

// A value of the schema's type, and one of no type the schema (or the binding) takes.
function sample(schema, name) {
    if (name in known) return known[name];
    switch (schema.type) {
    case "integer": return Math.max(schema.minimum ?? 0, Math.min(1, schema.maximum ?? 1));
    case "number": return 1.5;
    case "boolean": return true;
    case "string": return schema.enum ? schema.enum[0] : "x";
    case "array": return [sample(schema.items ?? {}, "")];
    case "object": return {};
    default: return "x";
    }
}
const typed = (schema) => ["integer", "number", "boolean", "string", "array"].includes(schema.type);

check("every tool's inputSchema takes exactly what the dispatcher takes", async () => {
    const transport = new StreamableHTTPClientTransport(new URL("/mcp", base), { requestInit: { headers: { Authorization: `Bearer ${token}` } } });
    const client = new Client({ name: "mi-schemas", version: "1.0.0" });
    await client.connect(transport);
    const { tools } = await client.listTools();
    let sets = 0;
    for (const method of doc.methods) {
        const tool = tools.find((t) => t.title === method.name);
        assert.ok(tool, method.name);
        const validate = schemas.compile(tool.inputSchema);
        const callable = method.name !== "kill"; // validated, but not run: it would stop the daemon
        const refused = async (params) => (await jsonrpc(method.name, params)).error?.code === -32602;
        for (const recipe of method["x-recipe-params"]) {
            const properties = recipe.properties ?? {};
            const required = recipe.required ?? [];
            const valid = Object.fromEntries(required.map((p) => [p, sample(properties[p], p)]));
            const full = Object.fromEntries(Object.keys(properties).map((p) => [p, sample(properties[p], p)]));
            for (const params of [valid, full]) {
                sets += 1;
                assert.ok(validate(params), `${method.name} ${JSON.stringify(params)}: ${JSON.stringify(validate.errors)}`);
                if (callable) assert.ok(!(await refused(params)), `${method.name} refuses ${JSON.stringify(params)}`);
            }
            const wrong = [{ ...full, no_such_parameter: 1 }];
            for (const p of required) {
                const { [p]: _, ...missing } = valid;
                // a set another recipe takes is no wrong set
                if (!method["x-recipe-params"].some((r) => schemas.validate(r, missing))) wrong.push(missing);
                if (typed(properties[p])) wrong.push({ ...valid, [p]: { not: "this type" } });
            }
            for (const params of wrong) {
                sets += 1;
                assert.ok(!validate(params), `${method.name} validates ${JSON.stringify(params)}`);
                if (callable) assert.ok(await refused(params), `${method.name} does not refuse ${JSON.stringify(params)}`);
            }
        }
    }
    assert.ok(sets > 100, `only ${sets} parameter sets`);
    await client.close();
});

await run();

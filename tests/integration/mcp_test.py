#!/usr/bin/env python3
# Copyright (c) 2026 the mi authors. Distributed under the Boost Software License, Version 1.0.
# SPDX-License-Identifier: BSL-1.0
"""MCP end to end: mi_daemon --mcp with an admin and a read-only bearer token, driven by the official MCP
TypeScript SDK's client (tests/js/mcp_http.mjs: every revision, every tool against its JSON-RPC answer, errors,
an asynchronous command, the read-only token, a foreign Origin, then kill); the daemon must have stopped by
itself at the end. The schemas with ajv (tests/js/schemas.mjs): OpenRPC meta-schema, which's answers, limits,
and every tool's inputSchema against what the dispatcher takes. The stdio bridge: `mi-cli mcp` spawned by the
SDK's stdio client over FIFO, HTTP, UDP and UNIX (tests/js/mcp_stdio.mjs). The MCP Inspector's command-line
mode lists and calls tools over HTTP and through mi-cli mcp. Also the Streamable HTTP rules a client library hides: GET 405 with Allow, DELETE of a
session, the session required, and CORS, which is off without --allow-origin.

usage: mcp_test.py PATH/TO/mi_daemon PATH/TO/mi-cli PATH/TO/tests/js"""

import json
import os
import shutil
import subprocess
import sys
import tempfile
import unittest
import urllib.error
import urllib.request

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import daemon_test  # noqa: E402  (the Daemon launcher shared by the integration tests)

ADMIN = "admin-secret"
READER = "reader-secret"
ALLOWED = "http://console.example"
JS = None


def node():
    return shutil.which("node") or "/usr/bin/node"


class McpTest(unittest.TestCase):
    def setUp(self):
        self.tmp = tempfile.TemporaryDirectory(prefix="mi_mcp_test_")
        self.d = daemon_test.Daemon(self.tmp.name, extra=["--mcp", "--http-token", ADMIN + ":admin",
                                                          "--http-token", READER + ":read",
                                                          "--allow-origin", ALLOWED])
        self.base = f"http://127.0.0.1:{self.d.http_port}"

    def tearDown(self):
        self.d.stop()
        self.tmp.cleanup()

    def request(self, method, path="/mcp", body=None, headers=None, token=ADMIN):
        all_headers = {**({"Authorization": "Bearer " + token} if token else {}), **(headers or {})}
        if body is not None:
            all_headers.setdefault("Content-Type", "application/json")
            all_headers.setdefault("Accept", "application/json, text/event-stream")
        data = json.dumps(body).encode() if body is not None else None
        req = urllib.request.Request(self.base + path, data=data, method=method, headers=all_headers)
        try:
            with urllib.request.urlopen(req, timeout=10) as response:
                return response.status, dict(response.headers), response.read().decode()
        except urllib.error.HTTPError as e:
            return e.code, dict(e.headers), e.read().decode()

    def initialize(self, token=ADMIN):
        status, headers, body = self.request("POST", body={
            "jsonrpc": "2.0", "id": 1, "method": "initialize",
            "params": {"protocolVersion": "2025-11-25", "capabilities": {}, "clientInfo": {"name": "t", "version": "1"}}},
            token=token)
        self.assertEqual(status, 200, body)
        return headers["Mcp-Session-Id"]

    def test_the_sdk_client_over_streamable_http(self):
        run = subprocess.run([node(), os.path.join(JS, "mcp_http.mjs"), self.base, ADMIN, READER],
                             capture_output=True, text=True, timeout=120, cwd=JS)
        self.assertEqual(run.returncode, 0, run.stdout + run.stderr)
        self.assertNotIn("FAIL", run.stdout)
        self.d.process.wait(timeout=10)  # the last tool called was kill
        self.assertEqual(self.d.process.returncode, 0)

    def test_schemas_with_ajv(self):
        run = subprocess.run([node(), os.path.join(JS, "schemas.mjs"), self.base, ADMIN],
                             capture_output=True, text=True, timeout=180, cwd=JS)
        self.assertEqual(run.returncode, 0, run.stdout + run.stderr)

    def inspector(self, *args):
        """The MCP Inspector's command-line mode: its JSON output."""
        run = subprocess.run([node(), os.path.join(JS, "node_modules", ".bin", "mcp-inspector"), "--cli", *args],
                             capture_output=True, text=True, timeout=120, cwd=JS)
        self.assertEqual(run.returncode, 0, run.stdout + run.stderr)
        return json.loads(run.stdout)

    def test_the_mcp_inspector_lists_and_calls(self):
        over_http = [f"{self.base}/mcp", "--transport", "http", "--header", "Authorization: Bearer " + ADMIN]
        tools = self.inspector(*over_http, "--method", "tools/list")["tools"]
        self.assertIn("log_level", [t["name"] for t in tools])
        called = self.inspector(*over_http, "--method", "tools/call", "--tool-name", "log_level", "--tool-arg", "level=2")
        self.assertEqual(called["isError"], False)
        self.assertEqual(called["structuredContent"], {"New global log level": 2})
        over_stdio = [daemon_test.CLI, "--fifo", self.d.fifo, "--reply-dir", self.d.dir + "/", "mcp"]
        called = self.inspector(*over_stdio, "--method", "tools/call", "--tool-name", "pwd")
        self.assertEqual(json.loads(called["content"][0]["text"]), {"WD": os.getcwd()})

    def test_streamable_http_rules(self):
        status, headers, _ = self.request("GET")
        self.assertEqual((status, headers.get("Allow")), (405, "POST, DELETE"))
        status, _, body = self.request("POST", body={"jsonrpc": "2.0", "id": 2, "method": "tools/list"})
        self.assertEqual(status, 400, body)  # no session
        session = self.initialize()
        listed = {"Mcp-Session-Id": session, "MCP-Protocol-Version": "2025-11-25"}
        status, _, body = self.request("POST", body={"jsonrpc": "2.0", "id": 2, "method": "tools/list"}, headers=listed)
        self.assertEqual(status, 200, body)
        self.assertIn("uptime", [t["name"] for t in json.loads(body)["result"]["tools"]])
        status, _, _ = self.request("POST", body={"jsonrpc": "2.0", "method": "notifications/initialized"},
                                    headers=listed)
        self.assertEqual(status, 202)
        self.assertEqual(self.request("DELETE", headers={"Mcp-Session-Id": session})[0], 204)
        status, _, _ = self.request("POST", body={"jsonrpc": "2.0", "id": 3, "method": "ping"}, headers=listed)
        self.assertEqual(status, 404)
        # credentials are checked before anything else
        self.assertEqual(self.request("GET", token="wrong")[0], 401)

    def test_cors_follows_the_allowed_origins(self):
        preflight = {"Origin": ALLOWED, "Access-Control-Request-Method": "POST",
                     "Access-Control-Request-Headers": "content-type, authorization, mcp-session-id"}
        status, headers, _ = self.request("OPTIONS", headers=preflight, token="")
        self.assertEqual(status, 204)
        self.assertEqual(headers.get("Access-Control-Allow-Origin"), ALLOWED)
        self.assertEqual(headers.get("Access-Control-Allow-Methods"), "GET, POST, DELETE")
        self.assertIn("Mcp-Session-Id", headers.get("Access-Control-Allow-Headers"))
        status, headers, _ = self.request("OPTIONS", path="/mi", headers=preflight, token="")
        self.assertEqual((status, headers.get("Access-Control-Allow-Methods")), (204, "GET, POST"))
        status, headers, _ = self.request("OPTIONS", headers={**preflight, "Origin": "http://other.example"}, token="")
        self.assertEqual(status, 403)
        self.assertNotIn("Access-Control-Allow-Origin", headers)
        status, headers, _ = self.request("POST", path="/mi", body={"jsonrpc": "2.0", "id": 1, "method": "pwd"},
                                          headers={"Origin": ALLOWED})
        self.assertEqual((status, headers.get("Access-Control-Allow-Origin")), (200, ALLOWED))
        session_headers = self.request("POST", body={
            "jsonrpc": "2.0", "id": 1, "method": "initialize",
            "params": {"protocolVersion": "2025-11-25", "capabilities": {}, "clientInfo": {"name": "t", "version": "1"}}},
            headers={"Origin": ALLOWED})[1]
        self.assertEqual(session_headers.get("Access-Control-Expose-Headers"), "Mcp-Session-Id")
        status, _, _ = self.request("POST", body={"jsonrpc": "2.0", "id": 1, "method": "ping"},
                                    headers={"Origin": "http://other.example"})
        self.assertEqual(status, 403)


class StdioBridgeTest(unittest.TestCase):
    """`mi-cli mcp` spawned by the SDK's stdio client, against the daemon over each of mi-cli's transports."""

    def test_the_sdk_client_over_stdio(self):
        with tempfile.TemporaryDirectory(prefix="mi_mcp_test_") as tmp:
            d = daemon_test.Daemon(tmp)
            try:
                jsonrpc = f"http://127.0.0.1:{d.http_port}/mi"
                for transport in (["--fifo", d.fifo, "--reply-dir", tmp + "/"], ["--http", jsonrpc],
                                  ["--udp", f"127.0.0.1:{d.udp_port}"], ["--unix", d.unix]):
                    with self.subTest(transport=transport[0]):
                        run = subprocess.run([node(), os.path.join(JS, "mcp_stdio.mjs"), jsonrpc, daemon_test.CLI,
                                              *transport], capture_output=True, text=True, timeout=120, cwd=JS)
                        self.assertEqual(run.returncode, 0, run.stdout + run.stderr)
            finally:
                d.stop()

    def test_a_daemon_that_is_not_there(self):
        run = subprocess.run([daemon_test.CLI, "--unix", "/nonexistent/mi.sock", "mcp"], input="", capture_output=True,
                             text=True, timeout=20)
        self.assertEqual(run.returncode, 255)
        self.assertEqual(run.stdout, "")  # stdout is the MCP client's: nothing but messages
        self.assertIn("cannot discover", run.stderr)


class WithoutCorsTest(unittest.TestCase):
    def test_a_preflight_is_httpds_406_and_no_origin_may_reach_mcp(self):
        with tempfile.TemporaryDirectory(prefix="mi_mcp_test_") as tmp:
            d = daemon_test.Daemon(tmp, extra=["--mcp"])
            try:
                status, _, _ = d.curl(method="OPTIONS", content_type=None, path="/mcp",
                                      extra=["-H", "Origin: http://console.example",
                                             "-H", "Access-Control-Request-Method: POST"])
                self.assertEqual(status, 406)
                status, _, _ = d.curl(json.dumps({"jsonrpc": "2.0", "id": 1, "method": "ping"}), path="/mcp",
                                      extra=["-H", "Origin: http://localhost"])
                self.assertEqual(status, 403)
            finally:
                d.stop()


if __name__ == "__main__":
    if len(sys.argv) < 4:
        sys.exit(__doc__)
    daemon_test.DAEMON = sys.argv.pop(1)
    daemon_test.CLI = sys.argv.pop(1)
    JS = os.path.abspath(sys.argv.pop(1))
    unittest.main(verbosity=2)

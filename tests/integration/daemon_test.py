#!/usr/bin/env python3
# Copyright (c) 2026 the mi authors. Distributed under the Boost Software License, Version 1.0.
# SPDX-License-Identifier: BSL-1.0
"""Integration test of mi_daemon with real clients: curl for HTTP, python3's standard library for FIFO, UDP
and UNIX datagrams, sending the exact bytes opensips-cli / python-opensips send (spec 7.1-7.4). The daemon
runs on 127.0.0.1 and files in a fresh temp dir, and is stopped by its pid.

usage: daemon_test.py PATH/TO/mi_daemon PATH/TO/mi-cli"""

import json
import os
import random
import select
import signal
import socket
import stat
import subprocess
import sys
import tempfile
import threading
import time
import unittest

DAEMON = None
CLI = None


def free_port(kind=socket.SOCK_STREAM):
    with socket.socket(socket.AF_INET, kind) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def read_until_hangup(reader, deadline):
    """Reads a reply FIFO opened non-blocking until the daemon closes it (one whole answer); TimeoutError if
    that has not happened by `deadline`."""
    poller = select.poll()
    poller.register(reader, select.POLLIN)
    data = b""
    while True:
        left = deadline - time.monotonic()
        events = poller.poll(max(1, int(left * 1000))) if left > 0 else []
        if not events:
            raise TimeoutError("no reply in time")
        try:
            chunk = os.read(reader, 65536)
        except BlockingIOError:  # poll(2) may report a pipe ready that is not: poll again
            continue
        if chunk:
            data += chunk
        elif events[0][1] & select.POLLHUP:  # the daemon closed it: the answer is whole
            return data.decode()


def opensips_request(method, params=None, rid=None):
    """The request python-opensips builds: json.dumps defaults, member order fixed, params {} when empty."""
    return json.dumps({"jsonrpc": "2.0", "id": str(random.randint(0, 32767)) if rid is None else rid,
                       "method": method, "params": params or {}})


class Daemon:
    def __init__(self, workdir, extra=()):
        self.dir = workdir
        self.http_port = free_port()
        self.udp_port = free_port(socket.SOCK_DGRAM)
        self.fifo = os.path.join(workdir, "opensips_fifo")
        self.unix = os.path.join(workdir, "opensips.sock")
        self.log = open(os.path.join(workdir, "daemon.log"), "w+")
        self.process = subprocess.Popen(
            [DAEMON, "--http", f"127.0.0.1:{self.http_port}", "--fifo", self.fifo, "--reply-dir", workdir + "/",
             "--udp", f"127.0.0.1:{self.udp_port}", "--unix", self.unix, "--threads", "2",
             "--async-timeout", "1000", *extra],
            stdout=self.log, stderr=subprocess.STDOUT)
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError("mi_daemon exited: " + self.output())
            if os.path.exists(self.fifo) and os.path.exists(self.unix) and self._http_up():
                return
            time.sleep(0.05)
        raise RuntimeError("mi_daemon did not come up: " + self.output())

    def _http_up(self):
        try:
            with socket.create_connection(("127.0.0.1", self.http_port), timeout=0.2):
                return True
        except OSError:
            return False

    def output(self):
        if self.log.closed:
            return self.final_output
        self.log.flush()
        self.log.seek(0)
        return self.log.read()

    def terminate(self):
        """SIGTERM, then SIGKILL if it has not exited within 10 s; its output is kept. Safe to call again."""
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        if not self.log.closed:
            self.final_output = self.output()
            self.log.close()

    def stop(self):
        """SIGTERM, as an operator would; the daemon must exit 0 (a sanitizer report would make it fail)."""
        self.terminate()
        if self.process.returncode != 0:
            raise AssertionError("mi_daemon exited with %s:\n%s" % (self.process.returncode, self.final_output[-4000:]))

    # --- the clients ---------------------------------------------------------------------------------------

    def curl(self, body=None, method="POST", content_type="application/json", path="/mi", extra=()):
        """Status, content type and body of one curl call."""
        command = ["curl", "-s", "-o", "-", "-w", "\n%{http_code} %{content_type}", "-X", method,
                   f"http://127.0.0.1:{self.http_port}{path}", "--max-time", "10", *extra]
        if content_type:
            command += ["-H", f"Content-Type: {content_type}"]
        if body is not None:
            command += ["--data-binary", body]
        out = subprocess.run(command, capture_output=True, text=True, check=True).stdout
        body_text, _, status_line = out.rpartition("\n")
        status, _, ctype = status_line.partition(" ")
        return int(status), ctype, body_text

    def fifo_call(self, payload, reply_name=None, timeout=5.0, answers=1):
        """python-opensips' FIFO client (spec 7.2): mkfifo the reply FIFO, write `:name:json`, read the reply."""
        name = reply_name or "opensips_fifo_reply_%d_%s" % (os.getpid(), str(time.time()).replace(".", "_"))
        reply_path = os.path.join(self.dir, name)
        if os.path.exists(reply_path):
            os.unlink(reply_path)
        os.mkfifo(reply_path)
        os.chmod(reply_path, 0o666)
        try:
            fd = os.open(self.fifo, os.O_WRONLY)
            os.write(fd, (":" + name + ":" + payload).encode())
            os.close(fd)
            return [self._read_reply(reply_path, timeout) for _ in range(answers)]
        finally:
            os.unlink(reply_path)

    @staticmethod
    def _read_reply(path, timeout):
        """Opens the reply FIFO for reading as python-opensips does (blocking until the server opens it) and
        reads to EOF, in a thread so that a missing reply fails the test instead of hanging it."""
        box = {}

        def read():
            with open(path, "rb") as f:
                box["data"] = f.read()

        reader = threading.Thread(target=read, daemon=True)
        reader.start()
        reader.join(timeout)
        if reader.is_alive():
            os.close(os.open(path, os.O_WRONLY | os.O_NONBLOCK))  # releases the reader
            reader.join()
            raise TimeoutError("no reply on " + path)
        return box["data"].decode()

    def fifo_call_ready(self, payload, name, timeout=10.0):
        """A FIFO client that opens its reply FIFO before writing the request (as mi::client does), so that
        the daemon finds a reader at once instead of retrying its open 80 ms later."""
        reply_path = os.path.join(self.dir, name)
        os.mkfifo(reply_path, 0o666)
        try:
            reader = os.open(reply_path, os.O_RDONLY | os.O_NONBLOCK)
            try:
                fd = os.open(self.fifo, os.O_WRONLY)
                os.write(fd, (":" + name + ":" + payload).encode())
                os.close(fd)
                return read_until_hangup(reader, time.monotonic() + timeout)
            finally:
                os.close(reader)
        finally:
            os.unlink(reply_path)

    def udp_call(self, payload, timeout=2.0, answers=1):
        with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as s:
            s.settimeout(timeout)
            s.sendto(payload.encode() if isinstance(payload, str) else payload, ("127.0.0.1", self.udp_port))
            return [s.recvfrom(65535)[0].decode() for _ in range(answers)]

    def unix_call(self, payload, timeout=2.0, answers=1):
        reply = os.path.join(self.dir, "opensips_mi_reply_%08x" % random.getrandbits(32))
        with socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM) as s:
            s.bind(reply)
            try:
                s.settimeout(timeout)
                s.sendto(payload.encode(), self.unix)
                return [s.recvfrom(65535)[0].decode() for _ in range(answers)]
            finally:
                os.unlink(reply)


def self_signed_certificate(workdir):
    """A certificate for 127.0.0.1 and its key, made by the openssl tool in `workdir`: their paths."""
    cert, key = os.path.join(workdir, "cert.pem"), os.path.join(workdir, "key.pem")
    subprocess.run(["openssl", "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1",
                    "-nodes", "-days", "1", "-subj", "/CN=127.0.0.1", "-addext", "subjectAltName=IP:127.0.0.1",
                    "-keyout", key, "-out", cert], check=True, capture_output=True)
    return cert, key


def main_with_daemon_and_cli(usage):
    """The main of a test module whose arguments are PATH/TO/mi_daemon PATH/TO/mi-cli: sets them here, runs it."""
    global DAEMON, CLI
    if len(sys.argv) < 3:
        sys.exit(usage)
    DAEMON = sys.argv.pop(1)
    CLI = sys.argv.pop(1)
    unittest.main(module="__main__", verbosity=2)


def result_of(text):
    reply = json.loads(text)
    assert "result" in reply, text
    return reply["result"]


class DaemonTest(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.tmp = tempfile.TemporaryDirectory(prefix="mi_daemon_test_")
        cls.d = Daemon(cls.tmp.name)

    @classmethod
    def tearDownClass(cls):
        cls.d.stop()
        leftovers = [f for f in os.listdir(cls.tmp.name) if f not in ("daemon.log",)]
        cls.tmp.cleanup()
        assert not leftovers, "files left after stop: %s" % leftovers

    # --- HTTP (spec 6.3) ---------------------------------------------------------------------------------------

    def test_http_answers_200_with_json(self):
        status, ctype, body = self.d.curl(opensips_request("uptime", rid="7"))
        self.assertEqual(status, 200)
        self.assertTrue(ctype.startswith("application/json"), ctype)
        self.assertEqual(json.loads(body)["id"], "7")
        self.assertIn("Up time", result_of(body))

    def test_http_errors_are_200_too(self):
        for request, code in ((opensips_request("no_such"), -32601), ("not json", -32700),
                              ('{"jsonrpc":"2.0","id":1}', -32600),
                              (opensips_request("log_level", [1, 2, 3]), -32602)):
            status, _, body = self.d.curl(request)
            self.assertEqual(status, 200, request)
            self.assertEqual(json.loads(body)["error"]["code"], code, request)

    def test_http_notification_is_202(self):
        status, _, body = self.d.curl('{"jsonrpc":"2.0","method":"uptime"}')
        self.assertEqual((status, body), (202, ""))

    def test_http_status_codes(self):
        self.assertEqual(self.d.curl("", method="POST")[0], 400)                # empty body
        self.assertEqual(self.d.curl(None, method="GET", content_type=None)[0], 405)
        status, ctype, body = self.d.curl(None, method="PUT", content_type=None)
        self.assertEqual(status, 406)
        self.assertIn("text/html", ctype)
        self.assertEqual(self.d.curl(opensips_request("uptime"), path="/elsewhere")[0], 400)
        self.assertEqual(self.d.curl(opensips_request("uptime"), content_type="application/x-www-form-urlencoded")[0], 400)
        big = os.path.join(self.d.dir, "big.json")
        with open(big, "w") as f:
            f.write("[" + "1," * 600000 + "1]")                                    # over the 1 MiB default
        self.assertEqual(self.d.curl("@" + big)[0], 413)
        os.unlink(big)

    def test_http_async_answers_with_the_final_answer_or_500_after_the_timeout(self):
        status, _, body = self.d.curl(opensips_request("async_echo", {"text": "done", "delay_ms": "50"}))
        self.assertEqual((status, result_of(body)), (200, "done"))
        status, _, body = self.d.curl(opensips_request("async_echo", {"text": "late", "delay_ms": "3000"}))
        self.assertEqual((status, body), (500, ""))

    def test_http_keep_alive_serves_several_requests_on_one_connection(self):
        url = f"http://127.0.0.1:{self.d.http_port}/mi"
        out = subprocess.run(["curl", "-s", "-v", "-H", "Content-Type: application/json", "--data-binary",
                              opensips_request("pwd"), url, "--next", "-H", "Content-Type: application/json",
                              "--data-binary", opensips_request("arg"), url], capture_output=True, text=True)
        self.assertIn("Re-using existing connection", out.stderr)

    def test_http_an_empty_answer_is_finished_at_once(self):
        # OpenSIPS 3.2 sends these chunked and ends them only when another request wakes it: the client waits
        for request, status in (('{"jsonrpc":"2.0","method":"uptime"}', b"202"), ("", b"400")):
            body = request.encode()
            with socket.create_connection(("127.0.0.1", self.d.http_port), timeout=5) as s:
                s.sendall(b"POST /mi HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
                          b"Content-Length: %d\r\n\r\n%s" % (len(body), body))
                head = b""
                while b"\r\n\r\n" not in head:
                    head += s.recv(4096)
            lines = head.split(b"\r\n")
            self.assertIn(status, lines[0])
            self.assertIn(b"content-length: 0", [line.lower() for line in lines])
            self.assertNotIn(b"chunked", head.lower())

    def test_http_keep_alive_with_headers_and_body_in_two_segments(self):
        # Python's http.client writes the headers and the body separately; OpenSIPS 3.2 leaves about 1.4% of such
        # requests unanswered until another one arrives
        import http.client
        connection = http.client.HTTPConnection("127.0.0.1", self.d.http_port, timeout=5)
        try:
            for i in range(300):
                connection.request("POST", "/mi", body=opensips_request("uptime", rid=str(i)),
                                   headers={"Content-Type": "application/json"})
                response = connection.getresponse()
                self.assertEqual((response.status, json.loads(response.read())["id"]), (200, str(i)))
        finally:
            connection.close()

    def test_an_integer_beyond_int_is_refused_not_saturated(self):
        (reply,) = self.d.udp_call(opensips_request("log_level", [99999999999999]))
        self.assertEqual(json.loads(reply)["error"]["data"], "Bad type for parameter 'level'")

    # --- FIFO (spec 6.1, 7.2) ----------------------------------------------------------------------------------

    def test_fifo_with_the_exact_opensips_cli_bytes(self):
        (reply,) = self.d.fifo_call('{"jsonrpc": "2.0", "id": "1234", "method": "which", "params": {}}')
        self.assertNotIn("\n", reply)
        self.assertIn("get_statistics", result_of(reply))
        self.assertEqual(json.loads(reply)["id"], "1234")

    def test_fifo_notification_gives_an_empty_reply(self):
        (reply,) = self.d.fifo_call('{"jsonrpc": "2.0", "method": "uptime", "params": {}}')
        self.assertEqual(reply, "")

    def test_fifo_a_missing_or_non_string_method_is_an_invalid_request(self):
        # OpenSIPS's FIFO process crashes on these, and the whole server with it
        for request in ('{}', '5', '""', 'null', '{"jsonrpc":"2.0","method":5,"id":1}', '{"jsonrpc":"2.0","id":1}',
                        '{"jsonrpc":"2.0","method":["which"],"id":1}'):
            (reply,) = self.d.fifo_call(request)
            self.assertEqual(json.loads(reply)["error"]["code"], -32600, request)
        for batch in ('[]', '[{"jsonrpc":"2.0","method":5,"id":1}]'):
            (reply,) = self.d.fifo_call(batch)
            self.assertIn("-32600", reply, batch)
        self.assertIn("Up time", result_of(self.d.fifo_call(opensips_request("uptime"))[0]))

    def test_fifo_bad_json_is_answered_with_parse_error(self):
        (reply,) = self.d.fifo_call("{not json")
        self.assertEqual(json.loads(reply)["error"]["code"], -32700)

    def test_fifo_async_command_gives_provisional_then_final(self):
        replies = self.d.fifo_call(opensips_request("async_echo", {"text": "done", "delay_ms": "100"}), answers=2)
        self.assertEqual([result_of(r) for r in replies], ["working", "done"])

    # --- datagrams (spec 6.2, 7.3) -----------------------------------------------------------------------------

    def test_udp(self):
        (reply,) = self.d.udp_call(opensips_request("version", rid="5"))
        self.assertIn("Server", result_of(reply))
        self.assertEqual(self.d.udp_call("this is not json"), ["400 Parse_error"])

    def test_unix(self):
        (reply,) = self.d.unix_call(opensips_request("ps"))
        self.assertTrue(result_of(reply)["Processes"])

    def test_datagram_async(self):
        replies = self.d.udp_call(opensips_request("async_echo", ["later", 50]), answers=2)
        self.assertEqual([result_of(r) for r in replies], ["working", "later"])

    def test_a_number_id_comes_back_as_the_bytes_sent_on_every_transport(self):
        # OpenSIPS saturates a number id to a 32-bit integer; we echo the client's own bytes, whatever the form
        for rid in ["1.7", "4294967296", "-0", "1E2", "1e-3", "2.50", "18446744073709551616", "-9223372036854775809"]:
            request = '{"jsonrpc":"2.0","method":"uptime","id":%s}' % rid
            _, _, http_body = self.d.curl(request)
            answers = [http_body, self.d.fifo_call(request)[0], self.d.udp_call(request)[0],
                       self.d.unix_call(request)[0]]
            for answer in answers:
                self.assertTrue(answer.endswith(',"id":%s}' % rid), (rid, answer))
                json.loads(answer)

    def test_every_core_command_over_a_transport(self):
        call = lambda method, params=None: self.d.udp_call(opensips_request(method, params, rid="9"))[0]
        self.assertEqual(result_of(call("xlog_level", {"level": "2"})), {"New xLog level": 2})
        self.assertEqual(result_of(call("xlog_level")), {"xLog Level": 2})
        self.assertEqual(result_of(call("list_statistics", [["cache:"]])), {"cache:entries": "non-incremental"})
        self.assertIn("core:rcv_requests", result_of(call("list_statistics")))
        self.assertEqual(result_of(call("reset_statistics", [["notifications"]])), "OK")
        self.assertEqual(result_of(call("cache_store", ["local", "k", "v", 60])), "OK")
        self.assertEqual(result_of(call("cache_fetch", {"system": "local", "attr": "k"})), {"key": "k", "value": "v"})
        self.assertEqual(result_of(call("cache_remove", ["local", "k"])), "OK")
        self.assertEqual(result_of(call("help", ["ps"])), {"Help": "the daemon's threads: index, thread id and role",
                                                           "Exported by": "core"})
        self.assertEqual(result_of(call("which", {"command": "log_level"})), [[], ["level"], ["level", "pid"]])
        self.assertTrue(result_of(call("arg"))[0].endswith("mi_daemon"))
        self.assertIn("WD", result_of(call("pwd")))
        self.assertEqual(result_of(call("reset_all_statistics")), "OK")

    def test_the_error_catalogue_over_a_transport(self):
        def error_of(request):
            return json.loads(self.d.udp_call(request)[0])["error"]
        catalogue = [
            ("{", {"code": -32700, "message": "Parse error"}),
            ('{"jsonrpc":"2.0","id":1}', {"code": -32600, "message": "Invalid Request"}),
            (opensips_request("no_such"), {"code": -32601, "message": "Method not found"}),
            (opensips_request("log_level", [1, 2, 3]),
             {"code": -32602, "message": "Invalid params", "data": "Too few or too many parameters"}),
            (opensips_request("log_level", {"lvl": 4}),
             {"code": -32602, "message": "Invalid params", "data": "Named parameters do not match"}),
            (opensips_request("log_level", {"level": "x"}),
             {"code": -32602, "message": "Invalid params", "data": "Bad type for parameter 'level'"}),
            (opensips_request("get_statistics", [[{}]]),
             {"code": -32602, "message": "Invalid params", "data": "Bad type for array item in parameter 'statistics'"}),
            (opensips_request("get_statistics", [[]]),
             {"code": -32602, "message": "Invalid params", "data": "Empty array in parameter 'statistics'"}),
            (opensips_request("log_level", [1, 999999999]), {"code": -32602, "message": "Invalid params", "data": "Bad PID"}),
            (opensips_request("get_statistics", [["nope"]]), {"code": 404, "message": "Statistics Not Found"}),
            (opensips_request("help", ["nope"]), {"code": 404, "message": "unknown MI command"}),
            (opensips_request("cache_fetch", ["local", "absent"]), {"code": 400, "message": "Value not found"}),
            (opensips_request("cache_store", ["redis", "k", "v"]), {"code": 500, "message": "Cache store command failed"}),
        ]
        for request, error in catalogue:
            if request == "{":
                self.assertEqual(self.d.udp_call(request), ["400 Parse_error"])  # the datagram transport's own
                self.assertEqual(json.loads(self.d.curl(request)[2])["error"], error)
            else:
                self.assertEqual(error_of(request), error, request)

    # --- the daemon's own state ----------------------------------------------------------------------------------

    def test_statistics_count_requests_per_transport(self):
        before = result_of(self.d.curl(opensips_request("get_statistics", {"statistics": ["mi:"]}))[2])
        self.d.udp_call(opensips_request("pwd"))
        self.d.fifo_call(opensips_request("pwd"))
        after = result_of(self.d.curl(opensips_request("get_statistics", {"statistics": ["mi:"]}))[2])
        self.assertEqual(after["mi:datagram_requests"], before["mi:datagram_requests"] + 1)
        self.assertEqual(after["mi:fifo_requests"], before["mi:fifo_requests"] + 1)
        self.assertEqual(after["mi:http_requests"], before["mi:http_requests"] + 1)

    def test_log_level_changes_the_daemons_log(self):
        self.assertEqual(result_of(self.d.curl(opensips_request("log_level", {"level": "4"}))[2]),
                         {"New global log level": 4})
        levels = result_of(self.d.curl(opensips_request("log_level"))[2])["Processes"]
        self.assertTrue(all(p["Log level"] == 4 for p in levels))
        self.d.curl(opensips_request("log_level", {"level": "3"}))


class CliTest(unittest.TestCase):
    """mi-cli, as `opensips-cli -x mi` (spec 7.6), over each of the four transports."""

    @classmethod
    def setUpClass(cls):
        cls.tmp = tempfile.TemporaryDirectory(prefix="mi_cli_test_")
        cls.d = Daemon(cls.tmp.name)
        cls.transports = {
            "fifo": ["--fifo", cls.d.fifo, "--reply-dir", cls.tmp.name + "/"],
            "udp": ["--udp", f"127.0.0.1:{cls.d.udp_port}"],
            "unix": ["--unix", cls.d.unix],
            "http": ["--http", f"http://127.0.0.1:{cls.d.http_port}/mi"],
        }

    @classmethod
    def tearDownClass(cls):
        cls.d.stop()
        cls.tmp.cleanup()

    def cli(self, transport, *words):
        return subprocess.run([CLI, *self.transports[transport], *words], capture_output=True, text=True, timeout=30)

    def test_every_transport_runs_a_command_and_pretty_prints_it(self):
        for transport in self.transports:
            with self.subTest(transport=transport):
                run = self.cli(transport, "version")
                self.assertEqual(run.returncode, 0, run.stderr)
                self.assertTrue(run.stdout.startswith('{\n    "Server": "mi_daemon'), run.stdout)

    def test_named_and_array_arguments(self):
        run = self.cli("http", "log_level", "level=3")
        self.assertEqual(json.loads(run.stdout), {"New global log level": 3})
        run = self.cli("udp", "get_statistics", "core:", "mi:")
        self.assertEqual(run.returncode, 0, run.stderr)
        self.assertIn("core:rcv_requests", json.loads(run.stdout))
        run = self.cli("fifo", "get_statistics", "statistics=rcv_requests errors")
        self.assertEqual(set(json.loads(run.stdout)), {"core:rcv_requests", "mi:errors"})

    def test_a_command_which_does_not_list_is_refused_locally(self):
        run = self.cli("unix", "nosuch")
        self.assertEqual(run.returncode, 255)
        self.assertIn("no command 'nosuch' in module 'mi'", run.stderr)

    def test_an_error_is_printed_as_opensips_cli_does(self):
        run = self.cli("http", "log_level", "1", "999999999")
        self.assertEqual(run.returncode, 255)
        self.assertIn("command 'log_level' returned: Error executing command: -32602: Invalid params (Bad PID)",
                      run.stderr)

    def test_no_daemon_is_a_failure(self):
        run = subprocess.run([CLI, "--fifo", os.path.join(self.tmp.name, "absent"), "uptime"], capture_output=True,
                             text=True, timeout=30)
        self.assertEqual(run.returncode, 255)

    @staticmethod
    def opensips_cli_output(result, output_type):
        """What opensips-cli's mi module prints for a result (its print_* functions)."""
        def lines(value, indent, out):
            if isinstance(value, dict):
                for k, v in value.items():
                    if isinstance(v, (dict, list)):
                        out.append(" " * indent + k + ":")
                        lines(v, indent + 4, out)
                    else:
                        out.append(" " * indent + "{}: {}".format(k, v))
            elif isinstance(value, list):
                for v in value:
                    lines(v, indent, out)
            else:
                out.append(" " * indent + str(value))
        if output_type == "pretty-print":
            return json.dumps(result, indent=4) + "\n"
        if output_type == "dictionary":
            return str(result) + "\n"
        if output_type == "lines":
            out = []
            lines(result, 0, out)
            return "".join(line + "\n" for line in out)
        if output_type == "yaml":
            import yaml
            return yaml.dump(result, default_flow_style=False).strip() + "\n"
        return ""

    def test_every_output_type_prints_what_opensips_cli_prints(self):
        tricky = "say \"hi\", it's caf\u00e9 \U0001F600 yes: #x\ttab " + "word " * 20 + "end"
        stored = self.cli("http", "cache_store", "local", "tricky", tricky)
        self.assertEqual(stored.returncode, 0, stored.stderr)
        for command in (["cache_fetch", "local", "tricky"], ["ps"], ["version"], ["which"], ["help", "log_level"],
                        ["cache_store", "local", "yes", "1"]):
            reference = json.loads(self.cli("http", "-o", "output_type=pretty-print", *command).stdout)
            for output_type in ("pretty-print", "dictionary", "lines", "yaml", "none"):
                with self.subTest(command=command, output_type=output_type):
                    run = self.cli("http", "-o", "output_type=" + output_type, *command)
                    self.assertEqual(run.returncode, 0, run.stderr)
                    self.assertEqual(run.stdout, self.opensips_cli_output(reference, output_type))

    def test_configuration_file_instances_and_overrides(self):
        config = os.path.join(self.tmp.name, "opensips-cli.cfg")
        with open(config, "w") as f:
            f.write("[default]\ncommunication_type = datagram\ndatagram_ip = 127.0.0.1\n"
                    f"datagram_port = {self.d.udp_port}\noutput_type = dictionary\n\n"
                    f"[web]\ncommunication_type: http\nurl: http://127.0.0.1:{self.d.http_port}/mi\n\n"
                    f"[pipe]\ncommunication_type = fifo\nfifo_file = {self.d.fifo}\nfifo_reply_dir = {self.tmp.name}\n")
        def run(*words, env=None):
            return subprocess.run([CLI, *words], capture_output=True, text=True, timeout=30, env=env)
        for instance in ("default", "web", "pipe"):
            with self.subTest(instance=instance):
                r = run("-f", config, "-i", instance, "-x", "mi", "cache_store", "local", "k", "v")
                self.assertEqual((r.returncode, r.stdout), (0, "OK\n"), r.stderr)
        r = run("-f", config, "-o", "output_type=yaml", "-x", "--", "mi", "-j", "cache_fetch", '"local"', "k")
        self.assertEqual((r.returncode, r.stdout), (0, "key: k\nvalue: v\n"), r.stderr)
        r = run("-f", config, "-i", "absent", "-x", "mi", "ps")
        self.assertEqual(r.returncode, 255)
        self.assertIn("no instance 'absent'", r.stderr)
        # with no -f, the first of ~/.opensips-cli.cfg, /etc/opensips-cli.cfg, /etc/opensips/opensips-cli.cfg
        home = os.path.join(self.tmp.name, "home")
        os.makedirs(home, exist_ok=True)
        with open(os.path.join(home, ".opensips-cli.cfg"), "w") as f:
            f.write(f"[default]\ncommunication_type = http\nurl = http://127.0.0.1:{self.d.http_port}/mi\n"
                    "output_type = lines\n")
        r = run("cache_fetch", "local", "k", env=dict(os.environ, HOME=home))
        self.assertEqual((r.returncode, r.stdout), (0, "key: k\nvalue: v\n"), r.stderr)
        r = run("-o", "output_type=xml", "ps", env=dict(os.environ, HOME=home))
        self.assertEqual(r.returncode, 255)
        self.assertIn("unknown output_type 'xml'", r.stderr)


class HttpAccessTest(unittest.TestCase):
    """--http-user and --http-token: curl's Basic authentication and a bearer token; 401 with a challenge for
    anyone else, as OpenSIPS 4.x's httpd answers."""

    def test_basic_users_and_tokens(self):
        with tempfile.TemporaryDirectory(prefix="mi_daemon_access_") as workdir:
            d = Daemon(workdir, extra=["--http-user", "admin:s3cret", "--http-token", "t0k3n"])
            try:
                body = opensips_request("uptime")
                status, ctype, text = d.curl(body, extra=["-D", os.path.join(workdir, "headers")])
                self.assertEqual((status, ctype, text), (401, "text/html", "<html><body>Unauthorized</body></html>"))
                with open(os.path.join(workdir, "headers")) as f:
                    headers = f.read()
                self.assertIn('WWW-Authenticate: Basic realm="OpenSIPS MI"', headers)
                self.assertIn('WWW-Authenticate: Bearer realm="OpenSIPS MI"', headers)
                self.assertEqual(d.curl(body, extra=["-u", "admin:wrong"])[0], 401)
                status, _, text = d.curl(body, extra=["-u", "admin:s3cret"])
                self.assertEqual(status, 200)
                self.assertIn("Up time", result_of(text))
                self.assertEqual(d.curl(body, extra=["-H", "Authorization: Bearer t0k3n"])[0], 200)
                self.assertEqual(d.curl(body, extra=["-H", "Authorization: Bearer t0k3n-"])[0], 401)
            finally:
                d.stop()


class PermissionTest(unittest.TestCase):
    """Per-credential and per-transport permissions: a read-only user runs which, ps and get_statistics and is
    told -32003 for log_level with a level and for kill; denied calls are counted and --audit logs every call."""

    def test_read_only_credentials_and_transports(self):
        with tempfile.TemporaryDirectory(prefix="mi_daemon_permissions_") as workdir:
            d = Daemon(workdir, extra=["--http-user", "viewer:v1ew:read", "--http-user", "root:r00t",
                                       "--http-token", "w-token:write", "--grant", "fifo=read", "--grant", "udp=read",
                                       "--audit"])
            try:
                viewer = ["-u", "viewer:v1ew"]
                for method, params in (("which", None), ("ps", None), ("get_statistics", {"statistics": ["all"]}),
                                       ("log_level", None), ("uptime", None), ("help", {"mi_cmd": "kill"})):
                    status, _, body = d.curl(opensips_request(method, params), extra=viewer)
                    self.assertEqual(status, 200)
                    result_of(body)
                for method, params in (("log_level", {"level": 4}), ("kill", None), ("cache_store", ["local", "k", "v"])):
                    status, _, body = d.curl(opensips_request(method, params), extra=viewer)
                    error = json.loads(body)["error"]
                    self.assertEqual((status, error["code"], error["message"]), (200, -32003, "Permission denied"))
                    self.assertIn("this caller has 'read'", error["data"])
                # a write token stores in the cache but cannot stop the daemon
                token = ["-H", "Authorization: Bearer w-token"]
                self.assertEqual(result_of(d.curl(opensips_request("cache_store", ["local", "k", "v"]), extra=token)[2]), "OK")
                self.assertEqual(json.loads(d.curl(opensips_request("kill"), extra=token)[2])["error"]["code"], -32003)
                # the FIFO and UDP were granted read; the UNIX socket keeps admin
                (reply,) = d.fifo_call(opensips_request("kill"))
                self.assertEqual(json.loads(reply)["error"]["code"], -32003)
                (reply,) = d.udp_call(opensips_request("log_level", {"level": 1}))
                self.assertEqual(json.loads(reply)["error"]["code"], -32003)
                (reply,) = d.unix_call(opensips_request("log_level", {"level": 1}))
                self.assertEqual(result_of(reply)["New global log level"], 1)
                levels = result_of(d.curl(opensips_request("log_level"), extra=viewer)[2])["Processes"]
                self.assertEqual({p["Log level"] for p in levels}, {1})  # only the UNIX socket's call changed it
                stats = result_of(d.curl(opensips_request("get_statistics", {"statistics": ["denied"]}),
                                         extra=["-u", "root:r00t"])[2])
                self.assertEqual(stats["mi:denied"], 6)
            finally:
                d.stop()
            audit = [line for line in d.output().splitlines() if "audit: " in line]
            self.assertTrue(any("audit: http peer=127.0.0.1:" in line and " permission=read method=kill params={} "
                                "error=-32003 us=" in line for line in audit), "\n".join(audit))
            self.assertTrue(any(' permission=write method=cache_store params=["local","k","v"] error=0 ' in line
                                for line in audit), "\n".join(audit))
            self.assertTrue(any("audit: fifo peer=opensips_fifo_reply_" in line and "method=kill" in line
                                for line in audit), "\n".join(audit))
            self.assertTrue(any("audit: datagram peer=" in line and "method=log_level" in line and
                                "permission=admin" in line and "error=0" in line for line in audit), "\n".join(audit))


class TlsTest(unittest.TestCase):
    """--tls-cert and --tls-key: the HTTP port speaks HTTPS, with a self-signed certificate made for this run;
    curl and python's ssl module verify it; a client speaking plain HTTP gets nothing."""

    def test_https_with_curl_and_python(self):
        import http.client
        import ssl
        with tempfile.TemporaryDirectory(prefix="mi_daemon_tls_") as workdir:
            cert, key = self_signed_certificate(workdir)
            d = Daemon(workdir, extra=["--tls-cert", cert, "--tls-key", key, "--http-user", "ops:pw:read"])
            try:
                url = f"https://127.0.0.1:{d.http_port}/mi"
                out = subprocess.run(["curl", "-s", "--cacert", cert, "-u", "ops:pw", "-H", "Content-Type: application/json",
                                      "--data-binary", opensips_request("uptime"), "--max-time", "10", url],
                                     capture_output=True, text=True, check=True).stdout
                self.assertIn("Up time", result_of(out))
                # no --cacert: curl refuses the self-signed certificate (exit 60)
                refused = subprocess.run(["curl", "-s", "--max-time", "10", "-d", "{}", url], capture_output=True)
                self.assertEqual(refused.returncode, 60)

                context = ssl.create_default_context(cafile=cert)
                connection = http.client.HTTPSConnection("127.0.0.1", d.http_port, context=context, timeout=10)
                import base64
                auth = "Basic " + base64.b64encode(b"ops:pw").decode()
                connection.request("POST", "/mi", opensips_request("kill"),
                                   {"Content-Type": "application/json", "Authorization": auth})
                body = json.loads(connection.getresponse().read())
                self.assertEqual(body["error"]["code"], -32003)  # a read-only user, over TLS too
                connection.close()

                plain = subprocess.run(["curl", "-s", "--max-time", "5", "-d", "{}",
                                        f"http://127.0.0.1:{d.http_port}/mi"], capture_output=True)
                self.assertNotEqual(plain.returncode, 0)
                self.assertIsNone(d.process.poll())
            finally:
                d.stop()


class CliTlsTest(unittest.TestCase):
    """mi-cli over HTTPS and with credentials: mi_daemon with a certificate made for this run, Basic users and a
    bearer token; the certificate verified with --ca-file (or the configuration's http_ca_file), refused without it,
    accepted by --insecure with a warning; right, wrong and read-only credentials; no secret in any output."""

    def test_https_credentials_and_certificates(self):
        with tempfile.TemporaryDirectory(prefix="mi_cli_tls_") as workdir:
            cert, key = self_signed_certificate(workdir)
            d = Daemon(workdir, extra=["--tls-cert", cert, "--tls-key", key, "--http-user", "admin:Adm1n-pw",
                                       "--http-user", "viewer:V1ew-pw:read", "--http-token", "Tok3n-admin"])
            url = f"https://127.0.0.1:{d.http_port}/mi"
            secrets = ("Adm1n-pw", "V1ew-pw", "Tok3n-admin", "Wr0ng-pw", "Wr0ng-token")

            def cli(*words, env=None):
                run = subprocess.run([CLI, "--http", url, *words], capture_output=True, text=True, timeout=30,
                                     env=env)
                for secret in secrets:
                    self.assertNotIn(secret, run.stdout + run.stderr)
                return run

            try:
                # verified against the CA file, with Basic credentials and with the token
                run = cli("--ca-file", cert, "--user", "admin:Adm1n-pw", "uptime")
                self.assertEqual(run.returncode, 0, run.stderr)
                self.assertIn("Up time", json.loads(run.stdout))
                run = cli("--ca-file", cert, "--token", "Tok3n-admin", "log_level", "level=3")
                self.assertEqual(json.loads(run.stdout), {"New global log level": 3})
                # the password from the environment, so that it is not on the command line
                run = cli("--ca-file", cert, "--user", "admin", "pwd", env={**os.environ, "MI_CLI_PASSWORD": "Adm1n-pw"})
                self.assertEqual(run.returncode, 0, run.stderr)
                # without the CA file the certificate is refused
                run = cli("--user", "admin:Adm1n-pw", "uptime")
                self.assertEqual(run.returncode, 255)
                self.assertIn("certificate verify failed", run.stderr)
                # --insecure accepts it, and says so
                run = cli("--insecure", "--user", "admin:Adm1n-pw", "uptime")
                self.assertEqual(run.returncode, 0, run.stderr)
                self.assertIn("warning: the server's certificate is not verified", run.stderr)
                # wrong or no credentials: 401, said without the secret
                for words in (("--user", "admin:Wr0ng-pw"), ("--token", "Wr0ng-token"), ()):
                    run = cli("--ca-file", cert, *words, "uptime")
                    self.assertEqual(run.returncode, 255)
                    self.assertIn("answered HTTP 401", run.stderr)
                # a read-only user reads, and is refused an admin command
                run = cli("--ca-file", cert, "--user", "viewer:V1ew-pw", "ps")
                self.assertEqual(run.returncode, 0, run.stderr)
                run = cli("--ca-file", cert, "--user", "viewer:V1ew-pw", "log_level", "level=1")
                self.assertEqual(run.returncode, 255)
                self.assertIn("Error executing command: -32003: Permission denied", run.stderr)
                # the same from an opensips-cli configuration file
                config = os.path.join(workdir, "cli.cfg")
                with open(config, "w") as f:
                    f.write(f"[default]\ncommunication_type: http\nurl: {url}\nhttp_ca_file: {cert}\n"
                            "http_user: admin\nhttp_password: Adm1n-pw\n")
                run = subprocess.run([CLI, "-f", config, "uptime"], capture_output=True, text=True, timeout=30)
                self.assertEqual(run.returncode, 0, run.stderr)
                run = subprocess.run([CLI, "-f", config, "-o", "http_password=Wr0ng-pw", "uptime"],
                                     capture_output=True, text=True, timeout=30)
                self.assertEqual(run.returncode, 255)
                self.assertNotIn("Wr0ng-pw", run.stdout + run.stderr)
            finally:
                d.stop()


class BusyPollTest(unittest.TestCase):
    """--busy-poll: the FIFO and the datagram sockets poll between requests; every transport still answers."""

    def test_every_transport_answers_while_the_fifo_and_sockets_poll(self):
        with tempfile.TemporaryDirectory(prefix="mi_daemon_busy_poll_") as workdir:
            d = Daemon(workdir, extra=["--busy-poll", "200000"])
            try:
                for _ in range(20):
                    (reply,) = d.udp_call(opensips_request("uptime"))
                    self.assertIn("Now", result_of(reply))
                    (reply,) = d.unix_call(opensips_request("uptime"))
                    self.assertIn("Now", result_of(reply))
                    (reply,) = d.fifo_call(opensips_request("uptime"))
                    self.assertIn("Now", result_of(reply))
                self.assertEqual(d.curl(opensips_request("uptime"))[0], 200)
                replies = d.fifo_call(opensips_request("async_echo", {"text": "done", "delay_ms": "100"}), answers=2)
                self.assertEqual([result_of(r) for r in replies], ["working", "done"])
                replies = d.udp_call(opensips_request("async_echo", ["later", 50]), answers=2)
                self.assertEqual([result_of(r) for r in replies], ["working", "later"])
            finally:
                d.stop()

    def test_busy_poll_needs_a_transport_that_polls(self):
        run = subprocess.run([DAEMON, "--http", "127.0.0.1:0", "--busy-poll", "100"], capture_output=True, text=True,
                             timeout=10)
        self.assertNotEqual(run.returncode, 0)
        self.assertIn("--busy-poll needs --fifo, --udp or --unix", run.stderr)


class LimitsTest(unittest.TestCase):
    """Each configurable limit hit over a real transport: the transport's own error, and a counter."""

    def test_limits_answer_with_the_transports_errors_and_are_counted(self):
        import http.client
        with tempfile.TemporaryDirectory(prefix="mi_daemon_limits_") as workdir:
            d = Daemon(workdir, extra=["--limit", "http.header=2048", "--limit", "http.body=4096",
                                       "--limit", "http.read_timeout_ms=1000", "--limit", "http.requests_per_connection=3",
                                       "--limit", "http.connections=4", "--limit", "json.params=3",
                                       "--limit", "json.string=64", "--limit", "json.depth=8", "--limit", "json.batch=2",
                                       "--limit", "datagram.pending=1"])
            try:
                request = opensips_request("uptime")
                self.assertEqual(d.curl(request, extra=["-H", "X-Pad: " + "a" * 4000])[0], 431)
                self.assertEqual(d.curl(request + " " * 5000)[0], 413)
                body = json.loads(d.curl(opensips_request("cache_store", ["local", "k", "v", "w"]))[2])
                self.assertEqual(body["error"]["data"], "Too many parameters")
                body = json.loads(d.curl(opensips_request("cache_store", ["local", "k", "v" * 65]))[2])
                self.assertEqual(body["error"]["data"], "A string in the parameters is too long")
                self.assertEqual(json.loads(d.curl("[" * 9 + "]" * 9)[2])["error"]["code"], -32700)
                batch = "[" + ",".join([opensips_request("uptime")] * 3) + "]"
                self.assertEqual(json.loads(d.curl(batch)[2])["error"]["data"], "Batch too large")
                self.assertEqual(json.loads(d.curl(opensips_request("uptime", {"x": 1e400}).replace("inf", "1e400")
                                                   .replace("Infinity", "1e400"))[2])["error"]["code"], -32700)

                # a client that sends a byte a second is cut off by the whole-request deadline
                started = time.monotonic()
                with socket.create_connection(("127.0.0.1", d.http_port), timeout=5) as slow:
                    data = b""
                    for byte in ("POST /mi HTTP/1.1\r\nContent-Type: application/json\r\n").encode():
                        try:
                            slow.sendall(bytes([byte]))
                        except OSError:
                            break
                        readable, _, _ = select.select([slow], [], [], 1.0)
                        if readable:
                            data = slow.recv(4096)
                            break
                    self.assertTrue(data.startswith(b"HTTP/1.1 408"), data)
                self.assertLess(time.monotonic() - started, 3.5)

                # three requests per connection, then the server closes it
                connection = http.client.HTTPConnection("127.0.0.1", d.http_port, timeout=5)
                for i in range(3):
                    connection.request("POST", "/mi", request, {"Content-Type": "application/json"})
                    response = connection.getresponse()
                    response.read()
                    self.assertEqual(response.getheader("Connection", "keep-alive").lower(),
                                     "close" if i == 2 else "keep-alive")
                connection.close()

                # four connections at most (earlier ones may still be closing): of six held open, at most four
                # wait for a request and the others are told 503
                held, refused = [], 0
                for _ in range(6):
                    c = socket.create_connection(("127.0.0.1", d.http_port), timeout=0.5)
                    try:
                        answer = c.recv(4096)
                        self.assertTrue(answer.startswith(b"HTTP/1.1 503"), answer)
                        refused += 1
                        c.close()
                    except TimeoutError:  # admitted: the server waits for a request
                        held.append(c)
                self.assertLessEqual(len(held), 4)
                self.assertGreaterEqual(refused, 2)
                for h in held:
                    h.close()

                # one datagram request pending at most: the second is 500 Internal error
                with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as waiting:
                    waiting.settimeout(5)
                    waiting.sendto(opensips_request("async_echo", {"text": "t", "delay_ms": "600"}).encode(),
                                   ("127.0.0.1", d.udp_port))
                    self.assertEqual(result_of(waiting.recvfrom(65535)[0].decode()), "working")
                    (refused,) = d.udp_call(opensips_request("uptime"))
                    self.assertEqual(refused, "500 Internal error")
                    self.assertEqual(result_of(waiting.recvfrom(65535)[0].decode()), "t")

                time.sleep(0.3)  # the 503'd connection's report may come a moment after its answer
                stats = result_of(d.unix_call(opensips_request("get_statistics", {"statistics": ["mi:"]}))[0])
                for name in ("header", "body", "params", "string", "depth", "batch", "timeout",
                             "requests_per_connection", "connections", "queue"):
                    self.assertGreaterEqual(stats["mi:limit_" + name], 1, name)
            finally:
                d.stop()


class LoadTest(unittest.TestCase):
    """16 concurrent clients, 2,000 requests each, 4 on each transport: every reply matches its request by id
    and content, nothing is lost, and the daemon's statistics agree with the count."""

    CLIENTS_PER_TRANSPORT = 4
    REQUESTS = 2000

    def test_load_over_every_transport(self):
        import http.client
        with tempfile.TemporaryDirectory(prefix="mi_daemon_load_") as workdir:
            d = Daemon(workdir)
            try:
                names = result_of(d.udp_call(opensips_request("which"))[0])
                helps = {n: result_of(d.udp_call(opensips_request("help", {"mi_cmd": n}))[0])["Help"] for n in names}
                failures = []

                def check(reply, rid, name):
                    parsed = json.loads(reply)
                    if parsed.get("id") != rid or parsed.get("result", {}).get("Help") != helps[name]:
                        failures.append((rid, reply))

                def run(transport, client):
                    connection = http.client.HTTPConnection("127.0.0.1", d.http_port, timeout=10)
                    for i in range(self.REQUESTS):
                        name = names[(client + i) % len(names)]
                        rid = "%s-%d-%d" % (transport, client, i)
                        request = opensips_request("help", {"mi_cmd": name}, rid=rid)
                        try:
                            if transport == "http":
                                connection.request("POST", "/mi", request, {"Content-Type": "application/json"})
                                response = connection.getresponse()
                                reply = response.read().decode()
                            elif transport == "fifo":
                                reply = d.fifo_call_ready(request, "load_%d_%d" % (client, i))
                            elif transport == "udp":
                                (reply,) = d.udp_call(request)
                            else:
                                (reply,) = d.unix_call(request)
                            check(reply, rid, name)
                        except Exception as e:  # a lost or late reply is a failure, not a crash of the test
                            failures.append((rid, repr(e)))
                    connection.close()

                threads = [threading.Thread(target=run, args=(t, c))
                           for t in ("http", "fifo", "udp", "unix") for c in range(self.CLIENTS_PER_TRANSPORT)]
                started = time.monotonic()
                for t in threads:
                    t.start()
                for t in threads:
                    t.join()
                elapsed = time.monotonic() - started
                self.assertEqual(failures[:5], [])
                stats = result_of(d.udp_call(opensips_request("get_statistics", {"statistics": ["mi:"]}))[0])
                per_transport = self.CLIENTS_PER_TRANSPORT * self.REQUESTS
                # the datagram count also holds this test's own `which`, `help` and this call
                self.assertEqual(stats["mi:http_requests"], per_transport)
                self.assertEqual(stats["mi:fifo_requests"], per_transport)
                self.assertEqual(stats["mi:datagram_requests"], 2 * per_transport + 2 + len(names))
                self.assertEqual(stats["mi:errors"], 0)
                print("\n%d requests in %.1f s" % (4 * per_transport, elapsed), file=sys.stderr)
            finally:
                d.stop()


class SlowHandlerTest(unittest.TestCase):
    """A handler that takes long holds one of the daemon's threads, never another transport: while HTTP waits on
    `sleep`, FIFO, UDP and UNIX clients are answered at once (the daemon runs two threads)."""

    def test_a_slow_handler_blocks_no_other_transport(self):
        with tempfile.TemporaryDirectory(prefix="mi_daemon_slow_") as workdir:
            d = Daemon(workdir)
            try:
                slow = {}

                def sleep_over_http():
                    started = time.monotonic()
                    slow["reply"] = d.curl(opensips_request("sleep", {"ms": 2000}))
                    slow["took"] = time.monotonic() - started

                sleeper = threading.Thread(target=sleep_over_http)
                sleeper.start()
                time.sleep(0.3)  # the sleep has begun
                for call in (lambda: d.udp_call(opensips_request("uptime"))[0],
                             lambda: d.unix_call(opensips_request("uptime"))[0],
                             lambda: d.fifo_call(opensips_request("uptime"))[0],
                             lambda: d.curl(opensips_request("uptime"))[2]):
                    started = time.monotonic()
                    self.assertIn("Up time", result_of(call()))
                    self.assertLess(time.monotonic() - started, 0.5)
                sleeper.join()
                self.assertEqual(result_of(slow["reply"][2]), "slept")
                self.assertGreaterEqual(slow["took"], 1.9)
            finally:
                d.stop()


class KillTest(unittest.TestCase):
    def test_kill_answers_then_stops_and_removes_its_files(self):
        with tempfile.TemporaryDirectory(prefix="mi_daemon_kill_") as workdir:
            d = Daemon(workdir)
            try:
                status, _, body = d.curl(opensips_request("kill"))
                self.assertEqual((status, result_of(body)), (200, "OK"))
                self.assertEqual(d.process.wait(timeout=10), 0)
                self.assertFalse(os.path.exists(d.fifo))
                self.assertFalse(os.path.exists(d.unix))
            finally:
                d.stop()


if __name__ == "__main__":
    DAEMON = os.path.abspath(sys.argv.pop(1))
    CLI = os.path.abspath(sys.argv.pop(1))
    unittest.main(verbosity=2)

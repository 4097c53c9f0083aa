#!/usr/bin/env python3
# Copyright (c) 2026 the mi authors. Distributed under the Boost Software License, Version 1.0.
# SPDX-License-Identifier: BSL-1.0
"""Events end to end, against mi_daemon with real sockets on loopback and in a temp dir: python3 subscribers on
UDP, on a UNIX datagram socket and as a TCP listener subscribe through MI (over the FIFO, UDP and HTTP); events
raised through raise_event and by the daemon itself (a log level set, a --threshold reached) arrive as exactly
the expected bytes; expiry, `expire` 0 and subscribers_list's ttl; a TCP subscriber that goes away and comes
back is reconnected; a subscriber that stops reading loses notifications (counted in events:dropped) without
slowing the daemon's answers to other calls; mi-cli prints event_subscribe and subscribers_list as opensips-cli.

usage: events_test.py PATH/TO/mi_daemon PATH/TO/mi-cli"""

import json
import os
import socket
import subprocess
import sys
import tempfile
import time
import unittest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import daemon_test  # noqa: E402  (the Daemon launcher shared by the integration tests)


def notification(method, params=None):
    n = {"jsonrpc": "2.0", "method": method}
    if params is not None:
        n["params"] = params
    return json.dumps(n, separators=(",", ":"))


class TcpSubscriber:
    """A TCP listener: what event_stream writes, read back to back."""

    def __init__(self, port=0):
        self.server = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        self.server.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        self.server.bind(("127.0.0.1", port))
        self.server.listen(4)
        self.server.settimeout(10)
        self.port = self.server.getsockname()[1]
        self.connection = None

    def read(self, size):
        if self.connection is None:
            self.connection, _ = self.server.accept()
            self.connection.settimeout(10)
        data = b""
        while len(data) < size:
            chunk = self.connection.recv(size - len(data))
            if not chunk:
                raise EOFError("the daemon closed the connection")
            data += chunk
        return data.decode()

    def close(self):
        if self.connection:
            self.connection.close()
        self.server.close()


class EventsTest(unittest.TestCase):
    def setUp(self):
        self.tmp = tempfile.TemporaryDirectory(prefix="mi_events_test_")
        self.d = daemon_test.Daemon(self.tmp.name, extra=["--threshold", "core:rcv_requests=40"])
        self.udp = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        self.udp.bind(("127.0.0.1", 0))
        self.udp.settimeout(5)
        self.unix_path = os.path.join(self.tmp.name, "subscriber.sock")
        self.unix = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
        self.unix.bind(self.unix_path)
        self.unix.settimeout(5)
        self.tcp = TcpSubscriber()

    def tearDown(self):
        self.udp.close()
        self.unix.close()
        self.tcp.close()
        self.d.stop()
        self.tmp.cleanup()

    def http(self, method, params=None):
        status, _, body = self.d.curl(daemon_test.opensips_request(method, params))
        self.assertEqual(status, 200, body)
        return json.loads(body)

    def sockets(self):
        return {"udp": f"udp:127.0.0.1:{self.udp.getsockname()[1]}", "unix": "unix:" + self.unix_path,
                "tcp": f"tcp:127.0.0.1:{self.tcp.port}"}

    def subscribe_all(self, event, expire=None):
        """The UDP subscriber through the FIFO, the UNIX one over UDP, the TCP one over HTTP."""
        s = self.sockets()
        extra = [] if expire is None else [expire]
        fifo = self.d.fifo_call(daemon_test.opensips_request("event_subscribe", [event, s["udp"], *extra]))[0]
        self.assertEqual(daemon_test.result_of(fifo), "OK")
        over_udp = self.d.udp_call(daemon_test.opensips_request("event_subscribe", [event, s["unix"], *extra]))[0]
        self.assertEqual(daemon_test.result_of(over_udp), "OK")
        self.assertEqual(self.http("event_subscribe", [event, s["tcp"], *extra])["result"], "OK")

    def received(self, expected):
        """Each subscriber receives exactly `expected`."""
        self.assertEqual(self.udp.recv(65535).decode(), expected)
        self.assertEqual(self.unix.recv(65535).decode(), expected)
        self.assertEqual(self.tcp.read(len(expected)), expected)

    def test_raise_event_reaches_every_subscriber_with_the_exact_bytes(self):
        self.subscribe_all("E_CORE_LOG_LEVEL")
        self.assertEqual(self.http("raise_event", {"event": "E_CORE_LOG_LEVEL", "params": ["1", 2]})["result"], "OK")
        self.received(notification("E_CORE_LOG_LEVEL", ["1", "2"]))
        self.assertEqual(self.http("raise_event", {"event": "E_CORE_LOG_LEVEL",
                                                   "params": json.dumps({"level": 4, "who": "test"})})["result"], "OK")
        self.received(notification("E_CORE_LOG_LEVEL", {"level": 4, "who": "test"}))

    def test_the_daemon_raises_its_own_events(self):
        self.subscribe_all("E_CORE_LOG_LEVEL")
        self.subscribe_all("E_STATISTIC_THRESHOLD")
        self.http("log_level", {"level": 2})
        self.received(notification("E_CORE_LOG_LEVEL", {"level": 2}))
        pid = self.http("ps")["result"]["Processes"][0]["PID"]
        self.http("log_level", {"level": 3, "pid": pid})
        self.received(notification("E_CORE_LOG_LEVEL", {"level": 3, "pid": pid}))
        while self.http("get_statistics", {"statistics": ["rcv_requests"]})["result"]["core:rcv_requests"] < 45:
            pass
        got = json.loads(self.udp.recv(65535).decode())
        self.assertEqual(got["method"], "E_STATISTIC_THRESHOLD")
        self.assertEqual(got["params"]["statistic"], "core:rcv_requests")
        self.assertEqual(got["params"]["threshold"], 40)
        self.assertGreaterEqual(got["params"]["value"], 40)

    def test_expiry_ttl_and_unsubscribing(self):
        s = self.sockets()
        self.assertEqual(self.http("event_subscribe", ["E_CORE_LOG_LEVEL", s["udp"], 2])["result"], "OK")
        self.assertEqual(self.http("event_subscribe", ["E_CORE_LOG_LEVEL", s["unix"]])["result"], "OK")
        listed = self.http("subscribers_list")["result"]
        subscribers = listed["Events"][0]["Subscribers"]
        self.assertEqual(listed["Events"][0]["name"], "E_CORE_LOG_LEVEL")
        self.assertEqual([(x["socket"], x["expire"]) for x in subscribers], [(s["udp"], 2), (s["unix"], 3600)])
        self.assertIn(subscribers[0]["ttl"], (1, 2))
        time.sleep(2.2)
        one = self.http("subscribers_list", ["E_CORE_LOG_LEVEL", s["udp"]])["result"]
        self.assertEqual(one["Event"]["Subscriber"]["ttl"], "expired")
        self.assertEqual(self.http("subscribers_list", ["E_CORE_LOG_LEVEL", s["udp"]])["error"]["code"], 404)
        self.assertEqual(self.http("event_subscribe", ["E_CORE_LOG_LEVEL", s["unix"], 0])["result"], "OK")
        self.assertEqual(self.http("raise_event", ["E_CORE_LOG_LEVEL"])["error"],
                         {"code": 480, "message": "Temporarily Unavailable"})

    def test_a_tcp_subscriber_that_comes_back_is_reconnected(self):
        s = self.sockets()
        self.assertEqual(self.http("event_subscribe", ["E_CORE_LOG_LEVEL", s["tcp"]])["result"], "OK")
        self.http("raise_event", ["E_CORE_LOG_LEVEL"])
        expected = notification("E_CORE_LOG_LEVEL")
        self.assertEqual(self.tcp.read(len(expected)), expected)
        port = self.tcp.port
        self.tcp.close()  # gone: the daemon sees the connection close
        time.sleep(0.3)
        self.http("raise_event", ["E_CORE_LOG_LEVEL", ["while away"]])
        time.sleep(0.3)
        self.tcp = TcpSubscriber(port)  # back on the same port
        expected = notification("E_CORE_LOG_LEVEL", ["while away"])
        self.assertEqual(self.tcp.read(len(expected)), expected)

    def test_a_subscriber_that_stops_reading_costs_the_others_nothing(self):
        stuck = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
        stuck_path = os.path.join(self.tmp.name, "stuck.sock")
        stuck.bind(stuck_path)  # never read
        self.assertEqual(self.http("event_subscribe", ["E_CORE_LOG_LEVEL", "unix:" + stuck_path])["result"], "OK")
        self.assertEqual(self.http("event_subscribe", ["E_CORE_LOG_LEVEL", self.sockets()["udp"]])["result"], "OK")
        worst = 0.0
        payload = "x" * 2000
        for i in range(3000):
            start = time.monotonic()
            answer = self.d.udp_call(daemon_test.opensips_request("raise_event", ["E_CORE_LOG_LEVEL", [payload]]))[0]
            worst = max(worst, time.monotonic() - start)
            self.assertEqual(daemon_test.result_of(answer), "OK")
            self.udp.recv(65535)  # the reading subscriber gets every one
        dropped = self.http("get_statistics", {"statistics": ["events:dropped"]})["result"]["events:dropped"]
        print(f"\n3000 raises with a stuck UNIX subscriber: worst MI round trip {worst * 1000:.1f} ms, "
              f"{dropped} notifications dropped for it", file=sys.stderr)
        self.assertGreater(dropped, 0)
        self.assertLess(worst, 0.5)
        stuck.close()

    def test_mi_cli_prints_what_opensips_cli_prints(self):
        cli = [daemon_test.CLI, "--fifo", self.d.fifo, "--reply-dir", self.d.dir + "/"]
        socket_text = self.sockets()["udp"]
        run = subprocess.run([*cli, "event_subscribe", "E_CORE_LOG_LEVEL", socket_text], capture_output=True,
                             text=True, timeout=20)
        self.assertEqual((run.returncode, run.stdout), (0, '"OK"\n'), run.stderr)
        run = subprocess.run([*cli, "subscribers_list"], capture_output=True, text=True, timeout=20)
        self.assertEqual(run.returncode, 0, run.stderr)
        answer = json.loads(run.stdout)
        self.assertEqual(run.stdout, json.dumps(answer, indent=4) + "\n")  # opensips-cli's pretty-print
        self.assertEqual(answer["Events"][0]["Subscribers"][0]["socket"], socket_text)


if __name__ == "__main__":
    daemon_test.main_with_daemon_and_cli(__doc__)

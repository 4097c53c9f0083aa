#!/usr/bin/env python3
# Copyright (c) 2026 the mi authors. Distributed under the Boost Software License, Version 1.0.
# SPDX-License-Identifier: BSL-1.0
"""The typed client against a live mi_daemon: mi_remote_check (tests/integration/remote_check.cpp) calls every core
command through mi::remote<daemon_core::commands> by position and by name, beside the same calls with hand-written
JSON, over HTTP, FIFO, UDP and UNIX datagrams, compares results and errors, sends a batch, and finally stops the
daemon with `kill`. The daemon runs on 127.0.0.1 and files in a temp dir, and is stopped by its pid.

usage: remote_test.py PATH/TO/mi_daemon PATH/TO/mi-cli PATH/TO/mi_remote_check"""

import json
import os
import subprocess
import sys
import tempfile
import time
import unittest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import daemon_test  # noqa: E402  (the Daemon launcher shared by the integration tests)

CHECK = None


class RemoteTest(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.tmp = tempfile.TemporaryDirectory(prefix="mi_remote_test_")
        cls.d = daemon_test.Daemon(cls.tmp.name)

    @classmethod
    def tearDownClass(cls):
        cls.d.stop()
        cls.tmp.cleanup()

    def check(self, *transport):
        run = subprocess.run([CHECK, *transport], capture_output=True, text=True, timeout=60)
        self.assertEqual(run.returncode, 0, run.stdout + run.stderr)
        self.assertNotIn("MISMATCH", run.stdout)
        return run.stdout

    def every_core_command(self):
        status, _, body = self.d.curl(daemon_test.opensips_request("which"))
        self.assertEqual(status, 200)
        reply = json.loads(body)
        return set(reply["result"]) - {"kill"}

    def test_1_every_core_command_on_every_transport(self):
        commands = self.every_core_command()
        for transport in (("http", f"http://127.0.0.1:{self.d.http_port}/mi"),
                          ("fifo", self.d.fifo, self.tmp.name + "/"),
                          ("udp", f"udp:127.0.0.1:{self.d.udp_port}"),
                          ("unix", self.d.unix)):
            with self.subTest(transport=transport[0]):
                out = self.check(*transport)
                called = set(out.splitlines()[-1].split()[1:])
                self.assertEqual(commands - called, set(), out)
                self.assertIn("ok batch pwd", out)
                self.assertIn("ok cache_fetch of a missing key: 400 Value not found", out)

    def test_2_kill_through_the_typed_client_stops_the_daemon(self):
        out = self.check("http", f"http://127.0.0.1:{self.d.http_port}/mi", "--kill")
        self.assertIn("ok kill", out)
        deadline = time.monotonic() + 10
        while self.d.process.poll() is None and time.monotonic() < deadline:
            time.sleep(0.05)
        self.assertEqual(self.d.process.poll(), 0, self.d.output())


if __name__ == "__main__":
    if len(sys.argv) < 4:
        sys.exit(__doc__)
    CHECK = sys.argv.pop(3)
    daemon_test.main_with_daemon_and_cli(__doc__)

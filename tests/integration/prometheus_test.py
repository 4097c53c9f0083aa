#!/usr/bin/env python3
# Copyright (c) 2026 the mi authors. Distributed under the Boost Software License, Version 1.0.
# SPDX-License-Identifier: BSL-1.0
"""Statistics end to end: mi_daemon --prometheus scraped every second by a real Prometheus server (Debian's
`prometheus`, started here on loopback with a temporary config and storage, stopped by its pid) through a
read-only bearer token; statistics incremented through MI calls until Prometheus's HTTP API reports what
get_statistics answers; promtool's verdict on the served text; the read-only token refused where it must be;
mi-cli printing get_statistics as opensips-cli does.

usage: prometheus_test.py PATH/TO/mi_daemon PATH/TO/mi-cli"""

import json
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import time
import unittest
import urllib.parse
import urllib.request

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import daemon_test  # noqa: E402  (the Daemon launcher shared by the integration tests)

SCRAPER = "scraper-secret"
ADMIN = "admin-secret"


class Prometheus:
    """A Prometheus server scraping `target` every second with the scraper's token."""

    def __init__(self, workdir, target):
        self.port = daemon_test.free_port()
        config = os.path.join(workdir, "prometheus.yml")
        with open(config, "w") as f:
            f.write(f"""global:
  scrape_interval: 1s
  scrape_timeout: 1s
scrape_configs:
  - job_name: mi_daemon
    metrics_path: /metrics
    authorization:
      credentials: {SCRAPER}
    static_configs:
      - targets: ['{target}']
""")
        self.log = open(os.path.join(workdir, "prometheus.log"), "w+")
        self.process = subprocess.Popen(
            [shutil.which("prometheus") or "/usr/bin/prometheus", "--config.file=" + config,
             "--storage.tsdb.path=" + os.path.join(workdir, "data"), f"--web.listen-address=127.0.0.1:{self.port}"],
            stdout=self.log, stderr=subprocess.STDOUT)
        self.wait_for(lambda: self.api("/-/ready", raw=True) is not None, "Prometheus did not become ready")

    def api(self, path, raw=False, **query):
        url = f"http://127.0.0.1:{self.port}{path}"
        if query:
            url += "?" + urllib.parse.urlencode(query)
        try:
            with urllib.request.urlopen(url, timeout=2) as response:
                body = response.read().decode()
        except OSError:
            return None
        return body if raw else json.loads(body)

    def value_of(self, metric):
        answer = self.api("/api/v1/query", query=metric)
        if not answer or answer["status"] != "success" or not answer["data"]["result"]:
            return None
        return int(float(answer["data"]["result"][0]["value"][1]))

    def wait_for(self, condition, message, seconds=30):
        deadline = time.monotonic() + seconds
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError("prometheus exited: " + self.output())
            if condition():
                return
            time.sleep(0.2)
        raise AssertionError(message + "\n" + self.output()[-3000:])

    def output(self):
        self.log.flush()
        self.log.seek(0)
        return self.log.read()

    def stop(self):
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        self.log.close()


class PrometheusTest(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.tmp = tempfile.TemporaryDirectory(prefix="mi_prometheus_test_")
        cls.d = daemon_test.Daemon(cls.tmp.name, extra=["--prometheus", "--http-token", SCRAPER + ":read",
                                                        "--http-token", ADMIN + ":admin"])
        cls.prometheus = Prometheus(cls.tmp.name, f"127.0.0.1:{cls.d.http_port}")

    @classmethod
    def tearDownClass(cls):
        cls.prometheus.stop()
        cls.d.stop()
        cls.tmp.cleanup()

    def call(self, method, params=None, token=ADMIN):
        status, _, body = self.d.curl(daemon_test.opensips_request(method, params),
                                      extra=["-H", "Authorization: Bearer " + token])
        self.assertEqual(status, 200, body)
        return json.loads(body)

    def statistic(self, name):
        return self.call("get_statistics", {"statistics": [name]})["result"]["core:" + name]

    def test_1_prometheus_scrapes_what_get_statistics_answers(self):
        for _ in range(5):
            self.call("uptime")
        expected = self.statistic("rcv_requests")  # counts itself; scrapes are no MI requests
        self.prometheus.wait_for(lambda: self.prometheus.value_of("opensips_rcv_requests") == expected,
                                 f"Prometheus never saw opensips_rcv_requests == {expected}")
        for _ in range(7):
            self.call("pwd", token=SCRAPER)
        expected = self.statistic("rcv_requests")
        self.prometheus.wait_for(lambda: self.prometheus.value_of("opensips_rcv_requests") == expected,
                                 f"Prometheus never saw opensips_rcv_requests == {expected}")
        self.assertEqual(self.prometheus.value_of("opensips_entries"), 0)  # cache:entries, a gauge
        self.call("cache_store", ["local", "k", "v"])
        self.prometheus.wait_for(lambda: self.prometheus.value_of("opensips_entries") == 1,
                                 "Prometheus never saw the cache's new size")

    def test_2_the_target_is_up_with_the_read_only_token(self):
        targets = self.prometheus.api("/api/v1/targets")["data"]["activeTargets"]
        self.assertEqual([t["health"] for t in targets], ["up"], targets)

    def test_3_the_read_only_token_reads_but_cannot_write_or_administer(self):
        self.assertIn("result", self.call("get_statistics", {"statistics": ["all"]}, token=SCRAPER))
        for method, params in (("reset_all_statistics", None), ("log_level", {"level": 4}), ("kill", None)):
            with self.subTest(method=method):
                self.assertEqual(self.call(method, params, token=SCRAPER)["error"]["code"], -32003)
        self.assertNotEqual(self.statistic("rcv_requests"), 0)

    def test_4_metrics_need_a_credential_and_obey_the_exposition_format(self):
        status, _, _ = self.d.curl(method="GET", path="/metrics", content_type=None)
        self.assertEqual(status, 401)
        status, ctype, text = self.d.curl(method="GET", path="/metrics", content_type=None,
                                          extra=["-H", "Authorization: Bearer " + SCRAPER])
        self.assertEqual((status, ctype), (200, "text/plain; version=0.0.4; charset=utf-8"))
        self.assertIn("# HELP opensips_rcv_requests MI requests received, on every transport\n"
                      "# TYPE opensips_rcv_requests counter\nopensips_rcv_requests ", text)
        self.assertIn("# TYPE opensips_entries gauge\n", text)
        checked = subprocess.run(["promtool", "check", "metrics"], input=text + "\n", capture_output=True, text=True)
        # 3: lint only, and only the "_total" that OpenSIPS's names lack; 1 would be a format error
        self.assertEqual(checked.returncode, 3, checked.stdout + checked.stderr)
        lint = (checked.stdout + checked.stderr).splitlines()
        self.assertTrue(lint and all(line.endswith('counter metrics should have "_total" suffix') for line in lint),
                        lint)
        # what Prometheus asks for: the text format still, so that the series keep OpenSIPS's names
        status, ctype, text = self.d.curl(method="GET", path="/metrics", content_type=None,
                                          extra=["-H", "Authorization: Bearer " + SCRAPER,
                                                 "-H", "Accept: application/openmetrics-text; version=1.0.0"])
        self.assertEqual(ctype, "text/plain; version=0.0.4; charset=utf-8")
        self.assertNotIn("_total", text)

    def test_5_mi_cli_prints_get_statistics_as_opensips_cli_does(self):
        run = subprocess.run([daemon_test.CLI, "--fifo", self.d.fifo, "--reply-dir", self.d.dir + "/",
                              "get_statistics", "core:", "shmem:"], capture_output=True, text=True, timeout=20)
        self.assertEqual(run.returncode, 0, run.stderr)
        answer = json.loads(run.stdout)
        self.assertEqual(list(answer), ["core:rcv_requests"])
        self.assertEqual(run.stdout, json.dumps(answer, indent=4) + "\n")  # opensips-cli's pretty-print


if __name__ == "__main__":
    daemon_test.main_with_daemon_and_cli(__doc__)

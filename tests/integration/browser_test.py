#!/usr/bin/env python3
# Copyright (c) 2026 the mi authors. Distributed under the Boost Software License, Version 1.0.
# SPDX-License-Identifier: BSL-1.0
"""mi_daemon's HTML page (mi::html::page) in a real browser: headless Chromium driven over W3C WebDriver
(chromedriver), with nothing but python3's standard library. It follows links, fills and submits the forms,
reads the results, checks that what reaches the page from a request or a result is shown and never run
(XSS), and saves two screenshots, which it checks are not blank. CORS too: pages on two other origins, one of
them allowed, fetch() JSON-RPC and MCP from the daemon. The daemon, chromedriver and Chromium run on
127.0.0.1 with files in a fresh temp dir, and are stopped by their pids, also when a test fails.

usage: browser_test.py PATH/TO/mi_daemon SCREENSHOT_DIR"""

import base64
import json
import os
import shutil
import signal
import socket
import struct
import subprocess
import sys
import tempfile
import time
import unittest
import urllib.error
import urllib.parse
import urllib.request
import zlib

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import daemon_test  # noqa: E402  (the mi_daemon launcher shared by the integration tests)

DAEMON = None
SCREENSHOTS = None
CHROMIUM = "/usr/bin/chromium"
CHROMEDRIVER = shutil.which("chromedriver") or "/usr/bin/chromedriver"
WAIT = 10.0  # seconds an explicit wait polls before it fails

LOG_LEVEL_HELP = "reads the log level of every thread, sets it for all, or for one thread id"
XSS = "<script>document.title='pwned'</script><img src=x onerror=\"document.title='pwned'\">"


def free_port():
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def port_open(port):
    try:
        with socket.create_connection(("127.0.0.1", port), timeout=0.2):
            return True
    except OSError:
        return False


def wait_until(condition, what, timeout=WAIT, interval=0.05):
    """Polls `condition` until it returns something true, which it returns; fails after `timeout` seconds."""
    deadline = time.monotonic() + timeout
    last = None
    while True:
        try:
            value = condition()
            if value:
                return value
        except Exception as e:  # noqa: BLE001 - kept for the failure message
            last = e
        if time.monotonic() >= deadline:
            raise AssertionError("timed out after %.0f s waiting for %s%s" % (timeout, what,
                                                                               " (last: %r)" % last if last else ""))
        time.sleep(interval)


# --- processes, stopped by their pids ------------------------------------------------------------------------------

def children_of(pids):
    """The pids of every descendant of `pids` (from /proc's parent links)."""
    parents = {}
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            try:
                with open("/proc/%s/stat" % entry) as f:
                    stat = f.read()
                parents.setdefault(int(stat[stat.rindex(")") + 2:].split()[1]), []).append(int(entry))
            except (OSError, ValueError, IndexError):
                pass
    found, todo = [], list(pids)
    while todo:
        for child in parents.get(todo.pop(), []):
            found.append(child)
            todo.append(child)
    return found


def pids_mentioning(text):
    """The pids whose command line holds `text` (a temp dir path of ours: our Chromium's processes only)."""
    found = []
    for entry in os.listdir("/proc"):
        if entry.isdigit() and int(entry) != os.getpid():
            try:
                with open("/proc/%s/cmdline" % entry, "rb") as f:
                    if text.encode() in f.read():
                        found.append(int(entry))
            except OSError:
                pass
    return found


def kill_pids(pids):
    for pid in pids:
        try:
            os.kill(pid, signal.SIGKILL)
        except ProcessLookupError:
            pass


class Daemon(daemon_test.Daemon):
    """mi_daemon as the other integration tests start it, plus the page on /html and XML-RPC on /RPC2."""

    def __init__(self, workdir):
        super().__init__(workdir, extra=["--html", "--xmlrpc"])
        self.base = "http://127.0.0.1:%d" % self.http_port

    def stderr(self):
        return self.output()

    def json_rpc(self, method, params=None):
        """The result of one JSON-RPC call on /mi, over urllib, independently of the browser."""
        request = {"jsonrpc": "2.0", "id": 1, "method": method}
        if params is not None:
            request["params"] = params
        req = urllib.request.Request(self.base + "/mi", json.dumps(request).encode(),
                                     {"Content-Type": "application/json"})
        with urllib.request.urlopen(req, timeout=10) as response:
            reply = json.loads(response.read())
        assert "result" in reply, reply
        return reply["result"]

    def get(self, path_and_query):
        """Status and body of a GET, error statuses included."""
        try:
            with urllib.request.urlopen(self.base + path_and_query, timeout=10) as response:
                return response.status, response.read().decode()
        except urllib.error.HTTPError as e:
            return e.code, e.read().decode()


# --- a small W3C WebDriver client ------------------------------------------------------------------------------------

ELEMENT = "element-6066-11e4-a52e-4f735466cecf"  # the W3C key of an element reference


class WebDriverError(Exception):
    def __init__(self, status, error, message):
        super().__init__("%s (%s): %s" % (error, status, message.splitlines()[0] if message else ""))
        self.status, self.error, self.message = status, error, message


class Element:
    def __init__(self, driver, eid):
        self.driver, self.id = driver, eid

    def _call(self, method, what, body=None):
        return self.driver.call(method, "/element/%s%s" % (self.id, what), body)

    def find(self, css):
        return Element(self.driver, self._call("POST", "/element", {"using": "css selector", "value": css})[ELEMENT])

    def find_all(self, css):
        found = self._call("POST", "/elements", {"using": "css selector", "value": css})
        return [Element(self.driver, e[ELEMENT]) for e in found]

    def click(self):
        self._call("POST", "/click", {})

    def clear(self):
        self._call("POST", "/clear", {})

    def send_keys(self, text):
        self._call("POST", "/value", {"text": text})

    @property
    def text(self):
        return self._call("GET", "/text")

    def property(self, name):
        return self._call("GET", "/property/" + name)

    def attribute(self, name):
        return self._call("GET", "/attribute/" + name)

    def is_stale(self):
        try:
            self._call("GET", "/name")
            return False
        except WebDriverError as e:
            if e.error == "stale element reference":
                return True
            raise


class WebDriver:
    """chromedriver on a free loopback port and one headless Chromium session, with a fresh profile."""

    def __init__(self, workdir):
        self.profile = tempfile.mkdtemp(prefix="chromium_profile_", dir=workdir)
        self.port = free_port()
        self.log = open(os.path.join(workdir, "chromedriver.log"), "w")
        self.process = subprocess.Popen([CHROMEDRIVER, "--port=%d" % self.port], stdout=self.log,
                                        stderr=subprocess.STDOUT)
        self.base = "http://127.0.0.1:%d" % self.port
        self.session = None
        self.browser_pids = []
        try:
            wait_until(lambda: self.process.poll() is not None or self._ready(), "chromedriver")
            if self.process.poll() is not None:
                raise RuntimeError("chromedriver exited with %s" % self.process.returncode)
            capabilities = {
                "browserName": "chrome",
                "pageLoadStrategy": "normal",
                "unhandledPromptBehavior": "ignore",  # an alert stays open, for GET /alert/text to see it
                "timeouts": {"implicit": 0, "pageLoad": 15000, "script": 10000},
                "goog:chromeOptions": {
                    "binary": CHROMIUM,
                    "args": ["--headless", "--no-sandbox", "--disable-gpu", "--no-first-run",
                             "--disable-background-networking", "--disable-component-update", "--disable-sync",
                             "--user-data-dir=" + self.profile],
                },
            }
            created = self._request("POST", "/session", {"capabilities": {"alwaysMatch": capabilities}})
            self.session = created["sessionId"]
            self.browser_pids = children_of([self.process.pid])
            self.call("POST", "/window/rect", {"width": 1100, "height": 820})
        except BaseException:
            self.quit()
            raise

    def _ready(self):
        try:
            with urllib.request.urlopen(self.base + "/status", timeout=1) as r:
                return json.loads(r.read())["value"]["ready"]
        except OSError:
            return False

    def _request(self, method, path, body=None):
        data = None if body is None else json.dumps(body).encode()
        req = urllib.request.Request(self.base + path, data=data, method=method,
                                     headers={"Content-Type": "application/json; charset=utf-8"})
        try:
            with urllib.request.urlopen(req, timeout=60) as response:
                return json.loads(response.read())["value"]
        except urllib.error.HTTPError as e:
            text = e.read().decode(errors="replace")
            try:
                value = json.loads(text)["value"]
                raise WebDriverError(e.code, value.get("error"), value.get("message", "")) from None
            except (ValueError, KeyError, TypeError, AttributeError):
                raise WebDriverError(e.code, "http error", text) from None

    def call(self, method, path, body=None):
        return self._request(method, "/session/%s%s" % (self.session, path), body)

    # navigation and elements

    def get(self, url):
        self.call("POST", "/url", {"url": url})

    @property
    def url(self):
        return self.call("GET", "/url")

    @property
    def title(self):
        return self.execute("return document.title")

    def execute(self, script, *args):
        return self.call("POST", "/execute/sync", {"script": script, "args": list(args)})

    def execute_async(self, script, *args):
        """Runs `script`, whose last argument is the callback that gives its result."""
        return self.call("POST", "/execute/async", {"script": script, "args": list(args)})

    def find(self, css):
        return Element(self, self.call("POST", "/element", {"using": "css selector", "value": css})[ELEMENT])

    def find_all(self, css):
        found = self.call("POST", "/elements", {"using": "css selector", "value": css})
        return [Element(self, e[ELEMENT]) for e in found]

    def wait_for(self, css, timeout=WAIT):
        """The element `css` selects, once there is one (polled: an explicit wait)."""
        return wait_until(lambda: self.find(css), "an element matching %r on %s" % (css, self.url), timeout)

    def submit_with(self, button, expect):
        """Clicks a form's submit button and waits for the next page: the old one goes stale, `expect` appears."""
        root = self.find("html")
        button.click()
        wait_until(root.is_stale, "the page after submitting to go")
        return self.wait_for(expect)

    def alert_text(self):
        """The open alert's text, or None when the browser says "no such alert"."""
        try:
            return self.call("GET", "/alert/text")
        except WebDriverError as e:
            if e.error == "no such alert":
                return None
            raise

    def screenshot(self, path):
        png = base64.b64decode(self.call("GET", "/screenshot"))
        with open(path, "wb") as f:
            f.write(png)
        return png

    def quit(self):
        """Ends the session (chromedriver closes Chromium), then stops chromedriver and anything left of
        Chromium by pid: its processes seen at start, those still under chromedriver, those naming our profile."""
        try:
            leftovers = set(self.browser_pids) | set(children_of([self.process.pid]))
            if self.session:
                try:
                    self._request("DELETE", "/session/" + self.session)
                except Exception:  # noqa: BLE001 - the pids below are stopped anyway
                    pass
                self.session = None
            if self.process.poll() is None:
                self.process.terminate()
                try:
                    self.process.wait(timeout=10)
                except subprocess.TimeoutExpired:
                    self.process.kill()
                    self.process.wait()
            # only pids still running our Chromium (a pid can be reused once its process is gone)
            alive = [p for p in leftovers | set(pids_mentioning(self.profile)) if p in set(pids_mentioning("chrom"))]
            kill_pids(alive)
        finally:
            self.log.close()


# --- PNG: decode with zlib, refuse a blank image ----------------------------------------------------------------------

def png_pixels(png):
    """Width, height, bytes per pixel and the unfiltered rows of an 8-bit, non-interlaced PNG."""
    assert png[:8] == b"\x89PNG\r\n\x1a\n", "not a PNG"
    pos, idat, header = 8, [], None
    while pos < len(png):
        length, kind = struct.unpack(">I4s", png[pos:pos + 8])
        data = png[pos + 8:pos + 8 + length]
        if zlib.crc32(kind + data) != struct.unpack(">I", png[pos + 8 + length:pos + 12 + length])[0]:
            raise AssertionError("bad CRC in the PNG's %s chunk" % kind)
        if kind == b"IHDR":
            header = struct.unpack(">IIBBBBB", data)
        elif kind == b"IDAT":
            idat.append(data)
        elif kind == b"IEND":
            break
        pos += 12 + length
    width, height, depth, color, _, _, interlace = header
    assert depth == 8 and interlace == 0, "unexpected PNG format %s" % (header,)
    bpp = {0: 1, 2: 3, 4: 2, 6: 4}[color]
    raw = zlib.decompress(b"".join(idat))
    stride = width * bpp
    assert len(raw) == height * (stride + 1), "PNG data of %d bytes for %dx%d" % (len(raw), width, height)
    rows, prior = [], bytearray(stride)
    for y in range(height):
        kind = raw[y * (stride + 1)]
        line = bytearray(raw[y * (stride + 1) + 1:(y + 1) * (stride + 1)])
        if kind == 1:    # Sub
            for i in range(bpp, stride):
                line[i] = (line[i] + line[i - bpp]) & 0xFF
        elif kind == 2:  # Up
            line = bytearray((a + b) & 0xFF for a, b in zip(line, prior))
        elif kind == 3:  # Average
            for i in range(stride):
                left = line[i - bpp] if i >= bpp else 0
                line[i] = (line[i] + ((left + prior[i]) >> 1)) & 0xFF
        elif kind == 4:  # Paeth
            for i in range(stride):
                a = line[i - bpp] if i >= bpp else 0
                b = prior[i]
                c = prior[i - bpp] if i >= bpp else 0
                p = a + b - c
                pa, pb, pc = abs(p - a), abs(p - b), abs(p - c)
                line[i] = (line[i] + (a if pa <= pb and pa <= pc else b if pb <= pc else c)) & 0xFF
        else:
            assert kind == 0, "bad PNG filter %d" % kind
        rows.append(bytes(line))
        prior = line
    return width, height, bpp, rows


def assert_not_blank(png):
    """A page's screenshot has many colours (text is anti-aliased) and rows that differ; a blank one has not."""
    width, height, bpp, rows = png_pixels(png)
    assert width >= 200 and height >= 200, "screenshot of %dx%d" % (width, height)
    colours = set()
    for row in rows[::4]:
        colours.update(row[i:i + 3] for i in range(0, len(row), bpp * 3))
    distinct_rows = len(set(rows))
    distinct_bytes = len(set(b"".join(rows[::8])))
    assert len(colours) > 20 and distinct_bytes > 20 and distinct_rows > height // 20, \
        "blank screenshot: %d colours, %d byte values, %d distinct rows of %d" % (len(colours), distinct_bytes,
                                                                                  distinct_rows, height)
    return width, height, len(colours)


# --- the tests --------------------------------------------------------------------------------------------------

class BrowserTest(unittest.TestCase):
    shots = {}

    @classmethod
    def setUpClass(cls):
        cls.tmp = tempfile.TemporaryDirectory(prefix="mi_browser_test_")
        cls.addClassCleanup(cls.tmp.cleanup)
        cls.quiet_expected = False  # set once the page has set a level that hides the daemon's notices
        cls.d = Daemon(cls.tmp.name)
        cls.addClassCleanup(cls.stop_daemon)
        cls.b = WebDriver(cls.tmp.name)
        cls.addClassCleanup(cls.b.quit)  # runs before the daemon's stop (cleanups run last in, first out)
        os.makedirs(SCREENSHOTS, exist_ok=True)

    @classmethod
    def stop_daemon(cls):
        cls.d.stop()
        log = cls.d.stderr()
        assert "ready" in log, log
        if cls.quiet_expected:  # level 1 (warning): the notice "stopping" must not have been written
            assert "stopping" not in log, "the daemon logged a notice at log level 1:\n" + log

    def page(self, path):
        self.b.get(self.d.base + path)

    def command_page(self, command):
        self.page("/html/core/" + command)
        self.assertEqual(self.b.wait_for("h2#command").text, command)

    def result(self, expect_class="ok"):
        """The result section's parsed JSON, after checking its class (ok or error)."""
        section = self.b.wait_for("section#result")
        self.assertEqual(section.attribute("class"), expect_class, section.text)
        return json.loads(section.find("pre#result-json").text)

    def form_with_legend(self, legend):
        forms = [f for f in self.b.find_all("form") if f.find("legend").text == legend]
        self.assertEqual(len(forms), 1, "forms with the legend %r" % legend)
        return forms[0]

    def run_raw(self, command, arg, expect="section#result"):
        """Types `arg` into the raw form of `command`'s page and submits it."""
        self.command_page(command)
        field = self.b.find("form#raw input#arg")
        self.assertEqual(field.attribute("name"), "arg")
        field.send_keys(arg)
        return self.b.submit_with(self.b.find("form#raw button[type=submit]"), expect)

    def assert_nothing_ran(self):
        self.assertNotEqual(self.b.title, "pwned")
        self.assertIsNone(self.b.alert_text())
        self.assertEqual(self.b.execute("return document.scripts.length"), 0)
        self.assertEqual(self.b.execute("return document.querySelectorAll('img').length"), 0)

    def save_screenshot(self, name):
        path = os.path.join(SCREENSHOTS, name)
        width, height, colours = assert_not_blank(self.b.screenshot(path))
        BrowserTest.shots[name] = (path, width, height, colours)
        return path

    def test_1_log_level_from_the_index_link_and_its_form(self):
        self.page("/html")
        table = self.b.wait_for("table#commands")
        self.assertIn("core", [a.text for a in self.b.find_all("nav a")])
        links = [a for a in table.find_all("a") if a.text == "log_level"]
        self.assertEqual(len(links), 1, "links named log_level in the command table")
        self.assertTrue(links[0].attribute("href").endswith("/html/core/log_level"))
        root = self.b.find("html")
        links[0].click()
        wait_until(root.is_stale, "the index to go")
        self.assertEqual(self.b.wait_for("h2#command").text, "log_level")
        self.assertEqual(self.b.find("p#help").text, LOG_LEVEL_HELP)
        self.assertEqual(self.b.find_all("section#result"), [])
        self.save_screenshot("command_page.png")

        current = {p["Log level"] for p in self.d.json_rpc("log_level")["Processes"]}
        level = 4 if current != {4} else 2
        form = self.form_with_legend("With level")
        inputs = form.find_all("input[type=text]")
        self.assertEqual([i.attribute("name") for i in inputs], ["param.level"])
        field = form.find('input[name="param.level"]')
        self.assertEqual(field.attribute("id"), form.attribute("id") + "-level")
        field.send_keys(str(level))
        form_id = form.attribute("id")
        self.b.submit_with(form.find("button[type=submit]"), "section#result")
        self.assertEqual(self.result(), {"New global log level": level})
        self.assertEqual(self.b.find("section#result h2").text, "Result")
        # the form sent keeps its value
        self.assertEqual(self.b.find('form#%s input[name="param.level"]' % form_id).property("value"), str(level))
        # the daemon really changed: every thread reads the new level over JSON-RPC
        processes = self.d.json_rpc("log_level")["Processes"]
        self.assertEqual(len(processes), 2)  # --threads 2: the attendant and a worker
        self.assertEqual({p["Log level"] for p in processes}, {level})

        # and its own log follows the level: at 1 (warning) its notices ("stopping" at the end) are not written
        form = self.form_with_legend("With level")
        form.find('input[name="param.level"]').clear()
        form.find('input[name="param.level"]').send_keys("1")
        self.b.submit_with(form.find("button[type=submit]"), "section#result")
        self.assertEqual(self.result(), {"New global log level": 1})
        self.assertEqual({p["Log level"] for p in self.d.json_rpc("log_level")["Processes"]}, {1})
        BrowserTest.quiet_expected = True

    def test_2_get_statistics_with_the_raw_form(self):
        self.run_raw("get_statistics", '[["core:"]]')
        stats = self.result()
        self.assertIsInstance(stats, dict)
        self.assertEqual(set(stats), {"core:rcv_requests"})
        self.assertTrue(all(type(v) is int for v in stats.values()), stats)
        self.assertGreaterEqual(stats["core:rcv_requests"], 1)
        self.assertEqual(self.b.find("input#arg").property("value"), '[["core:"]]')  # the params sent, shown again
        self.save_screenshot("result_page.png")

    def test_3_get_statistics_with_its_parameter_form(self):
        self.command_page("get_statistics")
        form = self.form_with_legend("With statistics")
        form.find('input[name="param.statistics"]').send_keys('["all"]')
        self.b.submit_with(form.find("button[type=submit]"), "section#result")
        stats = self.result()
        self.assertTrue({"core:rcv_requests", "mi:http_requests", "mi:errors", "cache:entries"} <= set(stats), stats)
        self.assertTrue(all(type(v) is int and v >= 0 for v in stats.values()), stats)
        self.assertGreaterEqual(stats["mi:http_requests"], 1)  # this very call came over HTTP

    def test_4_bad_json_is_a_500_problem_page(self):
        problem = self.run_raw("get_statistics", "[1,", expect="section#problem")
        self.assertEqual(problem.attribute("class"), "error")
        self.assertEqual(problem.find("h2").text, "Internal server error!")
        self.assertEqual(self.b.find_all("section#result"), [])
        # WebDriver does not show the status: the same URL again, with urllib
        url = urllib.parse.urlsplit(self.b.url)
        self.assertEqual(urllib.parse.parse_qs(url.query), {"arg": ["[1,"]})
        status, body = self.d.get(url.path + "?" + url.query)
        self.assertEqual(status, 500)
        self.assertIn('id="problem"', body)
        self.assertIn("Internal server error!", body)
        # an unknown command: 406, the same problem section
        self.page("/html/core/no_such_command")
        self.assertIn("Unable to parse URL!", self.b.wait_for("section#problem h2").text)
        self.assertEqual(self.d.get("/html/core/no_such_command")[0], 406)

    def test_5_markup_is_shown_never_run(self):
        # stored through the raw form: the params as JSON, JSON-escaped
        self.run_raw("cache_store", json.dumps(["local", "x", XSS]))
        self.assertEqual(self.result(), "OK")
        self.assertEqual(json.loads(self.b.find("input#arg").property("value")), ["local", "x", XSS])
        self.assert_nothing_ran()
        # and through the parameter form, whose fields come back filled (attribute values)
        self.command_page("cache_store")
        form = self.form_with_legend("With system, attr, value")
        for name, value in (("system", "local"), ("attr", "y"), ("value", XSS)):
            form.find('input[name="param.%s"]' % name).send_keys(value)
        form_id = form.attribute("id")
        self.b.submit_with(form.find("button[type=submit]"), "section#result")
        self.assertEqual(self.result(), "OK")
        self.assertEqual(self.b.find('form#%s input[name="param.value"]' % form_id).property("value"), XSS)
        self.assert_nothing_ran()

        for key in ("x", "y"):
            self.run_raw("cache_fetch", json.dumps(["local", key]))
            self.assertIn("<script>document.title='pwned'</script>", self.b.find("pre#result-json").text)
            self.assertEqual(self.result(), {"key": key, "value": XSS})
            self.assertEqual(self.b.title, "cache_fetch - mi_daemon")
            self.assert_nothing_ran()

        # markup in the URL: in a parameter (an error page showing the params in the raw form) ...
        self.page('/html/core/cache_fetch?arg=["local","<script>alert(1)</script>"]')
        error = self.result("error")
        self.assertEqual(error, {"code": 400, "message": "Value not found"})
        self.assertEqual(self.b.find("section#result h2").text, "Error 400: Value not found")
        self.assertEqual(json.loads(self.b.find("input#arg").property("value")), ["local", "<script>alert(1)</script>"])
        self.assert_nothing_ran()
        # ... in an error's data ...
        self.page('/html/core/log_level?arg={"level":"<script>alert(1)</script>"}')
        self.result("error")
        self.assertEqual(self.b.find("p#error-data").text, "Bad type for parameter 'level'")
        self.assert_nothing_ran()
        # ... and in the path (406)
        for path in ("/html/core/<script>alert(1)</script>", "/html/<script>alert(1)</script>",
                     "/html/core/cache_fetch/<img src=x onerror=alert(1)>"):
            self.page(path)
            self.b.wait_for("section#problem")
            self.assert_nothing_ran()


class PageServer:
    """A blank page served on its own loopback port: an origin of its own for cross-origin fetches."""

    def __init__(self, workdir):
        import http.server
        import threading
        root = tempfile.mkdtemp(prefix="page_", dir=workdir)
        with open(os.path.join(root, "index.html"), "w") as f:
            f.write("<!doctype html><title>another origin</title>")
        handler = lambda *a: http.server.SimpleHTTPRequestHandler(*a, directory=root)  # noqa: E731
        http.server.SimpleHTTPRequestHandler.log_message = lambda *a: None
        self.server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
        self.origin = "http://127.0.0.1:%d" % self.server.server_address[1]
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    def stop(self):
        self.server.shutdown()
        self.server.server_close()


# What a page's script gets from a cross-origin fetch: the JSON answer and the session header it could read, or
# the browser's refusal.
CROSS_ORIGIN_FETCH = """
const [url, body, done] = arguments;
fetch(url, {method: "POST", headers: {"Content-Type": "application/json", "Accept": "application/json, text/event-stream"},
            body: body})
    .then(async (r) => done({status: r.status, session: r.headers.get("Mcp-Session-Id"), body: await r.text()}))
    .catch((e) => done({refused: String(e)}));
"""


class CorsTest(unittest.TestCase):
    """CORS in Chromium itself: a page on an allowed origin calls JSON-RPC and MCP (a preflight each, since the
    body is application/json), a page on another origin is refused by the browser."""

    @classmethod
    def setUpClass(cls):
        cls.tmp = tempfile.TemporaryDirectory(prefix="mi_cors_test_")
        cls.addClassCleanup(cls.tmp.cleanup)
        cls.allowed = PageServer(cls.tmp.name)
        cls.addClassCleanup(cls.allowed.stop)
        cls.other = PageServer(cls.tmp.name)
        cls.addClassCleanup(cls.other.stop)
        cls.d = daemon_test.Daemon(cls.tmp.name, extra=["--mcp", "--allow-origin", cls.allowed.origin])
        cls.addClassCleanup(cls.d.stop)
        cls.b = WebDriver(cls.tmp.name)
        cls.addClassCleanup(cls.b.quit)
        cls.base = "http://127.0.0.1:%d" % cls.d.http_port

    def fetch_from(self, page, path, body):
        self.b.get(page.origin + "/index.html")
        return self.b.execute_async(CROSS_ORIGIN_FETCH, self.base + path, json.dumps(body))

    def test_an_allowed_origin_calls_json_rpc_and_mcp(self):
        answer = self.fetch_from(self.allowed, "/mi", {"jsonrpc": "2.0", "id": 1, "method": "pwd"})
        self.assertEqual(answer.get("status"), 200, answer)
        self.assertIn("WD", json.loads(answer["body"])["result"])
        answer = self.fetch_from(self.allowed, "/mcp", {
            "jsonrpc": "2.0", "id": 1, "method": "initialize",
            "params": {"protocolVersion": "2025-11-25", "capabilities": {}, "clientInfo": {"name": "page", "version": "1"}}})
        self.assertEqual(answer.get("status"), 200, answer)
        self.assertRegex(answer["session"] or "", "^[0-9a-f]{32}$")  # exposed to the page's script

    def received(self):
        """core:rcv_requests, which counts every MI request (this one too)."""
        status, _, body = self.d.curl(daemon_test.opensips_request("get_statistics", {"statistics": ["rcv_requests"]}))
        self.assertEqual(status, 200, body)
        return json.loads(body)["result"]["core:rcv_requests"]

    def test_another_origin_is_refused_by_the_browser(self):
        before = self.received()
        for path in ("/mi", "/mcp"):
            answer = self.fetch_from(self.other, path, {"jsonrpc": "2.0", "id": 1, "method": "pwd"})
            self.assertIn("refused", answer, answer)
            self.assertIn("Failed to fetch", answer["refused"])
        self.assertEqual(self.received(), before + 1)  # the preflight failed, so the call itself was never sent


def main():
    global DAEMON, SCREENSHOTS
    if len(sys.argv) < 3:
        sys.exit(__doc__)
    DAEMON = os.path.abspath(sys.argv.pop(1))
    daemon_test.DAEMON = DAEMON
    SCREENSHOTS = os.path.abspath(sys.argv.pop(1))
    started = time.monotonic()
    run = unittest.main(verbosity=2, exit=False)
    for name in ("command_page.png", "result_page.png"):
        if name in BrowserTest.shots:
            path, width, height, colours = BrowserTest.shots[name]
            print("screenshot: %s (%dx%d, %d colours)" % (path, width, height, colours))
    print("%.1f s" % (time.monotonic() - started))
    sys.exit(0 if run.result.wasSuccessful() else 1)


if __name__ == "__main__":
    main()

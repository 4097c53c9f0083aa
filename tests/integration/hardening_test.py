#!/usr/bin/env python3
# Copyright (c) 2026 the mi authors. Distributed under the Boost Software License, Version 1.0.
# SPDX-License-Identifier: BSL-1.0
"""Hardening tests of mi_daemon: SIGKILL under load and a restart on the same paths and ports, what the FIFO
and UNIX socket transports do with a file that is not theirs at their paths, memory and descriptors flat over
100,000 requests per transport, and a client that never reads its responses. The daemon runs on 127.0.0.1 with
files in a fresh temp dir and is stopped by its pid; every client call has a deadline, so that nothing can
hang the test. The leak check prints its figures to stdout (they show in the CTest log).

usage: hardening_test.py PATH/TO/mi_daemon"""

import http.client
import json
import mmap
import os
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

sys.dont_write_bytecode = True  # no __pycache__ in the source tree
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import daemon_test  # noqa: E402  (its Daemon's clients and helpers; DAEMON is set in __main__)
from daemon_test import free_port, opensips_request, result_of  # noqa: E402

MiB = 1024 * 1024


def built_with_asan(path):
    """Whether the daemon is an AddressSanitizer build (CI's `sanitize` configuration): it runs several times
    slower, and ASan's quarantine keeps freed memory (256 MiB by default) out of reuse, so that RSS grows
    under load without any leak."""
    with open(path, "rb") as f, mmap.mmap(f.fileno(), 0, access=mmap.ACCESS_READ) as m:
        return m.find(b"__asan_init") >= 0


def without_quarantine():
    """The environment for a daemon whose RSS is measured: in an ASan build, no quarantine (freed memory is
    reused as by a plain allocator, so RSS stays flat unless something is kept); nothing changes otherwise.
    LeakSanitizer still checks at the daemon's exit."""
    options = [o for o in os.environ.get("ASAN_OPTIONS", "").split(":") if o]
    return dict(os.environ, ASAN_OPTIONS=":".join(options + ["quarantine_size_mb=0"]))


# --- the daemon -------------------------------------------------------------------------------------------------

class Daemon(daemon_test.Daemon):
    """daemon_test.Daemon with ports and paths that may be given, so that a restart reuses them. "Up" is the
    daemon's own `ready` line (after every transport started), not files at the paths: after a SIGKILL the
    stale FIFO and socket are there before the new daemon replaced them. A start that fails (a port still
    taken) is tried again for `retry_for` seconds; `attempts` tells how many it took."""

    def __init__(self, workdir, http_port=None, udp_port=None, retry_for=0.0, name="daemon", env=None):
        self.dir = workdir
        self.http_port = http_port or free_port()
        self.udp_port = udp_port or free_port(socket.SOCK_DGRAM)
        self.fifo = os.path.join(workdir, "opensips_fifo")
        self.unix = os.path.join(workdir, "opensips.sock")
        self.log = open(os.path.join(workdir, name + ".log"), "w+")
        self.attempts = 0
        give_up = time.monotonic() + retry_for
        while True:
            self.attempts += 1
            self.process = subprocess.Popen(
                [daemon_test.DAEMON, "--http", f"127.0.0.1:{self.http_port}", "--fifo", self.fifo,
                 "--reply-dir", workdir + "/", "--udp", f"127.0.0.1:{self.udp_port}", "--unix", self.unix,
                 "--threads", "2"], stdout=self.log, stderr=subprocess.STDOUT, env=env)
            ready = "mi_daemon[%d]: ready\n" % self.process.pid
            deadline = time.monotonic() + 10
            while time.monotonic() < deadline and self.process.poll() is None and ready not in self.output():
                time.sleep(0.05)
            if ready in self.output():
                return
            if self.process.poll() is None:  # neither up nor gone
                self.kill()
                self.terminate()
                raise RuntimeError("mi_daemon did not come up: " + self.output())
            if time.monotonic() > give_up:
                self.terminate()
                raise RuntimeError("mi_daemon exited: " + self.output())
            time.sleep(0.2)

    def kill(self):
        """SIGKILL by pid, and the exit reaped."""
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGKILL)
        self.process.wait(timeout=10)

    def rss(self):
        """VmRSS in bytes."""
        with open("/proc/%d/status" % self.process.pid) as f:
            for line in f:
                if line.startswith("VmRSS:"):
                    return int(line.split()[1]) * 1024
        raise AssertionError("no VmRSS")

    def fds(self):
        return len(os.listdir("/proc/%d/fd" % self.process.pid))

    def settled_fds(self, expected, within=3.0):
        """The descriptor count, read again for up to `within` seconds until it is `expected` (closing a
        connection the peer left is asynchronous in the daemon)."""
        deadline = time.monotonic() + within
        while True:
            count = self.fds()
            if count == expected or time.monotonic() > deadline:
                return count
            time.sleep(0.05)

    def statistic(self, name):
        """One statistic of the mi: group, read over UDP (which the FIFO's and HTTP's counters do not see)."""
        return result_of(udp_call(self, opensips_request("get_statistics", {"statistics": ["mi:"]}), 2.0))["mi:" + name]


# --- clients, each call bounded by a deadline ---------------------------------------------------------------------

def http_call(connection, payload):
    connection.request("POST", "/mi", payload, {"Content-Type": "application/json"})
    response = connection.getresponse()
    body = response.read().decode()
    if response.status != 200:
        raise AssertionError("HTTP %d: %s" % (response.status, body))
    return body


def udp_call(d, payload, timeout, answers=1):
    """The answer (the last of `answers`: an asynchronous command's provisional one comes first)."""
    deadline = time.monotonic() + timeout
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as s:
        s.settimeout(timeout)
        s.sendto(payload.encode(), ("127.0.0.1", d.udp_port))
        for _ in range(answers):
            s.settimeout(max(0.001, deadline - time.monotonic()))
            reply = s.recvfrom(65535)[0].decode()
        return reply


class UnixClient:
    """A UNIX datagram client bound to a path of its own, kept for many calls (a timed-out call's late answer
    is told apart by its id)."""

    def __init__(self, d, name, timeout):
        self.path = os.path.join(d.dir, name)
        self.target = d.unix
        self.timeout = timeout
        self.socket = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
        self.socket.bind(self.path)

    def call(self, payload, rid, answers=1):
        deadline = time.monotonic() + self.timeout
        self.socket.settimeout(self.timeout)  # sendto too: a full queue of the daemon's socket blocks it
        self.socket.sendto(payload.encode(), self.target)
        while True:
            self.socket.settimeout(max(0.001, deadline - time.monotonic()))
            reply = self.socket.recv(65535).decode()
            if '"id":"%s"' % rid in reply:
                answers -= 1
                if answers == 0:
                    return reply

    def close(self):
        self.socket.close()
        os.unlink(self.path)


class FifoClient:
    """python-opensips' FIFO protocol (`:REPLY_NAME:json` into the daemon's FIFO, the answer read to EOF from
    reply_dir + REPLY_NAME), with a reply FIFO made once and reused for every call: the daemon opens it for
    each answer and closes it after writing. The reply FIFO is opened for reading before the request is
    written (the daemon finds a reader at once, as with mi::client), and the request FIFO is opened
    non-blocking, so that a daemon that is gone is ENXIO at once instead of an open that never returns."""

    def __init__(self, d, name):
        self.name = name
        self.request_path = d.fifo
        self.reply_path = os.path.join(d.dir, name)
        if os.path.lexists(self.reply_path):
            os.unlink(self.reply_path)
        os.mkfifo(self.reply_path, 0o600)

    def call(self, payload, timeout, answers=1):
        """The answer, or with answers=2 (an asynchronous command) the provisional and the final one: each is
        its own open, write and close by the daemon, so the reply FIFO is opened afresh for each (the daemon
        retries an open that finds no reader for 320 ms)."""
        deadline = time.monotonic() + timeout
        frame = (":" + self.name + ":" + payload).encode()
        assert len(frame) <= select.PIPE_BUF  # one write(2), never mixed with another client's
        reader = os.open(self.reply_path, os.O_RDONLY | os.O_NONBLOCK)
        try:
            writer = os.open(self.request_path, os.O_WRONLY | os.O_NONBLOCK)
            try:
                while True:
                    try:
                        os.write(writer, frame)
                        break
                    except BlockingIOError:  # the request FIFO is full: wait for room, not past the deadline
                        wait(writer, select.POLLOUT, deadline)
            finally:
                os.close(writer)
            replies = [daemon_test.read_until_hangup(reader, deadline)]
            while len(replies) < answers:
                os.close(reader)
                reader = os.open(self.reply_path, os.O_RDONLY | os.O_NONBLOCK)
                replies.append(daemon_test.read_until_hangup(reader, deadline))
            return replies[0] if answers == 1 else replies
        finally:
            os.close(reader)

    def close(self):
        os.unlink(self.reply_path)


def wait(fd, event, deadline):
    """poll(2) for `event` until `deadline`; TimeoutError past it."""
    poller = select.poll()
    poller.register(fd, event)
    while True:
        left = deadline - time.monotonic()
        if left <= 0:
            raise TimeoutError("no answer in time")
        events = poller.poll(max(1, int(left * 1000)))
        if events:
            return events[0][1]


def request_for(i, rid):
    """A mix of commands whose answers need no state: help with and without a name, which, uptime, version."""
    kind = i % 5
    if kind == 0:
        return opensips_request("help", {"mi_cmd": "uptime"}, rid=rid)
    if kind == 1:
        return opensips_request("which", rid=rid)
    if kind == 2:
        return opensips_request("uptime", rid=rid)
    if kind == 3:
        return opensips_request("version", rid=rid)
    return opensips_request("help", rid=rid)


def answered(reply, rid):
    return reply.startswith('{"jsonrpc":"2.0","result":') and reply.endswith('"id":"%s"}' % rid)


def outcome_of(reply, rid):
    """"answer"; "cut off" when the reply is not JSON at all: a FIFO reply whose writer died before its last
    byte (the daemon opens the reply FIFO before it runs the command), which its client sees as an error;
    "wrong answer" for any other reply, which no kill can excuse."""
    if answered(reply, rid):
        return "answer"
    try:
        json.loads(reply)
    except ValueError:
        return "cut off"
    return "wrong answer"


class Clients:
    """One client of a transport, for one thread: `call(payload, rid)` returns the reply text or raises."""

    def __init__(self, d, transport, name, timeout):
        self.transport = transport
        self.d = d
        self.timeout = timeout
        self.connection = None
        self.client = None
        if transport == "fifo":
            self.client = FifoClient(d, "reply_" + name)
        elif transport == "unix":
            self.client = UnixClient(d, "unix_" + name, timeout)

    def call(self, payload, rid, answers=1):
        """The answer; with answers=2 (an asynchronous command) the final one, HTTP's only one."""
        if self.transport == "http":
            if self.connection is None:
                self.connection = http.client.HTTPConnection("127.0.0.1", self.d.http_port, timeout=self.timeout)
            try:
                return http_call(self.connection, payload)
            except BaseException:
                self.connection.close()  # a fresh connection for the next call
                self.connection = None
                raise
        if self.transport == "fifo":
            replies = self.client.call(payload, self.timeout, answers)
            return replies if answers == 1 else replies[-1]
        if self.transport == "udp":
            return udp_call(self.d, payload, self.timeout, answers)
        return self.client.call(payload, rid, answers)

    def hang_up(self):
        """Closes the HTTP connection; the next call opens another."""
        if self.connection is not None:
            self.connection.close()
            self.connection = None

    def close(self):
        self.hang_up()
        if self.client is not None:
            self.client.close()


TRANSPORTS = ("http", "fifo", "udp", "unix")


class TempDirTest(unittest.TestCase):
    def setUp(self):
        tmp = tempfile.TemporaryDirectory(prefix="mi_hardening_")
        self.addCleanup(tmp.cleanup)
        self.dir = tmp.name

    def daemon(self, workdir=None, **kwargs):
        d = Daemon(workdir or self.dir, **kwargs)
        self.addCleanup(d.terminate)  # runs before the temp dir goes (cleanups run last in, first out)
        return d


# --- 1. faults ------------------------------------------------------------------------------------------------------

class FaultTest(TempDirTest):
    CALL_TIMEOUT = 3.0
    MARGIN = 1.5   # a thread of a busy interpreter may wait this long for the GIL after its deadline
    THREADS = 3    # per transport, looping over quick commands
    SLOW_MS = 2000  # and one more per transport calling async_echo, whose answer takes this long
    AFTER = 0.5    # the quick loops go on this long after the kill, against a dead daemon

    def test_sigkill_under_load_then_restart_on_the_same_paths_and_ports(self):
        d = self.daemon()
        stop = threading.Event()
        calls = []  # (transport, slow, started, ended, outcome)
        lock = threading.Lock()

        def load(transport, index, slow):
            client = Clients(d, transport, "%s_%d" % (transport, index), self.CALL_TIMEOUT)
            try:
                i = 0
                while not stop.is_set():
                    rid = "%s-%d-%d" % (transport, index, i)
                    if slow:
                        payload = opensips_request("async_echo", {"text": "late", "delay_ms": str(self.SLOW_MS)},
                                                   rid=rid)
                    else:
                        payload = request_for(i, rid)
                    started = time.monotonic()
                    try:
                        reply = client.call(payload, rid, 2 if slow else 1)
                        outcome = outcome_of(reply, rid)
                        if outcome == "wrong answer":
                            print("wrong answer over %s to %s: %r" % (transport, rid, reply))
                    except Exception as e:  # the daemon died: any error is fine, a hang is not
                        outcome = type(e).__name__
                    with lock:
                        calls.append((transport, slow, started, time.monotonic(), outcome))
                    i += 1
            finally:
                client.close()

        threads = [threading.Thread(target=load, args=(t, i, i == self.THREADS), daemon=True)
                   for t in TRANSPORTS for i in range(self.THREADS + 1)]
        for t in threads:
            t.start()
        time.sleep(1.0)  # the slow calls, begun at once, wait for their answers another second
        with lock:
            before = {t: sum(1 for c in calls if c[0] == t and c[4] == "answer") for t in TRANSPORTS}
        os.kill(d.process.pid, signal.SIGKILL)
        killed = time.monotonic()
        time.sleep(self.AFTER)
        stop.set()
        for t in threads:  # each ends the call it is in, at the latest at its timeout
            t.join(timeout=max(0.1, killed + self.AFTER + self.CALL_TIMEOUT + self.MARGIN - time.monotonic()))
        self.assertEqual([t.name for t in threads if t.is_alive()], [], "client threads still in a call")
        self.assertEqual(d.process.wait(timeout=10), -signal.SIGKILL)
        d.terminate()

        self.assertEqual([t for t in TRANSPORTS if before[t] == 0], [], "every transport answered before the kill")
        self.assertNotIn("wrong answer", {c[4] for c in calls})
        self.assertEqual([c for c in calls if c[4] == "cut off" and c[3] < killed], [], "cut off before the kill")
        longest = max(c[3] - c[2] for c in calls)
        self.assertLessEqual(longest, self.CALL_TIMEOUT + self.MARGIN, "a call outlived its timeout")
        in_flight = [c for c in calls if c[2] <= killed < c[3]]
        after = [c for c in calls if c[2] > killed]
        # the slow call of each transport was waiting for the daemon when it died: it ended without an answer
        waiting = {c[0]: c[4] for c in in_flight if c[1]}
        self.assertEqual(sorted(waiting), sorted(TRANSPORTS))
        self.assertNotIn("answer", waiting.values())
        self.assertTrue(after)

        def outcomes(selected):
            counted = {}
            for c in selected:
                key = "%s %s" % (c[0], c[4])
                counted[key] = counted.get(key, 0) + 1
            return ", ".join("%s x%d" % item for item in sorted(counted.items()))

        print("\nSIGKILL after %s answers\n  %d calls in flight ended: %s\n  %d calls after it ended: %s\n"
              "  longest call %.2f s (timeout %.1f s)" % (before, len(in_flight), outcomes(in_flight), len(after),
                                                         outcomes(after), longest, self.CALL_TIMEOUT), flush=True)

        # SIGKILL leaves the FIFO and the socket file behind; a new daemon replaces them, on the same ports
        self.assertTrue(stat.S_ISFIFO(os.lstat(d.fifo).st_mode))
        self.assertTrue(stat.S_ISSOCK(os.lstat(d.unix).st_mode))
        again = self.daemon(http_port=d.http_port, udp_port=d.udp_port, retry_for=10.0, name="restarted")
        for transport in TRANSPORTS:
            client = Clients(again, transport, "after_" + transport, 5.0)
            try:
                reply = client.call(opensips_request("uptime", rid="after"), "after")
                self.assertIn("Up time", result_of(reply), transport)
            finally:
                client.close()
        print("  restart on the same paths and ports: up after %d attempt(s)" % again.attempts, flush=True)
        again.stop()  # exits 0
        self.assertFalse(os.path.lexists(again.fifo))
        self.assertFalse(os.path.lexists(again.unix))

    def start_failing(self, workdir):
        """Runs the daemon where it must refuse to start; its exit status and output."""
        command = [daemon_test.DAEMON, "--http", "127.0.0.1:%d" % free_port(), "--fifo",
                   os.path.join(workdir, "opensips_fifo"), "--reply-dir", workdir + "/",
                   "--udp", "127.0.0.1:%d" % free_port(socket.SOCK_DGRAM), "--unix",
                   os.path.join(workdir, "opensips.sock")]
        process = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
        try:
            output, _ = process.communicate(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
            self.fail("mi_daemon started where it must not")
        return process.returncode, output

    def test_what_is_not_a_fifo_or_socket_at_their_paths_is_left_alone(self):
        """remove_stale (transport/detail/unix_files.hpp) removes only a FIFO or a socket; anything else, a
        symlink included (lstat), stops the start with EEXIST and is neither followed, written nor removed."""
        def file_with(path, text):
            with open(path, "w") as f:
                f.write(text)

        def plant_file(path, outside):
            file_with(path, "precious\n")

        def plant_link_to_file(path, outside):
            file_with(os.path.join(outside, "target"), "precious\n")
            os.symlink(os.path.join(outside, "target"), path)

        def plant_link_to_fifo(path, outside):
            os.mkfifo(os.path.join(outside, "target"))
            os.symlink(os.path.join(outside, "target"), path)

        def plant_dangling_link(path, outside):
            os.symlink(os.path.join(outside, "target"), path)

        def plant_directory(path, outside):
            os.mkdir(path)
            file_with(os.path.join(path, "inside"), "precious\n")

        def snapshot(*roots):
            """Every file under the roots: type, inode, mode, target or contents."""
            seen = {}
            for root in roots:
                for where, dirs, files in os.walk(root):
                    for name in dirs + files:
                        path = os.path.join(where, name)
                        st = os.lstat(path)
                        if stat.S_ISLNK(st.st_mode):
                            what = os.readlink(path)
                        elif stat.S_ISREG(st.st_mode):
                            with open(path) as f:
                                what = f.read()
                        else:
                            what = None
                        seen[path] = (stat.S_IFMT(st.st_mode), st.st_ino, st.st_mode, what)
            return seen

        plants = (plant_file, plant_link_to_file, plant_link_to_fifo, plant_dangling_link, plant_directory)
        for which in ("opensips_fifo", "opensips.sock"):
            for plant in plants:
                with self.subTest(path=which, planted=plant.__name__):
                    with tempfile.TemporaryDirectory(prefix="mi_hardening_stale_") as top:
                        workdir, outside = os.path.join(top, "run"), os.path.join(top, "outside")
                        os.mkdir(workdir)
                        os.mkdir(outside)
                        plant(os.path.join(workdir, which), outside)
                        before = snapshot(workdir, outside)
                        status, output = self.start_failing(workdir)
                        self.assertEqual(status, 1, output)
                        self.assertIn("exists and is not a FIFO or socket; not removing it", output)
                        # the planted file as it was, and nothing else left (a FIFO made before the socket
                        # failed is removed again)
                        self.assertEqual(snapshot(workdir, outside), before)

    def test_answers_are_never_written_through_a_reply_path_that_is_not_a_fifo_of_its_own(self):
        """open_reply (transport/fifo.hpp): a reply name naming a regular file, a symlink (to a file or to a
        FIFO with a reader) or a FIFO with a second name is refused: nothing is written there, the command is
        not run, and the daemon goes on serving."""
        d = self.daemon()
        outside = os.path.join(self.dir, "outside")
        os.mkdir(outside)
        with open(os.path.join(self.dir, "victim_file"), "w") as f:
            f.write("precious\n")
        with open(os.path.join(outside, "target"), "w") as f:
            f.write("precious\n")
        os.symlink(os.path.join(outside, "target"), os.path.join(self.dir, "victim_link"))
        os.mkfifo(os.path.join(outside, "fifo"))
        os.symlink(os.path.join(outside, "fifo"), os.path.join(self.dir, "victim_link_to_fifo"))
        os.mkfifo(os.path.join(self.dir, "victim_two_names"))
        os.link(os.path.join(self.dir, "victim_two_names"), os.path.join(outside, "second_name"))
        readers = [os.open(os.path.join(outside, n), os.O_RDONLY | os.O_NONBLOCK) for n in ("fifo", "second_name")]
        try:
            before = d.statistic("fifo_requests")
            writer = os.open(d.fifo, os.O_WRONLY | os.O_NONBLOCK)
            try:
                for name in ("victim_file", "victim_link", "victim_link_to_fifo", "victim_two_names"):
                    os.write(writer, (":%s:%s" % (name, opensips_request("which"))).encode())
            finally:
                os.close(writer)
            client = FifoClient(d, "honest")  # requests are framed in order: once this is answered, the
            try:                              # four above have been refused
                self.assertIn("which", result_of(client.call(opensips_request("which"), 5.0)))
            finally:
                client.close()
            for reader in readers:
                try:
                    self.assertEqual(os.read(reader, 65536), b"")  # no writer ever came
                except BlockingIOError:
                    pass
        finally:
            for reader in readers:
                os.close(reader)
        for path in (os.path.join(self.dir, "victim_file"), os.path.join(outside, "target")):
            with open(path) as f:
                self.assertEqual(f.read(), "precious\n")
        self.assertTrue(os.path.islink(os.path.join(self.dir, "victim_link")))
        self.assertEqual(d.statistic("fifo_requests"), before + 1, "a refused reply path runs no command")
        d.stop()


# --- 2. leaks ---------------------------------------------------------------------------------------------------------

class LeakTest(TempDirTest):
    """100,000 requests through each transport, after a warm-up of 5,000 of them, leave the daemon's
    descriptors as they were and its RSS within RSS_BOUND.

    The bound: 95,000 measured requests that each kept a single heap block would keep at least
    95,000 x 32 bytes (glibc's smallest chunk) = 2.9 MiB, so a growth under 2 MiB rules out a leak of even one
    block per request (and a kept request or answer text, 80 to 300 bytes, would be 7 to 27 MiB), while what
    the allocator itself may hold on to (free chunks not given back, per-thread caches) stays far below it."""

    REQUESTS = 100_000  # 30,000 in an ASan build, which is 3 to 4 times slower
    WARMUP = 5_000
    THREADS = 2  # per transport: one waits for its answer while the other runs Python
    CALL_TIMEOUT = 5.0
    RSS_BOUND = 2 * MiB

    def setUp(self):
        super().setUp()
        if built_with_asan(daemon_test.DAEMON):
            self.REQUESTS = 30_000

    def test_memory_and_descriptors_stay_flat_over_100000_requests_per_transport(self):
        d = self.daemon(env=without_quarantine())
        base_fds = d.fds()
        figures = []
        started_all = time.monotonic()
        for transport in TRANSPORTS:
            # the previous transport's connections closed on the daemon's side too, before the next warm-up
            figures.append(self.run_transport(d, transport, base_fds))
        total = time.monotonic() - started_all
        print("\nleak check: %d requests per transport, %d client threads each, warm-up %d" % (
            self.REQUESTS, self.THREADS, self.WARMUP), flush=True)
        print("%-9s %9s %9s %10s %10s %10s %9s %9s" % (
            "transport", "requests", "seconds", "req/s", "RSS warm", "RSS end", "fds warm", "fds end"))
        for f in figures:
            print("%-9s %9d %9.1f %10.0f %9.0fK %9.0fK %9d %9d" % (
                f["transport"], f["requests"], f["seconds"], f["requests"] / f["seconds"], f["rss_before"] / 1024,
                f["rss_after"] / 1024, f["fds_before"], f["fds_after"]))
        print("total %.1f s; daemon RSS at the end %.0fK, VmHWM %s" % (total, d.rss() / 1024, self.hwm(d)), flush=True)
        for f in figures:
            with self.subTest(transport=f["transport"]):
                self.assertEqual(f["failures"], [])
                self.assertEqual((f["fds_before"], f["fds_after"]), (base_fds, base_fds))
                self.assertLess(f["rss_after"] - f["rss_before"], self.RSS_BOUND)
        stats = result_of(udp_call(d, opensips_request("get_statistics", {"statistics": ["mi:"]}), 5.0))
        self.assertEqual(stats["mi:http_requests"], self.REQUESTS)
        self.assertEqual(stats["mi:fifo_requests"], self.REQUESTS)
        self.assertEqual(stats["mi:errors"], 0)
        d.stop()

    @staticmethod
    def hwm(d):
        with open("/proc/%d/status" % d.process.pid) as f:
            return next(line.split(None, 1)[1].strip() for line in f if line.startswith("VmHWM:"))

    def run_transport(self, d, transport, base_fds):
        """Warm-up, a pause to measure, the rest, a pause to measure. The HTTP clients hang up before each
        measurement (and connect again after it), so that both count the daemon's descriptors with no client
        connection: the daemon also closes a kept-alive connection itself, every
        http::options::max_requests_per_connection requests, so how many are open at a given moment is not
        the test's to know. Closing is asynchronous in the daemon: the count is read until it is back to
        `base_fds` (or 3 s)."""
        share, warm = self.REQUESTS // self.THREADS, self.WARMUP // self.THREADS
        barrier = threading.Barrier(self.THREADS + 1, timeout=120)
        failures = []

        def run(index):
            client = Clients(d, transport, "leak_%s_%d" % (transport, index), self.CALL_TIMEOUT)
            try:
                for i in range(share):
                    if i == warm:
                        client.hang_up()
                        barrier.wait()  # measured
                        barrier.wait()  # go on
                    rid = "%d-%d" % (index, i)
                    try:
                        reply = client.call(request_for(i, rid), rid)
                        if not answered(reply, rid):
                            failures.append((rid, reply))
                    except Exception as e:
                        failures.append((rid, repr(e)))
                client.hang_up()
                barrier.wait()  # measured
                barrier.wait()  # closing
            except threading.BrokenBarrierError:
                failures.append(("barrier", "broken"))
            finally:
                client.close()

        threads = [threading.Thread(target=run, args=(i,), daemon=True) for i in range(self.THREADS)]
        started = time.monotonic()
        for t in threads:
            t.start()
        try:
            barrier.wait()
            fds_before = d.settled_fds(base_fds)
            rss_before = d.rss()
            warm_at = time.monotonic()
            barrier.wait()
            barrier.wait()
            ended = time.monotonic()
            fds_after = d.settled_fds(base_fds)
            rss_after = d.rss()
            barrier.wait()
        except threading.BrokenBarrierError:
            barrier.abort()
            raise
        finally:
            for t in threads:
                t.join(timeout=30)
        self.assertEqual([t for t in threads if t.is_alive()], [])
        return {"transport": transport, "requests": share * self.THREADS, "seconds": ended - started,
                "measured_seconds": ended - warm_at, "rss_before": rss_before, "rss_after": rss_after,
                "fds_before": fds_before, "fds_after": fds_after, "failures": failures[:5]}


# --- 3. a client that never reads ---------------------------------------------------------------------------------

class SlowReaderTest(TempDirTest):
    """An HTTP keep-alive connection that pipelines batch requests (100 `which` each: a 27 KB answer for a
    6 KB request) and never reads: the daemon answers until the socket buffers are full, then stops reading
    that connection, holding one answer and its read buffer only. Other clients go on being answered at once,
    and the daemon's RSS stays within a few MiB."""

    LATENCY_BOUND = 1.0
    RSS_BOUND = 4 * MiB
    BATCH = 100

    def test_a_client_that_never_reads_holds_up_nobody(self):
        d = self.daemon(env=without_quarantine())
        base_fds = d.fds()  # the daemon's own: its sockets, FIFO ends, epoll and timer descriptors
        http_client = http.client.HTTPConnection("127.0.0.1", d.http_port, timeout=5)
        self.addCleanup(http_client.close)

        def probe():
            """One HTTP call on a kept-alive connection, one on a new connection, one over UDP: their times."""
            times = []
            started = time.monotonic()
            self.assertIn("Up time", result_of(http_call(http_client, opensips_request("uptime"))))
            times.append(time.monotonic() - started)
            started = time.monotonic()
            fresh = http.client.HTTPConnection("127.0.0.1", d.http_port, timeout=5)
            try:
                self.assertIn("Up time", result_of(http_call(fresh, opensips_request("uptime"))))
            finally:
                fresh.close()
            times.append(time.monotonic() - started)
            started = time.monotonic()
            self.assertIn("Up time", result_of(udp_call(d, opensips_request("uptime"), 5.0)))
            times.append(time.monotonic() - started)
            return times

        body = json.dumps([{"jsonrpc": "2.0", "id": i, "method": "which"} for i in range(self.BATCH)])
        request = ("POST /mi HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n"
                   "Content-Length: %d\r\n\r\n%s" % (len(body), body)).encode()
        # the same batch, answered normally: its size, and the daemon warmed up with answers that large
        warm = http.client.HTTPConnection("127.0.0.1", d.http_port, timeout=5)
        try:
            for _ in range(200):
                answer_size = len(http_call(warm, body))
        finally:
            warm.close()
        for _ in range(200):
            probe()
        # the probes' kept-alive connection is open; the daemon closes the others' ends when it reads their EOF
        rss_before, fds_before = d.rss(), d.settled_fds(base_fds + 1)
        self.assertEqual(fds_before, base_fds + 1)
        served_before = d.statistic("http_requests")

        slow = socket.create_connection(("127.0.0.1", d.http_port), timeout=5)
        self.addCleanup(slow.close)
        slow.setblocking(False)
        chunk = request * 64
        sent, offset = 0, 0
        stalled_since = time.monotonic()
        give_up = time.monotonic() + 30
        while time.monotonic() - stalled_since < 1.0:  # until the daemon took nothing for a second
            self.assertLess(time.monotonic(), give_up, "the daemon kept reading a client that never reads")
            try:
                n = slow.send(chunk[offset:])
            except BlockingIOError:
                select.select([], [slow], [], 0.1)
                continue
            sent, offset = sent + n, (offset + n) % len(chunk)
            stalled_since = time.monotonic()
        # the daemon stopped answering that connection (its answers fill the socket buffers): the count of
        # HTTP requests it took stays put
        served, give_up = d.statistic("http_requests"), time.monotonic() + 10
        while True:
            time.sleep(0.5)
            still = d.statistic("http_requests")
            if still == served:
                break
            self.assertLess(time.monotonic(), give_up, "the daemon kept answering a client that never reads")
            served = still
        answered_to_slow = served - served_before

        latencies = []
        for _ in range(50):
            latencies.append(probe())
        rss_during, fds_during = d.rss(), d.settled_fds(fds_before + 1)
        worst = max(max(t) for t in latencies)
        print("\nslow reader: sent %.1f MiB (%d requests), %d of them answered (%.1f MiB of answers the client "
              "never read); other clients' worst latency %.1f ms; RSS %.0fK -> %.0fK; fds %d -> %d" % (
                  sent / MiB, sent // len(request), answered_to_slow, answered_to_slow * answer_size / MiB,
                  worst * 1000, rss_before / 1024, rss_during / 1024, fds_before, fds_during), flush=True)
        self.assertLess(worst, self.LATENCY_BOUND)
        self.assertLess(rss_during - rss_before, self.RSS_BOUND)
        self.assertEqual(fds_during, fds_before + 1)

        slow.close()  # with unread data: a reset, which ends the daemon's blocked write
        self.assertEqual(d.settled_fds(fds_before, within=5.0), fds_before, "the daemon closed that connection")
        self.assertLess(max(probe()), self.LATENCY_BOUND)
        http_client.close()
        d.stop()


if __name__ == "__main__":
    daemon_test.DAEMON = os.path.abspath(sys.argv.pop(1))
    unittest.main(verbosity=2)

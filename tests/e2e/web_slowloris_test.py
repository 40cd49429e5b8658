#!/usr/bin/env python3
# SPDX-License-Identifier: Apache-2.0
"""The collector's web port under 100 idle and slowloris connections.

Usage: web_slowloris_test.py --bin-dir build/bin [--keep-tmp]

The collector runs with --web.read-timeout=4s and an agent. For 12 s, 50 connections stay open
without sending anything and 50 send a request line and then one header byte per second, never
finishing (each one the server closes is opened again at once, as the attack tool would). Every
0.5 s, /metrics and /-/healthy must answer 200 within 1 s. The server must close the attackers at
the read timeout. After the attack ends the collector has no more threads and no more open file
descriptors than before it (give or take 3, which gRPC's own thread pool varies by).
Everything listens on 127.0.0.1 only; the attack is bounded in count and time.
"""

import os
import selectors
import socket
import sys
import time
import urllib.request

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import harness as h  # noqa: E402

IDLE = 50
SLOW = 50
ATTACK_S = 12.0
READ_TIMEOUT_S = 4
# gRPC and the rule engine start and end a thread or file now and then on their own; a leak from
# the attack would be of the order of its 100 connections.
SLACK = 3


def threads_and_fds(pid):
    with open("/proc/%d/status" % pid) as f:
        threads = next(int(line.split()[1]) for line in f if line.startswith("Threads:"))
    return threads, len(os.listdir("/proc/%d/fd" % pid))


def timed_get(url):
    t0 = time.monotonic()
    try:
        with urllib.request.urlopen(url, timeout=3) as r:
            r.read()
            status = r.status
    except Exception as e:  # noqa: BLE001 - any failure is a slow/failed answer
        status = str(e)
    return status, time.monotonic() - t0


class Attacker:
    """One connection: idle (never sends) or slow (a request line, then a byte a second)."""

    def __init__(self, addr, slow, sel):
        self.addr, self.slow, self.sel = addr, slow, sel
        self.sock = None
        self.opened_at = 0.0
        self.closed_by_server = []  # how long each connection lived before the server closed it
        self.next_byte = 0.0
        self.open()

    def open(self):
        self.sock = socket.create_connection(self.addr, timeout=2)
        self.sock.setblocking(False)
        self.opened_at = time.monotonic()
        if self.slow:
            self.sock.send(b"GET /metrics HTTP/1.1\r\nHost: x\r\n")
            self.next_byte = self.opened_at + 1.0
        self.sel.register(self.sock, selectors.EVENT_READ, self)

    def on_readable(self):
        try:
            data = self.sock.recv(4096)
        except (BlockingIOError, InterruptedError):
            return
        except OSError:
            data = b""
        if data:
            return  # an answer (e.g. 408) would be fine too; the close follows
        self.closed_by_server.append(time.monotonic() - self.opened_at)
        self.close()
        self.open()

    def tick(self, now):
        if self.slow and now >= self.next_byte:
            try:
                self.sock.send(b"X")
            except OSError:
                pass
            self.next_byte = now + 1.0

    def close(self):
        self.sel.unregister(self.sock)
        self.sock.close()


def body(args, procs, runner, workdir):
    collector, grpc_addr, web_addr = h.start_loopback_collector(
        procs, runner, args.bin_dir, ["--web.read-timeout=%ds" % READ_TIMEOUT_S])
    h.start_agent(procs, args.bin_dir, "agent", grpc_addr, "slowloris-host")
    base = "http://" + web_addr
    runner.require("/metrics answers before the attack",
                   h.wait_until(lambda: "slowloris-host" in h.http_get(base + "/metrics")[1], 10.0,
                                0.3), "")
    pid = collector.popen.pid
    before = threads_and_fds(pid)
    h.log("before: %d threads, %d fds" % before)

    host, port = web_addr.rsplit(":", 1)
    sel = selectors.DefaultSelector()
    attackers = [Attacker((host, int(port)), i >= IDLE, sel) for i in range(IDLE + SLOW)]
    h.log("%d idle and %d slowloris connections open" % (IDLE, SLOW))
    samples = []
    start = time.monotonic()
    next_probe = start + 0.5
    while time.monotonic() - start < ATTACK_S:
        for key, _ in sel.select(timeout=0.1):
            key.data.on_readable()
        now = time.monotonic()
        for a in attackers:
            a.tick(now)
        if now >= next_probe:
            for path in ("/metrics", "/-/healthy"):
                samples.append((path,) + timed_get(base + path))
            next_probe = time.monotonic() + 0.5
    during = threads_and_fds(pid)
    h.log("during: %d threads, %d fds" % during)
    lifetimes = [t for a in attackers for t in a.closed_by_server]
    for a in attackers:
        a.close()

    bad = [s for s in samples if s[1] != 200 or s[2] >= 1.0]
    worst = max(s[2] for s in samples) if samples else None
    h.log("%d probes during the attack, slowest %.3fs" % (len(samples), worst or -1))
    runner.check("every /metrics and /-/healthy during the attack answered 200 within 1 s "
                 "(%d probes)" % len(samples), samples and not bad, bad[:10])
    runner.check("the collector held all %d attackers without a thread each (threads %d -> %d)"
                 % (IDLE + SLOW, before[0], during[0]), during[0] <= before[0] + SLACK, during)
    runner.check("the server closed the attackers at the read timeout (%ds): %d closes, each "
                 "after %.1f-%.1fs" % (READ_TIMEOUT_S, len(lifetimes),
                                       min(lifetimes or [0]), max(lifetimes or [0])),
                 len(lifetimes) >= IDLE + SLOW
                 and all(READ_TIMEOUT_S - 0.5 <= t <= READ_TIMEOUT_S + 1.5 for t in lifetimes),
                 sorted(lifetimes)[:5] + sorted(lifetimes)[-5:])

    def settled():
        now = threads_and_fds(pid)
        return now if now[0] <= before[0] + SLACK and now[1] <= before[1] + SLACK else None

    after = h.wait_until(settled, 3.0, 0.2)
    runner.check("after the attack: no leftover threads or connections (before %r, after %r)"
                 % (before, threads_and_fds(pid)), after, "")
    status, elapsed = timed_get(base + "/metrics")
    runner.check("/metrics answers after the attack", status == 200 and elapsed < 1.0,
                 (status, elapsed))
    runner.check("collector is still running at the end", collector.alive(),
                 "collector exited with %r" % collector.returncode)


if __name__ == "__main__":
    h.main(__doc__.strip().splitlines()[0], body, budget_seconds=60.0)

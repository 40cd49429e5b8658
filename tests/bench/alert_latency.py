#!/usr/bin/env python3
# SPDX-License-Identifier: Apache-2.0
"""Alert latency benchmark (issue 4): from the arrival at the collector of the batch that
completes a CPU rule's `for` to the completed POST of the firing alert to a real Alertmanager
(and likewise for the resolve). Same setup as tests/e2e/alerting_e2e_test.py: a real
Alertmanager, a collector with a CPU rule, an agent at a 250 ms interval over a fixture procfs
whose /proc/stat the script rewrites between ~95 % and ~5 % busy, N times.

How it measures: the collector stamps each notification with the arrival time of the batch
whose evaluation produced it (AppliedBatch.arrival; a time-driven tick stamps its own time) and,
when the POST /api/v2/alerts completes with 2xx, logs `alertmanager notified ... state=firing
delay_seconds=X` at debug level (and adds X to
hostmon_collector_alertmanager_notification_delay_seconds). The script parses those lines.
Re-sends are pushed out of the window (--alerting.resend-interval=10m), so each firing and each
resolve is one notification. Numbers are printed, never asserted.

Usage: alert_latency.py --bin-dir build/bin [--firings 10] [--smoke]
"""

import os
import re
import secrets
import statistics
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "e2e"))
import alerting_peers as ap  # noqa: E402
import harness as h  # noqa: E402

sys.path.insert(0, os.path.join(HERE, "..", "e2e"))
from alerting_e2e_test import RULES, ALERT  # noqa: E402

_LINE = re.compile(r'msg="alertmanager notified".* alertname=(\S+) state=(\S+) cause=(\S+) .*'
                   r'delay_seconds=([0-9.e+-]+)')


def delays(stderr, state, cause=None):
    """Delays in ms of the notifications of ALERT in `state`; cause "batch" (decided on a
    batch's arrival) or "other" (decided by the 1 s tick, measured from the tick)."""
    return [float(m.group(4)) * 1000.0 for m in _LINE.finditer(stderr)
            if m.group(1) == ALERT and m.group(2) == state and cause in (None, m.group(3))]


def fmt(values):
    if not values:
        return "n/a"
    return "p50 %.1f ms, max %.1f ms (n=%d)" % (statistics.median(values), max(values),
                                                len(values))


def body(args, procs, runner, workdir):
    n = 1 if args.smoke else args.firings
    host = "bench-" + secrets.token_hex(3)
    stack = ap.Stack(args, procs, runner, workdir, RULES, host, interval="250ms",
                     collector_args=["--alerting.resend-interval=10m"])
    try:
        runner.require("agent's host appears", stack.wait_for_host(host), stack.collector.tail())
        time.sleep(2.5)
        for i in range(n):
            stack.proc.set_busy(0.95)
            fired = h.wait_until(lambda: len(delays(stack.collector.stderr(), "firing")) > i,
                                 20.0, 0.1)
            runner.require("firing %d/%d delivered to Alertmanager" % (i + 1, n), fired,
                           stack.collector.tail())
            stack.proc.set_busy(0.05)
            resolved = h.wait_until(
                lambda: len(delays(stack.collector.stderr(), "resolved")) > i, 20.0, 0.1)
            runner.require("resolve %d/%d delivered to Alertmanager" % (i + 1, n), resolved,
                           stack.collector.tail())
        err = stack.collector.stderr()
        f, r = delays(err, "firing"), delays(err, "resolved")
        print("alert latency, batch arrival -> Alertmanager POST completed (%d cycles, agent "
              "interval 250 ms, 1 Alertmanager on loopback):" % n)
        print("  firing:   %s" % fmt(f))
        print("  resolved: %s" % fmt(r))
        print("  decided on a batch's arrival: %d of %d firings, %d of %d resolves (the others "
              "by the 1 s tick, measured from the tick)"
              % (len(delays(err, "firing", "batch")), len(f), len(delays(err, "resolved", "batch")),
                 len(r)))
        runner.check("figures printed", f and r, "")
    finally:
        stack.close()


def extra(ap_):
    ap_.add_argument("--firings", type=int, default=10)
    ap_.add_argument("--smoke", action="store_true", help="one cycle (CI)")


if __name__ == "__main__":
    h.main(__doc__.strip().splitlines()[0], body, budget_seconds=110.0, extra_args=extra)

#!/usr/bin/env python3
# SPDX-License-Identifier: Apache-2.0
"""A hung disk in a running agent (issue 5): the smart source's smartctl never returns, and the
/proc sources keep their 1 s pace, the source reports the failure without frozen values, never
runs a second smartctl while one is stuck, leaves no process behind, and the agent stops promptly.

The stand-in smartctl (tests/fixtures/smart/fake-smartctl) hangs for /dev/sde; the agent runs
--source.smart.devices=/dev/sde with device-timeout 60 s (longer than the test) and the slow
tier's timeout 2 s: the source kills smartctl when 90 % of that budget is used (the tier's own
deadline, for sources that cannot bound themselves, is tested with a source that blocks forever
in tests/agent/slow_tier_test.cc). Interval 1 s; the agent streams to a collector whose /metrics
the test reads.

Usage: smart_hang_test.py --bin-dir build/bin
"""

import os
import signal
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
import harness as h  # noqa: E402

FAKE = os.path.join(HERE, "..", "fixtures", "smart", "fake-smartctl")
HOST = "smart-hang"


def children(pid):
    """PIDs whose parent is `pid` (from /proc/<pid>/stat)."""
    out = []
    for d in os.listdir("/proc"):
        if not d.isdigit():
            continue
        try:
            with open("/proc/%s/stat" % d) as f:
                stat = f.read()
        except OSError:
            continue
        fields = stat[stat.rfind(")") + 2:].split()
        if int(fields[1]) == pid:
            out.append(int(d))
    return out


def value(samples, name, **labels):
    found = h.select(samples, name, instance=HOST, **labels)
    return found[0][2] if found else None


def body(args, procs, runner, workdir):
    collector = procs.start("collector", [os.path.join(args.bin_dir, "hostmon-collector"),
                                          "--grpc.listen-address=127.0.0.1:0",
                                          "--web.listen-address=127.0.0.1:0"])
    grpc, web = h.wait_for_collector_addresses(collector, timeout=10.0)
    runner.require("collector started", grpc and web, collector.tail())
    url = "http://%s:%d/metrics" % web
    agent = procs.start("agent", [
        os.path.join(args.bin_dir, "hostmon-agent"), "--collector.address=%s:%d" % grpc,
        "--collection.interval=1s", "--hostname=" + HOST, "--source.smart",
        "--source.smart.smartctl-path=" + FAKE, "--source.smart.devices=/dev/sde",
        "--source.smart.device-timeout=60s", "--source.smart.interval=1s",
        "--source.smart.timeout=2s"])

    def past_deadline():
        s = h.scrape(url)
        return s if s and value(s, "hostmon_agent_source_success", source="smart") == 0 else None

    s = h.wait_until(past_deadline, 15.0, 0.5)
    runner.require("hostmon_agent_source_success{source=\"smart\"} is 0", s, agent.tail())
    runner.check("the device is reported down",
                 value(s, "hostmon_smart_device_up", device="sde") == 0, "")
    runner.check("no smartctl_* series are exported for the hung device",
                 not [x for x in s if x[0].startswith("smartctl_") and
                      x[1].get("instance") == HOST and x[0] != "smartctl_devices"], "")
    runner.check("the collection is bounded by the 2 s budget (duration %r s)"
                 % value(s, "hostmon_agent_source_duration_seconds", source="smart"),
                 1.0 <= (value(s, "hostmon_agent_source_duration_seconds", source="smart") or 0)
                 < 2.5, "")
    runner.check("loadavg (a /proc source) succeeds",
                 value(s, "hostmon_agent_source_success", source="loadavg") == 1, "")

    # Pace of the fast cycle while the disk stays hung: one batch per second.
    batches, kids, most = [], set(), 0
    for _ in range(12):
        m = h.scrape(url)
        c = h.select(m, "hostmon_collector_batches_received_total")
        batches.append((time.monotonic(), c[0][2] if c else 0))
        now = children(agent.pid)
        kids.update(now)
        most = max(most, len(now))
        time.sleep(0.5)
    rate = (batches[-1][1] - batches[0][1]) / (batches[-1][0] - batches[0][0])
    runner.check("the fast cycle keeps its 1 s pace while smartctl hangs (%.2f batches/s)" % rate,
                 rate >= 0.7, "batches %r" % batches)
    runner.check("never more than one smartctl at a time (seen %d at once)" % most, most <= 1, "")
    runner.check("each hung smartctl was killed and reaped (%d seen, none left)" % len(kids),
                 len(kids) >= 2 and not [p for p in kids if p not in children(agent.pid)
                                         and os.path.exists("/proc/%d" % p)], "")

    t0 = time.monotonic()
    agent.signal(signal.SIGTERM)
    rc = agent.wait(10.0)
    took = time.monotonic() - t0
    runner.check("SIGTERM stops the agent in %.1f s although a slow source is stuck" % took,
                 rc == 0 and took < 8.0, agent.tail())
    left = [p for p in kids if os.path.exists("/proc/%d" % p)]
    runner.check("no smartctl left running or unreaped after the agent stopped", not left,
                 "pids %r" % left)
    for pid in left:  # do not leak it into the next test
        os.kill(pid, signal.SIGKILL)

if __name__ == "__main__":
    h.main(__doc__.strip().splitlines()[0], body, budget_seconds=60.0)

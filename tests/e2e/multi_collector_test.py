#!/usr/bin/env python3
# SPDX-License-Identifier: Apache-2.0
"""Many collectors, one TSDB: 3 collectors, 30 agents spread by rendezvous hashing, a real
VictoriaMetrics behind them; one collector is killed and only its hosts move, nothing lost.

Setup: single-node VictoriaMetrics (Debian victoria-metrics) on a run-time loopback port; three
collectors remote-writing to it (same external_labels, so a host's series do not depend on the
collector that forwards them); 30 real agents (host names mc-00 .. mc-29, 1 s interval, on-disk
spool, `--collector.addresses=c0,c1,c2 --collector.order=hash`).

Checks:
  * every host streams to the first collector of its rendezvous order, computed here by an
    independent Python implementation of the documented algorithm, and every collector has hosts;
  * the collector with the most hosts is SIGKILLed: each of its hosts continues on its second
    choice within seconds; no host of the two other collectors changes collector;
  * after the agents stop, VictoriaMetrics' raw export holds every host's node_time_seconds on
    every 1 s grid point from its first to its last sample (0 missing) and nothing twice among
    the hosts that never moved (the moved ones: at most one batch, at-least-once at the kill).

Which collector applied what comes from each collector's --debug.applied-batches-file.

Usage: multi_collector_test.py --bin-dir build/bin
"""

import json
import os
import signal
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import harness as h  # noqa: E402
import remote_write_test as rw  # noqa: E402

HOSTS = ["mc-%02d" % i for i in range(30)]
OUTAGE_WATCH_S = 15.0
M64 = (1 << 64) - 1


def rendezvous_score(host, address):
    """agent/agent_config.cc RendezvousOrder: FNV-1a 64 over host, 0x00, address; splitmix64
    finaliser."""
    x = 14695981039346656037
    for b in host.encode() + b"\0" + address.encode():
        x ^= b
        x = (x * 1099511628211) & M64
    x ^= x >> 30
    x = (x * 0xBF58476D1CE4E5B9) & M64
    x ^= x >> 27
    x = (x * 0x94D049BB133111EB) & M64
    x ^= x >> 31
    return x


def rendezvous_order(addresses, host):
    scored = sorted(((-rendezvous_score(host, a), i) for i, a in enumerate(addresses)))
    return [addresses[i] for _, i in scored]


def applied(path, since_ms=0):
    """{host: [timestamp_ms]} of the batches one collector applied (collection time >= since)."""
    out = {}
    try:
        with open(path) as f:
            for line in f:
                if not line.endswith("\n"):
                    break  # being written
                b = json.loads(line)
                if b["timestamp_ms"] >= since_ms:
                    out.setdefault(b["host"], []).append(b["timestamp_ms"])
    except OSError:
        pass
    return out


def body(args, procs, runner, workdir):
    runner.require("%s exists (Debian package victoria-metrics)" % rw.VICTORIA_METRICS_BIN,
                   os.access(rw.VICTORIA_METRICS_BIN, os.X_OK), "")
    vm, base = rw.start_victoria_metrics(procs, workdir)
    runner.require("VictoriaMetrics ready", base, vm.tail(10))
    cfg = os.path.join(workdir, "collector.yml")
    rw.write_collector_config(cfg, [base + "/api/v1/write"], external_labels={"cluster": "e2e"})
    collectors = []  # (address, proc, applied log)
    for i in range(3):
        port = h.free_port()
        log_path = os.path.join(workdir, "applied-c%d.jsonl" % i)
        proc, grpc, web = rw.start_collector(procs, args, cfg, port, name="collector-c%d" % i,
                                             applied_log=log_path)
        runner.require("collector c%d up" % i, grpc and web, proc.tail())
        collectors.append(("127.0.0.1:%d" % port, proc, log_path))
    addresses = [a for a, _, _ in collectors]
    by_address = {a: (p, l) for a, p, l in collectors}
    expected = {host: rendezvous_order(addresses, host) for host in HOSTS}
    agents = {}
    for host in HOSTS:
        agents[host] = procs.start("agent-" + host, [
            os.path.join(args.bin_dir, "hostmon-agent"),
            "--collector.addresses=" + ",".join(addresses),
            "--collector.order=hash",
            "--collection.interval=1s",
            "--hostname=" + host,
            "--source.disable-defaults",
            "--source.time",
            "--path.procfs=" + os.path.abspath(rw.FIXTURE_PROC),
            "--spool.directory=" + os.path.join(workdir, "spool-" + host),
            "--log.level=warn",
        ])

    def where(since_ms=0):
        """{host: set(addresses that applied its batches since since_ms)}"""
        seen = {}
        for a, (_, log_path) in by_address.items():
            for host in applied(log_path, since_ms):
                seen.setdefault(host, set()).add(a)
        return seen

    runner.require("all 30 agents stream within 30 s",
                   h.wait_until(lambda: len(where()) == len(HOSTS), 30.0, 0.5),
                   "streaming: %d; %s" % (len(where()), agents[HOSTS[0]].tail(5)))
    time.sleep(2.0)
    seen = where()
    wrong = {host: sorted(seen[host]) for host in HOSTS if seen[host] != {expected[host][0]}}
    runner.check("every host streams to the first collector of its rendezvous order only",
                 not wrong, wrong)
    spread = {a: sorted(host for host in HOSTS if expected[host][0] == a) for a in addresses}
    h.log("hosts per collector: %s" % {a: len(v) for a, v in spread.items()})
    runner.check("every collector has hosts", all(spread.values()), spread)

    victim = max(addresses, key=lambda a: len(spread[a]))
    moved = spread[victim]
    by_address[victim][0].signal(signal.SIGKILL)
    by_address[victim][0].wait(5.0)
    kill_ms = int(time.time() * 1000)
    h.log("SIGKILLed the collector at %s (%d hosts)" % (victim, len(moved)))

    def moved_over():
        now = where(kill_ms + 1000)
        return all(now.get(host) == {expected[host][1]} for host in moved)

    runner.check("each host of the killed collector continues on its second choice",
                 h.wait_until(moved_over, OUTAGE_WATCH_S, 0.5),
                 {host: sorted(where(kill_ms + 1000).get(host, ())) for host in moved})
    time.sleep(3.0)
    after = where(kill_ms)
    stayed = {host: sorted(after.get(host, ())) for host in HOSTS if host not in moved and
              after.get(host) != {expected[host][0]}}
    runner.check("no host of the surviving collectors changed collector", not stayed, stayed)

    for host in HOSTS:
        agents[host].signal(signal.SIGTERM)
    for host in HOSTS:
        agents[host].wait(10.0)
    time.sleep(1.5)
    gaps, dup_stayed, dup_moved, missing = {}, {}, {}, []
    for host in HOSTS:
        series = rw.vm_export(base, "node_time_seconds", host) or []
        ts = [t for _, pts in series for t, _ in pts]
        if not ts:
            missing.append(host)
            continue
        if rw.grid_gaps(ts):
            gaps[host] = rw.grid_gaps(ts)[:5]
        d = rw.duplicates(ts)
        if d:
            (dup_moved if host in moved else dup_stayed)[host] = len(d)
    runner.check("VictoriaMetrics has every host's series", not missing, missing)
    runner.check("0 missing: every host's 1 s grid complete from first to last sample",
                 not gaps, gaps)
    runner.check("0 duplicated for the hosts that never moved", not dup_stayed, dup_stayed)
    runner.check("moved hosts: at most one batch twice (at-least-once at the kill)",
                 all(n <= 1 for n in dup_moved.values()), dup_moved)


if __name__ == "__main__":
    h.main(__doc__.splitlines()[0], body, budget_seconds=100.0)

#!/usr/bin/env python3
# SPDX-License-Identifier: Apache-2.0
"""Large messages still arrive through the collector's small gRPC reads.

Usage: ingest_read_sizes_test.py --bin-dir build/bin

The collector reads agent connections in blocks of at most 16 KiB (memory per connected agent,
collector/collector.h). A real hostmon-collector takes one simulated agent (hostmon-loadgen) whose
first batch defines SERIES series (a message of about 2 MB), followed by batches of all their
values, while IDLE other agents stay connected after their Hello only:

- the big host's batches are acknowledged (all but possibly the one in flight when its run
  ends), at least two of them, no stream failed, nothing was rejected;
- hostmon_collector_series reaches SERIES, and the host's per-host target holds them all;
- hostmon_collector_connected_agents counts the idle agents too while they are connected.
Everything listens on 127.0.0.1; ports are chosen at run time; processes are stopped by PID.
"""

import json
import os
import re
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import harness as h  # noqa: E402

SERIES = 50000
IDLE = 50
DURATION_S = 6.0


def loadgen(procs, bin_dir, grpc_addr, name, hosts, series, prefix, idle=False):
    argv = [os.path.join(bin_dir, "hostmon-loadgen"), "--target=" + grpc_addr,
            "--hosts=%d" % hosts, "--series=%d" % series, "--changed=100", "--interval=1s",
            "--duration=%gs" % DURATION_S, "--host-prefix=" + prefix]
    if idle:
        argv.append("--idle")
    return procs.start(name, argv)


def result(proc):
    if proc.wait(DURATION_S + 30) is None:
        return None
    lines = [line for line in proc.stdout().splitlines() if line.startswith("{")]
    return json.loads(lines[-1]) if proc.returncode == 0 and lines else None


def gauge(text, name):
    m = re.search(r"^%s (\S+)$" % re.escape(name), text, re.MULTILINE)
    return float(m.group(1)) if m else None


def body(args, procs, runner, workdir):
    loadgen_bin = os.path.join(args.bin_dir, "hostmon-loadgen")
    runner.require("hostmon-loadgen is built (tests/bench/loadgen)", os.access(loadgen_bin, os.X_OK),
                   loadgen_bin)
    config = os.path.join(workdir, "collector.yml")
    with open(config, "w") as f:
        # Every simulated host comes from 127.0.0.1: lift the per-client host limit.
        f.write("hosts:\n  max_hosts_per_client: 1000\n")
    collector, grpc_addr, web_addr = h.start_loopback_collector(
        procs, runner, args.bin_dir, ["--config.file=" + config])
    base = "http://" + web_addr
    idle = loadgen(procs, args.bin_dir, grpc_addr, "loadgen-idle", IDLE, 10, "readidle", idle=True)
    big = loadgen(procs, args.bin_dir, grpc_addr, "loadgen-big", 1, SERIES, "readbig")

    def connected():
        status, text = h.http_get(base + "/metrics/collector")
        return status == 200 and gauge(text, "hostmon_collector_connected_agents") == IDLE + 1

    runner.check("hostmon_collector_connected_agents reaches %d (idle agents and the big one)"
                 % (IDLE + 1), h.wait_until(connected, DURATION_S - 1, 0.2),
                 h.http_get(base + "/metrics/collector")[1][-2000:])

    def stored():
        status, text = h.http_get(base + "/metrics/collector")
        return status == 200 and gauge(text, "hostmon_collector_series") == SERIES

    runner.check("hostmon_collector_series reaches %d" % SERIES,
                 h.wait_until(stored, DURATION_S - 1, 0.2),
                 "hostmon_collector_series %r" % gauge(
                     h.http_get(base + "/metrics/collector")[1] or "", "hostmon_collector_series"))
    status, text = h.http_get(base + "/metrics/hosts/readbig-00000", timeout=10.0)
    count = len(re.findall(r'^loadgen_family_\S*\{[^\n]*instance="readbig-00000"', text or "",
                           re.MULTILINE))
    runner.check("the big host's target holds its %d series" % SERIES,
                 status == 200 and count == SERIES, "status %r, %d series" % (status, count))
    r = result(big)
    runner.require("the big host's loadgen run ends with its figures", r,
                   big.tail() if big else "")
    runner.check("the big host's batches were acknowledged (%d sent)" % r["batches_sent"],
                 r["batches_acked"] >= 2 and r["batches_acked"] >= r["batches_sent"] - 1 and
                 r["failed_streams"] == 0 and r["rejected"] == 0, json.dumps(r))
    ri = result(idle)
    runner.check("the idle agents stayed connected", ri and ri["connected"] == IDLE and
                 ri["failed_streams"] == 0, json.dumps(ri))
    runner.check("collector is still running at the end", collector.alive(),
                 "collector exited with %r" % collector.returncode)


if __name__ == "__main__":
    h.main(__doc__.strip().splitlines()[0], body, budget_seconds=60.0)

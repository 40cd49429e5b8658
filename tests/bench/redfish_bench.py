#!/usr/bin/env python3
# SPDX-License-Identifier: Apache-2.0
"""Benchmark: one Redfish collection of the DMTF public-rackmount1 mockup, in ms.

Usage: redfish_bench.py --bin-dir build/bin [--auth session|basic|none] [--runs N] [--warm-s S]

Serves tests/fixtures/redfish/public-rackmount1 with tests/tools/redfish_server.py (127.0.0.1,
port chosen at run time, stopped by PID) and reads the agent's own
`redfish_collection_duration_seconds` (measured inside the source: service root, login, the
62 GETs of the walk, parsing):
- cold: `hostmon-agent --once`, N runs (new TCP connections and, with --auth session, a login).
- warm: one agent streaming to a local hostmon-collector with --source.redfish.interval=1s for
  --warm-s seconds (connections and session kept between collections, as in production).
Prints figures only (no asserts). Last lines are machine-readable:
  redfish_cold_ms_median=<ms> redfish_warm_ms_median=<ms> requests_per_collection=<n>
  redfish_extra_rss_kb=<kB>
The server is single-process Python: on a real BMC the time is dominated by the BMC, not by
the agent (which spends well under 1 ms of CPU per resource).
"""

import os
import statistics
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "e2e"))
import harness as h  # noqa: E402

SERVER = os.path.join(HERE, "..", "tools", "redfish_server.py")
MOCKUP = os.path.join(HERE, "..", "fixtures", "redfish", "public-rackmount1")


def http_requests(log):
    if not os.path.exists(log):
        return 0
    with open(log) as f:
        return sum(1 for line in f if line.strip() and not line.startswith("CONNECT"))


def rss_kb(pid):
    with open("/proc/%d/status" % pid) as f:
        for line in f:
            if line.startswith("VmRSS:"):
                return int(line.split()[1])
    return 0


def body(args, procs, runner, workdir):
    port_file = os.path.join(workdir, "port")
    log = os.path.join(workdir, "requests.log")
    procs.start("redfish-server", [sys.executable, SERVER, "--root", MOCKUP, "--port-file",
                                   port_file, "--log", log, "--auth", args.auth, "--user",
                                   "bench", "--password", "bench-pw"])
    runner.require("server up", h.wait_until(lambda: os.path.exists(port_file), 10.0))
    port = int(open(port_file).read())
    with open(os.path.join(workdir, "pw"), "w") as f:
        f.write("bench-pw\n")
    targets = os.path.join(workdir, "targets.yml")
    with open(targets, "w") as f:
        f.write("targets:\n  - {name: rack, url: 'http://127.0.0.1:%d', auth: %s%s}\n" % (
            port, args.auth,
            "" if args.auth == "none" else ", username: bench, password_file: pw"))
    agent = os.path.join(args.bin_dir, "hostmon-agent")
    common = ["--source.disable-defaults", "--source.redfish",
              "--source.redfish.config=" + targets]

    cold = []
    for i in range(args.runs):
        before = http_requests(log)
        p = procs.run("agent-once-%d" % i, [agent, "--once"] + common, 30.0)
        s = h.parse_exposition(p.stdout())
        d = [v for n, l, v in s if n == "redfish_collection_duration_seconds"]
        up = [v for n, l, v in s if n == "redfish_up"]
        runner.require("cold run %d: up" % i, up == [1.0] and d, p.tail())
        cold.append(d[0] * 1000)
        requests = http_requests(log) - before
    print("cold collections (ms): %s" % " ".join("%.1f" % x for x in cold))

    collector = procs.start("collector", [
        os.path.join(args.bin_dir, "hostmon-collector"),
        "--grpc.listen-address=127.0.0.1:0", "--web.listen-address=127.0.0.1:0"])
    grpc, web = h.wait_for_collector_addresses(collector, timeout=10.0)
    runner.require("collector addresses", grpc and web)
    with_rf = procs.start("agent", [agent, "--collector.address=%s:%d" % grpc,
                                    "--hostname=bench", "--collection.interval=250ms",
                                    "--source.redfish.interval=1s"] + common)
    # Baseline for the RSS figure: the same agent without the redfish source.
    without_rf = procs.start("agent-baseline", [agent, "--collector.address=%s:%d" % grpc,
                                                "--hostname=baseline", "--collection.interval=250ms",
                                                "--source.disable-defaults"])
    warm, seen = [], set()
    t0 = time.monotonic()
    while time.monotonic() - t0 < args.warm_s:
        s = h.scrape("http://%s:%d/metrics" % web) or []
        for n, l, v in s:
            if n == "redfish_collection_duration_seconds" and v not in seen:
                seen.add(v)
                warm.append(v * 1000)
        time.sleep(0.1)
    warm = warm[1:]  # the first one is cold (connect + login)
    rss = [rss_kb(p.popen.pid) for p in (with_rf, without_rf)]
    print("agent RSS: %d kB with the redfish source (1 target), %d kB without: +%d kB"
          % (rss[0], rss[1], rss[0] - rss[1]))
    print("warm collections (ms): %s" % " ".join("%.1f" % x for x in warm))
    runner.check("warm collections observed", len(warm) >= 2, warm)
    cold_med = statistics.median(cold) if cold else float("nan")
    warm_med = statistics.median(warm) if warm else float("nan")
    print("redfish_cold_ms_median=%.1f redfish_warm_ms_median=%.1f requests_per_collection=%d"
          % (cold_med, warm_med, requests))
    print("redfish_extra_rss_kb=%d" % (rss[0] - rss[1]))


def extra(ap):
    ap.add_argument("--auth", default="session", choices=["session", "basic", "none"])
    ap.add_argument("--runs", type=int, default=5)
    ap.add_argument("--warm-s", type=float, default=6.0)


if __name__ == "__main__":
    h.main(__doc__.split("\n")[0], body, budget_seconds=90.0, extra_args=extra)

#!/usr/bin/env python3
# SPDX-License-Identifier: Apache-2.0
"""End to end with a real Prometheus: agent (real /proc) -> collector -> Prometheus scrape.

Usage: prometheus_e2e_test.py --bin-dir build/bin
"""

import os
import secrets
import signal
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import harness as h  # noqa: E402

STALENESS_S = 3
DATA_TIMEOUT_S = 20.0
GONE_TIMEOUT_S = 15.0


def body(args, procs, runner, workdir):
    host = "e2e-" + secrets.token_hex(4)
    h.log("agent host name %s" % host)
    runner.require("%s exists (Debian package prometheus, see scripts/setup --tests)" % h.PROMETHEUS_BIN,
                   os.access(h.PROMETHEUS_BIN, os.X_OK), "")

    # --- collector ------------------------------------------------------------------------
    collector = procs.start("collector", [
        os.path.join(args.bin_dir, "hostmon-collector"),
        "--grpc.listen-address=127.0.0.1:0",
        "--web.listen-address=127.0.0.1:0",
        "--staleness=%ds" % STALENESS_S,
    ])
    grpc, web = h.wait_for_collector_addresses(collector, timeout=10.0)
    runner.require("collector logs grpc_address=127.0.0.1:PORT within 10 s", grpc,
                   "no usable grpc_address= field in the collector's stderr")
    runner.require("collector logs web_address=127.0.0.1:PORT within 10 s", web,
                   "no usable web_address= field in the collector's stderr")
    grpc_addr = "%s:%d" % grpc
    web_base = "http://%s:%d" % web
    h.log("collector grpc=%s web=%s" % (grpc_addr, web_base))

    # --- agent ----------------------------------------------------------------------------
    agent = procs.start("agent", [
        os.path.join(args.bin_dir, "hostmon-agent"),
        "--collector.address=" + grpc_addr,
        "--collection.interval=1s",
        "--hostname=" + host,
    ])

    # --- Prometheus -----------------------------------------------------------------------
    config = os.path.join(workdir, "prometheus.yml")
    h.write_prometheus_config(config, ["%s:%d" % web])
    prom, prom_base = h.start_prometheus(procs, workdir, config)
    runner.require("prometheus is ready (/-/ready 200)", prom_base,
                   "prometheus did not become ready")
    h.log("prometheus at %s" % prom_base)

    # --- data arrives -----------------------------------------------------------------------
    queries = {
        "node_cpu_seconds_total": h.selector("node_cpu_seconds_total", instance=host, job="node"),
        "node_memory_MemTotal_bytes": h.selector("node_memory_MemTotal_bytes", instance=host),
        "node_load1": h.selector("node_load1", instance=host),
    }
    results = {}

    def all_present():
        for key, expr in queries.items():
            if not results.get(key):
                results[key] = h.prom_query(prom_base, expr)
        return all(results.get(k) for k in queries)

    t0 = time.monotonic()
    h.wait_until(all_present, DATA_TIMEOUT_S, 0.5)
    h.log("data poll ended after %.1fs" % (time.monotonic() - t0))
    for key, expr in queries.items():
        runner.check("prometheus returns data for %s within %gs" % (expr, DATA_TIMEOUT_S),
                     results.get(key), "last answer: %r" % (results.get(key),))
    if not results.get("node_cpu_seconds_total"):
        raise h.Abort("no node_cpu_seconds_total data")

    cpu_series = results["node_cpu_seconds_total"]
    label_sets = [r["metric"] for r in cpu_series]
    runner.check("node_cpu_seconds_total series all have `cpu` and `mode` labels",
                 all("cpu" in m and "mode" in m for m in label_sets),
                 "series without cpu/mode: %r" % [m for m in label_sets
                                                  if "cpu" not in m or "mode" not in m][:5])
    cpus = sorted({m.get("cpu") for m in label_sets if "cpu" in m})
    ncpu = os.cpu_count()
    runner.check("node_cpu_seconds_total covers all %d CPUs of this machine" % ncpu,
                 len(cpus) == ncpu,
                 "cpu label values seen: %r" % cpus)
    modes = {m.get("mode") for m in label_sets}
    runner.check("node_cpu_seconds_total has modes user, system and idle",
                 {"user", "system", "idle"} <= modes, "modes seen: %r" % sorted(modes))

    expr = h.selector("hostmon_agent_source_success", instance=host, source="cpu")
    res = h.wait_until(lambda: h.prom_query(prom_base, expr), 5.0, 0.5)
    runner.check("%s is 1" % expr, res and h.prom_values(res) == [1.0],
                 "answer: %r" % (res,))

    for path in ("/-/healthy", "/-/ready"):
        status, text = h.http_get(web_base + path)
        runner.check("collector %s returns 200" % path, status == 200,
                     "status %r, body %r" % (status, text[:200]))

    connected_expr = "hostmon_collector_connected_agents"
    res = h.wait_until(
        lambda: (lambda r: r if r and h.prom_values(r) == [1.0] else None)(
            h.prom_query(prom_base, connected_expr)), 5.0, 0.5)
    runner.check("%s is 1 while the agent runs" % connected_expr, res,
                 "answer: %r" % (h.prom_query(prom_base, connected_expr),))

    # --- agent dies: its series go stale ---------------------------------------------------------
    runner.require("agent is still running before the kill", agent.alive(),
                   "agent exited with %r" % agent.returncode)
    agent.signal(signal.SIGKILL)
    agent.wait(5.0)
    t_kill = time.monotonic()
    h.log("agent SIGKILLed")

    load_expr = queries["node_load1"]
    gone = {}

    def stale_and_disconnected():
        if "load" not in gone:
            r = h.prom_query(prom_base, load_expr)
            if r == []:
                gone["load"] = time.monotonic() - t_kill
        if "conn" not in gone:
            r = h.prom_query(prom_base, connected_expr)
            if r and all(v == 0.0 for v in h.prom_values(r)):
                gone["conn"] = time.monotonic() - t_kill
        return "load" in gone and "conn" in gone

    h.wait_until(stale_and_disconnected, GONE_TIMEOUT_S, 0.5)
    runner.check("%s returns no series within %gs of the agent's SIGKILL" % (load_expr,
                                                                              GONE_TIMEOUT_S),
                 "load" in gone,
                 "last answer: %r" % (h.prom_query(prom_base, load_expr),))
    if "load" in gone:
        h.log("node_load1 gone %.1fs after the kill" % gone["load"])
    runner.check("%s goes to 0 within %gs of the agent's SIGKILL" % (connected_expr,
                                                                      GONE_TIMEOUT_S),
                 "conn" in gone,
                 "last answer: %r" % (h.prom_query(prom_base, connected_expr),))
    if "conn" in gone:
        h.log("connected_agents 0 %.1fs after the kill" % gone["conn"])
    runner.check("collector is still running at the end", collector.alive(),
                 "collector exited with %r" % collector.returncode)


if __name__ == "__main__":
    h.main(__doc__.strip().splitlines()[0], body, budget_seconds=55.0)

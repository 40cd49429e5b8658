#!/usr/bin/env python3
# SPDX-License-Identifier: Apache-2.0
"""Per-host targets with a real Prometheus: the shipped deploy/prometheus/prometheus.yml
(http_sd_configs on the collector's /api/v1/targets) scrapes every host as its own target, so
up{job="node",instance=<host>} is real and drops to 0 when the host's agent dies.

Usage: http_sd_test.py --bin-dir build/bin
"""

import json
import os
import secrets
import signal
import sys
import time
import urllib.parse

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import harness as h  # noqa: E402

REPO = os.path.abspath(os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", ".."))
SHIPPED_CONFIG = os.path.join(REPO, "deploy", "prometheus", "prometheus.yml")
STALENESS_S = 3
SCRAPE_S = 1
UP_TIMEOUT_S = 25.0
# awesome-prometheus-alerts' PrometheusTargetMissing (and node-mixin-style host-down rules).
HOST_DOWN_EXPR = "up == 0"


def prometheus_config(path, web):
    """The shipped config with the collector's run-time address and test-speed intervals."""
    with open(SHIPPED_CONFIG) as f:
        text = f.read()
    for old, new in (("127.0.0.1:9711", web), ("scrape_interval: 15s", "scrape_interval: %ds" %
                                                 SCRAPE_S), ("refresh_interval: 30s",
                                                             "refresh_interval: 1s")):
        if old not in text:
            raise h.Abort("shipped prometheus.yml has no %r to substitute" % old)
        text = text.replace(old, new)
    text = text.replace("global:\n", "global:\n  scrape_timeout: 1s\n  evaluation_interval: 1s\n")
    with open(path, "w") as f:
        f.write(text)


def up_of(prom_base, host):
    r = h.prom_query(prom_base, h.selector("up", job="node", instance=host))
    vals = h.prom_values(r)
    return vals[0] if len(vals) == 1 else None


def body(args, procs, runner, workdir):
    tag = secrets.token_hex(3)
    host_a = "sd-a-" + tag
    # A name with a slash, a space and a percent sign: the path Prometheus builds from
    # __metrics_path__ must reach exactly this host.
    host_b = "sd-b/%s x%%" % tag
    runner.require("%s exists (Debian package prometheus, see scripts/setup --tests)" % h.PROMETHEUS_BIN,
                   os.access(h.PROMETHEUS_BIN, os.X_OK), "")

    collector, grpc_addr, web_addr = h.start_loopback_collector(
        procs, runner, args.bin_dir, ["--staleness=%ds" % STALENESS_S])
    web_base = "http://" + web_addr
    agents = {host: h.start_agent(procs, args.bin_dir, "agent-" + host[:4], grpc_addr, host)
              for host in (host_a, host_b)}

    def targets():
        status, text = h.http_get(web_base + "/api/v1/targets")
        if status != 200:
            return None
        doc = json.loads(text)
        return doc if len(doc) == 2 else None

    doc = h.wait_until(targets, 10.0, 0.3)
    runner.require("/api/v1/targets lists both hosts within 10 s", doc,
                   h.http_get(web_base + "/api/v1/targets"))
    by_instance = {g["labels"]["instance"]: g for g in doc}
    for host in (host_a, host_b):
        g = by_instance.get(host, {})
        runner.check("target group of %r: targets [%s], job node, its own metrics path" % (host, web_addr),
                     g.get("targets") == [web_addr] and g["labels"].get("job") == "node"
                     and g["labels"].get("__metrics_path__") == "/metrics/hosts/" + host,
                     json.dumps(g))

    config = os.path.join(workdir, "prometheus.yml")
    prometheus_config(config, web_addr)
    prom, prom_base = h.start_prometheus(procs, workdir, config)
    runner.require("prometheus is ready with the shipped config", prom_base, "did not start")

    ups = {}

    def both_up():
        for host in (host_a, host_b):
            ups[host] = up_of(prom_base, host)
        return all(v == 1.0 for v in ups.values())

    runner.require("up{job=\"node\",instance=...} is 1 for both hosts within %gs" % UP_TIMEOUT_S,
                   h.wait_until(both_up, UP_TIMEOUT_S, 0.5), "last: %r" % ups)
    load = h.wait_until(lambda: h.prom_query(prom_base, h.selector("node_load1", instance=host_b,
                                                                   job="node")), 5.0, 0.5)
    runner.check("node_load1 of %r is scraped from its per-host target" % host_b, load,
                 "answer: %r" % (load,))
    if load:
        runner.check("... in job node, not the collector's job", load[0]["metric"].get("job") == "node",
                     load[0]["metric"])
    collector_up = h.wait_until(lambda: h.prom_values(h.prom_query(
        prom_base, 'up{job="hostmon"}')) == [1.0], 5.0, 0.5)
    runner.check("the collector's own target up{job=\"hostmon\"} is 1", collector_up, "")
    dup = h.prom_query(prom_base, 'count by (instance) (node_load1{job="node"}) > 1')
    runner.check("no host series is scraped twice (per-host job and collector job)", dup == [],
                 "answer: %r" % (dup,))
    prom_targets = h.http_get(prom_base + "/api/v1/targets?state=active")[1]
    want_url = "http://%s/metrics/hosts/%s" % (web_addr, urllib.parse.quote(host_b, safe="/"))
    runner.check("prometheus scrapes %s" % want_url, want_url in prom_targets,
                 prom_targets[:2000])

    # --- agent A dies -----------------------------------------------------------------------
    agents[host_a].signal(signal.SIGKILL)
    agents[host_a].wait(5.0)
    t_kill = time.monotonic()
    per_host_a = web_base + "/metrics/hosts/" + urllib.parse.quote(host_a)
    t_stale = h.wait_until(lambda: time.monotonic() if h.http_get(per_host_a)[0] == 503 else None,
                           10.0, 0.1)
    runner.require("the collector answers 503 for the killed host's target", t_stale,
                   h.http_get(per_host_a))
    h.log("collector marks %s stale %.1fs after the kill" % (host_a, t_stale - t_kill))
    t_zero = h.wait_until(lambda: time.monotonic() if up_of(prom_base, host_a) == 0.0 else None,
                          10.0, 0.2)
    runner.require("up of the killed host becomes 0", t_zero, "up: %r" % up_of(prom_base, host_a))
    lag = t_zero - t_stale
    h.log("up=0 %.1fs after the collector considered it stale (scrape interval %ds)"
          % (lag, SCRAPE_S))
    runner.check("up=0 within about one scrape interval (%ds) of the stale mark (took %.1fs)"
                 % (SCRAPE_S, lag), lag <= SCRAPE_S + 2.0, "")
    runner.check("the other host stays up", up_of(prom_base, host_b) == 1.0,
                 "up: %r" % up_of(prom_base, host_b))
    down = h.prom_query(prom_base, HOST_DOWN_EXPR)
    runner.check("the host-down rule expression `%s` selects exactly the killed host" % HOST_DOWN_EXPR,
                 down is not None and [r["metric"].get("instance") for r in down] == [host_a]
                 and down[0]["metric"].get("job") == "node", "answer: %r" % (down,))

    # --- past the staleness period: gone, still a target, up stays 0 ------------------------------
    time.sleep(STALENESS_S + 1.5)
    status, text = h.http_get(per_host_a)
    runner.check("after the staleness period the killed host still answers 503 (gone)",
                 status == 503 and "gone" in text, "%r %r" % (status, text[:200]))
    listed = [g["labels"]["instance"] for g in json.loads(h.http_get(web_base + "/api/v1/targets")[1])]
    runner.check("the gone host is still listed in /api/v1/targets", host_a in listed, listed)
    time.sleep(2 * SCRAPE_S)
    runner.check("up of the gone host is still 0", up_of(prom_base, host_a) == 0.0,
                 "up: %r" % up_of(prom_base, host_a))
    runner.check("up of the other host is still 1", up_of(prom_base, host_b) == 1.0,
                 "up: %r" % up_of(prom_base, host_b))
    status, _ = h.http_get(web_base + "/metrics/hosts/no-such-host")
    runner.check("an unknown host's path answers 404", status == 404, status)
    runner.check("collector is still running at the end", collector.alive(),
                 "collector exited with %r" % collector.returncode)


if __name__ == "__main__":
    h.main(__doc__.strip().splitlines()[0], body, budget_seconds=80.0)

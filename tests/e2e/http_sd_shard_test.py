#!/usr/bin/env python3
# SPDX-License-Identifier: Apache-2.0
"""Sharding per-host targets over two real Prometheus servers: the shipped prometheus.yml with
`modulus: 2` and regex "0" on one server, "1" on the other (docs/prometheus.md); every host is
scraped by exactly one of them and together they scrape every host.

Usage: http_sd_shard_test.py --bin-dir build/bin
"""

import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import harness as h  # noqa: E402
import http_sd_test  # noqa: E402  (the shipped config with run-time addresses)

HOSTS = 8


def shard_config(path, web, shard):
    http_sd_test.prometheus_config(path, web)
    with open(path) as f:
        text = f.read()
    for old, new in (("modulus: 1", "modulus: 2"), ('regex: "0"', 'regex: "%d"' % shard)):
        if old not in text:
            raise h.Abort("shipped prometheus.yml has no %r to substitute" % old)
        text = text.replace(old, new)
    with open(path, "w") as f:
        f.write(text)


def body(args, procs, runner, workdir):
    runner.require("%s exists (Debian package prometheus, see scripts/setup --tests)"
                   % h.PROMETHEUS_BIN, os.access(h.PROMETHEUS_BIN, os.X_OK), "")
    # Fixed names: the hash (and so the split) is deterministic; these split 4 + 4 or so, never
    # 8 + 0.
    hosts = ["shard-%d" % i for i in range(HOSTS)]
    collector, grpc_addr, web_addr = h.start_loopback_collector(procs, runner, args.bin_dir)
    for i, host in enumerate(hosts):
        h.start_agent(procs, args.bin_dir, "agent-%d" % i, grpc_addr, host,
                      ["--source.disable-defaults", "--source.loadavg"])
    proms = []
    for shard in (0, 1):
        d = os.path.join(workdir, "shard%d" % shard)
        os.mkdir(d)
        config = os.path.join(d, "prometheus.yml")
        shard_config(config, web_addr, shard)
        _, base = h.start_prometheus(procs, d, config)
        runner.require("prometheus shard %d is ready" % shard, base, "did not start")
        proms.append(base)

    def up_hosts(base):
        r = h.prom_query(base, 'up{job="node"} == 1')
        return sorted(x["metric"]["instance"] for x in r) if r else []

    seen = {}

    def all_scraped():
        seen[0], seen[1] = up_hosts(proms[0]), up_hosts(proms[1])
        return sorted(seen[0] + seen[1]) == sorted(hosts)

    ok = h.wait_until(all_scraped, 30.0, 0.5)
    runner.check("together the two shards scrape all %d hosts, each exactly once" % HOSTS, ok,
                 "shard 0: %r, shard 1: %r" % (seen.get(0), seen.get(1)))
    runner.check("no host is in both shards", not set(seen.get(0, [])) & set(seen.get(1, [])),
                 "both: %r" % (set(seen.get(0, [])) & set(seen.get(1, []))))
    runner.check("both shards have hosts (the split is real: %d + %d)"
                 % (len(seen.get(0, [])), len(seen.get(1, []))),
                 seen.get(0) and seen.get(1))
    for shard in (0, 1):
        r = h.prom_query(proms[shard], 'count(count by (instance) (node_load1{job="node"}))')
        got = int(float(r[0]["value"][1])) if r else 0
        runner.check("shard %d stores node_load1 of its %d hosts only" % (shard, len(seen.get(shard, []))),
                     got == len(seen.get(shard, [])), "answer: %r" % (r,))


if __name__ == "__main__":
    h.main(__doc__.splitlines()[0], body, budget_seconds=75.0)

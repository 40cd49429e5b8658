#!/usr/bin/env python3
# SPDX-License-Identifier: Apache-2.0
"""A frozen BMC never slows the /proc sources: a running agent (interval 500ms) streams to a
collector while its ipmi source reads ipmi_sim every second; the simulator is frozen (SIGSTOP)
for several seconds, then resumed (SIGCONT).

Checks at the collector: before the freeze ipmi_up{collector="ipmi",target="sim"} is 1 with
sensor values; during the freeze it turns 0, hostmon_agent_source_success{source="ipmi"} turns 0,
the sensor values disappear instead of freezing, and the agent's batches keep arriving at the
pace of its interval (hostmon_collector_batches_received_total, and node_load1 stays exported);
after SIGCONT ipmi_up is 1 again with sensor values.

Usage: ipmi_pace_test.py --bin-dir build/bin
"""

import os
import signal
import socket
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import ipmi_sim as s  # noqa: E402

h = s.h
INTERVAL_S = 0.5
FREEZE_S = 6.0
MIN_PACE = 0.8  # batches seen / batches expected over a window


def body(args, procs, runner, workdir):
    sim = s.start_sim(procs, workdir)
    runner.require("ipmi_sim answers on loopback", sim, "")
    targets = s.write_targets(workdir, sim, name="sim", timeout="1s", collectors=("ipmi",))
    collector = procs.start("collector", [
        os.path.join(args.bin_dir, "hostmon-collector"),
        "--grpc.listen-address=127.0.0.1:0", "--web.listen-address=127.0.0.1:0"])
    grpc, web = h.wait_for_collector_addresses(collector, timeout=10.0)
    runner.require("collector reports its addresses", grpc and web, collector.tail())
    host = socket.gethostname() + "-ipmi-pace"
    agent = procs.start("agent", [
        os.path.join(args.bin_dir, "hostmon-agent"),
        "--collector.address=%s:%d" % grpc, "--hostname=" + host,
        "--collection.interval=%gs" % INTERVAL_S,
        "--source.ipmi.local=false", "--source.ipmi.interval=1s", "--source.ipmi.timeout=3s",
    ] + s.agent_ipmi_args(targets, os.path.join(workdir, "sdr-cache")))
    url = "http://%s:%d/metrics" % web

    def metric(samples, metric, **labels):
        found = [x[2] for x in samples
                 if x[0] == metric and all(x[1].get(k) == v for k, v in labels.items())]
        return found[0] if len(found) == 1 else None

    def state():
        samples = h.scrape(url) or []
        return {
            "up": metric(samples, "ipmi_up", collector="ipmi", target="sim", instance=host),
            "success": metric(samples, "hostmon_agent_source_success", source="ipmi",
                              instance=host),
            "temp": metric(samples, "ipmi_temperature_celsius", id="2", target="sim",
                           instance=host),
            "load": metric(samples, "node_load1", instance=host),
            "batches": metric(samples, "hostmon_collector_batches_received_total"),
        }

    st = h.wait_until(lambda: (lambda x: x if x["up"] == 1 and x["temp"] is not None else None)(
        state()), 15.0, 0.2)
    runner.require("before the freeze: ipmi_up 1 and CPU Temp 45 at the collector",
                   st and st["temp"] == 45, "state %r\n%s" % (st, agent.tail()))

    def pace(seconds):
        a = state()["batches"]
        t0 = time.monotonic()
        time.sleep(seconds)
        b = state()["batches"]
        took = time.monotonic() - t0
        return (b - a) / (took / INTERVAL_S) if a is not None and b is not None else 0.0

    before = pace(2.0)
    h.log("pace before the freeze: %.2f of the expected batches" % before)

    sim.proc.signal(signal.SIGSTOP)
    try:
        t_freeze = time.monotonic()
        st = h.wait_until(lambda: (lambda x: x if x["up"] == 0 else None)(state()), 5.0, 0.1)
        h.log("ipmi_up turned 0 %.2fs after SIGSTOP" % (time.monotonic() - t_freeze))
        runner.check("frozen: ipmi_up{collector=ipmi,target=sim} turns 0 within 5 s", st,
                     "state %r" % (state(),))
        during = pace(max(1.0, FREEZE_S - (time.monotonic() - t_freeze)))
        st = state()
        runner.check("frozen: hostmon_agent_source_success{source=ipmi} = 0",
                     st["success"] == 0, "state %r" % st)
        runner.check("frozen: sensor values are dropped, not frozen", st["temp"] is None,
                     "state %r" % st)
        runner.check("frozen: node_load1 still exported", st["load"] is not None,
                     "state %r" % st)
        runner.check("frozen: the agent's batches keep their pace (%.2f >= %.2f of %d/s)"
                     % (during, MIN_PACE, round(1 / INTERVAL_S)), during >= MIN_PACE,
                     "before the freeze: %.2f\n%s" % (before, agent.tail()))
        h.log("pace while the BMC is frozen: %.2f of the expected batches" % during)
    finally:
        sim.proc.signal(signal.SIGCONT)

    st = h.wait_until(lambda: (lambda x: x if x["up"] == 1 and x["temp"] is not None else None)(
        state()), 15.0, 0.2)
    runner.check("after SIGCONT: ipmi_up 1 and sensor values back", st, "state %r" % (state(),))
    runner.check("agent still running", agent.alive(), agent.tail())


if __name__ == "__main__":
    h.main(__doc__.strip().splitlines()[0], body, budget_seconds=60.0)

#!/usr/bin/env python3
# SPDX-License-Identifier: Apache-2.0
"""Probe source benchmark: prints figures, asserts nothing about timing.

1. Overhead: CPU time (getrusage of the agent child, user + system) per target per round, for N
   loopback targets of each module (tcp, http), from an agent running --source.probe with a 1 s
   interval for a few seconds, less the same agent with no targets probed.
2. Side by side: the same loopback HTTP target (a fixed 20 ms server delay) measured by the probe
   source and by blackbox_exporter 0.23; medians of probe_duration_seconds over several probes.

Usage: probe_bench.py --bin-dir build/bin [--targets 50] [--seconds 6] [--probes 10]
"""

import os
import statistics
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "e2e"))
sys.path.insert(0, os.path.join(HERE, "..", "probe"))
import harness as h  # noqa: E402
import probe_peers as pp  # noqa: E402


def agent_cpu(args, procs, workdir, targets, seconds, name):
    """Runs the agent for `seconds` with 1 s probe rounds; returns (cpu_seconds, rounds)."""
    path = pp.write_targets(os.path.join(workdir, name + ".yml"), targets, interval="1s")
    argv = [os.path.join(args.bin_dir, "hostmon-agent"), "--source.disable-defaults",
            "--source.probe", "--source.probe.config=" + path, "--source.probe.interval=1s",
            "--source.probe.timeout=900ms", "--collection.interval=1s",
            "--collector.address=127.0.0.1:%d" % pp.closed_port()]
    p = procs.start("agent-" + name, argv)
    time.sleep(seconds)
    p.signal(15)
    # wait4 on the child: its rusage, what getrusage(RUSAGE_CHILDREN) would add up.
    _, _, usage = os.wait4(p.popen.pid, 0)
    return usage.ru_utime + usage.ru_stime, seconds


def body(args, procs, runner, workdir):
    n, seconds = args.targets, args.seconds
    server = pp.Target()
    slow = pp.Target(delay=0.02)
    try:
        # One target that never answers keeps the idle agent's probe thread realistic (a round
        # still runs); the figure subtracts it.
        base_cpu, _ = agent_cpu(args, procs, workdir, [
            {"name": "one", "module": "tcp", "address": "'127.0.0.1:%d'" % server.port}],
            seconds, "base")
        for module in ("tcp", "http"):
            targets = []
            for i in range(n):
                if module == "tcp":
                    targets.append({"name": "t%d" % i, "module": "tcp",
                                    "address": "'127.0.0.1:%d'" % server.port})
                else:
                    targets.append({"name": "t%d" % i, "module": "http",
                                    "url": "'http://127.0.0.1:%d/'" % server.port})
            cpu, secs = agent_cpu(args, procs, workdir, targets, seconds, module)
            rounds = max(1, int(secs))
            per = (cpu - base_cpu) / (n * rounds) * 1e6
            print("overhead %-4s: %d targets x %d rounds: agent CPU %.3f s (baseline %.3f s) -> "
                  "%.0f us CPU per target per round" % (module, n, rounds, cpu, base_cpu, per))
        runner.check("overhead measured", True)

        bb, base = pp.start_blackbox(procs, workdir)
        if not base:
            runner.check("blackbox_exporter is ready", False, bb.tail() if bb else "")
            return
        url = "http://127.0.0.1:%d/" % slow.port
        theirs, ours = [], []
        path = pp.write_targets(os.path.join(workdir, "side.yml"), [
            {"name": "side", "module": "http", "url": "'%s'" % url}])
        # Interleaved, so that both see the same load of the machine.
        for _ in range(args.probes):
            s = pp.blackbox_probe(base, "http_2xx", url)
            v = [x[2] for x in s or [] if x[0] == "probe_duration_seconds"]
            if v:
                theirs.append(v[0])
            p = pp.agent_once(args, procs, path)
            s = h.parse_exposition(p.stdout()) if p.returncode == 0 else []
            v = [x[2] for x in s if x[0] == "probe_duration_seconds"]
            if v:
                ours.append(v[0])
        if theirs and ours:
            mt, mo = statistics.median(theirs), statistics.median(ours)
            print("side by side, loopback HTTP target with a 20 ms server delay, %d probes each: "
                  "median hostmon %.2f ms, blackbox_exporter %.2f ms (%+.2f ms); minimum "
                  "hostmon %.2f ms, blackbox_exporter %.2f ms (%+.2f ms)"
                  % (len(ours), mo * 1e3, mt * 1e3, (mo - mt) * 1e3, min(ours) * 1e3,
                     min(theirs) * 1e3, (min(ours) - min(theirs)) * 1e3))
        runner.check("both measured the HTTP target", theirs and ours, (theirs, ours))
    finally:
        server.close()
        slow.close()


def extra(ap):
    ap.add_argument("--targets", type=int, default=50)
    ap.add_argument("--seconds", type=float, default=6.0)
    ap.add_argument("--probes", type=int, default=15)


if __name__ == "__main__":
    h.main(__doc__.splitlines()[0], body, budget_seconds=85.0, extra_args=extra)

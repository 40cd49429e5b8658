#!/usr/bin/env python3
# SPDX-License-Identifier: Apache-2.0
"""One full IPMI read against the simulator (tests/fixtures/ipmi: 8 sensors over RMCP+ on
loopback), in ms, as the agent does it: `hostmon-agent --once --source.ipmi` with a targets file,
timed by the agent itself (ipmi_scrape_duration_seconds: session set-up, SDR cache load, every
sensor read, session close; and hostmon_agent_source_duration_seconds{source="ipmi"}, which adds
the source's scheduling). The first read builds the SDR cache; the others reuse it. With
--commands also the raw commands of the chassis and sel collectors (Get Chassis Status, Get SEL
Info; a second session through libfreeipmi). Prints figures; asserts nothing.

Usage: ipmi_bench.py --bin-dir build/bin [--runs 30] [--commands]
Importable: measure(bin_dir, runs, commands) -> dict of figures (for the combined hardware
benchmark).
"""

import argparse
import os
import statistics
import sys
import tempfile
import shutil

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(os.path.dirname(HERE), "ipmi"))
import ipmi_sim as s  # noqa: E402

h = s.h


def _once(procs, bin_dir, targets, cache):
    p = procs.run("agent-once", [os.path.join(bin_dir, "hostmon-agent"), "--once",
                                 "--source.disable-defaults", "--source.ipmi.local=false"] +
                  s.agent_ipmi_args(targets, cache), timeout=20.0)
    samples = h.parse_exposition(p.stdout())
    read = [v for n, lb, v in samples if n == "ipmi_scrape_duration_seconds"]
    src = [v for n, lb, v in samples
           if n == "hostmon_agent_source_duration_seconds" and lb.get("source") == "ipmi"]
    up = [v for n, lb, v in samples if n == "ipmi_up" and lb.get("collector") == "ipmi"]
    if not read or not src or up != [1.0]:
        raise RuntimeError("ipmi read failed: %s" % p.tail())
    return read[0] * 1000.0, src[0] * 1000.0


def _stats(values):
    values = sorted(values)
    return {"min": values[0], "median": statistics.median(values),
            "p90": values[int(0.9 * (len(values) - 1))], "max": values[-1]}


def measure(bin_dir, runs=30, commands=False):
    workdir = tempfile.mkdtemp(prefix="hostmon-ipmi-bench-")
    procs = h.Processes(workdir)
    try:
        sim = s.start_sim(procs, workdir)
        if sim is None:
            raise RuntimeError("ipmi_sim did not start")
        collectors = ("ipmi", "chassis", "sel") if commands else ("ipmi",)
        targets = s.write_targets(workdir, sim, collectors=collectors)
        cache = os.path.join(workdir, "sdr-cache")
        cold_read, cold_src = _once(procs, bin_dir, targets, cache)
        warm = [_once(procs, bin_dir, targets, cache) for _ in range(runs)]
        return {"runs": runs, "commands": commands, "cold_read_ms": cold_read, "cold_source_ms": cold_src,
                "read_ms": _stats([w[0] for w in warm]),
                "source_ms": _stats([w[1] for w in warm])}
    finally:
        procs.cleanup()
        shutil.rmtree(workdir, ignore_errors=True)


def main():
    ap = argparse.ArgumentParser(description=__doc__.strip().splitlines()[0])
    ap.add_argument("--bin-dir", required=True)
    ap.add_argument("--runs", type=int, default=30)
    ap.add_argument("--commands", action="store_true",
                    help="also the chassis and sel collectors (raw commands)")
    args = ap.parse_args()
    h.log = lambda _msg: None  # only the figures on stdout
    r = measure(os.path.abspath(args.bin_dir), args.runs, args.commands)
    print("IPMI read of ipmi_sim (8 sensors, RMCP+ cipher suite 3, loopback)%s, %d runs"
          % (" + chassis status + SEL info" if r["commands"] else "", r["runs"]))
    print("  first read (builds the SDR cache): %.2f ms read, %.2f ms source" %
          (r["cold_read_ms"], r["cold_source_ms"]))
    for key, label in (("read_ms", "read (ipmi_scrape_duration_seconds)"),
                       ("source_ms", "source (hostmon_agent_source_duration_seconds)")):
        st = r[key]
        print("  %-48s min %.2f  median %.2f  p90 %.2f  max %.2f ms" %
              (label, st["min"], st["median"], st["p90"], st["max"]))


if __name__ == "__main__":
    main()

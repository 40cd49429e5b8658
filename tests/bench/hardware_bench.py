#!/usr/bin/env python3
# SPDX-License-Identifier: Apache-2.0
"""Issue 5's hardware benchmark: one full IPMI read against ipmi_sim, one Redfish collection of
the DMTF public-rackmount1 mockup, one SMART parse, in ms, and the agent's extra RSS with the
three hardware sources enabled versus none. Prints figures; asserts nothing.

- SMART parse: `hostmon_unit_tests "SMART parse"` (ParseSmartctlJson over real captures, mean of
  200 parses each); plus one full smart collection (8 devices through the stand-in smartctl, so
  it includes 8 fork/exec of /bin/sh) from `hostmon-agent --once`.
- IPMI: tests/bench/ipmi_bench.py's measure() (the agent's own ipmi_scrape_duration_seconds and
  hostmon_agent_source_duration_seconds{source="ipmi"}, RMCP+ on loopback, warm SDR cache).
- Redfish: our test server (tests/tools/redfish_server.py) serving public-rackmount1 on loopback,
  `hostmon-agent --once --source.redfish`, hostmon_agent_source_duration_seconds{source="redfish"}.
- RSS: a collector and agents side by side for --rss-seconds (1 s fast interval): default
  sources only, default plus each hardware source alone, and default plus all three (each on a
  1 s slow-tier interval against the same peers); VmRSS sampled every second, last and peak
  printed, "extra" relative to the default-sources agent (same binary).
A source missing from the agent (branch not merged) is reported as such and skipped.

Usage: hardware_bench.py --bin-dir build/bin [--unit-tests build/tests/hostmon_unit_tests]
                         [--runs 10] [--rss-seconds 15]
"""

import argparse
import os
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
TESTS = os.path.dirname(HERE)
sys.path.insert(0, os.path.join(TESTS, "e2e"))
import harness as h  # noqa: E402

FAKE_SMARTCTL = os.path.join(TESTS, "fixtures", "smart", "fake-smartctl")
REDFISH_SERVER = os.path.join(TESTS, "tools", "redfish_server.py")
REDFISH_MOCKUP = os.path.join(TESTS, "fixtures", "redfish", "public-rackmount1")


def agent_sources(bin_dir):
    out = subprocess.run([os.path.join(bin_dir, "hostmon-agent"), "--help"],
                         capture_output=True, text=True, timeout=10).stdout
    return set(re.findall(r"--source\.([a-z_]+)\b(?!\.)", out))


def stats(values):
    v = sorted(values)
    return "min %.2f  median %.2f  max %.2f ms (%d runs)" % (v[0], statistics.median(v), v[-1],
                                                             len(v))


def source_ms(samples, source):
    for name, labels, value in samples:
        if name == "hostmon_agent_source_duration_seconds" and labels.get("source") == source:
            return value * 1000.0
    return None


def success(samples, source):
    for name, labels, value in samples:
        if name == "hostmon_agent_source_success" and labels.get("source") == source:
            return value == 1.0
    return False


def bench_smart_parse(unit_tests):
    p = subprocess.run([unit_tests, "SMART parse"], capture_output=True, text=True, timeout=120)
    lines = [l for l in p.stdout.splitlines() if l.startswith("SMART parse ")]
    return lines or ["SMART parse: no figures (%s)" % p.stdout[-300:]]


def smart_args():
    return ["--source.smart", "--source.smart.smartctl-path=" + FAKE_SMARTCTL]


def bench_smart_source(procs, bin_dir, runs):
    times = []
    for _ in range(runs):
        p = procs.run("agent-smart", [os.path.join(bin_dir, "hostmon-agent"), "--once",
                                      "--source.disable-defaults"] + smart_args(), 30.0)
        s = h.parse_exposition(p.stdout())
        if not success(s, "smart"):
            return "failed: %s" % p.tail()
        times.append(source_ms(s, "smart"))
    return stats(times)


def start_redfish(procs, workdir):
    port_file = os.path.join(workdir, "redfish.port")
    procs.start("redfish-server", [sys.executable, REDFISH_SERVER, "--root", REDFISH_MOCKUP,
                                   "--port-file", port_file, "--log",
                                   os.path.join(workdir, "redfish.log"), "--auth", "none",
                                   "--user", "monitor", "--password", "x"])
    if not h.wait_until(lambda: os.path.exists(port_file) and open(port_file).read().strip(),
                        10.0):
        return None
    with open(port_file) as f:
        port = int(f.read().strip())
    targets = os.path.join(workdir, "redfish-targets.yml")
    with open(targets, "w") as f:
        f.write("targets:\n  - {name: rack1, url: 'http://127.0.0.1:%d', auth: none}\n" % port)
    return targets


def redfish_args(targets):
    return ["--source.redfish", "--source.redfish.config=" + targets]


def bench_redfish(procs, bin_dir, targets, runs):
    times = []
    for _ in range(runs):
        p = procs.run("agent-redfish", [os.path.join(bin_dir, "hostmon-agent"), "--once",
                                        "--source.disable-defaults"] + redfish_args(targets),
                      60.0)
        s = h.parse_exposition(p.stdout())
        if not success(s, "redfish"):
            return "failed: %s" % p.tail()
        times.append(source_ms(s, "redfish"))
    return stats(times)


def rss_kb(pid):
    try:
        with open("/proc/%d/status" % pid) as f:
            for line in f:
                if line.startswith("VmRSS:"):
                    return int(line.split()[1])
    except OSError:
        return None
    return None


def bench_rss(procs, bin_dir, seconds, variants):
    """variants: list of (name, extra agent args); one agent each, side by side."""
    collector = procs.start("collector", [os.path.join(bin_dir, "hostmon-collector"),
                                          "--grpc.listen-address=127.0.0.1:0",
                                          "--web.listen-address=127.0.0.1:0"])
    grpc, web = h.wait_for_collector_addresses(collector, timeout=10.0)
    if not grpc:
        return ["collector did not start"]
    base = [os.path.join(bin_dir, "hostmon-agent"), "--collector.address=%s:%d" % grpc,
            "--collection.interval=1s"]
    agents = [(name, procs.start("agent-" + name, base + ["--hostname=bench-" + name] + extra))
              for name, extra in variants]
    samples = {name: [] for name, _ in variants}
    for _ in range(seconds):
        time.sleep(1.0)
        for name, p in agents:
            samples[name].append(rss_kb(p.pid))
    dead = [p.tail() for _, p in agents if not p.alive()]
    if dead:
        return ["an agent exited: %s" % dead]
    scrape = h.scrape("http://%s:%d/metrics" % web) or []
    lines = []
    base_last = samples[variants[0][0]][-1]
    for name, _ in variants:
        v = samples[name]
        ok = sorted(l.get("source") for n, l, val in scrape
                    if n == "hostmon_agent_source_success" and l.get("instance") == "bench-" + name
                    and l.get("source") in ("smart", "ipmi", "redfish") and val == 1.0)
        lines.append("%-26s last %5.1f MB  peak %5.1f MB  extra %+5.1f MB%s"
                     % (name, v[-1] / 1024, max(v) / 1024, (v[-1] - base_last) / 1024,
                        "  (succeeding: %s)" % ",".join(ok) if ok else ""))
    return lines


def main():
    ap = argparse.ArgumentParser(description=__doc__.strip().splitlines()[0])
    ap.add_argument("--bin-dir", required=True)
    ap.add_argument("--unit-tests", default=None)
    ap.add_argument("--runs", type=int, default=10)
    ap.add_argument("--rss-seconds", type=int, default=15)
    args = ap.parse_args()
    bin_dir = os.path.abspath(args.bin_dir)
    unit_tests = args.unit_tests or os.path.join(os.path.dirname(bin_dir), "tests",
                                                 "hostmon_unit_tests")
    have = agent_sources(bin_dir)
    workdir = tempfile.mkdtemp(prefix="hostmon-hw-bench-")
    procs = h.Processes(workdir)
    extra = {}
    try:
        print("== SMART")
        for line in bench_smart_parse(unit_tests):
            print("  " + line)
        if "smart" in have:
            print("  one smart collection, 8 devices via the stand-in smartctl: "
                  + bench_smart_source(procs, bin_dir, args.runs))
            extra["smart"] = smart_args() + ["--source.smart.interval=1s",
                                             "--source.smart.timeout=5s"]
        print("== IPMI (ipmi_sim, 8 sensors, RMCP+ on loopback)")
        if "ipmi" in have and os.path.exists(os.path.join(HERE, "ipmi_bench.py")):
            sys.path.insert(0, HERE)
            import ipmi_bench  # noqa: E402
            r = ipmi_bench.measure(bin_dir, args.runs)
            print("  first read (builds the SDR cache): %.2f ms" % r["cold_read_ms"])
            st = r["read_ms"]
            print("  one full read (ipmi_scrape_duration_seconds): min %.2f  median %.2f  "
                  "max %.2f ms" % (st["min"], st["median"], st["max"]))
            st = r["source_ms"]
            print("  one collection (hostmon_agent_source_duration_seconds): min %.2f  "
                  "median %.2f  max %.2f ms" % (st["min"], st["median"], st["max"]))
            sys.path.insert(0, os.path.join(TESTS, "ipmi"))
            import ipmi_sim  # noqa: E402
            sim = ipmi_sim.start_sim(procs, workdir)
            if sim is not None:
                targets = ipmi_sim.write_targets(workdir, sim)
                extra["ipmi"] = ipmi_sim.agent_ipmi_args(
                    targets, os.path.join(workdir, "sdr")) + ["--source.ipmi.interval=1s"]
        else:
            print("  not measured: the agent has no ipmi source (i5-ipmi not merged)")
        print("== Redfish (public-rackmount1 mockup, our test server on loopback)")
        if "redfish" in have and os.path.exists(REDFISH_SERVER):
            targets = start_redfish(procs, workdir)
            if targets is None:
                print("  redfish test server did not start")
            else:
                print("  one collection: " + bench_redfish(procs, bin_dir, targets, args.runs))
                extra["redfish"] = redfish_args(targets) + ["--source.redfish.interval=1s"]
        else:
            print("  not measured: the agent has no redfish source (i5-redfish not merged)")
        print("== Agent RSS, %d s, 1 s interval, streaming to a collector" % args.rss_seconds)
        variants = [("default sources", [])]
        variants += [("default + " + k, v) for k, v in sorted(extra.items())]
        if len(extra) > 1:
            variants.append(("default + " + "+".join(sorted(extra)),
                             [a for k in sorted(extra) for a in extra[k]]))
        for line in bench_rss(procs, bin_dir, args.rss_seconds, variants):
            print("  " + line)
    finally:
        procs.cleanup()
        shutil.rmtree(workdir, ignore_errors=True)


if __name__ == "__main__":
    main()

#!/usr/bin/env python3
# SPDX-License-Identifier: Apache-2.0
"""`hostmon-agent --debug.cost` over the fixture tree: every source that is on by default (from
--help) has exactly one row, every row has its six figures, the total row is their sum, and a bad
--debug.cost-collections is refused naming the flag.

Usage: debug_cost_test.py --bin-dir build/bin
"""

import argparse
import os
import re
import subprocess
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
FIXTURES = os.path.join(os.path.dirname(HERE), "fixtures")


def default_sources(agent):
    """Names of the --source.<name> switches whose default is true."""
    lines = subprocess.run([agent, "--help"], capture_output=True, text=True, timeout=30,
                           check=True).stdout.splitlines()
    out = []
    for i, line in enumerate(lines):
        m = re.match(r"^  --source\.([a-z0-9_]+)$", line)
        if m and i + 1 < len(lines) and lines[i + 1].rstrip().endswith("(default: true)"):
            out.append(m.group(1))
    return out


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--bin-dir", required=True)
    args = ap.parse_args()
    agent = os.path.join(args.bin_dir, "hostmon-agent")
    failures = []

    expected = default_sources(agent)
    if len(expected) < 10:
        print(f"FAIL: only {len(expected)} default sources found in --help: {expected}")
        return 1
    roots = [f"--path.procfs={FIXTURES}/proc", f"--path.sysfs={FIXTURES}/sys",
             f"--path.rootfs={FIXTURES}/rootfs"]
    r = subprocess.run([agent, "--debug.cost", "--debug.cost-collections=3",
                        "--hostname=fixture-host"] + roots,
                       capture_output=True, text=True, timeout=60)
    if r.returncode != 0:
        print(f"FAIL: --debug.cost exited {r.returncode}:\n{r.stderr}")
        return 1
    lines = r.stdout.splitlines()
    print(r.stdout)
    if not lines or "over 3 collection(s) after 1 warm-up" not in lines[0]:
        failures.append(f"first line does not say 3 accounted collections: {lines[:1]}")
    header = [ln for ln in lines if ln.startswith("source ")]
    if len(header) != 1 or header[0].split() != [
            "source", "wall_ms", "cpu_ms", "user_ms", "sys_ms", "samples", "files"]:
        failures.append(f"missing or unexpected column header: {header}")
    rows = {}
    counts = {}
    total = None
    for ln in lines:
        if ln.startswith("#") or ln.startswith("source "):
            continue
        parts = ln.split()
        if len(parts) != 7:
            failures.append(f"row without 6 figures: {ln!r}")
            continue
        try:
            # user_ms and sys_ms are "-" until a timer tick has sampled the source.
            figures = [None if x == "-" and i in (2, 3) else float(x)
                       for i, x in enumerate(parts[1:])]
        except ValueError:
            failures.append(f"row with a non-number: {ln!r}")
            continue
        if any(x is not None and x < 0 for x in figures):
            failures.append(f"negative figure: {ln!r}")
        if (figures[2] is None) != (figures[3] is None):
            failures.append(f"user_ms and sys_ms not both given or both '-': {ln!r}")
        elif figures[2] is not None and abs(figures[2] + figures[3] - figures[1]) > 0.0015:
            failures.append(f"user_ms + sys_ms != cpu_ms: {ln!r}")
        if parts[0] == "total":
            total = figures
            continue
        counts[parts[0]] = counts.get(parts[0], 0) + 1
        rows[parts[0]] = figures
    for name in expected:
        if counts.get(name, 0) != 1:
            failures.append(f"default source {name}: {counts.get(name, 0)} rows, want 1")
    for name in sorted(set(counts) - set(expected)):
        failures.append(f"row for {name}, which is not a default source")
    if total is None:
        failures.append("no total row")
    else:
        for col, label in ((0, "wall_ms"), (1, "cpu_ms"), (4, "samples"), (5, "files")):
            s = sum(f[col] for f in rows.values())
            # Each row is rounded (3 decimals for times, whole numbers for counts).
            tolerance = (0.0005 if col < 4 else 0.5) * (len(rows) + 1)
            if abs(s - total[col]) > tolerance:
                failures.append(f"total {label} {total[col]} != sum of rows {s:.3f}")
    cpu_col = [f[1] for f in rows.values()]
    if cpu_col != sorted(cpu_col, reverse=True):
        failures.append("rows are not sorted by CPU, most first")
    # The fixture tree has the files of these: their rows must show samples and opened files.
    for name in ("meminfo", "loadavg", "cpu"):
        if name in rows and (rows[name][4] < 1 or rows[name][5] < 1 or rows[name][1] <= 0):
            failures.append(f"{name}: no samples, no files opened or no CPU: {rows[name]}")

    bad = subprocess.run([agent, "--debug.cost", "--debug.cost-collections=0"] + roots,
                         capture_output=True, text=True, timeout=30)
    if bad.returncode != 2 or "--debug.cost-collections" not in bad.stderr:
        failures.append(f"--debug.cost-collections=0: rc {bad.returncode}, stderr {bad.stderr!r}")

    for f in failures:
        print("FAIL: " + f)
    if failures:
        return 1
    print(f"PASS: --debug.cost lists each of the {len(expected)} default sources once")
    return 0


if __name__ == "__main__":
    sys.exit(main())

#!/usr/bin/env python3
# SPDX-License-Identifier: Apache-2.0
"""node_exporter's own end-to-end test, run against hostmon-agent.

node_exporter keeps a fake host (tests/fixtures/node_exporter/: a /proc tree, sys.ttar and
udev.ttar, textfiles) and the exposition its collectors must produce from it (e2e-output.txt).
This tool unpacks the fixture, runs `hostmon-agent --once` over it with the sources and options
node_exporter's end-to-end-test.sh enables (where hostmon has them), and compares family by
family: TYPE, HELP, label names, the set of series and every value. Families are
  identical        same type, help, series and values
  differ           hostmon exports the family, but something above differs
  not implemented  node_exporter's expected output has it, hostmon does not export it
The known gaps (differ or not implemented, with the reason) are listed in
tests/compat/node_exporter_gaps.txt. The test fails when a family differs or is missing and is
not listed there, when any value of a family hostmon claims differs, and when a listed gap has
been closed (the entry must go, so the list only shrinks).

Excluded as in node_exporter's end-to-end-test.sh: go_*, process_*, node_exporter_build_info,
node_scrape_collector_duration_seconds, node_textfile_mtime_seconds, node_time_(zone|seconds),
node_network_(receive|transmit)_(bytes|packets)_total; plus promhttp_* and the scrape success
families (node_scrape_collector_success: hostmon has hostmon_agent_source_success instead).

Usage: node_exporter_e2e.py --bin-dir build/bin [--write-gaps FILE] [--verbose]
"""

import argparse
import collections
import math
import os
import re
import shutil
import subprocess
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
sys.path.insert(0, os.path.join(os.path.dirname(HERE), "e2e"))
import harness as h  # noqa: E402
import ttar  # noqa: E402

FIXTURE = os.path.join(os.path.dirname(HERE), "fixtures", "node_exporter")
GAPS_FILE = os.path.join(HERE, "node_exporter_gaps.txt")
SKIP = re.compile(
    r"^(go_|node_exporter_build_info|node_scrape_collector_duration_seconds|process_|"
    r"node_textfile_mtime_seconds|node_time_(zone|seconds)|"
    r"node_network_(receive|transmit)_(bytes|packets)_total|promhttp_|node_scrape_collector_success)")
AGENT_OWN = re.compile(r"^hostmon_")

# node_exporter's collectors that end-to-end-test.sh runs (enabled there or by default) and
# hostmon's source of the same name. The rest are listed as not implemented in the gaps file.
SOURCES = ["arp", "bcache", "bcachefs", "bonding", "btrfs", "buddyinfo", "cgroups", "conntrack", "cpu", "cpu_vulnerabilities", "cpufreq", "diskstats", "dmi", "dmmultipath", "drbd", "edac", "entropy", "fibrechannel", "filefd", "hwmon", "infiniband", "interrupts", "ipvs", "kernel_hung", "ksmd", "lnstat", "loadavg", "mdadm", "meminfo", "meminfo_numa", "mountstats", "netclass", "netdev", "netstat", "nfs", "nfsd", "nvme", "os", "pcidevice", "powersupplyclass", "pressure", "processes", "rapl", "schedstat", "slabinfo", "sockstat", "softirqs", "softnet", "stat", "sysctl", "tapestats", "textfile", "thermal_zone", "time",
           "udp_queues", "vmstat", "watchdog", "xfrm", "xfs", "zfs", "zoneinfo"]
# end-to-end-test.sh's collector flags that hostmon has, as hostmon's flags.
OPTIONS = [
    "--source.arp.device-exclude=nope",
    "--source.bcache.priority-stats=true",
    "--source.cpu.info.bugs-include=^(cpu_meltdown|spectre_.*|mds)$",
    "--source.cpu.info.flags-include=^(aes|avx.?|constant_tsc)$",
    "--source.hwmon.chip-include=(applesmc|asus_nb_wmi|coretemp|hwmon4|ieee80211|nct6779)",
    "--source.netclass.ignore-invalid-speed=true",
    "--source.netclass.ignored-devices=(dmz|int)",
    "--source.netdev.device-exclude=",
    "--source.netdev.device-include=lo",
    "--source.stat.softirq=true",
    "--source.sysctl.include-info=kernel.seccomp.actions_avail",
    "--source.sysctl.include=fs.file-nr",
    "--source.sysctl.include=fs.file-nr:total,current,max",
    "--source.sysctl.include=kernel.threads-max",
]
_SUFFIXES = {"histogram": ("_bucket", "_sum", "_count"), "summary": ("_sum", "_count")}


class Family:
    def __init__(self, name):
        self.name = name
        self.type = "untyped"
        self.help = None
        self.series = {}  # frozenset(labels.items()) with the sample name -> value


def samples(text):
    """(name, labels, value) of every sample line. Lines are split at '\\n' only: label values
    may hold other characters str.splitlines() would split at (node_dmi_info's product_version
    in the fixture does)."""
    for lineno, line in enumerate(text.split("\n"), 1):
        if not line.strip() or line.startswith("#"):
            continue
        m = h._SAMPLE_RX.match(line)
        if not m:
            raise ValueError("line %d: not a sample: %r" % (lineno, line))
        labels = {}
        body = m.group(2)
        if body and body != "{}":
            pos = 1
            while pos < len(body):
                lm = h._LABEL_RX.match(body, pos)
                if not lm:
                    raise ValueError("line %d: bad labels: %r" % (lineno, line))
                labels[lm.group(1)] = h._unescape_label(lm.group(2))
                pos = lm.end()
                if lm.group(3) == "}":
                    break
        yield m.group(1), labels, float(m.group(3))


def parse(text):
    """Prometheus text exposition -> {family: Family}."""
    fams = collections.OrderedDict()
    for line in text.split("\n"):
        if line.startswith("# HELP ") or line.startswith("# TYPE "):
            parts = line.split(" ", 3)
            f = fams.setdefault(parts[2], Family(parts[2]))
            if parts[1] == "HELP":
                f.help = parts[3] if len(parts) > 3 else ""
            else:
                f.type = parts[3].strip()
    for name, labels, value in samples(text):
        owner = name
        if name not in fams:
            for base, f in fams.items():
                if any(name == base + s for s in _SUFFIXES.get(f.type, ())):
                    owner = base
                    break
        f = fams.setdefault(owner, Family(owner))
        key = frozenset(list(labels.items()) + [("__name__", name)])
        f.series[key] = value
    return fams


def same_value(a, b):
    if math.isnan(a) and math.isnan(b):
        return True
    return a == b or abs(a - b) <= 1e-9 * max(abs(a), abs(b))


def series_str(key):
    d = dict(key)
    name = d.pop("__name__")
    return name + "{" + ",".join('%s="%s"' % kv for kv in sorted(d.items())) + "}"


def compare(want, got):
    """Returns the list of differences of one family (empty: identical)."""
    out = []
    if want.type != got.type:
        out.append("type: node_exporter %s, hostmon %s" % (want.type, got.type))
    if want.help != got.help:
        out.append("help: node_exporter %r, hostmon %r" % (want.help, got.help))
    wl = {k for s in want.series for k, _ in s} - {"__name__"}
    gl = {k for s in got.series for k, _ in s} - {"__name__"}
    if wl != gl:
        out.append("label names: node_exporter %s, hostmon %s" % (sorted(wl), sorted(gl)))
    missing = [s for s in want.series if s not in got.series]
    extra = [s for s in got.series if s not in want.series]
    if missing:
        out.append("%d series missing, e.g. %s" % (len(missing), series_str(missing[0])))
    if extra:
        out.append("%d series extra, e.g. %s" % (len(extra), series_str(extra[0])))
    bad = [(s, want.series[s], got.series[s]) for s in want.series
           if s in got.series and not same_value(want.series[s], got.series[s])]
    if bad:
        s, a, b = bad[0]
        out.append("%d values differ, e.g. %s: node_exporter %r, hostmon %r"
                   % (len(bad), series_str(s), a, b))
    return out, len(bad)


def load_gaps(path):
    """gaps file -> [(regex, status, reason, line number)]; status is 'missing' or 'differs'."""
    gaps = []
    with open(path) as f:
        for n, line in enumerate(f, 1):
            line = line.strip()
            if not line or line.startswith("#"):
                continue
            parts = line.split(None, 2)
            if len(parts) < 3 or parts[1] not in ("missing", "differs"):
                raise SystemExit("%s:%d: want 'FAMILY-REGEX missing|differs REASON'" % (path, n))
            gaps.append((re.compile("^(?:%s)$" % parts[0]), parts[1], parts[2], n))
    return gaps


def gap_for(gaps, family):
    for g in gaps:
        if g[0].match(family):
            return g
    return None


def prepare_root(workdir):
    """The fixture as node_exporter's test sees it: proc/, sys/ and udev/ side by side (the
    ttars unpacked); hostmon reads udev data below <rootfs>/run/udev/data."""
    root = os.path.join(workdir, "collector", "fixtures")
    shutil.copytree(FIXTURE, root, symlinks=True)
    ttar.extract(os.path.join(root, "sys.ttar"), root)
    ttar.extract(os.path.join(root, "udev.ttar"), root)
    os.makedirs(os.path.join(root, "run", "udev"))
    os.symlink(os.path.join("..", "..", "udev", "data"), os.path.join(root, "run", "udev", "data"))
    # Relative to the working directory, as node_exporter's test passes them: paths appear in
    # some outputs (node_rapl_*{path}, the textfile HELP).
    return os.path.join("collector", "fixtures")


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--bin-dir", required=True)
    ap.add_argument("--write-gaps", help="write the current gaps to this file (to start a list)")
    ap.add_argument("--verbose", action="store_true", help="print every differing family")
    args = ap.parse_args()
    args.bin_dir = os.path.abspath(args.bin_dir)
    workdir = tempfile.mkdtemp(prefix="hostmon-ne-e2e-")
    try:
        root = prepare_root(workdir)
        argv = [os.path.join(args.bin_dir, "hostmon-agent"), "--once",
                "--hostname=node-exporter-e2e",
                "--path.procfs=" + os.path.join(root, "proc"),
                "--path.sysfs=" + os.path.join(root, "sys"),
                "--path.rootfs=" + root,
                "--source.textfile.directory=" + os.path.join(root, "textfile",
                                                              "two_metric_files"),
                "--source.disable-defaults"] + ["--source." + s for s in SOURCES] + OPTIONS
        r = subprocess.run(argv, capture_output=True, timeout=60, cwd=workdir)
        stdout = r.stdout.decode("utf-8", errors="surrogateescape")
        if r.returncode != 0:
            print("FAIL: hostmon-agent --once exited %d\n%s" % (r.returncode, r.stderr[-3000:].decode(errors="replace")))
            return 1
        with open(os.path.join(FIXTURE, "e2e-output.txt"), "rb") as f:
            text = f.read().decode("utf-8", errors="surrogateescape")
        want = {n: f for n, f in parse(text).items() if not SKIP.match(n)}
        got = {n: f for n, f in parse(stdout).items()
               if not SKIP.match(n) and not AGENT_OWN.match(n)}
    finally:
        shutil.rmtree(workdir, ignore_errors=True)

    gaps = load_gaps(GAPS_FILE)
    used = set()
    identical, differ, missing = [], [], []
    failures = []
    value_mismatches = 0
    for name in sorted(want):
        g = gap_for(gaps, name)
        if name not in got:
            missing.append(name)
            if g is None:
                failures.append("%s: not exported by hostmon and not listed as a gap" % name)
            else:
                used.add(g[3])
            continue
        problems, bad_values = compare(want[name], got[name])
        value_mismatches += bad_values
        if not problems:
            identical.append(name)
            continue
        differ.append((name, problems))
        if bad_values:
            failures.append("%s: %d value(s) differ: %s" % (name, bad_values, "; ".join(problems)))
        elif g is None or g[1] != "differs":
            failures.append("%s: differs and not listed as a gap: %s" % (name, "; ".join(problems)))
        else:
            used.add(g[3])
        if args.verbose:
            print("DIFFERS: %s\n    %s" % (name, "\n    ".join(problems)))
    for regex, status, reason, line in gaps:
        if line not in used:
            failures.append("%s:%d: gap %r (%s) matches no missing or differing family any more: "
                            "remove it" % (os.path.basename(GAPS_FILE), line, regex.pattern[4:-2],
                                           status))
    extra = sorted(set(got) - set(want))
    if args.verbose:
        print("hostmon only: %s" % ", ".join(extra))
    total = len(want)
    print("node_exporter 1.12 e2e-output.txt: %d families (after exclusions); hostmon exports "
          "%d of them" % (total, total - len(missing)))
    print("%d identical, %d differ, %d not implemented (%.1f %% identical); %d value mismatches; "
          "%d hostmon families node_exporter's output does not have"
          % (len(identical), len(differ), len(missing), 100.0 * len(identical) / max(total, 1),
             value_mismatches, len(extra)))
    if args.write_gaps:
        with open(args.write_gaps, "w") as f:
            for name, problems in differ:
                f.write("%s differs %s\n" % (re.escape(name), "; ".join(problems)[:200]))
            for name in missing:
                f.write("%s missing not implemented\n" % re.escape(name))
    for msg in failures:
        print("FAIL: " + msg)
    print("%d passed, %d failed" % (0 if failures else 1, len(failures)))
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())

#!/usr/bin/env python3
# SPDX-License-Identifier: Apache-2.0
"""Metric families of hostmon-agent vs node_exporter 1.5.0 on this machine: for every family
both export, the type and the set of label names must be identical (one check per family),
except for the labels node_exporter 1.12 added, which hostmon has as well (NEWER_LABELS).

Runs Debian's node_exporter (default collectors, this machine's /proc and /sys, 127.0.0.1 on a
free port, scraped once, stopped by PID) and `hostmon-agent --once` (default sources). Families
only one side has are listed for information (node_exporter-only = not yet implemented by
hostmon). HELP text differences of common families are listed for information too.
Excluded: the agent's own hostmon_* families; node_exporter's go_*, process_*, promhttp_*,
node_scrape_* and node_exporter_build_info.

Usage: family_diff.py --bin-dir build/bin [--node-exporter PATH]
"""

import collections
import os
import re
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import compat_lib as c  # noqa: E402

h = c.h

NODE_EXPORTER_EXCLUDE = re.compile(
    r"^(go_|process_|promhttp_|node_scrape_|node_exporter_build_info$)")
AGENT_EXCLUDE = re.compile(r"^hostmon_")
# Labels node_exporter added after 1.5.0 that hostmon exports as 1.12 does (checked against 1.12
# by compat.node_exporter_e2e): hostmon may have them on top of 1.5.0's label set.
NEWER_LABELS = {
    "node_disk_info": {"rotational"},
    "node_network_info": {"adminstate"},
    "node_nvme_info": {"cntlid"},
}
_SUFFIXES = {"histogram": ("_bucket", "_sum", "_count"), "summary": ("_sum", "_count"),
             "gaugehistogram": ("_bucket", "_gsum", "_gcount")}


class Family:
    def __init__(self, name):
        self.name = name
        self.type = None  # None until a # TYPE line: "untyped" then
        self.help = None
        self.labels = set()
        self.samples = 0


def parse_families(text):
    """Prometheus text format -> {family name: Family}. Sample lines are attributed to their
    family by the # TYPE declarations (histogram/summary suffixes included)."""
    families = collections.OrderedDict()

    def fam(name):
        if name not in families:
            families[name] = Family(name)
        return families[name]

    for line in text.splitlines():
        if line.startswith("# HELP ") or line.startswith("# TYPE "):
            parts = line.split(" ", 3)
            if len(parts) < 3:
                continue
            f = fam(parts[2])
            rest = parts[3] if len(parts) > 3 else ""
            if parts[1] == "HELP":
                f.help = rest
            else:
                f.type = rest.strip()
    for name, labels, _ in h.parse_exposition(text):
        owner = name
        if name not in families or families[name].type is None:
            for base, f in families.items():
                for suffix in _SUFFIXES.get(f.type, ()):
                    if name == base + suffix:
                        owner = base
        f = fam(owner)
        f.labels.update(labels)
        f.samples += 1
    for f in families.values():
        if f.type is None:
            f.type = "untyped"
        for suffix_label in ("le", "quantile"):
            if f.type in ("histogram", "summary", "gaugehistogram"):
                f.labels.discard(suffix_label)  # implied by the type
    return families


def scrape_node_exporter(args, procs, runner):
    runner.require("%s exists (Debian package prometheus-node-exporter)" % args.node_exporter,
                   os.access(args.node_exporter, os.X_OK), "")
    for attempt in range(3):
        port = h.free_port()
        ne = procs.start("node_exporter", [args.node_exporter,
                                           "--web.listen-address=127.0.0.1:%d" % port])
        url = "http://127.0.0.1:%d/metrics" % port

        def scraped():
            status, body = h.http_get(url, timeout=10.0)
            if status == 200:
                return body
            return "exited" if not ne.alive() else None

        body = h.wait_until(scraped, 15.0, 0.2)
        ne.stop(grace=3.0)
        if body and body != "exited":
            return body
        if "address already in use" not in ne.stderr():
            break
    runner.require("node_exporter served /metrics", False, ne.tail())


def run_agent_once(args, procs, runner):
    agent = procs.run("agent_once", [os.path.join(args.bin_dir, "hostmon-agent"), "--once"],
                      timeout=20.0)
    runner.require("hostmon-agent --once exits 0", agent.returncode == 0,
                   "exit %r; stderr:\n%s" % (agent.returncode, agent.tail()))
    return agent.stdout()


def extra_args(ap):
    ap.add_argument("--node-exporter", default=c.NODE_EXPORTER_BIN,
                    help="node_exporter binary (default %(default)s)")


def body(args, procs, runner, workdir):
    ne_text = scrape_node_exporter(args, procs, runner)
    agent_text = run_agent_once(args, procs, runner)
    ne = {n: f for n, f in parse_families(ne_text).items()
          if not NODE_EXPORTER_EXCLUDE.match(n) and f.samples}
    ag = {n: f for n, f in parse_families(agent_text).items()
          if not AGENT_EXCLUDE.match(n) and f.samples}
    common = sorted(set(ne) & set(ag))
    h.log("families: node_exporter %d, hostmon %d, common %d" % (len(ne), len(ag), len(common)))
    runner.require("node_exporter and hostmon have at least one family in common", common,
                   "no common family: is the agent exporting node_* metrics?")

    help_diffs = []
    for name in common:
        a, b = ne[name], ag[name]
        problems = []
        if a.type != b.type:
            problems.append("type: node_exporter %s, hostmon %s" % (a.type, b.type))
        if a.labels != b.labels - NEWER_LABELS.get(name, set()):
            problems.append("labels: node_exporter %s, hostmon %s (only node_exporter: %s; "
                            "only hostmon: %s)" % (sorted(a.labels), sorted(b.labels),
                                                   sorted(a.labels - b.labels) or "-",
                                                   sorted(b.labels - a.labels) or "-"))
        runner.check("%s: type %s, labels [%s]" % (name, b.type, ",".join(sorted(b.labels))),
                     not problems, "\n".join(problems))
        if a.help != b.help:
            help_diffs.append((name, a.help, b.help))

    only_ne = sorted(set(ne) - set(ag))
    only_ag = sorted(set(ag) - set(ne))
    by_prefix = collections.OrderedDict()
    for n in only_ne:
        key = "_".join(n.split("_")[:2])
        by_prefix.setdefault(key, []).append(n)
    sys.stdout.write("\nINFO: %d families only in node_exporter (missing in hostmon), by prefix:\n"
                     % len(only_ne))
    for key, names in by_prefix.items():
        sys.stdout.write("  %s (%d): %s\n" % (key, len(names), " ".join(names)))
    sys.stdout.write("INFO: %d families only in hostmon:%s\n"
                     % (len(only_ag), "".join("\n  " + n for n in only_ag)))
    sys.stdout.write("INFO: %d common families with a different HELP text:%s\n\n" % (
        len(help_diffs), "".join("\n  %s:\n    node_exporter: %s\n    hostmon:       %s" % d
                                 for d in help_diffs)))


if __name__ == "__main__":
    c.main(__doc__.strip().splitlines()[0], body, budget_seconds=60.0, extra_args=extra_args)

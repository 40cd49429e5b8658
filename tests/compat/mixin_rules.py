#!/usr/bin/env python3
# SPDX-License-Identifier: Apache-2.0
"""node_exporter's node-mixin alerting and recording rules, loaded unchanged into a real
Prometheus that scrapes the collector: every rule evaluates without error.

Checks: `promtool check rules` accepts each rule file; Prometheus loads them (rule_files,
evaluation_interval 1 s) next to collector + agent (this machine's /proc, 1 s interval); after
every rule has been evaluated at least MIN_EVALS times, /api/v1/rules reports health "ok" and no
lastError for each rule (one check per rule). Which recording rules produce series and which
alerts are active is printed for information (that depends on the sources present).

Usage: mixin_rules.py --bin-dir build/bin [--rules-dir DIR]
"""

import glob
import os
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import compat_lib as c  # noqa: E402

h = c.h
DEFAULT_RULES_DIR = os.path.join(c.FIXTURES_DIR, "rules", "node-mixin")
MIN_EVALS = 3  # evaluations of every group before its rules' health is judged
EVAL_TIMEOUT_S = 20.0


def extra_args(ap):
    ap.add_argument("--rules-dir", default=DEFAULT_RULES_DIR,
                    help="directory of Prometheus rule files (*.yaml, *.yml)")


def all_rules(groups):
    for g in groups:
        for r in g.get("rules", []):
            yield g, r


def body(args, procs, runner, workdir):
    files = sorted(glob.glob(os.path.join(args.rules_dir, "*.yaml")) +
                   glob.glob(os.path.join(args.rules_dir, "*.yml")))
    runner.require("rule files found in %s" % args.rules_dir, files, "")
    runner.require("%s exists (Debian package prometheus)" % c.PROMTOOL_BIN,
                   os.access(c.PROMTOOL_BIN, os.X_OK), "")
    n_expected = 0  # what promtool counts ("SUCCESS: N rules found"); all must be loaded
    for path in files:
        p = procs.run("promtool", [c.PROMTOOL_BIN, "check", "rules", path], timeout=20.0)
        for word in p.stdout().split("SUCCESS:")[1:]:
            n_expected += int(word.split()[0])
        runner.check("promtool check rules %s" % os.path.basename(path), p.returncode == 0,
                     "exit %r\n%s%s" % (p.returncode, p.stdout(), p.stderr()))
    if runner.failed:
        raise h.Abort("rule files are valid")

    stack = c.start_stack(args, procs, runner, workdir, rule_files=files)
    # Wait for MIN_EVALS evaluations of every group: start counting at the first evaluation
    # seen, then MIN_EVALS - 1 more intervals (+1 s slack).
    t0 = time.monotonic()

    def loaded_and_evaluated():
        groups = c.prom_api(stack.prom_base, "/api/v1/rules")["groups"]
        rules = list(all_rules(groups))
        if rules and all(not r.get("lastEvaluation", "").startswith("0001-") for _, r in rules):
            return groups
        return None

    groups = h.wait_until(loaded_and_evaluated, EVAL_TIMEOUT_S, 0.5)
    runner.require("Prometheus loaded the rules and evaluated each at least once within %gs"
                   % EVAL_TIMEOUT_S, groups,
                   "answer: %r" % (c.prom_api(stack.prom_base, "/api/v1/rules"),))
    interval = max(float(g.get("interval") or 1.0) for g in groups)
    time.sleep(min((MIN_EVALS - 1) * interval + 1.0, h.budget().remaining()))
    groups = c.prom_api(stack.prom_base, "/api/v1/rules")["groups"]
    h.log("rules evaluated for %.1fs" % (time.monotonic() - t0))

    rules = list(all_rules(groups))
    runner.check("Prometheus loaded all %d rules promtool found" % n_expected,
                 len(rules) == n_expected, "loaded %d" % len(rules))

    recording_with_data, active_alerts = [], []
    for g, r in rules:
        name = r.get("name")
        kind = "alert" if r.get("type") == "alerting" else "record"
        # Alerts share names across severities: the severity makes each check's name unique.
        sev = (r.get("labels") or {}).get("severity")
        runner.check("%s %s%s (group %s): health ok, no lastError"
                     % (kind, name, "{severity=%s}" % sev if sev else "", g.get("name")),
                     r.get("health") == "ok" and not r.get("lastError"),
                     "health %r, lastError %r\nquery: %s"
                     % (r.get("health"), r.get("lastError"), r.get("query")))
        if kind == "record":
            res = h.prom_query(stack.prom_base, name)
            if res:
                recording_with_data.append("%s (%d series)" % (name, len(res)))
        elif r.get("alerts"):
            active_alerts.append("%s (%s)" % (name, ", ".join(sorted({a.get("state", "?")
                                                                     for a in r["alerts"]}))))
    n_record = sum(1 for _, r in rules if r.get("type") == "recording")
    sys.stdout.write("INFO: %d of %d recording rules produce series:%s\n"
                     % (len(recording_with_data), n_record,
                        "".join("\n  " + x for x in recording_with_data)))
    sys.stdout.write("INFO: %d alerts pending/firing on this host:%s\n"
                     % (len(active_alerts), "".join("\n  " + x for x in active_alerts)))


if __name__ == "__main__":
    c.main(__doc__.strip().splitlines()[0], body, budget_seconds=80.0, extra_args=extra_args)

#!/usr/bin/env python3
# SPDX-License-Identifier: Apache-2.0
"""awesome-prometheus-alerts' smartctl_exporter rules, unchanged, against hostmon's smart source.

The agent runs the smart source (slow tier, 1 s interval) over the stand-in smartctl
(tests/fixtures/smart/fake-smartctl: real captures of a healthy SSD, a failing HDD, a MegaRAID
disk, a failing NVMe, an NVMe with media errors, a sleeping disk) and sends to the collector,
which Prometheus scrapes with the rule file loaded. Checks: promtool accepts the file; every rule
evaluates with health "ok"; the alerts the captures call for are firing for the right `device`
labels (smartctl_exporter's, without /dev/), and none for the healthy or sleeping disks.

Usage: smart_rules.py --bin-dir build/bin
"""

import os
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import compat_lib as c  # noqa: E402

h = c.h
RULES = os.path.join(c.FIXTURES_DIR, "rules", "awesome-prometheus-alerts", "smartctl-exporter.yml")
FAKE_SMARTCTL = os.path.join(c.TESTS_DIR, "fixtures", "smart", "fake-smartctl")
EVAL_TIMEOUT_S = 30.0

# alert -> devices it must fire for, given the captures behind the stand-in smartctl.
EXPECTED = {
    "SmartStatus": {"sdc", "nvme0"},  # smart_status.passed = false
    "SmartCriticalWarning": {"nvme0"},  # critical_warning 16 (volatile memory backup failed)
    "SmartMediaErrors": {"nvme2"},  # media_errors 7
}


def body(args, procs, runner, workdir):
    p = procs.run("promtool", [c.PROMTOOL_BIN, "check", "rules", RULES], timeout=20.0)
    runner.require("promtool check rules %s" % os.path.basename(RULES), p.returncode == 0,
                   p.stdout() + p.stderr())
    args.agent_arg = list(args.agent_arg or []) + [
        "--source.smart",
        "--source.smart.smartctl-path=" + FAKE_SMARTCTL,
        "--source.smart.interval=1s",
        "--source.smart.timeout=5s",
    ]
    stack = c.start_stack(args, procs, runner, workdir, rule_files=[RULES])
    expr = h.selector("smartctl_device_smart_status", instance=stack.host)
    res = h.wait_until(lambda: h.prom_query(stack.prom_base, expr), 20.0, 0.5)
    runner.require("prometheus has %s" % expr, res, "last answer %r" % (res,))
    devices = sorted(r["metric"].get("device", "") for r in res)
    runner.check("device labels are smartctl_exporter's (no /dev/)",
                 devices == sorted(["sda", "sdb", "sdc", "bus_0_megaraid_disk_01", "nvme0",
                                    "nvme1", "nvme2"]), "got %r" % devices)

    def evaluated_twice():
        groups = c.prom_api(stack.prom_base, "/api/v1/rules")["groups"]
        rules = [r for g in groups for r in g.get("rules", [])]
        if rules and all(not r.get("lastEvaluation", "").startswith("0001-") for r in rules):
            return rules
        return None

    rules = h.wait_until(evaluated_twice, EVAL_TIMEOUT_S, 0.5)
    runner.require("Prometheus loaded and evaluated the rules", rules, "")
    time.sleep(2.5)  # two more evaluations (1 s interval), so alerts with for: 0m are firing
    groups = c.prom_api(stack.prom_base, "/api/v1/rules")["groups"]
    rules = [r for g in groups for r in g.get("rules", [])]
    runner.check("all 8 rules loaded", len(rules) == 8, "loaded %d" % len(rules))
    firing = {}
    for r in rules:
        runner.check("alert %s: health ok, no lastError" % r.get("name"),
                     r.get("health") == "ok" and not r.get("lastError"),
                     "health %r, lastError %r\nquery: %s"
                     % (r.get("health"), r.get("lastError"), r.get("query")))
        firing[r["name"]] = {a["labels"].get("device") for a in r.get("alerts", [])
                             if a.get("state") == "firing"}
    for name in sorted(firing):
        want = EXPECTED.get(name, set())
        runner.check("alert %s fires for exactly %s" % (name, sorted(want) or "no device"),
                     firing[name] == want, "firing for %r" % (sorted(firing[name]),))
    return None


if __name__ == "__main__":
    c.main(__doc__.strip().splitlines()[0], body, budget_seconds=90.0)

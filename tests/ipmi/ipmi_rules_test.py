#!/usr/bin/env python3
# SPDX-License-Identifier: Apache-2.0
"""awesome-prometheus-alerts' ipmi-exporter rules, unchanged, in a real Prometheus fed by
hostmon (ipmi_sim -> agent's ipmi source -> collector -> Prometheus): every rule evaluates
without error, and the alerts the simulator's state calls for actually fire.

Checks: `promtool check rules` accepts the file; Prometheus loads all its rules; each rule has
health "ok" and no lastError after several evaluations; Prometheus has the BMC's
ipmi_temperature_celsius under the agent's instance with target="sim"; IpmiTemperatureSensorCritical
(Inlet Temp is above its critical threshold at start, `for: 0m`) and IpmiChassisPowerOff (the
simulated chassis is off) are firing.

Usage: ipmi_rules_test.py --bin-dir build/bin
"""

import os
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
sys.path.insert(0, os.path.join(os.path.dirname(HERE), "compat"))
import compat_lib as c  # noqa: E402
import ipmi_sim as s  # noqa: E402

h = c.h
RULES = os.path.join(c.FIXTURES_DIR, "rules", "awesome-prometheus-alerts", "ipmi-exporter.yml")
MIN_EVALS = 3
EVAL_TIMEOUT_S = 20.0


def body(args, procs, runner, workdir):
    runner.require("%s exists (Debian package prometheus)" % c.PROMTOOL_BIN,
                   os.access(c.PROMTOOL_BIN, os.X_OK), "")
    p = procs.run("promtool", [c.PROMTOOL_BIN, "check", "rules", RULES], timeout=20.0)
    runner.require("promtool check rules ipmi-exporter.yml", p.returncode == 0,
                   p.stdout() + p.stderr())
    n_expected = sum(int(w.split()[0]) for w in p.stdout().split("SUCCESS:")[1:])

    sim = s.start_sim(procs, workdir)
    runner.require("ipmi_sim answers on loopback", sim, "")
    targets = s.write_targets(workdir, sim, name="sim", collectors=("ipmi", "chassis", "sel"))
    args.agent_arg = list(args.agent_arg or []) + ["--source.ipmi.local=false"] + \
        s.agent_ipmi_args(targets, os.path.join(workdir, "sdr-cache"))
    stack = c.start_stack(args, procs, runner, workdir, rule_files=[RULES])

    expr = h.selector("ipmi_temperature_celsius", instance=stack.host, target="sim")
    res = h.wait_until(lambda: h.prom_query(stack.prom_base, expr), 15.0, 0.5)
    runner.check("Prometheus has %s" % expr, res and len(res) == 2, "answer: %r" % (res,))

    def evaluated():
        groups = c.prom_api(stack.prom_base, "/api/v1/rules")["groups"]
        rules = [r for g in groups for r in g.get("rules", [])]
        if rules and all(not r.get("lastEvaluation", "").startswith("0001-") for r in rules):
            return groups
        return None

    groups = h.wait_until(evaluated, EVAL_TIMEOUT_S, 0.5)
    runner.require("Prometheus loaded and evaluated the rules within %gs" % EVAL_TIMEOUT_S,
                   groups, "")
    time.sleep(min((MIN_EVALS - 1) * 1.0 + 1.0, h.budget().remaining()))
    firing = h.wait_until(
        lambda: [r for g in c.prom_api(stack.prom_base, "/api/v1/rules")["groups"]
                 for r in g.get("rules", []) if r.get("name") == "IpmiTemperatureSensorCritical"
                 and any(a.get("state") == "firing" for a in r.get("alerts", []))], 10.0, 0.5)
    groups = c.prom_api(stack.prom_base, "/api/v1/rules")["groups"]
    rules = [r for g in groups for r in g.get("rules", [])]
    runner.check("Prometheus loaded all %d rules promtool found" % n_expected,
                 len(rules) == n_expected, "loaded %d" % len(rules))
    active = []
    for r in rules:
        runner.check("alert %s: health ok, no lastError" % r.get("name"),
                     r.get("health") == "ok" and not r.get("lastError"),
                     "health %r, lastError %r" % (r.get("health"), r.get("lastError")))
        if r.get("alerts"):
            active.append("%s (%s)" % (r["name"], ", ".join(sorted({a.get("state", "?")
                                                                   for a in r["alerts"]}))))
    runner.check("IpmiTemperatureSensorCritical fires for the simulator's Inlet Temp", firing,
                 "active: %r" % active)
    runner.check("IpmiChassisPowerOff fires (the simulated chassis is off)",
                 any(a.startswith("IpmiChassisPowerOff (firing") for a in active),
                 "active: %r" % active)
    sys.stdout.write("INFO: active alerts:%s\n" % "".join("\n  " + a for a in active))


if __name__ == "__main__":
    c.main(__doc__.strip().splitlines()[0], body, budget_seconds=80.0)

#!/usr/bin/env python3
# SPDX-License-Identifier: Apache-2.0
"""Response-time alert end to end with real components: an agent probes two HTTP targets (class
web and class api) served by this test; the collector evaluates the shipped response-time rules
of deploy/config/rules.yml (thresholds kept; window and `for` shortened so the test takes
seconds) and sends to a real Alertmanager. At 50 ms nothing fires; when the test raises the web
target's latency to 1.5 s, ProbeSlowWebResponse fires at severity warning (> 1 s, below the 2 s
critical) for target=web only and reaches Alertmanager; the fast api target stays quiet.

Usage: probe_alert_test.py --bin-dir build/bin
"""

import os
import secrets
import sys
import time

import yaml

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
sys.path.insert(0, os.path.join(HERE, "..", "probe"))
import alerting_peers as ap  # noqa: E402
import harness as h  # noqa: E402
import probe_peers as pp  # noqa: E402

SHIPPED_RULES = os.path.join(HERE, "..", "..", "deploy", "config", "rules.yml")
RULES = ("ProbeSlowWebResponse", "ProbeSlowApiResponse")
WINDOW, FOR = "8s", "3s"
ALERT = "ProbeSlowWebResponse"


def test_rules():
    """The shipped response-time rules with a short window and `for`; thresholds untouched."""
    with open(SHIPPED_RULES) as f:
        shipped = yaml.safe_load(f)
    rules = [r for r in shipped["rules"] if r["name"] in RULES]
    assert len(rules) == len(RULES), [r["name"] for r in shipped["rules"]]
    for r in rules:
        r["expr"]["window"] = WINDOW
        if "for" in r:
            r["for"] = FOR
        for sev in r.get("severities", {}).values():
            if "for" in sev:
                sev["for"] = FOR
    return yaml.safe_dump({"settings": {"flap_window": "0s"}, "rules": rules}, sort_keys=False), \
        rules


def body(args, procs, runner, workdir):
    text, rules = test_rules()
    web_rule = [r for r in rules if r["name"] == ALERT][0]
    runner.check("the shipped web rule keeps its thresholds (warning 1 s, critical 2 s)",
                 web_rule["severities"]["warning"]["threshold"] == 1 and
                 web_rule["severities"]["critical"]["threshold"] == 2, web_rule)
    host = "e2e-probe-" + secrets.token_hex(3)
    stack = ap.Stack(args, procs, runner, workdir, text, host, start_agent=False)
    web, api = pp.Target(delay=0.05), pp.Target(delay=0.05)
    try:
        run(args, procs, runner, workdir, stack, host, web, api)
    finally:
        web.close()
        api.close()
        stack.close()


def run(args, procs, runner, workdir, stack, host, web, api):
    targets = pp.write_targets(os.path.join(workdir, "probes.yml"), [
        {"name": "web", "module": "http", "url": "'http://127.0.0.1:%d/'" % web.port,
         "class": "web", "timeout": "2500ms"},
        {"name": "api", "module": "http", "url": "'http://127.0.0.1:%d/'" % api.port,
         "class": "api", "timeout": "2500ms"}], interval="3s")
    procs.start("agent", [
        os.path.join(args.bin_dir, "hostmon-agent"),
        "--collector.address=" + stack.grpc_addr, "--collection.interval=500ms",
        "--hostname=" + host, "--source.disable-defaults", "--source.probe",
        "--source.probe.config=" + targets, "--source.probe.interval=3s",
        "--source.probe.timeout=2900ms"])

    def count(target):
        s = h.scrape(stack.web_base + "/metrics") or []
        found = h.select(s, "hostmon_probe_duration_seconds_count", instance=host, target=target)
        return found[0][2] if found else 0
    runner.require("the collector receives the probe histogram of both targets (2 probes each)",
                   h.wait_until(lambda: count("web") >= 2 and count("api") >= 2, 20.0, 0.3),
                   "web %r api %r" % (count("web"), count("api")))

    # Healthy (50 ms): nothing fires or even goes pending over a full window.
    quiet = True
    end = time.monotonic() + 9.0
    while time.monotonic() < end:
        if [a for a in ap.collector_alerts(stack.web_base) or []
                if a["labels"].get("alertname") in RULES]:
            quiet = False
            break
        time.sleep(0.3)
    runner.check("at 50 ms no response-time alert is pending or firing", quiet,
                 ap.collector_alerts(stack.web_base))

    web.delay = 1.5
    t0 = time.monotonic()
    h.log("web target latency raised to 1.5 s")
    in_am = h.wait_until(lambda: [x for x in ap.am_alerts(stack.am_base, ALERT) or []
                                  if x["status"]["state"] == "active" and
                                  x["labels"].get("instance") == host], 40.0, 0.3)
    runner.require("%s reaches Alertmanager within 40 s of the latency change" % ALERT, in_am,
                   "collector: %r" % ap.collector_alerts(stack.web_base))
    h.log("in Alertmanager %.1fs after the change: %r" % (time.monotonic() - t0, in_am[0]))
    labels = in_am[0]["labels"]
    runner.check("severity warning (1.5 s: above 1 s, below the 2 s critical), target web",
                 labels.get("severity") == "warning" and
                 labels.get("target") == "web", labels)
    firing = [a for a in ap.collector_alerts(stack.web_base, ALERT) or []
              if a["state"] == "firing"]
    runner.check("the collector's value is the mean response time, between 1 s and 2 s",
                 len(firing) == 1 and 1.0 < float(firing[0]["value"]) < 2.0, firing)
    runner.check("the api target (50 ms, class api) stays quiet",
                 not ap.collector_alerts(stack.web_base, "ProbeSlowApiResponse"),
                 ap.collector_alerts(stack.web_base))


if __name__ == "__main__":
    h.main(__doc__.splitlines()[0], body, budget_seconds=85.0)

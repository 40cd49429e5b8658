#!/usr/bin/env python3
# SPDX-License-Identifier: Apache-2.0
"""Alert state across a collector restart (issue 4), with a real Alertmanager: the collector
saves its alert state (--alerting.state-file) at shutdown; a new collector restores it. A host
whose agent was streaming at shutdown and does not come back raises HostDown after the grace;
a host whose agent had said goodbye before does not.

Usage: alerting_restart_test.py --bin-dir build/bin
"""

import json
import os
import secrets
import signal
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import alerting_peers as ap  # noqa: E402
import harness as h  # noqa: E402

GRACE_S = 3
RULES = "host_down:\n  grace: %ds\nrules: []\n" % GRACE_S


def start_collector(args, procs, runner, workdir, name, rules, state, am_base):
    c = procs.start(name, [
        os.path.join(args.bin_dir, "hostmon-collector"), "--grpc.listen-address=127.0.0.1:0",
        "--web.listen-address=127.0.0.1:0", "--rules.file=" + rules,
        "--alerting.state-file=" + state, "--alertmanager.url=" + am_base])
    grpc, web = h.wait_for_collector_addresses(c, timeout=10.0)
    runner.require("%s starts" % name, grpc and web, c.tail())
    return c, "%s:%d" % grpc, "http://%s:%d" % web


def body(args, procs, runner, workdir):
    runner.require("%s exists" % ap.ALERTMANAGER_BIN, os.access(ap.ALERTMANAGER_BIN, os.X_OK), "")
    am, am_base = ap.start_alertmanager(procs, workdir)
    runner.require("alertmanager is ready", am_base, "")
    rules = os.path.join(workdir, "rules.yml")
    with open(rules, "w") as f:
        f.write(RULES)
    state = os.path.join(workdir, "alert-state.json")
    c1, grpc1, web1 = start_collector(args, procs, runner, workdir, "collector-1", rules, state,
                                      am_base)
    lost, gone = "e2e-lost-" + secrets.token_hex(3), "e2e-bye-" + secrets.token_hex(3)
    agents = {}
    for host in (lost, gone):
        agents[host] = procs.start("agent-" + host, [
            os.path.join(args.bin_dir, "hostmon-agent"), "--collector.address=" + grpc1,
            "--collection.interval=500ms", "--hostname=" + host,
            "--path.procfs=" + ap.FIXTURE_PROC, "--source.disable-defaults", "--source.loadavg"])

    def both_present():
        s = h.scrape(web1 + "/metrics") or []
        return all(h.select(s, "node_load1", instance=x) for x in (lost, gone))
    runner.require("both agents stream to collector-1", h.wait_until(both_present, 15.0, 0.2),
                   c1.tail())
    agents[gone].signal(signal.SIGTERM)  # goodbye: not expected back
    runner.check("agent %s stops cleanly" % gone, agents[gone].wait(5.0) == 0,
                 agents[gone].tail())

    c1.signal(signal.SIGTERM)
    runner.check("collector-1 exits 0 on SIGTERM", c1.wait(10.0) == 0, c1.tail())
    try:
        with open(state) as f:
            saved = json.load(f)
    except (OSError, ValueError) as e:
        saved = None
        runner.check("collector-1 wrote the state file at shutdown", False, "%s\n%s"
                     % (e, c1.tail()))
    if saved is not None:
        runner.check("collector-1 wrote the state file at shutdown (JSON naming the hosts)",
                     lost in json.dumps(saved), json.dumps(saved)[:500])
    agents[lost].signal(signal.SIGKILL)  # its host never comes back

    c2, _, web2 = start_collector(args, procs, runner, workdir, "collector-2", rules, state,
                                  am_base)
    runner.check("collector-2 logs that it restored the alert state",
                 c2.wait_for_stderr(r'msg="alert state restored"', 5.0), c2.tail())
    down = h.wait_until(lambda: [x for x in ap.am_alerts(am_base, "HostDown") or []
                                 if x["labels"].get("instance") == lost], GRACE_S + 10.0, 0.2)
    runner.check("HostDown{instance=%s} reaches Alertmanager after the restart (host did not "
                 "come back)" % lost, down, "collector-2: %r\n%s"
                 % (ap.collector_alerts(web2), c2.tail()))
    bye = [a for a in ap.collector_alerts(web2) or [] if a["labels"].get("instance") == gone]
    runner.check("no alert for %s, which had said goodbye before the restart" % gone, bye == [],
                 bye)


if __name__ == "__main__":
    h.main(__doc__.strip().splitlines()[0], body, budget_seconds=80.0)

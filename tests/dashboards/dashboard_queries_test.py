#!/usr/bin/env python3
# SPDX-License-Identifier: Apache-2.0
"""Every query of every shipped hostmon dashboard, evaluated on a real Prometheus fed by hostmon
(CTest e2e.dashboards).

The stack (tests/compat/compat_lib.py): hostmon-collector with the default threshold rules
(deploy/config/rules.yml) plus tests/dashboards/collector-test-rules.yml (one rule that always
fires, so the alert panels have an alert to show whatever the machine's load) and remote write
to a recording receiver (tests/e2e/rw_receiver.py); hostmon-agent on this machine (1 s
interval, spool, SMART source, probe and weblog sources over a loopback HTTP server that writes
an access log with response times); Prometheus 2.42 scraping the collector as job "hostmon" (like
deploy/prometheus/prometheus.yml) every 1 s with deploy/prometheus/hostmon-recording.yml and
hostmon-alerts.yml loaded. Optional peers: --redfish (the Redfish source reads the test Redfish
service, tests/tools/redfish_server.py, serving a DMTF mockup), --ipmi-sim (the IPMI source
reads the test BMC, OpenIPMI's ipmi_sim via tests/ipmi/ipmi_sim.py, over LAN 2.0),
--alertmanager (the collector notifies a real Alertmanager, tests/e2e/alerting_peers.py).
Queries are extracted and their Grafana variables substituted by
tests/compat/dashboard_queries.py (the Node Exporter Full tool): $job=node, $instance=this
host, other query variables from label_values(), custom ones from their default,
$__rate_interval=15s, $__range = the dashboard's default range.

Every query must parse and evaluate (a Prometheus error fails the test). A query passes when it
returns a series (or a label value). A query without data is "without data here" only for a
documented reason: a metric it needs is absent for a reason listed in METRIC_REASONS (no BMC,
no SMART disk, ...) or its expression matches EMPTY_REASONS (a filter that is empty on a
healthy host); any other empty query fails. Prometheus must also report every loaded rule
healthy. Then it checks that the shipped pipeline alerts see real failures: SIGKILL the agent ->
HostmonAgentDisconnected pending; stop the collector -> HostmonCollectorDown pending and
HostmonAgentDisconnected suppressed (failures count in M). Prints `N passed, M failed, K without
data here` and the reason for each of the K.

Usage: dashboard_queries_test.py --bin-dir build/bin [--min-pass K] [--redfish] [--ipmi-sim]
                                    [--alertmanager]
"""

import collections
import glob
import http.server
import json
import os
import re
import signal
import socket
import sys
import threading
import time

HERE = os.path.dirname(os.path.abspath(__file__))
TESTS_DIR = os.path.dirname(HERE)
ROOT = os.path.dirname(TESTS_DIR)
sys.path.insert(0, os.path.join(TESTS_DIR, "compat"))
import compat_lib as c  # noqa: E402
import dashboard_queries as dq  # noqa: E402

h = c.h
sys.path.insert(0, os.path.join(TESTS_DIR, "e2e"))
import alerting_peers  # noqa: E402
import rw_receiver  # noqa: E402

sys.path.insert(0, os.path.join(TESTS_DIR, "ipmi"))
import ipmi_sim  # noqa: E402

DASHBOARDS_DIR = os.path.join(ROOT, "deploy", "grafana", "dashboards")
RULE_FILES = [os.path.join(ROOT, "deploy", "prometheus", n)
              for n in ("hostmon-recording.yml", "hostmon-alerts.yml")]
COLLECTOR_RULES = [os.path.join(ROOT, "deploy", "config", "rules.yml"),
                   os.path.join(HERE, "collector-test-rules.yml")]
REDFISH_SERVER = os.path.join(TESTS_DIR, "tools", "redfish_server.py")
REDFISH_MOCKUP = os.path.join(TESTS_DIR, "fixtures", "redfish", "public-rackmount1")
COLLECTOR_JOB = "hostmon"  # deploy/prometheus/prometheus.yml's job_name

# Why a metric a query needs can be absent on the test machine. A query whose missing metric is
# not listed here fails: a new panel over an absent metric must say why the metric is absent.
METRIC_REASONS = [
    (r"^ipmi_", "ipmi_*: no BMC here (IPMI source off, no /dev/ipmi0 on this machine)"),
    (r"^redfish_", "redfish_*: no Redfish service configured (run with --redfish)"),
    (r"^(smartctl_|hostmon_smart_)",
     "smartctl_*: no SMART-capable disk here (the smart source runs and fails on this VM's "
     "virtio disk)"),
    (r"^node_hwmon_", "node_hwmon_*: no hwmon sensors on this machine (hwmon source fails)"),
    (r"^node_edac_", "node_edac_*: no EDAC memory controller on this machine"),
    (r"^hostmon_collector_alertmanager_",
     "hostmon_collector_alertmanager_*: no Alertmanager configured (run with --alertmanager)"),
    (r"^ALERTS$", "ALERTS: no hostmon pipeline alert is pending or firing (healthy pipeline)"),
    (r"^hostmon_alerts$",
     "hostmon_alerts: no collector threshold rule is pending or firing on this host now"),
]
# With the test services, what they do not simulate.
REDFISH_MOCKUP_REASONS = [
    (r"^redfish_", "redfish_*: the Redfish mockup served here (public-rackmount1) does not "
     "describe this resource"),
]
IPMI_SIM_REASONS = [
    (r"^ipmi_", "ipmi_*: the test BMC (ipmi_sim, tests/fixtures/ipmi/) has no such sensor "
     "or command"),
]
# Expressions that may be empty although every metric exists: filters that select trouble.
EMPTY_REASONS = [
    (r'\bup\{job="node"\}',
     'up{job="node"}: needs per-host targets (http_sd); this test scrapes the collector\'s '
     "/metrics only"),
    (r"hostmon_agent_slow_source_last_success_timestamp_seconds\{[^}]*\} > 0",
     "slow-source last success > 0: no slow source has succeeded yet (smart fails here)"),
    (r"hostmon_agent_spool_oldest_pending_timestamp_seconds\{[^}]*\} > 0",
     "spool oldest pending > 0: every spooled batch was acknowledged at query time"),
    (r"hostmon_agent_source_success\{[^}]*\} == 0", "source_success == 0: no source fails here"),
    (r"ipmi_sensor_state\{[^}]*\} > 0", "ipmi_sensor_state > 0: every BMC sensor is nominal"),
    (r"hostmon_alerts\{[^}]*alertstate=\"firing\"",
     "hostmon_alerts firing: no collector threshold rule fires on this host now"),
]


class Outcome:
    PASS, FAIL, NODATA = "passed", "failed", "without data here"


def classify(q, ok, detail, present, metric_reasons):
    """(outcome, reason) for one evaluated query."""
    if ok:
        return Outcome.PASS, detail
    if detail.startswith("HTTP"):  # Prometheus refused the query: parse or evaluation error
        return Outcome.FAIL, detail
    missing = sorted(dq.needed_metrics(q) - present)
    if missing:
        reasons = []
        for m in missing:
            why = next((r for rx, r in metric_reasons if re.search(rx, m)), None)
            if why is None:
                return Outcome.FAIL, "needs %s, absent here for no documented reason" % m
            reasons.append(why)
        return Outcome.NODATA, "; ".join(sorted(set(reasons)))
    why = next((r for rx, r in EMPTY_REASONS if re.search(rx, q.resolved)), None)
    if why:
        return Outcome.NODATA, why
    return Outcome.FAIL, "every metric it reads exists, yet it returns nothing"


def start_redfish(procs, runner, workdir):
    """The test Redfish service on a free loopback port; returns the agent's extra args."""
    port_file = os.path.join(workdir, "redfish.port")
    p = procs.start("redfish-server", [sys.executable, REDFISH_SERVER, "--root", REDFISH_MOCKUP,
                                       "--port-file", port_file, "--auth", "none"])
    runner.require("redfish test server wrote its port",
                   h.wait_until(lambda: os.path.exists(port_file) and
                                open(port_file).read().strip(), 10.0), p.tail())
    with open(port_file) as f:
        port = int(f.read().strip())
    targets = os.path.join(workdir, "redfish-targets.yml")
    with open(targets, "w") as f:
        f.write("targets:\n  - {name: bmc1, url: 'http://127.0.0.1:%d', auth: none}\n" % port)
    return ["--source.redfish", "--source.redfish.config=" + targets,
            "--source.redfish.interval=5s", "--source.redfish.timeout=4s"]


class _LoggingHandler(http.server.BaseHTTPRequestHandler):
    """Answers 200 and appends a line per request to the server's log in the weblog source's
    nginx_timed format (combined + $request_time "$upstream_response_time")."""

    def do_GET(self):  # noqa: N802 (http.server's name)
        start = time.monotonic()
        body = b"ok\n"
        self.send_response(200)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)
        line = '127.0.0.1 - - [%s] "GET %s HTTP/1.1" 200 %d "-" "%s" %.3f "-"\n' % (
            time.strftime("%d/%b/%Y:%H:%M:%S +0000", time.gmtime()), self.path, len(body),
            self.headers.get("User-Agent", "-"), time.monotonic() - start)
        with open(self.server.access_log, "a", encoding="utf-8") as f:
            f.write(line)

    def log_message(self, *unused):
        pass


def start_probe_target(runner, workdir):
    """A loopback HTTP server that logs each request in combined format; the agent probes it
    (http as class web, tcp as class intra_dc) and tails its log (weblog), so the probe and web
    panels have data. Returns (server, the agent's extra args)."""
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), _LoggingHandler)
    server.access_log = os.path.join(workdir, "access.log")
    open(server.access_log, "w").close()
    threading.Thread(target=server.serve_forever, daemon=True).start()
    port = server.server_address[1]
    probes = os.path.join(workdir, "probes.yml")
    with open(probes, "w") as f:
        f.write("interval: 1s\ntargets:\n"
                "  - {name: site, module: http, url: 'http://127.0.0.1:%d/', class: web}\n"
                "  - {name: site-tcp, module: tcp, address: '127.0.0.1:%d', class: intra_dc}\n"
                % (port, port))
    logs = os.path.join(workdir, "weblogs.yml")
    with open(logs, "w") as f:
        f.write("logs:\n  - {name: site, path: '%s', format: nginx_timed, start_at: beginning}\n"
                % server.access_log)
    runner.require("probe target listens", port > 0, "")
    return server, ["--source.probe", "--source.probe.config=" + probes,
                    "--source.probe.interval=1s", "--source.probe.timeout=900ms",
                    "--source.weblog", "--source.weblog.config=" + logs,
                    "--source.weblog.state-file=" + os.path.join(workdir, "weblog.state")]


def start_ipmi_sim(procs, runner, workdir):
    """The test BMC on free loopback ports; returns the agent's extra args."""
    sim = ipmi_sim.start_sim(procs, workdir)
    runner.require("ipmi_sim answers on loopback", sim, "")
    targets = ipmi_sim.write_targets(workdir, sim, name="bmc1")
    return ["--source.ipmi.local=false", "--source.ipmi.interval=5s",
            "--source.ipmi.timeout=4s"] + ipmi_sim.agent_ipmi_args(
                targets, os.path.join(workdir, "sdr-cache"))


def check_rules_health(stack):
    """(problems, rule count) from /api/v1/rules: every rule loaded must be health ok."""
    data = c.prom_api(stack.prom_base, "/api/v1/rules")
    problems, n = [], 0
    for g in data.get("groups", []):
        for r in g.get("rules", []):
            n += 1
            if r.get("health") != "ok" or r.get("lastError"):
                problems.append("%s: health %s %s" % (r.get("name"), r.get("health"),
                                                      r.get("lastError", "")))
    return problems, n


def extra_args(ap):
    ap.add_argument("--min-pass", type=int, default=0,
                    help="exit 1 if fewer than this many queries return data")
    ap.add_argument("--rate-interval", type=int, default=15,
                    help="seconds substituted for $__rate_interval (default 15)")
    ap.add_argument("--redfish", action="store_true",
                    help="also run the Redfish source against the test Redfish service")
    ap.add_argument("--ipmi-sim", action="store_true",
                    help="also run the IPMI source against the test BMC (ipmi_sim)")
    ap.add_argument("--alertmanager", action="store_true",
                    help="the collector notifies a real Alertmanager")
    ap.add_argument("--dashboards-dir", default=DASHBOARDS_DIR)


def body(args, procs, runner, workdir):
    paths = sorted(glob.glob(os.path.join(args.dashboards_dir, "*.json")))
    runner.require("dashboards found in %s" % args.dashboards_dir, paths, "")
    dashboards = []
    for path in paths:
        with open(path, encoding="utf-8") as f:
            dashboards.append((os.path.basename(path), json.load(f)))

    recorder = rw_receiver.Recorder()
    server, rw_url = rw_receiver.start(recorder)
    probe_target, probe_args = start_probe_target(runner, workdir)
    try:
        agent_args = ["--spool.directory=" + os.path.join(workdir, "spool"), "--source.smart"]
        agent_args += probe_args
        metric_reasons = list(METRIC_REASONS)
        if args.redfish:
            agent_args += start_redfish(procs, runner, workdir)
            metric_reasons = [m for m in metric_reasons if not m[0].startswith("^redfish")]
            metric_reasons += REDFISH_MOCKUP_REASONS
        if args.ipmi_sim:
            agent_args += start_ipmi_sim(procs, runner, workdir)
            metric_reasons = [m for m in metric_reasons if not m[0].startswith("^ipmi")]
            metric_reasons += IPMI_SIM_REASONS
        collector_args = ["--rules.file=" + r for r in COLLECTOR_RULES] + [
            "--remote-write.url=" + rw_url]
        if args.alertmanager:
            _, am_base = alerting_peers.start_alertmanager(procs, workdir)
            runner.require("alertmanager is ready", am_base, "")
            collector_args.append("--alertmanager.url=" + am_base)
        args.agent_arg = list(args.agent_arg or []) + agent_args
        stack = c.start_stack(args, procs, runner, workdir, host=socket.gethostname(),
                              rule_files=RULE_FILES, job=COLLECTOR_JOB,
                              collector_args=collector_args)
        return evaluate_all(args, procs, runner, stack, dashboards, metric_reasons)
    finally:
        server.shutdown()
        probe_target.shutdown()


def alert_active(stack, alertname):
    """Pending or firing hostmon pipeline alerts of that name (Prometheus's ALERTS series)."""
    return h.prom_query(stack.prom_base, h.selector("ALERTS", alertname=alertname))


def check_pipeline_alerts(procs, stack):
    """After the queries: the shipped alerts see real failures of this stack. SIGKILL the agent:
    once the collector drops the host (staleness: 5 agent intervals) HostmonAgentDisconnected
    becomes pending and the fleet's "Hosts reporting" drops to 0. Then stop the collector:
    HostmonCollectorDown becomes pending and suppresses HostmonAgentDisconnected. Returns
    [(check, ok, detail)]."""
    out = []
    by_name = {p.name: p for p in procs.procs}
    by_name["agent"].signal(signal.SIGKILL)
    res = h.wait_until(lambda: alert_active(stack, "HostmonAgentDisconnected"), 20.0, 0.5)
    out.append(("agent killed: HostmonAgentDisconnected{instance=%s} pending within 20s"
                % stack.host, bool(res) and res[0]["metric"].get("instance") == stack.host,
                "ALERTS: %r" % (res,)))
    reporting = h.prom_query(stack.prom_base, 'count(hostmon_agent_collector_connected{job="node"}'
                             ' == 1) or vector(0)')
    out.append(("agent killed: fleet \"Hosts reporting\" is 0",
                bool(reporting) and float(reporting[0]["value"][1]) == 0, repr(reporting)))
    by_name["collector"].stop(grace=5.0)
    res = h.wait_until(lambda: alert_active(stack, "HostmonCollectorDown"), 10.0, 0.5)
    out.append(("collector stopped: HostmonCollectorDown pending within 10s", bool(res),
                "ALERTS: %r" % (res,)))
    gone = h.wait_until(lambda: not alert_active(stack, "HostmonAgentDisconnected"), 10.0, 0.5)
    out.append(("collector stopped: HostmonAgentDisconnected suppressed", gone,
                "ALERTS: %r" % (alert_active(stack, "HostmonAgentDisconnected"),)))
    return out


def evaluate_all(args, procs, runner, stack, dashboards, metric_reasons):
    # Wait for what the panels read: full $__rate_interval windows, the recording rules'
    # first results, remote write deliveries and (with --redfish) the first Redfish round.
    wanted = ["instance:hostmon_cpu_busy:ratio_rate5m",
              "hostmon_collector_remote_write_highest_sent_timestamp_seconds > 0",
              "instance_url:hostmon_collector_remote_write_lag_seconds"]
    if args.redfish:
        wanted.append("redfish_up == 1")
    if args.ipmi_sim:
        wanted.append("ipmi_up == 1")
    wanted.append('hostmon_alerts{alertname="DashboardTestAlwaysFiring",alertstate="firing"}')
    wanted.append('probe_success{target="site"} == 1')
    wanted.append('hostmon_weblog_requests_total{log="site",status_class="2xx"} > 0')
    if args.alertmanager:
        wanted.append("hostmon_collector_alertmanager_notifications_sent_total > 0")
    for expr in wanted:
        res = h.wait_until(lambda: h.prom_query(stack.prom_base, expr), 20.0, 0.5)
        runner.require("prometheus has %s" % expr, res, "last answer: %r" % (res,))
    wait_s = args.rate_interval + 2.0
    h.log("waiting %.1fs for %ds rate() windows to fill" % (wait_s, args.rate_interval))
    time.sleep(min(wait_s, h.budget().remaining()))

    problems, n_rules = check_rules_health(stack)
    h.log("prometheus evaluates %d rules of %s" % (n_rules, ", ".join(
        os.path.basename(r) for r in RULE_FILES)))
    present = set(c.prom_api(stack.prom_base, "/api/v1/label/__name__/values"))

    counts = collections.Counter()
    nodata = collections.defaultdict(list)  # reason -> ["dashboard: panel: expr"]
    failures = []
    cache = {}
    for name, dash in dashboards:
        queries = dq.extract_queries(dash)
        values = dq.resolve_variables(dash, stack, args.rate_interval)
        per_dash = collections.Counter()
        for q in queries:
            q.resolved = dq.substitute(q.expr, values)
            left = re.findall(r"\$\{?\w+|\[\[\w+", q.resolved)
            key = (q.kind, q.resolved)
            if key not in cache:
                ok, detail = dq.evaluate(stack, q)
                cache[key] = classify(q, ok, detail, present, metric_reasons)
            outcome, reason = cache[key]
            if left:
                outcome, reason = Outcome.FAIL, "variables left unsubstituted: %s" % left
            where = "%s: %s" % (name, q.where)
            if outcome == Outcome.FAIL:
                failures.append("%s: %s   (%s)" % (where, " ".join(q.resolved.split()), reason))
            elif outcome == Outcome.NODATA:
                nodata[reason].append("%s: %s" % (where, " ".join(q.resolved.split())))
            counts[outcome] += 1
            per_dash[outcome] += 1
        h.log("%s: %d queries: %d passed, %d failed, %d without data here"
              % (name, len(queries), per_dash[Outcome.PASS], per_dash[Outcome.FAIL],
                 per_dash[Outcome.NODATA]))

    for p in problems:
        failures.append("rule %s" % p)
    alert_checks = check_pipeline_alerts(procs, stack)
    for name, ok, detail in alert_checks:
        if ok:
            sys.stdout.write("PASS: %s\n" % name)
        else:
            failures.append("%s: %s" % (name, detail))
    alert_failures = sum(not ok for _, ok, _ in alert_checks)
    if nodata:
        sys.stdout.write("without data here, by reason:\n")
        for reason, where in sorted(nodata.items(), key=lambda kv: (-len(kv[1]), kv[0])):
            sys.stdout.write("  %d x %s\n" % (len(where), reason))
            for w in where:
                sys.stdout.write("      %s\n" % w)
    for f in failures:
        sys.stdout.write("FAIL: %s\n" % f)
    passed = counts[Outcome.PASS]
    failed = counts[Outcome.FAIL] + len(problems) + alert_failures
    code = 1 if failed else 0
    if passed < args.min_pass:
        sys.stdout.write("FAIL: %d queries return data, fewer than --min-pass %d\n"
                         % (passed, args.min_pass))
        code = 1
    sys.stdout.write("%d passed, %d failed, %d without data here\n"
                     % (passed, failed, counts[Outcome.NODATA]))
    return passed, failed, code


if __name__ == "__main__":
    c.main(__doc__.strip().splitlines()[0], body, budget_seconds=110.0, extra_args=extra_args)

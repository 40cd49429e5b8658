# SPDX-License-Identifier: Apache-2.0
"""Shared helpers for the compatibility tools in tests/compat/ (python3 standard library only).

Process handling, ports, waiting, Prometheus start and queries come from tests/e2e/harness.py;
this module adds what the compat tools share beyond that: the collector + agent + Prometheus
stack (with optional rule files), raw Prometheus API calls, PromQL metric-name extraction and a
main() whose final `N passed, M failed` line and exit code the tool decides.
"""

import json
import os
import re
import shutil
import signal
import socket
import sys
import tempfile
import traceback
import urllib.parse

HERE = os.path.dirname(os.path.abspath(__file__))
TESTS_DIR = os.path.dirname(HERE)
FIXTURES_DIR = os.path.join(TESTS_DIR, "fixtures", "ecosystem")
sys.path.insert(0, os.path.join(TESTS_DIR, "e2e"))
import harness as h  # noqa: E402

PROMTOOL_BIN = "/usr/bin/promtool"
NODE_EXPORTER_BIN = "/usr/bin/prometheus-node-exporter"


# ---------------------------------------------------------------------------------------------
# The stack: collector + agent (this machine's /proc) + Prometheus


class Stack:
    def __init__(self, host, web_base, prom_base):
        self.host = host  # the agent's --hostname, i.e. the `instance` label
        self.web_base = web_base  # collector /metrics
        self.prom_base = prom_base  # Prometheus HTTP API


def write_prometheus_config(path, target, rule_files=(), job="hostmon-collector"):
    """1 s scrape and evaluation, honor_labels (the collector sets instance/job itself); `job`
    is the collector's own scrape job (its hostmon_collector_* series and `up`)."""
    with open(path, "w") as f:
        f.write("global:\n"
                "  scrape_interval: 1s\n"
                "  scrape_timeout: 1s\n"
                "  evaluation_interval: 1s\n")
        if rule_files:
            f.write("rule_files:\n")
            for r in rule_files:
                f.write("  - %s\n" % json.dumps(os.path.abspath(r)))
        f.write("scrape_configs:\n"
                "  - job_name: %s\n"
                "    honor_labels: true\n"
                "    static_configs:\n"
                "      - targets: [%s]\n" % (job, json.dumps(target)))


def start_stack(args, procs, runner, workdir, host=None, rule_files=(), data_timeout=20.0,
                collector_args=(), job="hostmon-collector"):
    """Starts collector, agent (interval 1 s) and Prometheus; waits until Prometheus has the
    agent's node_cpu_seconds_total. `collector_args` are extra collector flags, `job` the
    collector's scrape job. Every failure is a runner.require (aborts the tool)."""
    host = host or socket.gethostname()
    runner.require("%s exists (Debian package prometheus)" % h.PROMETHEUS_BIN,
                   os.access(h.PROMETHEUS_BIN, os.X_OK), "")
    collector = procs.start("collector", [
        os.path.join(args.bin_dir, "hostmon-collector"),
        "--grpc.listen-address=127.0.0.1:0",
        "--web.listen-address=127.0.0.1:0",
    ] + list(collector_args))
    grpc, web = h.wait_for_collector_addresses(collector, timeout=10.0)
    runner.require("collector reports its grpc and web addresses within 10 s", grpc and web,
                   "no usable grpc_address=/web_address= in the collector's stderr")
    procs.start("agent", [
        os.path.join(args.bin_dir, "hostmon-agent"),
        "--collector.address=%s:%d" % grpc,
        "--collection.interval=1s",
        "--hostname=" + host,
    ] + list(getattr(args, "agent_arg", None) or []))
    config = os.path.join(workdir, "prometheus.yml")
    write_prometheus_config(config, "%s:%d" % web, rule_files, job)
    _, prom_base = h.start_prometheus(procs, workdir, config)
    runner.require("prometheus is ready (/-/ready 200)", prom_base,
                   "prometheus did not become ready")
    expr = h.selector("node_cpu_seconds_total", instance=host, job="node")
    res = h.wait_until(lambda: h.prom_query(prom_base, expr), data_timeout, 0.5)
    runner.require("prometheus has %s within %gs" % (expr, data_timeout), res,
                   "last answer: %r" % (res,))
    h.log("stack up: instance=%s collector=http://%s:%d prometheus=%s"
          % (host, web[0], web[1], prom_base))
    return Stack(host, "http://%s:%d" % web, prom_base)


def start_node_exporter_stack(procs, runner, workdir, host=None, rule_files=(),
                              data_timeout=20.0):
    """The reference: Debian's node_exporter 1.5.0 (default collectors, this machine) scraped
    by Prometheus as job="node", instance=<host>, i.e. the labels the collector gives the
    agent's series. Same Stack interface as start_stack()."""
    host = host or socket.gethostname()
    runner.require("%s exists (Debian package prometheus-node-exporter)" % NODE_EXPORTER_BIN,
                   os.access(NODE_EXPORTER_BIN, os.X_OK), "")
    port = h.free_port()
    ne = procs.start("node_exporter", [NODE_EXPORTER_BIN,
                                       "--web.listen-address=127.0.0.1:%d" % port])
    up = h.wait_until(lambda: h.port_accepts("127.0.0.1", port) or not ne.alive(), 10.0, 0.1)
    runner.require("node_exporter listens on 127.0.0.1:%d" % port, up and ne.alive(), ne.tail())
    config = os.path.join(workdir, "prometheus.yml")
    write_prometheus_config(config, "127.0.0.1:%d" % port, rule_files)
    with open(config) as f:
        text = f.read()
    text = text.replace("job_name: hostmon-collector\n    honor_labels: true\n",
                        "job_name: node\n"
                        "    relabel_configs:\n"
                        "      - target_label: instance\n"
                        "        replacement: %s\n" % json.dumps(host))
    with open(config, "w") as f:
        f.write(text)
    _, prom_base = h.start_prometheus(procs, workdir, config)
    runner.require("prometheus is ready (/-/ready 200)", prom_base,
                   "prometheus did not become ready")
    expr = h.selector("node_cpu_seconds_total", instance=host, job="node")
    res = h.wait_until(lambda: h.prom_query(prom_base, expr), data_timeout, 0.5)
    runner.require("prometheus has %s within %gs" % (expr, data_timeout), res,
                   "last answer: %r" % (res,))
    h.log("reference stack up: instance=%s node_exporter=127.0.0.1:%d prometheus=%s"
          % (host, port, prom_base))
    return Stack(host, "http://127.0.0.1:%d" % port, prom_base)


def prom_api(base_url, path, params=None, timeout=5.0):
    """GET base_url+path?params; returns the decoded `data` of a successful answer, or raises
    RuntimeError with Prometheus's error text."""
    url = base_url.rstrip("/") + path
    if params:
        url += "?" + urllib.parse.urlencode(params)
    status, body = h.http_get(url, timeout)
    try:
        doc = json.loads(body)
    except ValueError:
        raise RuntimeError("HTTP %s: %s" % (status, body[:300]))
    if status != 200 or doc.get("status") != "success":
        raise RuntimeError("HTTP %s: %s: %s" % (status, doc.get("errorType"), doc.get("error")))
    return doc["data"]


# ---------------------------------------------------------------------------------------------
# PromQL: which metric names does an expression reference?

_PROMQL_KEYWORDS = {
    "by", "without", "on", "ignoring", "group_left", "group_right", "bool", "and", "or",
    "unless", "offset", "inf", "nan", "atan2", "start", "end",
}


def promql_metric_names(expr):
    """Metric names referenced by a PromQL expression (a lexical approximation that is exact
    for dashboard and rule expressions: identifiers that are not functions, keywords, label
    names in matchers or grouping clauses, durations or strings)."""
    s = re.sub(r'"(?:[^"\\]|\\.)*"|\'(?:[^\'\\]|\\.)*\'|`[^`]*`', '""', expr)
    names = set()
    for m in re.finditer(r'__name__\s*=\s*"((?:[^"\\]|\\.)*)"', expr):
        names.add(m.group(1))
    s = re.sub(r"\{[^}]*\}", " ", s)
    s = re.sub(r"\[[^\]]*\]", " ", s)
    s = re.sub(r"\b(?:by|without|on|ignoring|group_left|group_right)\s*\([^)]*\)", " ", s)
    for m in re.finditer(r"(?<![\w:.])([a-zA-Z_:][a-zA-Z0-9_:]*)(\s*\()?", s):
        word, call = m.group(1), m.group(2)
        if call or word.lower() in _PROMQL_KEYWORDS:
            continue
        names.add(word)
    return names


# ---------------------------------------------------------------------------------------------
# main()


def main(description, body, budget_seconds, extra_args=None, need_agent_binaries=True):
    """Like harness.main, but body(args, procs, runner, workdir) may return (passed, failed,
    exit_code) to make those the closing `N passed, M failed` line and the exit code (tools
    whose unit of counting is not a runner check). Setup checks go through `runner`; if any
    of them fails the tool ends with the runner's own summary and exit code 1."""
    ap = h.common_args(description)
    ap.add_argument("--agent-arg", action="append", default=[],
                    help="extra hostmon-agent argument (repeatable), e.g. --agent-arg=--source.tcpstat")
    if extra_args:
        extra_args(ap)
    args = ap.parse_args()
    args.bin_dir = os.path.abspath(args.bin_dir)
    h.set_budget(budget_seconds)
    signal.signal(signal.SIGTERM, h._on_signal)
    signal.signal(signal.SIGINT, h._on_signal)
    signal.signal(signal.SIGHUP, h._on_signal)
    workdir = tempfile.mkdtemp(prefix="hostmon-compat-")
    procs = h.Processes(workdir)
    runner = h.Runner(procs)
    h.log("temp dir %s" % workdir)
    result = None
    try:
        binaries = ("hostmon-agent", "hostmon-collector") if need_agent_binaries else (
            "hostmon-agent",)
        for binary in binaries:
            path = os.path.join(args.bin_dir, binary)
            runner.require("binary %s exists and is executable" % binary,
                           os.path.isfile(path) and os.access(path, os.X_OK), path)
        result = body(args, procs, runner, workdir)
    except h.Abort as e:
        sys.stdout.write("aborting: remaining checks depend on: %s\n" % e)
    except h._Terminated as e:
        runner.check("tool ran to completion", False, str(e))
    except Exception:  # noqa: BLE001 - any crash is one failed check, with the traceback
        runner.check("tool raised no exception", False, traceback.format_exc())
    finally:
        try:
            procs.cleanup()
        except h._Terminated:
            procs.cleanup()
        if args.keep_tmp or os.environ.get("HOSTMON_E2E_KEEP_TMP"):
            h.log("kept temp dir %s" % workdir)
        else:
            shutil.rmtree(workdir, ignore_errors=True)
    h.log("done in %.1fs" % h.budget().elapsed())
    if runner.failed or result is None:
        sys.exit(runner.summary())
    passed, failed, code = result
    sys.stdout.write("%d passed, %d failed\n" % (passed, failed))
    sys.stdout.flush()
    sys.exit(code)

# SPDX-License-Identifier: Apache-2.0
"""Helpers for the alerting end-to-end tests and benchmark (issue 4): a real Alertmanager
(Debian package prometheus-alertmanager), a fixture procfs tree whose /proc/stat is rewritten
to a chosen CPU busy fraction, and HTTP helpers for POST and JSON. Everything goes through
harness.Processes, so processes are stopped by PID."""

import json
import os
import shutil
import threading
import time
import urllib.error
import urllib.parse
import urllib.request

import harness as h

ALERTMANAGER_BIN = "/usr/bin/prometheus-alertmanager"
FIXTURE_PROC = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "fixtures", "proc")


def http_post(url, body=b"", timeout=5.0, content_type="application/json"):
    """POST; returns (status, body_text); status None when no HTTP answer was obtained."""
    req = urllib.request.Request(url, data=body, method="POST",
                                 headers={"Content-Type": content_type})
    try:
        with urllib.request.urlopen(req, timeout=timeout) as resp:
            return resp.status, resp.read().decode("utf-8", errors="replace")
    except urllib.error.HTTPError as e:
        return e.code, e.read().decode("utf-8", errors="replace")
    except (urllib.error.URLError, OSError) as e:
        return None, str(e)


def get_json(url, timeout=3.0):
    status, body = h.http_get(url, timeout)
    if status != 200:
        return None
    try:
        return json.loads(body)
    except ValueError:
        return None


def start_alertmanager(procs, workdir, attempts=3, ready_timeout=20.0):
    """Starts Alertmanager on a free loopback port with clustering off and a do-nothing
    receiver (the test reads alerts back through the API). Returns (proc, base_url) or
    (proc, None)."""
    config = os.path.join(workdir, "alertmanager.yml")
    with open(config, "w") as f:
        # group_wait/group_interval only affect notification dispatch, not the alerts API.
        f.write("route:\n  receiver: blackhole\n  group_wait: 1s\n  group_interval: 1s\n"
                "  repeat_interval: 1h\nreceivers:\n  - name: blackhole\n")
    proc = None
    for attempt in range(1, attempts + 1):
        port = h.free_port()
        storage = os.path.join(workdir, "alertmanager-data-%d" % attempt)
        os.makedirs(storage, exist_ok=True)
        proc = procs.start("alertmanager", [
            ALERTMANAGER_BIN,
            "--config.file=" + config,
            "--storage.path=" + storage,
            "--web.listen-address=127.0.0.1:%d" % port,
            "--cluster.listen-address=",
            "--log.level=info",
        ])
        base = "http://127.0.0.1:%d" % port

        def ready():
            if not proc.alive():
                return "exited"
            status, _ = h.http_get(base + "/-/ready", timeout=1.0)
            return status == 200

        r = h.wait_until(ready, ready_timeout, 0.2)
        if r is True:
            return proc, base
        h.log("alertmanager attempt %d did not become ready (%s):\n%s"
              % (attempt, r, h.indent(proc.tail(10))))
        proc.stop(grace=3.0)
        if "address already in use" not in proc.stderr():
            break
    return proc, None


def am_alerts(base, alertname):
    """Alerts Alertmanager currently holds as active/silenced/inhibited (resolved ones are not
    listed by GET /api/v2/alerts), filtered by alertname; None on error."""
    q = urllib.parse.urlencode({"filter": 'alertname="%s"' % alertname})
    return get_json(base + "/api/v2/alerts?" + q)


def collector_alerts(web_base, alertname=None):
    doc = get_json(web_base + "/api/v1/alerts")
    if not doc or doc.get("status") != "success":
        return None
    alerts = doc["data"]["alerts"]
    if alertname:
        alerts = [a for a in alerts if a["labels"].get("alertname") == alertname]
    return alerts


class ProcStat:
    """A copy of tests/fixtures/proc in `workdir` whose stat file a background thread rewrites
    every `period` seconds, advancing the CPU counters (USER_HZ = 100 per CPU-second) so that
    the fraction of non-idle time is `busy` (settable at any time)."""

    def __init__(self, workdir, busy=0.05, period=0.2):
        self.root = os.path.join(workdir, "proc")
        shutil.copytree(FIXTURE_PROC, self.root, symlinks=True)
        self.path = os.path.join(self.root, "stat")
        with open(self.path) as f:
            lines = f.read().splitlines()
        self.head = []  # per cpu line: [name, user, nice, system, idle, iowait, irq, softirq, ...]
        self.tail = []
        for line in lines:
            if line.startswith("cpu"):
                parts = line.split()
                self.head.append([parts[0]] + [float(x) for x in parts[1:]])
            else:
                self.tail.append(line)
        self.busy = busy
        self.period = period
        self._stop = threading.Event()
        self._lock = threading.Lock()
        self._last = time.monotonic()
        self._thread = threading.Thread(target=self._run, daemon=True)
        self._thread.start()

    def set_busy(self, busy):
        with self._lock:
            self._advance()
            self.busy = busy

    def _advance(self):
        now = time.monotonic()
        dt = now - self._last
        self._last = now
        ncpu = len(self.head) - 1
        for i, row in enumerate(self.head):
            cpus = ncpu if i == 0 else 1  # the aggregate line advances by all CPUs
            row[1] += 100.0 * dt * cpus * self.busy  # user
            row[4] += 100.0 * dt * cpus * (1.0 - self.busy)  # idle

    def _write(self):
        text = "\n".join(" ".join([r[0]] + ["%d" % v for v in r[1:]]) for r in self.head)
        text += "\n" + "\n".join(self.tail) + "\n"
        tmp = self.path + ".tmp"
        with open(tmp, "w") as f:
            f.write(text)
        os.replace(tmp, self.path)

    def _run(self):
        while not self._stop.wait(self.period):
            with self._lock:
                self._advance()
                self._write()

    def stop(self):
        self._stop.set()
        self._thread.join(2.0)


class Stack:
    """Alertmanager + collector (with rules) + agent reading a rewritable fixture procfs."""

    def __init__(self, args, procs, runner, workdir, rules_text, host, interval="500ms",
                 collector_args=(), start_agent=True, use_alertmanager=True):
        self.procs, self.runner, self.workdir, self.host = procs, runner, workdir, host
        self.args = args
        self.interval = interval
        self.am_base = None
        if use_alertmanager:
            runner.require("%s exists (Debian package prometheus-alertmanager)" % ALERTMANAGER_BIN,
                           os.access(ALERTMANAGER_BIN, os.X_OK), "")
            self.am, self.am_base = start_alertmanager(procs, workdir)
            runner.require("alertmanager is ready (/-/ready 200)", self.am_base,
                           "alertmanager did not become ready")
        self.rules_path = os.path.join(workdir, "rules.yml")
        with open(self.rules_path, "w") as f:
            f.write(rules_text)
        argv = [os.path.join(args.bin_dir, "hostmon-collector"),
                "--grpc.listen-address=127.0.0.1:0", "--web.listen-address=127.0.0.1:0",
                "--rules.file=" + self.rules_path, "--alerting.resend-interval=2s",
                "--log.level=debug"]
        if self.am_base:
            argv.append("--alertmanager.url=" + self.am_base)
        self.collector = procs.start("collector", argv + list(collector_args))
        grpc, web = h.wait_for_collector_addresses(self.collector, timeout=10.0)
        runner.require("collector starts with the rules file and logs its addresses",
                       grpc and web, self.collector.tail())
        self.grpc_addr = "%s:%d" % grpc
        self.web_base = "http://%s:%d" % web
        self.proc = ProcStat(workdir, busy=0.05)
        self.agents = []
        if start_agent:
            self.start_agent(host)

    def start_agent(self, host, procfs=None):
        agent = self.procs.start("agent-" + host, [
            os.path.join(self.args.bin_dir, "hostmon-agent"),
            "--collector.address=" + self.grpc_addr,
            "--collection.interval=" + self.interval,
            "--hostname=" + host,
            "--path.procfs=" + (procfs or self.proc.root),
            "--source.disable-defaults", "--source.cpu", "--source.meminfo", "--source.loadavg",
        ])
        self.agents.append(agent)
        return agent

    def wait_for_host(self, host, timeout=15.0):
        def present():
            s = h.scrape(self.web_base + "/metrics")
            return s and h.select(s, "node_cpu_seconds_total", instance=host)
        return h.wait_until(present, timeout, 0.2)

    def close(self):
        self.proc.stop()

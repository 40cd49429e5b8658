#!/usr/bin/env python3
# SPDX-License-Identifier: Apache-2.0
"""End to end error rate from a real nginx access log: nginx (Debian package, run in the
foreground from a temp dir on a loopback port chosen at run time) answers /ok with 200 and /err
with 503 and logs in the nginx_timed format; the agent's weblog source follows the log; the
collector evaluates the shipped WebHighErrorRate rule (window and `for` shortened, thresholds
kept) and sends to a real Alertmanager. 0.5 % errors never fires; 10 % goes pending, fires and
reaches Alertmanager; back to 0.5 % resolves. A log rotation (rename + nginx USR1) and an agent
restart in between lose and double count no request.

Usage: weblog_e2e_test.py --bin-dir build/bin
"""

import os
import re
import secrets
import signal
import sys
import threading
import time
import urllib.error
import urllib.request

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import alerting_peers as ap  # noqa: E402
import harness as h  # noqa: E402

NGINX_BIN = "/usr/sbin/nginx"
ALERT = "WebHighErrorRate"
WINDOW_S = 6
FOR_S = 3
SHIPPED_RULES = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "deploy",
                             "config", "rules.yml")

# The log_format docs/weblog.md gives for the nginx_timed format.
LOG_FORMAT = ("'$remote_addr - $remote_user [$time_local] \"$request\" $status $body_bytes_sent "
              "\"$http_referer\" \"$http_user_agent\" $request_time \"$upstream_response_time\"'")


def test_rules():
    """The shipped WebHighErrorRate rule with a short window and `for`; thresholds as shipped."""
    with open(SHIPPED_RULES) as f:
        text = f.read()
    m = re.search(r"^  - name: %s\n(?:    .*\n|\n)*" % ALERT, text, re.M)
    if not m:
        return None
    rule = m.group(0).rstrip() + "\n"
    rule = re.sub(r"window: 1m", "window: %ds" % WINDOW_S, rule)
    rule = re.sub(r"for: 1m", "for: %ds" % FOR_S, rule)
    return "settings:\n  flap_window: 0s\nrules:\n" + rule


def start_nginx(procs, workdir):
    port = h.free_port()
    root = os.path.join(workdir, "nginx")
    os.makedirs(root, exist_ok=True)
    conf = os.path.join(root, "nginx.conf")
    log = os.path.join(root, "access.log")
    temp = "\n".join("  %s_temp_path %s/%s;" % (k, root, k)
                     for k in ("client_body", "proxy", "fastcgi", "uwsgi", "scgi"))
    with open(conf, "w") as f:
        # One process (no master/worker split): a worker would run as `nobody`, which cannot
        # reopen logs in the temp dir (mode 0700) after USR1.
        f.write("""daemon off;
master_process off;
pid %(root)s/nginx.pid;
error_log %(root)s/error.log info;
events { worker_connections 64; }
http {
%(temp)s
  log_format hostmon_timed %(fmt)s;
  server {
    listen 127.0.0.1:%(port)d;
    access_log %(log)s hostmon_timed;
    location /ok { return 200 "ok\\n"; }
    location /err { return 503 "unavailable\\n"; }
  }
}
""" % {"root": root, "temp": temp, "fmt": LOG_FORMAT, "port": port, "log": log})
    proc = procs.start("nginx", [NGINX_BIN, "-p", root, "-e", os.path.join(root, "error.log"),
                                 "-c", conf])
    ok = h.wait_until(lambda: h.port_accepts("127.0.0.1", port) or not proc.alive(), 10.0, 0.1)
    return proc, port, log, (ok is True and proc.alive())


class Traffic:
    """Sends requests one after the other from a thread; every `every`-th one goes to /err, so
    the error ratio is exact (1/every) over any run of `every` requests."""

    def __init__(self, port):
        self.base = "http://127.0.0.1:%d" % port
        self.every = 200
        self.sent = 0          # answered requests (any status)
        self.errors = 0
        self.failures = 0      # no HTTP answer
        self.paused = threading.Event()
        self._stop = threading.Event()
        self._lock = threading.Lock()
        self._thread = threading.Thread(target=self._run, daemon=True)
        self._thread.start()

    def set_every(self, every):
        with self._lock:
            self.every = every

    def _run(self):
        i = 0
        while not self._stop.is_set():
            if self.paused.is_set():
                time.sleep(0.02)
                continue
            with self._lock:
                err = i % self.every == 0
            i += 1
            try:
                with urllib.request.urlopen(self.base + ("/err" if err else "/ok"),
                                            timeout=2.0) as r:
                    r.read()
                ok = True
            except urllib.error.HTTPError as e:
                e.read()
                ok = True
            except (urllib.error.URLError, OSError):
                ok = False
            with self._lock:
                if ok:
                    self.sent += 1
                    self.errors += err
                else:
                    self.failures += 1
            time.sleep(0.01)  # ~60-80 requests/s

    def counts(self):
        with self._lock:
            return self.sent, self.errors, self.failures

    def stop(self):
        self._stop.set()
        self._thread.join(5.0)


def logged_totals(web_base, host):
    """(all requests, 5xx) the collector holds for the host's weblog series."""
    samples = h.scrape(web_base + "/metrics") or []
    rows = h.select(samples, "hostmon_weblog_requests_total", instance=host, log="nginx")
    return (sum(s[2] for s in rows),
            sum(s[2] for s in rows if s[1].get("status_class") == "5xx"))


def body(args, procs, runner, workdir):
    runner.require("%s exists (Debian package nginx)" % NGINX_BIN, os.access(NGINX_BIN, os.X_OK),
                   "")
    rules = test_rules()
    runner.require("the shipped rules.yml has %s" % ALERT, rules, SHIPPED_RULES)
    nginx, port, access_log, ok = start_nginx(procs, workdir)
    runner.require("nginx listens on 127.0.0.1:%d" % port, ok, nginx.tail())

    host = "e2e-weblog-" + secrets.token_hex(3)
    stack = ap.Stack(args, procs, runner, workdir, rules, host, start_agent=False)
    try:
        run(args, procs, runner, workdir, stack, host, nginx, port, access_log)
    finally:
        stack.close()


def run(args, procs, runner, workdir, stack, host, nginx, port, access_log):
    config = os.path.join(workdir, "weblogs.yml")
    with open(config, "w") as f:
        f.write("logs:\n  - {name: nginx, path: %s, format: nginx_timed}\n" % access_log)
    state = os.path.join(workdir, "weblog.state")
    argv = [os.path.join(args.bin_dir, "hostmon-agent"),
            "--collector.address=" + stack.grpc_addr, "--collection.interval=500ms",
            "--hostname=" + host, "--source.disable-defaults", "--source.weblog",
            "--source.weblog.config=" + config, "--source.weblog.state-file=" + state]
    agent = procs.start("agent", argv)

    def weblog_present():
        s = h.scrape(stack.web_base + "/metrics")
        return s and h.select(s, "hostmon_weblog_file_present", instance=host, log="nginx")
    runner.require("the agent's weblog series reach the collector",
                   h.wait_until(weblog_present, 15.0, 0.2), agent.tail())

    traffic = Traffic(port)
    try:
        # --- 0.5 % errors: never pending, never firing ----------------------------------------
        t0 = time.monotonic()
        seen = []
        while time.monotonic() - t0 < WINDOW_S + FOR_S + 4:
            seen += ap.collector_alerts(stack.web_base, ALERT) or []
            time.sleep(0.25)
        sent, errors, failures = traffic.counts()
        h.log("0.5 %% phase: %d requests, %d errors, %d without answer" % (sent, errors, failures))
        runner.check("traffic flows (> 200 requests in the 0.5 % phase)", sent > 200, sent)
        runner.check("no %s (not even pending) at 0.5 %% errors" % ALERT, seen == [], seen)

        # --- 10 % errors: pending, firing, in Alertmanager; a rotation in the middle ----------
        traffic.set_every(10)
        t_bad = time.monotonic()
        pending = h.wait_until(lambda: ap.collector_alerts(stack.web_base, ALERT), WINDOW_S + 8,
                               0.1)
        runner.require("%s goes pending or firing within the window" % ALERT, pending,
                       ap.collector_alerts(stack.web_base))
        h.log("%s %.1fs after errors rose: %r" % (pending[0]["state"], time.monotonic() - t_bad,
                                                  pending[0]))
        runner.check("the alert carries the log label", pending[0]["labels"].get("log") ==
                     "nginx", pending[0]["labels"])
        # logrotate's way for nginx: rename, then USR1 makes nginx reopen its log.
        os.rename(access_log, access_log + ".1")
        nginx.signal(signal.SIGUSR1)
        firing = h.wait_until(lambda: [a for a in ap.collector_alerts(stack.web_base, ALERT) or []
                                       if a["state"] == "firing"
                                       and a["labels"].get("severity") == "critical"],
                              FOR_S + WINDOW_S + 8, 0.1)
        runner.require("%s fires at severity critical (> 5 %%)" % ALERT, firing,
                       ap.collector_alerts(stack.web_base, ALERT))
        runner.check("value is about 10 %", 6 <= float(firing[0]["value"]) <= 14,
                     firing[0]["value"])
        in_am = h.wait_until(lambda: [x for x in ap.am_alerts(stack.am_base, ALERT) or []
                                      if x["labels"].get("instance") == host], 10.0, 0.2)
        runner.check("Alertmanager lists %s for the host" % ALERT, in_am,
                     ap.am_alerts(stack.am_base, ALERT))
        runner.check("nginx reopened its log after USR1 (a new access.log)",
                     h.wait_until(lambda: os.path.exists(access_log), 5.0, 0.1), nginx.tail())

        # --- back to 0.5 %: resolves ----------------------------------------------------------
        traffic.set_every(200)
        t_good = time.monotonic()
        gone = h.wait_until(lambda: ap.collector_alerts(stack.web_base, ALERT) == [],
                            WINDOW_S + 12, 0.2)
        runner.check("%s resolves in the collector after errors drop to 0.5 %%" % ALERT,
                     gone, ap.collector_alerts(stack.web_base, ALERT))
        h.log("resolved %.1fs after errors dropped" % (time.monotonic() - t_good))
        runner.check("Alertmanager no longer lists %s as active" % ALERT,
                     h.wait_until(lambda: ap.am_alerts(stack.am_base, ALERT) == [], 10.0, 0.2),
                     ap.am_alerts(stack.am_base, ALERT))

        # --- agent restart while requests are logged: nothing lost, nothing twice -------------
        agent.stop()
        time.sleep(1.0)
        agent = procs.start("agent-restarted", argv)
        time.sleep(1.0)
    finally:
        traffic.stop()
    sent, errors, failures = traffic.counts()
    h.log("all phases: %d requests, %d 5xx, %d without answer" % (sent, errors, failures))

    def settled():
        total, five = logged_totals(stack.web_base, host)
        return (total, five) == (sent, errors) or None
    ok = h.wait_until(settled, 10.0, 0.25)
    runner.check("the collector counts exactly the requests sent (%d, %d 5xx) across a rotation "
                 "and an agent restart" % (sent, errors), ok,
                 "collector has %r" % (logged_totals(stack.web_base, host),))
    samples = h.scrape(stack.web_base + "/metrics") or []
    rot = h.select(samples, "hostmon_weblog_rotations_total", instance=host, log="nginx")
    runner.check("the rotation is counted", rot and rot[0][2] >= 1, rot)
    bad = h.select(samples, "hostmon_weblog_malformed_lines_total", instance=host, log="nginx")
    runner.check("no malformed line", bad and bad[0][2] == 0, bad)
    labels = {k for s in samples if s[0].startswith("hostmon_weblog_") for k in s[1]}
    runner.check("weblog series have no path or client label",
                 not labels & {"path", "client", "remote_addr", "file"}, labels)


if __name__ == "__main__":
    h.main(__doc__.strip().splitlines()[0], body, budget_seconds=110.0)

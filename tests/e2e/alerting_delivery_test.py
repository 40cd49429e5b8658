#!/usr/bin/env python3
# SPDX-License-Identifier: Apache-2.0
"""Alertmanager delivery end to end (issue 4): the collector sends every alert to EVERY configured
Alertmanager URL; here (1) an https receiver whose certificate is signed by a test CA given as
alerting.alertmanagers.tls_ca_file, answering 503 twice before accepting (retries with backoff),
and (2) a real Alertmanager that is started only after the alert fired (connection refused
first, delivered once it is up).

Usage: alerting_delivery_test.py --bin-dir build/bin
"""

import http.server
import json
import os
import secrets
import ssl
import subprocess
import sys
import threading
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import alerting_peers as ap  # noqa: E402
import harness as h  # noqa: E402

ALERT = "LoadPresent"
RULES = """\
rules:
  - name: LoadPresent      # the fixture's load1 is 1.27: fires as soon as the agent reports
    expr: {func: last, select: node_load1}
    op: ">"
    threshold: 0
    annotations:
      summary: 'load {{ $value }}'
"""


class Receiver(http.server.BaseHTTPRequestHandler):
    """Stands in for an Alertmanager behind TLS: 503 for the first `fail_first` POSTs."""
    posts = []  # (monotonic time, status answered, parsed body)
    fail_first = 2
    lock = threading.Lock()

    def do_POST(self):  # noqa: N802 - http.server's naming
        n = int(self.headers.get("Content-Length", "0"))
        raw = self.rfile.read(n)
        with Receiver.lock:
            status = 503 if len(Receiver.posts) < Receiver.fail_first else 200
            try:
                body = json.loads(raw)
            except ValueError:
                body = raw
            Receiver.posts.append((time.monotonic(), status, body, self.path,
                                   self.headers.get("Content-Type"),
                                   self.headers.get("Authorization")))
        self.send_response(status)
        self.send_header("Content-Length", "0")
        self.end_headers()

    def log_message(self, *args):
        pass


def make_certs(workdir):
    def run(*argv):
        subprocess.run(argv, cwd=workdir, check=True, capture_output=True, timeout=30)
    run("openssl", "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256",
        "-nodes", "-keyout", "ca.key", "-out", "ca.crt", "-days", "2", "-subj", "/CN=test-ca")
    run("openssl", "req", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes",
        "-keyout", "am.key", "-out", "am.csr", "-subj", "/CN=am")
    with open(os.path.join(workdir, "am.ext"), "w") as f:
        f.write("subjectAltName=IP:127.0.0.1\nextendedKeyUsage=serverAuth\n")
    run("openssl", "x509", "-req", "-in", "am.csr", "-CA", "ca.crt", "-CAkey", "ca.key",
        "-CAcreateserial", "-out", "am.crt", "-days", "2", "-extfile", "am.ext")
    return os.path.join(workdir, "ca.crt"), os.path.join(workdir, "am.crt"), \
        os.path.join(workdir, "am.key")


def body(args, procs, runner, workdir):
    ca, cert, key = make_certs(workdir)
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Receiver)
    ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    ctx.load_cert_chain(cert, key)
    server.socket = ctx.wrap_socket(server.socket, server_side=True)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    https_url = "https://127.0.0.1:%d/am" % server.server_address[1]
    am_port = h.free_port()  # nothing listens there until Alertmanager starts below
    am_url = "http://127.0.0.1:%d" % am_port
    try:
        run(args, procs, runner, workdir, ca, https_url, am_port, am_url)
    finally:
        server.shutdown()


def run(args, procs, runner, workdir, ca, https_url, am_port, am_url):
    rules = os.path.join(workdir, "rules.yml")
    with open(rules, "w") as f:
        f.write(RULES)
    token = os.path.join(workdir, "am.token")
    with open(token, "w") as f:
        f.write("s3cret-token\n")
    config = os.path.join(workdir, "collector.yml")
    with open(config, "w") as f:
        f.write("alerting:\n  rule_files: [%s]\n  resend_interval: 1h\n  alertmanagers:\n"
                "    urls: [%s, %s]\n    timeout: 2s\n    retry_min_backoff: 500ms\n"
                "    retry_max_backoff: 2s\n    tls_ca_file: %s\n    bearer_token_file: %s\n"
                % (json.dumps(rules), json.dumps(https_url), json.dumps(am_url), json.dumps(ca),
                   json.dumps(token)))
    collector = procs.start("collector", [
        os.path.join(args.bin_dir, "hostmon-collector"), "--config.file=" + config,
        "--grpc.listen-address=127.0.0.1:0", "--web.listen-address=127.0.0.1:0",
        "--log.level=debug"])
    grpc, web = h.wait_for_collector_addresses(collector, timeout=10.0)
    runner.require("collector starts with two Alertmanager URLs (https with a CA file, http)",
                   grpc and web, collector.tail())
    web_base = "http://%s:%d" % web
    host = "e2e-deliver-" + secrets.token_hex(3)
    procs.start("agent", [
        os.path.join(args.bin_dir, "hostmon-agent"), "--collector.address=%s:%d" % grpc,
        "--collection.interval=500ms", "--hostname=" + host, "--path.procfs=" + ap.FIXTURE_PROC,
        "--source.disable-defaults", "--source.loadavg"])

    firing = h.wait_until(lambda: [a for a in ap.collector_alerts(web_base, ALERT) or []
                                   if a["state"] == "firing"], 10.0, 0.1)
    runner.require("%s fires in the collector" % ALERT, firing, collector.tail())

    accepted = h.wait_until(lambda: [p for p in Receiver.posts if p[1] == 200], 15.0, 0.1)
    runner.check("https receiver (CA from tls_ca_file) gets the alert after two 503s", accepted,
                 "posts: %r\n%s" % ([(p[1], p[3]) for p in Receiver.posts], collector.tail()))
    posts = list(Receiver.posts)
    if len(posts) >= 3:
        gaps = [posts[i + 1][0] - posts[i][0] for i in range(2)]
        h.log("retry gaps %.2fs, %.2fs" % tuple(gaps))
        runner.check("retries back off exponentially with jitter (~0.5 s, then ~1 s)",
                     0.35 <= gaps[0] <= 0.75 and 0.75 <= gaps[1] <= 1.45, gaps)
        runner.check("the same notification is re-tried (identical alert labels)",
                     [a["labels"] for a in posts[0][2]] == [a["labels"] for a in posts[2][2]],
                     posts)
        p = posts[2]
        runner.check("POST path is <url>/api/v2/alerts with Content-Type application/json",
                     p[3] == "/am/api/v2/alerts" and p[4] == "application/json", p[3:5])
        runner.check("Authorization: Bearer <bearer_token_file contents, trimmed>",
                     p[5] == "Bearer s3cret-token", p[5])
        a = p[2][0] if isinstance(p[2], list) and p[2] else {}
        runner.check("postableAlert has labels, annotations, startsAt, endsAt, generatorURL",
                     a.get("labels", {}).get("alertname") == ALERT
                     and a.get("labels", {}).get("instance") == host
                     and a.get("annotations", {}).get("summary") == "load 1.27"
                     and a.get("startsAt", "").endswith("Z") and a.get("endsAt", "").endswith("Z")
                     and a.get("generatorURL", "").endswith("/api/v1/alerts"), a)

    # The real Alertmanager comes up late: the queued alert must still arrive.
    time.sleep(1.0)
    m = h.scrape(web_base + "/metrics") or []
    errs = h.select(m, "hostmon_collector_alertmanager_notifications_errors_total",
                    alertmanager=am_url)
    runner.check("connection refused by the not-yet-started Alertmanager counts as errors",
                 errs and errs[0][2] >= 1, errs)
    am = procs.start("alertmanager", [
        ap.ALERTMANAGER_BIN, "--config.file=" + write_am_config(workdir),
        "--storage.path=" + os.path.join(workdir, "am-data"),
        "--web.listen-address=127.0.0.1:%d" % am_port, "--cluster.listen-address="])
    ready = h.wait_until(lambda: h.http_get(am_url + "/-/ready", 1.0)[0] == 200, 20.0, 0.2)
    runner.require("late Alertmanager is ready", ready, am.tail())
    got = h.wait_until(lambda: ap.am_alerts(am_url, ALERT), 10.0, 0.2)
    runner.check("the late Alertmanager receives %s through the client's retries" % ALERT, got,
                 collector.tail())
    m = h.scrape(web_base + "/metrics") or []
    for url in (https_url, am_url):
        sent = h.select(m, "hostmon_collector_alertmanager_notifications_sent_total",
                        alertmanager=url)
        runner.check("notifications_sent_total{alertmanager=%s} >= 1" % url,
                     sent and sent[0][2] >= 1, sent)
    dropped = [s for s in m if s[0] == "hostmon_collector_alertmanager_notifications_dropped_total"
               and s[2] > 0]
    runner.check("nothing dropped", not dropped, dropped)


def write_am_config(workdir):
    path = os.path.join(workdir, "am.yml")
    with open(path, "w") as f:
        f.write("route:\n  receiver: blackhole\nreceivers:\n  - name: blackhole\n")
    return path


if __name__ == "__main__":
    h.main(__doc__.strip().splitlines()[0], body, budget_seconds=80.0)

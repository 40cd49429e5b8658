# SPDX-License-Identifier: Apache-2.0
"""Peers for the probe source's tests and benchmark: an HTTP(S) target in the test process whose
latency and status the test sets at any time, a listener that never answers, a closed port,
blackbox_exporter (Debian package prometheus-blackbox-exporter) on a free loopback port, and
running `hostmon-agent --once` with a targets file. Servers bind 127.0.0.1:0; processes go
through harness.Processes and are stopped by PID."""

import http.server
import os
import socket
import ssl
import subprocess
import threading
import time
import urllib.parse

import harness as h

BLACKBOX_BIN = "/usr/bin/prometheus-blackbox-exporter"


class Target:
    """A threaded HTTP server on 127.0.0.1:0. `delay` (seconds) and `status` may change at any
    time; `requests` counts the requests served."""

    def __init__(self, delay=0.0, status=200, body=b"all healthy\n", certfile=None, keyfile=None):
        self.delay, self.status, self.body, self.requests = delay, status, body, 0
        target = self

        class Handler(http.server.BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def do_GET(self):  # noqa: N802 - the stdlib's name
                target.requests += 1
                if target.delay:
                    time.sleep(target.delay)
                self.send_response(target.status)
                self.send_header("Content-Length", str(len(target.body)))
                self.send_header("Connection", "close")
                self.end_headers()
                self.wfile.write(target.body)

            def log_message(self, *args):
                pass

        self.server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        if certfile:
            ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
            ctx.load_cert_chain(certfile, keyfile)
            self.server.socket = ctx.wrap_socket(self.server.socket, server_side=True)
        self.port = self.server.server_address[1]
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    def close(self):
        self.server.shutdown()
        self.server.server_close()


class Hole:
    """A listening socket nobody accepts on: connects succeed, requests hang."""

    def __init__(self):
        self.sock = socket.socket()
        self.sock.bind(("127.0.0.1", 0))
        self.sock.listen(64)
        self.port = self.sock.getsockname()[1]

    def close(self):
        self.sock.close()


def closed_port():
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    port = s.getsockname()[1]
    s.close()
    return port


def write_targets(path, targets, interval=None):
    """targets: list of dicts (values written as given, YAML flow style)."""
    with open(path, "w") as f:
        if interval:
            f.write("interval: %s\n" % interval)
        f.write("targets:\n")
        for t in targets:
            f.write("  - {%s}\n" % ", ".join("%s: %s" % (k, v) for k, v in t.items()))
    return path


def agent_once(args, procs, targets_file, extra=(), timeout=30.0, wrap=()):
    """Runs `hostmon-agent --once` with only the probe source; returns the Proc."""
    argv = list(wrap) + [os.path.join(args.bin_dir, "hostmon-agent"), "--once",
                         "--source.disable-defaults", "--source.probe",
                         "--source.probe.config=" + targets_file] + list(extra)
    return procs.run("agent-once", argv, timeout)


def probe_samples(samples, **labels):
    """{name: value} of the probe source's series with these labels (histogram buckets keyed
    name{le})."""
    out = {}
    for name, lbl, value in samples:
        if not (name.startswith("probe_") or name.startswith("hostmon_probe_")):
            continue
        if any(lbl.get(k) != v for k, v in labels.items()):
            continue
        extra = {k: v for k, v in lbl.items() if k not in ("target", "module", "class")}
        key = name + ("{%s}" % ",".join("%s=%s" % kv for kv in sorted(extra.items()))
                      if extra else "")
        out[key] = value
    return out


def make_certs(workdir):
    """A CA, a server certificate for IP 127.0.0.1 signed by it, and a self-signed one; returns
    a dict of paths."""
    def ossl(*a):
        subprocess.run(["openssl"] + list(a), cwd=workdir, check=True, capture_output=True)
    ossl("req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes",
         "-keyout", "ca.key", "-out", "ca.crt", "-days", "3", "-subj", "/CN=probe-ca")
    ossl("req", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes", "-keyout",
         "srv.key", "-out", "srv.csr", "-subj", "/CN=srv")
    with open(os.path.join(workdir, "srv.ext"), "w") as f:
        f.write("subjectAltName=IP:127.0.0.1\nextendedKeyUsage=serverAuth\n")
    ossl("x509", "-req", "-in", "srv.csr", "-CA", "ca.crt", "-CAkey", "ca.key",
         "-CAcreateserial", "-out", "srv.crt", "-days", "2", "-extfile", "srv.ext")
    ossl("req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes",
         "-keyout", "self.key", "-out", "self.crt", "-days", "2", "-subj", "/CN=self",
         "-addext", "subjectAltName=IP:127.0.0.1")
    return {k: os.path.join(workdir, k) for k in
            ("ca.crt", "srv.crt", "srv.key", "self.crt", "self.key")}


def start_blackbox(procs, workdir, attempts=3):
    """blackbox_exporter with modules http_2xx and tcp_connect on a free loopback port; returns
    (proc, base_url) or (proc, None)."""
    config = os.path.join(workdir, "blackbox.yml")
    with open(config, "w") as f:
        f.write("modules:\n"
                "  http_2xx:\n    prober: http\n    timeout: 5s\n"
                "    http: {preferred_ip_protocol: ip4}\n"
                "  tcp_connect:\n    prober: tcp\n    timeout: 5s\n"
                "    tcp: {preferred_ip_protocol: ip4}\n")
    proc = None
    for attempt in range(attempts):
        port = h.free_port()
        proc = procs.start("blackbox", [BLACKBOX_BIN, "--config.file=" + config,
                                        "--web.listen-address=127.0.0.1:%d" % port])
        base = "http://127.0.0.1:%d" % port

        def ready():
            if not proc.alive():
                return "exited"
            status, _ = h.http_get(base + "/-/healthy", timeout=1.0)
            return status == 200
        if h.wait_until(ready, 15.0, 0.2) is True:
            return proc, base
        proc.stop(grace=3.0)
    return proc, None


def blackbox_probe(base, module, target):
    """One probe through blackbox_exporter: parsed samples or None."""
    q = urllib.parse.urlencode({"module": module, "target": target})
    return h.scrape(base + "/probe?" + q, timeout=10.0)

#!/usr/bin/env python3
# SPDX-License-Identifier: Apache-2.0
"""A slow client reading /metrics does not hold up ingest.

Usage: scrape_stream_test.py --bin-dir build/bin [--hosts 300] [--keep-tmp]

A real hostmon-collector takes HOSTS simulated agents from hostmon-loadgen (tests/bench/loadgen:
own gRPC stream each, 520 series, every series every 2 s), so that /metrics is tens of MB. A
deliberately slow client (a small receive buffer, 64 KiB every 50 ms: ~1.3 MB/s) then reads
/metrics. Once its first MiB has arrived, a second loadgen run sends for WINDOW_S seconds while
the slow read goes on, and must see its batches acknowledged as usual:

- at least 90 % of the batches it sent are acknowledged, and it sent at least 80 % of what its
  hosts were due (a host whose previous write is still pending skips its tick);
- ack latency p99 <= 250 ms and max <= 1 s. Unhindered, acks take a few ms here; the bound leaves
  room for a machine busy with parallel builds, yet a collector that kept the store locked while
  a slow client reads (the failure this test is for) stalls every ack for the whole read, seconds.

The slow read must still be in progress when the window ends (else the window did not overlap
it). Then the rest is read at full speed: the chunked body must end with its last chunk and hold
every host's series; a gzip scrape through urllib must hold as many.
Then the same over TLS (scripts/pki certificates, --web.config.file): a second collector with
TLS_HOSTS hosts answers plain and gzip scrapes through urllib with the CA, chunked and whole, and
a real Prometheus (Go client, gzip) scrapes it: up 1 with every host's series.
Everything listens on 127.0.0.1; ports are chosen at run time; processes are stopped by PID.
"""

import json
import os
import re
import socket
import ssl
import subprocess
import sys
import threading
import time
import urllib.request
import zlib

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import harness as h  # noqa: E402

SERIES = 520
INTERVAL_S = 2.0
WINDOW_S = 8.0
PIECE = 64 * 1024
PAUSE_S = 0.05
ACK_P99_MAX_MS = 250.0
ACK_MAX_MS = 1000.0
TLS_HOSTS = 100
REPO = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))


def loadgen(procs, bin_dir, grpc_addr, hosts, duration, name):
    return procs.start(name, [
        os.path.join(bin_dir, "hostmon-loadgen"), "--target=" + grpc_addr, "--hosts=%d" % hosts,
        "--series=%d" % SERIES, "--changed=100", "--interval=%gs" % INTERVAL_S,
        "--duration=%gs" % duration, "--host-prefix=slowscrape"])


def loadgen_result(proc, timeout):
    if proc.wait(timeout) is None:
        return None
    lines = [line for line in proc.stdout().splitlines() if line.startswith("{")]
    return json.loads(lines[-1]) if proc.returncode == 0 and lines else None


class SlowReader(threading.Thread):
    """GET /metrics over a plain socket, PIECE bytes every PAUSE_S until told to hurry."""

    def __init__(self, host, port):
        super().__init__(daemon=True)
        self.sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        # A small receive buffer, so that the collector really has to wait for this reader.
        self.sock.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, PIECE)
        self.sock.connect((host, port))
        self.sock.settimeout(30)
        self.data = bytearray()
        self.hurry = threading.Event()
        self.done = threading.Event()
        self.error = None

    def run(self):
        try:
            self.sock.sendall(b"GET /metrics HTTP/1.1\r\nHost: x\r\n\r\n")
            while True:
                chunk = self.sock.recv(PIECE)
                if not chunk:
                    break
                self.data += chunk
                if not self.hurry.is_set():
                    time.sleep(PAUSE_S)
        except OSError as e:
            self.error = str(e)
        finally:
            self.sock.close()
            self.done.set()


def dechunk(body):
    """The decoded body and whether it ended with the last chunk."""
    out, pos = bytearray(), 0
    while True:
        eol = body.find(b"\r\n", pos)
        if eol < 0:
            return bytes(out), False
        size = int(body[pos:eol], 16)
        pos = eol + 2
        if size == 0:
            return bytes(out), body[pos:pos + 2] == b"\r\n"
        if len(body) < pos + size + 2:
            return bytes(out), False
        out += body[pos:pos + size]
        pos += size + 2


def fetch(url, gz, context=None):
    """(headers, text) of a GET through urllib."""
    req = urllib.request.Request(url, headers={"Accept-Encoding": "gzip"} if gz else {})
    with urllib.request.urlopen(req, timeout=30, context=context) as r:
        headers = r.headers
        data = r.read()
    if headers.get("Content-Encoding") == "gzip":
        data = zlib.decompress(data, 16 + zlib.MAX_WBITS)
    return headers, data.decode("utf-8", "replace")


def series_per_host(text):
    counts = {}
    for m in re.finditer(r'^loadgen_family_[^\n]*instance="(slowscrape-\d+)"', text, re.MULTILINE):
        counts[m.group(1)] = counts.get(m.group(1), 0) + 1
    return counts


def body(args, procs, runner, workdir):
    config = os.path.join(workdir, "collector.yml")
    with open(config, "w") as f:
        # Every simulated host comes from 127.0.0.1: lift the per-client limits.
        f.write("hosts:\n  max_hosts: 100000\n  max_hosts_per_client: 100000\n"
                "  max_series_total: 100000000\n")
    collector, grpc_addr, web_addr = h.start_loopback_collector(
        procs, runner, args.bin_dir, ["--config.file=" + config])
    base = "http://" + web_addr

    warm = loadgen_result(loadgen(procs, args.bin_dir, grpc_addr, args.hosts, 2 * INTERVAL_S + 1,
                                  "loadgen-warmup"), 60)
    runner.require("warm-up: every simulated host connected and was acknowledged",
                   warm and warm["connected"] == args.hosts and warm["batches_acked"] > 0, warm)

    web_host, web_port = web_addr.rsplit(":", 1)
    reader = SlowReader(web_host, int(web_port))
    t0 = time.monotonic()
    reader.start()
    runner.require("the slow reader gets its first MiB",
                   h.wait_until(lambda: len(reader.data) >= (1 << 20) or reader.done.is_set(),
                                30.0, 0.05) and len(reader.data) >= (1 << 20),
                   (len(reader.data), reader.error))
    h.log("first MiB after %.2fs; ingest window of %gs starts" % (time.monotonic() - t0, WINDOW_S))
    at_start = len(reader.data)
    window = loadgen_result(loadgen(procs, args.bin_dir, grpc_addr, args.hosts, WINDOW_S,
                                    "loadgen-window"), WINDOW_S + 30)
    read_in_window = len(reader.data) - at_start
    still_reading = not reader.done.is_set()
    h.log("window: %s" % json.dumps(window))
    h.log("slow reader: %d bytes during the window, still reading: %s"
          % (read_in_window, still_reading))
    runner.check("the slow read spans the whole ingest window (%d bytes read in it)"
                 % read_in_window, still_reading and read_in_window > 0,
                 (len(reader.data), reader.error))
    runner.require("the window's loadgen ran and reported", window is not None, "")
    due = args.hosts * WINDOW_S / INTERVAL_S
    runner.check("hosts sent at least 80%% of their due batches (%d of %d)"
                 % (window["batches_sent"], due), window["batches_sent"] >= 0.8 * due, window)
    runner.check("at least 90%% of the batches sent were acknowledged (%d of %d)"
                 % (window["batches_acked"], window["batches_sent"]),
                 window["batches_acked"] >= 0.9 * window["batches_sent"], window)
    # (No acks at all leaves the figures at 0: that must fail too.)
    runner.check("ack latency during the slow read: p99 %.1f ms <= %g, max %.1f ms <= %g"
                 % (window["ack_ms_p99"], ACK_P99_MAX_MS, window["ack_ms_max"], ACK_MAX_MS),
                 window["batches_acked"] > 0 and window["ack_ms_p99"] <= ACK_P99_MAX_MS
                 and window["ack_ms_max"] <= ACK_MAX_MS,
                 window)

    reader.hurry.set()
    reader.done.wait(60)
    raw = bytes(reader.data)
    head, _, rest = raw.partition(b"\r\n\r\n")
    runner.check("the slow read got a chunked 200", head.startswith(b"HTTP/1.1 200")
                 and b"\r\nTransfer-Encoding: chunked\r\n" in head, head[:300])
    text, complete = dechunk(rest)
    counts = series_per_host(text.decode("utf-8", "replace"))
    h.log("slow scrape: %d bytes, %d hosts" % (len(text), len(counts)))
    runner.check("the slow scrape is whole: last chunk, %d hosts x %d series"
                 % (args.hosts, SERIES),
                 complete and len(counts) == args.hosts
                 and all(n == SERIES for n in counts.values()),
                 (complete, len(counts), sorted(set(counts.values()))[:5], reader.error))

    headers, gz_text = fetch(base + "/metrics", gz=True)
    gz_counts = series_per_host(gz_text)
    runner.check("a gzip scrape through urllib holds the same hosts and series",
                 headers.get("Content-Encoding") == "gzip" and gz_counts == counts,
                 (headers.get("Content-Encoding"), len(gz_counts), len(counts)))
    runner.check("collector is still running at the end", collector.alive(),
                 "collector exited with %r" % collector.returncode)
    collector.stop()
    tls_phase(args, procs, runner, workdir, config)


def tls_phase(args, procs, runner, workdir, config):
    pki = os.path.join(workdir, "pki")
    for step in (["ca"], ["collector", "localhost", "127.0.0.1"]):
        r = subprocess.run([args.pki, "--dir", pki] + step, capture_output=True, text=True,
                           timeout=30)
        runner.require("scripts/pki %s" % " ".join(step), r.returncode == 0, r.stderr)
    web_yml = os.path.join(workdir, "web.yml")
    with open(web_yml, "w") as f:
        f.write("tls_server_config:\n  cert_file: pki/collector.pem\n"
                "  key_file: pki/collector.key\n")
    collector, grpc_addr, web_addr = h.start_loopback_collector(
        procs, runner, args.bin_dir, ["--config.file=" + config, "--web.config.file=" + web_yml])
    # Sending all along, so that no host goes stale before Prometheus has scraped.
    lg = loadgen(procs, args.bin_dir, grpc_addr, TLS_HOSTS, 30, "loadgen-tls")
    context = ssl.create_default_context(cafile=os.path.join(pki, "ca.pem"))
    url = "https://%s/metrics" % web_addr
    runner.require("TLS collector: every simulated host's series within 15 s",
                   h.wait_until(lambda: len(series_per_host(fetch(url, False, context)[1]))
                                == TLS_HOSTS, 15.0, 0.5), lg.tail())
    for gz in (False, True):
        headers, text = fetch(url, gz, context)
        counts = series_per_host(text)
        runner.check("over TLS (%s): a chunked /metrics of %d hosts x %d series"
                     % ("gzip" if gz else "plain", TLS_HOSTS, SERIES),
                     headers.get("Transfer-Encoding") == "chunked"
                     and (headers.get("Content-Encoding") == "gzip") == gz
                     and len(counts) == TLS_HOSTS and all(n == SERIES for n in counts.values()),
                     (dict(headers), len(counts), sorted(set(counts.values()))[:5]))
    prom_yml = os.path.join(workdir, "prometheus.yml")
    with open(prom_yml, "w") as f:
        f.write("global:\n  scrape_interval: 2s\n  scrape_timeout: 2s\nscrape_configs:\n"
                "  - job_name: stream\n    scheme: https\n"
                "    tls_config:\n      ca_file: %s\n" % os.path.join(pki, "ca.pem")
                + "    static_configs:\n      - targets: [%s]\n" % json.dumps(web_addr))
    prom, prom_base = h.start_prometheus(procs, workdir, prom_yml)
    runner.require("prometheus is ready", prom_base, "did not start")
    want = TLS_HOSTS * SERIES

    def scraped():
        up = h.prom_values(h.prom_query(prom_base, 'up{job="stream"}'))
        n = h.prom_values(h.prom_query(prom_base, 'scrape_samples_scraped{job="stream"}'))
        return (up, n) if up == [1.0] and n and n[0] >= want else None

    got = h.wait_until(scraped, 20.0, 0.5)
    runner.check("Prometheus scrapes the streamed /metrics over TLS: up 1, >= %d samples" % want,
                 got, h.prom_query(prom_base, 'up{job="stream"}'))
    prom.stop()
    lg.stop()
    runner.check("TLS collector is still running at the end", collector.alive(),
                 "collector exited with %r" % collector.returncode)


def extra(ap):
    ap.add_argument("--hosts", type=int, default=300)
    ap.add_argument("--pki", default=os.path.join(REPO, "scripts", "pki"))


if __name__ == "__main__":
    h.main(__doc__.strip().splitlines()[0], body, budget_seconds=85.0, extra_args=extra)

#!/usr/bin/env python3
# SPDX-License-Identifier: Apache-2.0
"""Collector remote write against a REAL Prometheus (--web.enable-remote-write-receiver) and, in
parallel, a recording receiver (rw_receiver.py) that counts every sample it gets.

Scenarios:
  basic            agent at 1 s -> collector -> both receivers; Prometheus's raw samples equal
                   the recorder's, value for value and timestamp for timestamp; labels merged.
  collector_outage issue 6's headline fault test: the collector is SIGKILLed for 60 s while the
                   agent collects at 1 s, then restarted; every sample collected during the outage
                   reaches both receivers with its original timestamp: 0 missing, 0 duplicated.
  receiver_errors  the recorder answers 503 for 5 s (retried, nothing missing), then 400 for 3 s
                   (not retried; collector received == recorded + failed{http_4xx}, exactly).
  victoria_metrics a REAL VictoriaMetrics (single node) as the receiver, with the collector's
                   external_labels (cluster, __replica__); the collector is SIGKILLed for 20 s
                   while the agent spools; VictoriaMetrics' raw export then holds every grid
                   point once, with original timestamps and the external labels.
  auth_tls         HTTPS receivers with a private CA, bearer token / basic auth from files and an
                   extra header; an untrusted server certificate delivers nothing (retried).

How "missing" is counted: the agent collects on a fixed 1 s grid (agent_app.cc keeps ticks on the
interval grid), so node_time_seconds of one host must have a sample at every grid point between
the first and the last one received. "Duplicated": the recorder saw the same (series, timestamp)
more than once (Prometheus would hide that: its TSDB ignores exact duplicates).

Usage: remote_write_test.py --bin-dir build/bin --scenario basic|collector_outage
"""

import json
import os
import secrets
import signal
import sys
import time
import urllib.parse

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import harness as h  # noqa: E402
import rw_receiver  # noqa: E402

FIXTURE_PROC = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "fixtures", "proc")
OUTAGE_S = 60.0
INTERVAL_MS = 1000


def prom_matrix(base, expr, at=None):
    params = {"query": expr}
    if at is not None:
        params["time"] = "%.3f" % at
    status, body = h.http_get(base + "/api/v1/query?" + urllib.parse.urlencode(params), 5.0)
    if status != 200:
        return None
    doc = json.loads(body)
    if doc.get("status") != "success" or doc["data"]["resultType"] != "matrix":
        return None
    return doc["data"]["result"]


def prom_raw_samples(base, name, host, window_s):
    """Raw stored samples of one series: [(timestamp_ms, value)] (a range selector in an instant
    query returns them unaltered)."""
    res = prom_matrix(base, '%s{instance="%s"}[%ds]' % (name, host, int(window_s)))
    if not res:
        return []
    return [(int(round(float(t) * 1000)), float(v)) for t, v in res[0]["values"]]


def write_collector_config(path, urls, deadline="200ms", external_labels=None):
    with open(path, "w") as f:
        if external_labels:
            f.write("external_labels:\n")
            for k, v in sorted(external_labels.items()):
                f.write("  %s: %s\n" % (k, v))
        f.write("remote_write:\n")
        for u in urls:
            f.write("  - url: %s\n"
                    "    remote_timeout: 5s\n"
                    "    queue_config: {batch_send_deadline: %s, min_backoff: 50ms,"
                    " max_backoff: 1s}\n" % (u, deadline))


def start_collector(procs, args, config, grpc_port, name="collector", applied_log=None):
    argv = [
        os.path.join(args.bin_dir, "hostmon-collector"),
        "--config.file=" + config,
        "--grpc.listen-address=127.0.0.1:%d" % grpc_port,
        "--web.listen-address=127.0.0.1:0",
    ]
    if applied_log:
        argv.append("--debug.applied-batches-file=" + applied_log)
    proc = procs.start(name, argv)
    grpc, web = h.wait_for_collector_addresses(proc, timeout=10.0)
    return proc, grpc, web


def start_agent(procs, args, workdir, grpc_port, host):
    argv = [
        os.path.join(args.bin_dir, "hostmon-agent"),
        "--collector.address=127.0.0.1:%d" % grpc_port,
        "--collection.interval=1s",
        "--hostname=" + host,
        "--label=dc=e2e",
        "--source.disable-defaults",
        "--source.time",
        "--source.loadavg",
        "--path.procfs=" + os.path.abspath(FIXTURE_PROC),
    ]
    spool = os.path.join(workdir, "spool")
    if args.agent_spool_flag:
        argv.append(args.agent_spool_flag.replace("{dir}", spool))
    return procs.start("agent", argv)


def start_prometheus(procs, workdir, ooo_window="1h", name="prometheus"):
    cfg = os.path.join(workdir, name + ".yml")
    with open(cfg, "w") as f:
        # Replayed backlog is older than live data already written for the same series: without an
        # out-of-order window (Prometheus >= 2.39) Prometheus answers 400 "out of order sample".
        f.write("global:\n  scrape_interval: 15s\n")
        if ooo_window:
            f.write("storage:\n  tsdb:\n    out_of_order_time_window: %s\n" % ooo_window)
    port = h.free_port()
    proc = procs.start(name, [
        h.PROMETHEUS_BIN, "--config.file=" + cfg,
        "--storage.tsdb.path=" + os.path.join(workdir, name + "-data"),
        "--web.listen-address=127.0.0.1:%d" % port,
        "--web.enable-remote-write-receiver",
    ])
    base = "http://127.0.0.1:%d" % port

    def ready():
        if not proc.alive():
            return "exited"
        status, _ = h.http_get(base + "/-/ready", timeout=1.0)
        return status == 200

    return proc, base if h.wait_until(ready, 20.0, 0.2) is True else None


def grid_gaps(timestamps):
    """Collection ticks missing between the first and the last timestamp. The agent's ticks are
    1 s apart on a grid, but each batch is stamped when its collection actually starts (a few ms
    of wake-up jitter), so a timestamp belongs to the tick nearest to it; a timestamp more than
    300 ms off every tick is reported too."""
    ts = sorted(set(timestamps))
    if not ts:
        return []
    slots = {}
    bad = []
    for t in ts:
        k = int(round((t - ts[0]) / float(INTERVAL_MS)))
        if abs(t - (ts[0] + k * INTERVAL_MS)) > 300:
            bad.append(t)
        slots.setdefault(k, []).append(t)
    last = max(slots)
    missing = [ts[0] + k * INTERVAL_MS for k in range(last + 1) if k not in slots]
    return missing + bad


def duplicates(timestamps):
    seen, dup = set(), []
    for t in timestamps:
        if t in seen:
            dup.append(t)
        seen.add(t)
    return dup


def self_metric(web, name, **labels):
    """Sum over the collector's own series `name` matching `labels`; None if /metrics fails."""
    samples = h.scrape("http://%s:%d/metrics" % web)
    if samples is None:
        return None
    return sum(s[2] for s in h.select(samples, name, **labels))


def common_setup(args, procs, runner, workdir):
    runner.require("%s exists" % h.PROMETHEUS_BIN, os.access(h.PROMETHEUS_BIN, os.X_OK), "")
    prom, base = start_prometheus(procs, workdir)
    runner.require("prometheus with --web.enable-remote-write-receiver ready", base,
                   prom.tail(10))
    recorder = rw_receiver.Recorder()
    server, rec_url = rw_receiver.start(recorder)
    cfg = os.path.join(workdir, "collector.yml")
    write_collector_config(cfg, [base + "/api/v1/write", rec_url])
    return base, recorder, server, rec_url, cfg


def scenario_basic(args, procs, runner, workdir):
    base, recorder, server, rec_url, cfg = common_setup(args, procs, runner, workdir)
    host = "rw-" + secrets.token_hex(4)
    grpc_port = h.free_port()
    collector, grpc, web = start_collector(procs, args, cfg, grpc_port)
    runner.require("collector up with remote_write configured", grpc and web, collector.tail())
    agent = start_agent(procs, args, workdir, grpc_port, host)
    got = h.wait_until(lambda: len(recorder.series_samples("node_time_seconds",
                                                           instance=host)) >= 8, 30.0, 0.2)
    runner.require("recorder received >= 8 node_time_seconds samples within 30 s", got,
                   agent.tail())
    agent.signal(signal.SIGTERM)
    agent.wait(10.0)
    time.sleep(1.5)  # last batch: 200 ms batch deadline
    rec = recorder.series_samples("node_time_seconds", instance=host)
    runner.check("recorder: no spec violations (headers, sorted labels, snappy, protobuf)",
                 not recorder.violations, recorder.violations[:5])
    runner.check("recorder: no duplicates", not duplicates([t for t, _ in rec]),
                 duplicates([t for t, _ in rec]))
    runner.check("recorder: samples on the 1 s grid, none missing", not grid_gaps(
        [t for t, _ in rec]), grid_gaps([t for t, _ in rec]))
    # node_time_seconds is the collection time: value and original timestamp agree.
    runner.check("timestamps are the agent's collection times (|value - ts| < 1 s)",
                 all(abs(v - t / 1000.0) < 1.0 for t, v in rec), rec[:3])
    load = recorder.series_samples("node_load1", instance=host)
    runner.check("node_load1 equals the fixture's /proc/loadavg (1.27) in every sample",
                 load and all(v == 1.27 for _, v in load), load[:3])
    labels = [lab for lab, _, _ in recorder.snapshot()
              if lab.get("__name__") == "node_load1" and lab.get("instance") == host]
    runner.check("labels: __name__, instance, job=node, dc=e2e (static label)",
                 labels and labels[0] == {"__name__": "node_load1", "instance": host,
                                          "job": "node", "dc": "e2e"}, labels[:1])
    prom = h.wait_until(lambda: len(prom_raw_samples(base, "node_time_seconds", host, 120))
                        >= len(rec) or None, 10.0, 0.3)
    stored = prom_raw_samples(base, "node_time_seconds", host, 120)
    runner.check("Prometheus stored exactly the recorder's samples (timestamps and values)",
                 prom and sorted(stored) == sorted(rec),
                 "prometheus %d samples, recorder %d; first %r vs %r"
                 % (len(stored), len(rec), stored[:2], sorted(rec)[:2]))
    # What a receiver needs (README): a sample older than the series' newest, as the agents'
    # replayed backlog is, is stored only with an out-of-order window.
    labels = sorted({"__name__": "node_time_seconds", "instance": host, "job": "node",
                     "dc": "e2e"}.items())
    newest = max(t for t, _ in rec)
    old_sample = (newest - 30500, 42.0)
    status, text = rw_receiver.post(base + "/api/v1/write", [(labels, [old_sample])])
    runner.check("Prometheus with out_of_order_time_window accepts a sample 30 s older than the "
                 "series' newest (replayed backlog)", status in (200, 204), (status, text))
    runner.check("... and stores it with its timestamp",
                 old_sample in prom_raw_samples(base, "node_time_seconds", host, 120),
                 old_sample)
    _, base_no_ooo = start_prometheus(procs, workdir, ooo_window=None, name="prometheus-no-ooo")
    if base_no_ooo:
        rw_receiver.post(base_no_ooo + "/api/v1/write", [(labels, [(newest, 1.0)])])
        status, text = rw_receiver.post(base_no_ooo + "/api/v1/write",
                                        [(labels, [old_sample])])
        runner.check("Prometheus without the window rejects it: 400 out of order (not retried by "
                     "the collector; counted as failed)", status == 400 and "out of order" in text,
                     (status, text))
    sent = self_metric(web, "hostmon_collector_remote_write_samples_sent_total", url=rec_url)
    runner.check("collector samples_sent_total{url=recorder} == samples the recorder holds",
                 sent == len(recorder.snapshot()), "sent=%s recorder=%d"
                 % (sent, len(recorder.snapshot())))
    for name in ("hostmon_collector_remote_write_samples_failed_total",
                 "hostmon_collector_remote_write_samples_dropped_total"):
        v = self_metric(web, name)
        runner.check("%s == 0" % name, v == 0, v)
    server.shutdown()


def scenario_collector_outage(args, procs, runner, workdir):
    h.set_budget(140.0)
    base, recorder, server, rec_url, cfg = common_setup(args, procs, runner, workdir)
    host = "rw-outage-" + secrets.token_hex(4)
    grpc_port = h.free_port()
    collector, grpc, web = start_collector(procs, args, cfg, grpc_port)
    runner.require("collector up", grpc and web, collector.tail())
    agent = start_agent(procs, args, workdir, grpc_port, host)
    got = h.wait_until(lambda: len(recorder.series_samples("node_time_seconds",
                                                           instance=host)) >= 4, 20.0, 0.2)
    runner.require("live data reaches the receivers before the outage", got, agent.tail())
    time.sleep(0.5)
    collector.signal(signal.SIGKILL)
    collector.wait(5.0)
    kill_ms = int(time.time() * 1000)
    h.log("collector SIGKILLed; outage of %.0f s while the agent collects at 1 s" % OUTAGE_S)
    time.sleep(OUTAGE_S)
    restart_ms = int(time.time() * 1000)
    before_restart = len(recorder.snapshot())  # everything the killed collector delivered
    applied_log = os.path.join(workdir, "applied-after-restart.jsonl")
    collector2, grpc2, web2 = start_collector(procs, args, cfg, grpc_port, name="collector2",
                                              applied_log=applied_log)
    runner.require("collector restarted on the same port", grpc2 and web2, collector2.tail())
    h.log("collector restarted; waiting for the agent to reconnect and replay")

    def caught_up():
        ts = [t for t, _ in recorder.series_samples("node_time_seconds", instance=host)]
        after = [t for t in ts if t >= restart_ms + 3000]
        return after and not grid_gaps(ts)

    ok = h.wait_until(caught_up, max(5.0, h.budget().remaining() - 25.0), 0.5)
    runner.check("backlog and live data arrive after the restart (no gap on the grid)", ok,
                 agent.tail(15))
    agent.signal(signal.SIGTERM)
    agent.wait(10.0)
    time.sleep(1.5)
    rec_all = recorder.series_samples("node_time_seconds", instance=host)
    ts_all = [t for t, _ in rec_all]
    outage = [t for t in ts_all if kill_ms <= t < restart_ms]
    h.log("samples collected during the outage and received: %d (grid points in the outage: "
          "about %d)" % (len(set(outage)), (restart_ms - kill_ms) // INTERVAL_MS))
    runner.check("outage samples received: at least 58 of the ~60 s outage",
                 len(set(outage)) >= int(OUTAGE_S) - 2, len(set(outage)))
    runner.check("0 missing: every grid point from first to last sample received",
                 not grid_gaps(ts_all), "missing/off-grid: %r" % grid_gaps(ts_all)[:10])
    dup_outage = duplicates(outage)
    runner.check("0 duplicated among samples collected during the outage (recorder)",
                 not dup_outage, dup_outage[:10])
    dup_all = duplicates(ts_all)
    h.log("duplicates over the whole run: %d (possible only for batches delivered but not yet "
          "acknowledged at the SIGKILL: at-least-once)" % len(dup_all))
    runner.check("duplicates over the whole run at most one batch (at-least-once at the kill)",
                 len(dup_all) <= 1, dup_all[:10])
    # Newest first: after the restart the agent sends live data, then replays the backlog behind
    # it, so outage samples reach the receiver AFTER newer samples of the same series (accepted
    # thanks to Prometheus's out-of-order window). Only with the agent's spool.
    arrival = [t for lab, t, _ in recorder.snapshot()
               if lab.get("__name__") == "node_time_seconds" and lab.get("instance") == host]
    newest_seen, late = 0, 0
    for t in arrival:
        if kill_ms <= t < restart_ms and t < newest_seen:
            late += 1
        newest_seen = max(newest_seen, t)
    replayed = []
    try:
        with open(applied_log) as f:
            replayed = [json.loads(line) for line in f if '"replayed":true' in line]
    except OSError:
        pass
    replayed_outage = [b for b in replayed if kill_ms <= b["timestamp_ms"] < restart_ms]
    h.log("after the restart: %d outage samples arrived after newer ones; collector applied %d "
          "replayed batches, %d of them from the outage" % (late, len(replayed),
                                                             len(replayed_outage)))
    if args.agent_spool_flag:
        runner.check("newest first: outage samples arrive behind newer live ones, as replayed "
                     "batches, and are still stored (out-of-order window)",
                     late > 0 and replayed_outage, "late=%d replayed=%d" % (late, len(replayed)))
    runner.check("original timestamps: value (collection time) within 1 s of the timestamp",
                 all(abs(v - t / 1000.0) < 1.0 for t, v in rec_all), rec_all[:3])
    runner.check("recorder: no spec violations", not recorder.violations,
                 recorder.violations[:5])
    stored = prom_raw_samples(base, "node_time_seconds", host, 300)
    stored_outage = [t for t, _ in stored if kill_ms <= t < restart_ms]
    runner.check("Prometheus stored every outage sample with its original timestamp",
                 sorted(stored_outage) == sorted(set(outage)),
                 "prometheus %d, recorder %d" % (len(stored_outage), len(set(outage))))
    runner.check("Prometheus holds exactly the recorder's distinct samples",
                 sorted(stored) == sorted(set(rec_all)),
                 "prometheus %d, recorder %d distinct" % (len(stored), len(set(rec_all))))
    # Sending side: the restarted collector's own count equals what the recorder got from it.
    sent = self_metric(web2, "hostmon_collector_remote_write_samples_sent_total", url=rec_url)
    rec_after = len(recorder.snapshot()) - before_restart
    h.log("restarted collector: samples_sent_total{url=recorder}=%s, recorder received %d"
          % (sent, rec_after))
    runner.check("restarted collector: samples_sent_total{url=recorder} == samples received",
                 sent == rec_after, "sent=%s received=%d" % (sent, rec_after))
    for name in ("hostmon_collector_remote_write_samples_failed_total",
                 "hostmon_collector_remote_write_samples_dropped_total"):
        v = self_metric(web2, name)
        runner.check("restarted collector: %s == 0" % name, v == 0, v)
    server.shutdown()


def scenario_receiver_errors(args, procs, runner, workdir):
    """Receiver answering 503 for a while (retried: nothing lost), then 400 for a while (not
    retried: rejected samples counted, and exactly those are missing)."""
    recorder = rw_receiver.Recorder()
    server, rec_url = rw_receiver.start(recorder)
    cfg = os.path.join(workdir, "collector.yml")
    write_collector_config(cfg, [rec_url])
    host = "rw-err-" + secrets.token_hex(4)
    grpc_port = h.free_port()
    collector, grpc, web = start_collector(procs, args, cfg, grpc_port)
    runner.require("collector up", grpc and web, collector.tail())
    agent = start_agent(procs, args, workdir, grpc_port, host)
    runner.require("live data reaches the recorder", h.wait_until(
        lambda: len(recorder.series_samples("node_time_seconds", instance=host)) >= 3, 20.0, 0.2),
        agent.tail())

    with recorder.lock:
        recorder.fail_with = 503
    time.sleep(5.0)
    with recorder.lock:
        recorder.fail_with = None
    retries = self_metric(web, "hostmon_collector_remote_write_retries_total")
    runner.check("503s are retried (retries_total > 0)", retries and retries > 0, retries)

    def caught_up():
        ts = [t for t, _ in recorder.series_samples("node_time_seconds", instance=host)]
        return len(ts) >= 10 and not grid_gaps(ts)

    runner.check("after 5 s of 503: no sample missing (retried until accepted)",
                 h.wait_until(caught_up, 15.0, 0.3),
                 grid_gaps([t for t, _ in recorder.series_samples("node_time_seconds",
                                                                   instance=host)]))
    with recorder.lock:
        recorder.fail_with = 400
    time.sleep(3.0)
    with recorder.lock:
        recorder.fail_with = None
    time.sleep(2.0)
    agent.signal(signal.SIGTERM)
    agent.wait(10.0)
    time.sleep(1.0)
    failed = self_metric(web, "hostmon_collector_remote_write_samples_failed_total",
                         reason="http_4xx")
    received = self_metric(web, "hostmon_collector_samples_received_total")
    recorded = len(recorder.snapshot())
    runner.check("400s are not retried: samples_failed_total{reason=http_4xx} > 0", failed, failed)
    runner.check("every sample the collector received is either at the receiver or counted as "
                 "failed, exactly", received == recorded + failed,
                 "received=%s recorded=%d failed=%s" % (received, recorded, failed))
    queued = self_metric(web, "hostmon_collector_remote_write_queue_samples")
    runner.check("queue empty at the end (rejected batches were acknowledged)", queued == 0, queued)
    runner.check("agent exited cleanly with nothing unacknowledged",
                 "unacknowledged" not in agent.stderr(), agent.tail(5))
    runner.check("recorder: no spec violations", not recorder.violations, recorder.violations[:5])
    server.shutdown()


def scenario_auth_tls(args, procs, runner, workdir):
    """HTTPS receiver with a private CA (tls_config.ca_file), bearer token and basic auth from
    files, extra headers; a receiver whose CA the collector does not trust gets nothing."""
    import tls_test
    pki = os.path.join(workdir, "pki")
    os.makedirs(pki)
    tls_test.make_ca(pki, "ca")
    tls_test.make_leaf(pki, "server", "ca", tls_test.SERVER_EXT)
    token_file = os.path.join(workdir, "token")
    with open(token_file, "w") as f:
        f.write("s3cret-token\n")  # the trailing newline is not part of the token
    password_file = os.path.join(workdir, "password")
    with open(password_file, "w") as f:
        f.write("pa55\n")
    bearer, basic, untrusted = (rw_receiver.Recorder() for _ in range(3))
    bearer.expect_headers = {"Authorization": "Bearer s3cret-token", "X-Scope-OrgID": "tenant1"}
    # base64("hostmon:pa55")
    basic.expect_headers = {"Authorization": "Basic aG9zdG1vbjpwYTU1"}
    cert, key = os.path.join(pki, "server.pem"), os.path.join(pki, "server.key")
    servers = []
    urls = []
    for r in (bearer, basic, untrusted):
        srv, url = rw_receiver.start(r, tls_cert=cert, tls_key=key)
        servers.append(srv)
        urls.append(url)
    cfg = os.path.join(workdir, "collector.yml")
    ca = os.path.join(pki, "ca.pem")
    with open(cfg, "w") as f:
        f.write("remote_write:\n"
                "  - url: %s\n"
                "    queue_config: {batch_send_deadline: 200ms}\n"
                "    tls_config: {ca_file: %s}\n"
                "    bearer_token_file: %s\n"
                "    headers: {X-Scope-OrgID: tenant1}\n"
                "  - url: %s\n"
                "    queue_config: {batch_send_deadline: 200ms}\n"
                "    tls_config: {ca_file: %s}\n"
                "    basic_auth: {username: hostmon, password_file: %s}\n"
                "  - url: %s\n"
                "    wait_for_delivery: false\n"
                "    queue_config: {batch_send_deadline: 200ms, max_backoff: 500ms}\n"
                % (urls[0], ca, token_file, urls[1], ca, password_file, urls[2]))
    host = "rw-tls-" + secrets.token_hex(4)
    grpc_port = h.free_port()
    collector, grpc, web = start_collector(procs, args, cfg, grpc_port)
    runner.require("collector up with three https receivers", grpc and web, collector.tail())
    agent = start_agent(procs, args, workdir, grpc_port, host)
    for name, r in (("bearer token + header", bearer), ("basic auth", basic)):
        got = h.wait_until(lambda: len(r.series_samples("node_load1", instance=host)) >= 3,
                           20.0, 0.2)
        runner.check("https receiver with %s gets samples, no violations" % name,
                     got and not r.violations, r.violations[:3] or collector.tail(5))
    retries = self_metric(web, "hostmon_collector_remote_write_retries_total", url=urls[2])
    runner.check("receiver with a certificate from an untrusted CA: nothing delivered, the TLS "
                 "failure is retried (retries_total > 0)",
                 not untrusted.snapshot() and retries and retries > 0, retries)
    runner.check("the collector logs the certificate problem",
                 "certificate" in collector.stderr().lower(), collector.tail(5))
    agent.signal(signal.SIGTERM)
    agent.wait(10.0)
    for srv in servers:
        srv.shutdown()

VICTORIA_METRICS_BIN = "/usr/bin/victoria-metrics"
VM_OUTAGE_S = 20.0


def start_victoria_metrics(procs, workdir):
    """Single-node VictoriaMetrics on a loopback port chosen now, data in the test's directory.
    No -dedup.minScrapeInterval: duplicates stay visible in the raw export."""
    port = h.free_port()
    proc = procs.start("victoria-metrics", [
        VICTORIA_METRICS_BIN,
        "-httpListenAddr=127.0.0.1:%d" % port,
        "-storageDataPath=" + os.path.join(workdir, "vm-data"),
        "-retentionPeriod=1d",
        "-loggerLevel=WARN",
    ])
    base = "http://127.0.0.1:%d" % port

    def ready():
        if not proc.alive():
            return "exited"
        status, _ = h.http_get(base + "/health", timeout=1.0)
        return status == 200

    return proc, base if h.wait_until(ready, 20.0, 0.2) is True else None


def vm_export(base, name, host):
    """Raw samples VictoriaMetrics stores for `name` of `host`: [(labels, [(ts_ms, value)])] from
    /api/v1/export (JSON lines, no deduplication, no staleness handling)."""
    h.http_get(base + "/internal/force_flush", timeout=5.0)  # make just-written rows searchable
    q = urllib.parse.urlencode({"match[]": '%s{instance="%s"}' % (name, host)})
    status, body = h.http_get(base + "/api/v1/export?" + q, 10.0)
    if status != 200:
        return None
    out = []
    for line in body.split("\n"):
        if not line.strip():
            continue
        doc = json.loads(line)
        out.append((doc["metric"], list(zip(doc["timestamps"], doc["values"]))))
    return out


def scenario_victoria_metrics(args, procs, runner, workdir):
    h.set_budget(100.0)
    runner.require("%s exists (Debian package victoria-metrics)" % VICTORIA_METRICS_BIN,
                   os.access(VICTORIA_METRICS_BIN, os.X_OK), "")
    vm, base = start_victoria_metrics(procs, workdir)
    runner.require("VictoriaMetrics ready", base, vm.tail(10))
    cfg = os.path.join(workdir, "collector.yml")
    write_collector_config(cfg, [base + "/api/v1/write"],
                           external_labels={"cluster": "e2e", "__replica__": "a"})
    host = "rw-vm-" + secrets.token_hex(4)
    grpc_port = h.free_port()
    collector, grpc, web = start_collector(procs, args, cfg, grpc_port)
    runner.require("collector up", grpc and web, collector.tail())
    agent = start_agent(procs, args, workdir, grpc_port, host)

    def samples():
        got = vm_export(base, "node_time_seconds", host) or []
        return [p for _, pts in got for p in pts]

    runner.require("live data reaches VictoriaMetrics before the outage",
                   h.wait_until(lambda: len(samples()) >= 3, 20.0, 0.5), agent.tail())
    collector.signal(signal.SIGKILL)
    collector.wait(5.0)
    kill_ms = int(time.time() * 1000)
    h.log("collector SIGKILLed; outage of %.0f s while the agent spools" % VM_OUTAGE_S)
    time.sleep(VM_OUTAGE_S)
    restart_ms = int(time.time() * 1000)
    collector2, grpc2, web2 = start_collector(procs, args, cfg, grpc_port, name="collector2")
    runner.require("collector restarted on the same port", grpc2 and web2, collector2.tail())

    def caught_up():
        ts = [t for t, _ in samples()]
        return [t for t in ts if t >= restart_ms + 3000] and not grid_gaps(ts)

    runner.check("backlog and live data stored after the restart (no gap on the grid)",
                 h.wait_until(caught_up, max(5.0, h.budget().remaining() - 20.0), 0.5),
                 grid_gaps([t for t, _ in samples()])[:10])
    agent.signal(signal.SIGTERM)
    agent.wait(10.0)
    time.sleep(1.5)
    series = vm_export(base, "node_time_seconds", host) or []
    runner.check("one series, labelled with the host's and the collector's external labels",
                 len(series) == 1 and series[0][0] == {
                     "__name__": "node_time_seconds", "instance": host, "job": "node",
                     "dc": "e2e", "cluster": "e2e", "__replica__": "a"},
                 [lab for lab, _ in series])
    pts = [p for _, ps in series for p in ps]
    ts_all = [t for t, _ in pts]
    outage = [t for t in ts_all if kill_ms <= t < restart_ms]
    h.log("VictoriaMetrics holds %d samples, %d collected during the outage (grid points in the "
          "outage: about %d)" % (len(pts), len(set(outage)), (restart_ms - kill_ms) // 1000))
    runner.check("outage samples stored: at least %d of the %.0f s outage"
                 % (int(VM_OUTAGE_S) - 2, VM_OUTAGE_S),
                 len(set(outage)) >= int(VM_OUTAGE_S) - 2, len(set(outage)))
    runner.check("0 missing: every grid point from the first to the last sample",
                 not grid_gaps(ts_all), grid_gaps(ts_all)[:10])
    runner.check("0 duplicated among the outage's samples (raw export, no dedup)",
                 not duplicates(outage), duplicates(outage)[:10])
    runner.check("at most one batch duplicated over the whole run (at-least-once at the kill)",
                 len(duplicates(ts_all)) <= 1, duplicates(ts_all)[:10])
    runner.check("original timestamps: value (collection time) within 1 s of the timestamp",
                 pts and all(abs(v - t / 1000.0) < 1.0 for t, v in pts), pts[:3])
    for name in ("hostmon_collector_remote_write_samples_failed_total",
                 "hostmon_collector_remote_write_samples_dropped_total"):
        v = self_metric(web2, name)
        runner.check("%s == 0 after the restart" % name, v == 0, v)


def extra(ap):
    ap.add_argument("--scenario", default="basic",
                    choices=["basic", "collector_outage", "receiver_errors", "auth_tls",
                             "victoria_metrics"])
    ap.add_argument("--agent-spool-flag", default="",
                    help="agent flag enabling its on-disk spool; {dir} is replaced by a temp dir")


if __name__ == "__main__":
    scenario = "basic"
    for i, a in enumerate(sys.argv):
        if a.startswith("--scenario="):
            scenario = a.split("=", 1)[1]
        elif a == "--scenario" and i + 1 < len(sys.argv):
            scenario = sys.argv[i + 1]
    body = {"collector_outage": scenario_collector_outage,
            "receiver_errors": scenario_receiver_errors,
            "auth_tls": scenario_auth_tls,
            "victoria_metrics": scenario_victoria_metrics}.get(scenario, scenario_basic)
    h.main(__doc__.splitlines()[0], body, budget_seconds=140.0 if scenario != "basic" else 50.0,
           extra_args=extra)

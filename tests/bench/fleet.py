#!/usr/bin/env python3
# SPDX-License-Identifier: Apache-2.0
"""Fleet benchmark: one hostmon-collector under many simulated agents (hostmon-loadgen).

Phases, each with a fresh collector (default rules loaded, optionally pinned to one core):
  ingest N   N simulated hosts (own gRPC connection each, Hello, one definitions batch, then
             every series each interval with --changed values changed, arrivals spread over the
             interval). A warm-up of one interval (connect, define) is not counted; then, for
             --duration: samples acknowledged per second, collector CPU per second, samples per
             CPU-second (the per-core ingest rate), ack latency p50/p99, collector RSS growth
             per series.
  floor N    the same arrivals against hostmon-null-collector (the ingest protocol with the
             collector's gRPC settings, every batch acknowledged, nothing stored): what the
             transport alone costs per sample.
  idle N     N hosts that connect and say Hello only: RSS growth per idle agent.
  scrape     with the largest ingest phase's hosts still sending: back-to-back GET /metrics
             (Accept-Encoding: gzip and plain) for a window, time per scrape and size, and the
             ack latency of the ingest that runs meanwhile against a window without scrapes; the
             same bytes served as a static file by nginx (Debian package) are the floor.
Prints one table with ratios and, as the last line, one JSON object. Figures only, nothing is
asserted (a benchmark, see tests/bench/README.md); --smoke runs a tiny version for the suite.

Usage: fleet.py --bin-dir build/bin [--hosts 10,1000,10000] [--interval 15] [--duration 45]
                [--pin] [--smoke]
"""

import argparse
import gzip
import json
import os
import platform
import resource
import shutil
import subprocess
import sys
import tempfile
import time
import urllib.request

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
import footprint as fp  # noqa: E402

REPO = os.path.dirname(os.path.dirname(HERE))
RULES = os.path.join(REPO, "deploy", "config", "rules.yml")
NGINX = "/usr/sbin/nginx"


def answers_200(url):
    try:
        with urllib.request.urlopen(url, timeout=2) as r:
            return r.status == 200
    except OSError:
        return False


CURL = shutil.which("curl")


def fetch(url, gz):
    """(seconds, body bytes, Content-Encoding) of one GET. With curl when installed: a client in
    C that decodes chunked bodies as fast as it reads plain ones, as Prometheus's does; Python's
    http.client spends more time per chunk than the server does making it."""
    if CURL:
        argv = [CURL, "-s", "-o", "/dev/null", "-D", "-", "-w", "\n%{time_total} %{size_download}",
                "--max-time", "120"]
        if gz:
            argv += ["-H", "Accept-Encoding: gzip"]
        out = subprocess.run(argv + [url], capture_output=True, text=True, check=True).stdout
        lines = out.strip().splitlines()
        dt, size = lines[-1].split()
        enc = ""
        for line in lines[:-1]:
            if line.lower().startswith("content-encoding:"):
                enc = line.split(":", 1)[1].strip()
        return float(dt), int(size), enc
    req = urllib.request.Request(url, headers={"Accept-Encoding": "gzip"} if gz else {})
    t0 = time.monotonic()
    with urllib.request.urlopen(req, timeout=120) as r:
        body = r.read()
        enc = r.headers.get("Content-Encoding", "")
    dt = time.monotonic() - t0
    return dt, len(body), enc


class Collector:
    def __init__(self, args, tmp, label):
        self.grpc = fp.free_tcp_port()
        self.web = fp.free_tcp_port()
        # Every simulated host comes from 127.0.0.1: lift the per-client and fleet limits
        # (docs/security.md#limits) above what the largest phase needs.
        config = os.path.join(tmp, label + ".yml")
        with open(config, "w") as f:
            f.write("hosts:\n  max_hosts: 100000\n  max_hosts_per_client: 100000\n"
                    "  max_series_total: 100000000\n")
        argv = [os.path.join(args.bin_dir, "hostmon-collector"), "--config.file=" + config,
                "--grpc.listen-address=127.0.0.1:%d" % self.grpc,
                "--web.listen-address=127.0.0.1:%d" % self.web,
                "--log.level=warn"]
        if os.path.exists(RULES):
            argv.append("--rules.file=" + RULES)
        if args.pin:
            argv = ["taskset", "-c", "0"] + argv
        self.proc = fp.Proc(label, argv, tmp).start()
        ok = fp.wait_for(lambda: answers_200("http://127.0.0.1:%d/-/ready" % self.web), 15.0,
                         procs=[self.proc])
        if not ok:
            raise fp.BenchError("collector did not become ready: " + self.proc.log_tail())

    def url(self, path):
        return "http://127.0.0.1:%d%s" % (self.web, path)

    def rss_kb(self):
        return fp.read_memory(self.proc.pid)["rss_kb"]


def loadgen(args, target, hosts, duration, idle=False, prefix="lg", warmup=0.0):
    argv = [os.path.join(args.bin_dir, "hostmon-loadgen"), "--target=127.0.0.1:%d" % target,
            "--hosts=%d" % hosts, "--series=%d" % args.series, "--changed=%d" % args.changed,
            "--interval=%gs" % args.interval, "--duration=%gs" % duration,
            "--warmup=%gs" % warmup, "--host-prefix=" + prefix]
    if idle:
        argv.append("--idle")
    if args.pin:
        argv = ["taskset", "-c", "1"] + argv  # the collector has CPU 0
    return subprocess.Popen(argv, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)


def wait_measuring(p):
    """Blocks until the load generator's warm-up ends (its {"event": "measuring"} line)."""
    for line in p.stdout:
        if line.startswith("{") and json.loads(line).get("event") == "measuring":
            return
    raise fp.BenchError("loadgen ended before its warm-up did: " + p.stderr.read()[-500:])


def finish(p):
    out, err = p.communicate(timeout=600)
    lines = [line for line in out.splitlines() if line.startswith("{")]
    if p.returncode != 0 or not lines:
        raise fp.BenchError("loadgen failed (rc %s): %s" % (p.returncode, err[-500:]))
    return json.loads(lines[-1])


def measure_ingest(args, pid, port, hosts):
    """Steady-state ingest: every host connects and sends its definitions batch during a warm-up
    of one interval and a second, which is not counted; then `--duration` of value batches, with
    the server's CPU read over exactly that window."""
    lg = loadgen(args, port, hosts, args.duration, prefix="lg", warmup=args.interval + 1)
    wait_measuring(lg)
    a = fp.cpu_snapshot(pid)
    r = finish(lg)
    b = fp.cpu_snapshot(pid)
    cpu_s = fp.cpu_delta(a, b, {})["sched_ms"] / 1000.0
    return r, cpu_s


class NullCollector:
    """hostmon-null-collector: the ingest protocol with the collector's transport settings, every
    batch acknowledged, nothing stored (tests/bench/loadgen/null_collector.cc)."""

    def __init__(self, args, tmp):
        argv = [os.path.join(args.bin_dir, "hostmon-null-collector"),
                "--grpc.listen-address=127.0.0.1:0"]
        if args.pin:
            argv = ["taskset", "-c", "0"] + argv
        self.proc = subprocess.Popen(argv, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL,
                                     text=True)
        line = self.proc.stdout.readline()
        if not line.startswith("{"):
            self.stop()
            raise fp.BenchError("hostmon-null-collector did not start")
        self.grpc = json.loads(line)["grpc_port"]

    def stop(self):
        self.proc.terminate()
        try:
            self.proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait()


def phase_floor(args, hosts):
    """The same steady-state arrivals against hostmon-null-collector: the transport's cost."""
    n = NullCollector(args, None)
    try:
        r, cpu_s = measure_ingest(args, n.proc.pid, n.grpc, hosts)
    finally:
        n.stop()
    return {"hosts": hosts, "acked_samples_per_s": r["acked_samples_per_s"],
            "cpu_per_s": cpu_s / r["duration_s"],
            "samples_per_cpu_s": r["samples_acked"] / cpu_s if cpu_s > 0 else None,
            "ack_ms_p50": r["ack_ms_p50"], "ack_ms_p99": r["ack_ms_p99"]}


def phase_ingest(args, tmp, hosts):
    c = Collector(args, tmp, "collector-ingest-%d" % hosts)
    try:
        base_rss = c.rss_kb()
        r, cpu_s = measure_ingest(args, c.proc.pid, c.grpc, hosts)
        series = hosts * args.series
        rss = c.rss_kb()
        out = {"hosts": hosts, "series": series, "acked_samples_per_s": r["acked_samples_per_s"],
               "collector_cpu_per_s": cpu_s / r["duration_s"],
               "samples_per_cpu_s": r["samples_acked"] / cpu_s if cpu_s > 0 else None,
               "ack_ms_p50": r["ack_ms_p50"], "ack_ms_p99": r["ack_ms_p99"],
               "behind": r["behind"], "rejected": r["rejected"],
               "failed_streams": r["failed_streams"],
               "rss_mb": rss / 1024.0,
               "bytes_per_series": (rss - base_rss) * 1024.0 / series}
        return out, c
    except Exception:
        c.proc.stop()
        raise


def phase_idle(args, tmp, hosts):
    c = Collector(args, tmp, "collector-idle")
    try:
        base = c.rss_kb()
        lg = loadgen(args, c.grpc, hosts, 6.0, idle=True, prefix="idle")
        time.sleep(5.0)
        rss = c.rss_kb()
        r = finish(lg)
        return {"hosts": hosts, "connected": r["connected"],
                "bytes_per_idle_agent": (rss - base) * 1024.0 / max(1, r["connected"])}
    finally:
        c.proc.stop()


def task_cpu_s(pid, prefix=""):
    """CPU seconds of pid's threads whose name starts with prefix (all threads for "")."""
    total = 0
    for tid, ns in fp.read_task_runtimes(pid).items():
        if prefix:
            try:
                with open("/proc/%d/task/%d/comm" % (pid, tid)) as f:
                    if not f.read().startswith(prefix):
                        continue
            except OSError:
                continue
        total += ns
    return total / 1e9


def start_nginx(tmp, path, pin):
    if not os.access(NGINX, os.X_OK):
        return None, None
    root = os.path.join(tmp, "nginx")
    os.makedirs(root, exist_ok=True)
    port = fp.free_tcp_port()
    conf = os.path.join(root, "nginx.conf")
    temp = "\n".join("  %s_temp_path %s/%s;" % (k, root, k)
                     for k in ("client_body", "proxy", "fastcgi", "uwsgi", "scgi"))
    with open(conf, "w") as f:
        f.write("daemon off;\nmaster_process off;\npid %s/nginx.pid;\nerror_log %s/error.log;\n"
                "events { worker_connections 64; }\nhttp {\n%s\n  access_log off;\n"
                "  server {\n    listen 127.0.0.1:%d;\n    root %s;\n  }\n}\n"
                % (root, root, temp, port, os.path.dirname(path)))
    argv = [NGINX, "-p", root, "-e", os.path.join(root, "error.log"), "-c", conf]
    if pin:
        argv = ["taskset", "-c", "0"] + argv  # where the collector ran
    proc = fp.Proc("nginx", argv, tmp).start()
    fp.wait_for(lambda: answers_200("http://127.0.0.1:%d/%s" % (port, os.path.basename(path))),
                10.0, procs=[proc])
    return proc, "http://127.0.0.1:%d/%s" % (port, os.path.basename(path))


def reset_peak_rss(pid):
    """Restarts the process's peak RSS (VmHWM) from its current RSS; False if not allowed."""
    try:
        with open("/proc/%d/clear_refs" % pid, "w") as f:
            f.write("5")
        return True
    except OSError:
        return False


def peak_growth_kb(c, rss_before):
    """Peak RSS since reset_peak_rss (or since start, if that failed) minus rss_before."""
    return max(rss_before, fp.read_memory(c.proc.pid)["rss_peak_kb"] or 0) - rss_before


def phase_scrape(args, tmp, c, hosts):
    """Ingest continues (the ingest phase's hosts); scrapes back to back vs none. The peak RSS is
    taken per window (VmHWM restarted at its start), so that the scrape window's growth compares
    with what ingest alone reaches in the quiet one, not with an earlier phase's peak."""
    # Each window's load generator reconnects every host: its warm-up (connect, define, first
    # values) is left out of both windows, as in the ingest phase.
    lg = loadgen(args, c.grpc, hosts, args.scrape_window, prefix="lg", warmup=args.interval + 1)
    wait_measuring(lg)
    rss_quiet = c.rss_kb()
    reset_peak_rss(c.proc.pid)
    quiet = finish(lg)
    peak_quiet = peak_growth_kb(c, rss_quiet)
    lg = loadgen(args, c.grpc, hosts, args.scrape_window, prefix="lg", warmup=args.interval + 1)
    wait_measuring(lg)
    times, times_gz, size, size_gz = [], [], 0, 0
    rss_before = c.rss_kb()
    reset_peak_rss(c.proc.pid)
    end = time.monotonic() + args.scrape_window - 1
    cpu = []  # CPU of the web threads (hm-web*) per plain scrape: the scrape's own cost
    while time.monotonic() < end:
        w0 = task_cpu_s(c.proc.pid, "hm-web")
        dt, size, _ = fetch(c.url("/metrics"), gz=False)
        cpu.append(task_cpu_s(c.proc.pid, "hm-web") - w0)
        times.append(dt)
        dt, size_gz, enc = fetch(c.url("/metrics"), gz=True)
        if enc == "gzip":
            times_gz.append(dt)
    during = finish(lg)
    peak = peak_growth_kb(c, rss_before)
    rss_after = c.rss_kb()
    # The floor: the same bytes from a static file.
    body_path = os.path.join(tmp, "www", "metrics.txt")
    os.makedirs(os.path.dirname(body_path), exist_ok=True)
    with urllib.request.urlopen(c.url("/metrics"), timeout=120) as r, open(body_path, "wb") as f:
        shutil.copyfileobj(r, f)
    with open(body_path, "rb") as f, gzip.open(body_path + ".gz", "wb", compresslevel=1) as g:
        shutil.copyfileobj(f, g)
    nginx, url = start_nginx(tmp, body_path, args.pin)
    floor, floor_cpu = [], []
    if url:
        for _ in range(max(3, len(times))):
            n0 = task_cpu_s(nginx.pid)
            floor.append(fetch(url, gz=False)[0])
            floor_cpu.append(task_cpu_s(nginx.pid) - n0)
        nginx.stop()
    med = lambda v: sorted(v)[len(v) // 2] if v else None  # noqa: E731
    return {"series": hosts * args.series, "bytes": size, "bytes_gzip": size_gz,
            "scrapes": len(times), "scrape_s_median": med(times),
            "scrape_gzip_s_median": med(times_gz), "static_floor_s_median": med(floor),
            "ratio_to_floor": (med(times) / med(floor)) if floor and times else None,
            "scrape_cpu_s_median": med(cpu), "static_floor_cpu_s_median": med(floor_cpu),
            "cpu_ratio_to_floor": (med(cpu) / med(floor_cpu)) if cpu and floor_cpu and
            med(floor_cpu) > 0 else None,
            "ack_ms_p99_quiet": quiet["ack_ms_p99"], "ack_ms_p99_scraping": during["ack_ms_p99"],
            "ack_ms_max_scraping": during["ack_ms_max"],
            # Batches acknowledged in each window: 0 while scraping means the scrapes starved
            # ingest for the whole window (the latency figures then describe nothing).
            "batches_acked_quiet": quiet["batches_acked"],
            "batches_acked_scraping": during["batches_acked"],
            "peak_rss_growth_mb": peak / 1024.0,
            "peak_rss_growth_quiet_mb": peak_quiet / 1024.0,
            "rss_growth_after_scrapes_mb": (rss_after - rss_before) / 1024.0}


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--bin-dir", required=True)
    ap.add_argument("--hosts", default="10,1000")
    ap.add_argument("--idle-hosts", type=int, default=1000)
    ap.add_argument("--series", type=int, default=520)
    ap.add_argument("--changed", type=int, default=100)
    ap.add_argument("--interval", type=float, default=15.0)
    ap.add_argument("--duration", type=float, default=45.0)
    ap.add_argument("--scrape-window", type=float, default=30.0)
    ap.add_argument("--pin", action="store_true", help="pin the collector (and the floors' servers) to CPU 0, the load generator and "
                    "scrape client to CPU 1")
    ap.add_argument("--ingest-only", action="store_true",
                    help="ingest and floor phases only (no scrape, no idle agents): for "
                    "saturation runs, e.g. --interval 1 with and without --pin (1 vs 2 cores)")
    ap.add_argument("--smoke", action="store_true", help="tiny run for the test suite")
    args = ap.parse_args()
    args.bin_dir = os.path.abspath(args.bin_dir)
    if args.smoke:
        args.hosts, args.idle_hosts, args.series, args.changed = "5,20", 20, 50, 10
        args.interval, args.duration, args.scrape_window = 1.0, 3.0, 3.0
    hosts = [int(x) for x in args.hosts.split(",")]
    if args.pin:
        # This script and its scrape client run beside the load generator: CPU 0 is the server's.
        os.sched_setaffinity(0, {1})
    # One connection per simulated host, plus the collector's side.
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    want = min(hard, max(soft, 4 * max(hosts + [args.idle_hosts]) + 256))
    resource.setrlimit(resource.RLIMIT_NOFILE, (want, hard))
    tmp = tempfile.mkdtemp(prefix="hostmon-fleet-")
    out = {"machine": "%s, %d CPUs, %s" % (platform.node(), os.cpu_count(), platform.release()),
           "date": time.strftime("%Y-%m-%d"), "series_per_host": args.series,
           "interval_s": args.interval, "pinned": args.pin, "ingest": [], "floor": [], "idle": None,
           "scrape": None}
    last = None
    try:
        for n in hosts:
            res, c = phase_ingest(args, tmp, n)
            out["ingest"].append(res)
            if last:
                last[1].proc.stop()
            last = (n, c)
        if not args.ingest_only:
            out["scrape"] = phase_scrape(args, tmp, last[1], last[0])
        last[1].proc.stop()
        last = None
        out["floor"] = [phase_floor(args, n) for n in hosts]
        if not args.ingest_only:
            out["idle"] = phase_idle(args, tmp, args.idle_hosts)
    finally:
        if last:
            last[1].proc.stop()
        shutil.rmtree(tmp, ignore_errors=True)
    f = lambda v, s="%.1f": "-" if v is None else s % v  # noqa: E731
    print("machine: %s; %s; %d series per host, %g s interval%s"
          % (out["machine"], out["date"], args.series, args.interval,
             ", collector pinned to CPU 0" if args.pin else ""))
    print("%-7s %-9s %-14s %-11s %-15s %-11s %-11s %-9s %-14s %-17s %-8s" % (
        "hosts", "series", "acked samp/s", "coll CPU/s", "samples/CPU-s", "ack p50 ms",
        "ack p99 ms", "RSS MB", "bytes/series", "floor samp/CPU-s", "/floor"))
    for r, fl in zip(out["ingest"], out["floor"]):
        ratio = (fl["samples_per_cpu_s"] / r["samples_per_cpu_s"]
                 if fl["samples_per_cpu_s"] and r["samples_per_cpu_s"] else None)
        print("%-7d %-9d %-14s %-11s %-15s %-11s %-11s %-9s %-14s %-17s %-8s" % (
            r["hosts"], r["series"], f(r["acked_samples_per_s"], "%.0f"),
            f(r["collector_cpu_per_s"], "%.3f"), f(r["samples_per_cpu_s"], "%.0f"),
            f(r["ack_ms_p50"], "%.2f"), f(r["ack_ms_p99"], "%.2f"), f(r["rss_mb"]),
            f(r["bytes_per_series"], "%.0f"), f(fl["samples_per_cpu_s"], "%.0f"),
            f(ratio, "%.2f")))
    print("(floor: hostmon-null-collector, the same arrivals read, parsed and acknowledged with "
          "the collector's gRPC settings and nothing else; /floor: collector CPU per sample over "
          "the floor's)")
    if args.ingest_only:
        print(json.dumps(out))
        return 0 if all(r["rejected"] == 0 and r["failed_streams"] == 0
                        for r in out["ingest"]) else 1
    s = out["scrape"]
    print("scrape of %d series: %s bytes (%s gzip); median %s s plain, %s s gzip; static file "
          "(nginx) %s s; ratio to floor %s" % (
              s["series"], s["bytes"], s["bytes_gzip"], f(s["scrape_s_median"], "%.3f"),
              f(s["scrape_gzip_s_median"], "%.3f"), f(s["static_floor_s_median"], "%.3f"),
              f(s["ratio_to_floor"], "%.1f")))
    print("scrape CPU (the collector's web threads) median %s s; nginx %s s; ratio %s (the "
          "scrape's wall time shares the core with ingest, nginx's does not)" % (
              f(s["scrape_cpu_s_median"], "%.3f"), f(s["static_floor_cpu_s_median"], "%.3f"),
              f(s["cpu_ratio_to_floor"], "%.1f")))
    print("memory: peak RSS growth %s MB while scraping (%s MB left after), %s MB in the window "
          "without scrapes" % (f(s["peak_rss_growth_mb"]), f(s["rss_growth_after_scrapes_mb"]),
                               f(s["peak_rss_growth_quiet_mb"])))
    print("ingest meanwhile: %d batches acked, ack p99 %s ms (max %s ms) while scraping; "
          "%d batches, p99 %s ms without scrapes%s" % (
              s["batches_acked_scraping"], f(s["ack_ms_p99_scraping"], "%.2f"),
              f(s["ack_ms_max_scraping"], "%.1f"), s["batches_acked_quiet"],
              f(s["ack_ms_p99_quiet"], "%.2f"),
              "; NO batch was acknowledged while scraping: the scrapes starved ingest"
              if s["batches_acked_scraping"] == 0 else ""))
    i = out["idle"]
    print("idle agents: %d connected, %s bytes each" % (i["connected"],
                                                        f(i["bytes_per_idle_agent"], "%.0f")))
    print(json.dumps(out))
    ok = all(r["rejected"] == 0 and r["failed_streams"] == 0 for r in out["ingest"])
    return 0 if ok else 1


if __name__ == "__main__":
    try:
        sys.exit(main())
    except fp.BenchError as e:
        print("fleet: %s" % e, file=sys.stderr)
        sys.exit(1)

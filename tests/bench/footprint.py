#!/usr/bin/env python3
# SPDX-License-Identifier: Apache-2.0
"""Footprint benchmark: hostmon-agent next to prometheus-node-exporter and collectd.

Runs, side by side over the same measurement window:
  * hostmon: a collector plus an agent collecting every --interval and streaming to it;
  * node_exporter (Debian's prometheus-node-exporter), twice: (a) default collectors,
    (b) like-for-like (cpu, meminfo, loadavg only); each scraped every --interval by this
    script (the scraper's own cost is not charged to node_exporter);
  * collectd (cpu, memory, load) sending with the network plugin to a UDP socket of this script.

For every process it reports CPU time over the window (utime+stime from /proc/PID/stat, and the
nanosecond-precise sum of /proc/PID/task/*/schedstat), collection cycles, CPU ms per cycle,
series per cycle, RSS/PSS/USS (smaps_rollup at the end of the window) and thread count.
Prints a table and, as the very last line, one JSON object.

Python 3 standard library only. See tests/bench/README.md.
"""

import argparse
import json
import os
import platform
import re
import shutil
import signal
import socket
import struct
import subprocess
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.request

NODE_EXPORTER = "/usr/bin/prometheus-node-exporter"
COLLECTD = "/usr/sbin/collectd"
COLLECTD_PLUGIN_DIR = "/usr/lib/collectd"
COLLECTD_TYPES_DB = "/usr/share/collectd/types.db"

GOAL_AGENT_CPU_MS_PER_CYCLE = 0.5
GOAL_AGENT_RSS_MB = 8.0

CLK_TCK = os.sysconf("SC_CLK_TCK")
STOP_GRACE_S = 5.0


class BenchError(Exception):
    """A setup step failed; the message says what was seen."""


# ----------------------------------------------------------------------------------------------
# /proc readers


def read_stat_ticks(pid):
    """utime+stime of the whole process (all threads, live and exited), in clock ticks."""
    with open(f"/proc/{pid}/stat") as f:
        data = f.read()
    fields = data[data.rindex(")") + 2:].split()
    # fields[0] is field 3 (state); utime is field 14, stime field 15.
    return int(fields[11]) + int(fields[12])


def read_task_runtimes(pid):
    """{tid: ns on CPU} from /proc/PID/task/*/schedstat (first field: sum_exec_runtime)."""
    out = {}
    try:
        tids = os.listdir(f"/proc/{pid}/task")
    except OSError:
        return out
    for tid in tids:
        try:
            with open(f"/proc/{pid}/task/{tid}/schedstat") as f:
                out[int(tid)] = int(f.read().split()[0])
        except (OSError, ValueError, IndexError):
            pass  # thread exited between listdir and open
    return out


def cpu_snapshot(pid):
    return {"ticks": read_stat_ticks(pid), "tasks": read_task_runtimes(pid), "t": time.time()}


def cpu_delta(a, b, seen):
    """CPU used between snapshots a and b. `seen` is {tid: latest runtime} polled during the
    window, so a thread that exits in the window still counts up to its last poll."""
    stat_ms = (b["ticks"] - a["ticks"]) * 1000.0 / CLK_TCK
    latest = dict(seen)
    latest.update(b["tasks"])
    ns = 0
    for tid, v in latest.items():
        ns += v - a["tasks"].get(tid, 0)  # threads born in the window count from 0
    exited = sum(1 for tid in latest if tid not in b["tasks"])
    exited += sum(1 for tid in a["tasks"] if tid not in latest)
    return {"stat_ms": stat_ms, "sched_ms": ns / 1e6, "threads_exited": exited}


def read_memory(pid):
    """RSS/PSS/USS from smaps_rollup, thread count and peak RSS from status. kB."""
    mem = {}
    with open(f"/proc/{pid}/smaps_rollup") as f:
        for line in f:
            parts = line.split()
            if len(parts) >= 2 and parts[0].endswith(":") and parts[1].isdigit():
                mem[parts[0][:-1]] = int(parts[1])
    status = {}
    with open(f"/proc/{pid}/status") as f:
        for line in f:
            k, _, v = line.partition(":")
            status[k] = v.strip()
    return {
        "rss_kb": mem.get("Rss"),
        "pss_kb": mem.get("Pss"),
        "uss_kb": mem.get("Private_Clean", 0) + mem.get("Private_Dirty", 0),
        "rss_peak_kb": int(status["VmHWM"].split()[0]) if "VmHWM" in status else None,
        "threads": int(status["Threads"]) if "Threads" in status else None,
    }


# ----------------------------------------------------------------------------------------------
# processes


class Proc:
    """A child process with its output in a log file in the temp dir."""

    def __init__(self, label, argv, tmpdir):
        self.label = label
        self.argv = argv
        self.log_path = os.path.join(tmpdir, re.sub(r"[^A-Za-z0-9_.-]", "_", label) + ".log")
        self.popen = None
        self.died_early = None  # exit code if it ended before the window closed
        self.stop_info = None

    def start(self):
        log = open(self.log_path, "wb")
        try:
            # Own session: a Ctrl-C on the terminal reaches only this script, which then stops
            # the children itself (try/finally), in order.
            self.popen = subprocess.Popen(self.argv, stdin=subprocess.DEVNULL, stdout=log,
                                          stderr=subprocess.STDOUT, start_new_session=True)
        finally:
            log.close()
        return self

    @property
    def pid(self):
        return self.popen.pid

    def alive(self):
        return self.popen is not None and self.popen.poll() is None

    def log_text(self):
        try:
            with open(self.log_path, "rb") as f:
                return f.read().decode("utf-8", "replace")
        except OSError:
            return ""

    def log_tail(self, n=15):
        return "\n".join(self.log_text().splitlines()[-n:])

    def terminate(self):
        if self.alive():
            self.popen.send_signal(signal.SIGTERM)
            return True
        return False

    def wait_stop(self, deadline):
        """After terminate(): wait until deadline, then SIGKILL. Only ever signals our own PID."""
        if self.popen is None:
            return
        t0 = time.monotonic()
        killed = False
        try:
            self.popen.wait(timeout=max(0.0, deadline - time.monotonic()))
        except subprocess.TimeoutExpired:
            self.popen.kill()
            self.popen.wait()
            killed = True
        if self.stop_info is None:
            self.stop_info = {"rc": self.popen.returncode, "sigkill": killed,
                              "stop_s": round(time.monotonic() - t0, 2)}

    def stop(self):
        sent = self.terminate()
        self.wait_stop(time.monotonic() + STOP_GRACE_S)
        if not sent and self.stop_info:
            self.stop_info["already_exited"] = True


def free_tcp_port():
    s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    try:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]
    finally:
        s.close()


def http_get(url, timeout=5.0):
    with urllib.request.urlopen(url, timeout=timeout) as r:
        return r.read().decode("utf-8", "replace")


def sample_lines(text):
    """Sample lines of a Prometheus text exposition (no comments, no blank lines)."""
    return [ln for ln in text.splitlines() if ln.strip() and not ln.startswith("#")]


def prom_sum(text, name):
    """Sum of all samples of metric `name` (any labels); None when absent."""
    total = None
    for ln in sample_lines(text):
        m = re.match(r"([a-zA-Z_:][a-zA-Z0-9_:]*)(\{.*\})?\s+(\S+)", ln)
        if m and m.group(1) == name:
            try:
                total = (total or 0.0) + float(m.group(3))
            except ValueError:
                pass
    return total


def format_interval(seconds):
    if abs(seconds - round(seconds)) < 1e-9:
        return f"{int(round(seconds))}s"
    return f"{int(round(seconds * 1000))}ms"


# ----------------------------------------------------------------------------------------------
# node_exporter scraper


class Scraper(threading.Thread):
    """GETs /metrics every `interval` seconds on a fixed schedule; records each scrape."""

    def __init__(self, url, interval):
        super().__init__(daemon=True)
        self.url = url
        self.interval = interval
        self.stop_event = threading.Event()
        self.lock = threading.Lock()
        self.scrapes = []  # (start wall time, ok, sample lines, bytes, seconds, node_* lines)
        self.last_error = None

    def run(self):
        next_t = time.monotonic()
        while not self.stop_event.is_set():
            start_wall = time.time()
            t0 = time.monotonic()
            try:
                body = http_get(self.url, timeout=max(2.0, self.interval * 5))
                lines = sample_lines(body)
                rec = (start_wall, True, len(lines), len(body), time.monotonic() - t0,
                       sum(1 for ln in lines if ln.startswith("node_")))
            except (OSError, urllib.error.URLError) as e:
                self.last_error = repr(e)
                rec = (start_wall, False, 0, 0, time.monotonic() - t0, 0)
            with self.lock:
                self.scrapes.append(rec)
            next_t += self.interval
            now = time.monotonic()
            if next_t < now:  # overran: skip missed slots rather than bursting
                next_t = now + self.interval - ((now - next_t) % self.interval)
            self.stop_event.wait(next_t - now)

    def in_window(self, t0, t1):
        with self.lock:
            return [s for s in self.scrapes if t0 <= s[0] < t1]

    def ok_count(self):
        with self.lock:
            return sum(1 for s in self.scrapes if s[1])


# ----------------------------------------------------------------------------------------------
# collectd network-protocol receiver


class CollectdReceiver(threading.Thread):
    """Reads collectd binary-protocol packets from a loopback UDP socket and records every
    value list: (receive time, sample time, identity, number of values)."""

    STRING_PARTS = {0x0000: "host", 0x0002: "plugin", 0x0003: "plugin_instance",
                    0x0004: "type", 0x0005: "type_instance"}

    def __init__(self):
        super().__init__(daemon=True)
        self.sock = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        self.sock.bind(("127.0.0.1", 0))
        self.sock.settimeout(0.2)
        self.port = self.sock.getsockname()[1]
        self.stop_event = threading.Event()
        self.lock = threading.Lock()
        self.packets = []  # (receive time, bytes)
        self.value_lists = []  # (sample time, identity tuple, n values)
        self.parse_errors = 0

    def run(self):
        while not self.stop_event.is_set():
            try:
                data = self.sock.recv(65535)
            except socket.timeout:
                continue
            except OSError:
                break
            now = time.time()
            try:
                vls = self.parse(data)
            except (struct.error, ValueError, IndexError):
                vls = []
                with self.lock:
                    self.parse_errors += 1
            with self.lock:
                self.packets.append((now, len(data)))
                self.value_lists.extend(vls)

    def close(self):
        self.stop_event.set()
        self.join(timeout=2)
        self.sock.close()

    @classmethod
    def parse(cls, data):
        """collectd network protocol: parts of (type u16, length u16, body); a "values" part
        (0x0006) emits a value list with the identity/time parts seen before it in the packet."""
        state = {}
        out = []
        off = 0
        while off + 4 <= len(data):
            ptype, plen = struct.unpack_from(">HH", data, off)
            if plen < 4 or off + plen > len(data):
                raise ValueError("bad part length")
            body = data[off + 4:off + plen]
            off += plen
            if ptype in cls.STRING_PARTS:
                state[cls.STRING_PARTS[ptype]] = body.rstrip(b"\0").decode("utf-8", "replace")
            elif ptype == 0x0001:  # time, seconds
                state["time"] = float(struct.unpack(">Q", body)[0])
            elif ptype == 0x0008:  # time, 2^-30 s
                state["time"] = struct.unpack(">Q", body)[0] / 2.0 ** 30
            elif ptype == 0x0006:  # values
                n = struct.unpack_from(">H", body)[0]
                ident = (state.get("host", ""), state.get("plugin", ""),
                         state.get("plugin_instance", ""), state.get("type", ""),
                         state.get("type_instance", ""))
                out.append((state.get("time", 0.0), ident, n))
        return out

    def stats(self, t0, t1):
        """Value lists whose *sample time* lies in [t0, t1)."""
        with self.lock:
            vls = [v for v in self.value_lists if t0 <= v[0] < t1]
            pkts = [p for p in self.packets if t0 <= p[0] < t1]
        per_ident = {}
        for _, ident, n in vls:
            c = per_ident.setdefault(ident, [0, n])
            c[0] += 1
        # Every identity is reported once per interval, so the number of intervals is how
        # often the most frequent identity occurs (per-plugin timestamps differ by ~1 ms, so
        # distinct timestamps would over-count).
        cycles = max((c[0] for c in per_ident.values()), default=0)
        values = sum(n for _, _, n in vls)
        per_plugin = {}
        for ident, (cnt, n) in per_ident.items():
            per_plugin[ident[1]] = per_plugin.get(ident[1], 0) + n
        return {
            "cycles": cycles,
            "values": values,
            "value_lists": len(vls),
            "distinct_series": sum(n for _, n in per_ident.values()),
            "distinct_series_by_plugin": per_plugin,
            "packets": len(pkts),
            "bytes": sum(b for _, b in pkts),
        }


def collectd_config(tmpdir, port, interval):
    return f"""# Generated by tests/bench/footprint.py
Hostname "footprint-bench"
FQDNLookup false
BaseDir "{tmpdir}/collectd"
PIDFile "{tmpdir}/collectd/collectd.pid"
PluginDir "{COLLECTD_PLUGIN_DIR}"
TypesDB "{COLLECTD_TYPES_DB}"
Interval {interval:g}
AutoLoadPlugin false

LoadPlugin logfile
<Plugin logfile>
  LogLevel info
  File STDERR
  Timestamp true
</Plugin>

LoadPlugin cpu
LoadPlugin memory
LoadPlugin load
# FlushInterval: send the buffered values every interval instead of only when a 1452-byte
# packet is full, so collectd ships every cycle like the agent does.
<LoadPlugin network>
  FlushInterval {max(1, int(round(interval)))}
</LoadPlugin>

<Plugin cpu>
  ReportByCpu true
  ReportByState true
  ValuesPercentage false
</Plugin>

<Plugin network>
  Server "127.0.0.1" "{port}"
</Plugin>
"""


# ----------------------------------------------------------------------------------------------
# the benchmark


class Subject:
    """One measured process and its figures."""

    def __init__(self, key, title, proc, role):
        self.key = key
        self.title = title
        self.proc = proc
        self.role = role  # "agent", "peer" or "support"
        self.cpu0 = None
        self.cpu1 = None
        self.seen_tasks = {}
        self.mem = None
        self.cycles = None
        self.series_per_cycle = None
        self.extra = {}

    def poll_tasks(self):
        self.seen_tasks.update(read_task_runtimes(self.proc.pid))

    def result(self, window_s):
        r = {"key": self.key, "title": self.title, "role": self.role,
             "pid": self.proc.pid if self.proc.popen else None}
        if self.cpu0 and self.cpu1:
            d = cpu_delta(self.cpu0, self.cpu1, self.seen_tasks)
            r["cpu_ms_stat"] = round(d["stat_ms"], 1)
            r["cpu_ms_sched"] = round(d["sched_ms"], 3)
            r["threads_exited_in_window"] = d["threads_exited"]
            # The schedstat sum is exact unless a thread exited in the window (then it misses
            # what the thread ran after its last poll). utime+stime covers every thread but is
            # truncated to ticks (10 ms at CLK_TCK=100) at both ends: use it only when it shows
            # more than that truncation can explain.
            cpu = d["sched_ms"]
            r["cpu_source"] = "schedstat"
            if d["stat_ms"] > d["sched_ms"] + 2000.0 / CLK_TCK:
                cpu = d["stat_ms"]
                r["cpu_source"] = "stat"
            r["cpu_ms"] = round(cpu, 3)
            r["cpu_percent_of_one_core"] = round(100.0 * cpu / (window_s * 1000.0), 3)
            r["cycles"] = self.cycles
            if self.cycles:
                r["cpu_ms_per_cycle"] = round(cpu / self.cycles, 4)
                r["cpu_ms_per_cycle_stat"] = round(d["stat_ms"] / self.cycles, 4)
            else:
                r["cpu_ms_per_cycle"] = None
                r["cpu_ms_per_cycle_stat"] = None
        r["series_per_cycle"] = self.series_per_cycle
        if r.get("cpu_ms_per_cycle") is not None and self.series_per_cycle:
            r["cpu_us_per_series"] = round(1000.0 * r["cpu_ms_per_cycle"] / self.series_per_cycle, 3)
        if self.mem:
            r.update(self.mem)
        r.update(self.extra)
        if self.proc.stop_info:
            r["stop"] = self.proc.stop_info
        if self.proc.died_early is not None:
            r["died_early_rc"] = self.proc.died_early
        return r


def wait_for(pred, timeout, step=0.1, procs=()):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        v = pred()
        if v:
            return v
        for p in procs:
            if not p.alive():
                return None
        time.sleep(step)
    return pred()


def parse_collector_addresses(text):
    def find(key):
        m = re.search(r'(?:^|\s)' + key + r'="?([^\s"]+)"?', text, re.M)
        if m and re.fullmatch(r"127\.0\.0\.1:[1-9][0-9]*", m.group(1)):
            return m.group(1)
        return None
    g, w = find("grpc_address"), find("web_address")
    return (g, w) if g and w else None


def start_hostmon(bin_dir, interval, hostname, start):
    """Starts hostmon-collector on loopback and hostmon-agent streaming to it every `interval` s,
    and waits for the first batch. `start(label, argv)` starts a Proc and registers it for the
    caller's cleanup. Returns (agent, collector, collector web URL); BenchError on failure."""
    collector = start("hostmon-collector", [
        os.path.join(bin_dir, "hostmon-collector"), "--grpc.listen-address=127.0.0.1:0",
        "--web.listen-address=127.0.0.1:0"])
    addrs = wait_for(lambda: parse_collector_addresses(collector.log_text()), 10,
                     procs=[collector])
    if not addrs:
        raise BenchError(
            "hostmon-collector did not log grpc_address=127.0.0.1:PORT and "
            "web_address=127.0.0.1:PORT within 10 s "
            f"(alive={collector.alive()}, rc={collector.popen.poll()}); its output:\n"
            + (collector.log_tail(30) or "(empty)"))
    grpc_addr, web_addr = addrs
    collector_web = f"http://{web_addr}"
    agent = start("hostmon-agent", [
        os.path.join(bin_dir, "hostmon-agent"), f"--collector.address={grpc_addr}",
        f"--collection.interval={format_interval(interval)}", f"--hostname={hostname}"])

    def batches():
        try:
            v = prom_sum(http_get(collector_web + "/metrics", 2),
                         "hostmon_collector_batches_received_total")
            return v is not None and v > 0
        except (OSError, urllib.error.URLError):
            return False
    if not wait_for(batches, max(15, 5 * interval), step=0.25, procs=[collector, agent]):
        raise BenchError(
            "the hostmon agent delivered no batch within "
            f"{max(15, 5 * interval):g} s (agent alive={agent.alive()}, "
            f"collector alive={collector.alive()}).\n--- agent output:\n"
            + (agent.log_tail() or "(empty)") + "\n--- collector output:\n"
            + (collector.log_tail() or "(empty)"))
    return agent, collector, collector_web


def start_node_exporter(key, extra, textfile_dir, interval, start):
    """Starts Debian's node_exporter on a free loopback port (extra flags `extra`), waits until it
    serves /metrics and starts a Scraper every `interval` s. Returns (Proc, Scraper)."""
    port = free_tcp_port()
    p = start(key, [NODE_EXPORTER, f"--web.listen-address=127.0.0.1:{port}",
                    f"--collector.textfile.directory={textfile_dir}"] + extra)
    url = f"http://127.0.0.1:{port}/metrics"

    def ne_ready():
        try:
            http_get(url, 2)
            return True
        except (OSError, urllib.error.URLError):
            return False
    if not wait_for(ne_ready, 10, step=0.2, procs=[p]):
        raise BenchError(f"{key} did not serve {url} within 10 s "
                         f"(alive={p.alive()}); its output:\n{p.log_tail()}")
    sc = Scraper(url, interval)
    sc.start()
    return p, sc


def measure_window(subjects, window):
    """Takes every subject's CPU snapshot, polls their threads for `window` s, takes the second
    snapshot and their memory. BenchError if one exited. Returns the window's (t0, t1) wall times."""
    t0 = time.time()
    for s in subjects:
        s.cpu0 = cpu_snapshot(s.proc.pid)
    end = time.monotonic() + window
    while time.monotonic() < end:
        time.sleep(min(0.25, max(0.0, end - time.monotonic())))
        for s in subjects:
            if s.proc.died_early is None and not s.proc.alive():
                s.proc.died_early = s.proc.popen.returncode
            s.poll_tasks()
    dead = [s for s in subjects if s.proc.died_early is not None]
    if dead:
        raise BenchError("process(es) exited during the window: " + "; ".join(
            f"{s.title} rc={s.proc.died_early}:\n{s.proc.log_tail()}" for s in dead))
    for s in subjects:
        s.cpu1 = cpu_snapshot(s.proc.pid)
    t1 = time.time()
    for s in subjects:
        s.mem = read_memory(s.proc.pid)
    return t0, t1


def run(args):
    problems = []
    window = args.duration
    tmpdir = tempfile.mkdtemp(prefix="hostmon-footprint-")
    procs = []
    subjects = []
    scrapers = []
    receiver = None
    agent = collector = None
    hostname = f"footprint-bench-{os.getpid()}"
    bin_dir = os.path.join(args.build_dir, "bin")
    agent_bin = os.path.join(bin_dir, "hostmon-agent")
    collector_bin = os.path.join(bin_dir, "hostmon-collector")
    collector_web = None
    once_series = None
    out = {"benchmark": "hostmon-footprint", "schema": 1,
           "mode": "smoke" if args.smoke else "full",
           "duration_s": window, "warmup_s": args.warmup, "interval_s": args.interval,
           "clk_tck": CLK_TCK, "cpus": os.cpu_count(), "kernel": platform.release(),
           "goals": {"agent_cpu_ms_per_cycle_max": GOAL_AGENT_CPU_MS_PER_CYCLE,
                     "agent_rss_mb_max": GOAL_AGENT_RSS_MB}}

    def start(label, argv):
        p = Proc(label, argv, tmpdir)
        procs.append(p)
        return p.start()

    try:
        # ---------------- preflight
        for path in ([] if args.skip_hostmon else [agent_bin, collector_bin]) + [NODE_EXPORTER, COLLECTD]:
            if not os.access(path, os.X_OK):
                raise BenchError(f"{path}: not found or not executable")

        # ---------------- hostmon
        if not args.skip_hostmon:
            # The agent's own exposition, once: a cross-check of the series count.
            try:
                r = subprocess.run([agent_bin, "--once", f"--hostname={hostname}"],
                                   stdin=subprocess.DEVNULL, capture_output=True, timeout=20)
                if r.returncode == 0:
                    once_series = len(sample_lines(r.stdout.decode("utf-8", "replace")))
                else:
                    problems.append(f"hostmon-agent --once exited {r.returncode}: "
                                    + r.stderr.decode("utf-8", "replace").strip()[-300:])
            except subprocess.TimeoutExpired:
                problems.append("hostmon-agent --once did not exit within 20 s (killed)")

            agent, collector, collector_web = start_hostmon(bin_dir, args.interval, hostname,
                                                            start)
            subjects.append(Subject("hostmon_agent", "hostmon-agent", agent, "agent"))
            subjects.append(Subject("hostmon_collector", "hostmon-collector (not agent cost)",
                                    collector, "support"))

        # ---------------- node_exporter, twice
        textfile_dir = os.path.join(tmpdir, "textfile")
        os.mkdir(textfile_dir)
        ne_variants = [
            ("node_exporter_default", "node_exporter (defaults)", []),
            ("node_exporter_l4l", "node_exporter (cpu,meminfo,loadavg)",
             ["--collector.disable-defaults", "--collector.cpu", "--collector.meminfo",
              "--collector.loadavg"]),
        ]
        for key, title, extra in ne_variants:
            p, sc = start_node_exporter(key, extra, textfile_dir, args.interval, start)
            scrapers.append(sc)
            s = Subject(key, title, p, "peer")
            s.scraper = sc
            subjects.append(s)

        # ---------------- collectd
        receiver = CollectdReceiver()
        receiver.start()
        os.mkdir(os.path.join(tmpdir, "collectd"))
        conf = os.path.join(tmpdir, "collectd.conf")
        with open(conf, "w") as f:
            f.write(collectd_config(tmpdir, receiver.port, args.interval))
        t = subprocess.run([COLLECTD, "-t", "-C", conf], capture_output=True, timeout=30)
        if t.returncode != 0:
            raise BenchError(f"collectd -t -C {conf} failed (rc={t.returncode}):\n"
                             + (t.stdout + t.stderr).decode("utf-8", "replace"))
        cd = start("collectd", [COLLECTD, "-f", "-C", conf])

        def cd_ready():
            with receiver.lock:
                return len(receiver.packets) > 0
        if not wait_for(cd_ready, 10 + 2 * args.interval, step=0.2, procs=[cd]):
            raise BenchError(f"collectd sent no packet within {10 + 2 * args.interval:g} s "
                             f"(alive={cd.alive()}); its output:\n{cd.log_tail()}")
        cd_subject = Subject("collectd", "collectd (cpu,memory,load->network)", cd, "peer")
        subjects.append(cd_subject)

        # ---------------- warm-up and window
        time.sleep(args.warmup)
        for s in subjects:
            if not s.proc.alive():
                raise BenchError(f"{s.title} exited during warm-up (rc={s.proc.popen.poll()}):\n"
                                 + s.proc.log_tail())

        coll0 = http_get(collector_web + "/metrics") if collector_web else None
        t0, t1 = measure_window(subjects, window)
        coll1 = http_get(collector_web + "/metrics") if collector_web else None
        window_s = t1 - t0
        out["window_s"] = round(window_s, 3)

        # ---------------- cycles and series
        for s in subjects:
            if s.key.startswith("node_exporter"):
                sc = s.scraper
                scr = sc.in_window(t0, t1)
                ok = [x for x in scr if x[1]]
                s.cycles = len(ok)
                s.series_per_cycle = ok[-1][2] if ok else None
                s.extra["scrapes_failed"] = len(scr) - len(ok)
                if ok:
                    s.extra["scrape_bytes"] = ok[-1][3]
                    s.extra["series_node_prefixed"] = ok[-1][5]
                    s.extra["scrape_seconds_avg"] = round(sum(x[4] for x in ok) / len(ok), 4)
                if sc.last_error:
                    s.extra["last_scrape_error"] = sc.last_error
        if collector_web:
            b0 = prom_sum(coll0, "hostmon_collector_batches_received_total")
            b1 = prom_sum(coll1, "hostmon_collector_batches_received_total")
            n0 = prom_sum(coll0, "hostmon_collector_samples_received_total")
            n1 = prom_sum(coll1, "hostmon_collector_samples_received_total")
            exposed = [ln for ln in sample_lines(coll1)
                       if f'instance="{hostname}"' in ln and not ln.startswith("hostmon_collector_")]
            a = subjects[0]
            a.cycles = int(b1 - b0) if b0 is not None and b1 is not None else None
            a.extra["batches_in_window"] = a.cycles
            a.extra["samples_in_window"] = (int(n1 - n0) if n0 is not None and n1 is not None
                                            else None)
            a.extra["series_exposed_by_collector"] = len(exposed)
            a.extra["series_agent_once"] = once_series
            a.extra["hostname"] = hostname
            if a.cycles and a.extra["samples_in_window"] is not None:
                a.series_per_cycle = round(a.extra["samples_in_window"] / a.cycles, 1)
                a.extra["series_method"] = "samples_received_total delta / batches_received_total delta"
            else:
                a.series_per_cycle = len(exposed) or None
                a.extra["series_method"] = f'collector /metrics lines with instance="{hostname}"'
            expected = window_s / args.interval
            if a.cycles is not None and abs(a.cycles - expected) > max(2, 0.2 * expected):
                problems.append(f"agent batches in window ({a.cycles}) differ from the expected "
                                f"{expected:.1f} intervals: batches != cycles?")
            if not a.cycles:
                problems.append("hostmon agent delivered no batch in the window")
            for key, v in (("batches", b1), ("samples", n1)):
                if v is None:
                    problems.append(f"collector /metrics has no hostmon_collector_{key}_received_total")
        # collectd's values arrive up to one flush interval late: keep receiving a little.
        time.sleep(min(args.interval + 0.5, 2.0))
        st = receiver.stats(t0, t1)
        cd_subject.cycles = st["cycles"]
        cd_subject.series_per_cycle = round(st["values"] / st["cycles"], 1) if st["cycles"] else None
        cd_subject.extra.update({
            "series_method": "values in network packets sampled in the window / intervals",
            "values_in_window": st["values"], "distinct_series": st["distinct_series"],
            "distinct_series_by_plugin": st["distinct_series_by_plugin"],
            "packets_in_window": st["packets"], "bytes_in_window": st["bytes"],
            "packet_parse_errors": receiver.parse_errors})

    except BenchError as e:
        problems.append(str(e))
        print(f"footprint: ERROR: {e}", file=sys.stderr)
        out["error"] = str(e)
    finally:
        for sc in scrapers:
            sc.stop_event.set()
        # Agent first, so it can say goodbye to a still-running collector.
        if agent is not None:
            agent.stop()
        for p in procs:
            p.terminate()
        deadline = time.monotonic() + STOP_GRACE_S
        for p in procs:
            p.wait_stop(deadline)
        for sc in scrapers:
            sc.join(timeout=10)
        if receiver is not None:
            receiver.close()
        if args.keep_tmp:
            print(f"footprint: kept {tmpdir}", file=sys.stderr)
        else:
            shutil.rmtree(tmpdir, ignore_errors=True)

    window_s = out.get("window_s", window)
    out["results"] = [s.result(window_s) for s in subjects if s.cpu1 is not None]
    return out, problems


# ----------------------------------------------------------------------------------------------
# report


def fmt(v, spec):
    if v is None:
        return "-"
    return format(v, spec)


def report(out, problems, smoke):
    res = out.get("results", [])
    if "error" in out and not res:
        print(f"hostmon footprint benchmark ({out['mode']}): ABORTED before the window.")
        for p in problems:
            print("  - " + p.replace("\n", "\n    "))
        out["problems"] = problems
        out["ok"] = False
        print(json.dumps(out, sort_keys=True))
        return
    print()
    print(f"hostmon footprint benchmark ({out['mode']}): window {out.get('window_s', '-')} s "
          f"after {out['warmup_s']:g} s warm-up, interval {out['interval_s']:g} s, "
          f"{out['cpus']} CPUs, kernel {out['kernel']}, CLK_TCK={out['clk_tck']}")
    print()
    hdr = (f"{'process':<37} {'cycles':>6} {'CPU ms':>9} {'stat ms':>7} {'ms/cycle':>9} "
           f"{'series':>7} {'us/series':>9} {'RSS MB':>7} {'PSS MB':>7} {'USS MB':>7} {'thr':>4}")
    print(hdr)
    print("-" * len(hdr))
    for r in res:
        mb = lambda k: (r.get(k) / 1024.0) if r.get(k) is not None else None  # noqa: E731
        print(f"{r['title']:<37} {fmt(r.get('cycles'), 'd'):>6} {fmt(r.get('cpu_ms'), '.1f'):>9} "
              f"{fmt(r.get('cpu_ms_stat'), '.0f'):>7} {fmt(r.get('cpu_ms_per_cycle'), '.3f'):>9} "
              f"{fmt(r.get('series_per_cycle'), 'g'):>7} {fmt(r.get('cpu_us_per_series'), '.2f'):>9} "
              f"{fmt(mb('rss_kb'), '.1f'):>7} {fmt(mb('pss_kb'), '.1f'):>7} "
              f"{fmt(mb('uss_kb'), '.1f'):>7} {fmt(r.get('threads'), 'd'):>4}")
    print()
    print("CPU ms = sum of /proc/PID/task/*/schedstat run time over the window (ns precision);")
    print(f"stat ms = utime+stime delta from /proc/PID/stat ({1000 // out['clk_tck']} ms ticks). "
          "Memory from smaps_rollup at window end.")
    by = {r["key"]: r for r in res}
    a = by.get("hostmon_agent")
    if a:
        print(f"hostmon series: {a.get('series_method')}; collector exposes "
              f"{a.get('series_exposed_by_collector')} series for instance=\"{a.get('hostname')}\", "
              f"agent --once prints {a.get('series_agent_once')}.")
    for key in ("node_exporter_default", "node_exporter_l4l"):
        n = by.get(key)
        if n:
            print(f"{n['title']}: series = all sample lines of a scrape, of which "
                  f"{n.get('series_node_prefixed')} node_*; {n.get('scrape_bytes')} bytes/scrape.")
    c = by.get("collectd")
    if c:
        print(f"collectd series: values in its network packets per interval "
              f"(by plugin: {c.get('distinct_series_by_plugin')}); "
              f"{c.get('packets_in_window')} packets, {c.get('bytes_in_window')} bytes in window.")
    for r in res:
        if r.get("threads_exited_in_window"):
            print(f"note: {r['title']}: {r['threads_exited_in_window']} thread(s) exited in the "
                  f"window; CPU ms from {r.get('cpu_source')} "
                  "(schedstat misses their last <0.25 s, stat is tick-truncated).")
    stops = []
    for r in res:
        st = r.get("stop") or {}
        stops.append(f"{r['key']} rc={st.get('rc')}" + (" SIGKILL" if st.get("sigkill") else "")
                     + (f" {st['stop_s']:g}s" if st.get("stop_s") else ""))
    print("stopped (SIGTERM; rc<0 = killed by that signal): " + ", ".join(stops))
    verdict = {}
    if a and a.get("cpu_ms_per_cycle") is not None:
        rss_mb = a["rss_kb"] / 1024.0
        cpu_ok = a["cpu_ms_per_cycle"] <= GOAL_AGENT_CPU_MS_PER_CYCLE
        rss_ok = rss_mb <= GOAL_AGENT_RSS_MB
        verdict = {"agent_cpu_ms_per_cycle_ok": cpu_ok, "agent_rss_ok": rss_ok}
        print()
        print("design goals (hostmon-agent):")
        print(f"  CPU per cycle  {a['cpu_ms_per_cycle']:.3f} ms   goal <= "
              f"{GOAL_AGENT_CPU_MS_PER_CYCLE} ms   {'MET' if cpu_ok else 'MISSED'}")
        print(f"  RSS            {rss_mb:.2f} MB   goal <= {GOAL_AGENT_RSS_MB:g} MB    "
              f"{'MET' if rss_ok else 'MISSED'}")
    out["goal_check"] = verdict
    if smoke:
        print()
        print("smoke checks:")
        for name, ok in smoke_checks(out, problems):
            print(f"  {'ok  ' if ok else 'FAIL'} {name}")
    print_problems_and_json(out, problems)


def print_problems_and_json(out, problems):
    """The end of a benchmark's report: the problems, if any, then `out` with `problems` and `ok`
    as one JSON object on the last line."""
    if problems:
        print()
        print("problems:")
        for p in problems:
            print("  - " + p.replace("\n", "\n    "))
    out["problems"] = problems
    out["ok"] = not problems
    print(json.dumps(out, sort_keys=True))


def smoke_checks(out, problems):
    by = {r["key"]: r for r in out.get("results", [])}
    checks = []
    for key in ("hostmon_agent", "hostmon_collector", "node_exporter_default",
                "node_exporter_l4l", "collectd"):
        r = by.get(key)
        checks.append((f"{key} ran and has figures",
                       r is not None and r.get("cpu_ms") is not None and r.get("rss_kb")
                       and r.get("died_early_rc") is None))
    for key in ("hostmon_agent", "node_exporter_default", "node_exporter_l4l", "collectd"):
        r = by.get(key) or {}
        checks.append((f"{key} completed cycles and series", bool(r.get("cycles"))
                       and bool(r.get("series_per_cycle"))))
    a = by.get("hostmon_agent") or {}
    checks.append(("hostmon agent delivered batches", bool(a.get("batches_in_window"))))
    for name, ok in checks:
        if not ok:
            problems.append("smoke check failed: " + name)
    return checks


def main():
    repo = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--duration", type=float, default=60.0, help="measurement window, s (60)")
    ap.add_argument("--warmup", type=float, default=5.0,
                    help="s between all processes running and the window start (5)")
    ap.add_argument("--interval", type=float, default=1.0, help="collection/scrape interval, s (1)")
    ap.add_argument("--build-dir", default=os.path.join(repo, "build"),
                    help="hostmon build dir with bin/hostmon-{agent,collector} (<repo>/build)")
    ap.add_argument("--smoke", action="store_true",
                    help="5 s window, 1 s warm-up; exit 1 unless every process ran, produced "
                         "figures and the agent delivered batches")
    ap.add_argument("--skip-hostmon", action="store_true",
                    help="measure only the peers (for developing the script without a build)")
    ap.add_argument("--keep-tmp", action="store_true", help="keep the temp dir (logs, configs)")
    args = ap.parse_args()
    if args.smoke:
        args.duration, args.warmup = 5.0, 1.0
    if args.duration <= 0 or args.interval <= 0 or args.warmup < 0:
        ap.error("--duration and --interval must be > 0, --warmup >= 0")

    def on_term(signum, frame):
        raise KeyboardInterrupt
    signal.signal(signal.SIGTERM, on_term)
    try:
        out, problems = run(args)
    except KeyboardInterrupt:
        print("footprint: interrupted; all started processes were stopped", file=sys.stderr)
        return 130
    report(out, problems, args.smoke)
    if args.smoke:
        return 1 if problems else 0
    a = next((r for r in out.get("results", []) if r["key"] == "hostmon_agent"), None)
    if "error" in out or (not args.skip_hostmon and not (a and a.get("batches_in_window"))):
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())

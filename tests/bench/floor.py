#!/usr/bin/env python3
# SPDX-License-Identifier: Apache-2.0
"""Floor benchmark: hostmon-agent's CPU per cycle against the kernel's cost of the files it reads.

On the machine it runs on:
  1. records which /proc and /sys files one `hostmon-agent --once` collection with the default
     sources opens (strace; the opens of the same run with --source.disable-defaults, i.e. start-up
     and output, are subtracted as a multiset);
  2. compiles (cc, into a temp dir) a plain C reader that opens, reads to EOF and closes exactly
     those files once per pass, and reports the floor: CPU per pass (getrusage user+sys,
     min/median/max over --passes passes, half before and half after step 3) and the 10 most
     expensive files (CPU per open+read+close, median of --file-reps repetitions);
  3. runs the agent (1 s interval, streaming to a hostmon-collector) and Debian's node_exporter
     (default collectors, scraped every 1 s) side by side for --duration seconds, split into
     --windows equal windows, and reports CPU per cycle for each (min/median/max over the windows).

Prints one table and, as the very last line, one JSON object. Reuses footprint.py's process,
scraping and /proc accounting helpers. Python 3 standard library, strace and cc.
See tests/bench/README.md.
"""

import argparse
import collections
import os
import platform
import re
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import footprint as fp  # noqa: E402  (the sibling benchmark's helpers)

STRACE = "strace"
CC = os.environ.get("CC", "cc")

# The floor reader. Input: a file with one "F path" or "D path" line per file/directory.
# Output lines: "pass USER_US SYS_US" per pass, then "file NS BYTES path" per file (median CPU ns
# of one open+read+close over `reps`), "fail ERRNO path" for a file that could not be opened.
READER_C = r"""
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

static char buf[1 << 16];
struct entry { char kind; char *path; };

/* One open, read to EOF (getdents64 for a directory), close. Returns bytes or -errno. */
static long read_one(const struct entry *e) {
  int fd = open(e->path, O_RDONLY | O_CLOEXEC | (e->kind == 'D' ? O_DIRECTORY : O_NONBLOCK));
  if (fd < 0) return -errno;
  long total = 0;
  for (;;) {
    long n = e->kind == 'D' ? syscall(SYS_getdents64, fd, buf, sizeof buf)
                            : read(fd, buf, sizeof buf);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) break;
    total += n;
  }
  close(fd);
  return total;
}

static long long us(struct timeval t) { return (long long)t.tv_sec * 1000000 + t.tv_usec; }
static long long thread_ns(void) {
  struct timespec t;
  clock_gettime(CLOCK_THREAD_CPUTIME_ID, &t);
  return (long long)t.tv_sec * 1000000000 + t.tv_nsec;
}
static int cmp_ll(const void *a, const void *b) {
  long long x = *(const long long *)a, y = *(const long long *)b;
  return x < y ? -1 : x > y;
}

int main(int argc, char **argv) {
  if (argc != 4) { fprintf(stderr, "usage: reader LIST PASSES FILE_REPS\n"); return 2; }
  FILE *f = fopen(argv[1], "r");
  if (!f) { perror(argv[1]); return 2; }
  int passes = atoi(argv[2]), reps = atoi(argv[3]);
  struct entry *v = NULL;
  size_t n = 0, cap = 0;
  char line[4096];
  while (fgets(line, sizeof line, f)) {
    size_t len = strlen(line);
    if (len < 3) continue;
    if (line[len - 1] == '\n') line[--len] = 0;
    if (n == cap) { cap = cap ? 2 * cap : 64; v = realloc(v, cap * sizeof *v); }
    v[n].kind = line[0];
    v[n].path = strdup(line + 2);
    n++;
  }
  fclose(f);
  for (size_t i = 0; i < n; i++) read_one(&v[i]); /* warm the dentry cache */
  for (int p = 0; p < passes; p++) {
    struct rusage a, b;
    getrusage(RUSAGE_SELF, &a);
    for (size_t i = 0; i < n; i++) read_one(&v[i]);
    getrusage(RUSAGE_SELF, &b);
    printf("pass %lld %lld\n", us(b.ru_utime) - us(a.ru_utime), us(b.ru_stime) - us(a.ru_stime));
  }
  long long *t = malloc(sizeof(long long) * (reps > 0 ? reps : 1));
  for (size_t i = 0; i < n && reps > 0; i++) {
    long bytes = 0;
    for (int r = 0; r < reps; r++) {
      long long t0 = thread_ns();
      bytes = read_one(&v[i]);
      t[r] = thread_ns() - t0;
    }
    if (bytes < 0) { printf("fail %ld %s\n", -bytes, v[i].path); continue; }
    qsort(t, reps, sizeof *t, cmp_ll);
    printf("file %lld %ld %s\n", t[reps / 2], bytes, v[i].path);
  }
  return 0;
}
"""

OPEN_RE = re.compile(r'^(\d+)\s+(?:openat\((?:AT_FDCWD|-?\d+)(?:<[^>]*>)?, |open\()'
                     r'"((?:[^"\\]|\\.)*)", ([A-Z_|0-9]+)')
RESULT_RE = re.compile(r'\)\s+=\s+(-?\d+)')
RESUMED_RE = re.compile(r'^(\d+)\s+<\.\.\. open(?:at)? resumed>')


class FloorError(Exception):
    """A step failed; the message says what was seen."""


def traced_opens(agent_argv, tmpdir, tag):
    """Runs agent_argv under strace; returns a Counter of (kind, path) for every successful open
    of a /proc or /sys path ('D' for O_DIRECTORY, else 'F'), the path as the agent wrote it (so
    /proc/self stays /proc/self)."""
    log = os.path.join(tmpdir, f"strace-{tag}.txt")
    r = subprocess.run([STRACE, "-f", "-qq", "-e", "trace=openat,open", "-o", log] + agent_argv,
                       stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
                       stderr=subprocess.PIPE, timeout=60)
    if r.returncode != 0:
        raise FloorError(f"strace {' '.join(agent_argv)} exited {r.returncode}: "
                         + r.stderr.decode("utf-8", "replace").strip()[-500:])
    opens = collections.Counter()
    pending = {}  # pid -> (kind, path) of an "<unfinished ...>" open
    with open(log, encoding="utf-8", errors="replace") as f:
        for line in f:
            m = OPEN_RE.match(line)
            if m:
                pid, path, flags = m.group(1), m.group(2), m.group(3)
                entry = ("D" if "O_DIRECTORY" in flags else "F", path)
                if "<unfinished ...>" in line:
                    pending[pid] = entry
                    continue
            else:
                m = RESUMED_RE.match(line)
                if not m or m.group(1) not in pending:
                    continue
                entry = pending.pop(m.group(1))
            res = RESULT_RE.search(line)
            if not res or int(res.group(1)) < 0:
                continue
            if re.match(r"/(proc|sys)(/|$)", entry[1]):
                opens[entry] += 1
    return opens


def collection_files(agent_bin, tmpdir):
    """The /proc and /sys opens of one default collection: the --once run minus a --once run with
    no source (start-up, flags, output). Returns (Counter of opens, unique list)."""
    full = traced_opens([agent_bin, "--once"], tmpdir, "once")
    base = traced_opens([agent_bin, "--once", "--source.disable-defaults"], tmpdir, "base")
    opens = full - base
    if not opens:
        raise FloorError(f"strace saw no /proc or /sys open by {agent_bin} --once")
    return opens, sorted(opens)


def build_reader(tmpdir):
    src = os.path.join(tmpdir, "floor_reader.c")
    exe = os.path.join(tmpdir, "floor_reader")
    with open(src, "w") as f:
        f.write(READER_C)
    r = subprocess.run([CC, "-O2", "-o", exe, src], capture_output=True, timeout=120)
    if r.returncode != 0:
        raise FloorError(f"{CC} {src} failed:\n" + (r.stdout + r.stderr).decode("utf-8", "replace"))
    return exe


def run_reader(exe, list_path, passes, reps):
    r = subprocess.run([exe, list_path, str(passes), str(reps)], capture_output=True, timeout=600)
    if r.returncode != 0:
        raise FloorError(f"floor reader exited {r.returncode}: "
                         + r.stderr.decode("utf-8", "replace")[-500:])
    out = {"passes": [], "files": [], "failed": []}
    for line in r.stdout.decode("utf-8", "replace").splitlines():
        parts = line.split(" ", 3)
        if parts[0] == "pass":
            out["passes"].append((int(parts[1]) + int(parts[2])) / 1000.0)
            out.setdefault("user_ms", []).append(int(parts[1]) / 1000.0)
            out.setdefault("sys_ms", []).append(int(parts[2]) / 1000.0)
        elif parts[0] == "file":
            out["files"].append({"path": parts[3], "us": int(parts[1]) / 1000.0,
                                 "bytes": int(parts[2])})
        elif parts[0] == "fail":
            out["failed"].append({"path": line.split(" ", 2)[2], "errno": int(parts[1])})
    return out


def spread(values):
    """{min, median, max} of a non-empty list, else None."""
    if not values:
        return None
    return {"min": round(min(values), 4), "median": round(statistics.median(values), 4),
            "max": round(max(values), 4)}


def ratio(a, b):
    return round(a / b, 3) if a is not None and b else None


def task_names_and_runtimes(pid):
    """{tid: (comm, ns on CPU)} of a process's threads."""
    out = {}
    for tid, ns in fp.read_task_runtimes(pid).items():
        try:
            with open(f"/proc/{pid}/task/{tid}/comm") as f:
                out[tid] = (f.read().strip(), ns)
        except OSError:
            pass  # exited in between
    return out


def is_own_thread(comm, main_comm):
    """The agent names its threads hm-*; its main thread keeps the program's name. The rest are
    the gRPC library's (default-executor, resolver-executor, grpc_global_timer, event_engine,
    timer_manager, nexting_thread)."""
    return comm.startswith("hm-") or comm == main_comm


def thread_breakdown(before, after, cycles, main_comm):
    """CPU ms per cycle by thread name between two task_names_and_runtimes() snapshots; threads
    of the same name are summed, the library's also as one "gRPC library" line."""
    by_name = {}
    for tid, (comm, ns) in after.items():
        ns0 = before.get(tid, (comm, 0))[1]
        by_name[comm] = by_name.get(comm, 0.0) + (ns - ns0) / 1e6 / cycles
    lib = sum(v for k, v in by_name.items() if not is_own_thread(k, main_comm))
    rows = sorted(by_name.items(), key=lambda kv: -kv[1])
    return {"by_name": {k: round(v, 4) for k, v in rows}, "grpc_library_ms": round(lib, 4)}


def thread_census(pid, main_comm):
    names = sorted(c for c, _ in task_names_and_runtimes(pid).values())
    own = [n for n in names if is_own_thread(n, main_comm)]
    lib = [n for n in names if not is_own_thread(n, main_comm)]
    return {"total": len(names), "own": own, "grpc_library": lib}


def run(args, out, problems):
    tmpdir = tempfile.mkdtemp(prefix="hostmon-floor-")
    bin_dir = os.path.join(args.build_dir, "bin")
    agent_bin = os.path.join(bin_dir, "hostmon-agent")
    procs = []
    scrapers = []
    agent = None

    def start(label, argv):
        p = fp.Proc(label, argv, tmpdir)
        procs.append(p)
        return p.start()

    try:
        for path in (agent_bin, os.path.join(bin_dir, "hostmon-collector"), fp.NODE_EXPORTER):
            if not os.access(path, os.X_OK):
                raise FloorError(f"{path}: not found or not executable")
        for tool in (STRACE, CC):
            if shutil.which(tool) is None:
                raise FloorError(f"{tool}: not found (scripts/setup --tests installs it)")

        # ---------------- 1. what one collection opens
        opens, files = collection_files(agent_bin, tmpdir)
        out["opens_per_collection"] = sum(opens.values())
        out["files"] = len(files)
        out["directories"] = sum(1 for k, _ in files if k == "D")
        out["opened_more_than_once"] = {p: n for (k, p), n in sorted(opens.items()) if n > 1}
        list_path = os.path.join(tmpdir, "files.txt")
        with open(list_path, "w") as f:
            for kind, path in files:
                f.write(f"{kind} {path}\n")

        # ---------------- 1b. the agent's own per-source cost of the same collection
        r = subprocess.run([agent_bin, "--debug.cost",
                            f"--debug.cost-collections={args.cost_collections}"],
                           stdin=subprocess.DEVNULL, capture_output=True, text=True, timeout=120)
        if r.returncode != 0:
            problems.append(f"hostmon-agent --debug.cost exited {r.returncode}: "
                            + r.stderr.strip()[-300:])
        else:
            out["agent_cost_report"] = r.stdout

        # ---------------- 2a. the floor, first half of the passes
        reader = build_reader(tmpdir)
        first = run_reader(reader, list_path, args.passes - args.passes // 2, args.file_reps)

        # ---------------- 3. agent and node_exporter side by side
        hostname = f"floor-bench-{os.getpid()}"
        agent, collector, collector_web = fp.start_hostmon(bin_dir, 1.0, hostname, start)
        textfile_dir = os.path.join(tmpdir, "textfile")
        os.mkdir(textfile_dir)
        ne, scraper = fp.start_node_exporter("node_exporter_default", [], textfile_dir, 1.0, start)
        scrapers.append(scraper)
        a = fp.Subject("hostmon_agent", "hostmon-agent", agent, "agent")
        n = fp.Subject("node_exporter_default", "node_exporter (defaults)", ne, "peer")
        time.sleep(args.warmup)
        tasks0 = task_names_and_runtimes(agent.pid)
        windows = []
        for _ in range(args.windows):
            for s in (a, n):
                s.seen_tasks = {}  # a thread that exited in an earlier window is not counted again
            coll0 = fp.http_get(collector_web + "/metrics")
            t0, t1 = fp.measure_window([a, n], args.duration / args.windows)
            coll1 = fp.http_get(collector_web + "/metrics")
            b0 = fp.prom_sum(coll0, "hostmon_collector_batches_received_total")
            b1 = fp.prom_sum(coll1, "hostmon_collector_batches_received_total")
            a.cycles = int(b1 - b0) if b0 is not None and b1 is not None else None
            n.cycles = sum(1 for x in scraper.in_window(t0, t1) if x[1])
            ra, rn = a.result(t1 - t0), n.result(t1 - t0)
            windows.append({"window_s": round(t1 - t0, 3), "agent": ra, "node_exporter": rn})
            if not a.cycles:
                problems.append("the agent delivered no batch in a window")
            if not n.cycles:
                problems.append("node_exporter answered no scrape in a window")
        out["windows"] = windows
        cycles = sum(x["agent"].get("cycles") or 0 for x in windows)
        if cycles:
            out["agent_thread_ms_per_cycle"] = thread_breakdown(
                tasks0, task_names_and_runtimes(agent.pid), cycles, "hostmon-agent")
        out["agent_thread_census"] = thread_census(agent.pid, "hostmon-agent")

        # ---------------- 3b. the threads of the smallest gRPC client of the same stream
        # hostmon-loadgen with one host: one channel, one Ingest stream, a 520-series batch per
        # second, on gRPC's callback API (no thread of its own besides main). Its gRPC threads
        # are what any client of this gRPC library has.
        grpc_target = fp.parse_collector_addresses(collector.log_text())[0]
        lg = start("hostmon-loadgen", [
            os.path.join(bin_dir, "hostmon-loadgen"), f"--target={grpc_target}", "--hosts=1",
            "--interval=1s", f"--duration={args.grpc_client_s + 5:g}s"])
        time.sleep(2)
        g0 = task_names_and_runtimes(lg.pid)
        time.sleep(args.grpc_client_s)
        g1 = task_names_and_runtimes(lg.pid)
        out["grpc_client_census"] = thread_census(lg.pid, "hostmon-loadgen")
        if not out["grpc_client_census"]["grpc_library"]:
            problems.append("hostmon-loadgen (the one-stream gRPC client) showed no gRPC thread: "
                            + (lg.log_tail() or "(no output)"))
        out["grpc_client_thread_ms_per_s"] = thread_breakdown(
            g0, g1, args.grpc_client_s, "hostmon-loadgen")

        # ---------------- 2b. the floor, second half
        second = run_reader(reader, list_path, args.passes // 2, 0)
        passes = first["passes"] + second["passes"]
        out["floor_ms_per_pass"] = spread(passes)
        # The kernel samples user/system at timer ticks and scales them to the run time, so a
        # single pass's split is noise; over all passes the proportion is meaningful.
        user = sum(first.get("user_ms", []) + second.get("user_ms", []))
        system = sum(first.get("sys_ms", []) + second.get("sys_ms", []))
        out["floor_system_share"] = round(system / (user + system), 3) if user + system else None
        out["floor_passes"] = len(passes)
        out["files_failed"] = first["failed"]
        out["top_files"] = sorted(first["files"], key=lambda x: -x["us"])[:10]
        out["files_us_total"] = round(sum(x["us"] for x in first["files"]), 1)
    except FloorError as e:
        problems.append(str(e))
    except fp.BenchError as e:
        problems.append(str(e))
    finally:
        for sc in scrapers:
            sc.stop_event.set()
        if agent is not None:
            agent.stop()  # first, so it can say goodbye to a still-running collector
        for p in procs:
            p.terminate()
        deadline = time.monotonic() + fp.STOP_GRACE_S
        for p in procs:
            p.wait_stop(deadline)
        for sc in scrapers:
            sc.join(timeout=10)
        if args.keep_tmp:
            print(f"floor: kept {tmpdir}", file=sys.stderr)
        else:
            shutil.rmtree(tmpdir, ignore_errors=True)


def summarize(out):
    w = out.get("windows") or []
    agent = [x["agent"]["cpu_ms_per_cycle"] for x in w if x["agent"].get("cpu_ms_per_cycle")]
    ne = [x["node_exporter"]["cpu_ms_per_cycle"] for x in w
          if x["node_exporter"].get("cpu_ms_per_cycle")]
    out["agent_ms_per_cycle"] = spread(agent)
    out["node_exporter_ms_per_scrape"] = spread(ne)
    f = out.get("floor_ms_per_pass")
    med = lambda d: d["median"] if d else None  # noqa: E731
    out["agent_over_floor"] = ratio(med(out["agent_ms_per_cycle"]), med(f))
    out["agent_over_node_exporter"] = ratio(med(out["agent_ms_per_cycle"]),
                                            med(out["node_exporter_ms_per_scrape"]))
    if w:
        last = w[-1]
        for key, r in (("agent", last["agent"]), ("node_exporter", last["node_exporter"])):
            out[f"{key}_rss_mb"] = round(r["rss_kb"] / 1024.0, 2) if r.get("rss_kb") else None
            out[f"{key}_pss_mb"] = round(r["pss_kb"] / 1024.0, 2) if r.get("pss_kb") else None
            out[f"{key}_threads"] = r.get("threads")


def report(out, problems):
    def rng(d, spec=".3f"):
        if not d:
            return "-"
        return f"{d['min']:{spec}} / {d['median']:{spec}} / {d['max']:{spec}}"

    print()
    print(f"hostmon floor benchmark ({out['mode']}): {out['cpus']} CPUs, kernel {out['kernel']}, "
          f"{out['date']}; {out.get('windows_n')} windows of "
          f"{out['duration_s'] / out['windows_n']:g} s after {out['warmup_s']:g} s warm-up")
    if "files" in out:
        print(f"one default collection opens {out['opens_per_collection']} /proc and /sys paths: "
              f"{out['files']} distinct ({out['directories']} directories)"
              + (f"; opened more than once: {out['opened_more_than_once']}"
                 if out["opened_more_than_once"] else ""))
    print()
    rows = [
        ("floor (C reader, distinct files) ms/pass", rng(out.get("floor_ms_per_pass"))),
        ("  of which system time (all passes)",
         "-" if out.get("floor_system_share") is None
         else f"{100 * out['floor_system_share']:.0f} %"),
        ("hostmon-agent ms/cycle (1 s, streaming)", rng(out.get("agent_ms_per_cycle"))),
        ("node_exporter ms/scrape (defaults, 1 s)", rng(out.get("node_exporter_ms_per_scrape"))),
        ("agent / floor (medians)", "-" if out.get("agent_over_floor") is None
         else f"{out['agent_over_floor']:.2f}"),
        ("agent / node_exporter (medians)", "-" if out.get("agent_over_node_exporter") is None
         else f"{out['agent_over_node_exporter']:.2f}"),
        ("agent RSS / PSS MB", f"{fp.fmt(out.get('agent_rss_mb'), '.1f')} / "
         f"{fp.fmt(out.get('agent_pss_mb'), '.1f')}"),
        ("agent threads", fp.fmt(out.get("agent_threads"), "d")),
        ("  of them gRPC 1.51's", fp.fmt(len((out.get("agent_thread_census") or {})
                                             .get("grpc_library", [])) or None, "d")),
        ("1-stream gRPC client threads (loadgen)",
         fp.fmt((out.get("grpc_client_census") or {}).get("total"), "d")),
        ("  of them gRPC 1.51's", fp.fmt(len((out.get("grpc_client_census") or {})
                                             .get("grpc_library", [])) or None, "d")),
        ("node_exporter RSS / PSS MB, threads", f"{fp.fmt(out.get('node_exporter_rss_mb'), '.1f')}"
         f" / {fp.fmt(out.get('node_exporter_pss_mb'), '.1f')}, "
         f"{fp.fmt(out.get('node_exporter_threads'), 'd')}"),
    ]
    width = max(len(r[0]) for r in rows)
    print(f"{'figure':<{width}}  min / median / max")
    print("-" * (width + 30))
    for name, value in rows:
        print(f"{name:<{width}}  {value}")
    if out.get("top_files"):
        print()
        print(f"most expensive files (CPU us per open+read+close, median of {out['file_reps']}; "
              f"all files: {out['files_us_total']} us):")
        for x in out["top_files"]:
            print(f"  {x['us']:8.1f}  {x['bytes']:7d} B  {x['path']}")
    tb = out.get("agent_thread_ms_per_cycle")
    if tb:
        print()
        print("the agent's CPU ms per cycle by thread (all windows; gRPC library threads also "
              f"summed: {tb['grpc_library_ms']:.3f}):")
        for name, ms in tb["by_name"].items():
            print(f"  {ms:8.3f}  {name}")
    census = out.get("agent_thread_census")
    if census:
        print(f"agent threads: own {census['own']}; gRPC library {census['grpc_library']}")
    gc = out.get("grpc_client_census")
    if gc:
        gt = out.get("grpc_client_thread_ms_per_s") or {}
        print(f"1-stream gRPC client (hostmon-loadgen --hosts=1, callback API): own {gc['own']}; "
              f"gRPC library {gc['grpc_library']} ({gt.get('grpc_library_ms', 0):.3f} ms/s)")
    report_lines = (out.get("agent_cost_report") or "").splitlines()
    table = [ln for ln in report_lines if not ln.startswith("#")]
    if table:
        print()
        print("the agent's own per-source cost (hostmon-agent --debug.cost, "
              f"{out['cost_collections']} collections; the 8 most expensive and the total):")
        for ln in table[:9] + table[-1:]:
            print("  " + ln)
    if out.get("files_failed"):
        print(f"not readable by the reader (skipped): {out['files_failed']}")
    print()
    print("floor: getrusage user+sys per pass of the reader (each file opened, read to EOF, "
          "closed once); agent and node_exporter: /proc/PID/task/*/schedstat CPU per delivered "
          "batch / answered scrape, one figure per window.")
    fp.print_problems_and_json(out, problems)


def main():
    repo = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--duration", type=float, default=60.0,
                    help="side-by-side measurement, s, split into --windows windows (60)")
    ap.add_argument("--windows", type=int, default=6, help="windows of the side-by-side run (6)")
    ap.add_argument("--warmup", type=float, default=5.0, help="s before the first window (5)")
    ap.add_argument("--grpc-client-s", type=float, default=5.0,
                    help="s the one-stream gRPC client is measured (5)")
    ap.add_argument("--passes", type=int, default=400, help="floor reader passes (400)")
    ap.add_argument("--file-reps", type=int, default=21,
                    help="repetitions per file for the per-file cost (21)")
    ap.add_argument("--cost-collections", type=int, default=200,
                    help="collections of hostmon-agent --debug.cost (200)")
    ap.add_argument("--build-dir", default=os.path.join(repo, "build"),
                    help="hostmon build dir with bin/hostmon-{agent,collector} (<repo>/build)")
    ap.add_argument("--smoke", action="store_true",
                    help="short run for the test suite (6 s, 2 windows, 40 passes); exit 1 "
                         "unless every step produced its figures")
    ap.add_argument("--keep-tmp", action="store_true", help="keep the temp dir (strace logs, "
                    "file list, reader, process logs)")
    args = ap.parse_args()
    if args.smoke:
        args.duration, args.windows, args.warmup, args.passes, args.file_reps = 6.0, 2, 1.0, 40, 5
        args.cost_collections, args.grpc_client_s = 5, 2.0
    if (args.duration <= 0 or args.windows < 1 or args.passes < 2 or args.file_reps < 1
            or not 1 <= args.cost_collections <= 10000):
        ap.error("--duration > 0, --windows >= 1, --passes >= 2, --file-reps >= 1, "
                 "--cost-collections 1 to 10000")
    out = {"benchmark": "hostmon-floor", "schema": 1, "mode": "smoke" if args.smoke else "full",
           "duration_s": args.duration, "windows_n": args.windows, "warmup_s": args.warmup,
           "passes_requested": args.passes, "file_reps": args.file_reps,
           "cost_collections": args.cost_collections,
           "cpus": os.cpu_count(), "kernel": platform.release(),
           "date": time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime()),
           "loadavg_start": os.getloadavg()[0]}
    problems = []

    def on_term(signum, frame):
        raise KeyboardInterrupt
    signal.signal(signal.SIGTERM, on_term)
    try:
        run(args, out, problems)
    except KeyboardInterrupt:
        print("floor: interrupted; all started processes were stopped", file=sys.stderr)
        return 130
    out["loadavg_end"] = os.getloadavg()[0]
    summarize(out)
    for key in ("floor_ms_per_pass", "agent_ms_per_cycle", "node_exporter_ms_per_scrape"):
        if not out.get(key):
            problems.append(f"no figure for {key}")
    report(out, problems)
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())

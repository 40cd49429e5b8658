# SPDX-License-Identifier: Apache-2.0
"""Shared helpers for hostmon's end-to-end tests (python3 standard library only).

Every process a test starts goes through `Processes.start()`, which remembers it by PID and
stops exactly those PIDs on the way out (SIGTERM, then SIGKILL), also when a check fails, an
exception is raised or the test itself is sent SIGTERM/SIGINT (e.g. by a CTest timeout).
Children additionally get PR_SET_PDEATHSIG=SIGKILL, so they die even if this script is
SIGKILLed. Nothing here ever signals a process it did not start.

Output of each process goes to a file in the test's temp dir (never a pipe, which could fill
up and block the child); `Proc.tail()` reads it back for failure reports.
"""

import argparse
import ctypes
import json
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import traceback
import urllib.error
import urllib.parse
import urllib.request

# ---------------------------------------------------------------------------------------------
# Time budget and waiting


class Budget:
    """Overall deadline for one test script; every wait is capped by what is left of it."""

    def __init__(self, seconds):
        self.start = time.monotonic()
        self.deadline = self.start + seconds

    def remaining(self):
        return max(0.0, self.deadline - time.monotonic())

    def elapsed(self):
        return time.monotonic() - self.start


_budget = Budget(55.0)


def set_budget(seconds):
    global _budget
    _budget = Budget(seconds)


def budget():
    return _budget


def wait_until(predicate, timeout, interval=0.2):
    """Calls predicate() until it returns a truthy value or `timeout` seconds (capped by the
    script's budget) have passed. Returns the last value (falsy on timeout). Exceptions from
    predicate count as a falsy result."""
    deadline = time.monotonic() + min(timeout, _budget.remaining())
    while True:
        try:
            value = predicate()
        except Exception:  # noqa: BLE001 - a failing probe just means "not yet"
            value = None
        if value:
            return value
        if time.monotonic() >= deadline:
            return value
        time.sleep(min(interval, max(0.0, deadline - time.monotonic())))


# ---------------------------------------------------------------------------------------------
# Ports


def free_port(host="127.0.0.1"):
    """A TCP port that was free on `host` a moment ago (bind to port 0, read it back, close)."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind((host, 0))
        return s.getsockname()[1]


def port_accepts(host, port, timeout=0.5):
    try:
        with socket.create_connection((host, port), timeout=timeout):
            return True
    except OSError:
        return False


# ---------------------------------------------------------------------------------------------
# Processes

_PR_SET_PDEATHSIG = 1


def _child_setup():
    # Runs in the child between fork and exec: die with the parent (the test script).
    try:
        libc = ctypes.CDLL(None, use_errno=True)
        libc.prctl(_PR_SET_PDEATHSIG, signal.SIGKILL, 0, 0, 0)
    except Exception:  # noqa: BLE001 - best effort
        pass


class Proc:
    """One started process; output captured to files."""

    def __init__(self, name, argv, popen, out_path, err_path):
        self.name = name
        self.argv = argv
        self.popen = popen
        self.pid = popen.pid
        self.out_path = out_path
        self.err_path = err_path
        self.tail_lines = 20
        self.timed_out = False

    def alive(self):
        return self.popen.poll() is None

    @property
    def returncode(self):
        return self.popen.poll()

    def _read(self, path):
        try:
            with open(path, "r", encoding="utf-8", errors="replace") as f:
                return f.read()
        except OSError:
            return ""

    def stderr(self):
        return self._read(self.err_path)

    def stdout(self):
        return self._read(self.out_path)

    def tail(self, lines=None, width=400):
        """Last `lines` lines of stderr (default: self.tail_lines), each cut to `width`."""
        text = self.stderr().splitlines()[-(lines or self.tail_lines):]
        return "\n".join(ln if len(ln) <= width else ln[:width] + "..." for ln in text)

    def signal(self, sig):
        if self.alive():
            try:
                os.kill(self.pid, sig)
            except ProcessLookupError:
                pass

    def wait(self, timeout):
        """Waits up to `timeout` s for exit; returns the exit code or None if still running.
        A negative code -N means killed by signal N (subprocess convention)."""
        try:
            return self.popen.wait(timeout=max(0.0, timeout))
        except subprocess.TimeoutExpired:
            return None

    def stop(self, grace=5.0):
        """SIGTERM, wait `grace` s, then SIGKILL. Returns the exit code."""
        if self.alive():
            self.signal(signal.SIGTERM)
            if self.wait(grace) is None:
                self.signal(signal.SIGKILL)
                self.wait(5.0)
        return self.returncode

    def wait_for_stderr(self, pattern, timeout):
        """Waits until stderr matches regex `pattern`; returns the match or None. Gives up early
        if the process has exited and the pattern is still missing."""
        rx = re.compile(pattern, re.MULTILINE)

        def probe():
            m = rx.search(self.stderr())
            if m:
                return m
            if not self.alive():
                # One last look: the process may have written just before exiting.
                m = rx.search(self.stderr())
                return m or "exited"
            return None

        r = wait_until(probe, timeout, 0.1)
        return r if isinstance(r, re.Match) else None

    def describe(self):
        state = "running" if self.alive() else "exited with %s" % self.returncode
        return "%s (pid %d, %s): %s" % (self.name, self.pid, state, " ".join(self.argv))


class Processes:
    """Starts processes and guarantees they are stopped (by PID) when the block ends."""

    def __init__(self, workdir):
        self.workdir = workdir
        self.procs = []
        self._counter = 0

    def start(self, name, argv, env=None, cwd=None):
        self._counter += 1
        base = os.path.join(self.workdir, "%02d-%s" % (self._counter, name))
        out_path, err_path = base + ".stdout", base + ".stderr"
        with open(out_path, "wb") as out, open(err_path, "wb") as err:
            popen = subprocess.Popen(
                argv,
                stdin=subprocess.DEVNULL,
                stdout=out,
                stderr=err,
                cwd=cwd or self.workdir,
                env=env,
                preexec_fn=_child_setup,
            )
        p = Proc(name, list(argv), popen, out_path, err_path)
        self.procs.append(p)
        log("started %s" % p.describe())
        return p

    def run(self, name, argv, timeout, env=None):
        """Runs a command to completion. After `timeout` s it is SIGKILLed; `proc.timed_out`
        tells whether that happened (its returncode is then -9)."""
        p = self.start(name, argv, env=env)
        rc = p.wait(timeout)
        p.timed_out = rc is None
        if rc is None:
            p.signal(signal.SIGKILL)
            p.wait(5.0)
        return p

    def cleanup(self):
        # Signal all first, then wait, so that shutdown of several processes overlaps.
        for p in self.procs:
            if p.alive():
                p.signal(signal.SIGTERM)
        deadline = time.monotonic() + 5.0
        for p in self.procs:
            if p.wait(deadline - time.monotonic()) is None:
                log("%s did not exit on SIGTERM; sending SIGKILL" % p.describe())
                p.signal(signal.SIGKILL)
                p.wait(5.0)

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.cleanup()
        return False


# ---------------------------------------------------------------------------------------------
# Logs of the hostmon binaries (logfmt)


def logfmt_value(text, key):
    """Last value of `key=...` in logfmt `text` (quoted or bare), or None."""
    rx = re.compile(r'(?:^|\s)%s=(?:"((?:[^"\\]|\\.)*)"|(\S+))' % re.escape(key), re.MULTILINE)
    found = None
    for m in rx.finditer(text):
        found = m.group(1) if m.group(1) is not None else m.group(2)
    return found


def parse_hostport(value):
    """'127.0.0.1:1234' -> ('127.0.0.1', 1234); None if it does not look like that."""
    if not value:
        return None
    m = re.fullmatch(r"\[?([^\]\s]+?)\]?:(\d+)", value.strip())
    if not m or int(m.group(2)) == 0:
        return None
    return m.group(1), int(m.group(2))


def wait_for_collector_addresses(proc, timeout=10.0):
    """Waits for the collector's `grpc_address=...` and `web_address=...` log fields.
    Returns (grpc_hostport, web_hostport); either may be None on timeout."""

    def probe():
        text = proc.stderr()
        g = parse_hostport(logfmt_value(text, "grpc_address"))
        w = parse_hostport(logfmt_value(text, "web_address"))
        if g and w:
            return g, w
        if not proc.alive():
            return "exited"
        return None

    r = wait_until(probe, timeout, 0.1)
    if isinstance(r, tuple):
        return r
    text = proc.stderr()
    return (parse_hostport(logfmt_value(text, "grpc_address")),
            parse_hostport(logfmt_value(text, "web_address")))


def start_loopback_collector(procs, runner, bin_dir, extra_args=()):
    """Starts hostmon-collector with gRPC and web on 127.0.0.1, ports chosen at run time, and
    requires both logged addresses. Returns (proc, grpc "host:port", web "host:port")."""
    proc = procs.start("collector", [
        os.path.join(bin_dir, "hostmon-collector"),
        "--grpc.listen-address=127.0.0.1:0",
        "--web.listen-address=127.0.0.1:0",
    ] + list(extra_args))
    grpc, web = wait_for_collector_addresses(proc, timeout=10.0)
    runner.require("collector logs its grpc and web addresses within 10 s", grpc and web,
                   proc.tail())
    return proc, "%s:%d" % grpc, "%s:%d" % web


def start_agent(procs, bin_dir, name, collector_grpc, hostname, extra_args=()):
    """Starts hostmon-agent collecting every second for `hostname`, sending to collector_grpc."""
    return procs.start(name, [
        os.path.join(bin_dir, "hostmon-agent"),
        "--collector.address=" + collector_grpc,
        "--collection.interval=1s",
        "--hostname=" + hostname,
    ] + list(extra_args))


# ---------------------------------------------------------------------------------------------
# HTTP, Prometheus exposition format and Prometheus's HTTP API


def http_get(url, timeout=3.0):
    """Returns (status, body_text); status is None when no HTTP answer was obtained."""
    try:
        with urllib.request.urlopen(url, timeout=timeout) as resp:
            return resp.status, resp.read().decode("utf-8", errors="replace")
    except urllib.error.HTTPError as e:
        try:
            body = e.read().decode("utf-8", errors="replace")
        except Exception:  # noqa: BLE001
            body = ""
        return e.code, body
    except (urllib.error.URLError, OSError, ValueError) as e:
        return None, str(e)


_NAME = r"[a-zA-Z_:][a-zA-Z0-9_:]*"
_SAMPLE_RX = re.compile(r"^(%s)(\{.*\})?\s+(\S+)(?:\s+(-?\d+))?\s*$" % _NAME)
_LABEL_RX = re.compile(r'\s*([a-zA-Z_][a-zA-Z0-9_]*)\s*=\s*"((?:[^"\\]|\\.)*)"\s*(,|\})')


def _unescape_label(v):
    return re.sub(r"\\(.)", lambda m: {"n": "\n", "\\": "\\", '"': '"'}.get(m.group(1),
                                                                           "\\" + m.group(1)), v)


def parse_exposition(text):
    """Minimal parser of the Prometheus text format: list of (name, labels_dict, value_float).
    Comment lines are skipped; unparsable lines raise ValueError (the format is a contract)."""
    samples = []
    for lineno, line in enumerate(text.splitlines(), 1):
        if not line.strip() or line.startswith("#"):
            continue
        m = _SAMPLE_RX.match(line)
        if not m:
            raise ValueError("line %d: not a sample: %r" % (lineno, line))
        name, lbl, value = m.group(1), m.group(2), m.group(3)
        labels = {}
        if lbl and lbl != "{}":
            pos, body = 1, lbl
            while pos < len(body):
                lm = _LABEL_RX.match(body, pos)
                if not lm:
                    raise ValueError("line %d: bad labels: %r" % (lineno, line))
                labels[lm.group(1)] = _unescape_label(lm.group(2))
                pos = lm.end()
                if lm.group(3) == "}":
                    break
        samples.append((name, labels, float(value)))
    return samples


def select(samples, name, **labels):
    """Samples with metric `name` whose labels include all of `labels` (exact values)."""
    return [s for s in samples
            if s[0] == name and all(s[1].get(k) == v for k, v in labels.items())]


def scrape(url, timeout=3.0):
    """GETs a /metrics URL; returns parsed samples or None if not HTTP 200."""
    status, body = http_get(url, timeout)
    if status != 200:
        return None
    return parse_exposition(body)


def promql_string(value):
    """Quotes a label value for a PromQL matcher."""
    return '"' + value.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n") + '"'


def selector(name, **labels):
    """PromQL selector with equality matchers, e.g. name{instance="h",job="node"}."""
    if not labels:
        return name
    return name + "{" + ",".join("%s=%s" % (k, promql_string(v))
                                 for k, v in sorted(labels.items())) + "}"


def prom_query(base_url, expr, timeout=3.0):
    """Instant query via /api/v1/query (URL-encoded). Returns the `result` list of a vector
    answer, or None on any error (HTTP, API status, or a non-vector result)."""
    url = base_url.rstrip("/") + "/api/v1/query?" + urllib.parse.urlencode({"query": expr})
    status, body = http_get(url, timeout)
    if status != 200:
        return None
    try:
        doc = json.loads(body)
    except ValueError:
        return None
    if doc.get("status") != "success" or doc.get("data", {}).get("resultType") != "vector":
        return None
    return doc["data"]["result"]


def prom_values(result):
    return [float(r["value"][1]) for r in result or []]


# ---------------------------------------------------------------------------------------------
# Prometheus (the real server, /usr/bin/prometheus)

PROMETHEUS_BIN = "/usr/bin/prometheus"


def write_prometheus_config(path, targets, job="hostmon-collector"):
    with open(path, "w") as f:
        f.write(
            "global:\n"
            "  scrape_interval: 1s\n"
            "  scrape_timeout: 1s\n"
            "  evaluation_interval: 1s\n"
            "scrape_configs:\n"
            "  - job_name: %s\n"
            "    honor_labels: true\n"
            "    static_configs:\n"
            "      - targets: [%s]\n" % (json.dumps(job), ", ".join(json.dumps(t) for t in targets))
        )


def start_prometheus(procs, workdir, config_path, attempts=3, ready_timeout=20.0):
    """Starts Prometheus on a free 127.0.0.1 port, retrying with another port if it does not
    come up (e.g. the port was taken between picking and binding). Returns (proc, base_url) or
    (last_proc, None)."""
    proc = None
    for attempt in range(1, attempts + 1):
        port = free_port()
        tsdb = os.path.join(workdir, "prometheus-data-%d" % attempt)
        argv = [
            PROMETHEUS_BIN,
            "--config.file=" + config_path,
            "--storage.tsdb.path=" + tsdb,
            "--web.listen-address=127.0.0.1:%d" % port,
            "--log.level=info",
        ]
        proc = procs.start("prometheus", argv)
        proc.tail_lines = 8  # its startup chatter is long; errors come last
        base = "http://127.0.0.1:%d" % port

        def ready():
            if not proc.alive():
                return "exited"
            status, _ = http_get(base + "/-/ready", timeout=1.0)
            return status == 200

        r = wait_until(ready, ready_timeout, 0.2)
        if r is True:
            return proc, base
        log("prometheus attempt %d on port %d did not become ready (%s); stderr tail:\n%s"
            % (attempt, port, r, indent(proc.tail(10))))
        proc.stop(grace=3.0)
        if "address already in use" not in proc.stderr() and r != "exited":
            break  # not a port clash: retrying would only burn the time budget
    return proc, None


# ---------------------------------------------------------------------------------------------
# Test runner


def log(msg):
    sys.stdout.write("[%6.2fs] %s\n" % (_budget.elapsed(), msg))
    sys.stdout.flush()


def indent(text, prefix="    | "):
    if not text:
        return prefix + "(empty)"
    return "\n".join(prefix + line for line in text.splitlines())


class Abort(Exception):
    """Raised by Runner.require(): the remaining checks cannot be meaningful."""


class _Terminated(BaseException):
    pass


def _on_signal(signum, _frame):
    raise _Terminated("received signal %d" % signum)


class Runner:
    """Per-check PASS/FAIL lines; the closing line is exactly `N passed, M failed`."""

    def __init__(self, procs=None):
        self.passed = 0
        self.failed = 0
        self.procs = procs

    def check(self, name, ok, detail=""):
        ok = bool(ok)
        if ok:
            self.passed += 1
            sys.stdout.write("PASS: %s\n" % name)
        else:
            self.failed += 1
            sys.stdout.write("FAIL: %s\n" % name)
            if detail:
                sys.stdout.write(indent(str(detail), "    ") + "\n")
            self.dump_processes()
        sys.stdout.flush()
        return ok

    def require(self, name, ok, detail=""):
        if not self.check(name, ok, detail):
            raise Abort(name)
        return ok

    def dump_processes(self):
        if not self.procs:
            return
        for p in self.procs.procs:
            sys.stdout.write("  -- %s\n  -- stderr tail:\n%s\n" % (p.describe(), indent(p.tail())))

    def summary(self):
        sys.stdout.write("%d passed, %d failed\n" % (self.passed, self.failed))
        sys.stdout.flush()
        return 0 if self.failed == 0 and self.passed > 0 else 1


def common_args(description):
    ap = argparse.ArgumentParser(description=description)
    ap.add_argument("--bin-dir", required=True,
                    help="directory holding hostmon-agent and hostmon-collector")
    ap.add_argument("--keep-tmp", action="store_true", help="keep the temp dir for inspection")
    return ap


def main(description, body, budget_seconds=55.0, extra_args=None):
    """Parses args, makes a fresh temp dir, runs body(args, procs, runner, workdir) and always
    stops every started process. Exits with the runner's status."""
    ap = common_args(description)
    if extra_args:
        extra_args(ap)
    args = ap.parse_args()
    args.bin_dir = os.path.abspath(args.bin_dir)
    set_budget(budget_seconds)
    signal.signal(signal.SIGTERM, _on_signal)
    signal.signal(signal.SIGINT, _on_signal)
    signal.signal(signal.SIGHUP, _on_signal)
    workdir = tempfile.mkdtemp(prefix="hostmon-e2e-")
    procs = Processes(workdir)
    runner = Runner(procs)
    log("temp dir %s" % workdir)
    try:
        for binary in ("hostmon-agent", "hostmon-collector"):
            path = os.path.join(args.bin_dir, binary)
            runner.require("binary %s exists and is executable" % binary,
                           os.path.isfile(path) and os.access(path, os.X_OK), path)
        body(args, procs, runner, workdir)
    except Abort as e:
        sys.stdout.write("aborting: remaining checks depend on: %s\n" % e)
    except _Terminated as e:
        runner.check("test ran to completion", False, str(e))
    except Exception:  # noqa: BLE001 - any crash is one failed check, with the traceback
        runner.check("test script raised no exception", False, traceback.format_exc())
    finally:
        try:
            procs.cleanup()
        except _Terminated:
            procs.cleanup()
        if args.keep_tmp or os.environ.get("HOSTMON_E2E_KEEP_TMP"):
            log("kept temp dir %s" % workdir)
        else:
            shutil.rmtree(workdir, ignore_errors=True)
    log("done in %.1fs" % _budget.elapsed())
    sys.exit(runner.summary())

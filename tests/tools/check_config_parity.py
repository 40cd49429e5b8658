#!/usr/bin/env python3
# SPDX-License-Identifier: Apache-2.0
"""--check-config says what a start says.

For each bad configuration below, `--check-config` must exit non-zero with an error naming the
problem, and starting the binary with the same configuration must exit with the same code and the
same error line (the start is given a few seconds, then killed by PID if it keeps running). Each
good configuration must pass --check-config and keep running when started. `--version` of both
binaries prints one line naming the binary and its version and exits 0.
"""
import argparse
import os
import re
import subprocess
import sys
import tempfile

START_TIMEOUT = 5.0

failures = []


def check(ok, what, detail=""):
    print(("PASS " if ok else "FAIL ") + what + ("" if ok else ": " + detail))
    if not ok:
        failures.append(what)


def error_line(stderr):
    """The first level=error log line, without its timestamp (it differs between runs)."""
    for line in stderr.splitlines():
        if "level=error" in line:
            return line[line.index("level=error"):]
    return None


def run_check(argv):
    p = subprocess.run(argv + ["--check-config"], capture_output=True, text=True, timeout=30)
    return p.returncode, p.stdout, p.stderr


def run_start(argv):
    """Returns (exit code or None if still running after START_TIMEOUT, stderr)."""
    with tempfile.TemporaryFile(mode="w+") as err:
        p = subprocess.Popen(argv, stdout=subprocess.DEVNULL, stderr=err, text=True)
        try:
            rc = p.wait(START_TIMEOUT)
        except subprocess.TimeoutExpired:
            rc = None
            p.terminate()
            try:
                p.wait(10)
            except subprocess.TimeoutExpired:
                p.kill()
                p.wait()
        err.seek(0)
        return rc, err.read()


def write(dirname, name, text):
    path = os.path.join(dirname, name)
    with open(path, "w") as f:
        f.write(text)
    return path


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--agent", required=True)
    ap.add_argument("--collector", required=True)
    args = ap.parse_args()

    work = tempfile.mkdtemp(prefix="hostmon_check_config_")
    missing = os.path.join(work, "missing.pem")
    # The agent's start connects to nothing that listens: 127.0.0.1:1 refuses at once.
    agent_base = "collector:\n  address: 127.0.0.1:1\nspool:\n  directory: \"\"\n"
    collector_base = "grpc:\n  listen_address: 127.0.0.1:0\nweb:\n  listen_address: 127.0.0.1:0\n"

    # (name, yaml, extra flags, text the error must contain)
    agent_bad = [
        ("plaintext to a remote collector",
         "collector:\n  address: 192.0.2.1:9710\n", [], "refusing to send without TLS"),
        ("unreadable CA file",
         "collector:\n  address: 192.0.2.1:9710\n  tls:\n    ca_file: %s\n" % missing, [],
         "missing.pem"),
        ("host name too long", agent_base + "hostname: %s\n" % ("h" * 254), [], "hostname"),
        ("host name with a control character", agent_base + "hostname: \"web\\t1\"\n", [],
         "hostname"),
        ("reserved label instance", agent_base + "labels:\n  instance: x\n", [], "is the host name"),
        ("reserved label __foo", agent_base + "labels:\n  __foo: x\n", [], "__foo"),
        ("unknown source", agent_base + "sources:\n  no_such_source: true\n", [],
         "no_such_source"),
        ("bad source option", agent_base, ["--source.netclass.ignored-devices=("],
         "ignored-devices"),
        ("bad slow-tier option", agent_base + "sources:\n  smart: true\n",
         ["--source.smart.interval=-5s"], "smart"),
        ("bad spool option", "collector:\n  address: 127.0.0.1:1\nspool:\n  fsync: sometimes\n", [],
         "spool.fsync"),
    ]
    collector_bad = [
        ("plaintext gRPC on all interfaces",
         "grpc:\n  listen_address: 0.0.0.0:0\nweb:\n  listen_address: 127.0.0.1:0\n", [],
         "refusing to serve gRPC without TLS"),
        ("unreadable TLS files",
         "grpc:\n  listen_address: 127.0.0.1:0\n  tls:\n    cert_file: %s\n    key_file: %s\n"
         "web:\n  listen_address: 127.0.0.1:0\n" % (missing, missing), [], "missing.pem"),
        ("web listen address without a port",
         "grpc:\n  listen_address: 127.0.0.1:0\nweb:\n  listen_address: localhost\n", [],
         "web listen address"),
        ("remote_write URL not http(s)",
         collector_base + "remote_write:\n  - url: ftp://example.org/write\n", [], "remote_write"),
        ("alertmanager URL not http(s)", collector_base, ["--alertmanager.url=ftp://example.org"],
         "ftp://example.org"),
        ("missing rules file", collector_base, ["--rules.file=" + os.path.join(work, "no.yml")],
         "no.yml"),
        ("hello timeout of 0s", collector_base + "ingest:\n  hello_timeout: 0s\n", [],
         "ingest.hello_timeout"),
        ("timestamp age below 1m", collector_base + "ingest:\n  max_timestamp_age: 1s\n", [],
         "ingest.max_timestamp_age"),
        ("host limit of 0", collector_base + "hosts:\n  max_hosts: 0\n", [], "hosts.max_hosts"),
        ("negative sample rate", collector_base + "ingest:\n  max_samples_per_second: -5\n", [],
         "ingest.max_samples_per_second"),
    ]
    good = [
        ("agent", args.agent, agent_base + "hostname: web1\nlabels:\n  dc: fra1\n", []),
        ("collector", args.collector, collector_base, []),
        ("collector", args.collector,
         collector_base + "hosts:\n  max_hosts: 50\n  max_hosts_per_client: 5\n"
         "  max_series_total: 100000\ningest:\n  hello_timeout: 3s\n"
         "  max_samples_per_second: 0\n  max_timestamp_future: 1m\n  max_timestamp_age: 1h\n",
         []),
    ]

    for binary, cases in ((args.agent, agent_bad), (args.collector, collector_bad)):
        prog = os.path.basename(binary)
        for i, (name, yaml, flags, needle) in enumerate(cases):
            cfg = write(work, "%s-bad-%d.yml" % (prog, i), yaml)
            argv = [binary, "--config.file=" + cfg] + flags
            rc, _, err = run_check(argv)
            line = error_line(err)
            check(rc != 0 and line is not None and needle in line,
                  "%s --check-config refuses %s: %s" % (prog, name, line),
                  "exit %s, stderr %r" % (rc, err[-500:]))
            src, serr = run_start(argv)
            sline = error_line(serr)
            check(src is not None and src == rc and sline == line,
                  "%s start refuses %s the same way" % (prog, name),
                  "start exit %s vs check %s; start said %r, check said %r"
                  % (src, rc, sline, line))

    for kind, binary, yaml, flags in good:
        prog = os.path.basename(binary)
        cfg = write(work, "%s-good.yml" % prog, yaml)
        argv = [binary, "--config.file=" + cfg] + flags
        rc, out, err = run_check(argv)
        check(rc == 0 and "SUCCESS: configuration is valid" in out,
              "%s --check-config accepts a good %s config" % (prog, kind),
              "exit %s, stdout %r, stderr %r" % (rc, out, err[-500:]))
        src, serr = run_start(argv)
        check(src is None, "%s starts with the good config" % prog,
              "exited %s: %r" % (src, serr[-500:]))

    for binary in (args.agent, args.collector):
        prog = os.path.basename(binary)
        p = subprocess.run([binary, "--version"], capture_output=True, text=True, timeout=10)
        lines = p.stdout.splitlines()
        check(p.returncode == 0 and len(lines) == 1
              and re.match(re.escape(prog) + r" \d+\.\d+\.\d+ \(git \S+, .*gRPC .*protobuf ", lines[0]),
              "%s --version prints one line" % prog, "exit %s, %r" % (p.returncode, p.stdout))

    subprocess.run(["rm", "-rf", work])
    print("%d failed" % len(failures))
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())

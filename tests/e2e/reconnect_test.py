#!/usr/bin/env python3
# SPDX-License-Identifier: Apache-2.0
"""Agent started before the collector, collector restart, malformed configs, clean SIGTERM.

Usage: reconnect_test.py --bin-dir build/bin
"""

import os
import re
import secrets
import signal
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import harness as h  # noqa: E402

DATA_TIMEOUT_S = 15.0

# Line 3 holds the syntax error (yaml-cpp: "illegal map value" at line 3).
SYNTAX_ERROR_YAML = (
    "# hostmon e2e: YAML syntax error on line 3, on purpose\n"
    "e2e_fine: 1\n"
    "e2e_broken: a: b\n"
    "e2e_after: 3\n"
)
UNKNOWN_KEY = "e2e_unknown_key_zq"
# Line 3 holds the only key, which no hostmon config knows.
UNKNOWN_KEY_YAML = (
    "# hostmon e2e: unknown key on line 3, on purpose\n"
    "\n"
    "%s: 1\n" % UNKNOWN_KEY
)
BAD_LINE = 3


def start_collector(procs, args, grpc_port, name):
    proc = procs.start(name, [
        os.path.join(args.bin_dir, "hostmon-collector"),
        "--grpc.listen-address=127.0.0.1:%d" % grpc_port,
        "--web.listen-address=127.0.0.1:0",
    ])
    grpc, web = h.wait_for_collector_addresses(proc, timeout=10.0)
    return proc, grpc, web


def wait_for_host_data(web, host):
    url = "http://%s:%d/metrics" % web
    last = {}

    def probe():
        samples = h.scrape(url)
        last["n"] = None if samples is None else len(samples)
        return samples and h.select(samples, "node_load1", instance=host)

    t0 = time.monotonic()
    found = h.wait_until(probe, DATA_TIMEOUT_S, 0.5)
    return found, time.monotonic() - t0, last.get("n")


def mentions_line(text, path, line):
    base = re.escape(os.path.basename(path))
    return bool(re.search(r"%s:%d\b" % (base, line), text)
                or re.search(r"\bline[ =:]+\"?%d\b" % line, text, re.IGNORECASE))


def mentions_file(text, path):
    return path in text or os.path.basename(path) in text


def check_config_error(runner, proc, what, path, key=None):
    err = proc.stderr()
    detail = "command: %s\nexit code: %r%s\nstderr:\n%s" % (
        " ".join(proc.argv), proc.returncode, " (timed out, killed)" if proc.timed_out else "",
        h.indent(err[-2000:]))
    runner.check("%s exits promptly with a non-zero code (not a crash)" % what,
                 not proc.timed_out and proc.returncode is not None and proc.returncode > 0,
                 detail)
    runner.check("%s: stderr names the file %s" % (what, os.path.basename(path)),
                 mentions_file(err, path), detail)
    runner.check("%s: stderr names line %d" % (what, BAD_LINE),
                 mentions_line(err, path, BAD_LINE), detail)
    if key:
        runner.check("%s: stderr names the unknown key %s" % (what, key), key in err, detail)


def body(args, procs, runner, workdir):
    host = "e2e-" + secrets.token_hex(4)
    port = h.free_port()
    address = "127.0.0.1:%d" % port
    h.log("agent host name %s, collector gRPC address %s" % (host, address))

    # --- agent first, collector unreachable -------------------------------------------------
    agent = procs.start("agent", [
        os.path.join(args.bin_dir, "hostmon-agent"),
        "--collector.address=" + address,
        "--collection.interval=1s",
        "--hostname=" + host,
    ])
    t_start = time.monotonic()

    def warn_lines():
        return [ln for ln in agent.stderr().splitlines()
                if "level=warn" in ln and address in ln]

    def enough_retries():
        lines = warn_lines()
        retry = [ln for ln in lines if re.search(r"retry|retrying|backoff|reconnect", ln, re.I)]
        return len(lines) >= 2 and retry

    h.wait_until(lambda: enough_retries() or not agent.alive(), 7.0, 0.2)
    # Keep the agent alone for at least ~6 s in total: it must not give up.
    time.sleep(max(0.0, 6.0 - (time.monotonic() - t_start)))
    lines = warn_lines()
    detail = "level=warn lines naming %s:\n%s" % (address, h.indent("\n".join(lines[:10])))
    runner.check("agent keeps running while the collector is unreachable (~6 s)",
                 agent.alive(), "agent exited with %r" % agent.returncode)
    runner.check("agent logs a level=warn line naming %s" % address, lines, detail)
    runner.check("agent shows at least 2 connection attempts (level=warn lines) within ~6 s",
                 len(lines) >= 2, detail)
    runner.check("agent's warn log mentions retry/backoff", enough_retries(), detail)
    runner.require("agent still running", agent.alive(), "")

    # --- collector comes up on that port ----------------------------------------------------
    collector, grpc, web = start_collector(procs, args, port, "collector")
    runner.require("collector logs grpc_address and web_address within 10 s", grpc and web,
                   "grpc=%r web=%r" % (grpc, web))
    runner.check("collector's grpc_address is the requested %s" % address, grpc == ("127.0.0.1", port),
                 "logged %r" % (grpc,))
    found, took, n = wait_for_host_data(web, host)
    runner.check("agent's node_load1{instance=%r} appears on the collector's /metrics within %gs"
                 % (host, DATA_TIMEOUT_S), found, "last scrape had %r samples" % n)
    if found:
        h.log("data appeared after %.1fs" % took)

    # --- collector restart ------------------------------------------------------------------
    collector.signal(signal.SIGTERM)
    rc = collector.wait(10.0)
    runner.check("collector exits within 10 s of SIGTERM", rc is not None, "still running")
    runner.check("collector exits 0 on SIGTERM", rc == 0, "exit code %r" % rc)
    if rc is None:
        collector.stop()

    collector2, grpc2, web2 = start_collector(procs, args, port, "collector-restarted")
    runner.require("restarted collector logs its addresses within 10 s (same gRPC port %d)" % port,
                   grpc2 and web2, "grpc=%r web=%r" % (grpc2, web2))
    found, took, n = wait_for_host_data(web2, host)
    runner.check("agent's data appears again on the restarted collector within %gs"
                 % DATA_TIMEOUT_S, found, "last scrape had %r samples" % n)
    if found:
        h.log("data appeared again after %.1fs" % took)
    runner.check("agent is still running after the collector restart", agent.alive(),
                 "agent exited with %r" % agent.returncode)

    # --- malformed configs ------------------------------------------------------------------
    syntax = os.path.join(workdir, "syntax-error.yaml")
    unknown = os.path.join(workdir, "unknown-key.yaml")
    with open(syntax, "w") as f:
        f.write(SYNTAX_ERROR_YAML)
    with open(unknown, "w") as f:
        f.write(UNKNOWN_KEY_YAML)

    agent_bin = os.path.join(args.bin_dir, "hostmon-agent")
    collector_bin = os.path.join(args.bin_dir, "hostmon-collector")
    helptext = procs.run("collector-help", [collector_bin, "--help"], timeout=5.0)
    has_check = "--check-config" in helptext.stdout() + helptext.stderr()
    h.log("collector %s --check-config" % ("supports" if has_check else "does NOT list"))

    def collector_argv(cfg):
        if has_check:
            return [collector_bin, "--config.file=" + cfg, "--check-config"]
        return [collector_bin, "--config.file=" + cfg,
                "--grpc.listen-address=127.0.0.1:0", "--web.listen-address=127.0.0.1:0"]

    for path, key, kind in ((syntax, None, "a syntax error"), (unknown, UNKNOWN_KEY, "an unknown key")):
        p = procs.run("agent-badconfig", [agent_bin, "--config.file=" + path, "--once"],
                      timeout=10.0)
        check_config_error(runner, p, "agent --once with a config with %s" % kind, path, key)
        p = procs.run("collector-badconfig", collector_argv(path), timeout=5.0)
        check_config_error(runner, p, "collector%s with a config with %s"
                           % (" --check-config" if has_check else "", kind), path, key)

    # --- frozen collector: a hung peer must not hang the agent's shutdown ------------------
    frozen_host = host + "-frozen"
    agent2 = procs.start("agent-frozen-peer", [
        agent_bin, "--collector.address=" + address, "--collection.interval=100ms",
        "--hostname=" + frozen_host])
    found2, _, _ = wait_for_host_data(web2, frozen_host)
    runner.require("second agent's data reaches the restarted collector", found2, "")
    collector2.signal(signal.SIGSTOP)
    try:
        time.sleep(2.0)
        runner.check("agent keeps running while the collector is frozen (SIGSTOP)", agent2.alive(),
                     "agent exited with %r" % agent2.returncode)
        t0 = time.monotonic()
        agent2.signal(signal.SIGTERM)
        rc2 = agent2.wait(8.0)
        took2 = time.monotonic() - t0
        runner.check("agent stops within 8 s of SIGTERM although the collector is frozen",
                     rc2 is not None, "still running after %.1fs" % took2)
        runner.check("agent exits 0 after cancelling the frozen stream", rc2 == 0,
                     "exit code %r" % rc2)
        runner.check("agent logs the unacknowledged batches it loses",
                     "unacknowledged batches lost" in agent2.stderr(), agent2.tail(5))
        h.log("agent stopped %.1fs after SIGTERM with a frozen collector" % took2)
    finally:
        collector2.signal(signal.SIGCONT)

    # --- clean shutdown ---------------------------------------------------------------------
    runner.require("agent still running before SIGTERM", agent.alive(),
                   "agent exited with %r" % agent.returncode)
    agent.signal(signal.SIGTERM)
    rc = agent.wait(5.0)
    runner.check("agent exits within 5 s of SIGTERM", rc is not None, "still running")
    runner.check("agent exits 0 on SIGTERM", rc == 0, "exit code %r" % rc)


if __name__ == "__main__":
    h.main(__doc__.strip().splitlines()[0], body, budget_seconds=55.0)

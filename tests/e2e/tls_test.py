#!/usr/bin/env python3
# SPDX-License-Identifier: Apache-2.0
"""TLS / mTLS between hostmon-agent and hostmon-collector, and the plaintext policy.

Usage: tls_test.py --bin-dir build/bin [--keep-tmp]

Certificates are made at run time with the `openssl` CLI (EC P-256, valid 2 days) in the
test's fresh temp dir: a CA, a server certificate it signed (SAN IP:127.0.0.1, DNS:localhost,
EKU serverAuth), a client certificate it signed (EKU clientAuth), and a rogue CA with a client
certificate of its own. Everything listens on and connects to 127.0.0.1 only.

Every rejected scenario (no client cert, rogue client cert, agent trusting the wrong CA,
plaintext agent) gets a collector of its own, so "the collector's
hostmon_collector_streams_opened_total did not move" is attributable to exactly that agent; after
the observation window a good agent is pointed at each of those collectors as a control, which
proves that the collector was able to accept data all along (the rejection came from the
credentials, not from a broken collector).
"""

import os
import re
import socket
import subprocess
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import harness as h  # noqa: E402

DATA_TIMEOUT_S = 15.0      # happy path: data must show up within this
REJECT_WINDOW_S = 6.0      # rejected agents: no data / no stream during this
EXIT_TIMEOUT_S = 5.0       # policy / bad-file runs must exit within this
POLL_S = 0.4

SERVER_EXT = (
    "basicConstraints=critical,CA:FALSE\n"
    "keyUsage=critical,digitalSignature,keyEncipherment\n"
    "extendedKeyUsage=serverAuth\n"
    "subjectAltName=IP:127.0.0.1,DNS:localhost\n"
)
CLIENT_EXT = (
    "basicConstraints=critical,CA:FALSE\n"
    "keyUsage=critical,digitalSignature\n"
    "extendedKeyUsage=clientAuth\n"
)


# ---------------------------------------------------------------------------------------------
# Certificates


def openssl(argv, cwd):
    """Runs `openssl ARGV`; raises RuntimeError with its output on failure."""
    r = subprocess.run(["openssl"] + argv, cwd=cwd, stdin=subprocess.DEVNULL,
                       stdout=subprocess.PIPE, stderr=subprocess.STDOUT, timeout=20)
    if r.returncode != 0:
        raise RuntimeError("openssl %s failed (exit %d):\n%s" % (
            " ".join(argv), r.returncode, r.stdout.decode("utf-8", "replace")))
    return r.stdout.decode("utf-8", "replace")


def ec_key_args():
    return ["-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes"]


def make_ca(pki, name):
    openssl(["req", "-x509", "-sha256", "-days", "2"] + ec_key_args() + [
        "-keyout", name + ".key", "-out", name + ".pem", "-subj", "/CN=hostmon e2e " + name,
        "-addext", "basicConstraints=critical,CA:TRUE",
        "-addext", "keyUsage=critical,keyCertSign,cRLSign"], pki)


def make_leaf(pki, name, ca, ext):
    with open(os.path.join(pki, name + ".ext"), "w") as f:
        f.write(ext)
    openssl(["req", "-new", "-sha256"] + ec_key_args() + [
        "-keyout", name + ".key", "-out", name + ".csr", "-subj", "/CN=hostmon-e2e-" + name], pki)
    openssl(["x509", "-req", "-sha256", "-days", "2", "-in", name + ".csr",
             "-CA", ca + ".pem", "-CAkey", ca + ".key", "-CAcreateserial",
             "-out", name + ".pem", "-extfile", name + ".ext"], pki)


def make_pki(workdir):
    """Returns a dict of absolute file paths."""
    pki = os.path.join(workdir, "pki")
    os.makedirs(pki)
    make_ca(pki, "ca")
    make_ca(pki, "rogue-ca")
    make_leaf(pki, "server", "ca", SERVER_EXT)
    # With mTLS the collector only accepts host names the client certificate names (identity
    # mode exact, docs/security.md): the one good client certificate names every host it serves.
    make_leaf(pki, "client", "ca", CLIENT_EXT + "subjectAltName=" + ",".join(
        "DNS:" + n for n in ["tls-ok", "tls-sni", "tls-wrong-ca"]
        + ["tls-control-" + s for s in ("nocert", "rogue", "wrongca", "plain")]) + "\n")
    make_leaf(pki, "rogue-client", "rogue-ca", CLIENT_EXT)
    # Sanity: the chain is what we think it is (a typo here would make every check meaningless).
    openssl(["verify", "-CAfile", "ca.pem", "-purpose", "sslserver", "server.pem"], pki)
    openssl(["verify", "-CAfile", "ca.pem", "-purpose", "sslclient", "client.pem"], pki)
    openssl(["verify", "-CAfile", "rogue-ca.pem", "-purpose", "sslclient",
             "rogue-client.pem"], pki)
    f = {}
    for n in ("ca", "rogue-ca", "server", "client", "rogue-client"):
        f[n + ".pem"] = os.path.join(pki, n + ".pem")
        f[n + ".key"] = os.path.join(pki, n + ".key")
    return f


# ---------------------------------------------------------------------------------------------
# Processes


def collector_argv(args, pki):
    return [
        os.path.join(args.bin_dir, "hostmon-collector"),
        "--grpc.listen-address=127.0.0.1:0",
        "--web.listen-address=127.0.0.1:0",
        "--tls.cert-file=" + pki["server.pem"],
        "--tls.key-file=" + pki["server.key"],
        "--tls.ca-file=" + pki["ca.pem"],
    ]


def agent_argv(args, address, hostname, tls):
    return [
        os.path.join(args.bin_dir, "hostmon-agent"),
        "--collector.address=%s" % address,
        "--collection.interval=1s",
        "--hostname=" + hostname,
    ] + tls


def good_client_tls(pki):
    return ["--tls.ca-file=" + pki["ca.pem"], "--tls.cert-file=" + pki["client.pem"],
            "--tls.key-file=" + pki["client.key"]]


class Collector:
    def __init__(self, label, proc, grpc, web):
        self.label = label
        self.proc = proc
        self.grpc = grpc
        self.web = web
        self.url = "http://%s:%d/metrics" % web if web else None
        self.addr = "%s:%d" % grpc if grpc else None

    def scrape(self):
        return h.scrape(self.url, timeout=2.0) if self.url else None


def start_collector(procs, args, pki, label):
    proc = procs.start("collector-" + label, collector_argv(args, pki))
    grpc, web = h.wait_for_collector_addresses(proc, timeout=10.0)
    return Collector(label, proc, grpc, web)


def streams_opened(samples):
    s = h.select(samples or [], "hostmon_collector_streams_opened_total")
    return s[0][2] if s else None


def instance_series(samples, host):
    return [s for s in samples or [] if s[1].get("instance") == host]


def failed_stream_warnings(text, address):
    """level=warn lines about a failed connection/stream to `address` (the plaintext warning
    does not count)."""
    out = []
    for line in text.splitlines():
        if "level=warn" not in line or "plaintext" in line:
            continue
        if address not in line:
            continue
        if re.search(r"retry|unreach|fail|error|err=|closed|handshake|unavailable", line, re.I):
            out.append(line)
    return out


def proc_detail(proc, extra=""):
    return "%scommand: %s\nexit code: %r\nstderr tail:\n%s" % (
        extra, " ".join(proc.argv), proc.returncode, h.indent(proc.tail(12)))


def localhost_is_loopback_v4():
    try:
        infos = socket.getaddrinfo("localhost", None, socket.AF_INET, socket.SOCK_STREAM)
    except OSError:
        return False
    return any(i[4][0] == "127.0.0.1" for i in infos)


# ---------------------------------------------------------------------------------------------
# Policy and bad-file runs (started first, judged later: they run while the rest is set up)


def start_exit_runs(procs, args):
    coll = os.path.join(args.bin_dir, "hostmon-collector")
    agent = os.path.join(args.bin_dir, "hostmon-agent")
    runs = {
        "policy-collector": procs.start("policy-collector", [
            coll, "--grpc.listen-address=0.0.0.0:0", "--web.listen-address=127.0.0.1:0"]),
        "policy-agent": procs.start("policy-agent", [
            agent, "--collector.address=collector.invalid:9710", "--collection.interval=1s",
            "--hostname=policy-agent"]),
    }
    return runs, time.monotonic()


def start_badfile_run(procs, args, pki):
    return procs.start("badfile-collector", [
        os.path.join(args.bin_dir, "hostmon-collector"),
        "--grpc.listen-address=127.0.0.1:0",
        "--web.listen-address=127.0.0.1:0",
        "--tls.cert-file=/nonexistent.pem",
        "--tls.key-file=" + pki["server.key"],
        "--tls.ca-file=" + pki["ca.pem"],
    ]), time.monotonic()


def finish_exit_run(proc, started):
    """Waits until EXIT_TIMEOUT_S after `started`; kills the process if still running.
    Returns (exit_code_or_None, seconds_to_exit_or_None, output)."""
    rc = proc.wait(started + EXIT_TIMEOUT_S - time.monotonic())
    took = None
    if rc is None:
        proc.stop(grace=1.0)
    else:
        took = time.monotonic() - started  # upper bound
    return rc, took, proc.stderr() + proc.stdout()


def judge_policy(runner, runs, started):
    p = runs["policy-collector"]
    rc, took, out = finish_exit_run(p, started)
    d = proc_detail(p, "" if rc is not None else "(still running after %.0fs; killed)\n"
                    % EXIT_TIMEOUT_S)
    runner.check("7a. plaintext collector on 0.0.0.0 exits within %.0fs with code 2 (got %r)"
                 % (EXIT_TIMEOUT_S, rc), rc == 2, d)
    runner.check("7b. its error message names 0.0.0.0", "0.0.0.0" in out, d)

    p = runs["policy-agent"]
    rc, took, out = finish_exit_run(p, started)
    d = proc_detail(p, "" if rc is not None else "(still running after %.0fs; killed)\n"
                    % EXIT_TIMEOUT_S)
    runner.check("7c. plaintext agent to collector.invalid:9710 exits within %.0fs with code 2 "
                 "(got %r)" % (EXIT_TIMEOUT_S, rc), rc == 2, d)
    runner.check("7d. its stderr names collector.invalid", "collector.invalid" in p.stderr(), d)


def judge_badfile(runner, proc, started):
    rc, took, out = finish_exit_run(proc, started)
    d = proc_detail(proc, "" if rc is not None else "(still running after %.0fs; killed)\n"
                    % EXIT_TIMEOUT_S)
    runner.check("8a. collector with --tls.cert-file=/nonexistent.pem exits non-zero within "
                 "%.0fs (got %r)" % (EXIT_TIMEOUT_S, rc), rc is not None and rc > 0, d)
    runner.check("8b. its error message names /nonexistent.pem", "/nonexistent.pem" in out, d)


# ---------------------------------------------------------------------------------------------
# The test


def body(args, procs, runner, workdir):
    policy_runs, policy_started = start_exit_runs(procs, args)

    try:
        pki = make_pki(workdir)
        ok, detail = True, ""
    except (RuntimeError, OSError, subprocess.SubprocessError) as e:
        pki, ok, detail = None, False, str(e)
    if not ok:
        judge_policy(runner, policy_runs, policy_started)
    runner.require("test certificates created with openssl (CA, server, client, rogue CA/client)",
                   ok, detail)

    badfile_proc, badfile_started = start_badfile_run(procs, args, pki)

    # One collector per scenario: "happy" also serves the server-name variant.
    scenarios = {
        # label: (hostname, agent TLS flags, check number, description)
        "nocert": ("tls-nocert", ["--tls.ca-file=" + pki["ca.pem"]], 2,
                   "agent without a client certificate"),
        "rogue": ("tls-rogue-client", [
            "--tls.ca-file=" + pki["ca.pem"], "--tls.cert-file=" + pki["rogue-client.pem"],
            "--tls.key-file=" + pki["rogue-client.key"]], 3,
            "agent with a client certificate from a rogue CA"),
        "wrongca": ("tls-wrong-ca", [
            "--tls.ca-file=" + pki["rogue-ca.pem"], "--tls.cert-file=" + pki["client.pem"],
            "--tls.key-file=" + pki["client.key"]], 4,
            "agent trusting the wrong CA"),
        "plain": ("tls-plaintext", [], 5, "plaintext agent"),
    }
    collectors = {}
    for label in ["happy"] + list(scenarios):
        collectors[label] = start_collector(procs, args, pki, label)
    for label, c in collectors.items():
        runner.require("collector-%s starts with TLS and reports its addresses" % label,
                       c.grpc and c.web, proc_detail(c.proc))

    happy = collectors["happy"]
    log_text = happy.proc.stderr()
    runner.check("1a. collector log says tls=on mtls=on",
                 re.search(r"\btls=on\b", log_text) and re.search(r"\bmtls=on\b", log_text),
                 proc_detail(happy.proc))

    # Baselines before any agent talks to the negative collectors.
    baseline = {}
    for label in scenarios:
        baseline[label] = streams_opened(collectors[label].scrape())
        runner.require("collector-%s answers /metrics with hostmon_collector_streams_opened_total"
                       % label, baseline[label] is not None, proc_detail(collectors[label].proc))

    # Start all agents together.
    agents = {}
    agents["ok"] = procs.start("agent-tls-ok", agent_argv(
        args, happy.addr, "tls-ok", good_client_tls(pki)))
    sni_ok = localhost_is_loopback_v4()
    if sni_ok:
        agents["sni"] = procs.start("agent-tls-sni", agent_argv(
            args, "localhost:%d" % happy.grpc[1], "tls-sni",
            good_client_tls(pki) + ["--tls.server-name=localhost"]))
    for label, (host, tls, _, _) in scenarios.items():
        agents[label] = procs.start("agent-" + host, agent_argv(
            args, collectors[label].addr, host, tls))
    t0 = time.monotonic()

    # Watch every collector: positives until their data shows up (<= 15 s), negatives for the
    # whole rejection window.
    found_at = {}                                   # "ok"/"sni" -> seconds
    seen = {label: [] for label in scenarios}       # negative label -> series seen
    max_streams = dict(baseline)
    scrape_errors = {label: 0 for label in collectors}
    positives = [("ok", "tls-ok")] + ([("sni", "tls-sni")] if sni_ok else [])
    while True:
        now = time.monotonic() - t0
        samples = happy.scrape()
        if samples is None:
            scrape_errors["happy"] += 1
        for key, host in positives:
            if key not in found_at and h.select(samples or [], "node_load1", instance=host):
                found_at[key] = now
        if now <= REJECT_WINDOW_S:
            for label, (host, _, _, _) in scenarios.items():
                s = collectors[label].scrape()
                if s is None:
                    scrape_errors[label] += 1
                    continue
                if not seen[label]:
                    seen[label] = instance_series(s, host)
                v = streams_opened(s)
                if v is not None and (max_streams[label] is None or v > max_streams[label]):
                    max_streams[label] = v
        all_found = all(k in found_at for k, _ in positives)
        if (now >= REJECT_WINDOW_S and all_found) or now >= DATA_TIMEOUT_S \
                or h.budget().remaining() < 15:
            break
        time.sleep(POLL_S)

    # 1. happy path
    runner.check("1b. mTLS agent's node_load1{instance=\"tls-ok\"} on the collector's /metrics "
                 "within %.0fs%s" % (DATA_TIMEOUT_S, " (after %.1fs)" % found_at["ok"]
                                     if "ok" in found_at else ""),
                 "ok" in found_at,
                 "scrape errors: %d\n%s\n%s" % (scrape_errors["happy"], proc_detail(happy.proc),
                                                proc_detail(agents["ok"])))

    # 2-5. rejected agents
    for label, (host, _, num, what) in scenarios.items():
        c, a = collectors[label], agents[label]
        d = "scrape errors during window: %d\n%s\n%s" % (
            scrape_errors[label], proc_detail(c.proc), proc_detail(a))
        runner.check("%d. %s: no series with instance=\"%s\" within %.0fs" % (
            num, what, host, REJECT_WINDOW_S), not seen[label] and scrape_errors[label] == 0,
            d + ("\nseen: %r" % seen[label][:5] if seen[label] else ""))
        runner.check("%d. %s: hostmon_collector_streams_opened_total unchanged (%r -> %r)" % (
            num, what, baseline[label], max_streams[label]),
            max_streams[label] == baseline[label], d)
        warns = failed_stream_warnings(a.stderr(), c.addr)
        runner.check("%d. %s: agent logs level=warn lines about the failed stream (%d) and "
                     "keeps retrying (alive, >= 2 attempts)" % (num, what, len(warns)),
                     a.alive() and len(warns) >= 2, d)
        if label == "plain":
            runner.check("5. plaintext agent logs the level=warn plaintext warning",
                         re.search(r"^.*level=warn.*plaintext.*$", a.stderr(), re.M), d)

    # 6. server name
    if not sni_ok:
        sys.stdout.write("SKIP: 6. --tls.server-name=localhost (localhost does not resolve to "
                         "127.0.0.1 here)\n")
    else:
        runner.check("6. agent with --collector.address=localhost:PORT --tls.server-name="
                     "localhost delivers node_load1{instance=\"tls-sni\"}%s" % (
                         " (after %.1fs)" % found_at["sni"] if "sni" in found_at else ""),
                     "sni" in found_at, proc_detail(agents["sni"]))

    # Stop the rejected agents (by PID) and, as a control, point a good agent at each of their
    # collectors: it must get through, so the rejections above were about the credentials.
    for label in scenarios:
        agents[label].stop(grace=3.0)
    controls = {}
    for label in scenarios:
        controls[label] = procs.start("agent-control-" + label, agent_argv(
            args, collectors[label].addr, "tls-control-" + label, good_client_tls(pki)))
    pending = set(scenarios)
    control_ok = {}

    def probe():
        for label in list(pending):
            s = collectors[label].scrape()
            if s and h.select(s, "node_load1", instance="tls-control-" + label) \
                    and (streams_opened(s) or 0) > (baseline[label] or 0):
                control_ok[label] = True
                pending.discard(label)
        return not pending

    h.wait_until(probe, min(DATA_TIMEOUT_S, max(1.0, h.budget().remaining() - 6)), POLL_S)
    for label, (_, _, num, what) in scenarios.items():
        runner.check("%d. control: collector-%s accepts a good mTLS agent afterwards (data "
                     "and streams_opened_total increases)" % (num, label),
                     control_ok.get(label), "%s\n%s" % (proc_detail(collectors[label].proc),
                                                       proc_detail(controls[label])))

    # 7, 8. policy and bad files (long finished by now).
    judge_policy(runner, policy_runs, policy_started)
    judge_badfile(runner, badfile_proc, badfile_started)

    for label, c in collectors.items():
        runner.check("collector-%s still running at the end" % label, c.proc.alive(),
                     proc_detail(c.proc))


if __name__ == "__main__":
    h.main("hostmon e2e: TLS / mTLS and the plaintext policy", body)

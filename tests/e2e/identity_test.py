#!/usr/bin/env python3
# SPDX-License-Identifier: Apache-2.0
"""Identity binding with a real mTLS setup (docs/security.md, "Agent identity").

Usage: identity_test.py --bin-dir build/bin --pki scripts/pki [--keep-tmp]

scripts/pki makes a CA, a collector certificate (localhost, 127.0.0.1) and agent certificates for
host-a and host-b (CN and SAN DNS name). The collector runs with mTLS and the default identity
mode (exact):
1. host-b's agent, with host-b's certificate, sends its series (textfile marker 1, dc=lab).
2. An agent holding host-a's certificate claims host-b (marker 666, static label dc=evil): its
   stream is rejected PERMISSION_DENIED with a message naming both names (the agent logs it),
   the collector logs claimed_host=host-b with the certificate's names and counts
   hostmon_collector_rejected_streams_total{reason="identity"}; host-b's series keep their value
   and labels, and the collector's connected agent count stays 1.
3. Control: the same certificate claiming its own name (host-a) is accepted.
4. mode suffix with a fingerprints file: a certificate listed there may claim exactly its listed
   names (--check-config accepts the file; a malformed one is refused naming file and line).
Everything listens on 127.0.0.1 only, ports chosen by the kernel.
"""

import os
import subprocess
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import harness as h  # noqa: E402

DATA_TIMEOUT_S = 15.0


def write(path, text):
    with open(path, "w") as f:
        f.write(text)


def fingerprint(pem):
    out = subprocess.run(["openssl", "x509", "-in", pem, "-noout", "-fingerprint", "-sha256"],
                         capture_output=True, text=True, check=True).stdout.strip()
    return out.split("=", 1)[1]


def body(args, procs, runner, workdir):
    args.pki = os.path.abspath(args.pki)
    pki = os.path.join(workdir, "pki")
    for cmd in (["ca"], ["collector", "localhost", "127.0.0.1"], ["agent", "host-a", "host-b"]):
        p = procs.run("pki-" + cmd[0], [args.pki, "--dir", pki] + cmd, timeout=30)
        runner.require("scripts/pki %s" % " ".join(cmd), p.returncode == 0, p.tail())
    ca = os.path.join(pki, "ca.pem")

    def agent_tls(host):
        return ["--tls.ca-file=" + ca,
                "--tls.cert-file=" + os.path.join(pki, "agents", host + ".pem"),
                "--tls.key-file=" + os.path.join(pki, "agents", host + ".key"),
                "--tls.server-name=localhost"]

    collector_tls = ["--tls.ca-file=" + ca, "--tls.cert-file=" + os.path.join(pki, "collector.pem"),
                     "--tls.key-file=" + os.path.join(pki, "collector.key")]
    c, grpc, web = h.start_loopback_collector(procs, runner, args.bin_dir, collector_tls)
    metrics_url = "http://%s/metrics" % web

    def textfile_dir(name, value):
        d = os.path.join(workdir, "textfile-" + name)
        os.makedirs(d)
        write(os.path.join(d, "marker.prom"), "# TYPE e2e_marker gauge\ne2e_marker %d\n" % value)
        return "--source.textfile.directory=" + d

    # 1. The real host-b.
    h.start_agent(procs, args.bin_dir, "agent-host-b", grpc, "host-b",
                  agent_tls("host-b") + [textfile_dir("b", 1), "--label=dc=lab"])

    def marker(host):
        samples = h.scrape(metrics_url) or []
        return h.select(samples, "e2e_marker", instance=host)

    got = h.wait_until(lambda: marker("host-b") or None, DATA_TIMEOUT_S)
    runner.require("host-b's agent with host-b's certificate is accepted (e2e_marker arrives)",
                   got, c.tail())

    # 2. host-a's certificate claiming host-b.
    impostor = h.start_agent(procs, args.bin_dir, "impostor", grpc, "host-b",
                             agent_tls("host-a") + [textfile_dir("a", 666), "--label=dc=evil"])
    logged = c.wait_for_stderr(r"agent stream rejected: host name not allowed.*", 10.0)
    line = logged.group(0) if logged else ""
    runner.check("the collector logs the rejection with both names",
                 logged and 'claimed_host=host-b' in line and "certificate_names=host-a" in line,
                 c.tail())
    agent_log = impostor.wait_for_stderr(r"code=7 .*", 10.0)
    runner.check("the impostor's stream ends PERMISSION_DENIED naming both names",
                 agent_log and '\\"host-b\\"' in agent_log.group(0)
                 and "host-a" in agent_log.group(0), impostor.tail())

    def rejected_identity():
        samples = h.scrape(metrics_url) or []
        s = h.select(samples, "hostmon_collector_rejected_streams_total", reason="identity")
        return s[0][2] if s else 0

    runner.check("hostmon_collector_rejected_streams_total{reason=\"identity\"} counts it",
                 h.wait_until(lambda: rejected_identity() >= 1 or None, 5.0), rejected_identity())
    h.wait_until(lambda: rejected_identity() >= 2 or None, 6.0)  # a retry or two went by
    samples = h.scrape(metrics_url) or []
    b = h.select(samples, "e2e_marker", instance="host-b")
    runner.check("host-b's series are untouched: one e2e_marker, value 1, dc=lab",
                 len(b) == 1 and b[0][2] == 1 and b[0][1].get("dc") == "lab", b)
    runner.check("no series carries the impostor's static label",
                 not [s for s in samples if s[1].get("dc") == "evil"], "")
    agents = h.select(samples, "hostmon_collector_connected_agents")
    runner.check("only host-b's agent is connected", agents and agents[0][2] == 1, agents)
    impostor.stop()

    # 3. Control: host-a's certificate for host-a.
    h.start_agent(procs, args.bin_dir, "agent-host-a", grpc, "host-a",
                  agent_tls("host-a") + [textfile_dir("a2", 2)])
    runner.check("host-a's certificate may claim host-a",
                 h.wait_until(lambda: marker("host-a") or None, DATA_TIMEOUT_S), c.tail())
    c.stop()

    # 4. A shared certificate listed in a fingerprints file, with mode suffix.
    fps = os.path.join(workdir, "fingerprints")
    write(fps, "# host-a's certificate is shared by two hosts\n%s shared-1 shared-2\n"
          % fingerprint(os.path.join(pki, "agents", "host-a.pem")))
    ccfg = os.path.join(workdir, "collector.yml")
    write(ccfg, "grpc:\n  identity:\n    mode: suffix\n    suffix: .example.org\n"
          "    fingerprints_file: %s\n" % fps)
    check = procs.run("check-config", [os.path.join(args.bin_dir, "hostmon-collector"),
                                       "--config.file=" + ccfg, "--check-config"] + collector_tls,
                      timeout=20)
    runner.check("--check-config accepts the identity settings and the fingerprints file",
                 check.returncode == 0, check.tail())
    write(os.path.join(workdir, "bad-fingerprints"), "nothex shared-1\n")
    write(ccfg + ".bad", "grpc:\n  identity:\n    fingerprints_file: %s\n"
          % os.path.join(workdir, "bad-fingerprints"))
    check = procs.run("check-config-bad", [os.path.join(args.bin_dir, "hostmon-collector"),
                                           "--config.file=" + ccfg + ".bad", "--check-config"]
                      + collector_tls, timeout=20)
    runner.check("a malformed fingerprints file is refused naming file and line",
                 check.returncode == 2 and "bad-fingerprints:1:" in check.stderr(), check.tail())
    c2, grpc2, web2 = h.start_loopback_collector(procs, runner, args.bin_dir,
                                                 collector_tls + ["--config.file=" + ccfg])
    h.start_agent(procs, args.bin_dir, "agent-shared", grpc2, "shared-2",
                  agent_tls("host-a") + [textfile_dir("s", 3)])
    shared = h.wait_until(lambda: h.select(h.scrape("http://%s/metrics" % web2) or [],
                                           "e2e_marker", instance="shared-2") or None,
                          DATA_TIMEOUT_S)
    runner.check("a listed certificate may claim a name listed with its fingerprint", shared,
                 c2.tail())
    other = h.start_agent(procs, args.bin_dir, "agent-shared-bad", grpc2, "host-b",
                          agent_tls("host-a") + [textfile_dir("s2", 4)])
    runner.check("a listed certificate may not claim another name",
                 c2.wait_for_stderr(r"claimed_host=host-b.*fingerprints_file", 10.0), c2.tail())
    other.stop()


def extra(ap):
    ap.add_argument("--pki", required=True, help="path of scripts/pki")


if __name__ == "__main__":
    h.main(__doc__.splitlines()[0], body, budget_seconds=80.0, extra_args=extra)

#!/usr/bin/env python3
# SPDX-License-Identifier: Apache-2.0
"""The probe source run by the real agent (`hostmon-agent --once --source.probe`) against peers
on loopback.

Scenarios:
  bad     an unreachable target, a hanging target and a healthy one: the healthy one is probed
          on time, the others fail with a message naming them; a duplicate target name stops
          the agent with a message naming file, line and target.
  tls     https and tcp+tls against a CA-signed and a self-signed certificate: verification
          with ca_file, the self-signed one without ca_file fails naming the target and the
          certificate problem, insecure skips the check; certificate expiry exported.
  icmp    echo to 127.0.0.1 in a network namespace of its own (`unshare -n`) whose
          net.ipv4.ping_group_range allows us; with a range that excludes us the agent does not
          start and names the sysctl and the tcp fallback.
  compat  blackbox_exporter 0.23 and the probe source probe the same HTTP server and TCP port:
          the shared metric names have the same label names (apart from target/module/class);
          the differences are printed (docs/probes.md lists them).

Usage: probe_test.py --bin-dir build/bin --scenario NAME
"""

import os
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "e2e"))
sys.path.insert(0, HERE)
import harness as h  # noqa: E402
import probe_peers as pp  # noqa: E402


def once(args, procs, runner, workdir, targets, name="t.yml", **kw):
    path = pp.write_targets(os.path.join(workdir, name), targets)
    t0 = time.monotonic()
    p = pp.agent_once(args, procs, path, **kw)
    seconds = time.monotonic() - t0
    runner.require("agent --once exited 0", p.returncode == 0 and not p.timed_out, p.tail())
    return h.parse_exposition(p.stdout()), p.stderr(), seconds


def value(samples, name, **labels):
    found = [s for s in samples if s[0] == name and
             all(s[1].get(k) == v for k, v in labels.items())]
    return found[0][2] if len(found) == 1 else None


def scenario_bad(args, procs, runner, workdir):
    ok, hole = pp.Target(), pp.Hole()
    closed = pp.closed_port()
    try:
        s, err, seconds = once(args, procs, runner, workdir, [
            {"name": "healthy", "module": "http", "url": "'http://127.0.0.1:%d/'" % ok.port,
             "class": "web", "timeout": "2s"},
            {"name": "hanging", "module": "http", "url": "'http://127.0.0.1:%d/'" % hole.port,
             "timeout": "2s"},
            {"name": "hanging-tcp", "module": "tcp", "address": "'192.0.2.1:9'",
             "timeout": "2s"},
            {"name": "unreachable", "module": "tcp", "address": "'127.0.0.1:%d'" % closed,
             "timeout": "2s"},
        ])
    finally:
        ok.close()
        hole.close()
    print("agent --once with a 2 s hanging target: %.2f s" % seconds)
    runner.check("healthy target: success, probed in well under the others' timeout",
                 value(s, "probe_success", target="healthy") == 1 and
                 value(s, "probe_duration_seconds", target="healthy") < 1.0, err[-600:])
    runner.check("hanging target: failed after its 2 s timeout",
                 value(s, "probe_success", target="hanging") == 0 and
                 1.8 <= value(s, "probe_duration_seconds", target="hanging") < 3.0)
    runner.check("unreachable target: failed at once",
                 value(s, "probe_success", target="unreachable") == 0 and
                 value(s, "probe_duration_seconds", target="unreachable") < 1.0)
    runner.check("the round took one timeout, not the sum (%.1f s)" % seconds, seconds < 5.5)
    runner.check("the log names the hanging target and why",
                 'target=hanging module=http error="GET http://127.0.0.1:' in err and
                 "timed out" in err, err[-800:])
    runner.check("the log names the unreachable target and why",
                 "target=unreachable module=tcp" in err and "refused" in err, err[-800:])

    dup = pp.write_targets(os.path.join(workdir, "dup.yml"), [
        {"name": "db", "module": "tcp", "address": "'127.0.0.1:1'"},
        {"name": "db", "module": "tcp", "address": "'127.0.0.1:2'"}])
    p = pp.agent_once(args, procs, dup)
    runner.check("duplicate target name: the agent does not start and names file, line, target",
                 p.returncode != 0 and 'dup.yml:3: field \\"targets[1].name\\": duplicate '
                 'target name \\"db\\"' in p.stderr(), p.tail())


def scenario_tls(args, procs, runner, workdir):
    certs = pp.make_certs(workdir)
    signed = pp.Target(certfile=certs["srv.crt"], keyfile=certs["srv.key"])
    selfs = pp.Target(certfile=certs["self.crt"], keyfile=certs["self.key"])
    plain = pp.Target()
    try:
        s, err, _ = once(args, procs, runner, workdir, [
            {"name": "ca", "module": "http", "url": "'https://127.0.0.1:%d/'" % signed.port,
             "ca_file": certs["ca.crt"]},
            {"name": "noca", "module": "http", "url": "'https://127.0.0.1:%d/'" % signed.port},
            {"name": "self", "module": "http", "url": "'https://127.0.0.1:%d/'" % selfs.port},
            {"name": "self-insecure", "module": "http",
             "url": "'https://127.0.0.1:%d/'" % selfs.port, "insecure": "true"},
            {"name": "tcp-ca", "module": "tcp", "address": "'127.0.0.1:%d'" % signed.port,
             "tls": "true", "ca_file": certs["ca.crt"]},
            {"name": "tcp-self", "module": "tcp", "address": "'127.0.0.1:%d'" % selfs.port,
             "tls": "true"},
            {"name": "plain", "module": "http", "url": "'http://127.0.0.1:%d/'" % plain.port},
        ])
    finally:
        for t in (signed, selfs, plain):
            t.close()
    now = time.time()
    exp = value(s, "probe_ssl_earliest_cert_expiry", target="ca")
    runner.check("https with ca_file: success, TLS phase measured, expiry in 1..3 days",
                 value(s, "probe_success", target="ca") == 1 and
                 value(s, "probe_http_ssl", target="ca") == 1 and
                 value(s, "probe_http_duration_seconds", target="ca", phase="tls") > 0 and
                 exp is not None and now + 86400 < exp < now + 3 * 86400, (exp, err[-600:]))
    runner.check("https, unknown CA without ca_file: failed",
                 value(s, "probe_success", target="noca") == 0)
    runner.check("self-signed without ca_file: failed, the log names the target and the "
                 "certificate problem",
                 value(s, "probe_success", target="self") == 0 and
                 "target=self module=http" in err and "certificate" in err.lower(), err[-800:])
    runner.check("self-signed with insecure: success, with a warning at start",
                 value(s, "probe_success", target="self-insecure") == 1 and
                 "certificate verification is OFF" in err, err[-800:])
    exp = value(s, "probe_ssl_earliest_cert_expiry", target="tcp-ca")
    runner.check("tcp with tls and ca_file: success, handshake measured, expiry exported",
                 value(s, "probe_success", target="tcp-ca") == 1 and
                 value(s, "hostmon_probe_tcp_duration_seconds", target="tcp-ca",
                       phase="tls") > 0 and exp is not None and exp > now, err[-600:])
    runner.check("tcp with tls against a self-signed certificate: failed, named",
                 value(s, "probe_success", target="tcp-self") == 0 and
                 "target=tcp-self module=tcp" in err and
                 "certificate verification failed" in err, err[-800:])
    runner.check("the plain target next to them: success",
                 value(s, "probe_success", target="plain") == 1)


def scenario_icmp(args, procs, runner, workdir):
    targets = [{"name": "lo", "module": "icmp", "host": "127.0.0.1", "count": 3,
                "class": "intra_dc", "timeout": "2s"},
               {"name": "lo-tcp", "module": "tcp", "address": "'127.0.0.1:1'"}]
    path = pp.write_targets(os.path.join(workdir, "icmp.yml"), targets)
    agent = os.path.join(args.bin_dir, "hostmon-agent")
    script = ("ip link set lo up && sysctl -q -w net.ipv4.ping_group_range='%s' && "
              "exec %s --once --source.disable-defaults --source.probe "
              "--source.probe.config=%s")
    # A namespace of our own: its ping_group_range is ours to set (root in this namespace).
    p = procs.run("agent-icmp", ["unshare", "-n", "sh", "-c",
                                 script % ("0 2147483647", agent, path)], 30.0)
    if p.returncode != 0 and "unshare" in p.stderr():
        runner.check("unshare -n works here (needs CAP_SYS_ADMIN)", False, p.tail())
        return
    runner.require("agent --once in the namespace exited 0", p.returncode == 0, p.tail())
    s = h.parse_exposition(p.stdout())
    runner.check("icmp echo to 127.0.0.1: success, no loss, 3 round trips observed",
                 value(s, "probe_success", target="lo") == 1 and
                 value(s, "hostmon_probe_loss_ratio", target="lo") == 0 and
                 value(s, "hostmon_probe_duration_seconds_count", target="lo") == 3 and
                 0 < value(s, "probe_icmp_duration_seconds", target="lo", phase="rtt") < 0.5,
                 p.stdout()[-1500:])
    runner.check("min <= avg <= max round trip",
                 value(s, "hostmon_probe_icmp_rtt_seconds", target="lo", stat="min") <=
                 value(s, "hostmon_probe_icmp_rtt_seconds", target="lo", stat="avg") <=
                 value(s, "hostmon_probe_icmp_rtt_seconds", target="lo", stat="max"))
    # The range excludes every group: the agent does not start, and says why and what to do.
    p = procs.run("agent-icmp-denied", ["unshare", "-n", "sh", "-c",
                                        script % ("1 0", agent, path)], 30.0)
    err = p.stderr()
    runner.check("ping_group_range excluding us: start-up error naming the targets, the sysctl "
                 "and the tcp fallback",
                 p.returncode != 0 and "targets lo: module icmp" in err and
                 "net.ipv4.ping_group_range" in err and "module tcp" in err, p.tail())


def scenario_compat(args, procs, runner, workdir):
    runner.require("%s exists (Debian package prometheus-blackbox-exporter)" % pp.BLACKBOX_BIN,
                   os.access(pp.BLACKBOX_BIN, os.X_OK))
    target = pp.Target()
    try:
        bb, base = pp.start_blackbox(procs, workdir)
        runner.require("blackbox_exporter is ready", base, bb.tail() if bb else "")
        url = "http://127.0.0.1:%d/" % target.port
        addr = "127.0.0.1:%d" % target.port
        bb_http = pp.blackbox_probe(base, "http_2xx", url)
        bb_tcp = pp.blackbox_probe(base, "tcp_connect", addr)
        runner.require("blackbox_exporter probed both", bb_http and bb_tcp)
        s, _, _ = once(args, procs, runner, workdir, [
            {"name": "web", "module": "http", "url": "'%s'" % url, "class": "web"},
            {"name": "port", "module": "tcp", "address": "'%s'" % addr, "class": "intra_dc"}])
    finally:
        target.close()

    def families(samples, **labels):
        fam = {}
        for name, lbl, _ in samples:
            if labels and any(lbl.get(k) != v for k, v in labels.items()):
                continue
            if not name.startswith("probe_"):
                continue
            keys = tuple(sorted(k for k in lbl if k not in ("target", "module", "class")))
            fam.setdefault(name, set()).add(keys)
        return fam

    for module, bb, ours in (("http", bb_http, families(s, target="web")),
                             ("tcp", bb_tcp, families(s, target="port"))):
        theirs = families(bb)
        shared = sorted(set(theirs) & set(ours))
        print("%s: shared probe_* names: %s" % (module, " ".join(shared)))
        print("%s: only blackbox_exporter: %s" % (module, " ".join(sorted(set(theirs) -
                                                                       set(ours)))))
        print("%s: only hostmon: %s" % (module, " ".join(sorted(set(ours) - set(theirs)))))
        mismatched = [n for n in shared if theirs[n] != ours[n]]
        runner.check("%s: the shared names have the same label names" % module, not mismatched,
                     {n: (theirs[n], ours[n]) for n in mismatched})
        for name in ("probe_success", "probe_duration_seconds", "probe_dns_lookup_time_seconds",
                     "probe_ip_protocol"):
            runner.check("%s: %s in both" % (module, name), name in shared)
        phases = sorted(lbl.get("phase") for n, lbl, _ in bb if n == "probe_http_duration_seconds")
        if module == "http":
            ours_phases = sorted(lbl.get("phase") for n, lbl, _ in s
                                 if n == "probe_http_duration_seconds" and lbl["target"] == "web")
            runner.check("http: the same phases of probe_http_duration_seconds",
                         phases == ours_phases, (phases, ours_phases))
            for name in ("probe_http_status_code", "probe_http_content_length",
                         "probe_http_redirects", "probe_http_ssl", "probe_failed_due_to_regex"):
                runner.check("http: %s in both" % name, name in shared)
            runner.check("http: the same status code",
                         value(bb_http, "probe_http_status_code") ==
                         value(s, "probe_http_status_code", target="web") == 200)


SCENARIOS = {"bad": scenario_bad, "tls": scenario_tls, "icmp": scenario_icmp,
             "compat": scenario_compat}


def main():
    def extra(ap):
        ap.add_argument("--scenario", required=True, choices=sorted(SCENARIOS))
    holder = {}

    def body(args, procs, runner, workdir):
        SCENARIOS[args.scenario](args, procs, runner, workdir)
    holder["body"] = body
    h.main(__doc__.splitlines()[0], body, budget_seconds=60.0, extra_args=extra)


if __name__ == "__main__":
    main()

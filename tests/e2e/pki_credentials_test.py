#!/usr/bin/env python3
# SPDX-License-Identifier: Apache-2.0
"""scripts/pki and systemd credentials, as docs/security.md describes them.

Usage: pki_credentials_test.py --bin-dir build/bin --pki scripts/pki [--keep-tmp]

1. scripts/pki makes a CA, a collector certificate (localhost, 127.0.0.1) and an agent
   certificate (web1); the keys are root-owned 0600, as on a server.
2. The binaries run as an unprivileged user (nobody, through setpriv), as the units' User=hostmon
   does. Pointed at the root-owned keys directly they fail with "Permission denied" (the problem
   LoadCredential= solves).
3. LoadCredential= emulated as systemd does it without PID 1 here: each key copied into a
   per-service credentials directory owned by that user (dir 0500, file 0400),
   $CREDENTIALS_DIRECTORY set, the configs name the keys "%d/NAME". The collector (mTLS) and the
   agent then run as that user and the agent's series (instance="web1") reach the collector.
4. A BMC password file (redfish targets, password_file: "%d/bmc.pw") is read the same way by
   `hostmon-agent --check-config`; without $CREDENTIALS_DIRECTORY the error names the variable.
Everything listens on 127.0.0.1 only, ports chosen by the kernel.
"""

import os
import pwd
import shutil
import subprocess
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import harness as h  # noqa: E402

USER = "nobody"


def as_user(uid, gid, argv):
    return ["setpriv", "--reuid=%d" % uid, "--regid=%d" % gid, "--clear-groups",
            "--pdeathsig=SIGKILL", "--"] + argv


def load_credentials(workdir, service, files, uid, gid):
    """What systemd does for LoadCredential=NAME:PATH: copies into a directory only the service
    user can read. Returns the directory ($CREDENTIALS_DIRECTORY)."""
    d = os.path.join(workdir, "credentials", service)
    os.makedirs(d)
    for name, src in files.items():
        dst = os.path.join(d, name)
        shutil.copyfile(src, dst)
        os.chown(dst, uid, gid)
        os.chmod(dst, 0o400)
    os.chown(d, uid, gid)
    os.chmod(d, 0o500)
    return d


def env_with(**kv):
    env = {k: v for k, v in os.environ.items() if k != "CREDENTIALS_DIRECTORY"}
    env.update(kv)
    return env


def body(args, procs, runner, workdir):
    user = pwd.getpwnam(USER)
    uid, gid = user.pw_uid, user.pw_gid
    os.chmod(workdir, 0o755)  # configs and certificates readable, as /etc/hostmon is

    # 1. The PKI, made by root.
    pki = os.path.join(workdir, "pki")
    for cmd in (["ca"], ["collector", "localhost", "127.0.0.1"], ["agent", "web1"]):
        p = procs.run("pki-" + cmd[0], [args.pki, "--dir", pki] + cmd, timeout=30)
        runner.require("scripts/pki %s" % " ".join(cmd), p.returncode == 0, p.tail())
    os.chmod(pki, 0o755)
    os.chmod(os.path.join(pki, "agents"), 0o755)
    files = {n: os.path.join(pki, n) for n in (
        "ca.pem", "collector.pem", "collector.key", "agents/web1.pem", "agents/web1.key")}
    modes = {n: (os.stat(f).st_uid, oct(os.stat(f).st_mode & 0o777)) for n, f in files.items()}
    runner.check("keys are root-owned 0600, certificates 0644",
                 modes["collector.key"] == (0, "0o600") and modes["agents/web1.key"] == (0, "0o600")
                 and modes["collector.pem"][1] == "0o644" and modes["ca.pem"][1] == "0o644", modes)
    verify = subprocess.run(["openssl", "verify", "-CAfile", files["ca.pem"], "-purpose",
                             "sslclient", files["agents/web1.pem"]], capture_output=True, text=True)
    runner.check("the agent certificate verifies against the CA (clientAuth)",
                 verify.returncode == 0, verify.stdout + verify.stderr)

    agent = os.path.join(args.bin_dir, "hostmon-agent")
    collector = os.path.join(args.bin_dir, "hostmon-collector")

    # 2. Direct paths: the unprivileged user cannot read the keys.
    p = procs.run("agent-direct", as_user(uid, gid, [
        agent, "--check-config", "--collector.address=localhost:9", "--tls.ca-file=" +
        files["ca.pem"], "--tls.cert-file=" + files["agents/web1.pem"],
        "--tls.key-file=" + files["agents/web1.key"]]), timeout=20, env=env_with())
    runner.check("as %s, a root-owned 0600 key named directly is refused (Permission denied)"
                 % USER, p.returncode != 0 and "Permission denied" in p.stderr(), p.tail())

    # 3. LoadCredential=: keys copied for the service user, configs say %d/NAME.
    ccreds = load_credentials(workdir, "hostmon-collector.service",
                              {"collector.key": files["collector.key"]}, uid, gid)
    acreds = load_credentials(workdir, "hostmon-agent.service",
                              {"agent.key": files["agents/web1.key"]}, uid, gid)
    ccfg = os.path.join(workdir, "collector.yml")
    with open(ccfg, "w") as f:
        f.write("grpc:\n  listen_address: 127.0.0.1:0\n  tls:\n"
                "    cert_file: %s\n    key_file: '%%d/collector.key'\n    ca_file: %s\n"
                "web:\n  listen_address: 127.0.0.1:0\n" % (files["collector.pem"], files["ca.pem"]))
    os.chmod(ccfg, 0o644)
    c = procs.start("collector", as_user(uid, gid, [collector, "--config.file=" + ccfg]),
                    env=env_with(CREDENTIALS_DIRECTORY=ccreds))
    grpc, web = h.wait_for_collector_addresses(c, timeout=10.0)
    runner.require("as %s, the collector starts with mTLS and its key from %%d/collector.key"
                   % USER, grpc and web and c.alive(), c.tail())

    acfg = os.path.join(workdir, "agent.yml")
    with open(acfg, "w") as f:
        f.write("collector:\n  address: 127.0.0.1:%d\n  tls:\n    cert_file: %s\n"
                "    key_file: '%%d/agent.key'\n    ca_file: %s\n    server_name: localhost\n"
                "hostname: web1\ncollection:\n  interval: 1s\nspool:\n  directory: ''\n"
                % (grpc[1], files["agents/web1.pem"], files["ca.pem"]))
    os.chmod(acfg, 0o644)
    p = procs.run("agent-check", as_user(uid, gid, [agent, "--config.file=" + acfg,
                                                     "--check-config"]),
                  timeout=20, env=env_with(CREDENTIALS_DIRECTORY=acreds))
    runner.check("as %s, hostmon-agent --check-config accepts %%d/agent.key" % USER,
                 p.returncode == 0 and "SUCCESS" in p.stdout(), p.stdout() + p.tail())
    a = procs.start("agent", as_user(uid, gid, [agent, "--config.file=" + acfg]),
                    env=env_with(CREDENTIALS_DIRECTORY=acreds))
    url = "http://%s:%d/metrics" % web

    def web1_series():
        return [s for s in h.scrape(url, timeout=2.0) or [] if s[1].get("instance") == "web1"]

    got = h.wait_until(web1_series, timeout=20.0, interval=0.5)
    runner.check("the agent's series (instance=\"web1\") reach the collector over mTLS",
                 got, "agent:\n%s\ncollector:\n%s" % (a.tail(), c.tail()))

    # 4. A BMC password file as a credential.
    pw = os.path.join(workdir, "bmc.pw")
    with open(pw, "w") as f:
        f.write("s3cret\n")
    os.chmod(pw, 0o600)
    targets = os.path.join(workdir, "redfish-targets.yml")
    with open(targets, "w") as f:
        f.write("targets:\n  - name: bmc1\n    url: https://127.0.0.1:9\n    auth: basic\n"
                "    username: monitor\n    password_file: '%d/bmc.pw'\n")
    os.chmod(targets, 0o644)
    redfish = [agent, "--check-config", "--collector.address=127.0.0.1:9", "--source.redfish",
               "--source.redfish.config=" + targets]
    bcreds = load_credentials(workdir, "hostmon-agent-bmc", {"bmc.pw": pw}, uid, gid)
    p = procs.run("agent-bmc", as_user(uid, gid, redfish), timeout=20,
                  env=env_with(CREDENTIALS_DIRECTORY=bcreds))
    runner.check("as %s, a BMC password file named %%d/bmc.pw is read" % USER,
                 p.returncode == 0 and "SUCCESS" in p.stdout(), p.stdout() + p.tail())
    p = procs.run("agent-bmc-nocreds", as_user(uid, gid, redfish), timeout=20, env=env_with())
    runner.check("without $CREDENTIALS_DIRECTORY the error names it",
                 p.returncode != 0 and "CREDENTIALS_DIRECTORY" in p.stderr(), p.tail())


def extra(ap):
    ap.add_argument("--pki", required=True, type=os.path.abspath, help="path to scripts/pki")


if __name__ == "__main__":
    h.main("scripts/pki and systemd credentials", body, budget_seconds=80.0, extra_args=extra)

#!/usr/bin/env python3
# SPDX-License-Identifier: Apache-2.0
"""Agent configuration reload (SIGHUP): a good file takes effect in the same process, a bad one
is refused while the running configuration keeps collecting, and no batch is lost or applied
twice across the reloads (the collector's --debug.applied-batches-file lists every applied batch).

Usage: reload_test.py --bin-dir build/bin
"""

import json
import os
import signal
import socket
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import harness as h  # noqa: E402

HOST = "reload-e2e"
HERE = os.path.dirname(os.path.abspath(__file__))
FIXTURE_PROC = os.path.join(HERE, "..", "fixtures", "proc")


def write(path, text):
    tmp = path + ".tmp"
    with open(tmp, "w") as f:
        f.write(text)
    os.rename(tmp, path)


def config(collector, spool, textfile_dir, label_value):
    return (
        "collector:\n  address: %s\n"
        "hostname: %s\n"
        "labels:\n  e2e_generation: %s\n"
        "collection:\n  interval: 200ms\n"
        "paths:\n  procfs: %s\n"
        "spool:\n  directory: %s\n"
        "sources:\n  disable_defaults: true\n  loadavg: true\n  textfile: true\n"
        "sources_options:\n  textfile:\n    directory: %s\n"
        % (collector, HOST, label_value, FIXTURE_PROC, spool, textfile_dir))


def applied_sequences(path):
    seqs = []
    if os.path.exists(path):
        with open(path) as f:
            for line in f:
                if line.endswith("\n"):
                    b = json.loads(line)
                    if b["host"] == HOST:
                        seqs.append(b["sequence"])
    return seqs


def body(args, procs, runner, workdir):
    applied = os.path.join(workdir, "applied.jsonl")
    collector, grpc, web = h.start_loopback_collector(
        procs, runner, args.bin_dir, ["--debug.applied-batches-file=" + applied])
    url = "http://%s/metrics" % web
    dir_a = os.path.join(workdir, "textfile-a")
    dir_b = os.path.join(workdir, "textfile-b")
    for d, name in ((dir_a, "e2e_reload_a"), (dir_b, "e2e_reload_b")):
        os.mkdir(d)
        write(os.path.join(d, "m.prom"), "%s 1\n" % name)
    spool = os.path.join(workdir, "spool")
    cfg = os.path.join(workdir, "agent.yml")
    write(cfg, config(grpc, spool, dir_a, "one"))
    agent = procs.start("agent", [os.path.join(args.bin_dir, "hostmon-agent"),
                                  "--config.file=" + cfg])

    def has(name, **labels):
        samples = h.scrape(url)
        return bool(samples) and h.select(samples, name, instance=HOST, **labels)

    def reload_successful():
        got = h.select(h.scrape(url) or [], "hostmon_agent_config_last_reload_successful",
                       instance=HOST, e2e_generation="two")
        return got[0][2] if got else None

    runner.require("the first configuration's textfile metric arrives",
                   h.wait_until(lambda: has("e2e_reload_a", e2e_generation="one"), 15),
                   agent.tail())
    pid = agent.pid

    # A good configuration: other textfile directory, other static label.
    write(cfg, config(grpc, spool, dir_b, "two"))
    agent.signal(signal.SIGHUP)
    runner.check("after SIGHUP the new textfile directory's metric arrives with the new label",
                 h.wait_until(lambda: has("e2e_reload_b", e2e_generation="two"), 15), agent.tail())
    runner.check("the agent logged 'configuration reloaded'",
                 agent.wait_for_stderr(r"configuration reloaded", 5), agent.tail())
    runner.check("same process (pid %d) still running" % pid,
                 agent.alive() and agent.popen.pid == pid)
    runner.check("hostmon_agent_config_last_reload_successful is 1",
                 h.wait_until(lambda: reload_successful() == 1.0, 10))

    # A bad configuration: unknown key. Refused; the running one goes on.
    write(cfg, config(grpc, spool, dir_b, "two") + "e2e_unknown_key: 1\n")
    agent.signal(signal.SIGHUP)
    runner.check("a bad file is refused with 'reload failed' naming the key",
                 agent.wait_for_stderr(r"reload failed.*e2e_unknown_key", 10), agent.tail())

    runner.check("hostmon_agent_config_last_reload_successful becomes 0",
                 h.wait_until(lambda: reload_successful() == 0.0, 10))
    before = len(applied_sequences(applied))
    time.sleep(1.5)
    runner.check("the agent keeps collecting with the previous configuration",
                 agent.alive() and len(applied_sequences(applied)) > before
                 and has("e2e_reload_b", e2e_generation="two"), agent.tail())

    # A configuration that checks but names a source option that cannot be built: refused too.
    write(cfg, config(grpc, spool, dir_b, "two").replace(
        "sources_options:\n", "sources_options:\n  loadavg:\n    e2e_no_such_option: x\n"))
    agent.signal(signal.SIGHUP)
    runner.check("a file with an unknown source option is refused as well",
                 agent.wait_for_stderr(r"reload failed.*e2e_no_such_option", 10), agent.tail())

    # A configuration that checks but cannot start (the mesh port is taken): the previous
    # configuration is restored and keeps collecting.
    busy = socket.socket()
    busy.bind(("127.0.0.1", 0))
    busy.listen(1)
    write(cfg, config(grpc, spool, dir_b, "three") +
          "mesh:\n  listen_address: 127.0.0.1:%d\n" % busy.getsockname()[1])
    agent.signal(signal.SIGHUP)
    runner.check("a file that cannot start is rolled back to the running configuration",
                 agent.wait_for_stderr(r"reload failed at start; restoring", 10), agent.tail())
    before = len(applied_sequences(applied))
    time.sleep(1.5)
    runner.check("the restored configuration collects (label still 'two', not 'three')",
                 agent.alive() and len(applied_sequences(applied)) > before
                 and has("e2e_reload_b", e2e_generation="two")
                 and not has("e2e_reload_b", e2e_generation="three"), agent.tail())
    busy.close()

    # Stop and account for every batch: 1..last applied exactly once across both reloads.
    agent.signal(signal.SIGTERM)
    rc = agent.wait(15)
    runner.check("SIGTERM after the reloads exits 0", rc == 0, agent.tail())
    time.sleep(0.5)
    seqs = applied_sequences(applied)
    last = max(seqs) if seqs else 0
    missing = sorted(set(range(1, last + 1)) - set(seqs))
    dups = len(seqs) - len(set(seqs))
    runner.check("every batch 1..%d applied, none missing, none twice" % last,
                 last >= 5 and not missing and dups == 0,
                 "missing %s, duplicates %d" % (missing[:20], dups))


if __name__ == "__main__":
    h.main(__doc__.splitlines()[0], body, budget_seconds=80.0)

#!/usr/bin/env python3
# SPDX-License-Identifier: Apache-2.0
"""Agent spool fault tests: SIGKILL mid-stream, spool cap, corrupt segment, collector failover.

Usage: spool_test.py --bin-dir build/bin --case {kill,cap,corrupt,enospc,failover}

Case enospc puts the spool on a real, small filesystem (tmpfs of 128 KiB) in a private mount
namespace, so it needs root and mount namespaces; without them it exits 77 (CTest: skipped).

The collector runs with --debug.applied-batches-file, which logs one JSON line per applied batch
(duplicates never appear), so every check counts exactly which sequences reached the collector.
The agent runs only the loadavg source over the fixture /proc plus its self metrics, so every
batch has the same number of samples.
"""

import glob
import json
import os
import re
import signal
import struct
import subprocess
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import harness as h  # noqa: E402

HERE = os.path.dirname(os.path.abspath(__file__))
FIXTURE_PROC = os.path.join(HERE, "..", "fixtures", "proc")
HOST = "spool-e2e"


def start_collector(procs, args, workdir, name, grpc_port=0):
    applied = os.path.join(workdir, name + "-applied.jsonl")
    proc = procs.start(name, [
        os.path.join(args.bin_dir, "hostmon-collector"),
        "--grpc.listen-address=127.0.0.1:%d" % grpc_port,
        "--web.listen-address=127.0.0.1:0",
        "--debug.applied-batches-file=" + applied,
    ])
    grpc, web = h.wait_for_collector_addresses(proc, timeout=10.0)
    return proc, grpc, web, applied


def agent_argv(args, spool_dir, addresses, extra=()):
    return [
        os.path.join(args.bin_dir, "hostmon-agent"),
        "--collector.addresses=" + ",".join(addresses),
        "--hostname=" + HOST,
        "--collection.interval=100ms",
        "--path.procfs=" + FIXTURE_PROC,
        "--source.disable-defaults", "--source.loadavg",
        "--spool.directory=" + spool_dir,
    ] + list(extra)


def applied_batches(path):
    out = []
    if not os.path.exists(path):
        return out
    with open(path) as f:
        for line in f:
            if line.endswith("\n"):
                out.append(json.loads(line))
    return out


def sequences(batches):
    return [b["sequence"] for b in batches if b["host"] == HOST]


def spool_state(spool_dir):
    with open(os.path.join(spool_dir, "state")) as f:
        return dict(line.split(" ", 1) for line in f.read().splitlines()[1:])


def wait_for_sequences(paths, upto, timeout):
    """Waits until the union of applied sequences covers 1..upto (or time runs out)."""
    def probe():
        got = set()
        for p in paths:
            got.update(sequences(applied_batches(p)))
        return got if all(q in got for q in range(1, upto + 1)) else None
    return h.wait_until(probe, timeout, 0.3)


def last_spooled_sequence(spool_dir):
    """Highest sequence in the spool's segment files (record header: magic, len, crc, epoch,
    sequence, timestamp, samples; see agent/spool/spool.h)."""
    best = 0
    for path in glob.glob(os.path.join(spool_dir, "*.seg")):
        data = open(path, "rb").read()
        pos = 0
        while pos + 40 <= len(data):
            magic, length = struct.unpack_from("<II", data, pos)
            if magic != 0x31534D48:
                break
            seq = struct.unpack_from("<Q", data, pos + 20)[0]
            best = max(best, seq)
            pos += 40 + length
    return best


def case_kill(args, procs, runner, workdir):
    """SIGKILL while the collector is down, then SIGKILL mid-stream while it is up: after the
    restarts every spooled sequence reached the collector exactly once."""
    spool = os.path.join(workdir, "spool")
    grpc_port = h.free_port()
    address = "127.0.0.1:%d" % grpc_port
    agent = procs.start("agent-1", agent_argv(args, spool, [address]))
    time.sleep(2.0)
    agent.signal(signal.SIGKILL)
    agent.wait(5.0)
    spooled1 = last_spooled_sequence(spool)
    runner.require("agent spooled batches while the collector was down", spooled1 >= 5,
                   "last spooled sequence %d" % spooled1)
    epoch1 = spool_state(spool).get("epoch")

    collector, _, _, applied = start_collector(procs, args, workdir, "collector", grpc_port)
    agent = procs.start("agent-2", agent_argv(args, spool, [address]))
    got = wait_for_sequences([applied], spooled1, 20.0)
    runner.check("every batch spooled before the SIGKILL reached the collector after restart",
                 got, "missing %s" % sorted(set(range(1, spooled1 + 1)) -
                                            set(sequences(applied_batches(applied))))[:20])
    runner.check("the restarted agent kept its epoch", spool_state(spool).get("epoch") == epoch1,
                 "epoch %s -> %s" % (epoch1, spool_state(spool).get("epoch")))
    replayed = [b for b in applied_batches(applied) if b["sequence"] <= spooled1]
    runner.check("batches of the killed run arrive replayed=true",
                 replayed and all(b["replayed"] for b in replayed), str(replayed[:3]))
    # Mid-stream: kill while live data flows, restart, and everything up to the kill arrives.
    time.sleep(1.0)
    agent.signal(signal.SIGKILL)
    agent.wait(5.0)
    spooled2 = last_spooled_sequence(spool)
    runner.check("second run continued the sequence space", spooled2 > spooled1,
                 "%d <= %d" % (spooled2, spooled1))
    agent = procs.start("agent-3", agent_argv(args, spool, [address]))
    got = wait_for_sequences([applied], spooled2 + 3, 20.0)
    seqs = sequences(applied_batches(applied))
    runner.check("nothing spooled is lost across two SIGKILLs (1..%d applied)" % (spooled2 + 3),
                 got, "missing %s" % sorted(set(range(1, spooled2 + 4)) - set(seqs))[:20])
    runner.check("no batch applied twice", len(seqs) == len(set(seqs)),
                 "%d applied, %d distinct" % (len(seqs), len(set(seqs))))
    # Slow collector: frozen (SIGSTOP) while the agent writes into the stream, agent killed with
    # batches in flight and unacknowledged; they come back from the spool after the restart.
    collector.signal(signal.SIGSTOP)
    try:
        time.sleep(1.5)
        agent.signal(signal.SIGKILL)
        agent.wait(5.0)
    finally:
        collector.signal(signal.SIGCONT)
    spooled3 = last_spooled_sequence(spool)
    agent = procs.start("agent-4", agent_argv(args, spool, [address]))
    got = wait_for_sequences([applied], spooled3 + 3, 20.0)
    seqs = sequences(applied_batches(applied))
    runner.check("batches in flight to a frozen collector survive the SIGKILL (1..%d applied)"
                 % (spooled3 + 3), got,
                 "missing %s" % sorted(set(range(1, spooled3 + 4)) - set(seqs))[:20])
    runner.check("still no batch applied twice", len(seqs) == len(set(seqs)),
                 "%d applied, %d distinct" % (len(seqs), len(set(seqs))))
    h.log("kill: %d batches before the first kill, %d before the second, %d before the third; "
          "%d applied" % (spooled1, spooled2, spooled3, len(seqs)))


def case_cap(args, procs, runner, workdir):
    """A spool cap smaller than the outage: the dropped-sample counter equals what is missing."""
    spool = os.path.join(workdir, "spool")
    cfg = os.path.join(workdir, "agent.yml")
    with open(cfg, "w") as f:
        f.write("spool:\n  max_bytes: 65536\n  segment_bytes: 8192\n  fsync: never\n"
                "  replay_rate: 200\n")
    grpc_port = h.free_port()
    address = "127.0.0.1:%d" % grpc_port
    agent = procs.start("agent", agent_argv(args, spool, [address], ["--config.file=" + cfg]))
    # Enough batches to exceed 64 KiB several times over.
    h.wait_until(lambda: last_spooled_sequence(spool) >= 10 and
                 sum(os.path.getsize(p) for p in glob.glob(spool + "/*.seg")) > 40000, 20.0)
    time.sleep(3.0)
    collector, _, web, applied = start_collector(procs, args, workdir, "collector", grpc_port)
    # Wait until the backlog is replayed: the agent reports no pending backlog beyond live data.
    url = "http://%s:%d/metrics" % web

    def drained():
        s = h.scrape(url)
        pend = s and h.select(s, "hostmon_agent_spool_pending_batches", instance=HOST)
        dropped = s and h.select(s, "hostmon_agent_spool_dropped_samples_total", instance=HOST)
        return pend and dropped and pend[0][2] <= 3 and (s, dropped[0][2])
    res = h.wait_until(drained, 30.0, 0.5)
    runner.require("backlog replayed after the outage", res, "pending stayed high")

    def counters():
        s = h.scrape(url)
        return (h.select(s, "hostmon_agent_spool_dropped_samples_total", instance=HOST)[0][2],
                h.select(s, "hostmon_agent_spool_dropped_batches_total", instance=HOST)[0][2])
    # The counters travel in the batches; once the backlog is gone they must stop moving.
    first = counters()
    time.sleep(1.0)
    dropped_samples, dropped_batches = counters()
    runner.check("drop counters are stable after the replay", first == (dropped_samples,
                                                                        dropped_batches),
                 "%s -> %s" % (first, (dropped_samples, dropped_batches)))
    agent.signal(signal.SIGTERM)
    agent.wait(5.0)
    batches = [b for b in applied_batches(applied) if b["host"] == HOST]
    seqs = sorted(b["sequence"] for b in batches)
    per_batch = {b["samples"] for b in batches}
    runner.require("every batch has the same sample count", len(per_batch) == 1, str(per_batch))
    n = per_batch.pop()
    top = seqs[-1]
    missing = sorted(set(range(1, top + 1)) - set(seqs))
    runner.check("the cap dropped something", dropped_batches > 0, "dropped_batches 0")
    runner.check("dropped batches counter equals the missing batches (%d)" % len(missing),
                 dropped_batches == len(missing), "counter %g" % dropped_batches)
    runner.check("dropped samples counter equals the missing samples (%d)" % (len(missing) * n),
                 dropped_samples == len(missing) * n, "counter %g" % dropped_samples)
    # What the cap dropped, from the agent's log: per dropped segment the range of its
    # unacknowledged sequences and how many of them had already been sent. A batch sent just
    # before its segment was dropped may still be applied (and is then not counted), so when a
    # drop overlaps the replay, missing is the dropped ranges less those batches.
    drops = []
    for line in agent.stderr().splitlines():
        if "spool cap reached" in line:
            drops.append(tuple(int(h.logfmt_value(line, k))
                               for k in ("first_sequence", "last_sequence", "in_flight")))
    dropped = set()
    for first, last, _ in drops:
        dropped.update(range(first, last + 1))
    in_flight = sum(d[2] for d in drops)
    delivered = dropped - set(missing)
    runner.check("the oldest were dropped (segments logged oldest first, from sequence 1)",
                 drops and drops[0][0] == 1 and
                 all(a[1] < b[0] for a, b in zip(drops, drops[1:])), str(drops[:10]))
    runner.check("missing is exactly the dropped segments' batches less those in flight "
                 "(%d in flight, %d of them applied)" % (in_flight, len(delivered)),
                 set(missing) <= dropped and len(delivered) <= in_flight,
                 "missing outside the dropped ranges: %s" % sorted(set(missing) - dropped)[:20])
    h.log("cap: %d batches created, %d dropped (%d samples), %d applied"
          % (top, len(missing), dropped_samples, len(seqs)))


def case_corrupt(args, procs, runner, workdir):
    """Flipped bytes in a segment and a torn tail: the agent starts, logs the skips with file and
    offset, and delivers everything else."""
    spool = os.path.join(workdir, "spool")
    grpc_port = h.free_port()
    address = "127.0.0.1:%d" % grpc_port
    agent = procs.start("agent-1", agent_argv(args, spool, [address]))
    h.wait_until(lambda: last_spooled_sequence(spool) >= 12, 15.0)
    agent.signal(signal.SIGTERM)
    agent.wait(5.0)
    segs = sorted(glob.glob(os.path.join(spool, "*.seg")))
    runner.require("spool has a segment", segs, "none in %s" % spool)
    seg = segs[-1]
    data = bytearray(open(seg, "rb").read())
    records = []
    pos = 0
    while pos + 40 <= len(data):
        magic, length = struct.unpack_from("<II", data, pos)
        if magic != 0x31534D48:
            break
        records.append((pos, length, struct.unpack_from("<Q", data, pos + 20)[0]))
        pos += 40 + length
    runner.require("segment holds enough records", len(records) >= 6, str(len(records)))
    victim_pos, victim_len, victim_seq = records[3]
    for i in range(5):
        data[victim_pos + 40 + victim_len // 2 + i] ^= 0xFF
    last_pos, _, last_seq = records[-1]
    data = data[:last_pos + 20]  # the last record is torn in its header
    with open(seg, "wb") as f:
        f.write(data)
    collector, _, web, applied = start_collector(procs, args, workdir, "collector", grpc_port)
    agent = procs.start("agent-2", agent_argv(args, spool, [address]))
    expect = [q for q in range(1, last_seq) if q != victim_seq]
    got = h.wait_until(lambda: all(q in set(sequences(applied_batches(applied)))
                                   for q in expect), 20.0, 0.3)
    seqs = set(sequences(applied_batches(applied)))
    runner.check("agent survived the corrupt segment", agent.alive(), agent.tail(10))
    runner.check("every undamaged record was delivered", got,
                 "missing %s" % sorted(set(expect) - seqs)[:20])
    runner.check("the damaged record was not delivered", victim_seq not in seqs, "")
    err = agent.stderr()
    offs = "offset=%d" % victim_pos
    runner.check("a log line names the file and offset of the damaged record",
                 re.search(r"skipping damaged record.*%s.*%s" % (re.escape(os.path.basename(seg)),
                                                               offs), err) is not None,
                 agent.tail(10))
    runner.check("the torn tail is logged too", "truncated record" in err, agent.tail(10))
    url = "http://%s:%d/metrics" % web
    corrupt = h.wait_until(lambda: h.select(h.scrape(url),
                                            "hostmon_agent_spool_corrupt_records_total",
                                            instance=HOST), 10.0)
    runner.check("corrupt records are counted (2)", corrupt and corrupt[0][2] == 2, str(corrupt))


def case_failover(args, procs, runner, workdir):
    """collector_addresses [A, B]: A down -> data at B; B killed and A up -> data at A."""
    spool = os.path.join(workdir, "spool")
    port_a = h.free_port()
    b_proc, b_grpc, _, applied_b = start_collector(procs, args, workdir, "collector-b")
    addr_a = "127.0.0.1:%d" % port_a
    addr_b = "%s:%d" % b_grpc
    agent = procs.start("agent", agent_argv(args, spool, [addr_a, addr_b]))
    got_b = h.wait_until(lambda: len(sequences(applied_batches(applied_b))) >= 5, 15.0)
    runner.require("with the first collector down, data reaches the second", got_b,
                   agent.tail(10))
    a_proc, _, _, applied_a = start_collector(procs, args, workdir, "collector-a", port_a)
    b_proc.signal(signal.SIGKILL)
    b_proc.wait(5.0)
    killed_at = max(sequences(applied_batches(applied_b)))
    got_a = h.wait_until(lambda: len(sequences(applied_batches(applied_a))) >= 5, 15.0)
    runner.check("after the second collector dies, data fails over to the first", got_a,
                 agent.tail(10))
    upto = max(sequences(applied_batches(applied_a)) or [0])
    got = wait_for_sequences([applied_a, applied_b], upto, 15.0)
    runner.check("no batch lost across the failovers (1..%d at A or B)" % upto, got,
                 "missing %s" % sorted(set(range(1, upto + 1)) -
                                       set(sequences(applied_batches(applied_a))) -
                                       set(sequences(applied_batches(applied_b))))[:20])
    runner.check("agent logged the failover", "next_collector" in agent.stderr(), agent.tail(5))
    h.log("failover: B applied up to %d, A has %d batches"
          % (killed_at, len(sequences(applied_batches(applied_a)))))


def agent_metric(url, name):
    s = h.scrape(url)
    found = s and h.select(s, name, instance=HOST)
    return found[0][2] if found else None


def case_enospc(args, procs, runner, workdir):
    """The spool's filesystem fills while the collector is down; once the collector is back and
    has acknowledged everything, new batches are spooled again without a restart."""
    spool = os.path.join(workdir, "spool")
    os.mkdir(spool)
    mounted = subprocess.run(["mount", "-t", "tmpfs", "-o", "size=128k,mode=0700", "tmpfs", spool],
                             capture_output=True, text=True)
    if mounted.returncode != 0:
        print("spool_test enospc: SKIP: cannot mount a tmpfs: %s" % mounted.stderr.strip())
        sys.exit(77)
    try:
        enospc_body(args, procs, runner, workdir, spool)
    finally:
        procs.cleanup()  # nothing may keep the mount busy
        subprocess.run(["umount", "-l", spool], capture_output=True)


def enospc_body(args, procs, runner, workdir, spool):
    cfg = os.path.join(workdir, "agent.yml")
    with open(cfg, "w") as f:
        # Segments of 16 KiB: the 128 KiB filesystem holds about 7 of them.
        f.write("spool:\n  segment_bytes: 16384\n  fsync: never\n  replay_rate: 200\n")
    grpc_port = h.free_port()
    address = "127.0.0.1:%d" % grpc_port
    agent = procs.start("agent", agent_argv(args, spool, [address], [
        "--config.file=" + cfg, "--source.cpu", "--source.stat", "--source.vmstat"]))
    full = agent.wait_for_stderr(r"cannot spool batch", 30.0)
    runner.require("the spool's filesystem filled up while the collector was down", full,
                   agent.tail())
    time.sleep(1.5)  # more batches fail while it stays full
    warnings = agent.stderr().count("cannot spool batch")
    runner.check("a full disk is warned about once, not per batch (%d lines)" % warnings,
                 warnings == 1, agent.tail())
    st = os.statvfs(spool)
    h.log("enospc: spool filesystem %d of %d KiB free, last spooled sequence %d" %
          (st.f_bavail * st.f_frsize // 1024, st.f_blocks * st.f_frsize // 1024,
           last_spooled_sequence(spool)))

    collector, _, web, applied = start_collector(procs, args, workdir, "collector", grpc_port)
    url = "http://%s:%d/metrics" % web
    healed = agent.wait_for_stderr(r"spooling batches again", 40.0)
    runner.require("spooling works again after the collector acknowledged the backlog", healed,
                   agent.tail())

    def settled():
        pend = agent_metric(url, "hostmon_agent_spool_pending_batches")
        return pend is not None and pend <= 3

    runner.check("the backlog is acknowledged", h.wait_until(settled, 30.0, 0.5),
                 "pending %r" % agent_metric(url, "hostmon_agent_spool_pending_batches"))
    errors1 = agent_metric(url, "hostmon_agent_spool_write_errors_total")
    seq1 = last_spooled_sequence(spool)
    time.sleep(2.0)
    errors2 = agent_metric(url, "hostmon_agent_spool_write_errors_total")
    seq2 = last_spooled_sequence(spool)
    runner.check("write errors were counted while full (%r)" % errors1, (errors1 or 0) > 0, "")
    runner.check("no write errors after healing (%r -> %r)" % (errors1, errors2),
                 errors1 is not None and errors1 == errors2, agent.tail())
    runner.check("new batches are spooled again (last spooled sequence %d -> %d)" % (seq1, seq2),
                 seq2 >= seq1 + 10, "")
    runner.check("still one warning about the full disk, none after healing",
                 agent.stderr().count("cannot spool batch") == 1, agent.tail())
    runner.check("the agent was never restarted", agent.alive(), agent.tail())
    seqs = sequences(applied_batches(applied))
    runner.check("every batch up to the last spooled one reached the collector once",
                 wait_for_sequences([applied], seq2 - 3, 15.0) is not None and
                 len(seqs) == len(set(seqs)),
                 "missing %s" % sorted(set(range(1, seq2 - 2)) - set(seqs))[:20])
    h.log("enospc: %r write errors, spooling again up to sequence %d" % (errors2, seq2))


CASES = {"kill": case_kill, "cap": case_cap, "corrupt": case_corrupt, "enospc": case_enospc,
         "failover": case_failover}


def body(args, procs, runner, workdir):
    CASES[args.case](args, procs, runner, workdir)


def enter_private_mount_namespace():
    """Case enospc mounts a tmpfs: it re-executes itself in a private mount namespace, so the
    mount disappears with the test's processes whatever happens. Exits 77 where that is not
    possible (not root, no mount namespaces)."""
    if os.environ.get("HOSTMON_SPOOL_TEST_NS") == "1":
        return
    if os.geteuid() != 0:
        print("spool_test enospc: SKIP: needs root (mount namespace, tmpfs)")
        sys.exit(77)
    probe = subprocess.run(["unshare", "--mount", "--propagation", "private", "true"],
                           capture_output=True, text=True)
    if probe.returncode != 0:
        print("spool_test enospc: SKIP: no mount namespace here: %s" % probe.stderr.strip())
        sys.exit(77)
    os.environ["HOSTMON_SPOOL_TEST_NS"] = "1"
    sys.stdout.flush()
    os.execvp("unshare", ["unshare", "--mount", "--propagation", "private", sys.executable,
                          os.path.abspath(__file__)] + sys.argv[1:])


if __name__ == "__main__":
    if "enospc" in sys.argv[1:] or "--case=enospc" in sys.argv[1:]:
        enter_private_mount_namespace()
    h.main(__doc__.strip().splitlines()[0], body, budget_seconds=90.0,
           extra_args=lambda ap: ap.add_argument("--case", choices=sorted(CASES), required=True))

#!/usr/bin/env python3
# SPDX-License-Identifier: Apache-2.0
"""Agent file reads are bounded: a textfile directory holding a symlink to /dev/zero, a FIFO
without a writer and a file over --source.textfile.max-file-bytes next to a good file.

1. `hostmon-agent --once` completes within seconds, prints the good file's samples and
   node_textfile_scrape_error 1, and its log names each of the three bad files.
2. A running agent streaming to a loopback collector keeps sending the host's data (the good
   file's sample reaches the collector's /metrics, its RSS stays small) and exits promptly on
   SIGTERM.

Usage: textfile_bounds_test.py --bin-dir build/bin
"""

import os
import signal
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
import harness as h  # noqa: E402

HOST = "textfile-bounds"


def make_dir(workdir):
    d = os.path.join(workdir, "textfile")
    os.mkdir(d)
    with open(os.path.join(d, "good.prom"), "w") as f:
        f.write("# TYPE bounded_good gauge\nbounded_good 7\n")
    with open(os.path.join(d, "big.prom"), "w") as f:
        f.write("bounded_big 1\n" + "# padding\n" * 2000)  # about 20 kB, over the 4096 cap
    os.symlink("/dev/zero", os.path.join(d, "zero.prom"))
    os.mkfifo(os.path.join(d, "fifo.prom"))
    return d


def rss_kib(pid):
    with open("/proc/%d/status" % pid) as f:
        for line in f:
            if line.startswith("VmRSS:"):
                return int(line.split()[1])
    return 0


def body(args, procs, runner, workdir):
    d = make_dir(workdir)
    agent_bin = os.path.join(args.bin_dir, "hostmon-agent")
    source_args = ["--source.disable-defaults", "--source.textfile",
                   "--source.textfile.directory=" + d, "--source.textfile.max-file-bytes=4096"]

    t0 = time.monotonic()
    once = procs.run("agent-once", [agent_bin, "--once", "--hostname=" + HOST] + source_args,
                     timeout=20.0)
    took = time.monotonic() - t0
    runner.require("--once completes in %.1f s (no blocked open, no endless read)" % took,
                   not once.timed_out and took < 10.0, once.tail())
    runner.check("--once exits 0", once.returncode == 0, once.tail())
    out = once.stdout()
    samples = h.parse_exposition(out)
    runner.check("the good file is exported",
                 [s for s in samples if s[0] == "bounded_good" and s[2] == 7], out[:2000])
    runner.check("node_textfile_scrape_error is 1",
                 [s for s in samples if s[0] == "node_textfile_scrape_error" and s[2] == 1],
                 out[:2000])
    runner.check("nothing of the oversized file is exported",
                 not [s for s in samples if s[0] == "bounded_big"], out[:2000])
    err = once.stderr()
    for name, why in (("zero.prom", "not a regular file (character device)"),
                      ("fifo.prom", "not a regular file (FIFO)"),
                      ("big.prom", "larger than 4096 bytes")):
        path = os.path.join(d, name)
        runner.check("the log names %s: %s" % (name, why), path in err and why in err, err[-3000:])

    collector = procs.start("collector", [os.path.join(args.bin_dir, "hostmon-collector"),
                                          "--grpc.listen-address=127.0.0.1:0",
                                          "--web.listen-address=127.0.0.1:0"])
    grpc, web = h.wait_for_collector_addresses(collector, timeout=10.0)
    runner.require("collector started", grpc and web, collector.tail())
    agent = procs.start("agent", [agent_bin, "--collector.address=%s:%d" % grpc,
                                  "--collection.interval=200ms", "--hostname=" + HOST] +
                        source_args)
    url = "http://%s:%d/metrics" % web

    def good_arrived():
        s = h.scrape(url)
        return s if s and h.select(s, "bounded_good", instance=HOST) else None

    s = h.wait_until(good_arrived, 15.0, 0.3)
    runner.require("the host's data reaches the collector", s, agent.tail())
    time.sleep(2.0)  # about 10 collections over the bad files
    runner.check("the agent is still running", agent.alive(), agent.tail())
    rss = rss_kib(agent.pid)
    runner.check("agent RSS stays small (%d KiB)" % rss, 0 < rss < 200 * 1024, "")

    t0 = time.monotonic()
    agent.signal(signal.SIGTERM)
    rc = agent.wait(10.0)
    took = time.monotonic() - t0
    runner.check("SIGTERM stops the agent in %.1f s" % took, rc == 0 and took < 5.0, agent.tail())


if __name__ == "__main__":
    h.main(__doc__.strip().splitlines()[0], body, budget_seconds=60.0)

#!/usr/bin/env python3
# SPDX-License-Identifier: Apache-2.0
"""FreeIPMI is loaded with dlopen, only when the ipmi source is on.

Checks: `hostmon-agent` has no DT_NEEDED entry for libipmimonitoring/libfreeipmi (nor for libcurl
or the TLS stacks they pull in), and a default `--once` run never maps them (/proc/PID/maps of a
running agent). With libipmimonitoring.so.6 made unloadable (a private mount namespace binds
/dev/null over it; skipped, exit 77, where unprivileged user namespaces are not allowed), an agent
with `--source.ipmi` still starts and exports the default sources, logs "ipmi source: cannot load
libipmimonitoring.so.6: ... (install package libipmimonitoring6)", and exports ipmi_up 0.

Usage: ipmi_dlopen_test.py --bin-dir build/bin
"""

import argparse
import glob
import os
import re
import subprocess
import sys
import time

SKIP = 77
OPTIONAL = re.compile(r"lib(ipmimonitoring|freeipmi|curl|gnutls|nettle|p11-kit|krb5)")


def fail(msg):
    print("FAIL: " + msg)
    sys.exit(1)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--bin-dir", required=True)
    agent = os.path.join(os.path.abspath(ap.parse_args().bin_dir), "hostmon-agent")

    ldd = subprocess.run(["ldd", agent], capture_output=True, text=True, check=True).stdout
    linked = [l.split()[0] for l in ldd.splitlines() if OPTIONAL.search(l)]
    if linked:
        fail("hostmon-agent links optional libraries: %s" % linked)
    print("ok: ldd lists none of libipmimonitoring/libfreeipmi/libcurl/gnutls")

    # A running default agent (no collector: it keeps retrying) must not map them either.
    p = subprocess.Popen([agent, "--collector.address=127.0.0.1:9", "--collection.interval=1s"],
                         stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        time.sleep(1.5)
        with open("/proc/%d/maps" % p.pid) as f:
            mapped = sorted({l.split()[-1] for l in f if OPTIONAL.search(l)})
    finally:
        p.terminate()
        p.wait(timeout=10)
    if mapped:
        fail("the default agent maps %s" % mapped)
    print("ok: the default agent maps none of them")

    libs = sorted(glob.glob("/usr/lib/*/libipmimonitoring.so.6.*") +
                  glob.glob("/lib/*/libipmimonitoring.so.6.*"))
    if not libs:
        print("SKIP: libipmimonitoring.so.6 not installed here")
        return SKIP
    probe = subprocess.run(["unshare", "-rm", "true"], capture_output=True)
    if probe.returncode != 0:
        print("SKIP: no unprivileged mount namespace (unshare -rm): %s" % probe.stderr.strip())
        return SKIP
    script = ("mount --bind /dev/null \"$0\" && exec \"$1\" --once --source.ipmi "
              "--source.ipmi.local=true")
    r = subprocess.run(["unshare", "-rm", "sh", "-c", script, libs[0], agent],
                       capture_output=True, text=True, timeout=60)
    if r.returncode != 0:
        fail("agent exited %d without libipmimonitoring: %s" % (r.returncode, r.stderr[-2000:]))
    want = re.compile(r"ipmi source: cannot load libipmimonitoring\.so\.6: .* \(install package "
                      r"libipmimonitoring6\)")
    if not want.search(r.stderr):
        fail("no clear error about the missing library in the log: %s" % r.stderr[-2000:])
    if 'ipmi_up{collector="ipmi"} 0' not in r.stdout:
        fail("ipmi_up{collector=\"ipmi\"} 0 missing")
    if not re.search(r"^node_load1 ", r.stdout, re.M):
        fail("the default sources did not export (node_load1 missing)")
    print("ok: without libipmimonitoring the agent logs %r, ipmi_up 0, other sources export"
          % want.search(r.stderr).group(0))
    return 0


if __name__ == "__main__":
    sys.exit(main())

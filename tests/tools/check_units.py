#!/usr/bin/env python3
# SPDX-License-Identifier: Apache-2.0
"""The shipped systemd units: `systemd-analyze verify` is clean and the exposure scores of
`systemd-analyze security --offline=true` stay within their bounds (agent <= 1.7, collector <=
1.5); the agent with each opt-in drop-in (IPMI, SMART) is scored and printed (docs/security.md
explains every capability a drop-in keeps).

Works without systemd as PID 1. The units are checked as shipped, except that ExecStart= points at
the binaries of this build (verify checks that the command exists and is executable).
"""
import argparse
import os
import re
import shutil
import subprocess
import sys
import tempfile

BOUNDS = {"hostmon-agent": 1.7, "hostmon-collector": 1.5}
DROPINS = ["ipmi-inband.conf", "smart.conf"]


def score(unit_path):
    out = subprocess.run(["systemd-analyze", "security", "--offline=true", "--no-pager", unit_path],
                         capture_output=True, text=True, timeout=60)
    m = re.search(r"Overall exposure level for \S+: (\d+\.\d+) (\w+)", out.stdout)
    if not m:
        sys.exit(f"check_units: no score for {unit_path}:\n{out.stdout}\n{out.stderr}")
    return float(m.group(1)), m.group(2)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--units", required=True, help="deploy/systemd")
    ap.add_argument("--bin-dir", required=True)
    args = ap.parse_args()
    failures = []
    with tempfile.TemporaryDirectory(prefix="hostmon-units-") as tmp:
        texts = {}
        for name in BOUNDS:
            text = open(os.path.join(args.units, name + ".service")).read()
            texts[name] = text.replace(f"/usr/bin/{name}",
                                       os.path.join(os.path.abspath(args.bin_dir), name))
        dropin_dir = os.path.join(args.units, "hostmon-agent.service.d")

        def lay_out(subdir, dropins):
            """The units in tmp/subdir, the agent's with `dropins` in its .d directory (systemd,
            offline too, reads the drop-ins beside a unit file)."""
            d = os.path.join(tmp, subdir)
            os.makedirs(os.path.join(d, "hostmon-agent.service.d"))
            for name, text in texts.items():
                with open(os.path.join(d, name + ".service"), "w") as f:
                    f.write(text)
            for dropin in dropins:
                shutil.copy(os.path.join(dropin_dir, dropin),
                            os.path.join(d, "hostmon-agent.service.d", dropin))
            return {name: os.path.join(d, name + ".service") for name in texts}

        # verify, with both drop-ins applied: unknown or misspelt settings, bad values, missing
        # commands. Man pages are checked by the packaging test, where they are installed.
        units = lay_out("verify", DROPINS)
        out = subprocess.run(["systemd-analyze", "verify", "--man=no"] + list(units.values()),
                             capture_output=True, text=True, timeout=60, cwd=tmp)
        noise = [l for l in (out.stdout + out.stderr).splitlines() if l.strip()]
        print(f"systemd-analyze verify: exit {out.returncode}, {len(noise)} message(s)")
        for line in noise:
            print("  " + line)
        if out.returncode != 0 or noise:
            failures.append("systemd-analyze verify is not clean")

        units = lay_out("base", [])
        for name, bound in BOUNDS.items():
            value, verdict = score(units[name])
            print(f"exposure {name}.service: {value} {verdict} (bound {bound})")
            if value > bound:
                failures.append(f"{name}.service scores {value} > {bound}")
        for dropin in DROPINS:
            value, verdict = score(lay_out(dropin, [dropin])["hostmon-agent"])
            print(f"exposure hostmon-agent.service + {dropin}: {value} {verdict}")
    for f in failures:
        print("FAIL: " + f)
    sys.exit(1 if failures else 0)


if __name__ == "__main__":
    main()

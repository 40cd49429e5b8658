#!/usr/bin/env python3
# SPDX-License-Identifier: Apache-2.0
"""Fails when a registered CTest test does not carry exactly one tier label, or when a Catch2
TEST_CASE name contains ';' (CMake lists split the name there, so CTest registers two names
that match no test case and the case never runs under CTest).

Usage: check_test_labels.py --ctest CTEST --build-dir BUILD

The tiers (tests/README.md) are what `scripts/test --quick` (`ctest -L unit`) and CI select by;
a test without a tier would silently run in no tier, one with two would run twice. Reads the
test list from `ctest --show-only=json-v1`, so Catch2 tests discovered at build time count too.
"""

import argparse
import json
import os
import re
import subprocess
import sys
import tempfile

TIERS = ("unit", "e2e", "fault", "compat", "bench")


def main():
    ap = argparse.ArgumentParser(description=__doc__.strip().splitlines()[0])
    ap.add_argument("--ctest", default="ctest")
    ap.add_argument("--build-dir", required=True)
    args = ap.parse_args()
    # ctest rewrites <dir>/Testing/Temporary/LastTest.log even for --show-only, which would
    # clobber the log of the ctest run this check is part of: list the build's tests through a
    # scratch directory that only includes it.
    with tempfile.TemporaryDirectory() as scratch:
        with open(os.path.join(scratch, "CTestTestfile.cmake"), "w") as f:
            f.write('subdirs("%s")\n' % os.path.abspath(args.build_dir))
        out = subprocess.run([args.ctest, "--test-dir", scratch, "--show-only=json-v1"],
                             check=True, capture_output=True, text=True).stdout
    tests = json.loads(out).get("tests", [])
    if not tests:
        print("no tests registered in %s" % args.build_dir)
        return 1
    bad = []
    counts = {t: 0 for t in TIERS}
    for test in tests:
        labels = []
        for prop in test.get("properties", []):
            if prop.get("name") == "LABELS":
                labels = prop.get("value", [])
        tiers = [label for label in labels if label in TIERS]
        if len(tiers) != 1:
            bad.append("%s: labels %s" % (test["name"], labels or "none"))
        else:
            counts[tiers[0]] += 1
    tests_dir = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
    sources = []
    for root, dirs, files in os.walk(tests_dir):  # not following symlinks (fixture trees loop)
        dirs[:] = [d for d in dirs if d != "fixtures"]
        sources += [os.path.join(root, f) for f in files if f.endswith(".cc")]
    for path in sorted(sources):
        with open(path, encoding="utf-8", errors="replace") as f:
            for n, line in enumerate(f, 1):
                m = re.search(r'TEST_CASE\("([^"]*;[^"]*)"', line)
                if m:
                    bad.append("%s:%d: TEST_CASE name with ';': %r" %
                               (os.path.relpath(path, tests_dir), n, m.group(1)))
    print("tiers: " + ", ".join("%s %d" % (t, counts[t]) for t in TIERS))
    if bad:
        print("%d problem(s): each test needs exactly one tier label (%s), set with "
              "set_tests_properties(NAME PROPERTIES LABELS <tier>), and no TEST_CASE name may "
              "contain ';':" % (len(bad), ", ".join(TIERS)))
        for line in bad:
            print("  " + line)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())

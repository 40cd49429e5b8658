#!/usr/bin/env python3
# SPDX-License-Identifier: Apache-2.0
"""Extracts a ttar archive (https://github.com/ideaship/ttar, the plain-text tar node_exporter
keeps its sysfs and udev fixtures in) into a directory.

Format, one entry after another, separated by "# ttar - - -" lines:
  Directory: <path>            a directory
  Path: <path>                 a file, followed by
    Lines: <n>                 n content lines ("NULLBYTE" stands for a NUL byte; a line ending
                               in "EOF" has no newline after it), or
    SymlinkTo: <target>        a symbolic link
  Mode: <octal>                the entry's permissions
"""

import os
import sys


def extract(archive, dest):
    """Extracts `archive` below `dest`; refuses paths that leave `dest`. Returns the entry count."""
    dest = os.path.abspath(dest)
    with open(archive, "rb") as f:
        lines = f.read().split(b"\n")
    i = 0
    n = 0
    path = None

    def target(p):
        full = os.path.abspath(os.path.join(dest, p.decode()))
        if not (full == dest or full.startswith(dest + os.sep)):
            raise ValueError("%s: entry %r leaves the destination" % (archive, p))
        return full

    while i < len(lines):
        line = lines[i]
        i += 1
        if line.startswith(b"Directory: "):
            path = target(line[len(b"Directory: "):])
            os.makedirs(path, exist_ok=True)
            n += 1
        elif line.startswith(b"Path: "):
            path = target(line[len(b"Path: "):])
            os.makedirs(os.path.dirname(path), exist_ok=True)
            n += 1
        elif line.startswith(b"Lines: "):
            count = int(line[len(b"Lines: "):])
            out = bytearray()
            for _ in range(count):
                content = lines[i].replace(b"NULLBYTE", b"\0")
                i += 1
                if content.endswith(b"EOF"):
                    out += content[:-3]
                else:
                    out += content + b"\n"
            with open(path, "wb") as f:
                f.write(out)
        elif line.startswith(b"SymlinkTo: "):
            if os.path.lexists(path):
                os.unlink(path)
            os.symlink(line[len(b"SymlinkTo: "):].decode(), path)
        elif line.startswith(b"Mode: "):
            if path and not os.path.islink(path):
                os.chmod(path, int(line[len(b"Mode: "):], 8))
        elif line.startswith(b"#") or not line:
            continue
        else:
            raise ValueError("%s:%d: unexpected line %r" % (archive, i, line[:80]))
    return n


if __name__ == "__main__":
    if len(sys.argv) != 3:
        sys.exit("usage: ttar.py ARCHIVE DEST")
    print("%d entries" % extract(sys.argv[1], sys.argv[2]))

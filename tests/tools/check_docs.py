#!/usr/bin/env python3
# SPDX-License-Identifier: Apache-2.0
"""Checks that the user documentation matches the code, so it cannot go stale (CTest docs.tables).

1. Flags: every flag `hostmon-agent --help` and `hostmon-collector --help` print is in a table of
   docs/configuration.md (section "hostmon-agent" or "hostmon-collector", first column), and every
   flag in those tables exists. Source switches (`--source.<name>`) are checked against
   docs/sources.md instead; source options (`--source.<name>.<option>`) are flags like any other.
   Where a table's default cell is a single code span and --help prints a default, they must be
   equal.
2. Sources: the table of docs/sources.md lists exactly the agent's sources, each with its on/off
   default as --help prints it; "N sources, M on by default" in README.md and docs/ is right.
3. Every docs/*.md page is linked from README.md.
4. No user doc (README.md, CONTRIBUTING.md, CHANGELOG.md, docs/, deploy/, tests/**/README.md)
   speaks of issue numbers.
5. Local links in those Markdown files point at existing files, and `#anchors` at existing
   headings (GitHub's heading ids) or `<a id>` anchors.

Every problem is printed as one `FAIL:` line naming the file and what to change; exit status 1
if there is any. Python 3 standard library only.

Usage: check_docs.py --agent build/bin/hostmon-agent --collector build/bin/hostmon-collector
                     [--root SOURCE_DIR]
"""

import argparse
import os
import re
import subprocess
import sys

SWITCH_RE = re.compile(r"^source\.([a-z0-9_]+)$")
ISSUE_RE = re.compile(r"\bissues?\s*#?\s*[0-9][0-9–-]*", re.IGNORECASE)
LINK_RE = re.compile(r"!?\[([^\]]*)\]\(([^)\s]+)(?:\s+\"[^\"]*\")?\)")
ANCHOR_TAG_RE = re.compile(r"<a\s+(?:id|name)=\"([^\"]+)\"")


def parse_help(binary):
    """Returns {flag name: (is_bool, default or None)} from `binary --help`."""
    out = subprocess.run([binary, "--help"], capture_output=True, text=True, timeout=30)
    if out.returncode != 0:
        raise RuntimeError(f"{binary} --help exited {out.returncode}: {out.stderr.strip()}")
    flags = {}
    lines = out.stdout.splitlines()
    for i, line in enumerate(lines):
        m = re.match(r"^  --([A-Za-z0-9_.-]+)(=VALUE)?$", line)
        if not m:
            continue
        help_text = lines[i + 1].strip() if i + 1 < len(lines) else ""
        d = re.search(r"\(default: (.*)\)$", help_text)
        flags[m.group(1)] = (m.group(2) is None, d.group(1) if d else None)
    if not flags:
        raise RuntimeError(f"{binary} --help printed no flags")
    return flags


def split_row(line):
    """Cells of a Markdown table row; `\\|` is a literal pipe."""
    body = line.strip()
    if body.startswith("|"):
        body = body[1:]
    if body.endswith("|") and not body.endswith("\\|"):
        body = body[:-1]
    cells = re.split(r"(?<!\\)\|", body)
    return [c.strip().replace("\\|", "|") for c in cells]


def tables(text):
    """Yields (header cells, [(line number, row cells)]) for every table in text."""
    lines = text.split("\n")
    i = 0
    while i < len(lines):
        if (lines[i].lstrip().startswith("|") and i + 1 < len(lines)
                and re.match(r"^\s*\|[\s:|-]+\|\s*$", lines[i + 1])):
            header = [c.lower() for c in split_row(lines[i])]
            rows = []
            j = i + 2
            while j < len(lines) and lines[j].lstrip().startswith("|"):
                rows.append((j + 1, split_row(lines[j])))
                j += 1
            yield header, rows
            i = j
        else:
            i += 1


def sections(text, level):
    """{heading text: (heading line number, body)} for the headings with exactly `level` #s;
    a body runs to the next heading of that level or above (code blocks are not headings)."""
    out = {}
    current, start, body, in_code = None, 0, [], False
    for n, line in enumerate(text.split("\n"), 1):
        if line.startswith("```"):
            in_code = not in_code
        m = None if in_code else re.match(r"^(#+) (.*)$", line)
        if m and len(m.group(1)) <= level:
            if current is not None:
                out[current] = (start, "\n".join(body))
            current = m.group(2).strip() if len(m.group(1)) == level else None
            start, body = n, []
        elif current is not None:
            body.append(line)
    if current is not None:
        out[current] = (start, "\n".join(body))
    return out


def code_spans(cell):
    return re.findall(r"`([^`]+)`", cell)


def documented_flags(section_body, first_line):
    """{flag: (line, default cell)} from the first column of every table in the section."""
    found = {}
    for header, rows in tables(section_body):
        if not header or header[0] != "flag":
            continue
        dcol = header.index("default") if "default" in header else None
        for n, cells in rows:
            for span in code_spans(cells[0]):
                for token in re.findall(r"--[A-Za-z0-9_.<>-]+", span):
                    name = token[2:]
                    if "<" in name:  # a pattern such as --source.<name>, not a flag
                        continue
                    dflt = cells[dcol] if dcol is not None and dcol < len(cells) else ""
                    found[name] = (first_line + n, dflt)
    return found


class Checker:
    def __init__(self, root):
        self.root = root
        self.problems = []
        self.anchor_cache = {}

    def fail(self, msg):
        self.problems.append(msg)
        print(f"FAIL: {msg}")

    def read(self, rel):
        with open(os.path.join(self.root, rel), encoding="utf-8") as f:
            return f.read()

    # 1. flags
    def check_flags(self, program, helpflags, section):
        rel = "docs/configuration.md"
        secs = sections(self.read(rel), 2)
        if section not in secs:
            self.fail(f"{rel}: no section '## {section}' holding the flag tables of {program}")
            return
        start, body = secs[section]
        docs = documented_flags(body, start)
        expected = {n: v for n, v in helpflags.items()
                    if not (program == "hostmon-agent" and SWITCH_RE.match(n))}
        for name in sorted(set(expected) - set(docs)):
            self.fail(f"{rel}: flag --{name} of {program} (see its --help) is missing from the "
                      f"tables of section '{section}'")
        for name in sorted(set(docs) - set(expected)):
            line = docs[name][0]
            if program == "hostmon-agent" and SWITCH_RE.match(name) and name in helpflags:
                self.fail(f"{rel}:{line}: --{name} is a source switch; list it in docs/sources.md")
            else:
                self.fail(f"{rel}:{line}: documents --{name}, which {program} no longer has")
        for name in sorted(set(docs) & set(expected)):
            line, cell = docs[name]
            spans = code_spans(cell)
            help_default = expected[name][1]
            if (help_default is not None and len(spans) == 1 and cell == f"`{spans[0]}`"
                    and spans[0] != help_default):
                self.fail(f"{rel}:{line}: --{name} default is documented as `{spans[0]}`, "
                          f"{program} --help says `{help_default}`")
        return len(expected)

    # 2. sources
    def check_sources(self, agentflags):
        rel = "docs/sources.md"
        switches = {}
        for name, (is_bool, dflt) in agentflags.items():
            m = SWITCH_RE.match(name)
            if m and is_bool and name != "source.disable-defaults":
                switches[m.group(1)] = dflt == "true"
        docs = {}
        for header, rows in tables(self.read(rel)):
            if header[:2] != ["source", "default"]:
                continue
            for n, cells in rows:
                spans = code_spans(cells[0])
                if len(spans) != 1:
                    self.fail(f"{rel}:{n}: first cell must be the source name in backticks")
                    continue
                state = cells[1].replace("*", "").strip().lower()
                if state not in ("on", "off"):
                    self.fail(f"{rel}:{n}: default of `{spans[0]}` must be 'on' or '**off**', "
                              f"not '{cells[1]}'")
                    continue
                docs[spans[0]] = (n, state == "on")
        if not docs:
            self.fail(f"{rel}: no table with columns 'source | default | ...'")
            return
        for name in sorted(set(switches) - set(docs)):
            state = "on" if switches[name] else "off"
            self.fail(f"{rel}: source `{name}` (--source.{name}, {state} by default) is missing "
                      f"from the sources table")
        for name in sorted(set(docs) - set(switches)):
            self.fail(f"{rel}:{docs[name][0]}: lists source `{name}`, which the agent does not "
                      f"have (no --source.{name} in its --help)")
        for name in sorted(set(docs) & set(switches)):
            if docs[name][1] != switches[name]:
                want = "on" if switches[name] else "**off**"
                self.fail(f"{rel}:{docs[name][0]}: source `{name}` is documented "
                          f"{'on' if docs[name][1] else 'off'} by default; the agent has it "
                          f"{'on' if switches[name] else 'off'} (write '{want}')")
        total, on = len(switches), sum(switches.values())
        for rel2 in self.user_markdown():
            for n, line in enumerate(self.read(rel2).split("\n"), 1):
                for m in re.finditer(r"\b(\d+) sources, (\d+) on by default", line):
                    if (int(m.group(1)), int(m.group(2))) != (total, on):
                        self.fail(f"{rel2}:{n}: says '{m.group(0)}'; the agent has {total} "
                                  f"sources, {on} on by default")
        return total

    # 3. README links every page
    def check_readme_links(self):
        readme = self.read("README.md")
        linked = {os.path.normpath(t.split("#")[0]) for _, t in LINK_RE.findall(readme)}
        pages = sorted(f for f in os.listdir(os.path.join(self.root, "docs")) if f.endswith(".md"))
        for page in pages:
            if os.path.join("docs", page) not in linked:
                self.fail(f"README.md: docs/{page} is not linked (add it to the Documentation "
                          f"table)")
        return len(pages)

    def user_markdown(self):
        files = ["README.md", "CONTRIBUTING.md", "CHANGELOG.md"]
        for sub in ("docs", "tests"):
            for dirpath, _, names in os.walk(os.path.join(self.root, sub)):
                for n in sorted(names):
                    rel = os.path.relpath(os.path.join(dirpath, n), self.root)
                    if sub == "docs" and n.endswith(".md") or sub == "tests" and n == "README.md":
                        files.append(rel)
        return [f for f in files if os.path.exists(os.path.join(self.root, f))]

    # 4. issue numbers
    def check_issue_mentions(self):
        files = self.user_markdown()
        for dirpath, _, names in os.walk(os.path.join(self.root, "deploy")):
            files += [os.path.relpath(os.path.join(dirpath, n), self.root) for n in sorted(names)]
        for rel in files:
            for n, line in enumerate(self.read(rel).split("\n"), 1):
                m = ISSUE_RE.search(line)
                if m:
                    self.fail(f"{rel}:{n}: user docs describe the product, not its development "
                              f"history: '{m.group(0)}'")
        return len(files)

    # 5. local links and anchors
    def anchors(self, rel):
        cache = self.anchor_cache
        if rel not in cache:
            ids, seen = set(), {}
            in_code = False
            for line in self.read(rel).split("\n"):
                if line.startswith("```"):
                    in_code = not in_code
                    continue
                ids.update(ANCHOR_TAG_RE.findall(line))
                if in_code or not re.match(r"^#{1,6} ", line):
                    continue
                text = line.lstrip("#").strip()
                text = re.sub(r"\[([^\]]*)\]\([^)]*\)", r"\1", text)  # links keep their text
                text = re.sub(r"<[^>]+>", "", text)
                slug = re.sub(r"[^\w\- ]", "", text.lower()).replace(" ", "-")
                n = seen.get(slug, 0)
                seen[slug] = n + 1
                ids.add(slug if n == 0 else f"{slug}-{n}")
            cache[rel] = ids
        return cache[rel]

    def check_links(self):
        count = 0
        for rel in self.user_markdown():
            text = self.read(rel)
            text = re.sub(r"```.*?```", lambda m: "\n" * m.group(0).count("\n"), text, flags=re.S)
            for n, line in enumerate(text.split("\n"), 1):
                line = re.sub(r"`[^`]*`", "", line)
                for _, target in LINK_RE.findall(line):
                    if re.match(r"^[a-z][a-z0-9+.-]*:", target):
                        continue  # http:, https:, mailto:, file:
                    count += 1
                    path, _, anchor = target.partition("#")
                    dest = os.path.normpath(os.path.join(os.path.dirname(rel), path)) if path else rel
                    if not os.path.exists(os.path.join(self.root, dest)):
                        self.fail(f"{rel}:{n}: link target '{target}' does not exist")
                        continue
                    if anchor and dest.endswith(".md") and anchor not in self.anchors(dest):
                        self.fail(f"{rel}:{n}: link '{target}': {dest} has no heading or anchor "
                                  f"'#{anchor}'")
        return count


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--agent", required=True, help="path to hostmon-agent")
    ap.add_argument("--collector", required=True, help="path to hostmon-collector")
    ap.add_argument("--root", default=os.path.join(os.path.dirname(__file__), "..", ".."),
                    help="source tree (default: this script's checkout)")
    args = ap.parse_args()
    c = Checker(os.path.abspath(args.root))
    agent = parse_help(args.agent)
    collector = parse_help(args.collector)
    n_agent = c.check_flags("hostmon-agent", agent, "hostmon-agent")
    n_coll = c.check_flags("hostmon-collector", collector, "hostmon-collector")
    n_src = c.check_sources(agent)
    n_pages = c.check_readme_links()
    n_files = c.check_issue_mentions()
    n_links = c.check_links()
    print(f"checked {n_agent} agent flags, {n_coll} collector flags, {n_src} sources, "
          f"{n_pages} docs pages linked from README.md, {n_files} user docs for issue numbers, "
          f"{n_links} local links")
    if c.problems:
        print(f"{len(c.problems)} problems")
        return 1
    print("OK")
    return 0


if __name__ == "__main__":
    sys.exit(main())

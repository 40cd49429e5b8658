#!/usr/bin/env python3
# SPDX-License-Identifier: Apache-2.0
"""Fails when the project's include graph has a cycle.

A node is a file stem: `agent/collection.h` and `agent/collection.cc` are one node, because a
header and its implementation are one unit of code; `a.cc` including `b.h` while `b.cc` includes
`a.h` is a cycle between two units even though the preprocessor never loops. Edges come from
`#include "path"` lines whose path (relative to the repository root) names a file of the
repository; system and third-party includes (<...>, generated protobuf headers) are not nodes.

Usage: include_cycles.py [--root DIR] [folder ...]   (default folders: agent collector common)
Prints every cycle found (one line per strongly connected component, as a closed path) and exits
1 when there is one, 0 otherwise.
"""

import argparse
import os
import re
import sys

INCLUDE = re.compile(r'^\s*#\s*include\s+"([^"]+)"')
EXTENSIONS = (".h", ".cc")


def stem(path):
    return os.path.splitext(path)[0]


def build_graph(root, folders):
    files = []
    for folder in folders:
        for dirpath, _, names in os.walk(os.path.join(root, folder)):
            for name in names:
                if name.endswith(EXTENSIONS):
                    files.append(os.path.relpath(os.path.join(dirpath, name), root))
    known = set(files)
    graph = {}
    for f in sorted(files):
        node = stem(f)
        edges = graph.setdefault(node, set())
        with open(os.path.join(root, f), encoding="utf-8", errors="replace") as src:
            for line in src:
                m = INCLUDE.match(line)
                if not m:
                    continue
                target = os.path.normpath(m.group(1))
                if target not in known:
                    continue  # outside the scanned folders, generated, or a third-party header
                if stem(target) != node:
                    edges.add(stem(target))
    return graph


def strongly_connected(graph):
    """Tarjan's algorithm, iterative (the graph has a few hundred nodes, but no recursion cap)."""
    index, low, on_stack, stack, out = {}, {}, set(), [], []
    counter = 0
    for start in sorted(graph):
        if start in index:
            continue
        work = [(start, iter(sorted(graph[start])))]
        index[start] = low[start] = counter
        counter += 1
        stack.append(start)
        on_stack.add(start)
        while work:
            node, children = work[-1]
            advanced = False
            for child in children:
                if child not in index:
                    index[child] = low[child] = counter
                    counter += 1
                    stack.append(child)
                    on_stack.add(child)
                    work.append((child, iter(sorted(graph.get(child, ())))))
                    advanced = True
                    break
                if child in on_stack:
                    low[node] = min(low[node], index[child])
            if advanced:
                continue
            work.pop()
            if work:
                parent = work[-1][0]
                low[parent] = min(low[parent], low[node])
            if low[node] == index[node]:
                component = []
                while True:
                    member = stack.pop()
                    on_stack.discard(member)
                    component.append(member)
                    if member == node:
                        break
                if len(component) > 1:
                    out.append(sorted(component))
    return out


def one_cycle(graph, component):
    """A closed path through the component's first node (breadth-first, so a shortest one)."""
    members = set(component)
    start = component[0]
    previous = {start: None}
    queue = [start]
    while queue:
        node = queue.pop(0)
        for child in sorted(graph[node]):
            if child == start:
                path = [node]
                while previous[path[-1]] is not None:
                    path.append(previous[path[-1]])
                return list(reversed(path)) + [start]
            if child in members and child not in previous:
                previous[child] = node
                queue.append(child)
    return component


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--root", default=os.path.join(os.path.dirname(__file__), "..", ".."))
    parser.add_argument("folders", nargs="*", default=["agent", "collector", "common"])
    args = parser.parse_args()
    root = os.path.abspath(args.root)
    graph = build_graph(root, args.folders)
    cycles = strongly_connected(graph)
    for component in cycles:
        print("include cycle: " + " -> ".join(one_cycle(graph, component)) +
              ("" if len(component) <= 2 else
               f"  ({len(component)} units involved: {', '.join(component)})"))
    if cycles:
        print(f"include_cycles: {len(cycles)} cycle(s) in {', '.join(args.folders)}")
        return 1
    print(f"include_cycles: OK ({len(graph)} units in {', '.join(args.folders)}, no cycle)")
    return 0


if __name__ == "__main__":
    sys.exit(main())

#!/usr/bin/env python3
# SPDX-License-Identifier: Apache-2.0
"""Static checks of the shipped Grafana dashboards and provisioning files (CTest
lint.dashboards; python3 standard library, PyYAML for the provisioning files when installed).

Grafana itself is not packaged in Debian 12, so the dashboards cannot be loaded into a real
Grafana here. Instead this checks what Grafana would otherwise reject or silently render empty:

- each deploy/grafana/dashboards/*.json is what deploy/grafana/generate_dashboards.py writes;
- the JSON model: uid/title/schemaVersion, unique dashboard uids, unique panel ids, gridPos
  inside 24 columns without overlaps;
- every non-row panel has the Prometheus datasource variable and at least one target; every
  target has a non-empty expr, a unique refId and the same datasource;
- every variable an expression, a link or a variable query uses ($x, ${x}, ${x:fmt}, [[x]]) is
  defined in the dashboard's templating or is a Grafana built-in; the datasource variable is of
  type datasource/prometheus; query variables have a datasource and a query;
- every recording rule a dashboard reads (level:metric:operations names) is defined in
  deploy/prometheus/hostmon-recording.yml;
- the provisioning files have Grafana's file-provisioning shape.

Usage: check_dashboards.py [--dashboards-dir DIR]
Prints PASS:/FAIL: lines and `N passed, M failed`; exits 1 on any failure.
"""

import argparse
import glob
import json
import os
import re
import subprocess
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))
GRAFANA_DIR = os.path.join(ROOT, "deploy", "grafana")
DASHBOARDS_DIR = os.path.join(GRAFANA_DIR, "dashboards")
RECORDING_RULES = os.path.join(ROOT, "deploy", "prometheus", "hostmon-recording.yml")

# Grafana's global variables (https://grafana.com/docs/grafana/latest/dashboards/variables/
# add-template-variables/#global-variables) and the link/field placeholders it fills.
BUILTINS = {
    "__rate_interval", "__rate_interval_ms", "__interval", "__interval_ms", "__range",
    "__range_s", "__range_ms", "__from", "__to", "__dashboard", "__org", "__user", "__name",
    "__value", "__url_time_range", "__field", "__series", "__data", "__all_variables",
    "timeFilter", "__timeFilter", "__auto_interval",
}
VAR_RX = re.compile(r"\$\{([\w.]+)(?::[\w]+)?\}|\[\[(\w+)(?::\w+)?\]\]|\$(\w+)")
RECORDED_RX = re.compile(r"\b([a-z_]+:[a-zA-Z0-9_]+:[a-zA-Z0-9_]+)\b")
EXPECTED_DS = {"type": "prometheus", "uid": "${datasource}"}


def variables_used(text):
    out = set()
    for m in VAR_RX.finditer(text):
        name = m.group(1) or m.group(2) or m.group(3)
        out.add(name.split(".")[0])
    return out


def walk_panels(panels):
    for p in panels or []:
        yield p
        yield from walk_panels(p.get("panels"))


def recorded_names():
    names = set()
    with open(RECORDING_RULES, encoding="utf-8") as f:
        for line in f:
            m = re.match(r"\s*-\s*record:\s*(\S+)", line)
            if m:
                names.add(m.group(1))
    return names


class Checks:
    def __init__(self):
        self.passed = 0
        self.failed = 0

    def check(self, name, ok, detail=""):
        if ok:
            self.passed += 1
            sys.stdout.write("PASS: %s\n" % name)
        else:
            self.failed += 1
            sys.stdout.write("FAIL: %s%s\n" % (name, (": " + detail) if detail else ""))
        return ok


def check_dashboard(c, path, dash, recorded):
    name = os.path.basename(path)
    c.check("%s: uid, title, schemaVersion >= 36, tag hostmon" % name,
            dash.get("uid") and dash.get("title") and dash.get("schemaVersion", 0) >= 36
            and "hostmon" in (dash.get("tags") or []), "")
    variables = (dash.get("templating") or {}).get("list") or []
    defined = {v.get("name") for v in variables}
    ds_vars = [v for v in variables if v.get("name") == "datasource"]
    c.check("%s: datasource variable of type datasource/prometheus" % name,
            len(ds_vars) == 1 and ds_vars[0].get("type") == "datasource"
            and ds_vars[0].get("query") == "prometheus", json.dumps(ds_vars))
    bad_vars = []
    for v in variables:
        if v.get("type") == "query":
            q = v.get("query")
            q = q.get("query") if isinstance(q, dict) else q
            if v.get("datasource") != EXPECTED_DS or not q:
                bad_vars.append(v.get("name"))
            elif variables_used(q) - defined - BUILTINS:
                bad_vars.append("%s uses %s" % (v.get("name"),
                                                 variables_used(q) - defined - BUILTINS))
    c.check("%s: query variables have the datasource and a query over defined variables"
            % name, not bad_vars, ", ".join(bad_vars))

    panels = list(walk_panels(dash.get("panels")))
    ids = [p.get("id") for p in panels]
    c.check("%s: %d panels, unique ids" % (name, len(panels)),
            len(ids) == len(set(ids)) and None not in ids,
            "duplicate or missing ids: %s" % sorted(i for i in ids if ids.count(i) > 1))

    cells, overlaps, outside = {}, [], []
    for p in panels:
        g = p.get("gridPos") or {}
        x, y, w, h = g.get("x", -1), g.get("y", -1), g.get("w", 0), g.get("h", 0)
        if x < 0 or y < 0 or w <= 0 or h <= 0 or x + w > 24:
            outside.append(p.get("title"))
            continue
        for cx in range(x, x + w):
            for cy in range(y, y + h):
                if (cx, cy) in cells:
                    overlaps.append("%s/%s" % (cells[(cx, cy)], p.get("title")))
                cells[(cx, cy)] = p.get("title")
    c.check("%s: gridPos inside 24 columns, no overlapping panels" % name,
            not outside and not overlaps, "outside: %s; overlaps: %s"
            % (outside, sorted(set(overlaps))[:5]))

    problems, exprs = [], 0
    for p in panels:
        if p.get("type") == "row":
            continue
        title = p.get("title") or "(untitled)"
        targets = p.get("targets") or []
        if p.get("datasource") != EXPECTED_DS:
            problems.append("%s: panel datasource %r" % (title, p.get("datasource")))
        if not targets:
            problems.append("%s: no targets" % title)
        refs = [t.get("refId") for t in targets]
        if len(refs) != len(set(refs)) or None in refs:
            problems.append("%s: refIds %s" % (title, refs))
        for t in targets:
            expr = t.get("expr")
            if not isinstance(expr, str) or not expr.strip():
                problems.append("%s: target %s without expr" % (title, t.get("refId")))
                continue
            exprs += 1
            if t.get("datasource") != EXPECTED_DS:
                problems.append("%s: target %s datasource %r"
                                % (title, t.get("refId"), t.get("datasource")))
            undefined = variables_used(expr) - defined - BUILTINS
            if undefined:
                problems.append("%s: undefined variables %s" % (title, sorted(undefined)))
            unknown = {r for r in RECORDED_RX.findall(expr)} - recorded
            if unknown:
                problems.append("%s: recording rules not in hostmon-recording.yml: %s"
                                % (title, sorted(unknown)))
        for link in ((p.get("fieldConfig") or {}).get("overrides") or []):
            for prop in link.get("properties") or []:
                for lk in prop.get("value") or [] if prop.get("id") == "links" else []:
                    undefined = variables_used(lk.get("url", "")) - defined - BUILTINS
                    if undefined:
                        problems.append("%s: link uses undefined %s" % (title, sorted(undefined)))
    c.check("%s: %d targets, each with expr, refId, datasource, defined variables and known "
            "recording rules" % (name, exprs), not problems and exprs > 0,
            "; ".join(problems[:10]))

    link_problems = []
    for lk in dash.get("links") or []:
        undefined = variables_used(lk.get("url", "")) - defined - BUILTINS
        if undefined:
            link_problems.append("%s uses %s" % (lk.get("title"), sorted(undefined)))
    c.check("%s: dashboard links use defined variables" % name, not link_problems,
            "; ".join(link_problems))
    return dash.get("uid")


def check_provisioning(c):
    try:
        import yaml  # noqa: PLC0415 - optional: Debian's python3-yaml
    except ImportError:
        sys.stdout.write("note: python3-yaml not installed; provisioning files not parsed\n")
        return
    prov = os.path.join(GRAFANA_DIR, "provisioning")
    with open(os.path.join(prov, "dashboards", "hostmon.yml"), encoding="utf-8") as f:
        doc = yaml.safe_load(f)
    providers = doc.get("providers") or []
    c.check("provisioning/dashboards/hostmon.yml: apiVersion 1, a file provider with a path",
            doc.get("apiVersion") == 1 and len(providers) == 1
            and providers[0].get("type") == "file"
            and (providers[0].get("options") or {}).get("path"), json.dumps(doc))
    with open(os.path.join(prov, "datasources", "prometheus.yml"), encoding="utf-8") as f:
        doc = yaml.safe_load(f)
    sources = doc.get("datasources") or []
    c.check("provisioning/datasources/prometheus.yml: apiVersion 1, one prometheus source "
            "with a url", doc.get("apiVersion") == 1 and len(sources) == 1
            and sources[0].get("type") == "prometheus" and sources[0].get("url"),
            json.dumps(doc))


def main():
    ap = argparse.ArgumentParser(description=__doc__.strip().splitlines()[0])
    ap.add_argument("--dashboards-dir", default=DASHBOARDS_DIR)
    args = ap.parse_args()
    c = Checks()
    gen = subprocess.run([sys.executable, os.path.join(GRAFANA_DIR, "generate_dashboards.py"),
                          "--check", "--out-dir", args.dashboards_dir],
                         capture_output=True, text=True)
    c.check("dashboard JSON files are what generate_dashboards.py writes", gen.returncode == 0,
            (gen.stdout + gen.stderr).strip())
    recorded = recorded_names()
    paths = sorted(glob.glob(os.path.join(args.dashboards_dir, "*.json")))
    c.check("4 dashboards shipped", len(paths) == 4, ", ".join(paths))
    uids = []
    for path in paths:
        try:
            with open(path, encoding="utf-8") as f:
                dash = json.load(f)
        except ValueError as e:
            c.check("%s is valid JSON" % os.path.basename(path), False, str(e))
            continue
        uids.append(check_dashboard(c, path, dash, recorded))
    c.check("dashboard uids are unique", len(uids) == len(set(uids)), str(uids))
    check_provisioning(c)
    sys.stdout.write("%d passed, %d failed\n" % (c.passed, c.failed))
    return 1 if c.failed else 0


if __name__ == "__main__":
    sys.exit(main())

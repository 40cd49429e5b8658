#!/usr/bin/env python3
# SPDX-License-Identifier: Apache-2.0
"""How much of the Node Exporter Full dashboard works against hostmon: every PromQL query of
the dashboard, with Grafana's variables substituted for this host, evaluated on a real
Prometheus scraping the collector (agent on this machine's /proc, 1 s interval).

A query passes when its instant query returns at least one series (or a non-NaN scalar; for a
`label_values()` variable query: at least one non-empty value). Counting is per query as the
dashboard holds them (286 panel targets + 3 variable queries = 289); identical expressions are
evaluated once.

Usage: dashboard_queries.py --bin-dir build/bin [--min-pass K] [--list] [--markdown]
                            [--reference]
"""

import collections
import json
import math
import os
import re
import socket
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import compat_lib as c  # noqa: E402

h = c.h
DEFAULT_DASHBOARD = os.path.join(c.FIXTURES_DIR, "dashboards", "node", "node-exporter-full.json")


# ---------------------------------------------------------------------------------------------
# Extraction


class Query:
    def __init__(self, expr, where, kind):
        self.expr = expr  # as written in the dashboard (variables not substituted)
        self.where = where  # panel title path, or "variable $name"
        self.kind = kind  # "panel" or "variable"
        self.resolved = None  # after substitution (what is sent to Prometheus)


def _walk_panels(panels, path=()):
    for p in panels or []:
        title = p.get("title") or "(untitled %s)" % p.get("type", "panel")
        yield p, path + (title,)
        # Collapsed rows keep their panels nested; expanded rows list them at top level.
        yield from _walk_panels(p.get("panels"), path + (title,))


def extract_queries(dashboard):
    """Every targets[].expr of every panel (rows' nested panels included) and every Prometheus
    query variable of the templating section, in dashboard order."""
    out = []
    for panel, path in _walk_panels(dashboard.get("panels")):
        for t in panel.get("targets") or []:
            expr = t.get("expr")
            if isinstance(expr, str) and expr.strip():
                # Hidden targets count too: they are part of the dashboard (the 286).
                out.append(Query(expr, " / ".join(path), "panel"))
    for var in (dashboard.get("templating") or {}).get("list", []):
        if var.get("type") != "query":
            continue
        q = var.get("query")
        if isinstance(q, dict):
            q = q.get("query")
        if isinstance(q, str) and q.strip():
            out.append(Query(q, "variable $%s" % var.get("name"), "variable"))
    return out


# ---------------------------------------------------------------------------------------------
# Grafana variable substitution for one host

_DURATION_RX = re.compile(r"^now-(\d+)([smhdwy])$")
_UNIT_S = {"s": 1, "m": 60, "h": 3600, "d": 86400, "w": 604800, "y": 31536000}
_VAR_RX = re.compile(r"\$\{(\w+)(?::([\w]+))?\}|\[\[(\w+)(?::(\w+))?\]\]|\$(\w+)")
_LABEL_VALUES_RX = re.compile(r"^\s*label_values\(\s*(.*?)\s*,\s*(\w+)\s*\)\s*$", re.S)
_LABEL_VALUES_1_RX = re.compile(r"^\s*label_values\(\s*(\w+)\s*\)\s*$")
_QUERY_RESULT_RX = re.compile(r"^\s*query_result\((.*)\)\s*$", re.S)


def dashboard_range_seconds(dashboard):
    """The dashboard's default time range (`time.from` = now-24h -> 86400), Grafana's $__range."""
    m = _DURATION_RX.match(((dashboard.get("time") or {}).get("from") or "now-24h").strip())
    return int(m.group(1)) * _UNIT_S[m.group(2)] if m else 86400


def _format_value(value, fmt):
    """Grafana's ${var:format} for a single value."""
    if fmt == "regex":
        return re.sub(r"([\\^$.|?*+()\[\]{}/])", r"\\\1", value)
    if fmt in ("doublequote",):
        return '"%s"' % value
    if fmt in ("singlequote",):
        return "'%s'" % value
    return value  # raw, pipe, csv, glob, text, lucene, ... are identical for one value


def substitute(expr, values):
    """Replaces $name, ${name}, ${name:fmt} and [[name]] like Grafana does. Unknown variables
    are left as written (the query then fails and is reported)."""

    def repl(m):
        name = m.group(1) or m.group(3) or m.group(5)
        fmt = m.group(2) or m.group(4)
        if name not in values:
            return m.group(0)
        return _format_value(values[name], fmt)

    return _VAR_RX.sub(repl, expr)


def builtin_values(dashboard, rate_interval_s):
    """Grafana's global variables. $__rate_interval is shortened (Grafana would use at least
    4 scrape intervals and more for long ranges) so that a short run has full rate() windows;
    $__range is the dashboard's default time range."""
    rng = dashboard_range_seconds(dashboard)
    ri = "%ds" % rate_interval_s
    return {
        "__rate_interval": ri,
        "__rate_interval_ms": str(rate_interval_s * 1000),
        "__interval": ri,
        "__interval_ms": str(rate_interval_s * 1000),
        "__range": "%ds" % rng,
        "__range_s": str(rng),
        "__range_ms": str(rng * 1000),
        "__auto_interval": ri,
    }


def _variable_default(var):
    cur = var.get("current") or {}
    v = cur.get("value")
    if isinstance(v, list):
        v = v[0] if v else None
    if v in (None, "", "$__all"):
        for opt in var.get("options") or []:
            if opt.get("selected") and opt.get("value") not in (None, "", "$__all"):
                return opt["value"]
        q = var.get("query")
        if var.get("type") in ("constant", "textbox", "custom") and isinstance(q, str):
            # custom: "a,b,c" -> first; constant/textbox: the text (e.g. a device regex).
            return q.split(",")[0].strip() if var.get("type") == "custom" else q
        return None
    return v


def resolve_variables(dashboard, stack, rate_interval_s):
    """Values for every template variable, for the agent's host, the way Grafana picks them:
    $job = "node" (the collector's default job), $node/$instance = the agent's instance;
    datasource variables are irrelevant to PromQL; other query variables are evaluated in
    templating order (label_values on Prometheus, first value), falling back to their saved
    default; custom/constant/textbox variables (e.g. $diskdevices) use their default."""
    values = builtin_values(dashboard, rate_interval_s)
    values.update({"job": "node", "node": stack.host, "instance": stack.host})
    for var in (dashboard.get("templating") or {}).get("list", []):
        name = var.get("name")
        if not name or name in values or var.get("type") == "datasource":
            continue
        value = None
        if var.get("type") == "query":
            q = var.get("query")
            q = q.get("query") if isinstance(q, dict) else q
            if isinstance(q, str):
                found = variable_query_values(stack, substitute(q, values))
                value = sorted(found)[0] if found else None
        if value is None:
            value = _variable_default(var)
        if value is None and name == "nodename":
            value = os.uname().nodename  # what node_uname_info{nodename} would say
        if value is not None:
            values[name] = value
    return values


def variable_query_values(stack, q):
    """Evaluates a Grafana Prometheus variable query; returns the set of non-empty values
    (raises RuntimeError on a PromQL error)."""
    m = _LABEL_VALUES_RX.match(q)
    if m:
        sel, label = m.group(1), m.group(2)
        data = c.prom_api(stack.prom_base, "/api/v1/query",
                          {"query": "group by (%s) (%s)" % (label, sel)})
        return {r["metric"].get(label) for r in data.get("result", [])} - {None, ""}
    m = _LABEL_VALUES_1_RX.match(q)
    if m:
        return set(c.prom_api(stack.prom_base, "/api/v1/label/%s/values" % m.group(1))) - {""}
    m = _QUERY_RESULT_RX.match(q)
    data = c.prom_api(stack.prom_base, "/api/v1/query", {"query": m.group(1) if m else q})
    return {json.dumps(r["metric"]) for r in data.get("result", [])}


# ---------------------------------------------------------------------------------------------
# Evaluation


def evaluate(stack, q):
    """(ok, detail) for one resolved query."""
    try:
        if q.kind == "variable":
            found = variable_query_values(stack, q.resolved)
            return bool(found), "%d values" % len(found)
        data = c.prom_api(stack.prom_base, "/api/v1/query", {"query": q.resolved})
    except RuntimeError as e:
        return False, str(e)
    if data.get("resultType") == "scalar":
        v = float(data["result"][1])
        return not math.isnan(v), "scalar %s" % v
    result = data.get("result") or []
    return len(result) > 0, "%d series" % len(result)


def needed_metrics(q):
    """Metric names a resolved query reads (for label_values(sel, label): those of sel)."""
    m = _LABEL_VALUES_RX.match(q.resolved) if q.kind == "variable" else None
    return c.promql_metric_names(m.group(1) if m else q.resolved)


def markdown_table(failing, present):
    """Failing queries grouped by the metric they need that hostmon does not export."""
    by_metric = collections.defaultdict(list)
    for q in failing:
        missing = sorted(needed_metrics(q) - present)
        for m in missing or ["(all metrics present: no series match the query)"]:
            by_metric[m].append(q)
    rows = sorted(by_metric.items(), key=lambda kv: (kv[0].startswith("("), -len(kv[1]), kv[0]))
    lines = ["| missing metric | failing queries | panels |", "| --- | ---: | --- |"]
    for metric, qs in rows:
        panels = sorted({q.where.split(" / ")[-1] for q in qs})
        shown = ", ".join(panels[:6]) + (", ..." if len(panels) > 6 else "")
        name = metric if metric.startswith("(") else "`%s`" % metric
        lines.append("| %s | %d | %s |" % (name, len(qs), shown.replace("|", "\\|")))
    return "\n".join(lines)


def extra_args(ap):
    ap.add_argument("--dashboard", default=DEFAULT_DASHBOARD, help="Grafana dashboard JSON")
    ap.add_argument("--min-pass", type=int, default=0,
                    help="exit 1 if fewer than this many queries return series")
    ap.add_argument("--list", action="store_true",
                    help="print each failing query with the metric names it needs that are absent")
    ap.add_argument("--markdown", action="store_true",
                    help="print the failing queries grouped by missing metric as a markdown table")
    ap.add_argument("--rate-interval", type=int, default=15,
                    help="seconds substituted for $__rate_interval (default 15)")
    ap.add_argument("--reference", action="store_true",
                    help="run the dashboard against node_exporter 1.5.0 (default collectors, "
                    "this machine) instead of hostmon: the score to compare with")
    ap.add_argument("--hostname", default=None,
                    help="agent host name = instance label (default: this machine's name)")


def body(args, procs, runner, workdir):
    with open(args.dashboard, encoding="utf-8") as f:
        dashboard = json.load(f)
    queries = extract_queries(dashboard)
    distinct = {q.expr for q in queries}
    h.log("%s: %d queries (%d panel targets, %d variable queries), %d distinct"
          % (os.path.basename(args.dashboard), len(queries),
             sum(q.kind == "panel" for q in queries), sum(q.kind == "variable" for q in queries),
             len(distinct)))
    runner.require("the dashboard has PromQL queries", queries, args.dashboard)

    host = args.hostname or socket.gethostname()
    if args.reference:
        stack = c.start_node_exporter_stack(procs, runner, workdir, host=host)
    else:
        stack = c.start_stack(args, procs, runner, workdir, host=host)
    # Full rate() windows: start_stack returned when Prometheus had the first sample, so wait
    # one window plus two scrapes.
    wait_s = args.rate_interval + 2.0
    h.log("waiting %.1fs for %ds rate() windows to fill" % (wait_s, args.rate_interval))
    time.sleep(min(wait_s, h.budget().remaining()))

    values = resolve_variables(dashboard, stack, args.rate_interval)
    h.log("variables: %s" % ", ".join("$%s=%s" % kv for kv in sorted(values.items())
                                      if not kv[0].startswith("__") or kv[0] == "__rate_interval"))
    cache = {}
    for q in queries:
        q.resolved = substitute(q.expr, values)
        key = (q.kind, q.resolved)
        if key not in cache:
            cache[key] = evaluate(stack, q)
    h.log("evaluated %d distinct queries" % len(cache))

    present = set(c.prom_api(stack.prom_base, "/api/v1/label/__name__/values"))
    passed = [q for q in queries if cache[(q.kind, q.resolved)][0]]
    failing = [q for q in queries if not cache[(q.kind, q.resolved)][0]]
    unresolved = sorted({v for q in queries for v in re.findall(r"\$\{?\w+", q.resolved)})
    if unresolved:
        h.log("WARNING: variables left unsubstituted: %s" % ", ".join(unresolved))

    if args.list:
        sys.stdout.write("failing queries (%d; missing metrics in brackets):\n" % len(failing))
        for q in failing:
            missing = sorted(needed_metrics(q) - present)
            detail = cache[(q.kind, q.resolved)][1]
            sys.stdout.write("  FAIL [%s] %s: %s   (%s)\n"
                             % (", ".join(missing) or "all metrics present", q.where,
                                " ".join(q.resolved.split()), detail))
    if args.markdown:
        sys.stdout.write("\nNode Exporter Full: %d of %d queries return data; failing ones by "
                         "missing metric:\n\n%s\n\n" % (len(passed), len(queries),
                                                        markdown_table(failing, present)))
    missing_all = collections.Counter()
    for q in failing:
        missing_all.update(needed_metrics(q) - present)
    h.log("%d of %d queries return series (%d distinct expressions); %d metric names the "
          "failing ones need are absent" % (len(passed), len(queries), len(cache),
                                            len(missing_all)))
    code = 0
    if len(passed) < args.min_pass:
        sys.stdout.write("FAIL: %d queries pass, fewer than --min-pass %d\n"
                         % (len(passed), args.min_pass))
        code = 1
    return len(passed), len(failing), code


if __name__ == "__main__":
    c.main(__doc__.strip().splitlines()[0], body, budget_seconds=85.0, extra_args=extra_args)

#!/usr/bin/env python3
# SPDX-License-Identifier: Apache-2.0
"""Writes the hostmon Grafana dashboards (deploy/grafana/dashboards/*.json) from the panel lists
below (python3 standard library only).

The JSON files are what Grafana loads; this script is their source, so that every panel gets the
same datasource variable, unique ids and a tidy grid without hand-editing hundreds of lines.
Edit a panel here, run `deploy/grafana/generate_dashboards.py`, commit both. The test
`lint.dashboards` fails when the JSON files differ from what this script writes.

Usage: generate_dashboards.py [--check] [--out-dir DIR]
"""

import argparse
import json
import os
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
OUT_DIR = os.path.join(HERE, "dashboards")

SCHEMA_VERSION = 37  # Grafana 9.x JSON model; Grafana 10 and 11 migrate it on load.
DS = {"type": "prometheus", "uid": "${datasource}"}
# Node Exporter Full (grafana.com dashboard 1860) keeps this uid across its revisions.
NODE_EXPORTER_FULL_UID = "rYdddlPWk"
# Agent-side filters shared with deploy/config/rules.yml and hostmon-recording.yml.
DISK_DEVICES = 'device!~"(ram|loop|fd|sr)[0-9]*"'
REAL_FS = 'fstype!~"tmpfs|ramfs|squashfs|iso9660|overlay|nsfs|fuse.*"'


# ---------------------------------------------------------------------------------------------
# Panel builders


def target(expr, legend="", instant=False, fmt="time_series"):
    t = {"datasource": DS, "editorMode": "code", "expr": expr, "legendFormat": legend,
         "range": not instant, "instant": instant, "format": fmt}
    return t


def _panel(kind, title, targets, w, h, unit=None, description="", **extra):
    p = {"type": kind, "title": title, "datasource": DS, "description": description,
         "targets": targets, "_w": w, "_h": h,
         "fieldConfig": {"defaults": {}, "overrides": []}, "options": {}}
    if unit:
        p["fieldConfig"]["defaults"]["unit"] = unit
    p.update(extra)
    return p


def stat(title, expr, unit=None, description="", w=4, h=4, thresholds=None, legend=""):
    p = _panel("stat", title, [target(expr, legend, instant=True)], w, h, unit, description)
    p["options"] = {"reduceOptions": {"calcs": ["lastNotNull"], "fields": "", "values": False},
                    "colorMode": "value", "graphMode": "none", "textMode": "auto"}
    p["fieldConfig"]["defaults"]["thresholds"] = {
        "mode": "absolute",
        "steps": thresholds or [{"color": "green", "value": None}]}
    return p


def timeseries(title, targets, unit=None, description="", w=12, h=8, stack=False):
    if isinstance(targets, tuple):
        targets = [target(*targets)]
    p = _panel("timeseries", title, targets, w, h, unit, description)
    p["fieldConfig"]["defaults"]["custom"] = {
        "drawStyle": "line", "lineWidth": 1, "fillOpacity": 10 if stack else 0,
        "showPoints": "never", "spanNulls": False,
        "stacking": {"mode": "normal" if stack else "none", "group": "A"}}
    p["options"] = {"legend": {"displayMode": "table", "placement": "bottom",
                               "calcs": ["lastNotNull", "max"], "showLegend": True},
                    "tooltip": {"mode": "multi", "sort": "desc"}}
    return p


def table(title, targets, description="", w=12, h=8, unit=None, merge=False, exclude=(),
          columns=()):
    """A table of instant queries. With merge, the queries' rows are joined on their labels and
    `columns` names each query's value column, in target order: (header, unit)."""
    if isinstance(targets, str):
        targets = [target(targets, instant=True, fmt="table")]
    p = _panel("table", title, targets, w, h, unit, description)
    p["options"] = {"showHeader": True, "footer": {"show": False}}
    hide = {"Time": True, "__name__": True}
    hide.update({name: True for name in exclude})
    # Grafana names the value column of query A "Value #A" once several queries are merged.
    rename = {"Value #%s" % chr(ord("A") + i): col[0] for i, col in enumerate(columns)}
    p["transformations"] = ([{"id": "merge", "options": {}}] if merge else []) + [
        {"id": "organize", "options": {"excludeByName": hide, "renameByName": rename}}]
    p["fieldConfig"]["overrides"] = [
        {"matcher": {"id": "byName", "options": header},
         "properties": [{"id": "unit", "value": col_unit}]}
        for header, col_unit in columns if col_unit]
    return p


def bargauge(title, expr, unit=None, description="", w=8, h=8, legend="{{instance}}",
             max_value=None):
    p = _panel("bargauge", title, [target(expr, legend, instant=True)], w, h, unit, description)
    p["options"] = {"displayMode": "gradient", "orientation": "horizontal",
                    "reduceOptions": {"calcs": ["lastNotNull"], "fields": "", "values": False},
                    "showUnfilled": True}
    if max_value is not None:
        p["fieldConfig"]["defaults"]["max"] = max_value
        p["fieldConfig"]["defaults"]["min"] = 0
    return p


def row(title):
    return {"type": "row", "title": title, "collapsed": False, "panels": [], "_w": 24, "_h": 1}


# ---------------------------------------------------------------------------------------------
# Variables


def datasource_var():
    return {"name": "datasource", "label": "Data source", "type": "datasource",
            "query": "prometheus", "current": {}, "hide": 0, "refresh": 1, "regex": "",
            "options": []}


def query_var(name, label, query, default, include_all=False, description=""):
    v = {"name": name, "label": label, "type": "query", "datasource": DS,
         "definition": query, "query": {"query": query, "refId": "PrometheusVariableQuery"},
         "refresh": 2, "sort": 1, "hide": 0, "multi": False, "includeAll": include_all,
         "regex": "", "options": [], "description": description,
         "current": {"selected": False, "text": default, "value": default}}
    return v


def custom_var(name, label, values, default):
    return {"name": name, "label": label, "type": "custom", "query": ",".join(values),
            "hide": 0, "multi": False, "includeAll": False,
            "current": {"selected": True, "text": default, "value": default},
            "options": [{"selected": v == default, "text": v, "value": v} for v in values]}


JOB_VAR = query_var("job", "Host job", "label_values(hostmon_agent_collector_connected, job)",
                    "node", description="job label of the hosts' series (collector "
                    "--hosts.default-job or the agent's own)")
COLLECTOR_JOB_VAR = query_var("collector_job", "Collector job",
                              "label_values(hostmon_collector_build_info, job)", "hostmon",
                              description="Prometheus scrape job of the collectors")
INSTANCE_VAR = query_var("instance", "Host",
                         'label_values(hostmon_agent_collector_connected{job="$job"}, instance)',
                         "", description="the host (its agent's --hostname)")


# ---------------------------------------------------------------------------------------------
# Dashboard assembly


def layout(panels):
    """Assigns ids and gridPos: panels flow left to right and wrap at 24 columns; a row starts
    a new line."""
    x = y = line_h = 0
    out = []
    for i, p in enumerate(panels, start=1):
        w, h = p.pop("_w"), p.pop("_h")
        if p["type"] == "row" or x + w > 24:
            y += line_h
            x = line_h = 0
        p["id"] = i
        p["gridPos"] = {"x": x, "y": y, "w": w, "h": h}
        if p["type"] != "row":
            for j, t in enumerate(p.get("targets", [])):
                t["refId"] = chr(ord("A") + j)
        x += w
        line_h = max(line_h, h)
        if p["type"] == "row":
            y += 1
            x = line_h = 0
        out.append(p)
    return out


def dashboard(uid, title, description, panels, variables, links=(), refresh="30s",
              time_from="now-6h"):
    return {
        "uid": uid,
        "title": title,
        "description": description,
        "tags": ["hostmon"],
        "editable": True,
        "graphTooltip": 1,
        "schemaVersion": SCHEMA_VERSION,
        "version": 1,
        "refresh": refresh,
        "time": {"from": time_from, "to": "now"},
        "timepicker": {},
        "timezone": "",
        "fiscalYearStartMonth": 0,
        "liveNow": False,
        "annotations": {"list": [{
            "builtIn": 1, "datasource": {"type": "grafana", "uid": "-- Grafana --"},
            "enable": True, "hide": True, "iconColor": "rgba(0, 211, 255, 1)",
            "name": "Annotations & Alerts", "type": "dashboard"}]},
        "links": [{"title": "hostmon dashboards", "type": "dashboards", "tags": ["hostmon"],
                   "asDropdown": True, "includeVars": True, "keepTime": True,
                   "icon": "external link", "targetBlank": False, "tooltip": "", "url": ""}]
        + list(links),
        "templating": {"list": [datasource_var()] + list(variables)},
        "panels": layout(panels),
    }


# ---------------------------------------------------------------------------------------------
# Fleet overview

H = 'job="$job"'  # every host series of the selected job
HI = 'job="$job",instance="$instance"'  # one host


def fleet():
    top = "topk($topn, %s)"
    panels = [
        row("Fleet"),
        stat("Hosts reporting",
             "count(hostmon_agent_collector_connected{%s} == 1) or vector(0)" % H,
             description="Hosts whose agent series reach Prometheus through a collector now."),
        stat("Agent streams open",
             'sum(hostmon_collector_connected_agents{job="$collector_job"})',
             description="Agent streams the collectors hold open right now."),
        stat("Hosts exported", 'sum(hostmon_collector_hosts{job="$collector_job"})',
             description="Hosts whose series the collectors export (connected or within their "
             "staleness period)."),
        stat("Hosts up (per-host targets)", "sum(up{%s})" % H,
             description="With per-host targets (http_sd: Prometheus scrapes "
             "/metrics/hosts/<instance>), `up` of every host. Empty when Prometheus scrapes "
             "only the collector's /metrics."),
        stat("Firing critical",
             'count(hostmon_alerts{%s,alertstate="firing",severity="critical"}) or vector(0)' % H,
             thresholds=[{"color": "green", "value": None}, {"color": "red", "value": 1}],
             description="Alerts of the collector's threshold rules (hostmon_alerts)."),
        stat("Firing warning",
             'count(hostmon_alerts{%s,alertstate="firing",severity="warning"}) or vector(0)' % H,
             thresholds=[{"color": "green", "value": None}, {"color": "orange", "value": 1}]),
        timeseries("Alerts by severity and state",
                   ("count by (severity, alertstate) (hostmon_alerts{%s})" % H,
                    "{{alertstate}} {{severity}}"), unit="none", w=8, stack=True,
                   description="Pending and firing alerts of the collector's rules."),
        table("Firing and pending alerts (collector rules)", "hostmon_alerts{%s}" % H, w=16,
              exclude=("Value", "job"),
              description="One line per alert: rule, host, severity, state."),
        table("hostmon pipeline alerts (Prometheus rules)",
              'ALERTS{alertname=~"Hostmon.*"}', w=24, h=6, exclude=("Value",),
              description="Alerts of deploy/prometheus/hostmon-alerts.yml evaluated by "
              "Prometheus (collector down, agent disconnected, spool, remote write ...)."),
        row("Top $topn hosts"),
        bargauge("CPU busy", top % ("instance:hostmon_cpu_busy:ratio_rate5m{%s}" % H),
                 unit="percentunit", max_value=1,
                 description="1 - idle / all CPU time, 5m (recording rule; the collector's "
                 "HostHighCpuUsage computes the same)."),
        bargauge("Memory used", top % ("instance:hostmon_memory_used:ratio{%s}" % H),
                 unit="percentunit", max_value=1,
                 description="1 - MemAvailable / MemTotal."),
        bargauge("Disk await (slowest disk)",
                 top % ("instance:hostmon_disk_await_seconds:max_rate5m{%s}" % H), unit="s",
                 description="I/O time per completed read/write of each host's slowest disk, "
                 "5m."),
        bargauge("Filesystem used (fullest)",
                 top % ("instance:hostmon_filesystem_used:max_ratio{%s}" % H),
                 unit="percentunit", max_value=1),
        bargauge("Network errors",
                 top % ("instance:hostmon_network_errors:rate5m{%s}" % H), unit="pps",
                 description="Receive + transmit errors per second, all interfaces but lo."),
        bargauge("Load per CPU",
                 top % ("node_load5{%s} / on (instance, job) count by (instance, job) "
                        '(node_cpu_seconds_total{%s,mode="idle"})' % (H, H)), unit="none"),
        bargauge("Probe latency",
                 top % ("instance_target:hostmon_probe_duration_seconds:avg5m{%s,"
                        'class=~"intra_dc|regional|global"}' % H), unit="s",
                 legend="{{instance}} → {{target}}",
                 description="Mean probe duration per target of the network classes "
                 "(intra_dc, regional, global), 5m."),
        bargauge("Probe response time (p99)",
                 top % ("instance_target:hostmon_probe_duration_seconds:p99_5m{%s}" % H),
                 unit="s", legend="{{instance}} → {{target}}"),
        bargauge("Probe error rate",
                 top % ("instance_target:probe_failures:ratio_avg5m{%s}" % H),
                 unit="percentunit", max_value=1, legend="{{instance}} → {{target}}",
                 description="Share of failed probes per target, 5m."),
        bargauge("Web error rate",
                 top % ("instance_log:hostmon_weblog_errors:ratio_rate5m{%s}" % H),
                 unit="percentunit", max_value=1, legend="{{instance}} → {{log}}",
                 description="5xx / all requests per access log (weblog source), 5m."),
        row("Trends"),
        timeseries("CPU busy (top $topn)",
                   (top % ("instance:hostmon_cpu_busy:ratio_rate5m{%s}" % H), "{{instance}}"),
                   unit="percentunit"),
        timeseries("Memory used (top $topn)",
                   (top % ("instance:hostmon_memory_used:ratio{%s}" % H), "{{instance}}"),
                   unit="percentunit"),
        timeseries("Disk await (top $topn)",
                   (top % ("instance:hostmon_disk_await_seconds:max_rate5m{%s}" % H),
                    "{{instance}}"), unit="s"),
        timeseries("Probe error rate (top $topn)",
                   (top % ("instance_target:probe_failures:ratio_avg5m{%s}" % H),
                    "{{instance}} → {{target}}"), unit="percentunit"),
        row("Hosts"),
        table("Hosts", [
            target("instance:hostmon_cpu_busy:ratio_rate5m{%s}" % H, instant=True, fmt="table"),
            target("instance:hostmon_memory_used:ratio{%s}" % H, instant=True, fmt="table"),
            target("instance:hostmon_filesystem_used:max_ratio{%s}" % H, instant=True,
                   fmt="table"),
            target("time() - node_boot_time_seconds{%s}" % H, instant=True, fmt="table"),
            target("count by (instance, job) (hostmon_alerts{%s,alertstate=\"firing\"})" % H,
                   instant=True, fmt="table"),
        ], w=24, h=10, merge=True, exclude=("job",),
            columns=[("CPU busy", "percentunit"), ("Memory used", "percentunit"),
                     ("Fullest filesystem", "percentunit"), ("Uptime", "s"),
                     ("Firing alerts", "none")],
            description="CPU busy, memory used, fullest filesystem, uptime and firing alerts "
            "per host. Click a host for its detail dashboard."),
    ]
    # The Hosts table links each host to the host dashboard.
    panels[-1]["fieldConfig"]["overrides"].append({
        "matcher": {"id": "byName", "options": "instance"},
        "properties": [{"id": "links", "value": [{
            "title": "Host detail",
            "url": "/d/hostmon-host/hostmon-host?var-datasource=${datasource}&var-job=${job}"
                   "&var-instance=${__value.raw}&${__url_time_range}"}]}]})
    return dashboard(
        "hostmon-fleet", "hostmon / Fleet overview",
        "All hosts of a job: who reports, which alerts fire, and the top N by CPU, memory, "
        "disk await, probe latency and error rate.",
        panels,
        [JOB_VAR, COLLECTOR_JOB_VAR, custom_var("topn", "Top N", ["5", "10", "20", "50"], "10")])


# ---------------------------------------------------------------------------------------------
# Host detail


def host():
    rate = "rate(%s[$__rate_interval])"
    panels = [
        row("Overview"),
        stat("Agent connected", "hostmon_agent_collector_connected{%s}" % HI,
             thresholds=[{"color": "red", "value": None}, {"color": "green", "value": 1}]),
        stat("Uptime", "time() - node_boot_time_seconds{%s}" % HI, unit="s"),
        stat("CPUs", 'count(node_cpu_seconds_total{%s,mode="idle"})' % HI),
        stat("Memory", "node_memory_MemTotal_bytes{%s}" % HI, unit="bytes"),
        stat("CPU busy (5m)", "instance:hostmon_cpu_busy:ratio_rate5m{%s}" % HI,
             unit="percentunit",
             thresholds=[{"color": "green", "value": None}, {"color": "orange", "value": 0.7},
                         {"color": "red", "value": 0.85}]),
        stat("Firing alerts",
             'count(hostmon_alerts{%s,alertstate="firing"}) or vector(0)' % HI,
             thresholds=[{"color": "green", "value": None}, {"color": "red", "value": 1}]),
        table("Alerts", "hostmon_alerts{%s}" % HI, w=12, h=6,
              exclude=("Value", "job", "instance")),
        table("Threshold rule values", "hostmon_rule_value{%s}" % HI, w=12, h=6,
              exclude=("job", "instance"),
              description="Latest value of each collector rule's expression for this host "
              "(what its thresholds compare)."),
        row("CPU and memory"),
        timeseries("CPU by mode",
                   ('sum by (mode) (%s) / scalar(count(node_cpu_seconds_total{%s,mode="idle"}))'
                    % (rate % ('node_cpu_seconds_total{%s,mode!="idle"}' % HI), HI),
                    "{{mode}}"), unit="percentunit", stack=True),
        timeseries("Load", [target("node_load1{%s}" % HI, "1m"),
                            target("node_load5{%s}" % HI, "5m"),
                            target("node_load15{%s}" % HI, "15m")]),
        timeseries("Memory", [
            target("node_memory_MemTotal_bytes{%s}" % HI, "total"),
            target("node_memory_MemTotal_bytes{%s} - node_memory_MemAvailable_bytes{%s}"
                   % (HI, HI), "used"),
            target("node_memory_Cached_bytes{%s} + node_memory_Buffers_bytes{%s}" % (HI, HI),
                   "cache + buffers"),
            target("node_memory_SwapTotal_bytes{%s} - node_memory_SwapFree_bytes{%s}"
                   % (HI, HI), "swap used")], unit="bytes"),
        timeseries("Pressure (PSI)", [
            target(rate % ("node_pressure_cpu_waiting_seconds_total{%s}" % HI), "cpu"),
            target(rate % ("node_pressure_memory_waiting_seconds_total{%s}" % HI), "memory"),
            target(rate % ("node_pressure_io_waiting_seconds_total{%s}" % HI), "io")],
            unit="percentunit",
            description="Share of time some task waited for the resource."),
        row("Disks and filesystems"),
        timeseries("Disk await", ("instance_device:hostmon_disk_await_seconds:rate5m{%s}" % HI,
                                  "{{device}}"), unit="s",
                   description="I/O time per completed read/write, 5m (HostDiskHighAwait)."),
        timeseries("Disk IOPS", [
            target(rate % ("node_disk_reads_completed_total{%s,%s}" % (HI, DISK_DEVICES)),
                   "{{device}} read"),
            target(rate % ("node_disk_writes_completed_total{%s,%s}" % (HI, DISK_DEVICES)),
                   "{{device}} write")], unit="iops"),
        timeseries("Disk throughput", [
            target(rate % ("node_disk_read_bytes_total{%s,%s}" % (HI, DISK_DEVICES)),
                   "{{device}} read"),
            target(rate % ("node_disk_written_bytes_total{%s,%s}" % (HI, DISK_DEVICES)),
                   "{{device}} write")], unit="Bps"),
        timeseries("Disk busy", (rate % ("node_disk_io_time_seconds_total{%s,%s}"
                                         % (HI, DISK_DEVICES)), "{{device}}"),
                   unit="percentunit"),
        table("Filesystems", [
            target("1 - node_filesystem_avail_bytes{%s,%s} / node_filesystem_size_bytes{%s,%s}"
                   % (HI, REAL_FS, HI, REAL_FS), instant=True, fmt="table"),
            target("node_filesystem_size_bytes{%s,%s}" % (HI, REAL_FS), instant=True,
                   fmt="table"),
            target("node_filesystem_readonly{%s,%s}" % (HI, REAL_FS), instant=True,
                   fmt="table")], w=24, h=6, merge=True, exclude=("job", "instance"),
              columns=[("Used", "percentunit"), ("Size", "bytes"), ("Read-only", "none")],
              description="Used share, size and read-only flag of every real filesystem."),
        row("Network"),
        timeseries("Network traffic", [
            target(rate % ('node_network_receive_bytes_total{%s,device!="lo"}' % HI),
                   "{{device}} in"),
            target(rate % ('node_network_transmit_bytes_total{%s,device!="lo"}' % HI),
                   "{{device}} out")], unit="Bps"),
        timeseries("Network errors and drops", [
            target(rate % ('node_network_receive_errs_total{%s,device!="lo"}' % HI),
                   "{{device}} rx errors"),
            target(rate % ('node_network_transmit_errs_total{%s,device!="lo"}' % HI),
                   "{{device}} tx errors"),
            target(rate % ('node_network_receive_drop_total{%s,device!="lo"}' % HI),
                   "{{device}} rx drops"),
            target(rate % ('node_network_transmit_drop_total{%s,device!="lo"}' % HI),
                   "{{device}} tx drops")], unit="pps"),
        timeseries("TCP", [
            target("node_netstat_Tcp_CurrEstab{%s}" % HI, "established"),
            target("node_sockstat_TCP_tw{%s}" % HI, "time wait"),
            target(rate % ("node_netstat_Tcp_RetransSegs{%s}" % HI), "retransmits/s")]),
        timeseries("Conntrack", [
            target("node_nf_conntrack_entries{%s}" % HI, "entries"),
            target("node_nf_conntrack_entries_limit{%s}" % HI, "limit")]),
        row("Probes"),
        timeseries("Probe duration", ("probe_duration_seconds{%s}" % HI,
                                      "{{target}} ({{class}})"), unit="s", w=8),
        timeseries("Probe duration p99 (5m)",
                   ("instance_target:hostmon_probe_duration_seconds:p99_5m{%s}" % HI,
                    "{{target}} ({{class}})"), unit="s", w=8),
        timeseries("Probe error rate",
                   ("instance_target:probe_failures:ratio_avg5m{%s}" % HI,
                    "{{target}} ({{class}})"), unit="percentunit", w=8),
        timeseries("Web requests by status class",
                   ("sum by (log, status_class) (rate(hostmon_weblog_requests_total{%s}"
                    "[$__rate_interval]))" % HI, "{{log}} {{status_class}}"), unit="reqps", w=12),
        timeseries("Web response time p99 (5m)",
                   ("instance_log:hostmon_weblog_response_seconds:p99_5m{%s}" % HI, "{{log}}"),
                   unit="s", w=12),
        row("hostmon agent"),
        table("Sources", [
            target("hostmon_agent_source_success{%s}" % HI, instant=True, fmt="table"),
            target("hostmon_agent_source_duration_seconds{%s}" % HI, instant=True,
                   fmt="table")], w=12, h=8, merge=True, exclude=("job", "instance"),
              columns=[("Success", "none"), ("Duration", "s")],
              description="Last collection of each source: success (1/0) and duration."),
        timeseries("Send queue and spool", [
            target("hostmon_agent_queue_batches{%s}" % HI, "send queue"),
            target("hostmon_agent_spool_pending_batches{%s}" % HI, "spool pending")],
            unit="none", description="Batches not yet acknowledged by the collector."),
    ]
    link = {"title": "Node Exporter Full", "type": "link", "icon": "dashboard",
            "tooltip": "The same host in Node Exporter Full (grafana.com 1860)",
            "url": "/d/%s/node-exporter-full?var-ds_prometheus=${datasource}&var-job=${job}"
                   "&var-node=${instance}&${__url_time_range}" % NODE_EXPORTER_FULL_UID,
            "targetBlank": False, "asDropdown": False, "includeVars": False,
            "keepTime": False, "tags": []}
    return dashboard(
        "hostmon-host", "hostmon / Host detail",
        "One host: alerts and threshold values, CPU, memory, disks, network, probes and its "
        "hostmon agent. For every node_exporter panel, open Node Exporter Full (link above).",
        panels, [JOB_VAR, INSTANCE_VAR], links=[link], time_from="now-3h")


# ---------------------------------------------------------------------------------------------
# Hardware health


def hardware():
    HR = 'job="$job",instance=~"$instance"'
    rate = "rate(%s[$__rate_interval])"
    health_map = [{"type": "value", "options": {
        "0": {"text": "OK", "color": "green"}, "1": {"text": "Warning", "color": "orange"},
        "2": {"text": "Critical", "color": "red"}, "3": {"text": "other", "color": "purple"}}}]
    panels = [
        row("Hardware sources"),
        table("Hardware sources",
              'hostmon_agent_source_success{%s,source=~"ipmi|redfish|smart|hwmon|edac|nvme|'
              'mdadm|thermal_zone"}' % HR, w=24, h=6, exclude=("job",),
              description="Whether each hardware source's last collection succeeded (1) on "
              "each host. Sources are off by default (--source.ipmi, --source.redfish, "
              "--source.smart)."),
        row("IPMI (BMC sensors)"),
        table("BMCs", [
            target("ipmi_up{%s}" % HR, instant=True, fmt="table"),
            target("ipmi_chassis_power_state{%s}" % HR, instant=True, fmt="table")],
            w=8, h=8, merge=True, exclude=("job",),
            columns=[("Up", "none"), ("Chassis power", "none")],
            description="ipmi_up per BMC and collector (local in-band or LAN target)."),
        timeseries("Temperatures", ("ipmi_temperature_celsius{%s}" % HR,
                                    "{{instance}} {{name}}"), unit="celsius", w=8),
        timeseries("Fans", ("ipmi_fan_speed_rpm{%s}" % HR, "{{instance}} {{name}}"),
                   unit="rotrpm", w=8),
        timeseries("Power", [
            target("ipmi_dcmi_power_consumption_watts{%s}" % HR, "{{instance}} DCMI"),
            target("ipmi_power_watts{%s}" % HR, "{{instance}} {{name}}")], unit="watt", w=8),
        timeseries("Voltages", ("ipmi_voltage_volts{%s}" % HR, "{{instance}} {{name}}"),
                   unit="volt", w=8),
        table("Sensors not nominal", "ipmi_sensor_state{%s} > 0" % HR, w=8, h=8,
              exclude=("job",),
              description="Sensors whose state is warning (1) or critical (2)."),
        timeseries("SEL entries", [
            target("ipmi_sel_logs_count{%s}" % HR, "{{instance}} entries"),
            target("ipmi_sel_free_space_bytes{%s}" % HR, "{{instance}} free bytes")], w=12),
        row("Redfish"),
        table("Redfish services", [
            target("redfish_up{%s}" % HR, instant=True, fmt="table"),
            target("redfish_collection_errors{%s}" % HR, instant=True, fmt="table"),
            target("redfish_collection_duration_seconds{%s}" % HR, instant=True,
                   fmt="table")], w=12, h=6, merge=True, exclude=("job",),
            columns=[("Up", "none"), ("Collection errors", "none"), ("Duration", "s")]),
        table("Systems", "redfish_system_machine_info{%s}" % HR, w=12, h=6,
              exclude=("Value", "job")),
        table("Health", [
            target("redfish_system_health{%s}" % HR, instant=True, fmt="table"),
            target("redfish_chassis_health{%s}" % HR, instant=True, fmt="table"),
            target("redfish_power_supply_health{%s}" % HR, instant=True, fmt="table"),
            target("redfish_storage_drive_health{%s}" % HR, instant=True, fmt="table")],
            w=24, h=8, exclude=("job",),
            description="0 OK, 1 Warning, 2 Critical, 3 other."),
        timeseries("Temperatures", ("redfish_sensors_temperature{%s}" % HR,
                                    "{{instance}} {{target}} {{name}}"), unit="celsius", w=8),
        timeseries("Fans", ("redfish_sensors_fan_speed{%s}" % HR,
                            "{{instance}} {{target}} {{name}} ({{units}})"), w=8),
        timeseries("Power consumed", ("redfish_power_control_consumed_watts{%s}" % HR,
                                      "{{instance}} {{target}} {{name}}"), unit="watt", w=8),
        table("Drives", [
            target("redfish_storage_drive_life_left_percent{%s}" % HR, instant=True,
                   fmt="table"),
            target("redfish_storage_drive_failure_predicted{%s}" % HR, instant=True,
                   fmt="table")], w=24, h=6, merge=True, exclude=("job",),
              columns=[("Life left", "percent"), ("Failure predicted", "none")],
              description="Predicted life left (%) and failure prediction per drive."),
        row("SMART (disks)"),
        table("SMART status", [
            target("smartctl_device_smart_status{%s}" % HR, instant=True, fmt="table"),
            target("hostmon_smart_device_standby{%s}" % HR, instant=True, fmt="table")],
            w=12, h=8, merge=True, exclude=("job",),
            columns=[("SMART passed", "none"), ("Standby", "none")],
            description="smart_status 1 = passed; standby 1 = the disk slept and was not woken."),
        timeseries("Disk temperature",
                   ('smartctl_device_temperature{%s,temperature_type="current"}' % HR,
                    "{{instance}} {{device}}"), unit="celsius", w=12),
        timeseries("Reallocated / pending / uncorrectable sectors",
                   ('smartctl_device_attribute{%s,attribute_name=~"Reallocated_Sector_Ct|'
                    'Current_Pending_Sector|Offline_Uncorrectable",attribute_value_type="raw"}'
                    % HR, "{{instance}} {{device}} {{attribute_name}}"), w=8),
        timeseries("NVMe wear and spare", [
            target("smartctl_device_percentage_used{%s}" % HR, "{{instance}} {{device}} used %"),
            target("smartctl_device_available_spare{%s}" % HR,
                   "{{instance}} {{device}} spare %")], w=8),
        timeseries("Media errors", (rate % ("smartctl_device_media_errors{%s}" % HR),
                                    "{{instance}} {{device}}"), w=8),
        row("Kernel sensors and memory errors"),
        timeseries("hwmon temperatures", ("node_hwmon_temp_celsius{%s}" % HR,
                                          "{{instance}} {{chip}} {{sensor}}"),
                   unit="celsius"),
        timeseries("EDAC memory errors", [
            target(rate % ("node_edac_correctable_errors_total{%s}" % HR),
                   "{{instance}} mc{{controller}} correctable"),
            target(rate % ("node_edac_uncorrectable_errors_total{%s}" % HR),
                   "{{instance}} mc{{controller}} uncorrectable")]),
    ]
    for p in panels:
        if p["title"] == "Health":
            p["fieldConfig"]["defaults"]["mappings"] = health_map
    inst = dict(INSTANCE_VAR)
    inst.update({"includeAll": True, "multi": True, "allValue": ".*",
                 "current": {"selected": True, "text": ["All"], "value": ["$__all"]}})
    return dashboard(
        "hostmon-hardware", "hostmon / Hardware health",
        "BMC sensors over IPMI, Redfish services, SMART disk health and the kernel's hwmon "
        "and EDAC counters, for hosts whose agent runs those sources.",
        panels, [JOB_VAR, inst], refresh="1m", time_from="now-24h")


# ---------------------------------------------------------------------------------------------
# hostmon's own health


def self_health():
    C = 'job="$collector_job"'
    rate = "rate(%s[$__rate_interval])"
    panels = [
        row("Collectors"),
        stat("Collectors up", "sum(up{%s})" % C,
             description="Collector targets Prometheus scrapes successfully."),
        stat("Agent streams open", "sum(hostmon_collector_connected_agents{%s})" % C),
        stat("Hosts exported", "sum(hostmon_collector_hosts{%s})" % C),
        stat("Samples/s ingested", "sum(job:hostmon_collector_samples_received:rate5m{%s})" % C,
             unit="short", description="5m average (recording rule)."),
        stat("Rules reload", "min(hostmon_collector_rules_last_reload_successful{%s})" % C,
             thresholds=[{"color": "red", "value": None}, {"color": "green", "value": 1}],
             description="1 = the last load/reload of the rules file succeeded."),
        table("Versions", "hostmon_collector_build_info{%s}" % C, w=4, exclude=("Value",)),
        timeseries("Ingest", [
            target("sum by (instance) (%s)"
                   % (rate % ("hostmon_collector_samples_received_total{%s}" % C)),
                   "{{instance}} samples/s"),
            target("sum by (instance) (%s)"
                   % (rate % ("hostmon_collector_batches_received_total{%s}" % C)),
                   "{{instance}} batches/s")], unit="short", w=8),
        timeseries("Agent streams", [
            target("hostmon_collector_connected_agents{%s}" % C, "{{instance}} open"),
            target("hostmon_collector_hosts{%s}" % C, "{{instance}} hosts exported")], w=8),
        timeseries("Stream events and rejects", [
            target(rate % ("hostmon_collector_streams_opened_total{%s}" % C), "opened"),
            target(rate % ("hostmon_collector_lost_streams_total{%s}" % C), "lost"),
            target(rate % ("hostmon_collector_clean_disconnects_total{%s}" % C), "clean stop"),
            target(rate % ("hostmon_collector_duplicate_batches_total{%s}" % C),
                   "duplicate batches"),
            target("sum by (reason) (%s)"
                   % (rate % ("hostmon_collector_rejected_messages_total{%s}" % C)),
                   "rejected {{reason}}")], unit="ops", w=8),
        row("Agents"),
        stat("Agents connected", "sum(job:hostmon_agents_connected:sum{%s})" % H,
             description="Hosts whose agent reports a collector stream (recording rule)."),
        stat("Sources failing", "count(hostmon_agent_source_success{%s} == 0) or vector(0)" % H,
             thresholds=[{"color": "green", "value": None}, {"color": "orange", "value": 1}],
             description="Source collections whose last run failed, all hosts. Sources for "
             "hardware a host lacks fail too (see the table)."),
        stat("Batches dropped (range)",
             "sum(increase(hostmon_agent_dropped_batches_total{%s}[$__range])) + "
             "sum(increase(hostmon_agent_spool_dropped_batches_total{%s}[$__range]))" % (H, H),
             thresholds=[{"color": "green", "value": None}, {"color": "red", "value": 1}],
             description="Send queue and spool drops over the dashboard's time range."),
        stat("Stream failures (range)",
             "sum(increase(hostmon_agent_stream_failures_total{%s}[$__range]))" % H),
        table("Failing sources", "hostmon_agent_source_success{%s} == 0" % H, w=8, h=8,
              exclude=("Value", "job"),
              description="Host and source of every collection that failed last time."),
        timeseries("Slowest sources", ("topk(10, hostmon_agent_source_duration_seconds{%s})"
                                       % H, "{{instance}} {{source}}"), unit="s", w=8),
        timeseries("Slow sources: age of last success",
                   ("time() - (hostmon_agent_slow_source_last_success_timestamp_seconds{%s} > 0)"
                    % H, "{{instance}} {{source}}"), unit="s", w=8,
                   description="Slow-tier sources (IPMI, Redfish, SMART) since their last "
                   "successful collection."),
        timeseries("Slow source timeouts and skipped ticks", [
            target(rate % ("hostmon_agent_slow_source_timeouts_total{%s}" % H),
                   "{{instance}} {{source}} timeouts"),
            target(rate % ("hostmon_agent_slow_source_skipped_ticks_total{%s}" % H),
                   "{{instance}} {{source}} skipped")], unit="ops", w=8),
        timeseries("Send queue", ("hostmon_agent_queue_batches{%s}" % H, "{{instance}}"),
                   w=8, description="Batches waiting for the collector's acknowledgement."),
        timeseries("Drops", [
            target(rate % ("hostmon_agent_dropped_samples_total{%s}" % H),
                   "{{instance}} send queue full"),
            target(rate % ("hostmon_agent_spool_dropped_samples_total{%s}" % H),
                   "{{instance}} spool cap"),
            target(rate % ("hostmon_agent_duplicate_samples_total{%s}" % H),
                   "{{instance}} duplicate series")], unit="short", w=8),
        row("Spool"),
        timeseries("Spool backlog", [
            target("hostmon_agent_spool_pending_batches{%s}" % H, "{{instance}} batches"),
            target("hostmon_agent_spool_segments{%s}" % H, "{{instance}} segments")], w=8),
        timeseries("Spool size", ("hostmon_agent_spool_bytes{%s}" % H, "{{instance}}"),
                   unit="bytes", w=8),
        timeseries("Oldest unacknowledged batch",
                   ("time() - (hostmon_agent_spool_oldest_pending_timestamp_seconds{%s} > 0)"
                    % H, "{{instance}}"), unit="s", w=8,
                   description="Age of the oldest spooled batch the collector has not "
                   "acknowledged (HostmonSpoolFilling fires above 10m)."),
        timeseries("Replay", (rate % ("hostmon_agent_spool_replayed_samples_total{%s}" % H),
                              "{{instance}}"), unit="short", w=8,
                   description="Samples re-sent from the spool after a reconnect."),
        timeseries("Spool errors", [
            target(rate % ("hostmon_agent_spool_write_errors_total{%s}" % H),
                   "{{instance}} write errors"),
            target(rate % ("hostmon_agent_spool_corrupt_records_total{%s}" % H),
                   "{{instance}} corrupt records")], unit="ops", w=8),
        timeseries("Spool write and fsync time", [
            target(rate % ("hostmon_agent_spool_write_seconds_total{%s}" % H),
                   "{{instance}} write"),
            target(rate % ("hostmon_agent_spool_fsync_seconds_total{%s}" % H),
                   "{{instance}} fsync")], unit="percentunit", w=8),
        row("Remote write"),
        timeseries("Samples", [
            target(rate % ("hostmon_collector_remote_write_samples_sent_total{%s}" % C),
                   "{{url}} sent"),
            target(rate % ("hostmon_collector_remote_write_samples_failed_total{%s}" % C),
                   "{{url}} failed ({{reason}})"),
            target(rate % ("hostmon_collector_remote_write_samples_dropped_total{%s}" % C),
                   "{{url}} dropped"),
            target(rate % ("hostmon_collector_remote_write_retries_total{%s}" % C),
                   "{{url}} retries")], unit="short", w=8),
        timeseries("Lag", ("instance_url:hostmon_collector_remote_write_lag_seconds{%s}" % C,
                           "{{url}}"), unit="s", w=8,
                   description="Now minus the newest sample the receiver accepted."),
        timeseries("Queue fill", ("hostmon_collector_remote_write_queue_samples{%s} / "
                                  "hostmon_collector_remote_write_queue_capacity_samples{%s}"
                                  % (C, C), "{{url}}"), unit="percentunit", w=8),
        timeseries("Send duration p99",
                   ("histogram_quantile(0.99, sum by (le, url) (%s))"
                    % (rate % ("hostmon_collector_remote_write_send_duration_seconds_bucket{%s}"
                               % C)), "{{url}}"), unit="s", w=8),
        row("Rules and alerting"),
        timeseries("Rules", [
            target("hostmon_alerting_rules{%s}" % C, "{{instance}} rules"),
            target("hostmon_alerting_tracked_series{%s}" % C, "{{instance}} tracked series")],
            w=8),
        timeseries("Evaluations and notifications", [
            target(rate % ("hostmon_alerting_evaluations_total{%s}" % C),
                   "{{instance}} evaluations"),
            target(rate % ("hostmon_alerting_notifications_total{%s}" % C),
                   "{{instance}} notifications"),
            target(rate % ("hostmon_alerting_flaps_suppressed_total{%s}" % C),
                   "{{instance}} flaps suppressed")], unit="ops", w=8),
        timeseries("Rules reloads", [
            target("sum by (instance, result) (%s)"
                   % ("increase(hostmon_collector_rules_reloads_total{%s}[$__range])" % C),
                   "{{instance}} {{result}}"),
            target("time() - hostmon_collector_rules_last_reload_success_timestamp_seconds{%s}"
                   % C, "{{instance}} since last success (s)")], w=8),
        timeseries("Alertmanager notifications", [
            target(rate % ("hostmon_collector_alertmanager_notifications_sent_total{%s}" % C),
                   "{{alertmanager}} sent"),
            target(rate % ("hostmon_collector_alertmanager_notifications_errors_total{%s}"
                           % C), "{{alertmanager}} errors"),
            target(rate % ("hostmon_collector_alertmanager_notifications_dropped_total{%s}"
                           % C), "{{alertmanager}} dropped ({{reason}})")], unit="ops", w=8),
        timeseries("Alertmanager queue", [
            target("hostmon_collector_alertmanager_queue_length{%s}" % C, "{{instance}} length"),
            target("hostmon_collector_alertmanager_queue_capacity{%s}" % C,
                   "{{instance}} capacity")], w=8),
        table("hostmon pipeline alerts (Prometheus rules)", 'ALERTS{alertname=~"Hostmon.*"}',
              w=8, h=8, exclude=("Value",)),
    ]
    return dashboard(
        "hostmon-self", "hostmon / Self health",
        "hostmon's own health: collectors, agents connected, ingest rate, source failures, "
        "send queue, spool backlog and drops, remote write lag and failures, rule evaluation.",
        panels, [COLLECTOR_JOB_VAR, JOB_VAR], time_from="now-6h")


DASHBOARDS = {
    "hostmon-fleet.json": fleet,
    "hostmon-host.json": host,
    "hostmon-hardware.json": hardware,
    "hostmon-self.json": self_health,
}


def render(build):
    return json.dumps(build(), indent=2, ensure_ascii=False) + "\n"


def main():
    ap = argparse.ArgumentParser(description=__doc__.strip().splitlines()[0])
    ap.add_argument("--check", action="store_true",
                    help="exit 1 if a JSON file differs from what would be written")
    ap.add_argument("--out-dir", default=OUT_DIR)
    args = ap.parse_args()
    stale = []
    for name, build in DASHBOARDS.items():
        path = os.path.join(args.out_dir, name)
        text = render(build)
        if args.check:
            try:
                with open(path, encoding="utf-8") as f:
                    if f.read() != text:
                        stale.append(path)
            except FileNotFoundError:
                stale.append(path)
            continue
        os.makedirs(args.out_dir, exist_ok=True)
        with open(path, "w", encoding="utf-8") as f:
            f.write(text)
        print("wrote %s" % path)
    if stale:
        print("out of date (run %s): %s" % (os.path.relpath(__file__), ", ".join(stale)))
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())

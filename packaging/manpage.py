#!/usr/bin/env python3
# SPDX-License-Identifier: Apache-2.0
"""Writes the man page of hostmon-agent or hostmon-collector from the binary's own flag table.

The OPTIONS section is `BINARY --help` (common/flags.cc prints every flag with its help text and
default), so the man page cannot drift from the code; the other sections are the short prose
below. Usage: manpage.py --binary build/bin/hostmon-agent --version 0.1.0 --out hostmon-agent.1
"""
import argparse
import datetime
import os
import re
import subprocess
import sys

PAGES = {
    "hostmon-agent": {
        "summary": "host monitoring agent: reads /proc and /sys, streams to a hostmon collector",
        "description": [
            "hostmon-agent collects host metrics (node_exporter-compatible families) every "
            "collection interval and streams them to a hostmon-collector over gRPC (TLS or mTLS "
            "to a remote collector). With a spool directory it keeps unsent batches on disk "
            "across collector outages and restarts.",
            "Settings come from the YAML file given by --config.file; flags override it. "
            "--once prints one collection as Prometheus text exposition and exits; "
            "--check-config validates the configuration as a start would and exits.",
            "Under systemd (hostmon-agent.service, Type=notify) the agent reports readiness and "
            "pings the watchdog after every collection.",
        ],
        "files": [
            ("/etc/hostmon/agent.yml", "configuration"),
            ("/var/lib/hostmon/spool", "the spool (spool.directory)"),
            ("/lib/systemd/system/hostmon-agent.service", "the systemd unit"),
            ("/usr/share/hostmon-agent/systemd/", "opt-in drop-ins for the IPMI and SMART sources"),
        ],
        "signals": [("SIGTERM, SIGINT", "send what is queued, flush the spool and exit")],
        "see_also": ["hostmon-collector(1)", "systemd.exec(5)"],
    },
    "hostmon-collector": {
        "summary": "hostmon collector: receives agent streams, serves them to Prometheus",
        "description": [
            "hostmon-collector accepts the streams of hostmon agents over gRPC, serves every "
            "host's series on /metrics for Prometheus, evaluates alerting rules and sends alerts "
            "to Alertmanager, and optionally forwards samples with Prometheus remote write.",
            "Settings come from the YAML file given by --config.file; flags override it. "
            "--check-config validates the configuration as a start would and exits.",
            "Under systemd (hostmon-collector.service, Type=notify) it reports readiness and "
            "pings the watchdog while rule evaluation progresses.",
        ],
        "files": [
            ("/etc/hostmon/collector.yml", "configuration"),
            ("/etc/hostmon/rules.yml", "default alerting rules"),
            ("/var/lib/hostmon-collector", "alert state (alerting.state_file)"),
            ("/lib/systemd/system/hostmon-collector.service", "the systemd unit"),
        ],
        "signals": [("SIGHUP", "reload the alerting rule files (a broken file keeps the old rules)"),
                    ("SIGTERM, SIGINT", "stop: agents are told to go away, alert state saved")],
        "see_also": ["hostmon-agent(1)", "prometheus(1)"],
    },
}


def roff(text):
    """Escapes text for roff: backslashes, leading dots/quotes, and '-' as a real minus."""
    text = text.replace("\\", "\\e").replace("-", "\\-")
    if text.startswith(".") or text.startswith("'"):
        text = "\\&" + text
    return text


def parse_help(binary):
    out = subprocess.run([binary, "--help"], capture_output=True, text=True, timeout=30)
    if out.returncode != 0:
        sys.exit(f"manpage.py: {binary} --help exited {out.returncode}: {out.stderr.strip()}")
    lines = out.stdout.splitlines()
    flags = []
    for i, line in enumerate(lines):
        m = re.match(r"^  (--\S+)$", line)
        if m:
            help_text = lines[i + 1].strip() if i + 1 < len(lines) else ""
            flags.append((m.group(1), help_text))
    if not flags:
        sys.exit(f"manpage.py: {binary} --help printed no flags")
    return flags


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--binary", required=True)
    ap.add_argument("--version", required=True)
    ap.add_argument("--out", required=True)
    args = ap.parse_args()
    name = os.path.basename(args.binary)
    page = PAGES[name]
    # Reproducible: the date comes from SOURCE_DATE_EPOCH when set.
    epoch = int(os.environ.get("SOURCE_DATE_EPOCH", "0")) or None
    date = (datetime.datetime.fromtimestamp(epoch, datetime.timezone.utc) if epoch
            else datetime.datetime.now(datetime.timezone.utc)).strftime("%Y-%m-%d")
    title = roff(name.upper())
    o = [f'.TH {title} 1 "{date}" "hostmon {args.version}" "User Commands"',
         # Left-aligned: long flag names and defaults cannot be justified at 80 columns.
         ".ad l",
         ".SH NAME", f"{roff(name)} \\- {roff(page['summary'])}",
         ".SH SYNOPSIS", f".B {roff(name)}", ".RI [ flags ]",
         ".SH DESCRIPTION"]
    for i, para in enumerate(page["description"]):
        if i:
            o.append(".PP")
        o.append(roff(para))
    o.append(".SH OPTIONS")
    for flag, help_text in parse_help(args.binary):
        o += [".TP", f".B {roff(flag)}", roff(help_text)]
    o.append(".SH SIGNALS")
    for sig, what in page["signals"]:
        o += [".TP", f".B {roff(sig)}", roff(what)]
    o += [".SH EXIT STATUS", ".TP", ".B 0", "success", ".TP", ".B 1",
          "a part failed to start (e.g. a port in use, an unreadable spool)", ".TP", ".B 2",
          "the configuration is invalid"]
    o.append(".SH FILES")
    for path, what in page["files"]:
        o += [".TP", f".I {roff(path)}", roff(what)]
    refs = []
    for ref in page["see_also"]:
        ref_name, ref_section = ref.rstrip(")").split("(")
        refs.append(f"\\fB{roff(ref_name)}\\fR({ref_section})")
    o += [".SH SEE ALSO", ", ".join(refs)]
    with open(args.out, "w") as f:
        f.write("\n".join(o) + "\n")


if __name__ == "__main__":
    main()

#!/usr/bin/env python3
# SPDX-License-Identifier: Apache-2.0
"""The collector's fleet page (/) in headless Chromium: two connected agents, one with a hostile
host name, render as rows of the host table with their state; every other route still answers
and unknown paths are 404.

Usage: fleet_page_test.py --bin-dir build/bin
"""

import html.parser
import json
import os
import secrets
import shutil
import signal
import sys
import time
import urllib.request

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import harness as h  # noqa: E402

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
STALENESS_S = 30  # long enough that the killed agent's host is still "stale", not "gone"


class HostTable(html.parser.HTMLParser):
    """Rows of <table id="hosts">: [instance, state] per <tr class="host">; counts <script>."""

    def __init__(self):
        super().__init__()
        self.rows = []
        self.scripts = 0
        self._in_table = False
        self._cell = None  # "instance", "state" or None
        self._row = None

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "script":
            self.scripts += 1
        elif tag == "table" and attrs.get("id") == "hosts":
            self._in_table = True
        elif self._in_table and tag == "tr" and attrs.get("class") == "host":
            self._row = {"instance": "", "state": ""}
        elif self._row is not None and tag == "td":
            classes = (attrs.get("class") or "").split()
            self._cell = "instance" if "instance" in classes else "state" if "state" in classes else None

    def handle_endtag(self, tag):
        if tag == "td":
            self._cell = None
        elif tag == "tr" and self._row is not None:
            self.rows.append(self._row)
            self._row = None
        elif tag == "table":
            self._in_table = False

    def handle_data(self, data):
        if self._row is not None and self._cell:
            self._row[self._cell] += data


def render(procs, workdir, url):
    """The DOM Chromium built from `url`, or (None, why)."""
    p = procs.run("chromium", [
        CHROMIUM, "--headless", "--disable-gpu", "--no-sandbox", "--no-first-run",
        "--disable-dev-shm-usage", "--user-data-dir=" + os.path.join(workdir, "chromium-profile"),
        "--dump-dom", url,
    ], timeout=40.0)
    if p.timed_out or p.returncode != 0 or "</html>" not in p.stdout():
        return None, "rc %r timed_out %r stderr:\n%s" % (p.returncode, p.timed_out, p.tail(15))
    return p.stdout(), ""


def request(url, method="GET"):
    req = urllib.request.Request(url, method=method, data=b"" if method == "POST" else None)
    try:
        with urllib.request.urlopen(req, timeout=5.0) as resp:
            return resp.status
    except urllib.error.HTTPError as e:
        return e.code
    except OSError:
        return None


def body(args, procs, runner, workdir):
    runner.require("%s exists (Debian package chromium, see scripts/setup --tests)" % CHROMIUM,
                   os.access(CHROMIUM, os.X_OK), "")
    tag = secrets.token_hex(3)
    plain = "fleet-a-" + tag
    hostile = "<script>alert(1)</script>&<b>" + tag
    collector, grpc_addr, web_addr = h.start_loopback_collector(
        procs, runner, args.bin_dir, ["--staleness=%ds" % STALENESS_S, "--web.enable-lifecycle"])
    web_base = "http://" + web_addr
    agents = {host: h.start_agent(procs, args.bin_dir, "agent-%d" % i, grpc_addr, host)
              for i, host in enumerate((plain, hostile))}

    def both_listed():
        status, text = h.http_get(web_base + "/api/v1/targets")
        return status == 200 and len(json.loads(text)) == 2

    runner.require("both agents connected within 15 s", h.wait_until(both_listed, 15.0, 0.3),
                   h.http_get(web_base + "/api/v1/targets"))
    time.sleep(1.5)  # a batch from each, so "last batch" is filled

    dom, why = render(procs, workdir, web_base + "/")
    runner.require("headless Chromium renders %s/" % web_base, dom, why)
    table = HostTable()
    table.feed(dom)
    rows = {r["instance"]: r["state"] for r in table.rows}
    runner.check("the host table has exactly the two hosts", sorted(rows) == sorted([plain, hostile]),
                 "rows: %r" % table.rows)
    runner.check("both are shown connected", rows.get(plain) == "connected" and
                 rows.get(hostile) == "connected", "rows: %r" % rows)
    runner.check("the hostile host name is text, not markup (no <script> element in the DOM)",
                 table.scripts == 0 and hostile in rows, "scripts: %d" % table.scripts)
    runner.check("the page shows the summary line", "2 hosts: 2 connected, 0 stale, 0 gone" in dom,
                 dom[:1500])

    agents[plain].signal(signal.SIGKILL)
    agents[plain].wait(5.0)
    time.sleep(1.0)
    dom, why = render(procs, workdir, web_base + "/")
    runner.require("headless Chromium renders the page again", dom, why)
    table = HostTable()
    table.feed(dom)
    rows = {r["instance"]: r["state"] for r in table.rows}
    runner.check("after SIGKILL of its agent the host is shown stale, the other connected",
                 rows.get(plain) == "stale" and rows.get(hostile) == "connected",
                 "rows: %r" % rows)

    # Every route still answers; anything else is 404.
    for path, want in (("/", 200), ("/metrics", 200), ("/metrics/collector", 200),
                       ("/api/v1/alerts", 200), ("/api/v1/targets", 200), ("/-/healthy", 200),
                       ("/-/ready", 200), ("/metrics/hosts/" + hostile.replace("<", "%3C")
                                           .replace(">", "%3E").replace("&", "%26")
                                           .replace("/", "%2F"), 200),
                       ("/nope", 404), ("/favicon.ico", 404), ("/metrics/nope", 404),
                       ("/api/v1/alertsx", 404), ("/-/", 404), ("/metrics/hosts/nobody", 404)):
        status = request(web_base + path)
        runner.check("GET %s answers %d" % (path, want), status == want, "got %r" % status)
    status = request(web_base + "/-/reload", "POST")
    runner.check("POST /-/reload answers 200", status == 200, "got %r" % status)
    runner.check("collector is still running at the end", collector.alive(),
                 "collector exited with %r" % collector.returncode)


if __name__ == "__main__":
    h.main(__doc__.strip().splitlines()[0], body, budget_seconds=80.0)

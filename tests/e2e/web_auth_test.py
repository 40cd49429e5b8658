#!/usr/bin/env python3
# SPDX-License-Identifier: Apache-2.0
"""The collector's web port behind TLS and basic auth (--web.config.file), scraped by a real
Prometheus.

Usage: web_auth_test.py --bin-dir build/bin --pki scripts/pki [--keep-tmp]

1. scripts/pki makes a CA and a collector certificate for localhost and 127.0.0.1; the web config
   (Prometheus's format) names them and one user whose bcrypt hash libcrypt makes.
2. `--check-config` accepts it; a wrong hash, an unknown key and a key that does not match the
   certificate are refused by --check-config and by a start alike, naming the file and field.
3. The collector (with an agent) answers over HTTPS: no credentials 401 with WWW-Authenticate, a
   wrong password 401, an unknown user 401, the right one 200; plain HTTP gets no answer;
   POST /-/reload is 403 without --web.enable-lifecycle, even with the right credentials.
4. Prometheus scrapes it with tls_config.ca_file and basic_auth (password_file): up == 1 and the
   agent's series arrive; a job with a wrong password and one without credentials have up == 0
   and Prometheus reports the 401.
Everything listens on 127.0.0.1 only, ports chosen at run time.
"""

import base64
import ctypes
import os
import ssl
import subprocess
import sys
import urllib.error
import urllib.request

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import harness as h  # noqa: E402

PASSWORD = "correct horse battery staple"


def bcrypt(password, cost=10):
    """A $2b$ hash through libcrypt (libxcrypt), as htpasswd -B would make."""
    lib = ctypes.CDLL("libcrypt.so.1")
    lib.crypt_gensalt.restype = ctypes.c_char_p
    lib.crypt_gensalt.argtypes = [ctypes.c_char_p, ctypes.c_ulong, ctypes.c_char_p, ctypes.c_int]
    lib.crypt.restype = ctypes.c_char_p
    lib.crypt.argtypes = [ctypes.c_char_p, ctypes.c_char_p]
    salt = lib.crypt_gensalt(b"$2b$", cost, None, 0)
    return lib.crypt(password.encode(), salt).decode()


def request(url, ctx, user=None, password=None, method="GET"):
    """(status, headers, body); status None when no HTTP answer came."""
    req = urllib.request.Request(url, method=method, data=b"" if method == "POST" else None)
    if user is not None:
        token = base64.b64encode(("%s:%s" % (user, password)).encode()).decode()
        req.add_header("Authorization", "Basic " + token)
    try:
        with urllib.request.urlopen(req, timeout=5, context=ctx) as resp:
            return resp.status, dict(resp.headers), resp.read().decode(errors="replace")
    except urllib.error.HTTPError as e:
        return e.code, dict(e.headers), e.read().decode(errors="replace")
    except (urllib.error.URLError, OSError, ValueError) as e:
        return None, {}, str(e)


def write(path, text):
    with open(path, "w") as f:
        f.write(text)
    return path


def body(args, procs, runner, workdir):
    runner.require("%s exists (Debian package prometheus, see scripts/setup --tests)"
                   % h.PROMETHEUS_BIN, os.access(h.PROMETHEUS_BIN, os.X_OK), "")
    pki = os.path.join(workdir, "pki")
    for step in (["ca"], ["collector", "localhost", "127.0.0.1"]):
        r = subprocess.run([args.pki, "--dir", pki] + step, capture_output=True, text=True,
                           timeout=30)
        runner.require("scripts/pki %s" % " ".join(step), r.returncode == 0, r.stderr)
    hashed = bcrypt(PASSWORD)
    runner.require("libcrypt makes a bcrypt hash", hashed.startswith("$2b$10$") and len(hashed) == 60,
                   hashed)
    # Relative paths: resolved against the web config's directory, as exporter-toolkit does.
    web_yml = write(os.path.join(workdir, "web.yml"),
                    "tls_server_config:\n"
                    "  cert_file: pki/collector.pem\n"
                    "  key_file: pki/collector.key\n"
                    "  min_version: TLS12\n"
                    "http_server_config:\n"
                    "  headers:\n"
                    "    X-Content-Type-Options: nosniff\n"
                    "basic_auth_users:\n"
                    "  prometheus: '%s'\n" % hashed)
    collector_bin = os.path.join(args.bin_dir, "hostmon-collector")

    # --- check-config and start-up agree on good and bad files ---------------------------------
    r = subprocess.run([collector_bin, "--web.config.file=" + web_yml, "--check-config"],
                       capture_output=True, text=True, timeout=20)
    runner.check("--check-config accepts the web config", r.returncode == 0,
                 r.stdout + r.stderr)
    bad = {
        "bad-hash.yml": ("basic_auth_users:\n  prometheus: plain-text\n",
                         'field \\"basic_auth_users.prometheus\\": not a bcrypt hash'),
        "unknown-key.yml": ("tls_server_config:\n  cert_file: pki/collector.pem\n"
                            "  key_file: pki/collector.key\n  client_cert: x\n",
                            'field \\"tls_server_config.client_cert\\": unknown key'),
        "wrong-key.yml": ("tls_server_config:\n  cert_file: pki/collector.pem\n"
                          "  key_file: pki/ca.key\n",
                          "does not match the certificate"),
    }
    for name, (text, want) in bad.items():
        path = write(os.path.join(workdir, name), text)
        for mode in (["--check-config"], ["--grpc.listen-address=127.0.0.1:0",
                                          "--web.listen-address=127.0.0.1:0"]):
            r = subprocess.run([collector_bin, "--web.config.file=" + path] + mode,
                               capture_output=True, text=True, timeout=20)
            runner.check("%s: %s exits 2 naming the file and field"
                         % (name, "--check-config" if len(mode) == 1 else "start-up"),
                         r.returncode == 2 and path in r.stderr and want in r.stderr,
                         "rc=%r stderr=%s" % (r.returncode, r.stderr[-600:]))

    # --- the collector over TLS + basic auth -------------------------------------------------------
    collector, grpc_addr, web_addr = h.start_loopback_collector(
        procs, runner, args.bin_dir, ["--web.config.file=" + web_yml])
    runner.check("the collector logs tls=on basic_auth=on lifecycle=off",
                 "tls=on basic_auth=on lifecycle=off" in collector.stderr(), collector.tail())
    h.start_agent(procs, args.bin_dir, "agent", grpc_addr, "web-auth-host")
    port = web_addr.rsplit(":", 1)[1]
    ctx = ssl.create_default_context(cafile=os.path.join(pki, "ca.pem"))
    base = "https://localhost:%s" % port
    status, headers, _ = request(base + "/metrics", ctx)
    runner.check("no credentials: 401 with WWW-Authenticate: Basic",
                 status == 401 and headers.get("WWW-Authenticate", "").startswith("Basic"),
                 (status, headers))
    runner.check("the configured header is sent", headers.get("X-Content-Type-Options") == "nosniff",
                 headers)
    status, _, _ = request(base + "/metrics", ctx, "prometheus", "wrong")
    runner.check("wrong password: 401", status == 401, status)
    status, _, _ = request(base + "/metrics", ctx, "mallory", PASSWORD)
    runner.check("unknown user: 401", status == 401, status)
    status, _, text = request(base + "/-/healthy", ctx, "prometheus", PASSWORD)
    runner.check("right credentials: /-/healthy 200", status == 200, (status, text))
    status, _, text = request(base + "/-/reload", ctx, "prometheus", PASSWORD, method="POST")
    runner.check("POST /-/reload without --web.enable-lifecycle: 403", status == 403, (status, text))
    status, _, text = request("http://127.0.0.1:%s/metrics" % port, None)
    runner.check("plain HTTP on the TLS port gets no HTTP answer", status is None, (status, text))

    # --- a real Prometheus scrapes through TLS and basic auth --------------------------------------
    pw_file = write(os.path.join(workdir, "password"), PASSWORD + "\n")
    wrong_file = write(os.path.join(workdir, "wrong-password"), "not it\n")
    ca = os.path.join(pki, "ca.pem")
    jobs = ""
    for job, auth in (("hostmon-tls", "    basic_auth:\n      username: prometheus\n"
                                      "      password_file: %s\n" % pw_file),
                      ("wrong-password", "    basic_auth:\n      username: prometheus\n"
                                         "      password_file: %s\n" % wrong_file),
                      ("no-credentials", "")):
        jobs += ("  - job_name: %s\n"
                 "    honor_labels: true\n"
                 "    scheme: https\n"
                 "    tls_config:\n"
                 "      ca_file: %s\n"
                 "%s"
                 "    static_configs:\n"
                 "      - targets: ['127.0.0.1:%s']\n" % (job, ca, auth, port))
    config = write(os.path.join(workdir, "prometheus.yml"),
                   "global:\n  scrape_interval: 1s\n  scrape_timeout: 1s\n"
                   "  evaluation_interval: 1s\nscrape_configs:\n" + jobs)
    prom, prom_base = h.start_prometheus(procs, workdir, config)
    runner.require("prometheus is ready", prom_base, "did not start")

    def ups():
        got = {}
        for job in ("hostmon-tls", "wrong-password", "no-credentials"):
            vals = h.prom_values(h.prom_query(prom_base, h.selector("up", job=job)))
            got[job] = vals[0] if len(vals) == 1 else None
        return got

    want = {"hostmon-tls": 1.0, "wrong-password": 0.0, "no-credentials": 0.0}
    last = {}

    def settled():
        last.update(ups())
        return last == want

    runner.check("up: 1 with the right credentials, 0 with a wrong password and without any",
                 h.wait_until(settled, 20.0, 0.5), last)
    series = h.wait_until(lambda: h.prom_query(
        prom_base, h.selector("node_load1", instance="web-auth-host")), 10.0, 0.5)
    runner.check("the agent's node_load1 arrives through the authenticated scrape", series,
                 series)
    _, targets = h.http_get(prom_base + "/api/v1/targets?state=active")
    runner.check("Prometheus reports the 401 of the refused jobs", "401" in targets, targets[:1500])
    runner.check("collector is still running at the end", collector.alive(),
                 "collector exited with %r" % collector.returncode)


if __name__ == "__main__":
    h.main(__doc__.strip().splitlines()[0], body, budget_seconds=80.0,
           extra_args=lambda ap: ap.add_argument("--pki", required=True, help="scripts/pki"))

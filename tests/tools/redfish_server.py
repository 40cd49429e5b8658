#!/usr/bin/env python3
# SPDX-License-Identifier: Apache-2.0
"""A small Redfish service for tests (python3 standard library only).

Serves a DMTF mockup tree (tests/fixtures/redfish/<mockup>/): GET <path> returns
<root><path>/index.json (or the file itself) as application/json; /redfish returns {"v1": ...}.
Authentication (--auth):
  none     everything is open
  basic    Basic auth required (except the service root, as on real services)
  session  POST <...>/SessionService/Sessions with {"UserName","Password"} returns 201 with
           X-Auth-Token and Location; then X-Auth-Token *or* Basic auth is accepted;
           DELETE <Location> ends the session
Fault injection (repeatable; PATH is the URL path without a trailing slash):
  --slow PATH=SECONDS    sleep before answering PATH (PREFIX/* = every path below PREFIX)
  --error PATH=CODE      answer PATH with that HTTP status (e.g. 500, 503)
  --garbage PATH         answer PATH with 200 and bytes that are not JSON
  --session-max-requests N  a session token stops working after N requests (401), to test re-login
  --protect-root         the service root requires authentication too (some BMCs do)
TLS: --tls-cert/--tls-key serve HTTPS.
Binds 127.0.0.1:0 and writes the chosen port to --port-file (and stdout). Every request is
appended to --log as "METHOD PATH STATUS" (tests assert logins/logouts from it), every new TCP
connection as "CONNECT - -". The test stops
the server by PID.
"""

import argparse
import base64
import json
import os
import secrets
import socket
import ssl
import sys
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer


class State:
    def __init__(self, args):
        self.args = args
        self.lock = threading.Lock()
        self.sessions = {}  # token -> [session id, requests used]
        self.next_id = 1
        self.slow = dict(_pair(s, float) for s in args.slow)
        self.error = dict(_pair(s, int) for s in args.error)
        self.garbage = set(p.rstrip("/") for p in args.garbage)


def _pair(text, conv):
    path, _, value = text.rpartition("=")
    return path.rstrip("/"), conv(value)


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"  # keep-alive, as BMCs do
    server_version = "hostmon-redfish-test"

    def setup(self):
        super().setup()
        # Without this, headers and body go out as two segments and Nagle + delayed ACK add
        # ~40 ms to every keep-alive response: the test would measure the server, not the agent.
        self.request.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        # One "CONNECT - -" line per TCP connection: tests count them to prove keep-alive.
        if self.server.state.args.log:
            with self.server.state.lock, open(self.server.state.args.log, "a") as f:
                f.write("CONNECT - -\n")

    def log_message(self, fmt, *args):  # quiet; the --log file records requests
        pass

    @property
    def st(self):
        return self.server.state

    def _log(self, status):
        if self.st.args.log:
            with self.st.lock, open(self.st.args.log, "a") as f:
                f.write(f"{self.command} {self.path} {status}\n")

    def _send(self, status, body=b"", headers=None):
        self._log(status)
        self.send_response(status)
        if body or status == 200 or status == 201:
            self.send_header("Content-Type", "application/json")
        self.send_header("OData-Version", "4.0")
        for k, v in (headers or {}).items():
            self.send_header(k, v)
        self.send_header("Content-Length", str(len(body)))
        # Headers and body in one write (see setup()).
        self._headers_buffer.append(b"\r\n" + body)
        self.flush_headers()

    def _path(self):
        return self.path.split("?", 1)[0].rstrip("/") or "/"

    def _authorized(self):
        mode = self.st.args.auth
        if mode == "none":
            return True
        path = self._path()
        if path in ("/redfish", "/redfish/v1") and not self.st.args.protect_root:
            return True  # the service root is public (DSP0266)
        auth = self.headers.get("Authorization", "")
        if auth.startswith("Basic "):
            try:
                user, _, pw = base64.b64decode(auth[6:]).decode().partition(":")
            except Exception:
                return False
            return user == self.st.args.user and pw == self.st.args.password
        if mode == "session":
            token = self.headers.get("X-Auth-Token", "")
            with self.st.lock:
                s = self.st.sessions.get(token)
                if s is None:
                    return False
                s[1] += 1
                limit = self.st.args.session_max_requests
                if limit and s[1] > limit:
                    del self.st.sessions[token]
                    return False
                return True
        return False

    def _faults(self, path):
        delay = self.st.slow.get(path)
        if delay is None:  # "PREFIX/*=SECONDS" slows every path below PREFIX
            for pattern, seconds in self.st.slow.items():
                if pattern.endswith("/*") and path.startswith(pattern[:-1]):
                    delay = seconds
        if delay:
            time.sleep(delay)
        code = self.st.error.get(path)
        if code:
            self._send(code, json.dumps({"error": {"code": "Base.1.0.InternalError"}}).encode())
            return True
        if path in self.st.garbage:
            self._send(200, b'{"@odata.id": "' + path.encode() + b'", "Members": [ {{{ not json')
            return True
        return False

    def do_GET(self):
        path = self._path()
        if not self._authorized():
            return self._send(401, b'{"error": "unauthorized"}')
        if self._faults(path):
            return
        if path == "/redfish":
            return self._send(200, b'{"v1": "/redfish/v1/"}')
        root = os.path.abspath(self.st.args.root)
        full = os.path.abspath(os.path.join(root, path.lstrip("/")))
        if not full.startswith(root):
            return self._send(404)
        if os.path.isdir(full):
            full = os.path.join(full, "index.json")
        if not os.path.isfile(full):
            return self._send(404, b'{"error": "not found"}')
        with open(full, "rb") as f:
            self._send(200, f.read())

    def _read_body(self):
        n = int(self.headers.get("Content-Length", "0") or 0)
        return self.rfile.read(n) if n else b""

    def do_POST(self):
        path = self._path()
        body = self._read_body()
        if self._faults(path):
            return
        if self.st.args.auth == "session" and path.endswith("/SessionService/Sessions"):
            try:
                creds = json.loads(body)
            except ValueError:
                return self._send(400)
            if creds.get("UserName") != self.st.args.user or \
                    creds.get("Password") != self.st.args.password:
                return self._send(401, b'{"error": "bad credentials"}')
            token = secrets.token_hex(16)
            with self.st.lock:
                sid = str(self.st.next_id)
                self.st.next_id += 1
                self.st.sessions[token] = [sid, 0]
            location = f"{path}/{sid}"
            doc = {"@odata.id": location, "Id": sid, "UserName": creds["UserName"]}
            return self._send(201, json.dumps(doc).encode(),
                              {"X-Auth-Token": token, "Location": location})
        self._send(405)

    def do_DELETE(self):
        path = self._path()
        token = self.headers.get("X-Auth-Token", "")
        with self.st.lock:
            s = self.st.sessions.get(token)
            if s is not None and path.endswith(f"/SessionService/Sessions/{s[0]}"):
                del self.st.sessions[token]
                found = True
            else:
                found = False
        self._send(204 if found else 404)


def main():
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument("--root", required=True, help="mockup directory (contains redfish/v1)")
    p.add_argument("--port-file")
    p.add_argument("--log")
    p.add_argument("--auth", choices=["none", "basic", "session"], default="none")
    p.add_argument("--user", default="admin")
    p.add_argument("--password", default="secret")
    p.add_argument("--slow", action="append", default=[])
    p.add_argument("--error", action="append", default=[])
    p.add_argument("--garbage", action="append", default=[])
    p.add_argument("--session-max-requests", type=int, default=0)
    p.add_argument("--protect-root", action="store_true",
                   help="require authentication for the service root too (some BMCs do)")
    p.add_argument("--tls-cert")
    p.add_argument("--tls-key")
    args = p.parse_args()

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    server.daemon_threads = True
    server.state = State(args)
    if args.tls_cert:
        ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        ctx.load_cert_chain(args.tls_cert, args.tls_key)
        server.socket = ctx.wrap_socket(server.socket, server_side=True)
    port = server.server_address[1]
    if args.port_file:
        tmp = args.port_file + ".tmp"
        with open(tmp, "w") as f:
            f.write(f"{port}\n")
        os.rename(tmp, args.port_file)
    print(port, flush=True)
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        pass


if __name__ == "__main__":
    sys.exit(main())

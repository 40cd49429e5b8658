# SPDX-License-Identifier: Apache-2.0
"""A recording Prometheus remote write 1.0 receiver for hostmon's e2e tests (standard library).

Prometheus's TSDB silently ignores an exact duplicate sample, so it cannot tell "delivered once"
from "delivered twice". This receiver keeps every sample of every request, so a test can count
duplicates. It decodes the body itself: the snappy block format
(https://github.com/google/snappy/blob/main/format_description.txt) and the protobuf wire format of
WriteRequest{1: TimeSeries{1: Label{1: name, 2: value}, 2: Sample{1: double value, 2: int64
timestamp}}} (prompb/remote.proto, prompb/types.proto). Requests that break the remote write 1.0
spec (headers, unsorted labels, undecodable body) are answered 400 and recorded as violations.
"""

import http.server
import struct
import threading


def snappy_uncompress(data):
    pos, length, shift = 0, 0, 0
    while True:
        b = data[pos]
        pos += 1
        length |= (b & 0x7F) << shift
        shift += 7
        if b < 0x80:
            break
    out = bytearray()
    while pos < len(data):
        tag = data[pos]
        pos += 1
        kind = tag & 3
        if kind == 0:  # literal
            n = tag >> 2
            if n < 60:
                n += 1
            else:
                extra = n - 59
                n = int.from_bytes(data[pos:pos + extra], "little") + 1
                pos += extra
            if pos + n > len(data):
                raise ValueError("literal runs past the end")
            out += data[pos:pos + n]
            pos += n
            continue
        if kind == 1:
            n = ((tag >> 2) & 7) + 4
            offset = ((tag >> 5) << 8) | data[pos]
            pos += 1
        elif kind == 2:
            n = (tag >> 2) + 1
            offset = int.from_bytes(data[pos:pos + 2], "little")
            pos += 2
        else:
            n = (tag >> 2) + 1
            offset = int.from_bytes(data[pos:pos + 4], "little")
            pos += 4
        if offset == 0 or offset > len(out):
            raise ValueError("copy offset %d outside the output" % offset)
        for _ in range(n):  # byte by byte: copies may overlap their own output
            out.append(out[-offset])
    if len(out) != length:
        raise ValueError("length %d, preamble said %d" % (len(out), length))
    return bytes(out)


def _varint(buf, pos):
    result, shift = 0, 0
    while True:
        b = buf[pos]
        pos += 1
        result |= (b & 0x7F) << shift
        shift += 7
        if b < 0x80:
            return result, pos


def _fields(buf):
    """Yields (field number, wire type, value) of one protobuf message."""
    pos = 0
    while pos < len(buf):
        key, pos = _varint(buf, pos)
        field, wire = key >> 3, key & 7
        if wire == 0:
            v, pos = _varint(buf, pos)
        elif wire == 1:
            v = buf[pos:pos + 8]
            pos += 8
        elif wire == 2:
            n, pos = _varint(buf, pos)
            v = buf[pos:pos + n]
            pos += n
        elif wire == 5:
            v = buf[pos:pos + 4]
            pos += 4
        else:
            raise ValueError("wire type %d" % wire)
        if pos > len(buf):
            raise ValueError("field runs past the end")
        yield field, wire, v


def decode_write_request(raw):
    """Returns [(labels as tuple of (name, value), [(timestamp_ms, value), ...]), ...]."""
    series = []
    for field, wire, ts_bytes in _fields(raw):
        if field != 1 or wire != 2:
            continue
        labels, samples = [], []
        for f, w, v in _fields(ts_bytes):
            if f == 1 and w == 2:
                name = value = ""
                for lf, lw, lv in _fields(v):
                    if lf == 1 and lw == 2:
                        name = lv.decode("utf-8")
                    elif lf == 2 and lw == 2:
                        value = lv.decode("utf-8")
                labels.append((name, value))
            elif f == 2 and w == 2:
                value, ts = 0.0, 0
                for sf, sw, sv in _fields(v):
                    if sf == 1 and sw == 1:
                        value = struct.unpack("<d", sv)[0]
                    elif sf == 2 and sw == 0:
                        ts = sv - (1 << 64) if sv >= (1 << 63) else sv
                samples.append((ts, value))
        series.append((tuple(labels), samples))
    return series


class Recorder:
    """Every sample received, in arrival order: (labels dict, timestamp_ms, value)."""

    def __init__(self):
        self.lock = threading.Lock()
        self.samples = []
        self.requests = 0
        self.violations = []
        self.fail_with = None  # e.g. 503: answer every request with it (receiver "down")
        self.expect_headers = {}  # e.g. {"Authorization": "Bearer x"}: others are violations

    def snapshot(self):
        with self.lock:
            return list(self.samples)

    def series_samples(self, name, **labels):
        out = []
        for lab, ts, v in self.snapshot():
            if lab.get("__name__") == name and all(lab.get(k) == x for k, x in labels.items()):
                out.append((ts, v))
        return out


def _handler(recorder):
    class Handler(http.server.BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def log_message(self, *args):  # quiet
            pass

        def _reply(self, code, text=""):
            body = text.encode()
            self.send_response(code)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def do_POST(self):  # noqa: N802 - http.server's naming
            n = int(self.headers.get("Content-Length", "0"))
            body = self.rfile.read(n)
            with recorder.lock:
                fail = recorder.fail_with
            if fail:
                self._reply(fail, "recorder told to fail")
                return
            problems = []
            want = {"Content-Encoding": "snappy", "Content-Type": "application/x-protobuf",
                    "X-Prometheus-Remote-Write-Version": "0.1.0"}
            with recorder.lock:
                want.update(recorder.expect_headers)
            for k, v in want.items():
                if self.headers.get(k) != v:
                    problems.append("header %s=%r" % (k, self.headers.get(k)))
            if not (self.headers.get("User-Agent") or "").startswith("hostmon-collector/"):
                problems.append("User-Agent %r" % self.headers.get("User-Agent"))
            try:
                decoded = decode_write_request(snappy_uncompress(body))
            except (ValueError, IndexError, UnicodeDecodeError) as e:
                decoded = []
                problems.append("undecodable body: %s" % e)
            rows = []
            for labels, samples in decoded:
                names = [k for k, _ in labels]
                if names != sorted(names) or len(set(names)) != len(names):
                    problems.append("labels not sorted/unique: %r" % (names,))
                if "__name__" not in names:
                    problems.append("no __name__: %r" % (labels,))
                for ts, v in samples:
                    rows.append((dict(labels), ts, v))
            with recorder.lock:
                recorder.requests += 1
                if problems:
                    recorder.violations.extend(problems)
                else:
                    recorder.samples.extend(rows)
            self._reply(400 if problems else 204, "; ".join(problems))

    return Handler


def start(recorder, host="127.0.0.1", tls_cert=None, tls_key=None):
    """Serves on a free port in a daemon thread (HTTPS when given a certificate); returns
    (server, url)."""
    server = http.server.ThreadingHTTPServer((host, 0), _handler(recorder))
    server.daemon_threads = True
    scheme = "http"
    if tls_cert:
        import ssl
        ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        ctx.load_cert_chain(tls_cert, tls_key)
        server.socket = ctx.wrap_socket(server.socket, server_side=True)
        scheme = "https"
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server, "%s://%s:%d/api/v1/write" % (scheme, host, server.server_address[1])


# ---------------------------------------------------------------------------------------------
# The sending side, for tests that talk to a receiver directly.


def _put_varint(n, out):
    while n >= 0x80:
        out.append((n & 0x7F) | 0x80)
        n >>= 7
    out.append(n)


def snappy_compress_literal(raw):
    """Valid snappy block made only of literals (no compression): enough for a test sender."""
    out = bytearray()
    _put_varint(len(raw), out)
    for i in range(0, len(raw), 65536):
        chunk = raw[i:i + 65536]
        n = len(chunk) - 1
        if n < 60:
            out.append(n << 2)
        elif n < 256:
            out += bytes([60 << 2, n])
        else:
            out += bytes([61 << 2]) + n.to_bytes(2, "little")
        out += chunk
    return bytes(out)


def _field(tag, payload, out):
    out.append(tag)
    _put_varint(len(payload), out)
    out += payload


def encode_write_request(series):
    """series: [(labels [(name, value)] sorted, [(timestamp_ms, value)])] -> WriteRequest bytes."""
    req = bytearray()
    for labels, samples in series:
        ts_msg = bytearray()
        for name, value in labels:
            lab = bytearray()
            _field(0x0A, name.encode(), lab)
            _field(0x12, value.encode(), lab)
            _field(0x0A, bytes(lab), ts_msg)
        for t, v in samples:
            s = bytearray([0x09]) + struct.pack("<d", v) + bytearray([0x10])
            _put_varint(t & ((1 << 64) - 1), s)
            _field(0x12, bytes(s), ts_msg)
        _field(0x0A, bytes(ts_msg), req)
    return bytes(req)


def post(url, series, timeout=5.0):
    """POSTs one remote write request; returns (status, body text)."""
    import urllib.error
    import urllib.request
    body = snappy_compress_literal(encode_write_request(series))
    req = urllib.request.Request(url, data=body, method="POST", headers={
        "Content-Encoding": "snappy", "Content-Type": "application/x-protobuf",
        "X-Prometheus-Remote-Write-Version": "0.1.0", "User-Agent": "hostmon-e2e"})
    try:
        with urllib.request.urlopen(req, timeout=timeout) as r:
            return r.status, r.read().decode(errors="replace")
    except urllib.error.HTTPError as e:
        return e.code, e.read().decode(errors="replace")
    except OSError as e:
        return 0, str(e)

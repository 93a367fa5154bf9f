#!/usr/bin/env python3
"""Hostile-load figures for docs/performance.md (issue 9): starts a release server with the demo
brand in a temp dir and measures its RSS (VmRSS, and VmHWM = peak) around each attack:

  1. a login storm: N parallel logins for logins that do not exist;
  2. a 10 MiB CSV preview (valid rows), and the 1 KB .xlsx reaching XFD1048576;
  3. one socket flooding 64 KiB frames as fast as it can.

Usage: load-tests/hardening.py [--logins 200]   (after `cargo build --release -p calldesk`)
Standard library only.
"""

import argparse
import base64
import concurrent.futures
import http.client
import io
import json
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import zipfile

PORT = int(os.environ.get("HARDENING_PORT", "18091"))
ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def mem(pid):
    out = {}
    with open(f"/proc/{pid}/status") as f:
        for line in f:
            if line.startswith(("VmRSS", "VmHWM")):
                k, v = line.split(":")
                out[k] = int(v.split()[0]) // 1024
    return out


def request(method, path, body=None, token=None, headers=None, timeout=60):
    c = http.client.HTTPConnection("127.0.0.1", PORT, timeout=timeout)
    h = dict(headers or {})
    if token:
        h["authorization"] = f"Bearer {token}"
    if isinstance(body, (dict, list)):
        body = json.dumps(body).encode()
        h["content-type"] = "application/json"
    c.request(method, path, body=body, headers=h)
    r = c.getresponse()
    data = r.read()
    c.close()
    try:
        return r.status, json.loads(data or b"null"), r.getheader("retry-after")
    except ValueError:
        return r.status, None, r.getheader("retry-after")


def login(name, pw="demo1234"):
    return request("POST", "/api/login", {"login": name, "password": pw})


def storm(n):
    with concurrent.futures.ThreadPoolExecutor(max_workers=n) as ex:
        t0 = time.time()
        res = list(ex.map(lambda i: login(f"nobody{i}", "x")[::2], range(n)))
        took = time.time() - t0
    counts = {}
    for status, _ in res:
        counts[status] = counts.get(status, 0) + 1
    return counts, took


def csv_file(size, rows=50_000):
    """`rows` valid rows (the most a file may hold) with memos long enough to fill ~`size` bytes."""
    head = "전화번호,이름,예약일시,메모\n"
    memo = "재구매 안내 " * 200
    per_row = size // rows
    out = io.BytesIO()
    out.write(head.encode())
    for i in range(rows):
        line = "010-{:04d}-{:04d},고객{},2027-01-15 10:{:02d},".format(1000 + i % 9000, i % 10000, i, i % 60)
        room = max(0, per_row - len(line.encode()) - 1)
        m = memo.encode()[:room].decode("utf-8", "ignore")
        out.write((line + m + "\n").encode())
    return out.getvalue()


def sparse_xlsx():
    sheet = ('<?xml version="1.0" encoding="UTF-8"?><worksheet xmlns="http://schemas.openxmlformats.org/'
             'spreadsheetml/2006/main"><sheetData><row r="1"><c r="A1" t="inlineStr"><is><t>전화번호</t>'
             '</is></c></row><row r="1048576"><c r="XFD1048576"><v>1</v></c></row></sheetData></worksheet>')
    parts = {
        "[Content_Types].xml": '<?xml version="1.0"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" ContentType="application/xml"/></Types>',
        "_rels/.rels": '<?xml version="1.0"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="xl/workbook.xml"/></Relationships>',
        "xl/workbook.xml": '<?xml version="1.0"?><workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"><sheets><sheet name="s" sheetId="1" r:id="rId1"/></sheets></workbook>',
        "xl/_rels/workbook.xml.rels": '<?xml version="1.0"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="worksheets/sheet1.xml"/></Relationships>',
        "xl/worksheets/sheet1.xml": sheet,
    }
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as z:
        for name, body in parts.items():
            z.writestr(name, body)
    return buf.getvalue()


def flood(token, frames, size):
    """Opens a socket and writes `frames` text frames of `size` bytes as fast as the kernel takes
    them; returns (frames written, close code seen or None, seconds)."""
    s = socket.create_connection(("127.0.0.1", PORT))
    key = base64.b64encode(os.urandom(16)).decode()
    s.sendall((f"GET /api/ws?token={token} HTTP/1.1\r\nHost: 127.0.0.1\r\nUpgrade: websocket\r\n"
               f"Connection: Upgrade\r\nSec-WebSocket-Key: {key}\r\nSec-WebSocket-Version: 13\r\n\r\n").encode())
    head = b""
    while b"\r\n\r\n" not in head:
        head += s.recv(1)
    pad = "x" * (size - 40)
    payload = json.dumps({"type": "ping", "id": 1, "pad": pad}).encode()
    n = len(payload)
    frame = bytes([0x81, 0x80 | 127]) + n.to_bytes(8, "big") + b"\0\0\0\0" + payload
    if n < 65536:
        frame = bytes([0x81, 0x80 | 126]) + n.to_bytes(2, "big") + b"\0\0\0\0" + payload
    t0 = time.time()
    sent = 0
    s.settimeout(10)
    try:
        for _ in range(frames):
            s.sendall(frame)
            sent += 1
    except OSError:
        pass
    took = time.time() - t0
    code = None
    try:
        s.settimeout(3)
        data = b""
        while True:
            chunk = s.recv(65536)
            if not chunk:
                break
            data += chunk
            # Walk the server's (unmasked) frames: the close frame carries the code.
            while len(data) >= 2:
                n, at = data[1] & 0x7F, 2
                if n == 126:
                    n, at = int.from_bytes(data[2:4], "big"), 4
                elif n == 127:
                    n, at = int.from_bytes(data[2:10], "big"), 10
                if len(data) < at + n:
                    break
                if data[0] & 0x0F == 0x8:
                    code = int.from_bytes(data[at:at + 2], "big")
                data = data[at + n:]
            if code is not None:
                break
    except OSError:
        pass
    s.close()
    return sent, code, took


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--logins", type=int, default=200)
    args = ap.parse_args()
    exe = os.path.join(ROOT, "target/release/calldesk")
    data = tempfile.mkdtemp(prefix="calldesk-hardening.")
    log = open(os.path.join(data, "server.log"), "w")
    srv = subprocess.Popen([exe, "serve", "--demo", "--no-simulator", "--data-dir", data,
                            "--listen", f"127.0.0.1:{PORT}"], cwd=ROOT, stdout=log, stderr=log)
    try:
        for _ in range(200):
            try:
                if request("GET", "/healthz")[0] == 200:
                    break
            except OSError:
                time.sleep(0.1)
        time.sleep(1)
        print(f"baseline: {mem(srv.pid)} MiB")

        counts, took = storm(32)
        print(f"32 parallel unknown logins: {counts} in {took:.2f} s; {mem(srv.pid)} MiB")
        counts, took = storm(args.logins)
        print(f"{args.logins} parallel unknown logins: {counts} in {took:.2f} s; {mem(srv.pid)} MiB")

        _, body, _ = login("manager01")
        boss = body["token"]
        csv = csv_file(10 * 1024 * 1024 - 64 * 1024)
        t0 = time.time()
        st, p, _ = request("POST", "/api/reservations/import?filename=big.csv&preview=true", csv, boss,
                           {"content-type": "text/csv"})
        print(f"10 MiB CSV preview ({len(csv)} bytes): {st}, rows {p.get('rows')}, errors {p.get('errorCount')}, "
              f"{time.time() - t0:.2f} s; {mem(srv.pid)} MiB")
        st, p, _ = request("POST", "/api/reservations/import?filename=a.xlsx&preview=true", sparse_xlsx(), boss)
        print(f"1 KB xlsx reaching XFD1048576: {st} {p['error']['message'] if p else ''}; "
              f"healthz {request('GET', '/healthz')[0]}; {mem(srv.pid)} MiB")

        _, body, _ = login("agent01")
        sent, code, took = flood(body["token"], 1000, 62 * 1024)
        print(f"socket flood: {sent} frames of 62 KiB written in {took:.2f} s ({sent * 62 / 1024:.0f} MiB), "
              f"close code {code}; {mem(srv.pid)} MiB")
        print(f"healthz after all: {request('GET', '/healthz')[0]}")
    finally:
        srv.terminate()
        srv.wait()
        shutil.rmtree(data, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())

#!/usr/bin/env python3
# SPDX-License-Identifier: Apache-2.0
"""HTTP-level fuzzer: starts the real smart-sandbox executable on loopback and sends it a bounded,
seeded stream of malformed, truncated, oversized and random requests. Fails when an answer is a 5xx,
the server dies, a connection is neither answered nor closed within the timeout, the server stops
answering a normal request after a burst, or its memory (VmRSS, the median of three bursts) grows
by 10% or more between the end of the warm-up and the end of the run.

    tests/hostile/http_fuzz.py --binary build/debug/app/smart-sandbox [--seed 1] [--requests 3000]
"""
import argparse
import concurrent.futures
import os
import random
import re
import socket
import statistics
import subprocess
import sys
import time

IDLE_TIMEOUT = 1  # seconds, passed to --idle-timeout
ANSWER_TIMEOUT = 15  # seconds a connection may take to be answered or closed

ROUTES = [
    "/", "/portal.css", "/smart-style.json", "/.well-known/smart-configuration",
    "/.well-known/openid-configuration", "/api/fhir/.well-known/smart-configuration", "/oauth/jwks",
    "/oauth/authorize", "/oauth/login", "/oauth/picker", "/oauth/consent", "/oauth/token",
    "/oauth/introspect", "/oauth/revoke", "/oauth/register", "/oauth/register/abc", "/apps",
    "/apps/revoke", "/logout", "/oauth/debug/token", "/oauth/debug/introspect", "/admin/reset",
    "/admin/status", "/admin/requests", "/admin/launch", "/api/fhir", "/api/fhir/Patient",
    "/api/open-fhir/Patient", "/api/open-fhir/Observation/o1", "/api/open-fhir/metadata",
    "/api/open-fhir/Patient/smart-1288992/$everything", "/no/such/route",
]
METHODS = ["GET", "POST", "PUT", "DELETE", "PATCH", "HEAD", "OPTIONS", "TRACE", "CONNECT", "BREW", "get", ""]
# Routes that change the whole sandbox: a fuzzer hitting them would measure resets, not parsing.
NEVER_POST = {"/admin/reset"}


def rss_kb(pid):
    with open(f"/proc/{pid}/status") as status:
        for line in status:
            if line.startswith("VmRSS:"):
                return int(line.split()[1])
    return 0


class Generator:
    def __init__(self, rng):
        self.rng = rng

    def route(self):
        r = self.rng
        path = r.choice(ROUTES)
        if r.random() < 0.3:
            path += "?" + "&".join(f"{self.word()}={self.word()}" for _ in range(r.randint(0, 8)))
        if r.random() < 0.1:
            path += r.choice(["/..", "/%2e%2e", "%00", "%", "%zz", "//", "/\\", "?%ff%fe", "#frag"])
        return path

    def word(self):
        r = self.rng
        alphabet = "abcdefghijklmnopqrstuvwxyz0123456789%+=&;/.'\"<>-_"
        return "".join(r.choice(alphabet) for _ in range(r.randint(0, 12)))

    def method(self, path):
        method = self.rng.choice(METHODS)
        if path.split("?")[0] in NEVER_POST:
            method = "GET"
        return method

    def head(self, method, path, headers, version="HTTP/1.1"):
        lines = [f"{method} {path} {version}".encode("latin-1", "replace")]
        lines += [h if isinstance(h, bytes) else h.encode("latin-1", "replace") for h in headers]
        return b"\r\n".join(lines) + b"\r\n\r\n"

    def body(self):
        r = self.rng
        return r.choice([
            b"", b"{}", b"{\"a\":", b"[1,2,3]", b"grant_type=authorization_code&code=%zz",
            b"{\"resourceType\":\"Patient\",\"name\":[{\"family\":\"" + bytes(r.randrange(256) for _ in range(20)) + b"\"}]}",
            bytes(r.randrange(256) for _ in range(r.randint(0, 4000))),
            b"{\"redirect_uris\":[\"http://localhost/cb\"],\"client_name\":\"" + b"A" * r.randint(0, 5000) + b"\"}",
        ])

    # Each case returns (bytes to send, whether to half-close afterwards).
    def case(self):
        r = self.rng
        path = self.route()
        method = self.method(path)
        host = "Host: 127.0.0.1"
        kind = r.choice(["valid", "request-line", "headers", "truncated", "oversized", "random", "many-headers",
                         "chunked", "lengths", "valid", "pipelined"])
        if kind == "valid":
            body = self.body()
            return kind, self.head(method, path, [host, f"Content-Length: {len(body)}",
                                                  "Content-Type: " + r.choice(["application/json", "application/x-www-form-urlencoded", "application/fhir+json", "text/plain"])]) + body, False
        if kind == "request-line":
            line = r.choice([
                b"GET", b"GET /", b"GET / HTTP/9.9", b"GET / HTTP/1.1 extra", b" / HTTP/1.1", b"GET  / HTTP/1.1",
                b"GET /" + b"a" * r.randint(1000, 70000) + b" HTTP/1.1", b"\x00\x01\x02 / HTTP/1.1",
                b"GET http://evil.example/ HTTP/1.1", b"GET * HTTP/1.1", b"PRI * HTTP/2.0\r\n\r\nSM",
                b"GET /\r HTTP/1.1", b"G\xffT / HTTP/1.1",
            ])
            return kind, line + b"\r\n" + host.encode() + b"\r\n\r\n", r.random() < 0.5
        if kind == "headers":
            header = r.choice([
                b"NoColon", b": empty-name", b"X-A: " + b"v" * r.randint(1000, 100000), b"X-Nul: a\x00b",
                b"X-Fold: a\r\n  folded", b"Host: evil\"><script>", b"Content-Type: application/json; charset=\xff",
                b"Authorization: Bearer " + b"A" * 10000, b"Authorization: Basic %%%%", b"Cookie: " + b"a=b; " * 2000,
                b"Origin: null", b"Expect: 100-continue", b"Connection: upgrade\r\nUpgrade: websocket",
                b"X-Admin-Key: \xff\xfe",
            ])
            return kind, self.head(method, path, [host, header]), False
        if kind == "truncated":
            body = self.body()
            full = self.head(method, path, [host, f"Content-Length: {len(body) + r.randint(1, 1000)}"]) + body
            return kind, full[: r.randint(1, len(full))], False
        if kind == "oversized":
            size = r.choice([1024 * 1024 + 1, 2 * 1024 * 1024])
            return kind, self.head(r.choice(["POST", "PUT"]), path, [host, f"Content-Length: {size}"]) + b"x" * size, False
        if kind == "random":
            return kind, bytes(r.randrange(256) for _ in range(r.randint(1, 3000))), r.random() < 0.5
        if kind == "many-headers":
            count = r.choice([100, 1000, 5000])
            return kind, self.head(method, path, [host] + [f"X-H{i}: {i}" for i in range(count)]), False
        if kind == "chunked":
            chunks = r.choice([
                b"zz\r\nabc\r\n0\r\n\r\n", b"-1\r\nabc\r\n0\r\n\r\n", b"ffffffffffffffffffff\r\nabc\r\n",
                b"3\r\nabcdef\r\n0\r\n\r\n", b"3;ext=1\r\nabc\r\n0\r\nTrailer: x\r\n\r\n", b"5\r\nab",
                b"0\r\n\r\n", b"\r\n\r\n",
            ])
            return kind, self.head("POST", path, [host, "Transfer-Encoding: chunked"]) + chunks, r.random() < 0.3
        if kind == "lengths":
            lengths = r.choice([
                ["Content-Length: -1"], ["Content-Length: 99999999999999999999"], ["Content-Length: abc"],
                ["Content-Length: 3", "Content-Length: 5"], ["Content-Length: 3", "Transfer-Encoding: chunked"],
                ["Content-Length: 0x10"], ["Content-Length: 18446744073709551615"],
            ])
            return kind, self.head("POST", path, [host] + lengths) + b"abc", r.random() < 0.5
        # pipelined: several requests in one write, some of them bad
        data = b"".join(self.head(self.method(p), p, [host, "Content-Length: 0"]) for p in (self.route() for _ in range(r.randint(2, 6))))
        return kind, data, False


def exchange(port, data, half_close):
    """Sends data; returns (status codes seen, how the connection ended)."""
    sock = socket.create_connection(("127.0.0.1", port), timeout=5)
    sock.settimeout(ANSWER_TIMEOUT)
    received = b""
    try:
        try:
            sock.sendall(data)
            if half_close:
                sock.shutdown(socket.SHUT_WR)
        except (BrokenPipeError, ConnectionResetError):
            pass  # the server closed on us while we were still writing: a refusal
        deadline = time.monotonic() + ANSWER_TIMEOUT
        while time.monotonic() < deadline:
            try:
                chunk = sock.recv(65536)
            except ConnectionResetError:
                break
            except socket.timeout:
                return [int(s) for s in re.findall(rb"^HTTP/1\.[01] (\d{3})", received, re.M)], "hang"
            if not chunk:
                break
            received += chunk
        else:
            return [int(s) for s in re.findall(rb"^HTTP/1\.[01] (\d{3})", received, re.M)], "hang"
    finally:
        sock.close()
    return [int(s) for s in re.findall(rb"^HTTP/1\.[01] (\d{3})", received, re.M)], "closed"


def normal_request(port):
    sock = socket.create_connection(("127.0.0.1", port), timeout=10)
    try:
        sock.sendall(b"GET /.well-known/smart-configuration HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n")
        received = b""
        while b"\r\n\r\n" not in received:
            chunk = sock.recv(65536)
            if not chunk:
                break
            received += chunk
        return received.split(b"\r\n", 1)[0]
    finally:
        sock.close()


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--binary", required=True)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--requests", type=int, default=3000)
    parser.add_argument("--burst", type=int, default=250)
    parser.add_argument("--workers", type=int, default=16)
    parser.add_argument("--verbose", action="store_true", help="print VmRSS after every burst")
    args = parser.parse_args()

    env = dict(os.environ, QT_QPA_PLATFORM="offscreen", LANG="C.UTF-8", TZ="UTC")
    # AddressSanitizer keeps freed memory in a quarantine (256 MB by default) that would look like growth.
    env["ASAN_OPTIONS"] = (env.get("ASAN_OPTIONS", "") + ":quarantine_size_mb=8").lstrip(":")
    server = subprocess.Popen(
        [args.binary, "--headless", "--port", "0", "--db", ":memory:", "--sample-patients", "0", "--log-cap", "200",
         "--idle-timeout", str(IDLE_TIMEOUT)],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=env)
    failures = []
    try:
        line = server.stdout.readline().decode()
        match = re.search(r"listening on http://127\.0\.0\.1:(\d+)", line)
        if not match:
            print("server did not start:", line, server.stderr.read().decode()[-2000:], file=sys.stderr)
            return 1
        port = int(match.group(1))
        rng = random.Random(args.seed)
        generator = Generator(rng)
        cases = [generator.case() for _ in range(args.requests)]
        kinds = {}
        samples = []  # VmRSS after each burst
        with concurrent.futures.ThreadPoolExecutor(max_workers=args.workers) as pool:
            for start in range(0, len(cases), args.burst):
                burst = cases[start:start + args.burst]
                results = list(pool.map(lambda case: exchange(port, case[1], case[2]), burst))
                for (kind, data, _), (statuses, ending) in zip(burst, results):
                    kinds[kind] = kinds.get(kind, 0) + 1
                    if any(status >= 500 for status in statuses):
                        failures.append(f"{kind}: answered {statuses} to {data[:120]!r}")
                    if ending == "hang":
                        failures.append(f"{kind}: neither answered nor closed within {ANSWER_TIMEOUT} s: {data[:120]!r}")
                if server.poll() is not None:
                    failures.append(f"the server exited with {server.returncode} during the burst at {start}")
                    break
                status_line = normal_request(port)
                if not status_line.startswith(b"HTTP/1.1 200"):
                    failures.append(f"after the burst at {start} a normal request got {status_line!r}")
                samples.append(rss_kb(server.pid))
                if args.verbose:
                    print(f"after {start + len(burst)} requests: VmRSS {samples[-1]} kB", flush=True)
        print(f"{len(cases)} requests (seed {args.seed}): " + ", ".join(f"{k} {v}" for k, v in sorted(kinds.items())))
        # One sample swings with whatever a burst left in flight (a 2 MB body, a 70 kB URL), so
        # compare medians: of three bursts after the two warm-up bursts, and of the last three.
        if len(samples) >= 8 and server.poll() is None:
            baseline = statistics.median(samples[2:5])
            final = statistics.median(samples[-3:])
            print(f"VmRSS after warm-up {baseline} kB, at the end {final} kB (medians of three bursts)")
            if final > baseline * 1.10:
                failures.append(f"memory grew from {baseline} kB to {final} kB (10% allowed): {samples}")
        elif server.poll() is None:
            failures.append(f"too few bursts ({len(samples)}) to compare memory; send at least 8 x --burst requests")
    finally:
        if server.poll() is None:
            server.terminate()
            try:
                server.wait(timeout=30)
            except subprocess.TimeoutExpired:
                server.kill()
        stderr = server.stderr.read().decode(errors="replace")
        if "ERROR: AddressSanitizer" in stderr or "runtime error:" in stderr or "ERROR: LeakSanitizer" in stderr:
            failures.append("sanitizer report:\n" + stderr[-6000:])
    for failure in failures[:50]:
        print("FAIL:", failure, file=sys.stderr)
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())

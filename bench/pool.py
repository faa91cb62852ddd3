#!/usr/bin/env python3
# SPDX-License-Identifier: Apache-2.0
"""Makes the pools of single-use credentials that bench/run.sh feeds to wrk.

  bench/pool.py codes BASE CLIENT_ID REDIRECT_URI SCOPE USERNAME COUNT OUT [--connections K]
                      [--max-seconds S]
  bench/pool.py refresh BASE CLIENT_ID USERNAME PATIENT_ID COUNT OUT

codes: walks the portal flow as a browser would, COUNT times, for a public client with PKCE
(GET /oauth/authorize -> sign-in page, once -> consent page -> POST /oauth/consent -> 302 to the
redirect URI with the code) and writes one "CODE VERIFIER" line per code, in the order they were
issued. USERNAME must act for one patient only (joseph-ross), so that no picker is shown. Codes
live 60 seconds and work once: use the file at once, and each line once. K keep-alive connections
(default 4) share one portal session. With --max-seconds, it stops early after S seconds with the
codes it has, so that the first ones are still fresh when the file is used.

refresh: mints COUNT tokens with POST /oauth/debug/token and writes one refresh token a line. The
client's scope must hold offline_access.

Only the standard library; no dependencies beyond Debian's python3.
"""

import argparse
import base64
import hashlib
import http.client
import json
import os
import re
import sys
import threading
import time
import urllib.parse

FIELD = re.compile(r'name="([a-z_]+)"[^>]*value="([^"]*)"')
SCOPE = re.compile(r'name="scope" value="([^"]*)"')


def fail(message):
    sys.exit("pool.py: " + message)


def b64url(data):
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


def html_unescape(text):
    for entity, char in (("&quot;", '"'), ("&lt;", "<"), ("&gt;", ">"), ("&#39;", "'"), ("&amp;", "&")):
        text = text.replace(entity, char)
    return text


class Browser:
    """One keep-alive connection with the portal's cookies (shared between browsers)."""

    def __init__(self, base, cookies):
        url = urllib.parse.urlsplit(base)
        self.origin = f"{url.scheme}://{url.netloc}"
        self.connection = http.client.HTTPConnection(url.hostname, url.port, timeout=30)
        self.cookies = cookies

    def send(self, method, path, form=None):
        headers = {}
        if self.cookies:
            headers["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        body = None
        if form is not None:
            body = urllib.parse.urlencode(form)
            headers["Content-Type"] = "application/x-www-form-urlencoded"
        self.connection.request(method, path, body=body, headers=headers)
        response = self.connection.getresponse()
        text = response.read().decode("utf-8", "replace")
        for name, value in response.getheaders():
            if name.lower() == "set-cookie":
                cookie = value.split(";", 1)[0]
                key, _, val = cookie.partition("=")
                self.cookies[key.strip()] = val.strip()
        return response.status, response.getheader("Location", ""), text

    def code(self, authorize_path, username, password, redirect_uri):
        """Walks from the authorization request to the app's redirect; returns the code."""
        status, location, page = self.send("GET", authorize_path)
        for _ in range(8):
            if status in (302, 303):
                if location.startswith(self.origin):
                    location = location[len(self.origin):]
                if not location.startswith("/"):
                    if not location.startswith(redirect_uri):
                        fail(f"redirected to an unexpected place: {location}")
                    query = urllib.parse.parse_qs(urllib.parse.urlsplit(location).query)
                    if "code" not in query:
                        fail(f"the app got no code: {location}")
                    return query["code"][0]
                status, location, page = self.send("GET", location)
                continue
            fields = {name: html_unescape(value) for name, value in FIELD.findall(page)}
            if status == 200 and 'id="sign-in"' in page:
                status, location, page = self.send("POST", "/oauth/login", {
                    "request": fields.get("request", ""), "next": fields.get("next", ""),
                    "csrf": fields.get("csrf", ""), "username": username, "password": password})
            elif status == 200 and 'id="authorize"' in page:
                form = [("request", fields.get("request", "")), ("csrf", fields.get("csrf", "")),
                        ("decision", "approve"), ("expires", fields.get("expires", ""))]
                form += [("scope", html_unescape(s)) for s in SCOPE.findall(page)]
                status, location, page = self.send("POST", "/oauth/consent", form)
            elif status == 200 and "data-patient-id" in page:
                fail(f"{username} acts for several patients: pick a user with one (joseph-ross)")
            else:
                fail(f"unexpected answer {status} on the way to a code: {page[:300]}")
        fail("too many redirects on the way to a code")


def make_codes(args):
    cookies = {}
    lock = threading.Lock()
    lines = []
    errors = []
    remaining = [args.count]
    start = time.monotonic()
    deadline = start + args.max_seconds if args.max_seconds else None

    def authorize_path():
        verifier = b64url(os.urandom(32))
        challenge = b64url(hashlib.sha256(verifier.encode("ascii")).digest())
        query = urllib.parse.urlencode({
            "response_type": "code", "client_id": args.client_id, "redirect_uri": args.redirect_uri,
            "scope": args.scope, "state": b64url(os.urandom(6)), "aud": args.base.rstrip("/") + "/api/fhir",
            "code_challenge": challenge, "code_challenge_method": "S256"})
        return "/oauth/authorize?" + query, verifier

    def work():
        try:
            browser = Browser(args.base, cookies)
            while True:
                with lock:
                    if remaining[0] <= 0 or errors or (deadline and time.monotonic() > deadline):
                        return
                    remaining[0] -= 1
                path, verifier = authorize_path()
                code = browser.code(path, args.username, args.password, args.redirect_uri)
                with lock:
                    lines.append(f"{code} {verifier}\n")
        except (Exception, SystemExit) as error:  # pylint: disable=broad-except
            with lock:
                errors.append(str(error))

    # Sign in once, so that the other connections start with the session cookie.
    first = Browser(args.base, cookies)
    path, verifier = authorize_path()
    lines.append(f"{first.code(path, args.username, args.password, args.redirect_uri)} {verifier}\n")
    remaining[0] -= 1
    workers = [threading.Thread(target=work) for _ in range(max(1, args.connections))]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join()
    if errors:
        fail(errors[0])
    with open(args.out, "w", encoding="ascii") as out:
        out.writelines(lines)
    seconds = time.monotonic() - start
    cut = f", stopped at the {args.max_seconds:g} s limit" if len(lines) < args.count else ""
    print(f"pool.py: {len(lines)} codes in {seconds:.1f} s ({len(lines) / seconds:.0f}/s{cut})", file=sys.stderr)


def make_refresh_tokens(args):
    url = urllib.parse.urlsplit(args.base)
    connection = http.client.HTTPConnection(url.hostname, url.port, timeout=30)
    body = json.dumps({"client_id": args.client_id, "username": args.username, "patient_id": args.patient_id})
    tokens = []
    for _ in range(args.count):
        connection.request("POST", "/oauth/debug/token", body=body, headers={"Content-Type": "application/json"})
        response = connection.getresponse()
        answer = response.read().decode("utf-8", "replace")
        token = json.loads(answer).get("refresh_token") if response.status == 200 else None
        if not token:
            fail(f"minting a token with a refresh token failed: {response.status} {answer[:300]}")
        tokens.append(token + "\n")
    with open(args.out, "w", encoding="ascii") as out:
        out.writelines(tokens)


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    commands = parser.add_subparsers(dest="command", required=True)
    codes = commands.add_parser("codes", help="authorization codes with their PKCE verifiers")
    codes.add_argument("base")
    codes.add_argument("client_id")
    codes.add_argument("redirect_uri")
    codes.add_argument("scope")
    codes.add_argument("username")
    codes.add_argument("count", type=int)
    codes.add_argument("out")
    codes.add_argument("--password", default="demo-password")
    codes.add_argument("--connections", type=int, default=4)
    codes.add_argument("--max-seconds", type=float, default=0)
    refresh = commands.add_parser("refresh", help="refresh tokens minted with /oauth/debug/token")
    refresh.add_argument("base")
    refresh.add_argument("client_id")
    refresh.add_argument("username")
    refresh.add_argument("patient_id")
    refresh.add_argument("count", type=int)
    refresh.add_argument("out")
    args = parser.parse_args()
    if args.count < 1:
        fail("COUNT must be at least 1")
    if args.command == "codes":
        make_codes(args)
    else:
        make_refresh_tokens(args)


if __name__ == "__main__":
    main()

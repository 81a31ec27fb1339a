"""Abuse: connection floods and slow clients (slowloris heads, slow bodies)
are cut off by the connection limits and the head and body deadlines while
everybody else is still answered; libevent's own refusals come in deskd's
JSON error format with the security headers; the session cookie is Secure
when the browser came over HTTPS; signing in is limited per account and
per client address without locking the real user out for good. Small
limits in each test's configuration keep it quick."""

import json
import os
import shutil
import socket
import subprocess
import tempfile
import threading
import time

from harness import (DESKD, FAST_CONFIG, PASSWORD, Deskd, check_error, check_security_headers,
                     email_of, parse_raw_response, run, test, wait_for, world)
from sla_clock import T0, FileClock

HEALTH = b"GET /healthz HTTP/1.1\r\nHost: t\r\n\r\n"
SLOW_CONFIG = FAST_CONFIG + ("[server]\nheader_timeout = 2\nbody_timeout = 2\n"
                             "body_min_rate = 1000\nmax_connections = 200\n"
                             "max_connections_per_address = 100\n")


def connect(d, source="127.0.0.1", timeout=10):
    s = socket.create_connection(("127.0.0.1", d.port), timeout=timeout,
                                 source_address=(source, 0))
    return s


def read_until_closed(s, timeout=15):
    """Everything s receives until the server closes it: (bytes, seconds)."""
    s.settimeout(timeout)
    t0 = time.monotonic()
    out = b""
    while True:
        try:
            chunk = s.recv(65536)
        except ConnectionResetError:
            break
        if not chunk:
            break
        out += chunk
    return out, time.monotonic() - t0


def timed_health(d, source="127.0.0.1"):
    """A whole request on a new connection: (status, seconds)."""
    t0 = time.monotonic()
    s = connect(d, source)
    try:
        s.sendall(HEALTH)
        s.settimeout(10)
        data = b""
        while b"\r\n\r\n" not in data:
            chunk = s.recv(65536)
            if not chunk:
                break
            data += chunk
        return parse_raw_response(data)[0], time.monotonic() - t0
    finally:
        s.close()


def check_raw_error(data, status, code):
    """A raw answer in deskd's error format, with the security headers."""
    got, headers, body = parse_raw_response(data)
    assert got == status, data[:300]
    assert headers.get("content-type", "").startswith("application/json"), headers
    assert headers.get("x-content-type-options") == "nosniff", headers
    assert "frame-ancestors 'none'" in headers.get("content-security-policy", ""), headers
    assert headers.get("referrer-policy") == "no-referrer", headers
    assert headers.get("cache-control") == "no-store", headers
    e = json.loads(body)["error"]
    assert e["code"] == code and e["message"], e
    return headers


class Dribbler:
    """Sends data to many sockets a byte at a time, one byte per socket
    every interval seconds, until stopped or the server closes them."""

    def __init__(self, socks, data, interval=0.3):
        self.socks = list(socks)
        self.data = data
        self.interval = interval
        self.stop = threading.Event()
        self.thread = threading.Thread(target=self._run, daemon=True)
        self.thread.start()

    def _run(self):
        i = 0
        while not self.stop.is_set() and i < len(self.data):
            for s in self.socks:
                try:
                    s.send(self.data[i:i + 1])
                except OSError:
                    pass
            i += 1
            self.stop.wait(self.interval)

    def close(self):
        self.stop.set()
        self.thread.join()
        for s in self.socks:
            s.close()


@test
def slowloris_heads_are_closed_and_others_are_still_served():
    d = Deskd(config=SLOW_CONFIG)
    try:
        d.start()
        t0 = time.monotonic()
        silent = connect(d)  # opened, nothing sent: closed without a word
        slow = [connect(d) for _ in range(40)]
        head = b"GET /healthz HTTP/1.1\r\nHost: t\r\nX-Padding: " + b"a" * 200
        dribble = Dribbler(slow, head)
        try:
            # while they dribble, everybody else is answered at once
            for _ in range(10):
                status, took = timed_health(d)
                assert status == 200 and took < 1.0, (status, took)
                time.sleep(0.05)
            # each slow one gets a 408 and is closed once its head is late
            # (at the deadline, 2 s after connecting, not at the idle
            # timeout of 60 s)
            for s in slow:
                data, _ = read_until_closed(s)
                check_raw_error(data, 408, "request_timeout")
                assert 1.5 <= time.monotonic() - t0 <= 8
            data, _ = read_until_closed(silent)
            assert data == b"", data
        finally:
            silent.close()
            dribble.close()
        assert d.request("GET", "/healthz").status == 200
    finally:
        d.close()


@test
def a_head_arriving_slowly_but_in_time_is_answered():
    d = Deskd(config=SLOW_CONFIG)
    try:
        d.start()
        s = connect(d)
        try:
            for b in HEALTH:
                s.send(bytes([b]))
                time.sleep(0.03)  # about a second in all, under the 2 s deadline
            s.settimeout(10)
            assert parse_raw_response(s.recv(65536))[0] == 200
            # the deadline is per request: a kept-alive connection may ask
            # again and again for longer than the deadline in all
            for _ in range(4):
                time.sleep(0.8)
                s.sendall(HEALTH)
                assert parse_raw_response(s.recv(65536))[0] == 200
        finally:
            s.close()
    finally:
        d.close()


@test
def slow_bodies_are_closed_and_steady_ones_are_read():
    d = world(config=SLOW_CONFIG)
    try:
        login = (b"POST /api/v1/session HTTP/1.1\r\nHost: t\r\n"
                 b"Content-Type: application/json\r\nConnection: close\r\n"
                 b"Content-Length: %d\r\n\r\n")
        body = json.dumps({"email": email_of("alice"), "password": PASSWORD}).encode()
        # a byte every 0.3 s: the body deadline (2 s) closes it
        slow = [connect(d) for _ in range(10)]
        for s in slow:
            s.sendall(login % len(body))
        dribble = Dribbler(slow, body)
        t0 = time.monotonic()
        try:
            status, took = timed_health(d)
            assert status == 200 and took < 1.0, (status, took)
            for s in slow:
                data, _ = read_until_closed(s)
                check_raw_error(data, 408, "request_timeout")
            assert time.monotonic() - t0 < 8
        finally:
            dribble.close()
        # 60 KB at about 30 KB/s takes longer than body_timeout, but each
        # 1000 bytes (body_min_rate) earn a second more: it is read whole
        padded = b" " * 60000 + body
        s = connect(d)
        try:
            s.sendall(login % len(padded))
            for i in range(0, len(padded), 3000):
                s.sendall(padded[i:i + 3000])
                time.sleep(0.1)
            data, _ = read_until_closed(s)
            status, headers, _ = parse_raw_response(data)
            assert status == 200 and "deskd_session=" in headers.get("set-cookie", ""), \
                data[:300]
        finally:
            s.close()
        assert d.proc.poll() is None
    finally:
        d.close()


@test
def a_flood_of_connections_is_refused_quickly_and_the_held_ones_work():
    d = Deskd(config=FAST_CONFIG + "[server]\nmax_connections = 16\n"
              "max_connections_per_address = 1000\nheader_timeout = 60\n")
    try:
        d.start()
        held = [connect(d) for _ in range(16)]
        time.sleep(0.2)
        # beyond the limit: 503 with Retry-After, at once
        for _ in range(30):
            s = connect(d)
            t0 = time.monotonic()
            data, _ = read_until_closed(s, timeout=5)
            s.close()
            assert time.monotonic() - t0 < 1.0
            if data:  # the answer may be lost to a reset; the refusal is not
                headers = check_raw_error(data, 503, "too_many_connections")
                assert int(headers["retry-after"]) >= 1, headers
        # the connections already open are served
        for s in held[:4]:
            s.sendall(HEALTH)
            s.settimeout(5)
            assert parse_raw_response(s.recv(65536))[0] == 200
        # once the flood is gone, new connections are served again
        for s in held:
            s.close()
        wait_for(lambda: timed_health(d)[0] == 200, timeout=5, interval=0.1,
                 what="a connection after the flood")
        assert any("msg=connections_limited" in l for l in d.log_lines()), d.log_lines()
    finally:
        d.close()


@test
def one_address_cannot_take_every_connection():
    d = Deskd(config=FAST_CONFIG + "[server]\nmax_connections = 100\n"
              "max_connections_per_address = 5\nheader_timeout = 60\n")
    try:
        d.start()
        held = [connect(d) for _ in range(5)]
        time.sleep(0.2)
        s = connect(d)
        data, _ = read_until_closed(s, timeout=5)
        s.close()
        if data:
            check_raw_error(data, 503, "too_many_connections")
        else:
            raise AssertionError("a sixth connection from one address was not refused")
        # another address is served, and so is the first once it lets go
        assert timed_health(d, source="127.0.0.2")[0] == 200
        held.pop().close()
        wait_for(lambda: timed_health(d)[0] == 200, timeout=5, interval=0.1,
                 what="a connection after one closed")
        for s in held:
            s.close()
    finally:
        d.close()


@test
def behind_a_trusted_proxy_loopback_is_not_limited_per_address():
    d = Deskd(config=FAST_CONFIG + "[server]\ntrust_proxy = yes\nmax_connections = 100\n"
              "max_connections_per_address = 2\nheader_timeout = 60\n")
    try:
        d.start()
        held = [connect(d) for _ in range(6)]
        time.sleep(0.2)
        assert timed_health(d)[0] == 200
        for s in held:
            s.close()
    finally:
        d.close()


@test
def libevents_own_refusals_are_json_errors_with_the_security_headers():
    d = Deskd()
    try:
        d.start()
        cases = [
            (b"GET /healthz HTTP/1.1\r\nHost: t\r\nX-Big: " + b"a" * 20000 + b"\r\n\r\n",
             (400, 413)),
            (b"GET /healthz HTTP/1.1\r\nHost: t\r\n" +
             b"".join(b"X-H%d: v\r\n" % i for i in range(3000)) + b"\r\n", (400, 413)),
            (b"NONSENSE\r\n\r\n", (400,)),
            (b"GET /healthz HTTP/9.9\r\nHost: t\r\n\r\n", (400, 505)),
            (b"GET /healthz HTTP/1.1\r\nBad Header Line\r\n\r\n", (400,)),
            (b"BREW /healthz HTTP/1.1\r\nHost: t\r\n\r\n", (400, 405, 501)),
            (b"POST /api/v1/session HTTP/1.1\r\nHost: t\r\nContent-Length: x\r\n\r\n", (400,)),
            (b"POST /api/v1/session HTTP/1.1\r\nHost: t\r\nTransfer-Encoding: chunked\r\n\r\n"
             b"zz\r\n", (400, 413)),
        ]
        for raw, statuses in cases:
            data = d.raw(raw)
            assert data, f"no answer to {raw[:60]!r}"
            status = parse_raw_response(data)[0]
            assert status in statuses, (raw[:60], data[:300])
            check_raw_error(data, status, {400: "bad_request", 413: "too_large", 505: "refused",
                                           405: "method_not_allowed",
                                           501: "method_not_allowed"}[status])
            assert b"<HTML" not in data.upper(), data
            assert d.request("GET", "/healthz").status == 200
        # Expect: 100-continue still gets its interim answer, then deskd's
        s = connect(d)
        try:
            body = b'{"email": "x@y.example", "password": "zzzzzzzz"}'
            s.sendall(b"POST /api/v1/session HTTP/1.1\r\nHost: t\r\n"
                      b"Content-Type: application/json\r\nExpect: 100-continue\r\n"
                      b"Content-Length: %d\r\n\r\n" % len(body))
            s.settimeout(5)
            assert s.recv(65536).startswith(b"HTTP/1.1 100 Continue\r\n")
            s.sendall(body + b"")
            data = s.recv(65536)
            assert parse_raw_response(data)[0] == 401, data[:300]
        finally:
            s.close()
    finally:
        d.close()


@test
def host_header_games_do_not_confuse_deskd():
    d = Deskd()
    try:
        d.start()
        cases = [
            b"GET /healthz HTTP/1.1\r\n\r\n",                                  # absent
            b"GET /healthz HTTP/1.0\r\n\r\n",                                  # 1.0, absent
            b"GET /healthz HTTP/1.1\r\nHost: a\r\nHost: b\r\n\r\n",            # duplicated
            b"GET /healthz HTTP/1.1\r\nHost: " + b"h" * 8000 + b"\r\n\r\n",    # very long
            b"GET /healthz HTTP/1.1\r\nHost: a\r\n b\r\n\r\n",                 # folded
            b"GET /healthz HTTP/1.1\r\nHost: a\rX-Injected: 1\r\n\r\n",        # bare CR
            b"GET /healthz HTTP/1.1\r\nHost: a%0d%0aX-Injected: 1\r\n\r\n",    # encoded CRLF
            b"GET /healthz HTTP/1.1\r\nHost: \x00evil\r\n\r\n",                # NUL
            b"GET http://evil.example/healthz HTTP/1.1\r\nHost: t\r\n\r\n",    # absolute form
        ]
        for raw in cases:
            data = d.raw(raw)
            status, headers, body = parse_raw_response(data)
            if status == 200:
                assert json.loads(body) == {"status": "ok"}, body
            else:
                check_raw_error(data, status, json.loads(body)["error"]["code"])
            # nothing of the Host comes back as a header or a redirect
            assert b"X-Injected" not in data and b"evil" not in data, data[:300]
            assert "location" not in headers, headers
        assert d.request("GET", "/healthz").status == 200
    finally:
        d.close()


@test
def huge_and_odd_json_bodies_get_a_clear_error_quickly():
    d = world()
    try:
        before = d.dump()
        near_limit = 1024 * 1024 - 64
        many_keys = "{" + ",".join(f'"k{i}":1' for i in range(90000)) + "}"
        long_array = '{"email":[' + ",".join(["1"] * 400000) + "]}"
        escapes = '{"email":"' + "\\u00e9" * 150000 + '"}'
        assert max(len(many_keys), len(long_array), len(escapes)) < near_limit
        cases = [
            (many_keys, 422), (long_array, 422), (escapes, 422),
            ('{"email":' + "[" * 100000 + "]" * 100000 + "}", 400),
            ('{"email":' + '{"a":' * 50000 + "1" + "}" * 50000 + "}", 400),
            (b'{"email": tru\xff}', 400), (b'{"\xff\xfe": 1}', 400),
            (b'{"a\x00": 1}', 400), (b'{"email": "x"}\x00', 400), (b"\x00" * 1000, 400),
            ('{"email": 1e999999, "password": "x"}', 400),
            ('{"email": 123456789012345678901234567890}', 400),
            ('{"email": "a@b.example", "email": "c@d.example", "password": "x"}', 400),
        ]
        for raw, status in cases:
            t0 = time.monotonic()
            r = d.request("POST", "/api/v1/session", raw=raw,
                          headers={"Content-Type": "application/json"})
            check_error(r, status)
            assert time.monotonic() - t0 < 5, (raw[:40], time.monotonic() - t0)
        assert d.dump() == before
        assert d.request("GET", "/healthz").status == 200
    finally:
        d.close()


@test
def errors_of_every_kind_carry_the_security_headers():
    www = tempfile.mkdtemp(prefix="deskd-www-")
    with open(os.path.join(www, "index.html"), "w") as f:
        f.write("<!doctype html><title>portal</title>")
    d = world(start=False)
    try:
        d.start(("--www", www))
        alice = d.login("alice")
        answers = [
            (d.request("GET", "/missing.html"), 404),
            (d.request("GET", "/missing.js"), 404),
            (d.request("GET", "/../etc/passwd"), (400, 404)),
            (d.request("POST", "/index.html", raw=b"x"), (404, 405)),
            (d.request("PUT", "/api/v1/tickets"), 405),
            (d.request("POST", "/api/v1/session", raw=b"x" * (2 * 1024 * 1024),
                       headers={"Content-Type": "application/json"}), 413),
            (d.request("POST", "/api/v1/session", raw=b"{}",
                       headers={"Content-Type": "text/plain"}), 415),
            (d.request("GET", "/api/v1/me"), 401),
            (alice.request("POST", "/api/v1/tickets", body={"title": "t"}, csrf=False), 403),
            (alice.get("/api/v1/tickets/HD-999999"), 404),
            (alice.post("/api/v1/tickets", {"title": ""}), 422),
        ]
        for r, status in answers:
            assert r.status in (status if isinstance(status, tuple) else (status,)), r
            check_error(r, r.status)
            check_security_headers(r)
            assert r.header("Cache-Control") == "no-store", r.headers
    finally:
        d.close()
        shutil.rmtree(www, ignore_errors=True)


def session_cookie(d, headers=None):
    r = d.request("POST", "/api/v1/session",
                  {"email": email_of("alice"), "password": PASSWORD}, headers=headers)
    assert r.status == 200, r
    return r.header("Set-Cookie")


@test
def the_session_cookie_is_secure_when_the_browser_came_over_https():
    https = {"X-Forwarded-Proto": "https", "X-Forwarded-For": "203.0.113.9"}
    d = world(start=False)
    try:
        # default (auto), no proxy trusted: the header alone proves nothing
        d.start()
        for hdrs in (None, https):
            c = session_cookie(d, hdrs)
            assert "HttpOnly" in c and "SameSite=Strict" in c and "Secure" not in c, c
        d.stop()
        # auto behind a trusted proxy: Secure exactly when it says https
        with open(d.config, "a") as f:
            f.write("\n[server]\ntrust_proxy = yes\n")
        d.start()
        c = session_cookie(d, https)
        assert "HttpOnly" in c and "SameSite=Strict" in c and "; Secure" in c, c
        c = session_cookie(d, {"X-Forwarded-Proto": "http"})
        assert "Secure" not in c, c
        d.stop()
        # always and never, whatever the proxy says
        for value, secure in (("true", True), ("false", False)):
            with open(d.config, "a") as f:
                f.write(f"\n[security]\ncookie_secure = {value}\n")
            d.start()
            for hdrs in (None, https):
                c = session_cookie(d, hdrs)
                assert ("; Secure" in c) == secure, (value, c)
            d.stop()
    finally:
        d.close()


@test
def bad_limit_settings_stop_deskd_at_start():
    d = Deskd()
    try:
        for line in ("max_connections = 0", "max_connections_per_address = -1",
                     "header_timeout = 0", "body_timeout = x", "body_min_rate = 0"):
            with open(d.config, "w") as f:
                f.write(FAST_CONFIG + "[server]\n" + line + "\n")
            p = subprocess.run([DESKD, "--data", d.data, "--listen", "127.0.0.1:0",
                                "--config", d.config], capture_output=True, text=True,
                               timeout=30)
            assert p.returncode == 2 and "bad_config" in p.stderr, (line, p)
            assert line.split()[0] in p.stderr, (line, p.stderr)
        with open(d.config, "w") as f:
            f.write(FAST_CONFIG + "cookie_secure = sometimes\n")
        p = subprocess.run([DESKD, "--data", d.data, "--listen", "127.0.0.1:0",
                            "--config", d.config], capture_output=True, text=True, timeout=30)
        assert p.returncode == 2 and "cookie_secure" in p.stderr, p
    finally:
        d.close()


# ------------------------------------------------------------- signing in

class SignIn(FileClock):
    """A world behind a trusted proxy (X-Forwarded-For names the client)
    with a clock the test drives."""

    def __init__(self):
        self.d = world(config=FAST_CONFIG + "[server]\ntrust_proxy = yes\n", start=False)
        self.clock = os.path.join(self.d.dir, "clock")
        self.write_clock(T0)
        self.start()

    def login(self, email, password, client):
        return self.d.request("POST", "/api/v1/session", {"email": email, "password": password},
                              headers={"X-Forwarded-For": client})


@test
def one_client_guessing_across_many_accounts_is_limited():
    w = SignIn()
    try:
        attacker, other = "198.51.100.7", "198.51.100.8"
        # one failure for each of 100 accounts (real and made up) ...
        for i in range(100):
            email = email_of("alice") if i == 0 else f"user{i}@acme.example"
            assert w.login(email, "wrong-password", attacker).status == 401
        # ... and the client is refused, even with a right password
        r = w.login(email_of("bob"), PASSWORD, attacker)
        check_error(r, 429, "rate_limited")
        assert 1 <= int(r.header("Retry-After")) <= 900, r.headers
        # other clients, the accounts' owners among them, are not
        assert w.login(email_of("alice"), PASSWORD, other).status == 200
        assert w.login(email_of("bob"), PASSWORD, other).status == 200
        # fifteen minutes later the client may try again
        w.set(T0 + 15 * 60 * 1000)
        assert w.login(email_of("bob"), PASSWORD, attacker).status == 200
    finally:
        w.d.close()


@test
def many_clients_guessing_one_account_do_not_lock_it_out_for_good():
    w = SignIn()
    try:
        # ten failures for alice, each from another address
        for i in range(10):
            assert w.login(email_of("alice"), "wrong-password", f"203.0.113.{i + 1}").status == 401
        # the account is held for the window, from any address
        r = w.login(email_of("alice"), "wrong-password", "203.0.113.200")
        check_error(r, 429, "rate_limited")
        assert 1 <= int(r.header("Retry-After")) <= 900, r.headers
        r = w.login(email_of("alice"), PASSWORD, "192.0.2.1")
        check_error(r, 429, "rate_limited")
        # other accounts are not
        assert w.login(email_of("bob"), PASSWORD, "203.0.113.1").status == 200
        # once the window has passed, alice gets in, and her success clears
        # the count: the next failures start from zero
        w.set(T0 + 15 * 60 * 1000 + 1000)
        assert w.login(email_of("alice"), PASSWORD, "192.0.2.1").status == 200
        for i in range(9):
            assert w.login(email_of("alice"), "wrong-password", "203.0.113.50").status == 401
        assert w.login(email_of("alice"), PASSWORD, "192.0.2.1").status == 200
    finally:
        w.d.close()


if __name__ == "__main__":
    run()

"""The deskd process: start-up refusals, configuration, the lock, signals,
graceful stop, the access log and the transport limits."""

import json
import os
import signal
import socket
import subprocess
import tempfile
import threading
import time

from harness import (DESKD, FAST_CONFIG, PASSWORD, PRODUCTION_CONFIG, Deskd,
                     check_security_headers, email_of, parse_raw_response, run, test,
                     wait_for, world)


def deskd_exits(*args, timeout=30):
    """Runs deskd that is expected to stop by itself (refusing to start)."""
    return subprocess.run([DESKD, *args], capture_output=True, text=True, timeout=timeout)


def login_raw(d, email, password):
    return d.request("POST", "/api/v1/session", {"email": email, "password": password})


def config_file(tmp, text):
    path = os.path.join(tmp, "deskd.conf")
    with open(path, "w") as f:
        f.write(text)
    return path


@test
def test_missing_or_foreign_data_directory_is_refused_with_a_clear_log_line():
    with tempfile.TemporaryDirectory() as tmp:
        empty = os.path.join(tmp, "empty")
        other = os.path.join(tmp, "other")
        afile = os.path.join(tmp, "file")
        os.mkdir(empty)
        os.mkdir(other)
        with open(os.path.join(other, "data.mdb"), "w") as f:
            f.write("this is not an LMDB file, but it has the name of one\n" * 100)
        with open(afile, "w") as f:
            f.write("x")
        cases = [(os.path.join(tmp, "missing"), "does not exist"),
                 (empty, "not a deskd data directory"),
                 (afile, "not a directory"),
                 (other, "damaged")]
        for data, reason in cases:
            p = deskd_exits("--data", data, "--listen", "127.0.0.1:0")
            assert p.returncode == 1, (data, p)
            lines = [l for l in p.stderr.splitlines() if "msg=cannot_open_data" in l]
            assert len(lines) == 1, p.stderr
            assert "level=error" in lines[0] and reason in lines[0], lines
            assert "msg=listening" not in p.stderr, p.stderr
        assert not os.path.exists(os.path.join(tmp, "missing"))
        with open(os.path.join(other, "data.mdb")) as f:
            assert f.read().startswith("this is not an LMDB file"), "deskd changed a foreign file"
    p = deskd_exits("--listen", "127.0.0.1:0")
    assert p.returncode == 2 and "usage: deskd" in p.stderr, p
    p = deskd_exits("--data")
    assert p.returncode == 2, p
    p = deskd_exits("--data", "/tmp", "surplus")
    assert p.returncode == 2 and "usage" in p.stderr, p


@test
def test_second_deskd_on_the_same_data_is_refused():
    d = world()
    try:
        alice = d.login("alice")
        ref = alice.create_ticket()["ref"]
        dump = d.dump()
        p = deskd_exits("--data", d.data, "--listen", "127.0.0.1:0", "--config", d.config)
        assert p.returncode == 1, p
        assert "msg=cannot_open_data" in p.stderr and "another deskd" in p.stderr, p.stderr
        # The first one goes on undisturbed.
        assert d.request("GET", "/healthz").status == 200
        assert alice.get(f"/api/v1/tickets/{ref}").status == 200
        assert d.dump() == dump
        # Once it has stopped, the lock is free again.
        d.restart()
        assert alice.get(f"/api/v1/tickets/{ref}").status == 200
    finally:
        d.close()


@test
def test_bad_configuration_exits_2_with_a_message():
    cases = [
        ("[server]\nbogus = 1\n", "unknown option"),
        ("[bogus]\nlisten = 127.0.0.1:0\n", "unknown option"),
        ("[security]\nlisten = 127.0.0.1:0\n", "unknown option"),
        ("[server]\nidle_timeout = abc\n", "invalid value"),
        ("[server]\nidle_timeout = 0\n", "invalid value"),
        ("[server]\nidle_timeout = 10s\n", "invalid value"),
        ("[server]\nmax_body_bytes = -1\n", "invalid value"),
        ("[server]\nmax_body_bytes = 99999999999999999999\n", "invalid value"),
        ("[security]\nscrypt_n = 3000\n", "power of two"),
        ("[security]\nhash_threads = 0\n", "invalid value"),
        ("[security]\ncookie_secure = maybe\n", "invalid value"),
        ("[server]\nticket_prefix = hd\n", "ticket_prefix"),
        ("[server]\nticket_prefix = H-D\n", "ticket_prefix"),
        ("[server]\nticket_prefix = ABCDEFGHIJKLMNOPQRSTUVWXYZ\n", "ticket_prefix"),
        ("[server]\nlisten = localhost\n", "ADDR:PORT"),
        ("[server]\nthis line has no equals sign\n", "syntax error"),
    ]
    d = Deskd()
    try:
        dump = d.dump()
        with tempfile.TemporaryDirectory() as tmp:
            for text, message in cases:
                path = config_file(tmp, text)
                p = deskd_exits("--data", d.data, "--listen", "127.0.0.1:0", "--config", path)
                assert p.returncode == 2, (text, p)
                lines = [l for l in p.stderr.splitlines() if "msg=bad_config" in l]
                assert len(lines) == 1, (text, p.stderr)
                assert message in lines[0] and "level=error" in lines[0], (text, lines)
                assert "msg=listening" not in p.stderr, (text, p.stderr)
            p = deskd_exits("--data", d.data, "--config", os.path.join(tmp, "none.conf"))
            assert p.returncode == 2 and "cannot read config file" in p.stderr, p
            p = deskd_exits("--data", d.data, "--listen", "nocolon")
            assert p.returncode == 2 and "msg=bad_config" in p.stderr, p
        assert d.dump() == dump
    finally:
        d.close()


@test
def test_port_in_use_is_refused():
    a, b = Deskd(), Deskd()
    try:
        a.start()
        p = deskd_exits("--data", b.data, "--listen", f"127.0.0.1:{a.port}", "--config",
                        b.config)
        assert p.returncode != 0, p
        assert "msg=listen_failed" in p.stderr and f"127.0.0.1:{a.port}" in p.stderr, p.stderr
        assert a.request("GET", "/healthz").status == 200
    finally:
        a.close()
        b.close()


@test
def test_healthz():
    d = Deskd()
    try:
        d.start()
        r = d.request("GET", "/healthz")
        assert r.status == 200, r
        assert r.json == {"status": "ok"}, r
        assert r.header("Content-Type").startswith("application/json"), r.headers
        check_security_headers(r)
        # No session is needed, and a stale one does not matter.
        r = d.request("GET", "/healthz", headers={"Cookie": "deskd_session=stale"})
        assert r.status == 200, r
    finally:
        d.close()


@test
def test_routes_and_help():
    p = deskd_exits("--routes")
    assert p.returncode == 0, p
    routes = [json.loads(l) for l in p.stdout.splitlines()]
    assert {"method": "GET", "path": "/healthz", "access": "public", "writes": False} in routes
    p = deskd_exits("--help")
    assert p.returncode == 0 and "--data" in p.stdout and "SIGTERM" in p.stdout, p


@test
def test_sigterm_and_sigint_stop_cleanly():
    d = world()
    try:
        for sig, name in ((signal.SIGTERM, "TERM"), (signal.SIGINT, "INT")):
            alice = d.login("alice")
            ref = alice.create_ticket(f"before {name}", "d")["ref"]
            rc = d.stop(sig)  # fails unless deskd exits 0
            assert rc == 0
            log = "".join(d.log)
            assert f"msg=stopping signal={name}" in log, log
            assert "msg=stopped" in log, log
            d.start()
            # Nothing was lost, and the session lives on.
            assert alice.get(f"/api/v1/tickets/{ref}").status == 200
    finally:
        d.close()


@test
def test_a_request_in_flight_is_answered_when_sigterm_arrives():
    """A sign-in being hashed at the production cost when SIGTERM arrives
    still gets its answer, and what it wrote is kept."""
    d = Deskd(config=PRODUCTION_CONFIG + "hash_threads = 1\nhash_queue = 1\n")
    try:
        d.add_org("Acme")
        d.add_user(email_of("alice"), "Alice", "customer", "Acme")
        d.start()
        # A keep-alive connection, open before the signal.
        idle = socket.create_connection(("127.0.0.1", d.port), timeout=10)
        idle.sendall(b"GET /healthz HTTP/1.1\r\nHost: t\r\n\r\n")
        assert parse_raw_response(idle.recv(65536))[0] == 200
        for attempt in range(20):
            result = {}
            t = threading.Thread(
                target=lambda: result.update(r=login_raw(d, email_of("alice"), PASSWORD)))
            t.start()
            # give her request a head start, longer on each attempt, so that
            # on a busy machine the probe does not take the hashing slot first
            time.sleep(min(0.02 * (attempt + 1), 0.3))
            # While alice's sign-in is being hashed the queue is full, so a
            # second one is refused at once: then hers is in flight.
            in_flight = False
            while t.is_alive():
                probe = login_raw(d, "probe@acme.example", "probe-password")
                if probe.status == 503:
                    in_flight = t.is_alive()
                    break
            if in_flight:
                d.proc.send_signal(signal.SIGTERM)
                wait_for(lambda: d.log_lines("stopping") or not t.is_alive(),
                         what="msg=stopping")
                if t.is_alive():
                    # Stopping, with alice's answer still to come: a new
                    # request on an open connection is told to come back.
                    idle.sendall(b"GET /healthz HTTP/1.1\r\nHost: t\r\n\r\n")
                    status, headers, body = parse_raw_response(idle.recv(65536))
                    assert status == 503 and headers.get("retry-after"), (status, headers)
                    assert headers.get("connection", "").lower() == "close", headers
                    assert json.loads(body)["error"]["code"] == "stopping", body
                t.join(30)
                break
            t.join(30)
        else:
            raise AssertionError("could not catch a sign-in in flight")
        r = result["r"]
        assert r.status == 200, r
        cookie = r.header("Set-Cookie").split(";")[0]
        idle.close()
        rc = d.proc.wait(timeout=30)
        d.proc = None
        assert rc == 0, "".join(d.log[-30:])
        log = d.log
        stopping = min(i for i, l in enumerate(log) if "msg=stopping" in l)
        answered = [i for i, l in enumerate(log)
                    if "msg=request" in l and "path=/api/v1/session" in l and "status=200" in l]
        assert answered and answered[-1] > stopping, "".join(log)
        # The session written during the stop is there after a restart.
        d.start()
        r = d.request("GET", "/api/v1/me", headers={"Cookie": cookie})
        assert r.status == 200, r
    finally:
        d.close()


@test
def test_access_log_has_one_line_per_request():
    d = world()
    try:
        before = len(d.log_lines("request"))
        alice = d.login("alice")  # 1
        secret = alice.cookie.split("=", 1)[1]
        reqs = [
            ("GET", "/healthz", 200, lambda: d.request("GET", "/healthz")),
            ("GET", "/api/v1/me", 401, lambda: d.request("GET", "/api/v1/me")),
            ("POST", "/nope", 404, lambda: d.request("POST", "/nope", {})),
            ("PUT", "/api/v1/me", 405, lambda: d.request("PUT", "/api/v1/me")),
            ("GET", "/api/v1/tickets", 200, lambda: alice.get("/api/v1/tickets?view=all")),
            ("POST", "/api/v1/tickets", 201,
             lambda: alice.post("/api/v1/tickets", {"title": "t", "description": "d"})),
            ("POST", "/api/v1/session", 401,
             lambda: login_raw(d, email_of("bob"), "a-wrong-password")),
        ]
        for method, path, status, fn in reqs:
            assert fn().status == status
        # A path that tries to forge a log line stays on its own line.
        r = d.request("GET", "/x%0Amsg=request%20method=FAKE%20status=200")
        assert r.status == 404
        expected = 1 + len(reqs) + 1
        wait_for(lambda: len(d.log_lines("request")) >= before + expected,
                 what="access log lines")
        lines = d.log_lines("request")[before:]
        assert len(lines) == expected, "".join(lines)
        login_line = lines[0]
        assert "method=POST" in login_line and "path=/api/v1/session" in login_line
        assert "status=200" in login_line, login_line
        for line, (method, path, status, _) in zip(lines[1:], reqs):
            assert f"method={method} " in line and f"path={path} " in line, line
            assert f"status={status} " in line, line
            assert "ms=" in line and "peer=127.0.0.1:" in line, line
        assert f"user={d.users['alice']['id']}" in lines[5], lines[5]
        assert "method=FAKE" not in "".join(lines[:-1]), lines
        assert all(l.startswith("time=") for l in d.log_lines()), "a log line was split"
        # No secret is ever logged.
        everything = "".join(d.log_lines())
        for s in (PASSWORD, "a-wrong-password", secret, alice.csrf):
            assert s not in everything, f"{s!r} appears in the log"
    finally:
        d.close()


@test
def test_oversized_heads_and_bodies_are_refused_without_a_crash():
    d = Deskd()
    try:
        d.start()
        big_header = (b"GET /healthz HTTP/1.1\r\nHost: t\r\nX-Big: " + b"a" * 20000 +
                      b"\r\nConnection: close\r\n\r\n")
        many = (b"GET /healthz HTTP/1.1\r\nHost: t\r\n" +
                b"".join(b"X-H%d: v\r\n" % i for i in range(3000)) + b"Connection: close\r\n\r\n")
        long_line = b"GET /" + b"a" * 20000 + b" HTTP/1.1\r\nHost: t\r\nConnection: close\r\n\r\n"
        big_cookie = (b"GET /api/v1/me HTTP/1.1\r\nHost: t\r\nCookie: deskd_session=" +
                      b"A" * 30000 + b"\r\nConnection: close\r\n\r\n")
        for raw in (big_header, many, long_line, big_cookie):
            data = d.raw(raw)
            # libevent refuses these itself, before deskd sees a request.
            assert parse_raw_response(data)[0] in (400, 413, 414, 431), data[:200]
            assert d.request("GET", "/healthz").status == 200, "deskd stopped answering"
        # A body far over the limit (more than libevent lets through to deskd's
        # own JSON 413) is read and dropped, then refused.
        size = 5 * 1024 * 1024
        data = d.raw(b"POST /api/v1/session HTTP/1.1\r\nHost: t\r\n"
                     b"Content-Type: application/json\r\nContent-Length: %d\r\n\r\n" % size +
                     b"{" + b" " * (size - 1), timeout=30)
        assert parse_raw_response(data)[0] == 413, data[:200]
        assert d.request("GET", "/healthz").status == 200, "deskd stopped answering"
        # A head just under the limit is fine.
        r = d.request("GET", "/healthz", headers={"X-Big": "a" * 8000})
        assert r.status == 200, r
        assert d.proc.poll() is None
    finally:
        d.close()


@test
def test_idle_connections_are_closed():
    d = Deskd(config=FAST_CONFIG + "[server]\nidle_timeout = 1\n")
    try:
        d.start()

        def closed_after(sock):
            sock.settimeout(10)
            t0 = time.monotonic()
            while True:
                try:
                    chunk = sock.recv(65536)
                except ConnectionResetError:
                    chunk = b""
                if not chunk:
                    return time.monotonic() - t0

        # Connected, nothing sent.
        s = socket.create_connection(("127.0.0.1", d.port))
        took = closed_after(s)
        s.close()
        assert 0.5 <= took <= 5, took
        # Half a request head, then silence.
        s = socket.create_connection(("127.0.0.1", d.port))
        s.sendall(b"GET /healthz HTTP/1.1\r\nHost: t\r\n")
        took = closed_after(s)
        s.close()
        assert 0.5 <= took <= 5, took
        # A keep-alive connection after its answer.
        s = socket.create_connection(("127.0.0.1", d.port))
        s.sendall(b"GET /healthz HTTP/1.1\r\nHost: t\r\n\r\n")
        s.settimeout(10)
        assert parse_raw_response(s.recv(65536))[0] == 200
        took = closed_after(s)
        s.close()
        assert 0.5 <= took <= 5, took
        assert d.request("GET", "/healthz").status == 200
    finally:
        d.close()


if __name__ == "__main__":
    run()

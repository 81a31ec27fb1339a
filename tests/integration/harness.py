"""Integration test harness: the real deskd on a free loopback port with a
temporary data directory, driven over HTTP; results reported as TAP.

Environment: DESKD and DESKCTL name the binaries (set by meson)."""

import http.client
import json
import os
import re
import shutil
import signal
import socket
import struct
import subprocess
import sys
import tempfile
import threading
import time
import traceback

DESKD = os.environ.get("DESKD", "build/daemon/deskd")
DESKCTL = os.environ.get("DESKCTL", "build/tools/deskctl")

# Real scrypt at a lower cost than production, so suites stay quick; the
# production cost is exercised where timing matters (test_session.py).
FAST_CONFIG = "[security]\nscrypt_n = 1024\n"
# The cost deskd ships with (about 110 ms a hash on a 2-core machine).
PRODUCTION_CONFIG = "[security]\nscrypt_n = 32768\nscrypt_r = 8\nscrypt_p = 1\n"
PASSWORD = "secret-password"


_CLOCK_READINGS = ("remaining_ms", "overdue_ms")


def _without_clock_readings(v, in_sla=False):
    if isinstance(v, dict):
        return {k: _without_clock_readings(x, in_sla or k == "sla") for k, x in v.items()
                if not (in_sla and k in _CLOCK_READINGS)}
    if isinstance(v, list):
        return [_without_clock_readings(x, in_sla) for x in v]
    return v


class Response:
    def __init__(self, status, headers, body, data=None):
        self.status = status
        self.headers = headers
        self.body = body
        self.data = data if data is not None else body.encode()
        try:
            self.full_json = json.loads(body) if body else None
        except ValueError:
            self.full_json = None
        # The SLA clock's remaining and overdue times move with the real
        # clock; comparisons of two reads see the answer without them
        # (full_json keeps them, for the SLA tests that drive the clock).
        self.json = _without_clock_readings(self.full_json)

    def header(self, name):
        for k, v in self.headers:
            if k.lower() == name.lower():
                return v
        return None

    def headers_all(self, name):
        return [v for k, v in self.headers if k.lower() == name.lower()]

    @property
    def error_code(self):
        if isinstance(self.json, dict) and isinstance(self.json.get("error"), dict):
            return self.json["error"].get("code")
        return None

    def __repr__(self):
        return f"<{self.status} {self.body[:300]!r}>"


class Deskd:
    """A data directory and (when started) a deskd serving it."""

    def __init__(self, config=FAST_CONFIG, init=True):
        self.dir = tempfile.mkdtemp(prefix="deskd-it-")
        self.data = os.path.join(self.dir, "data")
        self.config = os.path.join(self.dir, "deskd.conf")
        with open(self.config, "w") as f:
            f.write(config)
        self.proc = None
        self.port = None
        self.log = []
        if init:
            self.ctl("init")

    # -- administration --
    def ctl(self, *args, input=None, check=True):
        cmd = [DESKCTL, "--data", self.data, "--config", self.config] + list(args)
        p = subprocess.run(cmd, input=input, capture_output=True, text=True, timeout=120)
        if check and p.returncode != 0:
            raise AssertionError(f"deskctl {' '.join(args)} failed ({p.returncode}): {p.stderr}")
        return p

    def add_org(self, name):
        return self.ctl("--json", "org", "add", name)

    def add_user(self, email, name, role, org=None, password="secret-password"):
        args = ["--json", "user", "add", "--email", email, "--name", name, "--role", role]
        if org:
            args += ["--org", org]
        args.append("--password-stdin")
        p = self.ctl(*args, input=password + "\n")
        return json.loads(p.stdout)

    def dump(self):
        p = self.ctl("dump")
        return [json.loads(line) for line in p.stdout.splitlines() if line.strip()]

    # -- the daemon --
    def start(self, extra_args=()):
        assert self.proc is None
        self.log = []
        self.proc = subprocess.Popen(
            [DESKD, "--data", self.data, "--listen", "127.0.0.1:0", "--config", self.config,
             *extra_args],
            stderr=subprocess.PIPE, stdout=subprocess.DEVNULL, text=True,
            errors="surrogateescape")
        deadline = time.time() + 30
        while time.time() < deadline:
            line = self.proc.stderr.readline()
            if not line:
                break
            self.log.append(line)
            m = re.search(r"msg=listening addr=127\.0\.0\.1:(\d+)", line)
            if m:
                self.port = int(m.group(1))
                self._drainer = threading.Thread(target=self._drain, daemon=True)
                self._drainer.start()
                return self
        self.proc.kill()
        raise AssertionError("deskd did not start:\n" + "".join(self.log))

    def _drain(self):
        for line in self.proc.stderr:
            self.log.append(line)

    def stop(self, sig=signal.SIGTERM, expect_clean=True):
        """Stops deskd; with expect_clean, fails unless it exits 0 (under the
        sanitizers a leak or error makes the exit status non-zero)."""
        if self.proc is None:
            return None
        self.proc.send_signal(sig)
        try:
            rc = self.proc.wait(timeout=30)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            rc = self.proc.wait()
        if getattr(self, "_drainer", None):
            self._drainer.join(timeout=10)
            self._drainer = None
        self.proc = None
        # whatever reads the log must be able to decode every line
        bad = [l for l in self.log if any("\udc80" <= ch <= "\udcff" for ch in l)]
        assert not bad, f"deskd logged bytes that are not UTF-8: {bad[:3]!r}"
        if expect_clean and rc != 0:
            raise AssertionError(f"deskd exited with {rc}:\n" + "".join(self.log[-60:]))
        return rc

    def restart(self):
        self.stop()
        return self.start()

    def close(self):
        try:
            if self.proc:
                self.stop()
        finally:
            shutil.rmtree(self.dir, ignore_errors=True)

    # -- HTTP --
    def request(self, method, path, body=None, headers=None, raw=None, timeout=30):
        conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=timeout)
        hdrs = dict(headers or {})
        data = raw
        if body is not None:
            data = json.dumps(body).encode()
            hdrs.setdefault("Content-Type", "application/json")
        if isinstance(data, str):
            data = data.encode()
        try:
            conn.request(method, path, body=data, headers=hdrs)
            r = conn.getresponse()
            raw_body = r.read()
            return Response(r.status, r.getheaders(), raw_body.decode("utf-8", "replace"),
                            raw_body)
        finally:
            conn.close()

    def raw(self, data, timeout=10):
        """Sends bytes as they are on a new connection and returns what
        comes back until the server closes it or goes quiet (b"" when it
        closed without answering)."""
        s = socket.create_connection(("127.0.0.1", self.port), timeout=timeout)
        try:
            try:
                s.sendall(data)
            except (BrokenPipeError, ConnectionResetError):
                pass
            out = b""
            while True:
                try:
                    chunk = s.recv(65536)
                except (ConnectionResetError, socket.timeout):
                    break
                if not chunk:
                    break
                out += chunk
                if b"\r\n\r\n" in out and response_complete(out):
                    break
            return out
        finally:
            s.close()

    def log_lines(self, msg=None):
        """Log lines so far (those with msg=MSG only, when given)."""
        lines = list(self.log)
        if msg is None:
            return lines
        return [l for l in lines if re.search(r"\bmsg=" + re.escape(msg) + r"(\s|$)", l)]

    def login(self, email, password=PASSWORD, **kw):
        """A Client signed in as email (or as a CAST name: "alice")."""
        if "@" not in email:
            email = email_of(email)
        c = Client(self)
        c.login(email, password, **kw)
        return c

    def token(self, email):
        """A new API token for the user (or CAST name), made with deskctl."""
        if "@" not in email:
            email = email_of(email)
        return self.ctl("token", "add", "--email", email).stdout.strip()

    def token_client(self, email):
        """A Client that authenticates with a new API token."""
        c = Client(self)
        c.token = self.token(email)
        return c

    def client(self):
        return Client(self)


class Client:
    """A browser-like client: keeps the session cookie and sends the CSRF
    token on state-changing requests."""

    def __init__(self, d):
        self.d = d
        self.cookie = None
        self.csrf = None
        self.token = None
        self.user = None

    def login(self, email, password="secret-password", remember=False, expect=200):
        r = self.d.request("POST", "/api/v1/session",
                           {"email": email, "password": password, "remember": remember})
        assert r.status == expect, r
        if r.status == 200:
            cookie = r.header("Set-Cookie")
            self.cookie = cookie.split(";")[0]
            self.csrf = r.json["csrf"]
            self.user = r.json["user"]
        return r

    def request(self, method, path, body=None, headers=None, raw=None, csrf=True):
        hdrs = dict(headers or {})
        if self.cookie:
            hdrs.setdefault("Cookie", self.cookie)
        if self.token:
            hdrs.setdefault("Authorization", "Bearer " + self.token)
        if csrf and self.csrf and method not in ("GET", "HEAD"):
            hdrs.setdefault("X-CSRF-Token", self.csrf)
        return self.d.request(method, path, body=body, headers=hdrs, raw=raw)

    def get(self, path, **kw):
        return self.request("GET", path, **kw)

    def post(self, path, body=None, **kw):
        return self.request("POST", path, body=body, **kw)

    def patch(self, path, body=None, **kw):
        return self.request("PATCH", path, body=body, **kw)

    def delete(self, path, **kw):
        return self.request("DELETE", path, **kw)

    def create_ticket(self, title="Printer on fire", description="It smokes.", **extra):
        body = {"title": title, "description": description, **extra}
        r = self.post("/api/v1/tickets", body)
        assert r.status == 201, r
        return r.json["ticket"]


def response_complete(data):
    """True when data holds a whole HTTP response (head and, by
    Content-Length, body)."""
    head, _, body = data.partition(b"\r\n\r\n")
    m = re.search(rb"(?im)^content-length:\s*(\d+)", head)
    return m is None or len(body) >= int(m.group(1))


def parse_raw_response(data):
    """(status, {lower-case header: value}, body bytes) of a raw answer."""
    head, _, body = data.partition(b"\r\n\r\n")
    lines = head.decode("latin-1").split("\r\n")
    status = int(lines[0].split()[1])
    headers = {}
    for line in lines[1:]:
        k, _, v = line.partition(":")
        headers[k.strip().lower()] = v.strip()
    return status, headers, body


def wait_for(pred, timeout=10.0, interval=0.01, what="condition"):
    """Polls pred until it returns something true; returns that."""
    deadline = time.monotonic() + timeout
    while True:
        v = pred()
        if v:
            return v
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out after {timeout}s waiting for {what}")
        time.sleep(interval)


# The cast of most suites: two organisations, customers of both kinds in
# each, an agent and an admin. Keys are short names for Deskd.login.
CAST = {
    "alice": ("alice@acme.example", "Alice Acme", "customer", "Acme"),
    "bob": ("bob@acme.example", "Bob Acme", "customer", "Acme"),
    "olga": ("olga@acme.example", "Olga Acme", "org-customer", "Acme"),
    "gina": ("gina@globex.example", "Gina Globex", "customer", "Globex"),
    "gus": ("gus@globex.example", "Gus Globex", "org-customer", "Globex"),
    "agent": ("agent@deskd.example", "Ann Agent", "agent", None),
    "admin": ("admin@deskd.example", "Adam Admin", "admin", None),
}


def sanitized(pid):
    """True when process pid runs under the address sanitizer (whose
    quarantine keeps freed memory: no memory measure then)."""
    with open(f"/proc/{pid}/maps") as f:
        return "libasan" in f.read()


def rss_anon_kb(pid):
    """The process's own memory (not file mappings such as LMDB's), in KiB."""
    with open(f"/proc/{pid}/status") as f:
        for line in f:
            if line.startswith("RssAnon:"):
                return int(line.split()[1])
    return None


def email_of(who):
    return CAST[who][0]


def world(config=FAST_CONFIG, start=True):
    """A Deskd with the organisations and users of CAST, started."""
    d = Deskd(config=config)
    try:
        d.add_org("Acme")
        d.add_org("Globex")
        d.users = {}
        for key, (email, name, role, org) in CAST.items():
            d.users[key] = d.add_user(email, name, role, org)
        if start:
            d.start()
    except BaseException:
        d.close()
        raise
    return d


def ctl_refused(d, args, rc, message, input=None):
    """A deskctl command that must fail with rc and message and leave the
    dump as it was."""
    before = d.ctl("dump").stdout
    p = d.ctl(*args, input=input, check=False)
    assert p.returncode == rc, (args, p.returncode, p.stdout, p.stderr)
    assert message.lower() in p.stderr.lower(), (args, message, p.stderr)
    assert p.stdout == "", (args, p.stdout)
    assert d.ctl("dump").stdout == before, f"deskctl {args} changed the data"
    return p


def check_error(r, status, code=None, field=None):
    """Asserts r is an error answer of the given status in deskd's format:
    {"error": {"code", "message"[, "field"]}} and the security headers."""
    assert r.status == status, f"expected {status}, got {r!r}"
    check_security_headers(r)
    assert (r.header("Content-Type") or "").startswith("application/json"), r.headers
    assert isinstance(r.json, dict) and set(r.json) == {"error"}, r
    e = r.json["error"]
    assert isinstance(e, dict), r
    assert set(e) <= {"code", "message", "field"}, r
    assert isinstance(e.get("code"), str) and e["code"], r
    assert isinstance(e.get("message"), str) and e["message"], r
    if "field" in e:
        assert isinstance(e["field"], str) and e["field"], r
    if code is not None:
        assert e["code"] == code, f"expected code {code}, got {r!r}"
    if field is not None:
        assert e.get("field") == field, f"expected field {field}, got {r!r}"
    return e


def check_security_headers(r):
    assert r.header("X-Content-Type-Options") == "nosniff", r.headers
    csp = r.header("Content-Security-Policy")
    assert csp and "default-src" in csp, r.headers


def msgpack_decode(data):
    """Decodes one MessagePack value (the subset deskd writes); raises on
    trailing bytes."""
    v, pos = _mp(data, 0)
    if pos != len(data):
        raise ValueError(f"{len(data) - pos} bytes after the value")
    return v


def _mp(b, i):
    t = b[i]
    i += 1
    if t <= 0x7f:
        return t, i
    if t >= 0xe0:
        return t - 0x100, i
    if 0x80 <= t <= 0x8f:
        return _mp_map(b, i, t & 0x0f)
    if 0x90 <= t <= 0x9f:
        return _mp_array(b, i, t & 0x0f)
    if 0xa0 <= t <= 0xbf:
        n = t & 0x1f
        return b[i:i + n].decode("utf-8"), i + n
    fixed = {0xcc: ">B", 0xcd: ">H", 0xce: ">I", 0xcf: ">Q", 0xd0: ">b", 0xd1: ">h",
             0xd2: ">i", 0xd3: ">q", 0xca: ">f", 0xcb: ">d"}
    if t in fixed:
        n = struct.calcsize(fixed[t])
        return struct.unpack(fixed[t], b[i:i + n])[0], i + n
    if t == 0xc0:
        return None, i
    if t == 0xc2:
        return False, i
    if t == 0xc3:
        return True, i
    lens = {0xd9: ">B", 0xda: ">H", 0xdb: ">I", 0xc4: ">B", 0xc5: ">H", 0xc6: ">I",
            0xdc: ">H", 0xdd: ">I", 0xde: ">H", 0xdf: ">I"}
    if t in lens:
        m = struct.calcsize(lens[t])
        n = struct.unpack(lens[t], b[i:i + m])[0]
        i += m
        if t in (0xd9, 0xda, 0xdb):
            return b[i:i + n].decode("utf-8"), i + n
        if t in (0xc4, 0xc5, 0xc6):
            return bytes(b[i:i + n]), i + n
        if t in (0xdc, 0xdd):
            return _mp_array(b, i, n)
        return _mp_map(b, i, n)
    raise ValueError(f"unsupported msgpack type byte 0x{t:02x}")


def _mp_map(b, i, n):
    out = {}
    for _ in range(n):
        k, i = _mp(b, i)
        v, i = _mp(b, i)
        out[k] = v
    return out, i


def _mp_array(b, i, n):
    out = []
    for _ in range(n):
        v, i = _mp(b, i)
        out.append(v)
    return out, i


class Skip(Exception):
    """Raised by a test that cannot run yet; reported as TAP SKIP."""


_tests = []


def test(fn):
    """Registers a test case (a function taking no arguments)."""
    _tests.append(fn)
    return fn


def run():
    """Runs every registered case in order and reports TAP; exits non-zero
    when any failed."""
    print(f"1..{len(_tests)}", flush=True)
    failed = 0
    for i, fn in enumerate(_tests, 1):
        name = fn.__name__
        try:
            fn()
            print(f"ok {i} - {name}", flush=True)
        except Skip as e:
            print(f"ok {i} - {name} # SKIP {e}", flush=True)
        except Exception:
            failed += 1
            print(f"not ok {i} - {name}", flush=True)
            for line in traceback.format_exc().splitlines():
                print("# " + line, flush=True)
    sys.exit(1 if failed else 0)

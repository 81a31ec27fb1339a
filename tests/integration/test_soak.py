"""No leaks: a bounded soak of mixed load (reads, searches, lists, exports,
new tickets, replies, uploads and downloads; keep-alive connections and a
new connection per request, some dropped without reading the answer)
leaves deskd's own memory (RssAnon) flat between the first and the second
half of the load, and its open file descriptors back where they were once
the load stops. Under the address sanitizer (whose quarantine keeps freed
memory) the memory measure is left out: the leak check at exit, which
fails the stop, covers it."""

import hashlib
import http.client
import json
import os
import random
import socket
import threading
import time
import urllib.parse

from harness import rss_anon_kb, run, sanitized, test, wait_for, world

HALF_SECONDS = int(os.environ.get("SOAK_HALF_SECONDS", 30))
WORDS = ("printer", "network", "invoice", "laptop", "password", "server", "backup", "café")


def fd_count(pid):
    return len(os.listdir(f"/proc/{pid}/fd"))


def worker(port, token, staff, stop, errors, counts, seed, refs, lock):
    rng = random.Random(seed)
    keep = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
    hdr = {"Authorization": "Bearer " + token}

    def call(method, path, body=None, raw=None, ctype="application/json", fresh=False):
        nonlocal keep
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60) if fresh else keep
        h = dict(hdr)
        data = json.dumps(body).encode() if body is not None else raw
        if data is not None:
            h["Content-Type"] = ctype
        try:
            conn.request(method, path, body=data, headers=h)
            r = conn.getresponse()
            payload = r.read()
        finally:
            if fresh:
                conn.close()
        return r.status, payload

    try:
        i = 0
        while not stop.is_set():
            i += 1
            with lock:
                ref = rng.choice(refs)
            fresh = rng.random() < 0.3
            op = rng.random()
            if op < 0.25:
                s, p = call("GET", f"/api/v1/tickets/{ref}", fresh=fresh)
                want = 200
            elif op < 0.40:
                q = urllib.parse.quote(rng.choice(WORDS) + rng.choice(("", "*")))
                s, p = call("GET", f"/api/v1/tickets?view=all&q={q}", fresh=fresh)
                want = 200
            elif op < 0.52:
                status = rng.choice(("", "&status=new", "&sort=oldest", "&priority=P3"))
                s, p = call("GET", f"/api/v1/tickets?view=all&limit=50{status}", fresh=fresh)
                want = 200
            elif op < 0.57:
                fmt = rng.choice(("csv", "xlsx"))
                s, p = call("GET", f"/api/v1/tickets/export?format={fmt}&view=all", fresh=fresh)
                want = 200
            elif op < 0.67:
                body = {"title": f"Soak {seed}-{i} {rng.choice(WORDS)}",
                        "description": " ".join(rng.choice(WORDS) for _ in range(20))}
                if staff:
                    body["requester"] = "alice@acme.example"
                s, p = call("POST", "/api/v1/tickets", body, fresh=fresh)
                want = 201
                if s == 201:
                    with lock:
                        refs.append(json.loads(p)["ticket"]["ref"])
            elif op < 0.82:
                s, p = call("POST", f"/api/v1/tickets/{ref}/comments",
                            {"body": f"Soak reply {i}: " + rng.choice(WORDS) * 20}, fresh=fresh)
                want = 201
            elif op < 0.90:
                # a file goes on one's own reply
                s, p = call("POST", f"/api/v1/tickets/{ref}/comments",
                            {"body": f"File {i} attached."}, fresh=fresh)
                assert s == 201, (s, p[:300])
                seq = json.loads(p)["ticket"]["timeline"][-1]["seq"]
                data = os.urandom(rng.randrange(1, 200_000))
                q = urllib.parse.urlencode({"filename": f"s{i}.bin", "event": seq})
                s, p = call("POST", f"/api/v1/tickets/{ref}/attachments?{q}", raw=data,
                            ctype="application/octet-stream", fresh=fresh)
                want = 201
                if s == 201:
                    a = json.loads(p)["attachment"]
                    assert a["sha256"] == hashlib.sha256(data).hexdigest()
                    s, got = call("GET", a["url"], fresh=fresh)
                    assert s != 200 or got == data, a
                    want = 200
            elif op < 0.95:
                s, p = call("GET", "/api/v1/me", fresh=fresh)
                want = 200
            else:
                # a client that goes away: half a request, or a request
                # whose answer it does not wait for
                sock = socket.create_connection(("127.0.0.1", port), timeout=10)
                if rng.random() < 0.5:
                    sock.sendall(b"GET /api/v1/tickets HTTP/1.1\r\nHost: x\r\n")
                else:
                    sock.sendall(f"GET /api/v1/tickets/{ref} HTTP/1.1\r\nHost: x\r\n"
                                 f"Authorization: Bearer {token}\r\n\r\n".encode())
                sock.close()
                s = want = 0
            assert s == want, (op, s, p[:300])
            with lock:
                counts[0] += 1
    except BaseException as e:  # noqa: B036 -- reported by the test
        errors.append(e)
    finally:
        keep.close()


@test
def test_mixed_load_leaves_memory_and_descriptors_flat():
    d = world()
    try:
        pid = d.proc.pid
        asan = sanitized(pid)
        alice = d.login("alice")
        tokens = [(d.token("alice"), False), (d.token("agent"), True),
                  (d.token("alice"), False), (d.token("agent"), True)]
        refs = [alice.create_ticket(f"Seed {i} {WORDS[i % len(WORDS)]}", "Seed ticket.")["ref"]
                for i in range(20)]
        lock, stop, errors, counts = threading.Lock(), threading.Event(), [], [0]

        def load(seconds):
            stop.clear()
            threads = [threading.Thread(target=worker, args=(d.port, tok, staff, stop, errors,
                                                             counts, k, refs, lock))
                       for k, (tok, staff) in enumerate(tokens)]
            for t in threads:
                t.start()
            time.sleep(seconds)
            stop.set()
            for t in threads:
                t.join(timeout=120)
            assert not any(t.is_alive() for t in threads), "a client hung"
            assert not errors, errors[:3]

        def settle():
            """Idle: every connection closed by deskd; the fd count."""
            return wait_for(lambda: fd_count(pid) if fd_count(pid) <= fds0 else None,
                            timeout=30, interval=0.2, what=f"descriptors back to {fds0}")

        # warm up: caches, pools and the map reach their working size
        fds0 = None
        fds0 = fd_count(pid)
        load(HALF_SECONDS / 3)
        settle()
        rss0 = rss_anon_kb(pid)
        n0 = counts[0]
        load(HALF_SECONDS)
        fds1, rss1, n1 = settle(), rss_anon_kb(pid), counts[0]
        load(HALF_SECONDS)
        fds2, rss2, n2 = settle(), rss_anon_kb(pid), counts[0]
        print(f"# fds {fds0} {fds1} {fds2}; RssAnon KiB {rss0} {rss1} {rss2}; "
              f"requests {n1 - n0} + {n2 - n1}; {len(refs)} tickets"
              + (" (sanitized: memory not measured)" if asan else ""), flush=True)
        assert n2 - n1 > 100 and n1 - n0 > 100, (n0, n1, n2)
        assert fds1 <= fds0 and fds2 <= fds0, (fds0, fds1, fds2)
        if not asan:
            # the second half grows no more than the first did, within a
            # small slack for the data the load added (more tickets)
            slack = 2048
            assert rss2 - rss1 <= max(rss1 - rss0, 0) + slack, (rss0, rss1, rss2)
            assert rss2 - rss0 <= 8192, (rss0, rss1, rss2)
        assert d.request("GET", "/healthz").status == 200
        d.stop()  # under the sanitizers: fails on a leak
        assert d.ctl("verify", check=False).returncode == 0
    finally:
        d.close()


if __name__ == "__main__":
    run()

"""Crash consistency: deskd killed (SIGKILL) at random moments under a mixed
load of new tickets, comments, status changes and uploads from several
clients, and started again, many times over. Afterwards every change that
was acknowledged is there (the ticket with its title, the comment in the
timeline, the status or a later one, the file with the same bytes),
nothing is half-written (deskctl verify passes after every kill), and the
outbox lost no message and sent none twice under a new Message-ID: every
acknowledged ticket's confirmation and every acknowledged public reply's
notification reached the (real, loopback) SMTP server under exactly one
Message-ID, a message sent again after a crash carrying the same bytes."""

import hashlib
import http.client
import json
import os
import random
import signal
import threading
import time
import urllib.parse

from harness import FAST_CONFIG, run, sanitized, test, wait_for, world
from smtp import SmtpServer

ROUNDS = 22
STATUSES = ("in_progress", "waiting_for_customer")
ALICE = "alice@acme.example"


class Conn:
    """One keep-alive connection authenticating with a token; any failure
    (deskd killed under it) raises OSError or HTTPException."""

    def __init__(self, port, token):
        self.c = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
        self.token = token

    def send(self, method, path, body=None, raw=None, ctype="application/json"):
        data = json.dumps(body).encode() if body is not None else raw
        hdrs = {"Authorization": "Bearer " + self.token}
        if data is not None:
            hdrs["Content-Type"] = ctype
        self.c.request(method, path, body=data, headers=hdrs)
        r = self.c.getresponse()
        payload = r.read()
        return r.status, (json.loads(payload) if payload and
                          r.getheader("Content-Type", "").startswith("application/json")
                          else payload)

    def close(self):
        self.c.close()


class Load:
    """What the clients were told succeeded, across every round."""

    def __init__(self):
        self.lock = threading.Lock()
        self.tickets = {}    # ref -> title (acknowledged creates)
        self.comments = []   # (ref, body) acknowledged public replies by support
        self.files = []      # (ref, url, sha256, size)
        # ref -> [(status, acknowledged)] in the order they were sent, by
        # the one client that changes statuses
        self.statuses = {}
        self.sent_titles = set()
        self.sent_bodies = set()

    def refs(self):
        with self.lock:
            return list(self.tickets)


def run_round(d, load, tokens, rnd, status_refs, stop):
    """Starts the clients of one round; returns their threads."""
    port = d.port
    rng = random.Random(rnd)

    def creator(k):
        c = Conn(port, tokens["alice"])
        try:
            for i in range(10_000):
                if stop.is_set():
                    return
                title = f"Crash {rnd}-{k}-{i}"
                with load.lock:
                    load.sent_titles.add(title)
                s, a = c.send("POST", "/api/v1/tickets", {"title": title,
                                                          "description": "Round " + str(rnd)})
                if s == 201:
                    with load.lock:
                        load.tickets[a["ticket"]["ref"]] = title
                else:
                    raise AssertionError(f"create answered {s} {a!r}")
        except (OSError, http.client.HTTPException):
            pass
        finally:
            c.close()

    def replier():
        c = Conn(port, tokens["agent"])
        try:
            for i in range(10_000):
                if stop.is_set():
                    return
                refs = load.refs()
                if not refs:
                    time.sleep(0.01)
                    continue
                ref, body = rng.choice(refs), f"Reply {rnd}-{i} {rng.getrandbits(48):012x}"
                with load.lock:
                    load.sent_bodies.add(body)
                s, a = c.send("POST", f"/api/v1/tickets/{ref}/comments", {"body": body})
                if s == 201:
                    with load.lock:
                        load.comments.append((ref, body))
                else:
                    raise AssertionError(f"comment answered {s} {a!r}")
        except (OSError, http.client.HTTPException):
            pass
        finally:
            c.close()

    def mover():
        c = Conn(port, tokens["agent"])
        try:
            for i in range(10_000):
                if stop.is_set():
                    return
                ref = status_refs[i % len(status_refs)]
                with load.lock:
                    moves = load.statuses[ref]
                    to = STATUSES[(len(moves) + rnd) % 2]
                    moves.append([to, False])
                s, a = c.send("POST", f"/api/v1/tickets/{ref}/actions",
                              {"action": "set_status", "status": to})
                if s == 200:
                    assert a["ticket"]["status"] == to, a
                    with load.lock:
                        moves[-1][1] = True
                elif not (s == 409 and a["error"]["code"] == "no_change"):
                    # (no_change: the status was set by a request whose
                    # answer a kill cut off)
                    raise AssertionError(f"set_status answered {s} {a!r}")
        except (OSError, http.client.HTTPException):
            pass
        finally:
            c.close()

    def uploader():
        c = Conn(port, tokens["alice"])
        try:
            for i in range(10_000):
                if stop.is_set():
                    return
                refs = load.refs()
                if not refs:
                    time.sleep(0.01)
                    continue
                ref = rng.choice(refs)
                data = os.urandom(rng.randrange(1, 96_000))
                q = urllib.parse.urlencode({"filename": f"f{rnd}-{i}.bin", "event": 1})
                s, a = c.send("POST", f"/api/v1/tickets/{ref}/attachments?{q}", raw=data,
                              ctype="application/octet-stream")
                if s == 201:
                    assert a["attachment"]["sha256"] == hashlib.sha256(data).hexdigest()
                    with load.lock:
                        load.files.append((ref, a["attachment"]["url"],
                                           hashlib.sha256(data).hexdigest(), len(data)))
                else:
                    raise AssertionError(f"upload answered {s} {a!r}")
        except (OSError, http.client.HTTPException):
            pass
        finally:
            c.close()

    threads = [threading.Thread(target=creator, args=(k,)) for k in range(2)]
    threads += [threading.Thread(target=f) for f in (replier, mover, uploader)]
    errors = []

    def guarded(t):
        inner = t._target

        def go(*a):
            try:
                inner(*a)
            except BaseException as e:  # an answer no client should get
                errors.append(e)
        t._target = go
    for t in threads:
        guarded(t)
        t.start()
    return threads, errors


def check_status(agent, load, ref):
    """The ticket's status is the last acknowledged one or one asked for
    after it (which may have been written without its answer arriving)."""
    with load.lock:
        moves = [tuple(m) for m in load.statuses[ref]]
    acked = [i for i, (_, ok) in enumerate(moves) if ok]
    allowed = {s for s, _ in moves[acked[-1]:]} if acked else set(STATUSES) | {"new"}
    r = agent.get(f"/api/v1/tickets/{ref}")
    assert r.status == 200, (ref, r)
    assert r.json["ticket"]["status"] in allowed, (ref, r.json["ticket"]["status"], moves[-4:])


def check_acknowledged(d, load, agent, with_bytes):
    """Every acknowledged ticket, reply and file is there."""
    with load.lock:
        tickets, comments, files = dict(load.tickets), list(load.comments), list(load.files)
    bodies = {}
    for ref, body in comments:
        bodies.setdefault(ref, set()).add(body)
    attached = {}
    for ref, url, sha, size in files:
        attached.setdefault(ref, {})[url] = (sha, size)
    for ref, title in tickets.items():
        r = agent.get(f"/api/v1/tickets/{ref}")
        assert r.status == 200, (ref, r)
        t = r.json["ticket"]
        assert t["title"] == title, (ref, t["title"], title)
        said = {e.get("body") for e in t["timeline"] if e.get("kind") == "comment"}
        lost = bodies.get(ref, set()) - said
        assert not lost, (ref, "acknowledged replies lost", lost)
        listed = {a["url"]: (a["sha256"], a["size"])
                  for e in t["timeline"] for a in e.get("attachments") or []}
        for url, want in attached.get(ref, {}).items():
            assert listed.get(url) == want, (ref, url, want, listed.get(url))
    assert set(bodies) <= set(tickets), "a reply on a ticket never acknowledged"
    if with_bytes:
        for ref, url, sha, size in files:
            g = agent.get(url)
            assert g.status == 200 and len(g.data) == size, (url, g)
            assert hashlib.sha256(g.data).hexdigest() == sha, url


def kind_of(m, load):
    """The notification a delivered message is: ("confirm", ref) or
    ("reply", body); None for others (status news)."""
    subject, text = str(m["Subject"]), m.text()
    ref = subject[1:subject.index("]")] if subject.startswith("[") else None
    if ref and f"Request {ref} has been registered" in text:
        return ("confirm", ref)
    for line in text.splitlines():
        line = line.strip()
        if line.startswith("Reply ") and line in load.sent_bodies:
            return ("reply", line)
    return None


@test
def test_acknowledged_changes_survive_repeated_kills():
    with SmtpServer() as smtp:
        d = world(config=FAST_CONFIG + smtp.config(parallel=2))
        try:
            asan = sanitized(d.proc.pid)
            tokens = {"alice": d.token("alice"), "agent": d.token("agent")}
            alice, agent = d.login("alice"), d.login("agent")
            load = Load()
            status_refs = []
            for i in range(4):
                t = alice.create_ticket(f"Moving {i}", "Its status changes.")
                status_refs.append(t["ref"])
                load.tickets[t["ref"]] = t["title"]
                load.statuses[t["ref"]] = []
            rng = random.Random(7)
            kills, started = 0, time.monotonic()
            for rnd in range(ROUNDS):
                stop = threading.Event()
                threads, errors = run_round(d, load, tokens, rnd, status_refs, stop)
                # a random moment: early in the first commits, or well into the load
                time.sleep(rng.uniform(0.05, 1.0) * (2.0 if asan else 1.0))
                d.stop(sig=signal.SIGKILL, expect_clean=False)
                kills += 1
                stop.set()
                for t in threads:
                    t.join(timeout=60)
                assert not any(t.is_alive() for t in threads), "a client hung"
                assert not errors, errors
                # nothing half-written: the data directory checks out as it
                # was left
                v = d.ctl("verify", check=False)
                assert v.returncode == 0, (rnd, v.stdout[-2000:], v.stderr[-2000:])
                d.start()
                agent = d.login("agent")
                with load.lock:
                    this_round = {ref for ref, title in load.tickets.items()
                                  if title.startswith(f"Crash {rnd}-")}
                for ref in this_round:
                    r = agent.get(f"/api/v1/tickets/{ref}")
                    assert r.status == 200, (rnd, ref, r)
                for ref in status_refs:
                    check_status(agent, load, ref)
            print(f"# {kills} kills in {time.monotonic() - started:.1f} s: "
                  f"{len(load.tickets)} tickets, {len(load.comments)} replies, "
                  f"{len(load.files)} files, "
                  f"{sum(ok for m in load.statuses.values() for _, ok in m)} status changes "
                  "acknowledged", flush=True)
            assert kills >= 20
            assert len(load.tickets) > len(status_refs) and load.comments and load.files

            check_acknowledged(d, load, agent, with_bytes=True)
            for ref in status_refs:
                check_status(agent, load, ref)
            # the data as a whole is still writable
            ref = alice.create_ticket("After the crashes", "Still here.")["ref"]
            load.tickets[ref] = "After the crashes"

            # drain the outbox: every acknowledged ticket's confirmation and
            # every acknowledged reply's notification arrives
            with load.lock:
                want = {("confirm", ref) for ref in load.tickets} | \
                       {("reply", body) for _, body in load.comments}

            def delivered():
                with smtp.lock:
                    msgs = list(smtp.messages)
                got = {}
                for m in msgs:
                    k = kind_of(m, load)
                    if k:
                        got.setdefault(k, []).append(m)
                return got if want <= set(got) else None
            got = wait_for(delivered, timeout=120, interval=0.2, what="the outbox to drain")
            wait_for(lambda: not [l for l in d.ctl("mail", "list", "--json").stdout.splitlines()
                                  if l.strip()], timeout=60, interval=0.2, what="an empty outbox")
            failed = d.ctl("mail", "list", "--json", "--failed").stdout.strip()
            assert failed == "", failed
            got = delivered()
            resent = 0
            for k, msgs in got.items():
                ids = {str(m["Message-ID"]) for m in msgs}
                # sent again after a crash: the same message, not a new one
                assert len(ids) == 1, (k, "notified under several Message-IDs", ids)
                assert all(m.rcpt_tos == [ALICE] for m in msgs), (k, [m.rcpt_tos for m in msgs])
                assert len({m.data for m in msgs}) == 1, (k, "sent again with other bytes")
                resent += len(msgs) - 1
            print(f"# {len(want)} notifications checked, {resent} sent again after a kill",
                  flush=True)
            # and whatever else was delivered (status news) was never sent
            # under two Message-IDs with the same bytes either
            with smtp.lock:
                by_id = {}
                for m in smtp.messages:
                    by_id.setdefault(str(m["Message-ID"]), set()).add(m.data)
            assert all(len(v) == 1 for v in by_id.values()), \
                [k for k, v in by_id.items() if len(v) > 1][:3]
            d.stop()  # under the sanitizers: no leak, no error at exit
            v = d.ctl("verify", check=False)
            assert v.returncode == 0, (v.stdout[-2000:], v.stderr[-2000:])
        finally:
            d.close()


if __name__ == "__main__":
    run()

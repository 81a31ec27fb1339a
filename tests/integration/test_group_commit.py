"""Group commit: the writes of many requests arriving together share one
durable commit, every reply waits for the commit that holds its change
(so a change acknowledged is never lost, even when deskd is killed), and
one request that fails leaves the others of its batch standing."""

import http.client
import json
import re
import signal
import threading

from harness import run, test, world

N_CLIENTS, PER_CLIENT = 32, 8


def counter(d, name):
    r = d.request("GET", "/metrics")
    assert r.status == 200, r
    m = re.search(rf"^{name} (\d+)$", r.body, re.M)
    assert m, (name, r.body[:400])
    return int(m.group(1))


def hammer(d, token, make_body, per_client=PER_CLIENT, n_clients=N_CLIENTS, stop=None):
    """n_clients keep-alive connections each sending per_client POSTs at
    once; returns [(status, answer)] of every reply that came."""
    answers, lock, start = [], threading.Lock(), threading.Barrier(n_clients)

    def client(k):
        conn = http.client.HTTPConnection("127.0.0.1", d.port, timeout=60)
        start.wait()
        try:
            for i in range(per_client):
                if stop and stop.is_set():
                    return
                body = json.dumps(make_body(k, i))
                conn.request("POST", "/api/v1/tickets", body=body, headers={
                    "Authorization": "Bearer " + token, "Content-Type": "application/json"})
                r = conn.getresponse()
                data = r.read()
                with lock:
                    answers.append((r.status, json.loads(data) if data else None))
        except (OSError, http.client.HTTPException):
            pass  # deskd was killed under it
        finally:
            conn.close()
    threads = [threading.Thread(target=client, args=(k,)) for k in range(n_clients)]
    for t in threads:
        t.start()
    return threads, answers


@test
def test_writes_arriving_together_share_a_commit():
    d = world()
    try:
        token = d.token("alice")
        commits, writes = counter(d, "deskd_store_commits_total"), \
            counter(d, "deskd_store_committed_writes_total")
        threads, answers = hammer(d, token, lambda k, i: {"title": f"Load {k}-{i}",
                                                          "description": "x"})
        for t in threads:
            t.join()
        assert len(answers) == N_CLIENTS * PER_CLIENT, len(answers)
        assert all(s == 201 for s, _ in answers), [a for a in answers if a[0] != 201][:3]
        # each reply already shows its own ticket (read from the batch)
        assert all(a["ticket"]["title"].startswith("Load ") for _, a in answers)
        made = counter(d, "deskd_store_committed_writes_total") - writes
        fsyncs = counter(d, "deskd_store_commits_total") - commits
        assert made >= N_CLIENTS * PER_CLIENT, made
        # concurrent writers were grouped: far fewer commits than writes
        assert fsyncs < made, (fsyncs, made)
        print(f"# {made} writes in {fsyncs} commits", flush=True)
        r = d.login("alice").get("/api/v1/tickets?view=all&limit=1")
        assert sum(r.json["counts"]["priority"].values()) == N_CLIENTS * PER_CLIENT
        assert d.ctl("verify", check=False).returncode == 0
    finally:
        d.close()


@test
def test_a_failing_write_leaves_the_rest_of_its_batch():
    d = world()
    try:
        token = d.token("agent")
        # every third registration names no customer: refused inside the
        # transaction, the others of the same commit stay
        def body(k, i):
            who = "nobody@nowhere.example" if (k + i) % 3 == 0 else "alice@acme.example"
            return {"title": f"Phone {k}-{i}", "description": "called", "requester": who}
        threads, answers = hammer(d, token, body)
        for t in threads:
            t.join()
        ok = [a for s, a in answers if s == 201]
        bad = [(s, a) for s, a in answers if s != 201]
        assert len(ok) + len(bad) == N_CLIENTS * PER_CLIENT
        assert bad and all(s in (404, 422) for s, _ in bad), bad[:3]
        assert len(ok) == sum(1 for k in range(N_CLIENTS) for i in range(PER_CLIENT)
                              if (k + i) % 3 != 0), len(ok)
        r = d.login("agent").get("/api/v1/tickets?view=all&limit=1")
        assert sum(r.json["counts"]["priority"].values()) == len(ok), r.json["counts"]
        assert d.ctl("verify", check=False).returncode == 0
    finally:
        d.close()


@test
def test_what_was_acknowledged_survives_a_kill():
    d = world()
    try:
        token = d.token("alice")
        stop = threading.Event()
        threads, answers = hammer(d, token, lambda k, i: {"title": f"Kept {k}-{i}",
                                                          "description": "y"},
                                  per_client=200, stop=stop)
        # kill deskd in the middle of the load
        while len(answers) < 100:
            threads[0].join(timeout=0.01)
        d.stop(sig=signal.SIGKILL, expect_clean=False)
        stop.set()
        for t in threads:
            t.join()
        acknowledged = {a["ticket"]["ref"] for s, a in answers if s == 201}
        assert len(acknowledged) >= 100, len(acknowledged)
        d.start()
        agent = d.login("agent")
        for ref in acknowledged:
            r = agent.get(f"/api/v1/tickets/{ref}")
            assert r.status == 200, (ref, r)
        assert d.ctl("verify", check=False).returncode == 0
    finally:
        d.close()


if __name__ == "__main__":
    run()

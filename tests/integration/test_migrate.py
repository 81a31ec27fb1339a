"""Schema migration: a data directory written by the first deskd (schema
version 1, tests/fixtures/schema1) is upgraded by deskctl migrate, or by
deskd opening it, and every record of it is still there."""

import fcntl
import json
import os
import shutil
import subprocess

from harness import DESKCTL, Deskd, PASSWORD, check_error, run, test

SOURCE = os.environ.get("DESKD_SOURCE", ".")
FIXTURE = os.path.join(SOURCE, "tests", "fixtures", "schema1")


def old_records():
    with open(os.path.join(FIXTURE, "records.jsonl")) as f:
        return [json.loads(line) for line in f if line.strip()]


def old_token():
    with open(os.path.join(FIXTURE, "api-token")) as f:
        return f.read().strip()


def fixture_copy():
    """A Deskd whose data directory is a copy of the old one."""
    d = Deskd(init=False)
    os.makedirs(d.data, mode=0o700)
    shutil.copyfile(os.path.join(FIXTURE, "data.mdb"), os.path.join(d.data, "data.mdb"))
    return d


def schema(d):
    """The stored schema version, read without deskd's code (which may
    upgrade what it opens)."""
    meta = subprocess.run(["mdb_dump", "-s", "meta", d.data], capture_output=True, text=True,
                          check=True).stdout.splitlines()
    return int(meta[meta.index(" " + b"schema".hex()) + 1], 16)


def same_as_before(d):
    """Every old record is in the dump with the values it had; fields added
    since carry their defaults."""
    new = d.dump()
    def key(r):
        if r["kind"] == "event":
            return ("event", r["ticket_id"], r["seq"])
        if r["kind"] == "session":
            return ("session", r["key"])
        return (r["kind"], r.get("id"))
    have = {key(r): r for r in new}
    for old in old_records():
        if old["kind"] == "session" and old["session_kind"] == "browser":
            continue  # long expired; deskd may have removed them
        got = have.get(key(old))
        assert got is not None, f"{key(old)} is missing after the upgrade"
        for field, value in old.items():
            if field in got:
                assert got[field] == value, (key(old), field, value, got[field])
    return new


def check_served(d):
    """deskd serves the old data: sign-ins, timelines, lists and counts."""
    alice = d.login("alice@acme.example", PASSWORD)
    agent = d.login("agent@deskd.example", PASSWORD)
    events = {}
    for r in old_records():
        if r["kind"] == "event":
            events.setdefault(r["ticket_id"], []).append(r)
    tickets = [r for r in old_records() if r["kind"] == "ticket"]
    for t in tickets:
        ref = f"HD-{t['id']}"
        r = agent.get(f"/api/v1/tickets/{ref}")
        assert r.status == 200, r
        got = r.json["ticket"]
        assert (got["title"], got["priority"], got["status"]) == (
            t["title"], f"P{t['priority']}", t["status"]), got
        assert [e["seq"] for e in got["timeline"]] == [e["seq"] for e in events[t["id"]]]
        assert [e.get("body") for e in got["timeline"]] == [
            e["body"] for e in events[t["id"]]], got["timeline"]
    mine = alice.get("/api/v1/tickets?view=all")
    assert mine.status == 200, mine
    assert sorted(x["ref"] for x in mine.json["tickets"]) == ["HD-10001", "HD-10002"], mine
    internal = [e for e in alice.get("/api/v1/tickets/HD-10001").json["ticket"]["timeline"]
                if e["internal"]]
    assert internal == [], "a customer sees an internal note"
    check_error(alice.get("/api/v1/tickets/HD-10003"), 404)
    everything = agent.get("/api/v1/tickets?view=all")
    assert sorted(x["ref"] for x in everything.json["tickets"]) == [
        "HD-10001", "HD-10002", "HD-10003"], everything
    # The search index was built by the upgrade from the old records.
    found = agent.get("/api/v1/tickets?view=all&q=print*")
    assert [x["ref"] for x in found.json["tickets"]] == ["HD-10001"], found
    found = alice.get("/api/v1/tickets?view=all&q=vpn")
    assert found.json["tickets"] == [], "a customer finds another organisation's ticket"
    # The old API token still works.
    r = d.request("GET", "/api/v1/me", headers={"Authorization": "Bearer " + old_token()})
    assert r.status == 200 and r.json["user"]["email"] == "gus@globex.example", r
    d.client().login("alice@acme.example", "wrong password", expect=401)


@test
def test_migrate_upgrades_the_old_fixture_and_keeps_every_record():
    d = fixture_copy()
    try:
        # Read as it is, the old database says which version it has.
        assert schema(d) == 1
        out = json.loads(d.ctl("--json", "migrate").stdout)
        current = schema(d)
        assert out["from"] == 1 and out["to"] == current and current > 1, out
        assert out["upgraded"] is True, out
        p = d.ctl("migrate")
        assert f"schema version {current} is current; nothing to do" in p.stdout, p.stdout
        assert d.ctl("verify").returncode == 0
        stats = json.loads(d.ctl("--json", "stats").stdout)["entries"]
        assert stats["tickets"] == 3 and stats["events"] == 9 and stats["users"] == 7, stats
        new = same_as_before(d)
        days = [r for r in new if r["kind"] == "day"]
        assert sum(x["opened"] for x in days) == 3, days
        d.start()
        check_served(d)
        # Counts per status of the lists are those of the records.
        agent = d.login("agent@deskd.example", PASSWORD)
        r = agent.get("/api/v1/tickets?view=open")
        assert r.status == 200 and len(r.json["tickets"]) == 3, r
        d.stop()
        assert d.ctl("verify").returncode == 0
    finally:
        d.close()


@test
def test_deskd_opens_the_old_fixture_directly():
    d = fixture_copy()
    try:
        d.start()
        check_served(d)
        d.stop()
        assert schema(d) > 1
        assert d.ctl("verify").returncode == 0
        same_as_before(d)
    finally:
        d.close()


@test
def test_migrate_refuses_what_it_cannot_upgrade():
    d = fixture_copy()
    try:
        for args in (["extra"], ["--bogus"]):
            p = d.ctl("migrate", *args, check=False)
            assert p.returncode == 2 and "usage" in p.stderr, p
        assert schema(d) == 1, "a refused migrate changed the data"
        assert "upgrade" in d.ctl("migrate", "--help").stdout
        # Not a data directory, or none at all.
        empty = os.path.join(d.dir, "empty")
        os.mkdir(empty)
        p = subprocess.run([DESKCTL, "--data", empty, "migrate"], capture_output=True, text=True)
        assert p.returncode == 1 and "not a deskd data directory" in p.stderr, p
        p = subprocess.run([DESKCTL, "--data", os.path.join(d.dir, "nowhere"), "migrate"],
                           capture_output=True, text=True)
        assert p.returncode == 1 and "does not exist" in p.stderr, p
        assert os.listdir(empty) == []
        # An (older) deskd still running on it keeps it as it is.
        with open(os.path.join(d.data, "deskd.lock"), "w") as lock:
            fcntl.flock(lock, fcntl.LOCK_EX)
            p = d.ctl("migrate", check=False)
            assert p.returncode == 1 and "another deskd is using" in p.stderr, p
            assert schema(d) == 1
        # A database of a newer deskd is refused untouched.
        d.ctl("migrate")
        meta = subprocess.run(["mdb_dump", "-s", "meta", d.data], capture_output=True,
                              text=True, check=True).stdout.splitlines()
        i = meta.index(" " + b"schema".hex())
        meta[i + 1] = " 00000063"  # 99
        subprocess.run(["mdb_load", "-s", "meta", d.data], input="\n".join(meta) + "\n",
                       text=True, check=True)
        with open(os.path.join(d.data, "data.mdb"), "rb") as f:
            before = f.read()
        p = d.ctl("migrate", check=False)
        assert p.returncode == 1 and "newer than version" in p.stderr, p
        with open(os.path.join(d.data, "data.mdb"), "rb") as f:
            assert f.read() == before
    finally:
        d.close()


if __name__ == "__main__":
    run()

"""Full disk: when the database cannot grow (its ceiling, [data]
map_size_max_mib, reached, or the filesystem full), every write is refused
with 507 no_space and a sentence saying nothing was written, and changes
nothing; reads go on; once there is room again (a higher ceiling and a
restart, or space freed) writes work again and nothing was lost."""

import hashlib
import os
import shutil
import subprocess
import tempfile
import urllib.parse

from harness import FAST_CONFIG, Deskd, Skip, check_error, run, test, world


def upload(c, ref, data, name="fill.bin", event=1):
    q = urllib.parse.urlencode({"filename": name, "event": event})
    return c.post(f"/api/v1/tickets/{ref}/attachments?{q}", raw=data,
                  headers={"Content-Type": "application/octet-stream"})


def refused(r):
    """A write refused for want of room, in deskd's error format."""
    e = check_error(r, 507, "no_space")
    assert "full" in e["message"] and "nothing was written" in e["message"], e
    return True


def probes(alice, agent, ref):
    """One of each kind of write: a new ticket, a reply, a file, a status
    change; their answers."""
    return {
        "create": alice.post("/api/v1/tickets", {"title": "One more", "description": "x" * 200}),
        "comment": agent.post(f"/api/v1/tickets/{ref}/comments", {"body": "y" * 200}),
        "upload": upload(alice, ref, os.urandom(2000), "small.bin"),
        "status": agent.post(f"/api/v1/tickets/{ref}/actions",
                             {"action": "set_status", "status": "in_progress"}),
    }


def fill(alice, agent, ref, limit=400):
    """Writes ever smaller files and replies until every probe is refused;
    returns (files stored: [(url, sha256)], bytes stored)."""
    stored, total, size = [], 0, 1 << 20
    for _ in range(limit):
        data = os.urandom(size)
        r = upload(alice, ref, data)
        if r.status == 201:
            stored.append((r.json["attachment"]["url"], hashlib.sha256(data).hexdigest()))
            total += size
            continue
        refused(r)
        if size > 256:
            size //= 2
            continue
        answers = probes(alice, agent, ref)
        if all(a.status == 507 for a in answers.values()):
            return stored, total
        # something still fit: it is stored, fill on with small replies
        for kind, a in answers.items():
            assert a.status in (200, 201, 507), (kind, a)
        r = agent.post(f"/api/v1/tickets/{ref}/comments", {"body": "z" * 2000})
        if r.status != 201:
            refused(r)
    raise AssertionError("the database never filled up")


def check_full(d, alice, agent, ref, stored):
    """Every write refused, nothing changed, reads working."""
    before = d.ctl("dump").stdout
    for kind, a in probes(alice, agent, ref).items():
        assert a.status == 507, (kind, a)
        refused(a)
    assert d.ctl("dump").stdout == before, "a refused write changed the data"
    # reads go on: the ticket, the lists, a search, a file
    r = agent.get(f"/api/v1/tickets/{ref}")
    assert r.status == 200 and r.json["ticket"]["ref"] == ref, r
    assert alice.get("/api/v1/tickets?view=all").status == 200
    assert agent.get("/api/v1/tickets?q=Fill").status == 200
    url, sha = stored[-1]
    g = alice.get(url)
    assert g.status == 200 and hashlib.sha256(g.data).hexdigest() == sha, g
    assert d.request("GET", "/healthz").status == 200
    assert [l for l in d.log_lines() if "MDB_MAP_FULL" in l or "no_space" in l], \
        "the full database was not logged"


def check_room_again(d, stored):
    alice, agent = d.login("alice"), d.login("agent")
    t = alice.create_ticket("After the full disk", "Room again.")
    r = agent.post(f"/api/v1/tickets/{t['ref']}/comments", {"body": "Answered."})
    assert r.status == 201, r
    data = os.urandom(300_000)
    r = upload(alice, t["ref"], data)
    assert r.status == 201 and r.json["attachment"]["sha256"] == hashlib.sha256(data).hexdigest()
    # what was written before the disk filled is all there
    for url, sha in stored:
        g = alice.get(url)
        assert g.status == 200 and hashlib.sha256(g.data).hexdigest() == sha, url
    assert d.ctl("verify", check=False).returncode == 0


@test
def test_database_ceiling_refuses_writes_with_507_and_keeps_reads():
    small = FAST_CONFIG + "[data]\nmap_size_max_mib = 4\n"
    d = world(config=small)
    try:
        alice, agent = d.login("alice"), d.login("agent")
        ref = alice.create_ticket("Fill the database", "With files.")["ref"]
        stored, total = fill(alice, agent, ref)
        assert stored and total < 4 << 20, total
        check_full(d, alice, agent, ref, stored)
        # a ceiling that the data already fills: deskd starts, still refuses
        # (signing in is a write too: the clients keep their sessions)
        d.restart()
        check_full(d, alice, agent, ref, stored)
        assert d.ctl("verify", check=False).returncode == 0
        # room again: a higher ceiling and a restart
        d.stop()
        with open(d.config, "w") as f:
            f.write(FAST_CONFIG + "[data]\nmap_size_max_mib = 64\n")
        d.start()
        check_room_again(d, stored)
    finally:
        d.close()


@test
def test_full_filesystem_refuses_writes_with_507_and_recovers():
    """A real full filesystem: the data directory on a small tmpfs."""
    if os.geteuid() != 0 or not shutil.which("mount"):
        raise Skip("mounting a small filesystem needs root")
    mnt = tempfile.mkdtemp(prefix="deskd-full-")
    p = subprocess.run(["mount", "-t", "tmpfs", "-o", "size=6m", "tmpfs", mnt],
                       capture_output=True, text=True)
    if p.returncode != 0:
        os.rmdir(mnt)
        raise Skip("cannot mount a tmpfs here: " + p.stderr.strip())
    d = None
    try:
        d = Deskd(config=FAST_CONFIG, init=False)
        d.data = os.path.join(mnt, "data")
        d.ctl("init")
        d.add_org("Acme")
        d.users = {"alice": d.add_user("alice@acme.example", "Alice Acme", "customer", "Acme"),
                   "agent": d.add_user("agent@deskd.example", "Ann Agent", "agent")}
        d.start()
        alice, agent = d.login("alice"), d.login("agent")
        ref = alice.create_ticket("Fill the disk", "With files.")["ref"]
        stored, total = fill(alice, agent, ref)
        assert stored, total
        check_full(d, alice, agent, ref, stored)
        # room again: the filesystem grows (as when space is freed)
        p = subprocess.run(["mount", "-o", "remount,size=64m", mnt], capture_output=True,
                           text=True)
        assert p.returncode == 0, p.stderr
        check_room_again(d, stored)
        d.stop()
    finally:
        if d is not None:
            try:
                d.stop(expect_clean=False)
            finally:
                subprocess.run(["umount", "-l", mnt], capture_output=True)
                os.rmdir(mnt)
                d.close()


if __name__ == "__main__":
    run()

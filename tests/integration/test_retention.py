"""Retention: with [data] retention_years, tickets closed longer ago than
that are purged by deskd (at start, then daily) and by deskctl purge, with
their timelines, SLA state and index entries; day counts stay."""

import json
import os
import signal
import subprocess
import time

from harness import DESKCTL, FAST_CONFIG, check_error, run, test, wait_for, world

DAY = 24 * 3600 * 1000
T0 = 1893456000000  # 2030-01-01T00:00:00Z
RETAIN = FAST_CONFIG + "[data]\nretention_years = 1\n"
FORM = {"request_type": "report_incident", "impact": 3, "urgency": 3}


class Clock:
    """deskd reading its time from a file the test moves."""

    def __init__(self, d, ms):
        self.d = d
        self.path = os.path.join(d.dir, "clock")
        self.write(ms)

    def write(self, ms):
        with open(self.path + ".tmp", "w") as f:
            f.write(f"{ms}\n")
        os.replace(self.path + ".tmp", self.path)

    def start(self):
        self.d.start(extra_args=("--clock-file", self.path))
        wait_for(lambda: self.d.log_lines("sla_timers_armed"), what="sla_timers_armed")

    def set(self, ms):
        self.write(ms)
        n = len(self.d.log_lines("clock_set"))
        self.d.proc.send_signal(signal.SIGUSR1)
        wait_for(lambda: len(self.d.log_lines("clock_set")) > n, what="clock_set")


def close(c, ref):
    r = c.post(f"/api/v1/tickets/{ref}/actions", {"action": "close"})
    assert r.status == 200, r


def refs(c, view):
    r = c.get(f"/api/v1/tickets?view={view}")
    assert r.status == 200, r
    return sorted(t["ref"] for t in r.json["tickets"])


def ids_in_dump(d):
    recs = d.dump()
    return recs, {r["id"] for r in recs if r["kind"] == "ticket"}


@test
def test_deskd_purges_tickets_closed_longer_ago_than_the_retention():
    d = world(config=RETAIN, start=False)
    clock = Clock(d, T0)
    try:
        clock.start()
        alice, agent = d.token_client("alice"), d.token_client("agent")
        old = alice.create_ticket("Old and closed", "Long ago.", **FORM)["ref"]
        r = agent.post(f"/api/v1/tickets/{old}/comments", {"body": "Done long ago."})
        assert r.status == 201, r
        close(alice, old)
        still_open = alice.create_ticket("Old and open", "Still waiting.", **FORM)["ref"]
        clock.set(T0 + 400 * DAY)
        recent = alice.create_ticket("Recent", "Closed this year.", **FORM)["ref"]
        close(alice, recent)
        # the run at start found nothing old enough
        assert [l for l in d.log_lines("retention_run") if "purged=0" in l], d.log
        assert agent.get(f"/api/v1/tickets/{old}").status == 200
        before = refs(agent, "open")
        # Two years on, at its next start deskd purges the old closed one.
        d.stop()
        clock.write(T0 + 731 * DAY)
        clock.start()
        line = wait_for(lambda: d.log_lines("retention_run"), what="retention_run")[0]
        assert "purged=1" in line and "retention_years=1" in line, line
        check_error(agent.get(f"/api/v1/tickets/{old}"), 404)
        check_error(alice.get(f"/api/v1/tickets/{old}"), 404)
        assert agent.get(f"/api/v1/tickets/{recent}").status == 200
        assert agent.get(f"/api/v1/tickets/{still_open}").status == 200
        assert old not in refs(agent, "all") and old not in refs(alice, "all")
        assert refs(agent, "open") == before == [still_open]
        recs, ids = ids_in_dump(d)
        oid = int(old.split("-")[1])
        assert oid not in ids and {int(recent.split("-")[1]),
                                   int(still_open.split("-")[1])} <= ids, ids
        assert not [r for r in recs if r["kind"] == "event" and r["ticket_id"] == oid]
        # day counts are statistics: the purged ticket is still counted
        days = [r for r in recs if r["kind"] == "day"]
        assert sum(x["opened"] for x in days) == 3 and sum(x["closed"] for x in days) == 2, days
        stats = json.loads(d.ctl("--json", "stats").stdout)["entries"]
        assert stats["tickets"] == 2 and stats["closed"] == 1, stats
        assert d.ctl("verify").returncode == 0, d.ctl("verify", check=False).stdout
        # A restart later the same day finds nothing more to purge.
        d.restart()
        line = wait_for(lambda: d.log_lines("retention_run"), what="retention_run")[0]
        assert "purged=0" in line, line
    finally:
        d.close()


@test
def test_deskd_without_retention_keeps_everything():
    d = world(start=False)
    clock = Clock(d, T0)
    try:
        clock.start()
        alice = d.token_client("alice")
        ref = alice.create_ticket("Closed", "Long ago.", **FORM)["ref"]
        close(alice, ref)
        d.stop()
        clock.write(T0 + 3650 * DAY)
        clock.start()
        assert not d.log_lines("retention_run")
        assert alice.get(f"/api/v1/tickets/{ref}").status == 200
    finally:
        d.close()


@test
def test_deskctl_purge_does_the_same_on_demand():
    # Tickets closed in 2020 by deskd's clock are years old by deskctl's.
    d = world(config=RETAIN, start=False)
    past = 1577836800000  # 2020-01-01
    clock = Clock(d, past)
    try:
        clock.start()
        alice = d.token_client("alice")
        olds = [alice.create_ticket(f"Old {i}", "2020.", **FORM)["ref"] for i in range(3)]
        for ref in olds[:2]:
            close(alice, ref)
        clock.set(int(time.time() * 1000))
        fresh = alice.create_ticket("Fresh", "Today.", **FORM)["ref"]
        close(alice, fresh)
        dump = d.ctl("dump").stdout
        p = d.ctl("purge", "--dry-run")
        assert "2 tickets closed more than 1 year ago would be purged" in p.stdout, p.stdout
        assert olds[0] in p.stdout and olds[1] in p.stdout and fresh not in p.stdout
        out = json.loads(d.ctl("--json", "purge", "--dry-run").stdout)
        assert out["tickets"] == 2 and sorted(out["refs"]) == sorted(olds[:2]), out
        assert d.ctl("dump").stdout == dump, "a dry run changed the data"
        out = json.loads(d.ctl("purge", "--json").stdout)
        assert out == {"dry_run": False, "retention_years": 1, "tickets": 2}, out
        for ref in olds[:2]:
            check_error(alice.get(f"/api/v1/tickets/{ref}"), 404)
        for ref in (olds[2], fresh):
            assert alice.get(f"/api/v1/tickets/{ref}").status == 200
        assert "0 tickets" in d.ctl("purge").stdout
        # The purged tickets' words left the search index with them.
        found = alice.get("/api/v1/tickets?view=all&q=old")
        assert [t["ref"] for t in found.json["tickets"]] == [olds[2]], found
        v = d.ctl("verify", check=False)
        assert v.returncode == 0, v.stdout
        # Without a retention setting, or with bad arguments, nothing happens.
        dump = d.ctl("dump").stdout
        for args, config, rc, msg in ((["purge"], None, 2, "retention is off"),
                                      (["purge", "--dry-run"], None, 2, "retention is off"),
                                      (["purge", "extra"], d.config, 2, "usage"),
                                      (["purge", "--years", "0"], d.config, 2, "usage")):
            cmd = ["--data", d.data] + (["--config", config] if config else []) + args
            p = subprocess.run([DESKCTL, *cmd], capture_output=True, text=True)
            assert p.returncode == rc and msg in p.stderr, (args, p)
            assert p.stdout == ""
        bad = os.path.join(d.dir, "bad.conf")
        for value in ("-1", "101", "soon", ""):
            with open(bad, "w") as f:
                f.write(f"[data]\nretention_years = {value}\n")
            p = subprocess.run([DESKCTL, "--data", d.data, "--config", bad, "purge"],
                               capture_output=True, text=True)
            assert p.returncode == 2 and "retention_years" in p.stderr, (value, p)
        assert d.ctl("dump").stdout == dump
    finally:
        d.close()


if __name__ == "__main__":
    run()

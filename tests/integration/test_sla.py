"""The SLA engine with a clock the test drives (deskd --clock-file): warnings,
breaches and automatic closing happen on time and once each, also across
restarts and clock jumps; waiting pauses the clocks; a priority change
retargets them; only a public reply by support is the first response; and
the work at start-up and per timer run does not grow with the tickets."""

import json
import os
import re
import signal
import threading

from harness import run, test, wait_for, world

T0 = 1893456000000  # 2030-01-01T00:00:00Z
MIN = 60 * 1000
HOUR = 60 * MIN
DAY = 24 * HOUR

# Around the clock, so business time is elapsed time; targets differ per
# priority so a retarget shows.
POLICY = {
    "name": "test-24x7",
    "calendar": {"time_zone": "UTC", "hours": "around_the_clock"},
    "warning_percent": 80,
    "triage": "15m",
    "targets": {
        "P1": {"first_response": "30m", "resolution": "2h"},
        "P2": {"first_response": "1h", "resolution": "4h"},
        "P3": {"first_response": "2h", "resolution": "8h"},
        "P4": {"first_response": "4h", "resolution": "16h"},
    },
}
FIRST = {"P1": 30 * MIN, "P2": HOUR, "P3": 2 * HOUR, "P4": 4 * HOUR}
RESOLVE = {"P1": 2 * HOUR, "P2": 4 * HOUR, "P3": 8 * HOUR, "P4": 16 * HOUR}


def rfc(ms):
    import datetime
    t = datetime.datetime.fromtimestamp(ms / 1000, datetime.timezone.utc)
    return t.strftime("%Y-%m-%dT%H:%M:%S.") + f"{ms % 1000:03d}Z"


class Clocked:
    """A started world whose deskd reads its time from a file."""

    def __init__(self, auto_close_days=7):
        self.d = world(start=False)
        d = self.d
        self.clock = os.path.join(d.dir, "clock")
        policy = os.path.join(d.dir, "policy.json")
        with open(policy, "w") as f:
            json.dump(POLICY, f)
        out = d.ctl("--json", "contract", "set", "Acme", "--sla-policy", policy,
                    "--auto-close-days", str(auto_close_days),
                    "--escalation", "boss@acme.example").stdout
        assert json.loads(out)["auto_close_days"] == auto_close_days
        self.now = T0
        self.write_clock(T0)
        self.start()
        self.alice = d.token_client("alice")
        self.agent = d.token_client("agent")

    def write_clock(self, ms):
        tmp = self.clock + ".tmp"
        with open(tmp, "w") as f:
            f.write(f"{ms}\n")
        os.replace(tmp, self.clock)
        self.now = ms

    def start(self):
        self.d.start(extra_args=("--clock-file", self.clock))
        # SIGUSR1 is handled once the SLA timers are armed, after listening
        wait_for(lambda: self.d.log_lines("sla_timers_armed"), what="sla_timers_armed")

    def restart(self):
        self.d.stop()
        self.start()

    def set(self, ms):
        """Moves the clock and waits until deskd has read it."""
        self.write_clock(ms)
        n = len(self.d.log_lines("clock_set"))
        self.d.proc.send_signal(signal.SIGUSR1)
        wait_for(lambda: len(self.d.log_lines("clock_set")) > n, what="clock_set")

    def ticket(self, c=None, **extra):
        body = {"title": "Printer on fire", "description": "It smokes.",
                "request_type": "report_incident", "impact": 3, "urgency": 3}
        body.update(extra)
        r = (c or self.alice).post("/api/v1/tickets", body)
        assert r.status == 201, r
        return r.full_json["ticket"]

    def get(self, ref, c=None):
        r = (c or self.agent).get(f"/api/v1/tickets/{ref}")
        assert r.status == 200, r
        return r.full_json["ticket"]

    def sla_events(self, ref, c=None):
        return [e["new"] for e in self.get(ref, c)["timeline"]
                if e["kind"] == "field" and e.get("field") == "sla"]

    def wait_events(self, ref, want):
        return wait_for(lambda: self.sla_events(ref) == want and self.sla_events(ref),
                        what=f"sla events {want}")

    def close(self):
        self.d.close()


def act(c, ref, action, **kw):
    r = c.post(f"/api/v1/tickets/{ref}/actions", {"action": action, **kw})
    assert r.status == 200, (action, r)
    return r.full_json["ticket"]


@test
def warning_and_breach_on_time_once_across_restarts_and_jumps():
    w = Clocked()
    try:
        t = w.ticket()
        ref, prio = t["ref"], t["priority"]
        first = FIRST[prio]
        sla = w.get(ref)["sla"]
        assert sla["policy"] == "test-24x7", sla
        assert sla["response"] == {"target": first, "due": rfc(T0 + first),
                                   "remaining_ms": first, "overdue_ms": 0, "warning": False,
                                   "breached": False, "state": "running"}, sla
        assert sla["resolution"]["due"] == rfc(T0 + RESOLVE[prio]), sla
        assert sla["triage"]["due"] == rfc(T0 + 15 * MIN), sla
        # customers see due times and breach states only
        mine = w.get(ref, w.alice)["sla"]
        assert set(mine["response"]) == {"due", "breached"}, mine
        # just before the warning share: nothing
        w.set(T0 + first * 8 // 10 - 1000)
        w.set(T0 + first * 8 // 10 - 500)
        assert "response_warning" not in w.sla_events(ref)
        w.set(T0 + first * 8 // 10)
        wait_for(lambda: "response_warning" in w.sla_events(ref), what="warning")
        assert w.get(ref)["sla"]["response"]["warning"] is True
        # support's eyes only
        assert w.sla_events(ref, w.alice) == []
        ev = [e for e in w.get(ref)["timeline"] if e.get("field") == "sla"][0]
        assert ev["internal"] is True and ev["actor"]["name"] == "Support", ev
        w.restart()
        w.set(T0 + first + 1000)
        wait_for(lambda: "response_breach" in w.sla_events(ref), what="breach")
        s = w.get(ref)["sla"]["response"]
        assert s["breached"] is True and s["overdue_ms"] == 1000 and s["remaining_ms"] == 0, s
        assert w.get(ref, w.alice)["sla"]["response"]["breached"] is True
        # back in time and forward again: nothing twice
        w.set(T0 + 10 * MIN)
        w.set(T0 + first + 2000)
        w.restart()
        w.set(T0 + first + 3000)
        w.d.request("GET", "/api/v1/health")
        evs = w.sla_events(ref)
        for kind in ("response_warning", "response_breach", "triage_breach"):
            assert evs.count(kind) == 1, evs
        assert "resolution_warning" not in evs
        # a jump far forward fires the rest, once
        w.set(T0 + 10 * DAY)
        wait_for(lambda: "resolution_breach" in w.sla_events(ref), what="resolution breach")
        evs = w.sla_events(ref)
        assert sorted(evs) == sorted(["triage_breach", "response_warning", "response_breach",
                                      "resolution_warning", "resolution_breach"]), evs
    finally:
        w.close()


@test
def resolved_ticket_closes_after_the_contract_days_once():
    w = Clocked(auto_close_days=7)
    try:
        ref = w.ticket()["ref"]
        w.set(T0 + 5 * MIN)
        t = act(w.agent, ref, "resolve", comment="Replaced the toner.")
        assert t["status"] == "resolved", t
        assert w.get(ref)["sla"]["resolution"]["state"] == "stopped"
        w.set(T0 + 5 * MIN + 7 * DAY - 1000)
        w.restart()
        assert w.get(ref)["status"] == "resolved"
        w.set(T0 + 5 * MIN + 7 * DAY)
        wait_for(lambda: w.get(ref)["status"] == "closed", what="closed")
        t = w.get(ref, w.alice)
        status, last = t["timeline"][-2:]
        assert status["kind"] == "status" and status["new"] == "closed", status
        assert last["kind"] == "comment", last
        assert last["body"] == "Your request status has changed to Closed", last
        for e in (status, last):
            assert e["actor"] == {"id": 0, "name": "Support", "support": True}, e
            assert not e["internal"] and e["from_support"], e
        w.restart()
        w.set(T0 + 30 * DAY)
        t = w.get(ref)
        assert [e["new"] for e in t["timeline"] if e["kind"] == "status"].count("closed") == 1
        # breaches no longer fire for a closed ticket
        assert "resolution_breach" not in w.sla_events(ref)
    finally:
        w.close()


@test
def customer_reaction_restarts_the_closing_days():
    w = Clocked(auto_close_days=30)
    try:
        ref = w.ticket()["ref"]
        act(w.agent, ref, "resolve", comment="Fixed.")
        w.set(T0 + 20 * DAY)
        # the customer reopens by answering; resolved again later
        r = w.alice.post(f"/api/v1/tickets/{ref}/comments", {"body": "Still smokes."})
        assert r.status == 201, r
        assert w.get(ref)["status"] == "in_progress"
        act(w.agent, ref, "resolve", comment="Fixed again.")
        w.set(T0 + 31 * DAY)
        assert w.get(ref)["status"] == "resolved"
        w.set(T0 + 50 * DAY)
        wait_for(lambda: w.get(ref)["status"] == "closed", what="closed")
    finally:
        w.close()


@test
def waiting_for_customer_pauses_both_clocks():
    w = Clocked()
    try:
        t = w.ticket()
        ref, prio = t["ref"], t["priority"]
        w.set(T0 + 10 * MIN)
        act(w.agent, ref, "set_status", status="waiting_for_customer")
        s = w.get(ref)["sla"]
        assert s["response"]["state"] == "paused" and s["response"]["due"] is None, s
        assert s["resolution"]["state"] == "paused", s
        assert s["response"]["remaining_ms"] == FIRST[prio] - 10 * MIN, s
        w.set(T0 + 5 * DAY)
        w.restart()
        assert w.sla_events(ref) == ["triage_breach"] or w.sla_events(ref) == [], \
            w.sla_events(ref)
        s = w.get(ref)["sla"]
        assert s["response"]["remaining_ms"] == FIRST[prio] - 10 * MIN, s
        # the customer answers: back to work, the clocks run on
        r = w.alice.post(f"/api/v1/tickets/{ref}/comments", {"body": "Here is the log."})
        assert r.status == 201, r
        s = w.get(ref)["sla"]
        assert s["response"]["state"] == "running", s
        assert s["response"]["due"] == rfc(T0 + 5 * DAY + FIRST[prio] - 10 * MIN), s
        assert s["resolution"]["due"] == rfc(T0 + 5 * DAY + RESOLVE[prio] - 10 * MIN), s
    finally:
        w.close()


@test
def priority_change_retargets_and_ends_triage():
    w = Clocked()
    try:
        t = w.ticket()
        ref = t["ref"]
        w.set(T0 + 5 * MIN)
        new = "P1" if t["priority"] != "P1" else "P2"
        r = w.agent.patch(f"/api/v1/tickets/{ref}", {"priority": new})
        assert r.status == 200, r
        s = w.get(ref)["sla"]
        assert s["response"]["target"] == FIRST[new], s
        assert s["response"]["due"] == rfc(T0 + FIRST[new]), s
        assert s["resolution"]["due"] == rfc(T0 + RESOLVE[new]), s
        assert s["triage"]["state"] == "stopped", s
        w.set(T0 + 20 * MIN)
        w.restart()
        assert "triage_breach" not in w.sla_events(ref)
    finally:
        w.close()


@test
def only_a_public_agent_reply_is_the_first_response():
    w = Clocked()
    try:
        ref = w.ticket()["ref"]
        w.set(T0 + 5 * MIN)
        r = w.agent.post(f"/api/v1/tickets/{ref}/comments",
                         {"body": "Looks like toner.", "internal": True})
        assert r.status == 201, r
        assert w.get(ref)["sla"]["response"]["state"] == "running"
        r = w.alice.post(f"/api/v1/tickets/{ref}/comments", {"body": "Any news?"})
        assert r.status == 201, r
        assert w.get(ref)["sla"]["response"]["state"] == "running"
        r = w.agent.post(f"/api/v1/tickets/{ref}/comments", {"body": "On our way."})
        assert r.status == 201, r
        s = w.get(ref)["sla"]
        assert s["response"]["state"] == "stopped" and s["response"]["due"] is None, s
        assert s["resolution"]["state"] == "running", s
        w.set(T0 + 5 * DAY)
        wait_for(lambda: "resolution_breach" in w.sla_events(ref), what="resolution breach")
        evs = w.sla_events(ref)
        assert "response_warning" not in evs and "response_breach" not in evs, evs
    finally:
        w.close()


def last_int(lines, key):
    m = re.search(r"\b" + key + r"=(\d+)", lines[-1])
    return int(m.group(1))


@test
def work_does_not_grow_with_the_tickets():
    w = Clocked()
    try:
        # one ticket ten minutes before the others: its triage falls due alone
        early = w.ticket()["ref"]
        w.set(T0 + 10 * MIN)
        n_tickets, n_threads = 2000, 8
        errors = []

        def make(k):
            c = w.d.token_client("bob" if k % 2 else "alice")
            for _ in range(n_tickets // n_threads):
                try:
                    w.ticket(c)
                except AssertionError as e:
                    errors.append(e)
        threads = [threading.Thread(target=make, args=(k,)) for k in range(n_threads)]
        for th in threads:
            th.start()
        for th in threads:
            th.join()
        assert not errors, errors[:3]
        w.restart()
        armed = wait_for(lambda: w.d.log_lines("sla_timers_armed"), what="armed")
        # one entry per kind at most, not one per ticket (five each here)
        assert last_int(armed, "entries_read") <= 6, armed

        def triage_runs(since):
            return [l for l in w.d.log_lines("sla_timer_run")[since:]
                    if "kind=triage_breach" in l]

        def handled(runs):
            return sum(last_int([l], "handled") for l in runs)
        n = len(w.d.log_lines("sla_timer_run"))
        w.set(T0 + 15 * MIN)
        wait_for(lambda: w.sla_events(early) == ["triage_breach"], what="early triage")
        runs = wait_for(lambda: triage_runs(n), what="timer run")
        assert handled(runs) == 1, runs
        # then all the others at once, in bounded batches
        n = len(w.d.log_lines("sla_timer_run"))
        w.set(T0 + 25 * MIN)
        wait_for(lambda: handled(triage_runs(n)) == n_tickets, timeout=60,
                 what="all triage breaches")
        runs = triage_runs(n)
        assert max(last_int([l], "handled") for l in runs) <= 256, runs
    finally:
        w.close()


@test
def queue_shows_sla_and_filters_breached():
    w = Clocked()
    try:
        late = w.ticket()["ref"]
        w.set(T0 + 10 * DAY)
        fresh = w.ticket()["ref"]
        wait_for(lambda: "resolution_breach" in w.sla_events(late), what="breach")
        r = w.agent.get("/api/v1/tickets?breached=true")
        assert r.status == 200, r
        refs = [t["ref"] for t in r.full_json["tickets"]]
        assert late in refs and fresh not in refs, refs
        item = [t for t in r.full_json["tickets"] if t["ref"] == late][0]
        assert item["sla"]["resolution"]["breached"] is True, item
        r = w.alice.get("/api/v1/tickets")
        assert r.status == 200, r
        for t in r.full_json["tickets"]:
            assert set(t["sla"]["response"]) == {"due", "breached"}, t
        # a customer's list has no such filter
        assert w.alice.get("/api/v1/tickets?breached=true").status == 400
    finally:
        w.close()


if __name__ == "__main__":
    run()

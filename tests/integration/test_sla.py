"""The SLA engine with a clock the test drives (deskd --clock-file): warnings,
breaches and automatic closing happen on time and once each, also across
restarts and clock jumps; waiting pauses the clocks; a priority change
retargets them; only a public reply by support is the first response; and
support's queue orders by the due time of the running target. That the work
at start-up and per timer run does not grow with the tickets is shown with
100,000 of them in test_sla_scale.py."""

import re

from harness import check_error, run, test, wait_for
from sla_clock import DAY, FIRST, HOUR, MIN, RESOLVE, T0, Clocked, rfc


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


@test
def queue_sorts_by_due_soonest():
    w = Clocked()
    try:
        def make(prio):
            t = w.ticket()
            # support setting a new priority ends the triage
            steps = ["P1" if prio != "P1" else "P2"] if t["priority"] == prio else []
            for p in steps + [prio]:
                r = w.agent.patch(f"/api/v1/tickets/{t['ref']}", {"priority": p})
                assert r.status == 200, r
            return t["ref"]
        # first response due: b +30m, f +1h, a +4h; c and d +2h and +1h
        a, b, c, d, e, f = (make(p) for p in ("P4", "P1", "P3", "P2", "P3", "P2"))
        w.set(T0 + 5 * MIN)
        act(w.agent, c, "set_status", status="waiting_for_customer")
        act(w.agent, d, "resolve", comment="Replaced the toner.")
        # e is answered: its resolution is next, due at +8h
        assert w.agent.post(f"/api/v1/tickets/{e}/comments", {"body": "On it."}).status == 201
        me = w.agent.get("/api/v1/me").full_json["user"]["id"]
        assert w.agent.patch(f"/api/v1/tickets/{a}", {"assignee_id": me}).status == 200
        # b and f overdue, b the most
        w.set(T0 + 90 * MIN)
        wait_for(lambda: "response_breach" in w.sla_events(f), what="breach of f")

        def page(query="", c=None):
            r = (c or w.agent).get("/api/v1/tickets?sort=due" + query)
            assert r.status == 200, r
            return r.full_json

        def refs(query=""):
            return [t["ref"] for t in page(query)["tickets"]]

        def walk(query, limit):
            got, cursor, pages = [], None, 0
            while True:
                p = page(f"{query}&limit={limit}" + (f"&cursor={cursor}" if cursor else ""))
                got += [t["ref"] for t in p["tickets"]]
                pages += 1
                cursor = p["next_cursor"]
                if cursor is None:
                    return got, pages
                assert re.fullmatch(r"\d+\.\d+", cursor), cursor
                assert pages < 10, got

        # overdue first, most overdue first, then the soonest; the waiting
        # and the resolved ticket are not in this order
        everyone = [b, f, a, e]
        p = page()
        assert [t["ref"] for t in p["tickets"]] == everyone, p
        assert p["next_cursor"] is None and p["matched"] is None and p["view"] == "open", p
        assert p["counts"]["priority"] == {"P1": 1, "P2": 2, "P3": 2, "P4": 1}, p
        first = p["tickets"][0]
        assert first["sla"]["response"]["breached"] is True, first
        assert first["sla"]["response"]["overdue_ms"] == 60 * MIN, first
        assert refs("&view=all") == everyone
        # paging: the same order in pages of one and of three
        assert walk("", 1) == (everyone, 4)
        assert walk("", 3) == (everyone, 2)
        # with the other filters
        assert refs("&breached=true") == [b, f]
        assert walk("&breached=true", 1) == ([b, f], 2)
        assert refs("&priority=P2") == [f]
        assert refs("&assignee=me") == [a]
        assert refs("&assignee=none&breached=true&priority=P1") == [b]
        assert refs(f"&org={w.d.users['alice']['org_id']}") == everyone
        assert refs("&org=999") == []
        status = w.get(e)["status"]
        assert refs(f"&status={status}") == [x for x in everyone if w.get(x)["status"] == status]
        # no resolved or closed ticket has a running clock
        for view in ("resolved", "closed", "approvals"):
            check_error(w.agent.get(f"/api/v1/tickets?sort=due&view={view}"), 400,
                        "invalid_value", field="sort")
        # cursors this order does not give out
        for bad in ("abc", "10001", "0.0", "1.0", "-1.10001", "1.2.3", ".10001", "1.",
                    "99999999999999999999.10001", "9223372036854775808.10001", "1" * 41):
            check_error(w.agent.get(f"/api/v1/tickets?sort=due&cursor={bad}"), 400,
                        "invalid_value", field="cursor")
        check_error(w.agent.get("/api/v1/tickets?cursor=1.10001"), 400, "invalid_value",
                    field="cursor")
        # customers have no due order
        check_error(w.alice.get("/api/v1/tickets?sort=due"), 400, "invalid_value", field="sort")
        assert w.alice.get("/api/v1/tickets?sort=oldest").status == 200

        # an answer moves b to its resolution, due at +2h; the customer's
        # answer lets c's clocks run again: 115 minutes of its first
        # response were left, so it is due at +205m
        assert w.agent.post(f"/api/v1/tickets/{b}/comments", {"body": "Here."}).status == 201
        assert w.alice.post(f"/api/v1/tickets/{c}/comments", {"body": "Log."}).status == 201
        later = [f, b, c, a, e]
        assert refs() == later
        assert page("&limit=2")["tickets"][1]["sla"]["resolution"]["due"] == rfc(T0 + 2 * HOUR)
        # b's response was breached all the same
        assert refs("&breached=true") == [f, b]
        # the order lives in the database: a restart keeps it
        w.restart()
        assert refs() == later
        assert walk("", 2) == (later, 3)
        # closing takes a ticket out
        act(w.agent, a, "resolve", comment="Done.")
        assert refs() == [f, b, c, e]
        v = w.d.ctl("verify", check=False)
        assert v.returncode == 0 and "no problems" in v.stdout, v
    finally:
        w.close()


if __name__ == "__main__":
    run()

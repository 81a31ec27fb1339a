"""The ticket list's filters: sets of statuses and priorities, type,
service, requester and the days created and closed, for support,
organisation-wide customers and customers; the export with the same
filters; bad values refused with the parameter named and nothing changed.

Tickets are opened and closed on chosen days with a clock the test drives
(deskd --clock-file, see sla_clock.py), so the day filters have fixed
answers."""

import csv
import datetime
import io
import os
import urllib.parse

from harness import check_error, run, test, world
from sla_clock import DAY, HOUR, MIN, FileClock

DAY_A = 1893456000000 + 10 * HOUR          # 2030-01-01 10:00 UTC
DAY_B = DAY_A + 4 * DAY                    # 2030-01-05 10:00
DAY_C = 1893456000000 + 9 * DAY            # 2030-01-10 00:00:00.000 exactly
EXPORT = "/api/v1/tickets/export"


class Filters(FileClock):
    """Six tickets of two organisations, opened and closed on known days
    (self.model holds what each one is), and a client for each role."""

    def __init__(self):
        self.d = world(start=False)
        self.clock = os.path.join(self.d.dir, "clock")
        self.write_clock(DAY_A)
        self.start()
        d = self.d
        self.c = {who: d.token_client(who) for who in ("agent", "olga", "alice", "gus", "gina")}
        self.ids = {who: u["id"] for who, u in d.users.items()}
        self.model = []
        # 2030-01-01
        t1 = self.ticket("alice", "incident", 1, "workplace", "laptop")
        self.ticket("olga", "question", 2)
        # 2030-01-05
        self.set(DAY_B)
        self.ticket("gina", "incident", 1, "workplace", "printer")
        self.close(t1)
        # 2030-01-09 in the day's last minute
        self.set(DAY_C - MIN)
        t3 = self.ticket("bob", "change_request", 3, "network", "vpn")
        self.status(t3, "in_progress")
        # 2030-01-10 00:00 sharp
        self.set(DAY_C)
        t5 = self.ticket("gus", "service_request", 4, "applications", "email")
        t6 = self.ticket("alice", "incident", 2, "network", "wifi")
        self.status(t6, "in_progress")
        self.set(DAY_C + 2 * HOUR)
        self.close(t5)

    def ticket(self, who, type_, prio, service=None, sub=None):
        body = {"title": f"{type_} of {who}", "description": "d", "type": type_,
                "requester": self.d.users[who]["email"], "priority": prio}
        if service:
            body.update(service=service, subcategory=sub)
        r = self.c["agent"].post("/api/v1/tickets", body)
        assert r.status == 201, r
        t = r.full_json["ticket"]
        assert (t["type"], t["priority"], t.get("service")) == (type_, f"P{prio}", service), t
        m = {"ref": t["ref"], "id": int(t["ref"].split("-")[1]), "who": who,
             "requester": self.ids[who], "org": "Globex" if who in ("gina", "gus") else "Acme",
             "type": type_, "priority": f"P{prio}", "service": service, "status": t["status"],
             "created": self.now, "closed": None}
        self.model.append(m)
        return m

    def status(self, m, status):
        r = self.c["agent"].post(f"/api/v1/tickets/{m['ref']}/actions",
                                 {"action": "set_status", "status": status})
        assert r.status == 200, r
        m["status"] = status

    def close(self, m):
        self.status(m, "closed")
        m["closed"] = self.now

    def sees(self, who, m):
        if who == "agent":
            return True
        if who in ("olga", "gus"):
            return m["org"] == ("Acme" if who == "olga" else "Globex")
        return m["who"] == who

    def expect(self, who, view, pred):
        """The refs the list should give: visible, in the view, matching,
        newest first."""
        def in_view(m):
            closed = m["status"] == "closed"
            return view == "all" or (view == "closed") == closed
        out = [m for m in self.model if self.sees(who, m) and in_view(m) and pred(m)]
        return [m["ref"] for m in sorted(out, key=lambda m: -m["id"])]


def page(c, query):
    r = c.get("/api/v1/tickets?" + query)
    assert r.status == 200, (query, r)
    return r.json


def listed(c, query):
    p = page(c, query + "&limit=100")
    assert p["next_cursor"] is None, p
    return [t["ref"] for t in p["tickets"]]


def exported(c, query):
    r = c.get(f"{EXPORT}?format=csv&{query}")
    assert r.status == 200, (query, r)
    assert r.data.startswith(b"\xef\xbb\xbf"), r.data[:10]
    rows = list(csv.reader(io.StringIO(r.data[3:].decode("utf-8"), newline="")))
    return [row[0] for row in rows[1:]]


def day(ms):
    """The UTC day of a time in ms."""
    return datetime.datetime.fromtimestamp(ms / 1000, datetime.timezone.utc).date()


def on_or_after(ms, s):
    return ms is not None and day(ms) >= datetime.date.fromisoformat(s)


def on_or_before(ms, s):
    return ms is not None and day(ms) <= datetime.date.fromisoformat(s)


def check(w, who, query, pred, view="open", want=None):
    """The list and the export of who for query give the model's tickets;
    want, when given, pins the answer for support, so the model is not
    fooling itself. Returns the refs."""
    q = f"view={view}&{query}" if query else f"view={view}"
    expect = w.expect(who, view, pred)
    got = listed(w.c[who], q)
    assert got == expect, (who, q, got, expect)
    assert exported(w.c[who], q) == got, (who, q)
    if want is not None:
        assert got == [w.model[i]["ref"] for i in want], (who, q, got, want)
    return got


ROLES = ("agent", "olga", "gus", "alice")


@test
def test_each_filter_and_combinations_for_every_role():
    w = Filters()
    try:
        M = w.model
        for m in M:
            if m["closed"]:
                assert m["status"] == "closed"
        alice_id, gina_id = w.ids["alice"], w.ids["gina"]
        cases = [
            # statuses and priorities, one or a set
            ("status=new", "open", lambda m: m["status"] == "new", [2, 1]),
            ("status=new,in_progress", "open",
             lambda m: m["status"] in ("new", "in_progress"), [5, 3, 2, 1]),
            ("status=in_progress,new,in_progress", "all",
             lambda m: m["status"] in ("new", "in_progress"), [5, 3, 2, 1]),
            ("status=closed", "all", lambda m: m["status"] == "closed", [4, 0]),
            ("priority=P1", "all", lambda m: m["priority"] == "P1", [2, 0]),
            ("priority=P1,P2", "open", lambda m: m["priority"] in ("P1", "P2"), [5, 2, 1]),
            ("priority=P4,p3", "all", lambda m: m["priority"] in ("P3", "P4"), [4, 3]),
            # type and service
            ("type=incident", "all", lambda m: m["type"] == "incident", [5, 2, 0]),
            ("type=question", "open", lambda m: m["type"] == "question", [1]),
            ("type=problem", "all", lambda m: False, []),
            ("service=workplace", "all", lambda m: m["service"] == "workplace", [2, 0]),
            ("service=network", "open", lambda m: m["service"] == "network", [5, 3]),
            ("service=nowhere", "all", lambda m: False, []),
            # days created: both ends whole UTC days
            ("created_from=2030-01-05", "all", lambda m: on_or_after(m["created"], "2030-01-05"),
             [5, 4, 3, 2]),
            ("created_to=2030-01-09", "all", lambda m: on_or_before(m["created"], "2030-01-09"),
             [3, 2, 1, 0]),
            ("created_from=2030-01-05&created_to=2030-01-05", "all",
             lambda m: day(m["created"]).isoformat() == "2030-01-05", [2]),
            ("created_from=2030-01-10&created_to=2030-01-10", "all",
             lambda m: day(m["created"]).isoformat() == "2030-01-10", [5, 4]),
            ("created_to=2029-12-31", "all", lambda m: False, []),
            # days closed: closed tickets only
            ("closed_from=2030-01-01", "all", lambda m: m["closed"] is not None, [4, 0]),
            ("closed_to=2030-01-05", "all", lambda m: on_or_before(m["closed"], "2030-01-05"),
             [0]),
            ("closed_from=2030-01-06&closed_to=2030-01-10", "all",
             lambda m: m["closed"] and "2030-01-06" <= day(m["closed"]).isoformat()
             <= "2030-01-10", [4]),
            ("closed_from=2030-01-06", "open", lambda m: False, []),
            # combinations: every filter must match
            ("type=incident&priority=P1,P2&created_from=2030-01-01&created_to=2030-01-09",
             "all", lambda m: m["type"] == "incident" and m["priority"] in ("P1", "P2")
             and day(m["created"]).isoformat() <= "2030-01-09", [2, 0]),
            ("status=new,in_progress&service=network&priority=P2", "all",
             lambda m: m["status"] in ("new", "in_progress") and m["service"] == "network"
             and m["priority"] == "P2", [5]),
            ("type=incident&closed_to=2030-01-31&service=workplace", "all",
             lambda m: m["type"] == "incident" and m["closed"] is not None
             and m["service"] == "workplace", [0]),
        ]
        for query, view, pred, want in cases:
            for who in ROLES:
                check(w, who, query, pred, view, want if who == "agent" else None)

        # requester: support and organisation-wide customers
        check(w, "agent", f"requester={alice_id}", lambda m: m["who"] == "alice", "all", [5, 0])
        check(w, "agent", "requester=me", lambda m: False, "all", [])
        check(w, "olga", f"requester={alice_id}", lambda m: m["who"] == "alice", "all")
        assert listed(w.c["olga"], f"view=all&requester={alice_id}") == [M[5]["ref"], M[0]["ref"]]
        assert listed(w.c["olga"], "view=all&requester=me") == [M[1]["ref"]]
        assert listed(w.c["gus"], "view=all&requester=me") == [M[4]["ref"]]
        check(w, "agent", f"requester={alice_id}&priority=P1",
              lambda m: m["who"] == "alice" and m["priority"] == "P1", "all", [0])
        # another organisation's requester: an empty list, as for nobody at all
        for who, other in (("olga", gina_id), ("gus", alice_id)):
            for q in (f"view=all&requester={other}", "view=all&requester=999999"):
                assert listed(w.c[who], q) == [] and exported(w.c[who], q) == [], (who, q)
                p = page(w.c[who], q)
                assert p["matched"] is None and p["counts"] == page(w.c[who], "view=all")["counts"]
        # a customer's list has no requester to choose
        before = w.d.dump()
        for path in ("/api/v1/tickets?", EXPORT + "?format=csv&"):
            for q in ("requester=me", f"requester={alice_id}"):
                check_error(w.c["alice"].get(path + q), 400, "unknown_parameter", "requester")
        assert w.d.dump() == before
    finally:
        w.d.close()


@test
def test_matched_adds_up_sets_and_is_null_for_the_other_filters():
    w = Filters()
    try:
        for who in ROLES:
            c = w.c[who]
            for query, view, exact in [
                ("", "all", True),
                ("status=new", "all", True),
                ("status=new,in_progress", "all", True),
                ("status=new,closed,in_progress", "all", True),
                ("priority=P1,P2", "all", True),
                ("priority=P1,P2,P3,P4", "open", True),
                ("status=new&priority=P1", "all", False),
                ("status=new,in_progress&priority=P1,P2", "all", False),
                ("type=incident", "all", False),
                ("service=workplace", "all", False),
                ("created_from=2030-01-01", "all", False),
                ("closed_to=2030-12-31", "all", False),
            ]:
                q = "&".join(x for x in (f"view={view}", query, "limit=100") if x)
                p = page(c, q)
                if exact:
                    assert p["matched"] == len(p["tickets"]), (who, q, p["matched"])
                else:
                    assert p["matched"] is None, (who, q, p["matched"])
        # a set of statuses adds up the counts of the view
        p = page(w.c["agent"], "view=all&status=new,in_progress")
        st = p["counts"]["status"]
        assert p["matched"] == st.get("new", 0) + st.get("in_progress", 0) == 4, p
        p = page(w.c["agent"], "view=all&requester=me")
        assert p["matched"] is None, p
    finally:
        w.d.close()


def bad(w, who, query, field, code="invalid_value"):
    for path in ("/api/v1/tickets?", EXPORT + "?format=csv&"):
        r = w.c[who].get(path + query)
        assert r.status == 400, (who, path + query, r)
        e = check_error(r, 400, code, field)
        assert field in e["message"], (query, e)


@test
def test_bad_values_are_refused_naming_the_parameter():
    w = Filters()
    try:
        before = w.d.dump()
        huge = "9" * 300
        for query, field in [
            # dates: the form YYYY-MM-DD, a day the calendar has, from 1970
            ("created_from=2026-02-30", "created_from"),
            ("created_to=2026-02-29", "created_to"),
            ("closed_from=2100-02-29", "closed_from"),
            ("created_from=2026-1-1", "created_from"),
            ("created_from=2026-01-1", "created_from"),
            ("created_to=2026-13-01", "created_to"),
            ("created_to=2026-00-10", "created_to"),
            ("closed_to=2026-04-31", "closed_to"),
            ("closed_to=2026-04-00", "closed_to"),
            ("created_from=garbage", "created_from"),
            ("created_from=", "created_from"),
            ("created_from=1969-12-31", "created_from"),
            ("created_from=2026-01-01T00:00", "created_from"),
            ("created_from=%202026-01-01", "created_from"),
            ("created_from=2026/01/01", "created_from"),
            ("created_from=+2026-01-01", "created_from"),
            (f"closed_to={huge}", "closed_to"),
            (f"closed_to=2026-01-01{huge}", "closed_to"),
            ("created_from=12026-01-01", "created_from"),
            # a from after its to
            ("created_from=2030-01-06&created_to=2030-01-05", "created_from"),
            ("closed_from=2030-01-02&closed_to=2030-01-01", "closed_from"),
            ("closed_to=2030-01-01&closed_from=2031-01-01", "closed_from"),
            # sets
            ("status=new,nope", "status"),
            ("status=nope,new", "status"),
            ("status=new,,in_progress", "status"),
            ("status=new,", "status"),
            ("status=,new", "status"),
            ("status=,", "status"),
            ("status=New", "status"),
            ("status=" + "x" * 65, "status"),
            ("status=new," + "x" * 500, "status"),
            ("priority=P1,,P2", "priority"),
            ("priority=P1,P5", "priority"),
            ("priority=P1P2", "priority"),
            ("priority=P1,", "priority"),
            ("priority=P1;P2", "priority"),
            ("priority=P1%2C%2CP2", "priority"),
            ("priority=" + "P1," * 200 + "P2", None),  # a long set is fine: all valid
            # type and service
            ("type=bug", "type"),
            ("type=", "type"),
            ("type=Incident", "type"),
            ("type=incident,question", "type"),
            ("type=" + "incident" * 40, "type"),
            ("service=", "service"),
            ("service=" + "a" * 65, "service"),
            ("service=work%20place", "service"),
            ("service=work%0Aplace", "service"),
            ("service=caf%C3%A9", "service"),
            # requester
            ("requester=", "requester"),
            ("requester=0", "requester"),
            ("requester=-1", "requester"),
            ("requester=abc", "requester"),
            ("requester=none", "requester"),
            (f"requester={huge}", "requester"),
            # a parameter given twice
            ("status=new&status=closed", "status"),
            ("priority=P1&priority=P2", "priority"),
            ("created_from=2030-01-01&created_from=2030-01-02", "created_from"),
            ("type=incident&view=all&type=incident", "type"),
            ("view=all&view=all", "view"),
        ]:
            if field is None:
                assert page(w.c["agent"], query)["matched"] is not None
                continue
            bad(w, "agent", query, field)
        # a NUL would cut a value short unseen: the whole query is refused
        for q in ("service=work%00place", "status=new%00,closed", "created_from=2030-01-01%00x"):
            for path in ("/api/v1/tickets?", EXPORT + "?format=csv&"):
                check_error(w.c["agent"].get(path + q), 400, "bad_query")
        # customers get the same answers for their own filters
        for who in ("olga", "alice"):
            bad(w, who, "created_from=2026-02-30", "created_from")
            bad(w, who, "status=new,,closed", "status")
            bad(w, who, "service=" + "s" * 65, "service")
        bad(w, "olga", "requester=x", "requester")
        # the export's own format given twice
        check_error(w.c["agent"].get(EXPORT + "?format=csv&format=xlsx"), 400, "invalid_value",
                    "format")
        # the sizes at the limit are accepted
        assert listed(w.c["agent"], "view=all&service=" + "s" * 64) == []
        assert listed(w.c["agent"], "view=all&created_from=2024-02-29&created_to=9999-12-31")
        assert listed(w.c["agent"], "view=all&created_from=1970-01-01") != []
        assert listed(w.c["agent"], "view=all&closed_from=1970-01-01&closed_to=2000-02-29") == []
        assert w.d.dump() == before
    finally:
        w.d.close()


@test
def test_filters_page_with_the_cursor():
    w = Filters()
    try:
        agent = w.c["agent"]
        q = "view=all&type=incident&priority=P1,P2"
        want = w.expect("agent", "all", lambda m: m["type"] == "incident"
                        and m["priority"] in ("P1", "P2"))
        got, cursor = [], None
        for _ in range(10):
            p = page(agent, q + "&limit=1" + (f"&cursor={urllib.parse.quote(cursor)}"
                                               if cursor else ""))
            got += [t["ref"] for t in p["tickets"]]
            cursor = p["next_cursor"]
            if cursor is None:
                break
        assert got == want and len(want) == 3, (got, want)
        assert exported(agent, q) == want
        # oldest first, the same tickets the other way round
        assert listed(agent, q + "&sort=oldest") == want[::-1]
    finally:
        w.d.close()


if __name__ == "__main__":
    run()

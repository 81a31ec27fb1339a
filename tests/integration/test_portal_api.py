"""The API the browser portal needs besides tickets: the profile and the
password change, the agents' queue (filters, sort, paging), the dashboard
numbers, and the lists the agents' forms choose from. Every refusal is
checked to change nothing (deskctl dump before and after)."""

import json
import threading

from harness import (PASSWORD, Client, check_error, check_security_headers, run, test,
                     wait_for, world)

MIB = 1024 * 1024
CONTACT = ["email", "phone", "fax", "mail"]


def form(**extra):
    body = {"request_type": "report_incident", "impact": 3, "urgency": 3}
    body.update(extra)
    return body


def act(c, ref, action, **kw):
    r = c.post(f"/api/v1/tickets/{ref}/actions", {"action": action, **kw})
    assert r.status == 200, (action, kw, r)
    return r.json["ticket"]


def patch(c, ref, **fields):
    r = c.patch(f"/api/v1/tickets/{ref}", fields)
    assert r.status == 200, (fields, r)
    return r.json["ticket"]


def org_ids(agent):
    r = agent.get("/api/v1/orgs")
    assert r.status == 200, r
    return {o["name"]: o["id"] for o in r.json["orgs"]}


def send(c, method, path, raw, ctype="application/json"):
    return c.request(method, path, raw=raw, headers={"Content-Type": ctype})


def refused_unchanged(d, cases):
    """Runs (client, method, path, raw body or None, status, code, field)
    cases and asserts each answer and that nothing changed."""
    before = d.dump()
    for c, method, path, raw, status, code, field in cases:
        if isinstance(raw, (dict, list)):
            raw = json.dumps(raw)
        r = send(c, method, path, raw) if raw is not None else c.request(method, path)
        check_error(r, status, code, field)
    assert d.dump() == before, "a refused request changed something"


# ---- profile ----

@test
def test_profile_change_persists_across_restart():
    d = world()
    try:
        alice = d.login("alice")
        r = alice.patch("/api/v1/me", {"name": "  Alice van Acme ", "phone": "+31 20 123 4567",
                                       "language": "nl", "contact": ["phone", "email"]})
        assert r.status == 200, r
        check_security_headers(r)
        u = r.json["user"]
        assert u["name"] == "Alice van Acme" and u["phone"] == "+31 20 123 4567", u
        assert u["language"] == "nl" and u["contact"] == ["email", "phone"], u
        assert u["email"] == "alice@acme.example" and u["org_name"] == "Acme", u
        assert alice.get("/api/v1/me").json["user"] == u
        # one field at a time leaves the others; null and [] clear
        u2 = alice.patch("/api/v1/me", {"contact": []}).json["user"]
        assert u2["contact"] == [] and u2["name"] == "Alice van Acme", u2
        u3 = alice.patch("/api/v1/me", {"phone": None, "contact": CONTACT}).json["user"]
        assert u3["phone"] is None and u3["contact"] == CONTACT and u3["language"] == "nl", u3
        # an API token changes its owner's profile too, without CSRF
        tok = d.token_client("bob")
        assert tok.patch("/api/v1/me", {"language": "sv"}).json["user"]["language"] == "sv"
        # nobody else changed
        assert d.login("gina").get("/api/v1/me").json["user"]["language"] is None
        d.restart()
        after = alice.get("/api/v1/me")
        assert after.status == 200 and after.json["user"] == u3, after
        assert tok.get("/api/v1/me").json["user"]["language"] == "sv"
        # the language chosen is the one the ticket pages use
        ref = alice.create_ticket("Taal", "Nederlands graag", **form())["ref"]
        t = alice.get(f"/api/v1/tickets/{ref}").json["ticket"]
        assert t["status_label"] == "Nieuw", t["status_label"]
    finally:
        d.close()


@test
def test_profile_refusals_change_nothing():
    d = world()
    try:
        alice = d.login("alice")
        anon = Client(d)
        nocsrf = Client(d)
        nocsrf.cookie = alice.cookie
        me = "/api/v1/me"
        cases = [
            (alice, "PATCH", me, b'{"name": ', 400, "invalid_json", None),
            (alice, "PATCH", me, b"[]", 400, "invalid_json", None),
            (alice, "PATCH", me, b"", 400, "invalid_json", None),
            (alice, "PATCH", me, {}, 422, "required", None),
            (alice, "PATCH", me, {"name": ""}, 422, "required", "name"),
            (alice, "PATCH", me, {"name": "   "}, 422, "required", "name"),
            (alice, "PATCH", me, {"name": None}, 422, "invalid_type", "name"),
            (alice, "PATCH", me, {"name": ["x"]}, 422, "invalid_type", "name"),
            (alice, "PATCH", me, {"name": "a\nb"}, 422, "invalid_text", "name"),
            (alice, "PATCH", me, {"name": "n" * 201}, 422, "too_long", "name"),
            (alice, "PATCH", me, {"phone": 612345678}, 422, "invalid_type", "phone"),
            (alice, "PATCH", me, {"phone": "call me"}, 422, "invalid_value", "phone"),
            (alice, "PATCH", me, {"phone": "1" * 41}, 422, "too_long", "phone"),
            (alice, "PATCH", me, {"language": "de"}, 422, "invalid_value", "language"),
            (alice, "PATCH", me, {"language": 1}, 422, "invalid_type", "language"),
            (alice, "PATCH", me, {"contact": "email"}, 422, "invalid_type", "contact"),
            (alice, "PATCH", me, {"contact": [1]}, 422, "invalid_type", "contact"),
            (alice, "PATCH", me, {"contact": ["sms"]}, 422, "invalid_value", "contact"),
            (alice, "PATCH", me, {"contact": ["fax", "fax"]}, 422, "invalid_value", "contact"),
            (alice, "PATCH", me, {"contact": CONTACT + ["mail"]}, 422, "too_long", "contact"),
            (alice, "PATCH", me, {"email": "new@acme.example"}, 422, "read_only", "email"),
            (alice, "PATCH", me, {"name": "X", "role": "admin"}, 422, "unknown_field", "role"),
            (alice, "PATCH", me, {"name": "X", "org_id": 2}, 422, "unknown_field", "org_id"),
            (alice, "PATCH", me, {"name": "X", "password_hash": "$s1$"}, 422, "unknown_field",
             "password_hash"),
            (alice, "PATCH", me, {"name": "X", "disabled": True}, 422, "unknown_field",
             "disabled"),
            # the first bad field fails the request: the good one is not kept
            (alice, "PATCH", me, {"name": "Kept?", "language": "xx"}, 422, "invalid_value",
             "language"),
            (alice, "PATCH", me, json.dumps({"name": "x" * (MIB + 10)}), 413, "too_large", None),
            (anon, "PATCH", me, {"name": "X"}, 401, "unauthenticated", None),
            (nocsrf, "PATCH", me, {"name": "X"}, 403, "csrf", None),
            (alice, "PUT", me, {"name": "X"}, 405, "method_not_allowed", None),
        ]
        refused_unchanged(d, cases)
        r = alice.request("PATCH", me, raw='{"name": "X"}', headers={"Content-Type": "text/plain"})
        check_error(r, 415, "unsupported_media_type")
        assert alice.get(me).json["user"]["name"] == "Alice Acme"
    finally:
        d.close()


# ---- password ----

@test
def test_password_change_ends_the_other_sessions():
    d = world()
    try:
        here = d.login("alice")
        there = d.login("alice")             # another browser
        remembered = d.login("alice", remember=True)
        tok = d.token_client("alice")        # a script's token
        bob = d.login("bob")
        pw = "/api/v1/me/password"
        anon = Client(d)
        nocsrf = Client(d)
        nocsrf.cookie = here.cookie
        refused_unchanged(d, [
            (here, "POST", pw, {"old_password": "wrong-password", "new_password": "n3w-secret"},
             422, "invalid_value", "old_password"),
            (here, "POST", pw, {"old_password": PASSWORD, "new_password": "short"},
             422, "too_short", "new_password"),
            (here, "POST", pw, {"old_password": PASSWORD, "new_password": "p" * 1025},
             422, "too_long", "new_password"),
            (here, "POST", pw, {"old_password": PASSWORD}, 422, "required", "new_password"),
            (here, "POST", pw, {"new_password": "n3w-secret"}, 422, "required", "old_password"),
            (here, "POST", pw, {"old_password": 1, "new_password": "n3w-secret"},
             422, "invalid_type", "old_password"),
            (here, "POST", pw, {"old_password": PASSWORD, "new_password": "n3w-secret",
                                "confirm": "n3w-secret"}, 422, "unknown_field", "confirm"),
            (here, "POST", pw, b"{old_password}", 400, "invalid_json", None),
            (anon, "POST", pw, {"old_password": PASSWORD, "new_password": "n3w-secret"},
             401, "unauthenticated", None),
            (nocsrf, "POST", pw, {"old_password": PASSWORD, "new_password": "n3w-secret"},
             403, "csrf", None),
        ])
        for c in (here, there, remembered, tok, bob):
            assert c.get("/api/v1/me").status == 200
        # 8 bytes is enough; the old password is taken byte for byte
        r = here.post(pw, {"old_password": PASSWORD, "new_password": "n3w-pass"})
        assert r.status == 204 and r.body == "", r
        check_security_headers(r)
        assert here.get("/api/v1/me").status == 200, "the current session ended"
        for c in (there, remembered):
            check_error(c.get("/api/v1/me"), 401, "unauthenticated")
        assert tok.get("/api/v1/me").status == 200, "API tokens are not sessions"
        assert bob.get("/api/v1/me").status == 200, "someone else's session ended"
        d.login("alice", "n3w-pass")
        check_error(d.request("POST", "/api/v1/session",
                              {"email": "alice@acme.example", "password": PASSWORD}),
                    401, "invalid_credentials")
        # the old password no longer counts as the current one
        check_error(here.post(pw, {"old_password": PASSWORD, "new_password": "other-pass"}),
                    422, "invalid_value", "old_password")
        wait_for(lambda: [l for l in d.log_lines("password_changed")
                          if "sessions_ended=2" in l], what="password_changed sessions_ended=2")
        d.restart()
        assert here.get("/api/v1/me").status == 200
        d.login("alice", "n3w-pass")
    finally:
        d.close()


@test
def test_password_checks_are_queued_and_refused_when_full():
    config = ("[security]\nscrypt_n = 32768\nscrypt_r = 8\nscrypt_p = 1\n"
              "hash_threads = 1\nhash_queue = 1\n")
    d = world(config=config)
    try:
        clients = [d.login("alice") for _ in range(6)]
        before = d.dump()
        answers = [None] * len(clients)

        def change(i):
            answers[i] = clients[i].post("/api/v1/me/password",
                                         {"old_password": "not-it", "new_password": "whatever1"})

        threads = [threading.Thread(target=change, args=(i,)) for i in range(len(clients))]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        busy = [r for r in answers if r.status == 503]
        assert busy, answers
        for r in busy:
            check_error(r, 503, "busy")
            assert r.header("Retry-After"), r.headers
        for r in answers:
            assert r.status in (503, 422), r
        assert d.dump() == before
        # the loop kept answering meanwhile, and does so now
        assert d.request("GET", "/healthz").status == 200
    finally:
        d.close()


# ---- the agents' queue ----

def queue_world():
    """Tickets of two organisations, with priorities, statuses and
    assignees set by support; returns (d, agent, refs by name)."""
    d = world()
    agent = d.login("agent")
    admin_id = d.users["admin"]["id"]
    clients = {who: d.login(who) for who in ("alice", "bob", "olga", "gina")}
    refs = {}

    def make(name, who, prio, status=None, assignee=None):
        ref = clients[who].create_ticket(name, "details", **form())["ref"]
        patch(agent, ref, priority=prio)
        if assignee:
            patch(agent, ref, assignee_id=assignee)
        if status:
            act(agent, ref, "set_status", status=status)
        refs[name] = ref

    make("a1", "alice", "P1")
    make("g1", "gina", "P2", "in_progress", d.users["agent"]["id"])
    make("a2", "alice", "P2", "in_progress")
    make("o1", "olga", "P3", None, admin_id)
    make("g2", "gina", "P1", "waiting_for_customer", d.users["agent"]["id"])
    make("a3", "alice", "P4", "resolved")
    make("b1", "bob", "P2", "closed")
    return d, agent, refs


def listed(c, query):
    r = c.get("/api/v1/tickets?" + query)
    assert r.status == 200, (query, r)
    return r.json


def refs_of(page):
    return [t["ref"] for t in page["tickets"]]


def walk_pages(c, query, limit, cursor=None):
    """Every page of a list (from cursor on when given); asserts no ticket
    comes twice."""
    out = []
    for _ in range(100):
        q = f"{query}&limit={limit}" + (f"&cursor={cursor}" if cursor else "")
        page = listed(c, q)
        assert len(page["tickets"]) <= limit
        out += refs_of(page)
        cursor = page["next_cursor"]
        if cursor is None:
            break
    assert len(out) == len(set(out)), out
    return out


@test
def test_queue_filters():
    d, agent, refs = queue_world()
    try:
        R = refs
        orgs = org_ids(agent)
        ann, adam = d.users["agent"]["id"], d.users["admin"]["id"]

        def q(query, want, matched="skip"):
            page = listed(agent, query)
            assert refs_of(page) == [R[n] for n in want], (query, refs_of(page), want)
            if matched != "skip":
                assert page["matched"] == matched, (query, page["matched"])
            return page

        full = q("view=open", ["a3", "g2", "o1", "a2", "g1", "a1"], 6)
        q("view=open&status=in_progress", ["a2", "g1"], 2)
        q("view=open&priority=P1", ["g2", "a1"], 2)
        q("view=open&priority=P2&status=in_progress", ["a2", "g1"], None)
        q("view=all&priority=P2", ["b1", "a2", "g1"], 3)
        q("view=closed&status=closed", ["b1"], 1)
        q("view=open&status=closed", [], 0)
        q(f"view=open&org={orgs['Globex']}", ["g2", "g1"], 2)
        q(f"view=open&org={orgs['Acme']}&priority=P2", ["a2"], 1)
        q("view=open&assignee=me", ["g2", "g1"], 2)
        q(f"view=open&assignee={ann}&status=waiting_for_customer", ["g2"], 1)
        q(f"view=open&assignee={adam}", ["o1"], 1)
        q("view=open&assignee=none", ["a3", "a2", "a1"], 3)
        q(f"view=open&assignee=none&org={orgs['Acme']}", ["a3", "a2", "a1"], None)
        q(f"view=open&assignee=me&org={orgs['Acme']}", [], None)
        q("view=open&sort=oldest&priority=P1", ["a1", "g2"], 2)
        # the counts stay those of the view, whatever the filters
        page = q("view=open&priority=P1&assignee=me", ["g2"])
        assert page["counts"] == full["counts"], page["counts"]
        # an admin has the same queue; the admin's "me" is the admin
        q_admin = listed(d.login("admin"), "view=open&assignee=me")
        assert refs_of(q_admin) == [R["o1"]], q_admin

        # customers: status and priority within what they see, no support filters
        alice = d.login("alice")
        assert refs_of(listed(alice, "view=all&priority=P2")) == [R["a2"]]
        assert refs_of(listed(alice, "view=all&status=resolved")) == [R["a3"]]
        assert listed(alice, "view=all&priority=P2")["matched"] == 1
        olga = d.login("olga")
        assert refs_of(listed(olga, "view=open&sort=oldest")) == [R["a1"], R["a2"], R["o1"],
                                                                   R["a3"]]
        assert listed(olga, "view=open&priority=P2")["matched"] == 1
        gus = d.login("gus")
        before = d.dump()
        for c in (alice, olga, gus):
            check_error(c.get(f"/api/v1/tickets?org={orgs['Acme']}"), 400, "unknown_parameter",
                        "org")
            check_error(c.get("/api/v1/tickets?assignee=me"), 400, "unknown_parameter",
                        "assignee")
        for query, field in [("status=nope", "status"), ("status=", "status"),
                             ("priority=P5", "priority"), ("priority=1x", "priority"),
                             ("sort=random", "sort"), ("sort=", "sort"), ("org=acme", "org"),
                             ("org=0", "org"), ("org=-1", "org"), ("assignee=someone", "assignee"),
                             ("assignee=0", "assignee"), ("assignee=", "assignee"),
                             ("cursor=x", "cursor"), ("limit=101", "limit"),
                             ("colour=red", "colour")]:
            r = agent.get("/api/v1/tickets?" + query)
            check_error(r, 400, None, field)
        check_error(Client(d).get("/api/v1/tickets?assignee=me"), 401, "unauthenticated")
        assert d.dump() == before
    finally:
        d.close()


@test
def test_queue_sort_and_paging():
    d = world()
    try:
        agent, alice = d.login("agent"), d.login("alice")
        made = []
        for i in range(23):
            ref = alice.create_ticket(f"t{i}", "d", **form())["ref"]
            if i % 3 == 0:
                patch(agent, ref, priority="P1")
            made.append(ref)
        p1 = [r for i, r in enumerate(made) if i % 3 == 0]
        for limit in (1, 4, 5, 23, 100):
            assert walk_pages(agent, "view=all", limit) == made[::-1]
            assert walk_pages(agent, "view=all&sort=oldest", limit) == made
            assert walk_pages(agent, "view=all&sort=newest&priority=P1", limit) == p1[::-1]
            assert walk_pages(agent, "view=all&sort=oldest&priority=P1", limit) == p1
            assert walk_pages(alice, "view=all&sort=oldest&priority=P1", limit) == p1
        # a full last page says there is no more: the next page is never empty
        page = listed(agent, f"view=all&priority=P1&limit={len(p1)}")
        assert page["next_cursor"] is None and len(page["tickets"]) == len(p1)
        # tickets opened while paging: after the cursor (oldest first) they come
        # at the end; newest first they are not on later pages
        first = listed(agent, "view=all&sort=oldest&limit=10")
        late = alice.create_ticket("late", "d", **form())["ref"]
        rest = walk_pages(agent, "view=all&sort=oldest", 10, first["next_cursor"])
        assert refs_of(first) + rest == made + [late]
        first = listed(agent, "view=all&limit=10")
        alice.create_ticket("later", "d", **form())
        rest = walk_pages(agent, "view=all", 10, first["next_cursor"])
        assert refs_of(first) + rest == [late] + made[::-1]
    finally:
        d.close()


# ---- the dashboard ----

def stats(c, query=""):
    r = c.get("/api/v1/stats" + query)
    assert r.status == 200, r
    check_security_headers(r)
    return r.json


@test
def test_stats_count_opened_and_closed_per_day():
    d = world()
    try:
        agent, alice, gina = d.login("agent"), d.login("alice"), d.login("gina")
        empty = stats(agent)
        assert len(empty["days"]) == 30
        days = [x["day"] for x in empty["days"]]
        assert days == sorted(days) and len(set(days)) == 30
        assert all(x["opened"] == 0 and x["closed"] == 0 for x in empty["days"])
        assert empty["open_by_priority"] == {"P1": 0, "P2": 0, "P3": 0, "P4": 0}
        assert empty["open_by_status"] == {}

        refs = [c.create_ticket(f"s{i}", "d", **form())["ref"]
                for i, c in enumerate([alice, alice, gina, gina, alice])]
        patch(agent, refs[0], priority="P1")
        act(alice, refs[1], "cancel")
        act(agent, refs[2], "set_status", status="closed")
        act(agent, refs[3], "set_status", status="in_progress")
        act(agent, refs[4], "resolve")
        # a change to a closed ticket is refused: it cannot count twice
        r = alice.post(f"/api/v1/tickets/{refs[1]}/actions", {"action": "close"})
        assert r.status == 409, r

        def check(s):
            total_open = sum(x["opened"] for x in s["days"])
            total_closed = sum(x["closed"] for x in s["days"])
            assert (total_open, total_closed) == (5, 2), s["days"]
            today = s["days"][-1]
            assert (today["opened"], today["closed"]) in ((5, 2), (0, 0)), today
            assert s["open_by_priority"]["P1"] == 1, s
            assert sum(s["open_by_priority"].values()) == 3, s
            assert s["open_by_status"] == {"new": 1, "in_progress": 1, "resolved": 1}, s

        check(stats(agent))
        one = stats(agent, "?days=1")
        assert len(one["days"]) == 1
        assert stats(agent, "?days=366")["days"][-1] == stats(agent)["days"][-1]
        assert len(stats(d.login("admin"), "?days=366")["days"]) == 366
        d.restart()
        check(stats(agent))

        customers = [d.login(who) for who in ("alice", "olga")]
        before = d.dump()
        for q in ("?days=0", "?days=367", "?days=abc", "?days=-1", "?days=", "?days=%2B5",
                  "?days=%205", "?days=1e2", "?days=99999999999999999999"):
            check_error(agent.get("/api/v1/stats" + q), 400, "invalid_value", "days")
        check_error(agent.get("/api/v1/stats?day=3"), 400, "unknown_parameter", "day")
        for c in customers:
            check_error(c.get("/api/v1/stats"), 403, "forbidden")
        check_error(Client(d).get("/api/v1/stats"), 401, "unauthenticated")
        check_error(agent.post("/api/v1/stats", {}), 405, "method_not_allowed")
        assert d.dump() == before
    finally:
        d.close()


# ---- lists for forms ----

@test
def test_agents_and_orgs_lists():
    d = world(start=False)
    try:
        d.add_org("Initech")
        d.add_user("zed@deskd.example", "Zed Support", "agent")
        d.add_user("bea@deskd.example", "bea agent", "agent")
        d.start()
        agent = d.login("agent")
        r = agent.get("/api/v1/agents")
        assert r.status == 200, r
        check_security_headers(r)
        names = [a["name"] for a in r.json["agents"]]
        assert names == ["Adam Admin", "Ann Agent", "bea agent", "Zed Support"], names
        for a in r.json["agents"]:
            assert set(a) == {"id", "name", "email", "role"}, a
            assert a["role"] in ("agent", "admin"), a
        ann = next(a for a in r.json["agents"] if a["name"] == "Ann Agent")
        assert (ann["id"], ann["email"]) == (d.users["agent"]["id"], "agent@deskd.example")
        r = agent.get("/api/v1/orgs")
        assert r.status == 200, r
        assert [o["name"] for o in r.json["orgs"]] == ["Acme", "Globex", "Initech"], r
        assert all(set(o) == {"id", "name"} and o["id"] > 0 for o in r.json["orgs"])
        # the ids are the ones the queue filters by
        acme = r.json["orgs"][0]["id"]
        assert listed(agent, f"org={acme}")["tickets"] == []
        # HEAD answers like GET without the body
        g = agent.get("/api/v1/agents")
        h = agent.request("HEAD", "/api/v1/agents")
        assert h.status == 200 and h.data == b"", h
        assert int(h.header("Content-Length")) == len(g.data)

        customers = [d.login(who) for who in ("alice", "olga")]
        before = d.dump()
        for path in ("/api/v1/agents", "/api/v1/orgs"):
            for c in customers:
                check_error(c.get(path), 403, "forbidden")
            check_error(Client(d).get(path), 401, "unauthenticated")
            check_error(agent.get(path + "?x=1"), 400, "unknown_parameter", "x")
            check_error(agent.post(path, {}), 405, "method_not_allowed")
        assert d.dump() == before
    finally:
        d.close()


if __name__ == "__main__":
    run()

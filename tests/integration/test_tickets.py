"""Tickets through the HTTP API: opening, listing, reading, commenting,
changing, following, who sees what, restarts and MessagePack answers."""

import re

from harness import (check_error, check_security_headers, msgpack_decode, run, test, world)

RFC3339 = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$")


def refs(listing):
    return [t["ref"] for t in listing["tickets"]]


def number(ref):
    return int(ref.split("-")[1])


def get_ticket(c, ref):
    r = c.get(f"/api/v1/tickets/{ref}")
    assert r.status == 200, r
    return r.json["ticket"]


def listing(c, query=""):
    r = c.get("/api/v1/tickets" + query)
    assert r.status == 200, r
    check_security_headers(r)
    return r.json


def total(counts):
    return sum(counts["priority"].values())


@test
def test_create_ticket_with_defaults_and_increasing_references():
    d = world()
    try:
        alice = d.login("alice")
        r = alice.post("/api/v1/tickets", {"title": "Printer on fire", "description": "It smokes."})
        assert r.status == 201, r
        check_security_headers(r)
        t = r.json["ticket"]
        assert t["ref"] == "HD-10001", t
        assert r.header("Location") == "/api/v1/tickets/HD-10001", r.headers
        assert t["title"] == "Printer on fire" and t["description"] == "It smokes.", t
        assert t["type"] == "incident" and t["priority"] == "P4", t
        assert t["status"], t
        assert t["requester"]["id"] == d.users["alice"]["id"], t
        assert t["requester"]["name"] == "Alice Acme", t
        assert t["requester"]["support"] is False, t
        assert RFC3339.match(t["created"]) and RFC3339.match(t["updated"]), t
        assert t["closed"] is None, t
        assert t["channel"] == "portal", t
        # The creator follows the ticket.
        assert t["following"] is True, t
        assert d.users["alice"]["id"] in t["followers"], t
        # The timeline starts with the creation, by alice.
        assert len(t["timeline"]) == 1, t
        ev = t["timeline"][0]
        assert ev["kind"] == "created" and ev["seq"] == 1, ev
        assert ev["actor"]["id"] == d.users["alice"]["id"] and ev["actor"]["support"] is False, ev
        assert ev["from_support"] is False and ev["internal"] is False, ev
        assert RFC3339.match(ev["time"]), ev
        # The Location answers with the same ticket.
        assert get_ticket(alice, "HD-10001") == t

        t2 = alice.create_ticket("Second", "two")
        assert t2["ref"] == "HD-10002", t2
        bob = d.login("bob")
        t3 = bob.create_ticket("Third", "three", type="question", priority="P2")
        assert t3["ref"] == "HD-10003", t3
        assert t3["type"] == "question" and t3["priority"] == "P2", t3
        gina = d.login("gina")
        t4 = gina.create_ticket("Other company", "four", priority="P1", type="change_request")
        assert t4["ref"] == "HD-10004", t4
        assert t4["priority"] == "P1" and t4["type"] == "change_request", t4
        # A priority may also be given as a number.
        t5 = gina.create_ticket("Numbered", "five", priority=3)
        assert t5["priority"] == "P3", t5
    finally:
        d.close()


@test
def test_references_use_the_configured_prefix():
    d = world(config="[security]\nscrypt_n = 1024\n[server]\nticket_prefix = SUP\n")
    try:
        alice = d.login("alice")
        r = alice.post("/api/v1/tickets", {"title": "t", "description": "d"})
        assert r.status == 201, r
        assert r.json["ticket"]["ref"] == "SUP-10001", r
        assert r.header("Location") == "/api/v1/tickets/SUP-10001", r.headers
        assert get_ticket(alice, "SUP-10001")["title"] == "t"
        check_error(alice.get("/api/v1/tickets/HD-10001"), 404, "not_found")
    finally:
        d.close()


@test
def test_list_views_with_counts_for_the_whole_view():
    d = world()
    try:
        alice = d.login("alice")
        made = [alice.create_ticket(f"T{i}", "d", priority=p)
                for i, p in enumerate(["P1", "P2", "P4", "P4"])]
        status = made[0]["status"]
        lst = listing(alice)
        assert lst["view"] == "open", lst
        assert refs(lst) == [t["ref"] for t in reversed(made)], lst  # newest first
        assert lst["counts"]["priority"] == {"P1": 1, "P2": 1, "P3": 0, "P4": 2}, lst
        assert lst["counts"]["status"] == {status: 4}, lst
        assert lst["next_cursor"] is None, lst
        item = lst["tickets"][0]
        assert item["title"] == "T3" and item["priority"] == "P4", item
        assert "description" not in item and "timeline" not in item, item
        assert item["requester"]["id"] == d.users["alice"]["id"], item
        assert listing(alice, "?view=open") == lst

        lst_all = listing(alice, "?view=all")
        assert lst_all["view"] == "all"
        assert refs(lst_all) == refs(lst) and lst_all["counts"] == lst["counts"], lst_all

        closed = listing(alice, "?view=closed")
        assert closed["view"] == "closed" and closed["tickets"] == [], closed
        assert closed["counts"]["priority"] == {"P1": 0, "P2": 0, "P3": 0, "P4": 0}, closed
        assert closed["counts"]["status"] == {}, closed
        assert closed["next_cursor"] is None

        # Counts cover the whole view, not just the page.
        page = listing(alice, "?limit=1")
        assert len(page["tickets"]) == 1 and page["next_cursor"], page
        assert page["counts"] == lst["counts"], page

        # Counts follow changes of priority.
        agent = d.login("agent")
        assert agent.patch(f"/api/v1/tickets/{made[2]['ref']}", {"priority": "P3"}).status == 200
        assert listing(alice)["counts"]["priority"] == {"P1": 1, "P2": 1, "P3": 1, "P4": 1}
    finally:
        d.close()


@test
def test_cursor_pagination_walks_every_ticket_once_newest_first():
    d = world()
    try:
        alice = d.login("alice")
        made = [alice.create_ticket(f"Ticket {i}", "d")["ref"] for i in range(25)]
        seen = []
        pages = []
        query = "?limit=10"
        while True:
            page = listing(alice, query)
            # Counts are of the view as it is now, whatever the page.
            assert page["counts"]["priority"]["P4"] == (25 if not pages else 26), page["counts"]
            pages.append(len(page["tickets"]))
            seen += refs(page)
            if page["next_cursor"] is None:
                break
            assert isinstance(page["next_cursor"], str), page
            query = f"?limit=10&cursor={page['next_cursor']}"
            if len(pages) == 1:
                # A ticket opened while paging does not shift later pages.
                alice.create_ticket("Opened meanwhile", "d")
            assert len(pages) < 10, pages
        assert pages == [10, 10, 5], pages
        assert len(set(seen)) == len(seen), seen
        assert seen == list(reversed(made)), seen
        assert sorted(seen, key=number, reverse=True) == seen
        # A cursor can be used again and gives the same page.
        first = listing(alice, "?limit=10")
        second = listing(alice, f"?limit=10&cursor={first['next_cursor']}")
        assert refs(second) == refs(listing(alice, f"?limit=10&cursor={first['next_cursor']}"))
        assert number(refs(second)[0]) < number(refs(first)[-1]), (first, second)
        # One big page holds everything, without a cursor.
        big = listing(alice, "?limit=100")
        assert len(big["tickets"]) == 26 and big["next_cursor"] is None, big
        # The default page size is 25.
        default = listing(alice)
        assert len(default["tickets"]) == 25 and default["next_cursor"], default
    finally:
        d.close()


@test
def test_comments_by_customer_and_agent():
    d = world()
    try:
        alice, agent = d.login("alice"), d.login("agent")
        ref = alice.create_ticket()["ref"]
        r = alice.post(f"/api/v1/tickets/{ref}/comments", {"body": "Any news?"})
        assert r.status == 201, r
        t = r.json["ticket"]
        ev = t["timeline"][-1]
        assert ev["kind"] == "comment" and ev["body"] == "Any news?", ev
        assert ev["seq"] == 2 and ev["internal"] is False, ev
        assert ev["from_support"] is False and ev["actor"]["support"] is False, ev
        assert ev["actor"]["id"] == d.users["alice"]["id"], ev

        r = agent.post(f"/api/v1/tickets/{ref}/comments", {"body": "We are on it."})
        assert r.status == 201, r
        ev = r.json["ticket"]["timeline"][-1]
        assert ev["body"] == "We are on it." and ev["seq"] == 3, ev
        assert ev["from_support"] is True and ev["actor"]["support"] is True, ev
        assert ev["actor"]["name"] == "Ann Agent", ev

        # The customer reads both, in order.
        t = get_ticket(alice, ref)
        assert [e["kind"] for e in t["timeline"]] == ["created", "comment", "comment"], t
        assert [e["seq"] for e in t["timeline"]] == [1, 2, 3], t
        assert [e.get("body") for e in t["timeline"][1:]] == ["Any news?", "We are on it."]
        # Text is kept as written, markup included (it is escaped on display).
        body = "<script>alert(1)</script> & \"quotes\" \u00e9\u00e8 \U0001F600\nline two"
        r = alice.post(f"/api/v1/tickets/{ref}/comments", {"body": body})
        assert r.status == 201, r
        assert get_ticket(alice, ref)["timeline"][-1]["body"] == body
        # A comment moves the ticket's updated time.
        assert get_ticket(alice, ref)["updated"] >= t["created"]
    finally:
        d.close()


@test
def test_patch_type_and_priority_records_who_changed_what():
    d = world()
    try:
        alice, agent = d.login("alice"), d.login("agent")
        ref = alice.create_ticket()["ref"]
        r = agent.patch(f"/api/v1/tickets/{ref}", {"priority": "P2"})
        assert r.status == 200, r
        t = r.json["ticket"]
        assert t["priority"] == "P2", t
        ev = t["timeline"][-1]
        assert ev["kind"] == "field" and ev["field"] == "priority", ev
        assert ev["old"] == "P4" and ev["new"] == "P2", ev
        assert ev["actor"]["id"] == d.users["agent"]["id"] and ev["from_support"] is True, ev
        assert RFC3339.match(ev["time"]), ev

        # Two fields, one of them unchanged: one event.
        n = len(t["timeline"])
        r = agent.patch(f"/api/v1/tickets/{ref}", {"type": "question", "priority": "P2"})
        assert r.status == 200, r
        t = r.json["ticket"]
        assert t["type"] == "question" and t["priority"] == "P2", t
        assert len(t["timeline"]) == n + 1, t["timeline"]
        ev = t["timeline"][-1]
        assert (ev["field"], ev["old"], ev["new"]) == ("type", "incident", "question"), ev

        # Both fields at once: two events.
        r = agent.patch(f"/api/v1/tickets/{ref}", {"type": "incident", "priority": 1})
        assert r.status == 200, r
        t = r.json["ticket"]
        assert (t["type"], t["priority"]) == ("incident", "P1"), t
        assert {(e["field"], e["old"], e["new"]) for e in t["timeline"][-2:]} == {
            ("type", "question", "incident"), ("priority", "P2", "P1")}, t["timeline"]

        # Nothing changed: no event.
        n = len(t["timeline"])
        r = agent.patch(f"/api/v1/tickets/{ref}", {"priority": "P1"})
        assert r.status == 200 and len(r.json["ticket"]["timeline"]) == n, r

        # The customer sees the changes and who made them.
        t = get_ticket(alice, ref)
        assert t["priority"] == "P1"
        assert [e["actor"]["name"] for e in t["timeline"] if e["kind"] == "field"] == \
            ["Ann Agent"] * 4, t["timeline"]
    finally:
        d.close()


@test
def test_customer_changes_priority_of_own_ticket():
    d = world()
    try:
        alice = d.login("alice")
        ref = alice.create_ticket()["ref"]
        r = alice.patch(f"/api/v1/tickets/{ref}", {"priority": "P3"})
        assert r.status == 200, r
        ev = r.json["ticket"]["timeline"][-1]
        assert (ev["field"], ev["old"], ev["new"]) == ("priority", "P4", "P3"), ev
        assert ev["actor"]["id"] == d.users["alice"]["id"] and ev["from_support"] is False, ev
    finally:
        d.close()


@test
def test_follow_and_unfollow():
    d = world()
    try:
        alice, olga, agent = d.login("alice"), d.login("olga"), d.login("agent")
        ref = alice.create_ticket()["ref"]
        t = get_ticket(olga, ref)
        assert t["following"] is False, t
        r = olga.post(f"/api/v1/tickets/{ref}/follow")
        assert r.status == 200, r
        t = r.json["ticket"]
        assert t["following"] is True, t
        assert d.users["olga"]["id"] in t["followers"], t
        ev = t["timeline"][-1]
        assert ev["kind"] == "follow" and ev["actor"]["id"] == d.users["olga"]["id"], ev
        n = len(t["timeline"])
        # Following twice changes nothing.
        r = olga.post(f"/api/v1/tickets/{ref}/follow")
        assert r.status == 200 and len(r.json["ticket"]["timeline"]) == n, r
        # Others see olga among the followers, but are not following themselves.
        t = get_ticket(agent, ref)
        assert t["following"] is False and d.users["olga"]["id"] in t["followers"], t
        assert get_ticket(alice, ref)["following"] is True

        r = olga.delete(f"/api/v1/tickets/{ref}/follow")
        assert r.status == 200, r
        t = r.json["ticket"]
        assert t["following"] is False and d.users["olga"]["id"] not in t["followers"], t
        assert t["timeline"][-1]["kind"] == "unfollow", t["timeline"]
        n = len(t["timeline"])
        r = olga.delete(f"/api/v1/tickets/{ref}/follow")
        assert r.status == 200 and len(r.json["ticket"]["timeline"]) == n, r

        # The creator may stop following too; an agent may follow.
        r = alice.delete(f"/api/v1/tickets/{ref}/follow")
        assert r.status == 200 and r.json["ticket"]["following"] is False, r
        r = agent.post(f"/api/v1/tickets/{ref}/follow")
        assert r.status == 200 and r.json["ticket"]["following"] is True, r
        assert r.json["ticket"]["timeline"][-1]["from_support"] is True
        assert get_ticket(alice, ref)["following"] is False
    finally:
        d.close()


@test
def test_who_sees_which_tickets():
    d = world()
    try:
        alice, bob, olga = d.login("alice"), d.login("bob"), d.login("olga")
        gina, gus = d.login("gina"), d.login("gus")
        agent, admin = d.login("agent"), d.login("admin")
        a = alice.create_ticket("Alice's", "a", priority="P1")["ref"]
        b = bob.create_ticket("Bob's", "b", priority="P2")["ref"]
        g = gina.create_ticket("Gina's", "g", priority="P3")["ref"]
        missing = check_error(alice.get("/api/v1/tickets/HD-99999"), 404, "not_found")

        # A plain customer sees only their own tickets.
        assert refs(listing(alice)) == [a]
        assert total(listing(alice)["counts"]) == 1
        assert listing(alice)["counts"]["priority"]["P2"] == 0
        assert refs(listing(bob, "?view=all")) == [b]
        for who, ref in ((alice, b), (bob, a), (alice, g), (gina, a)):
            e = check_error(who.get(f"/api/v1/tickets/{ref}"), 404, "not_found")
            assert e == missing, "a hidden ticket must look like a missing one"

        # An organisation-wide customer sees the organisation's tickets only.
        lst = listing(olga)
        assert refs(lst) == [b, a], lst
        assert lst["counts"]["priority"] == {"P1": 1, "P2": 1, "P3": 0, "P4": 0}, lst
        assert get_ticket(olga, a)["title"] == "Alice's"
        assert get_ticket(olga, b)["title"] == "Bob's"
        assert check_error(olga.get(f"/api/v1/tickets/{g}"), 404) == missing
        lst = listing(gus)
        assert refs(lst) == [g] and total(lst["counts"]) == 1, lst
        assert check_error(gus.get(f"/api/v1/tickets/{a}"), 404) == missing

        # Support sees everything.
        for staff in (agent, admin):
            lst = listing(staff)
            assert refs(lst) == [g, b, a], lst
            assert lst["counts"]["priority"] == {"P1": 1, "P2": 1, "P3": 1, "P4": 0}, lst
            for ref in (a, b, g):
                assert get_ticket(staff, ref)["ref"] == ref

        # An organisation-wide customer may answer a colleague's ticket.
        r = olga.post(f"/api/v1/tickets/{a}/comments", {"body": "I can confirm."})
        assert r.status == 201, r
        assert get_ticket(alice, a)["timeline"][-1]["body"] == "I can confirm."
        # Nobody acts on a ticket they cannot see, and it stays unchanged.
        before = get_ticket(agent, a)
        for who in (bob, gina, gus):
            check_error(who.post(f"/api/v1/tickets/{a}/comments", {"body": "x"}), 404)
            check_error(who.patch(f"/api/v1/tickets/{a}", {"priority": "P1"}), 404)
            check_error(who.post(f"/api/v1/tickets/{a}/follow"), 404)
            check_error(who.delete(f"/api/v1/tickets/{a}/follow"), 404)
        assert get_ticket(agent, a) == before
    finally:
        d.close()


@test
def test_internal_notes_are_for_support_only():
    d = world()
    try:
        alice, olga, agent = d.login("alice"), d.login("olga"), d.login("agent")
        ref = alice.create_ticket()["ref"]
        secret = "Customer is on the old contract; do not promise anything"
        r = agent.post(f"/api/v1/tickets/{ref}/comments", {"body": secret, "internal": True})
        assert r.status == 201, r
        ev = r.json["ticket"]["timeline"][-1]
        assert ev["internal"] is True and ev["body"] == secret and ev["from_support"] is True, ev
        r = agent.post(f"/api/v1/tickets/{ref}/comments", {"body": "Public answer"})
        assert r.status == 201, r

        t = get_ticket(agent, ref)
        assert [e["kind"] for e in t["timeline"]] == ["created", "comment", "comment"], t
        assert [e["internal"] for e in t["timeline"]] == [False, True, False], t
        for who in (alice, olga):
            r = who.get(f"/api/v1/tickets/{ref}")
            assert r.status == 200, r
            assert secret not in r.body, r.body
            tl = r.json["ticket"]["timeline"]
            assert [e.get("body") for e in tl if e["kind"] == "comment"] == ["Public answer"], tl
            assert all(e["internal"] is False for e in tl), tl
            r = who.get(f"/api/v1/tickets/{ref}", headers={"Accept": "application/msgpack"})
            assert secret.encode() not in r.data
            assert secret not in who.get("/api/v1/tickets?view=all").body
        # The answers to the customer's own writes hide it as well.
        r = alice.post(f"/api/v1/tickets/{ref}/comments", {"body": "Thanks"})
        assert r.status == 201 and secret not in r.body, r
        r = alice.post(f"/api/v1/tickets/{ref}/follow")
        assert r.status == 200 and secret not in r.body, r

        # A customer cannot write an internal note.
        n = len(get_ticket(agent, ref)["timeline"])
        check_error(alice.post(f"/api/v1/tickets/{ref}/comments",
                               {"body": "psst", "internal": True}), 403, "forbidden", "internal")
        check_error(olga.post(f"/api/v1/tickets/{ref}/comments",
                              {"body": "psst", "internal": True}), 403, "forbidden")
        assert len(get_ticket(agent, ref)["timeline"]) == n
        # internal: false is an ordinary comment for anybody.
        r = alice.post(f"/api/v1/tickets/{ref}/comments", {"body": "open", "internal": False})
        assert r.status == 201 and r.json["ticket"]["timeline"][-1]["internal"] is False, r
    finally:
        d.close()


@test
def test_restart_keeps_everything():
    d = world()
    try:
        alice, olga, agent = d.login("alice"), d.login("olga"), d.login("agent")
        a = alice.create_ticket("First", "one", priority="P2")["ref"]
        b = alice.create_ticket("Second", "two")["ref"]
        assert alice.post(f"/api/v1/tickets/{a}/comments", {"body": "hello"}).status == 201
        assert agent.post(f"/api/v1/tickets/{a}/comments",
                          {"body": "note", "internal": True}).status == 201
        assert agent.patch(f"/api/v1/tickets/{b}", {"type": "question"}).status == 200
        assert olga.post(f"/api/v1/tickets/{b}/follow").status == 200
        token = d.token("agent")

        def snapshot():
            return {
                "alice": [get_ticket(alice, a), get_ticket(alice, b), listing(alice, "?view=all")],
                "olga": [listing(olga)],
                "agent": [get_ticket(agent, a), get_ticket(agent, b), listing(agent)],
            }

        before = snapshot()
        dump = d.dump()
        d.restart()
        # Sessions survive a restart: nobody has to sign in again.
        assert snapshot() == before
        assert d.dump() == dump
        r = d.request("GET", "/api/v1/me", headers={"Authorization": "Bearer " + token})
        assert r.status == 200, r
        # Numbers go on where they were.
        assert alice.create_ticket("Third", "three")["ref"] == "HD-10003"
        d.restart()
        assert alice.create_ticket("Fourth", "four")["ref"] == "HD-10004"
        assert refs(listing(alice)) == ["HD-10004", "HD-10003", b, a]
    finally:
        d.close()


@test
def test_msgpack_answers_when_asked_for():
    d = world()
    try:
        alice = d.login("alice")
        ref = alice.create_ticket("Msgpack", "d\u00e9j\u00e0 vu")["ref"]
        mp = {"Accept": "application/msgpack"}
        for path in (f"/api/v1/tickets/{ref}", "/api/v1/tickets?view=all", "/api/v1/me"):
            as_json = alice.get(path)
            r = alice.get(path, headers=mp)
            assert r.status == 200, r
            check_security_headers(r)
            assert r.header("Content-Type") == "application/msgpack", r.headers
            assert r.data[0] in range(0x80, 0x90) or r.data[0] in (0xde, 0xdf), r.data[:8]
            assert msgpack_decode(r.data) == as_json.json, path
        # Writes and errors answer in MessagePack too.
        r = alice.post("/api/v1/tickets", {"title": "t", "description": "d"}, headers=mp)
        assert r.status == 201 and r.header("Content-Type") == "application/msgpack", r
        assert msgpack_decode(r.data)["ticket"]["ref"] == "HD-10002"
        r = alice.get("/api/v1/tickets/HD-99999", headers=mp)
        assert r.status == 404 and r.header("Content-Type") == "application/msgpack", r
        assert msgpack_decode(r.data)["error"]["code"] == "not_found"
        # Without the Accept header the answer is JSON.
        r = alice.get(f"/api/v1/tickets/{ref}", headers={"Accept": "application/json"})
        assert r.header("Content-Type").startswith("application/json") and r.json, r
    finally:
        d.close()


if __name__ == "__main__":
    run()

"""The ticket lifecycle as customers and approvers live it: the seed
portals' journeys (wait for the customer, resolve, accept with a rating,
reopen, cancel, close), what a closed ticket refuses, approvals, people
involved and sharing, and the service catalogue with its priority rules.
Support's side (statuses, assignment, notes, time, links, the sensitive data
guard, tickets registered for a customer, the workflow) is in
test_lifecycle_agent.py."""

import json
import re

from harness import PASSWORD, check_error, check_security_headers, run, test, world

RFC3339 = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$")


# ---- helpers ----

def add_user(d, email, name, role="customer", org=None, approver=False, language=None):
    args = ["--json", "user", "add", "--email", email, "--name", name, "--role", role]
    if org:
        args += ["--org", org]
    if approver:
        args.append("--approver")
    if language:
        args += ["--language", language]
    args.append("--password-stdin")
    return json.loads(d.ctl(*args, input=PASSWORD + "\n").stdout)


def uid(d, who):
    return d.users[who]["id"]


def form(**extra):
    """An incident form with the fields the request type requires."""
    body = {"request_type": "report_incident", "impact": 3, "urgency": 3}
    body.update(extra)
    return body


def incident(c, title="Printer on fire", description="It smokes.", **extra):
    return c.create_ticket(title, description, **form(**extra))


def new_ticket(c, title="Printer on fire", description="It smokes.", **extra):
    """POST /api/v1/tickets with an incident form; the raw answer."""
    return c.post("/api/v1/tickets", {"title": title, "description": description, **form(**extra)})


def get(c, ref, **kw):
    r = c.get(f"/api/v1/tickets/{ref}", **kw)
    assert r.status == 200, r
    return r.json["ticket"]


def listing(c, view="open"):
    r = c.get(f"/api/v1/tickets?view={view}")
    assert r.status == 200, r
    return r.json


def refs(lst):
    return [t["ref"] for t in lst["tickets"]]


def total(lst):
    return sum(lst["counts"]["priority"].values())


def act(c, ref, action, **kw):
    return c.post(f"/api/v1/tickets/{ref}/actions", {"action": action, **kw})


def do(c, ref, action, **kw):
    r = act(c, ref, action, **kw)
    assert r.status == 200, (action, kw, r)
    check_security_headers(r)
    return r.json["ticket"]


def comment(c, ref, body, **kw):
    r = c.post(f"/api/v1/tickets/{ref}/comments", {"body": body, **kw})
    assert r.status == 201, r
    return r.json["ticket"]


def actions(t):
    return {a["action"]: a for a in t["actions"]}


def status_moves(t):
    return [(e["old"], e["new"]) for e in t["timeline"] if e["kind"] == "status"]


def check_event(ev, kind, actor_id, support, **fields):
    """ev is a kind event by actor_id at a proper time, with the given
    fields (old=..., new=..., body=...)."""
    assert ev["kind"] == kind, ev
    assert ev["actor"]["id"] == actor_id and ev["actor_id"] == actor_id, ev
    assert ev["actor"]["support"] is support and ev["from_support"] is support, ev
    assert ev["actor"]["name"], ev
    assert RFC3339.match(ev["time"]), ev
    for k, v in fields.items():
        assert ev.get(k) == v, (k, v, ev)


def check_timeline(t):
    """Every event has a number, an actor and a time, in order."""
    seqs = [e["seq"] for e in t["timeline"]]
    assert seqs == sorted(seqs) and len(set(seqs)) == len(seqs), seqs
    times = [e["time"] for e in t["timeline"]]
    assert times == sorted(times), times
    for e in t["timeline"]:
        assert RFC3339.match(e["time"]) and e["actor"]["name"], e
        if e["kind"] in ("status", "field"):
            assert "old" in e and "new" in e, e


# ---- the seed journeys ----

@test
def test_autoflex_journey_wait_for_customer_resolve_and_accept_with_rating():
    d = world()
    try:
        alice, agent = d.login("alice"), d.login("agent")
        t = incident(alice, "Invoice run stops", "The monthly invoice run stops at 40%.")
        ref = t["ref"]
        assert (t["status"], t["status_category"], t["status_label"]) == ("new", "new", "New"), t
        assert {"cancel", "close"} <= set(actions(t)), t["actions"]
        assert not {"accept", "reopen", "set_status", "resolve"} & set(actions(t)), t["actions"]

        # Support needs more information: the ticket waits for the customer.
        t = do(agent, ref, "set_status", status="waiting_for_customer")
        assert (t["status"], t["status_category"]) == ("waiting_for_customer", "waiting"), t
        check_event(t["timeline"][-1], "status", uid(d, "agent"), True,
                    old="new", new="waiting_for_customer")
        c = get(alice, ref)
        assert c["status"] == "waiting_for_customer", c
        assert c["status_label"] == "Waiting for customer", c

        # The customer answers: the ticket is back with support by itself.
        t = comment(alice, ref, "It stops after invoice 1200.")
        assert (t["status"], t["status_category"]) == ("in_progress", "open"), t
        said, moved = t["timeline"][-2:]
        check_event(said, "comment", uid(d, "alice"), False, body="It stops after invoice 1200.")
        check_event(moved, "status", uid(d, "alice"), False,
                    old="waiting_for_customer", new="in_progress")
        # Support's own answer leaves the status alone.
        t = comment(agent, ref, "Thanks, we can reproduce it.")
        assert t["status"] == "in_progress", t

        # Support resolves, with a resolution code and the underlying cause.
        t = do(agent, ref, "resolve", resolution_code="fixed", cause="configuration_error")
        assert (t["status"], t["status_category"]) == ("resolved", "resolved"), t
        assert t["resolution_code"] == "fixed" and t["cause"] == "configuration_error", t
        assert RFC3339.match(t["resolved"]) and t["closed"] is None, t
        check_event(t["timeline"][-1], "status", uid(d, "agent"), True,
                    old="in_progress", new="resolved")
        # The customer sees the resolution and its cause, among the resolved tickets,
        # and is offered to accept (with a rating) or reopen (with a comment).
        c = get(alice, ref)
        assert (c["resolution_code"], c["cause"]) == ("fixed", "configuration_error"), c
        offered = actions(c)
        assert offered["accept"]["needs_rating"] is True, offered
        assert offered["reopen"]["needs_comment"] is True, offered
        assert refs(listing(alice, "resolved")) == [ref]

        # Accepted with a rating and a comment: closed for good.
        t = do(alice, ref, "accept", rating=4, comment="Quick and friendly, thanks.")
        assert (t["status"], t["status_category"]) == ("closed", "closed"), t
        assert t["rating"] == 4 and t["rating_comment"] == "Quick and friendly, thanks.", t
        assert RFC3339.match(t["closed"]) and t["closed"] >= t["resolved"], t
        assert t["actions"] == [], t["actions"]
        check_event(t["timeline"][-1], "status", uid(d, "alice"), False,
                    old="resolved", new="closed", rating=4)
        assert "Quick and friendly, thanks." in [e.get("body") for e in t["timeline"]], \
            t["timeline"]
        assert status_moves(t) == [("new", "waiting_for_customer"),
                                   ("waiting_for_customer", "in_progress"),
                                   ("in_progress", "resolved"), ("resolved", "closed")], t
        check_timeline(t)

        # Support sees the rating; the ticket moved from the open to the closed list.
        assert get(agent, ref)["rating"] == 4
        closed = listing(alice, "closed")
        assert refs(closed) == [ref], closed
        assert closed["counts"]["status"] == {"closed": 1}, closed
        assert closed["counts"]["priority"] == {"P1": 0, "P2": 0, "P3": 0, "P4": 1}, closed
        assert listing(alice, "open")["tickets"] == [] and total(listing(alice, "open")) == 0
        assert listing(alice, "resolved")["tickets"] == []
        assert refs(listing(agent, "closed")) == [ref]
        # ... and stays so after a restart.
        before = get(alice, ref)
        d.restart()
        assert get(alice, ref) == before
    finally:
        d.close()


@test
def test_resolved_ticket_reopens_only_with_a_comment():
    d = world()
    try:
        alice, agent = d.login("alice"), d.login("agent")
        ref = incident(alice)["ref"]
        do(agent, ref, "resolve")
        before = get(agent, ref)
        for body in ({}, {"comment": ""}, {"comment": "  \n\t"}):
            e = check_error(act(alice, ref, "reopen", **body), 422, "required", "comment")
            assert "comment" in e["message"], e
        assert get(agent, ref) == before

        t = do(alice, ref, "reopen", comment="Still broken after the update.")
        assert (t["status"], t["status_category"]) == ("in_progress", "open"), t
        check_event(t["timeline"][-1], "status", uid(d, "alice"), False,
                    old="resolved", new="in_progress")
        # The reason is part of the conversation, for support as for the customer.
        for who in (alice, agent):
            bodies = [e.get("body") for e in get(who, ref)["timeline"]]
            assert "Still broken after the update." in bodies, bodies
        assert refs(listing(alice, "open")) == [ref] and listing(alice, "resolved")["tickets"] == []

        # Resolved with a workaround, reopened again.
        t = do(agent, ref, "resolve", status="resolved_workaround")
        assert (t["status"], t["status_category"]) == ("resolved_workaround", "resolved"), t
        t = do(alice, ref, "reopen", comment="The workaround is not enough.")
        assert t["status"] == "in_progress", t
        # Only a resolved ticket can be reopened, and the answer says so.
        e = check_error(act(alice, ref, "reopen", comment="again"), 409, "not_allowed")
        assert "reopen" in e["message"], e
        assert status_moves(get(alice, ref)) == [
            ("new", "resolved"), ("resolved", "in_progress"),
            ("in_progress", "resolved_workaround"), ("resolved_workaround", "in_progress")]
    finally:
        d.close()


@test
def test_customer_comment_on_a_resolved_ticket_reopens_it():
    d = world()
    try:
        alice, olga, agent = d.login("alice"), d.login("olga"), d.login("agent")
        ref = incident(alice)["ref"]
        do(agent, ref, "resolve", status="completed_to_be_tested")
        # Support's comments, public or internal, leave a resolved ticket resolved.
        assert comment(agent, ref, "Please test on acceptance.")["status"] == \
            "completed_to_be_tested"
        assert comment(agent, ref, "Probably fine", internal=True)["status"] == \
            "completed_to_be_tested"
        t = comment(alice, ref, "Tested: it still fails on Mondays.")
        assert (t["status"], t["status_category"]) == ("in_progress", "open"), t
        check_event(t["timeline"][-1], "status", uid(d, "alice"), False,
                    old="completed_to_be_tested", new="in_progress")
        assert refs(listing(alice, "resolved")) == []
        # A colleague who sees the whole organisation reopens it the same way.
        do(agent, ref, "resolve")
        t = comment(olga, ref, "Same here.")
        assert t["status"] == "in_progress", t
        check_event(t["timeline"][-1], "status", uid(d, "olga"), False,
                    old="resolved", new="in_progress")
    finally:
        d.close()


@test
def test_cancel_moves_a_new_ticket_to_the_closed_list():
    d = world()
    try:
        alice, agent = d.login("alice"), d.login("agent")
        keep = incident(alice, "Keep me")["ref"]
        ref = incident(alice, "Never mind", priority="P2")["ref"]
        t = do(alice, ref, "cancel")
        assert (t["status"], t["status_category"]) == ("cancelled", "closed"), t
        assert t["status_label"] == "Cancelled" and RFC3339.match(t["closed"]), t
        assert t["actions"] == [], t
        check_event(t["timeline"][-1], "status", uid(d, "alice"), False,
                    old="new", new="cancelled")
        open_ = listing(alice, "open")
        assert refs(open_) == [keep] and open_["counts"]["status"] == {"new": 1}, open_
        closed = listing(alice, "closed")
        assert refs(closed) == [ref], closed
        assert closed["counts"]["status"] == {"cancelled": 1}, closed
        assert closed["counts"]["priority"]["P2"] == 1 and total(closed) == 1, closed
        assert refs(listing(alice, "all")) == [ref, keep]
        assert refs(listing(agent, "closed")) == [ref]
        # A waiting ticket can be cancelled too.
        do(agent, keep, "set_status", status="waiting_for_third_party")
        assert do(alice, keep, "cancel")["status"] == "cancelled"
    finally:
        d.close()


@test
def test_customer_closes_an_open_ticket():
    d = world()
    try:
        alice, agent = d.login("alice"), d.login("agent")
        ref = incident(alice)["ref"]
        do(agent, ref, "set_status", status="second_line")
        assert get(alice, ref)["status_label"] == "Second line"
        t = do(alice, ref, "close")
        assert (t["status"], t["status_category"]) == ("closed", "closed"), t
        assert t["rating"] is None and RFC3339.match(t["closed"]), t
        check_event(t["timeline"][-1], "status", uid(d, "alice"), False,
                    old="second_line", new="closed")
        assert refs(listing(alice, "closed")) == [ref] and refs(listing(alice, "open")) == []
        # Only support resolves; a customer cannot mark their ticket resolved.
        other = incident(alice)["ref"]
        check_error(act(alice, other, "resolve"), 409, "not_allowed")
        check_error(act(alice, other, "set_status", status="resolved"), 409, "not_allowed")
        assert get(alice, other)["status"] == "new"
    finally:
        d.close()


@test
def test_closed_and_cancelled_tickets_refuse_every_change():
    d = world()
    try:
        alice, olga, agent = d.login("alice"), d.login("olga"), d.login("agent")
        closed = incident(alice, "Closed one")["ref"]
        do(agent, closed, "resolve")
        do(alice, closed, "accept", rating=5)
        cancelled = incident(alice, "Cancelled one")["ref"]
        do(alice, cancelled, "cancel")
        for ref in (closed, cancelled):
            before = {who: get(c, ref) for who, c in (("alice", alice), ("agent", agent))}
            assert before["alice"]["actions"] == [] and before["agent"]["actions"] == []
            refusals = [
                alice.post(f"/api/v1/tickets/{ref}/comments", {"body": "Hello?"}),
                olga.post(f"/api/v1/tickets/{ref}/comments", {"body": "Me too"}),
                agent.post(f"/api/v1/tickets/{ref}/comments", {"body": "Note", "internal": True}),
                agent.post(f"/api/v1/tickets/{ref}/comments", {"body": "Public"}),
                act(alice, ref, "reopen", comment="Please look again"),
                act(alice, ref, "cancel"),
                act(alice, ref, "close"),
                act(alice, ref, "accept", rating=5),
                act(agent, ref, "set_status", status="in_progress"),
                act(agent, ref, "set_status", status="closed"),
                act(agent, ref, "resolve"),
                alice.patch(f"/api/v1/tickets/{ref}", {"priority": "P1"}),
                agent.patch(f"/api/v1/tickets/{ref}", {"priority": "P1"}),
                agent.patch(f"/api/v1/tickets/{ref}", {"assignee_id": uid(d, "agent")}),
                agent.patch(f"/api/v1/tickets/{ref}", {"resolution_code": "other"}),
                alice.post(f"/api/v1/tickets/{ref}/participants", {"email": "bob@acme.example"}),
            ]
            for r in refusals:
                e = check_error(r, 409, "ticket_closed")
                assert "closed" in e["message"], e
            after = {who: get(c, ref) for who, c in (("alice", alice), ("agent", agent))}
            assert after == before, ref
            assert refs(listing(alice, "closed")) == [cancelled, closed]
    finally:
        d.close()


@test
def test_accept_needs_a_rating_from_1_to_5_and_only_accept_takes_one():
    d = world()
    try:
        alice, agent = d.login("alice"), d.login("agent")
        ref = incident(alice)["ref"]
        fresh = incident(alice, "Fresh")["ref"]
        do(agent, ref, "resolve")
        before = get(agent, ref), get(agent, fresh)
        check_error(act(alice, ref, "accept"), 422, "required", "rating")
        check_error(act(alice, ref, "accept", comment="Fine"), 422, "required", "rating")
        for bad in (0, 6, -1, 100):
            check_error(act(alice, ref, "accept", rating=bad), 422, "invalid_value", "rating")
        for bad in ("5", 4.5, True):
            check_error(act(alice, ref, "accept", rating=bad), 422, None, "rating")
        # A rating belongs to accepting a resolved ticket.
        check_error(act(alice, ref, "reopen", comment="No", rating=3), 422, "invalid_value",
                    "rating")
        check_error(act(alice, fresh, "cancel", rating=2), 422, "invalid_value", "rating")
        check_error(act(agent, fresh, "resolve", rating=5), 422, "invalid_value", "rating")
        # Accepting is for resolved tickets, and for the customer.
        check_error(act(alice, fresh, "accept", rating=5), 409, "not_allowed")
        check_error(act(agent, ref, "accept", rating=5), 409, "not_allowed")
        assert (get(agent, ref), get(agent, fresh)) == before

        t = do(alice, ref, "accept", rating=5)
        assert t["status"] == "closed" and t["rating"] == 5 and t["rating_comment"] is None, t
        t = do(agent, fresh, "resolve")
        t = do(alice, fresh, "accept", rating=1, comment="Took far too long.")
        assert t["rating"] == 1 and t["rating_comment"] == "Took far too long.", t
    finally:
        d.close()


# ---- approvals ----

def needs_approval(d, request_type="perform_task"):
    """Imports the default catalogue with request_type needing approval."""
    cat = json.loads(d.ctl("catalogue", "export").stdout)
    for rt in cat["request_types"]:
        if rt["id"] == request_type:
            rt["needs_approval"] = True
    d.ctl("catalogue", "import", "-", input=json.dumps(cat))


@test
def test_approver_of_the_organisation_approves_or_rejects():
    d = world()
    try:
        needs_approval(d)
        paula = add_user(d, "paula@acme.example", "Paula Approver", "customer", "Acme",
                         approver=True)
        add_user(d, "gabe@globex.example", "Gabe Approver", "customer", "Globex", approver=True)
        alice, bob, olga = d.login("alice"), d.login("bob"), d.login("olga")
        approver, other_approver, agent = (d.login("paula@acme.example"),
                                           d.login("gabe@globex.example"), d.login("agent"))
        cat = alice.get("/api/v1/catalogue").json["catalogue"]
        assert {rt["id"]: rt["needs_approval"] for rt in cat["request_types"]}["perform_task"]

        t = alice.create_ticket("Laptop for Carl", "Carl starts on Monday.",
                                request_type="perform_task")
        ref = t["ref"]
        assert (t["status"], t["status_category"]) == ("waiting_for_approval", "waiting"), t
        assert t["needs_approval"] is True and t["approver_id"] is None, t
        assert t["status_label"] == "Waiting for approval", t
        assert not {"approve", "reject"} & set(actions(t)), t["actions"]
        # Tickets of request types without approval start as usual.
        assert incident(alice)["status"] == "new"

        # The approver finds it in her list and may approve or reject it.
        p = get(approver, ref)
        assert actions(p)["reject"]["needs_comment"] is True, p["actions"]
        assert "approve" in actions(p), p["actions"]
        # Nobody else decides: the requester, a colleague, an approver of
        # another organisation or support.
        before = get(agent, ref)
        assert "approve" not in actions(before), before["actions"]
        check_error(act(alice, ref, "approve"), 403, "forbidden")
        check_error(act(olga, ref, "approve"), 403, "forbidden")
        check_error(act(bob, ref, "approve"), 404, "not_found")
        check_error(act(other_approver, ref, "approve"), 404, "not_found")
        check_error(act(other_approver, ref, "reject", comment="No"), 404, "not_found")
        check_error(act(agent, ref, "approve"), 403, "forbidden")
        check_error(act(agent, ref, "reject", comment="No"), 403, "forbidden")
        assert get(agent, ref) == before

        t = do(approver, ref, "approve", comment="Budget OK.")
        assert (t["status"], t["status_category"]) == ("new", "new"), t
        assert t["approver_id"] == paula["id"], t
        approval, moved = t["timeline"][-2:]
        check_event(approval, "approval", paula["id"], False, new="approved", body="Budget OK.")
        check_event(moved, "status", paula["id"], False, old="waiting_for_approval", new="new")
        assert [e["kind"] for e in get(alice, ref)["timeline"]][-2:] == ["approval", "status"]
        check_error(act(approver, ref, "approve"), 409, "not_allowed")
        # Now support works on it, as support.
        assert do(agent, ref, "set_status", status="in_progress")["status"] == "in_progress"

        # Rejected with a reason: cancelled.
        ref2 = alice.create_ticket("Second screen", "For home.", request_type="perform_task")["ref"]
        before = get(agent, ref2)
        check_error(act(approver, ref2, "reject"), 422, "required", "comment")
        check_error(act(approver, ref2, "reject", comment=" "), 422, "required", "comment")
        assert get(agent, ref2) == before
        t = do(approver, ref2, "reject", comment="Not in this year's budget.")
        assert (t["status"], t["status_category"]) == ("cancelled", "closed"), t
        check_event(t["timeline"][-2], "approval", paula["id"], False, new="rejected",
                    body="Not in this year's budget.")
        a = get(alice, ref2)
        assert a["timeline"][-2]["body"] == "Not in this year's budget.", a["timeline"]
        assert ref2 in refs(listing(alice, "closed"))
        check_error(act(approver, ref2, "approve"), 409, "ticket_closed")
    finally:
        d.close()


@test
def test_approver_finds_the_requests_waiting_for_her_in_her_list():
    d = world()
    try:
        needs_approval(d)
        add_user(d, "paula@acme.example", "Paula Approver", "customer", "Acme", approver=True)
        alice, approver = d.login("alice"), d.login("paula@acme.example")
        ref = alice.create_ticket("Laptop for Carl", "Carl starts on Monday.",
                                  request_type="perform_task")["ref"]
        incident(alice, "Not hers to see")
        r = approver.get("/api/v1/tickets?view=approvals")
        assert r.status == 200, r
        lst = r.json
        assert refs(lst) == [ref], lst
        assert lst["counts"]["status"] == {"waiting_for_approval": 1} and total(lst) == 1, lst
        # Her own list holds only her own tickets; a decided request leaves the view.
        assert refs(listing(approver)) == [], listing(approver)
        r = approver.post(f"/api/v1/tickets/{ref}/actions", {"action": "approve"})
        assert r.status == 200, r
        assert refs(approver.get("/api/v1/tickets?view=approvals").json) == []
        # Only approvers have the view.
        check_error(alice.get("/api/v1/tickets?view=approvals"), 400, "invalid_value")
    finally:
        d.close()


# ---- people involved and sharing ----

@test
def test_people_named_on_create_see_the_ticket_outsiders_get_no_access():
    d = world()
    try:
        alice, bob, gina, agent = d.login("alice"), d.login("bob"), d.login("gina"), d.login("agent")
        t = incident(alice, participants=["bob@acme.example", "it@hosting.example",
                                          "gina@globex.example"])
        ref = t["ref"]
        assert t["participants"] == [uid(d, "bob")], t
        assert [p["name"] for p in t["people"]] == ["Bob Acme"], t
        assert "it@hosting.example" in t["external_emails"], t
        assert uid(d, "gina") not in t["participants"], t
        # The colleague sees it, in the list and its counts, and follows it.
        b = get(bob, ref)
        assert b["title"] == "Printer on fire" and b["following"] is True, b
        lst = listing(bob)
        assert refs(lst) == [ref] and total(lst) == 1, lst
        assert comment(bob, ref, "I have this too.")["timeline"][-1]["actor"]["name"] == "Bob Acme"
        # A customer of another organisation named on it gets no access.
        check_error(gina.get(f"/api/v1/tickets/{ref}"), 404, "not_found")
        lst = listing(gina, "all")
        assert lst["tickets"] == [] and total(lst) == 0, lst
        check_error(gina.post(f"/api/v1/tickets/{ref}/comments", {"body": "x"}), 404)
    finally:
        d.close()


@test
def test_adding_and_removing_people_involved():
    d = world()
    try:
        alice, bob, olga, agent = d.login("alice"), d.login("bob"), d.login("olga"), d.login("agent")
        ref = incident(alice)["ref"]
        base = f"/api/v1/tickets/{ref}/participants"
        check_error(bob.get(f"/api/v1/tickets/{ref}"), 404)

        r = alice.post(base, {"email": "bob@acme.example"})
        assert r.status == 200, r
        t = r.json["ticket"]
        assert t["participants"] == [uid(d, "bob")], t
        check_event(t["timeline"][-1], "participant", uid(d, "alice"), False,
                    field="added", new="bob@acme.example")
        assert get(bob, ref)["following"] is True
        assert refs(listing(bob)) == [ref]
        n = len(t["timeline"])
        r = alice.post(base, {"email": "bob@acme.example"})
        assert r.status == 200 and len(r.json["ticket"]["timeline"]) == n, r

        r = alice.post(base, {"email": "hosting@partner.example"})
        assert r.status == 200 and r.json["ticket"]["external_emails"] == \
            ["hosting@partner.example"], r
        r = agent.post(base, {"email": "helpdesk@it.example"})
        assert r.status == 200, r
        check_event(r.json["ticket"]["timeline"][-1], "participant", uid(d, "agent"), True,
                    field="added", new="helpdesk@it.example")
        # The requester is always involved; an address must be one.
        check_error(alice.post(base, {"email": "alice@acme.example"}), 422, None, "email")
        check_error(alice.post(base, {"email": "not an address"}), 422, None, "email")
        check_error(alice.post(base, {}), 422, "required", "email")
        # A participant who is a plain customer does not share further.
        check_error(bob.post(base, {"email": "olga@acme.example"}), 403, "forbidden")

        r = alice.delete(f"{base}/bob@acme.example")
        assert r.status == 200, r
        t = r.json["ticket"]
        assert t["participants"] == [] and uid(d, "bob") not in t["followers"], t
        check_event(t["timeline"][-1], "participant", uid(d, "alice"), False,
                    field="removed", new="bob@acme.example")
        check_error(bob.get(f"/api/v1/tickets/{ref}"), 404)
        assert listing(bob)["tickets"] == [] and total(listing(bob)) == 0
        r = alice.delete(f"{base}/hosting@partner.example")
        assert r.status == 200 and r.json["ticket"]["external_emails"] == \
            ["helpdesk@it.example"], r
        # People of another organisation added later get no access either.
        r = alice.post(base, {"email": "gina@globex.example"})
        assert r.status == 200 and r.json["ticket"]["participants"] == [], r
        check_error(d.login("gina").get(f"/api/v1/tickets/{ref}"), 404)
    finally:
        d.close()


@test
def test_sharing_with_the_whole_organisation_or_only_the_people_named():
    d = world()
    try:
        alice, bob, gina = d.login("alice"), d.login("bob"), d.login("gina")
        shared = incident(alice, "Shared", shared_with_org=True)
        private = incident(alice, "Private", shared_with_org=False)
        default = incident(alice, "Default")
        assert shared["shared_with_org"] is True, shared
        assert private["shared_with_org"] is False and default["shared_with_org"] is False
        assert alice.get("/api/v1/catalogue").json["catalogue"]["share_by_default"] is False

        assert get(bob, shared["ref"])["title"] == "Shared"
        check_error(bob.get(f"/api/v1/tickets/{private['ref']}"), 404)
        check_error(bob.get(f"/api/v1/tickets/{default['ref']}"), 404)
        lst = listing(bob)
        assert refs(lst) == [shared["ref"]] and total(lst) == 1, lst
        assert lst["counts"]["status"] == {"new": 1}, lst
        # A colleague may add to a shared ticket but not close it for the requester.
        comment(bob, shared["ref"], "Same problem on the second floor.")
        check_error(act(bob, shared["ref"], "cancel"), 403, "forbidden")
        # Other organisations never see it.
        check_error(gina.get(f"/api/v1/tickets/{shared['ref']}"), 404)
        assert listing(gina)["tickets"] == []
        check_error(new_ticket(alice, shared_with_org="yes"), 422, None, "shared_with_org")
    finally:
        d.close()


@test
def test_organisation_that_shares_tickets_by_default():
    d = world()
    try:
        d.ctl("org", "add", "Autoflex Klant", "--share-by-default=yes")
        add_user(d, "kees@klant.example", "Kees Klant", "customer", "Autoflex Klant")
        add_user(d, "mieke@klant.example", "Mieke Klant", "customer", "Autoflex Klant")
        kees, mieke = d.login("kees@klant.example"), d.login("mieke@klant.example")
        alice = d.login("alice")
        assert kees.get("/api/v1/catalogue").json["catalogue"]["share_by_default"] is True
        shared = incident(kees, "Shared by default")
        assert shared["shared_with_org"] is True, shared
        private = incident(kees, "Only me", shared_with_org=False)
        assert private["shared_with_org"] is False, private
        assert get(mieke, shared["ref"])["title"] == "Shared by default"
        check_error(mieke.get(f"/api/v1/tickets/{private['ref']}"), 404)
        lst = listing(mieke)
        assert refs(lst) == [shared["ref"]] and total(lst) == 1, lst
        check_error(alice.get(f"/api/v1/tickets/{shared['ref']}"), 404)
        # The setting can change; it applies to tickets opened afterwards.
        d.ctl("org", "set", "Autoflex Klant", "--share-by-default=no")
        assert incident(kees, "After the change")["shared_with_org"] is False
        assert get(mieke, shared["ref"])["shared_with_org"] is True
    finally:
        d.close()


# ---- catalogue and priority ----

def catalogue(c, lang=None):
    r = c.get("/api/v1/catalogue", headers={"Accept-Language": lang} if lang else None)
    assert r.status == 200, r
    check_security_headers(r)
    return r.json["catalogue"]


@test
def test_catalogue_offers_the_contract_services_in_the_callers_language():
    d = world()
    try:
        d.ctl("org", "set", "Acme", "--services", "workplace,network")
        add_user(d, "sven@acme.example", "Sven Acme", "customer", "Acme", language="sv")
        alice, gina, agent = d.login("alice"), d.login("gina"), d.login("agent")
        sven = d.login("sven@acme.example")
        expect = {
            "en": ("Workplace", "Network", "Report an incident", "Ask a question"),
            "nl": ("Werkplek", "Netwerk", "Een incident melden", "Een vraag stellen"),
            "sv": ("Arbetsplats", "Nätverk", "Rapportera en incident", "Ställ en fråga"),
        }
        for lang, header in (("en", None), ("en", "de-DE,de;q=0.9"), ("nl", "nl"),
                             ("nl", "nl-BE,nl;q=0.9,en;q=0.5"), ("sv", "sv-SE")):
            cat = catalogue(alice, header)
            assert cat["lang"] == lang, (header, cat["lang"])
            assert [s["id"] for s in cat["services"]] == ["workplace", "network"], cat["services"]
            labels = [s["label"] for s in cat["services"]]
            types = {rt["id"]: rt["label"] for rt in cat["request_types"]}
            assert tuple(labels) + (types["report_incident"], types["ask_question"]) == \
                expect[lang], (header, labels, types)
        # The profile language wins over the browser's.
        cat = catalogue(sven, "nl")
        assert cat["lang"] == "sv" and cat["services"][0]["label"] == "Arbetsplats", cat
        # No contract services: none offered; support sees them all.
        assert catalogue(gina)["services"] == []
        assert [s["id"] for s in catalogue(agent)["services"]] == \
            ["workplace", "applications", "network"]

        t = incident(alice, service="workplace", subcategory="laptop")
        assert (t["service"], t["subcategory"]) == ("workplace", "laptop"), t
        before = listing(agent, "all")
        check_error(new_ticket(alice, service="applications", subcategory="email"), 422, None,
                    "service")
        check_error(new_ticket(alice, service="workplace", subcategory="vpn"), 422,
                    "invalid_value", "subcategory")
        check_error(new_ticket(alice, service="nowhere"), 422, "invalid_value", "service")
        check_error(new_ticket(alice), 422, "required", "service")
        check_error(new_ticket(alice, service="network"), 422, "required", "subcategory")
        assert listing(agent, "all") == before
        # Support may file under any service.
        t = agent.create_ticket("Mail down", "d", **form(requester="alice@acme.example",
                                                         service="applications",
                                                         subcategory="email"))
        assert t["service"] == "applications", t
    finally:
        d.close()


@test
def test_priority_follows_the_contract_none_matrix_or_direct():
    d = world()
    try:
        d.ctl("org", "add", "NoRights", "--priority-mode", "none")
        d.ctl("org", "add", "Matrix", "--priority-mode", "matrix")
        add_user(d, "nina@norights.example", "Nina", "customer", "NoRights")
        add_user(d, "max@matrix.example", "Max", "customer", "Matrix")
        nina, mx = d.login("nina@norights.example"), d.login("max@matrix.example")
        alice, agent = d.login("alice"), d.login("agent")

        # No priority rights: always P4, whatever the impact and urgency.
        assert catalogue(nina)["priority"]["mode"] == "none"
        t = incident(nina, impact=1, urgency=1)
        assert t["priority"] == "P4" and (t["impact"], t["urgency"]) == (1, 1), t
        check_error(new_ticket(nina, priority="P1"), 422, None, "priority")
        check_error(nina.patch(f"/api/v1/tickets/{t['ref']}", {"priority": "P1"}), 403,
                    "forbidden", "priority")
        assert get(nina, t["ref"])["priority"] == "P4"
        # Support may still raise it.
        assert agent.patch(f"/api/v1/tickets/{t['ref']}", {"priority": "P1"}).status == 200
        assert get(nina, t["ref"])["priority"] == "P1"

        # Matrix: derived from impact x urgency; a chosen priority is refused.
        assert catalogue(mx)["priority"]["mode"] == "matrix"
        for impact, urgency, want in ((1, 1, "P1"), (1, 3, "P2"), (2, 2, "P2"), (2, 3, "P3"),
                                      (3, 4, "P4")):
            t = incident(mx, impact=impact, urgency=urgency)
            assert t["priority"] == want, (impact, urgency, t["priority"])
        before = listing(agent, "all")
        check_error(new_ticket(mx, priority="P1", impact=3, urgency=4), 422, None, "priority")
        check_error(new_ticket(mx, priority=2), 422, None, "priority")
        assert listing(agent, "all") == before
        check_error(mx.patch(f"/api/v1/tickets/{t['ref']}", {"priority": "P1"}), 403, "forbidden",
                    "priority")

        # Direct: the customer chooses; without a choice the matrix applies.
        assert catalogue(alice)["priority"]["mode"] == "direct"
        assert incident(alice, priority="P2", impact=3, urgency=4)["priority"] == "P2"
        assert incident(alice, impact=1, urgency=2)["priority"] == "P1"
        check_error(new_ticket(alice, priority="P9"), 422, "invalid_value", "priority")
        r = alice.patch(f"/api/v1/tickets/{t['ref']}", {"priority": "P1"})
        check_error(r, 404)  # not her ticket
    finally:
        d.close()


if __name__ == "__main__":
    run()

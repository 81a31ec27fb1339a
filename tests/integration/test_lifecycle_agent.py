"""Support working tickets through the API: any status the workflow allows,
assignment, resolution code and cause, internal notes that never reach a
customer, time spent, related tickets, the sensitive data guard and
redaction, the timeline that records all of it, tickets registered for a
customer who phoned or mailed, and the workflow an administrator exports and
imports. The customer's side of the lifecycle is in test_lifecycle.py."""

import copy
import json
import re

from harness import PASSWORD, check_error, check_security_headers, run, test, world

RFC3339 = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$")

# Numbers whose check digits hold, as the guard finds them.
IBAN = "NL91ABNA0417164300"
CARD = "4111 1111 1111 1111"
PERSONNUMMER = "811218-9876"
BSN = "111222333"

# The default workflow: name, category and labels in en, nl and sv.
STATUSES = [
    ("new", "new", "New", "Nieuw", "Ny"),
    ("in_progress", "open", "In progress", "In behandeling", "Pågående"),
    ("first_line", "open", "First line", "Eerste lijn", "Första linjen"),
    ("second_line", "open", "Second line", "Tweede lijn", "Andra linjen"),
    ("third_line", "open", "Third line", "Derde lijn", "Tredje linjen"),
    ("investigating", "open", "Investigating", "In onderzoek", "Under utredning"),
    ("appointment_planned", "open", "Appointment planned", "Afspraak gepland", "Tid inbokad"),
    ("waiting_for_customer", "waiting", "Waiting for customer", "Wacht op klant",
     "Väntar på kund"),
    ("waiting_for_third_party", "waiting", "Waiting for third party", "Wacht op derde partij",
     "Väntar på tredje part"),
    ("on_hold", "waiting", "On hold", "In de wacht", "Vilande"),
    ("waiting_for_approval", "waiting", "Waiting for approval", "Wacht op goedkeuring",
     "Väntar på godkännande"),
    ("waiting_for_release", "waiting", "Waiting for release", "Wacht op release",
     "Väntar på release"),
    ("resolved", "resolved", "Resolved", "Opgelost", "Löst"),
    ("resolved_workaround", "resolved", "Resolved with workaround",
     "Opgelost met tijdelijke oplossing", "Löst med tillfällig lösning"),
    ("completed_to_be_tested", "resolved", "Completed - to be tested", "Afgerond - te testen",
     "Klar - ska testas"),
    ("closed", "closed", "Closed", "Gesloten", "Stängd"),
    ("cancelled", "closed", "Cancelled", "Geannuleerd", "Avbruten"),
]


# ---- helpers (as in test_lifecycle.py) ----

def add_user(d, email, name, role="customer", org=None):
    args = ["--json", "user", "add", "--email", email, "--name", name, "--role", role]
    if org:
        args += ["--org", org]
    return json.loads(d.ctl(*args, "--password-stdin", input=PASSWORD + "\n").stdout)


def uid(d, who):
    return d.users[who]["id"]


def form(**extra):
    body = {"request_type": "report_incident", "impact": 3, "urgency": 3}
    body.update(extra)
    return body


def incident(c, title="Printer on fire", description="It smokes.", **extra):
    return c.create_ticket(title, description, **form(**extra))


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
    return r.json["ticket"]


def patch(c, ref, body):
    r = c.patch(f"/api/v1/tickets/{ref}", body)
    assert r.status == 200, (body, r)
    return r.json["ticket"]


def comment(c, ref, body, **kw):
    r = c.post(f"/api/v1/tickets/{ref}/comments", {"body": body, **kw})
    assert r.status == 201, r
    return r.json["ticket"]


def check_event(ev, kind, actor_id, support, **fields):
    assert ev["kind"] == kind, ev
    assert ev["actor"]["id"] == actor_id and ev["actor_id"] == actor_id, ev
    assert ev["actor"]["support"] is support and ev["from_support"] is support, ev
    assert ev["actor"]["name"], ev
    assert RFC3339.match(ev["time"]), ev
    for k, v in fields.items():
        assert ev.get(k) == v, (k, v, ev)


def without_updated(t):
    return {k: v for k, v in t.items() if k != "updated"}


# ---- statuses ----

@test
def test_agent_sets_any_status_of_every_category():
    d = world()
    try:
        alice, agent = d.login("alice"), d.login("agent")
        ref = incident(alice)["ref"]
        path = [("first_line", "open", "First line"), ("second_line", "open", "Second line"),
                ("third_line", "open", "Third line"), ("investigating", "open", "Investigating"),
                ("appointment_planned", "open", "Appointment planned"),
                ("waiting_for_third_party", "waiting", "Waiting for third party"),
                ("on_hold", "waiting", "On hold"),
                ("waiting_for_release", "waiting", "Waiting for release"),
                ("waiting_for_customer", "waiting", "Waiting for customer"),
                ("in_progress", "open", "In progress"),
                ("resolved", "resolved", "Resolved"),
                ("resolved_workaround", "resolved", "Resolved with workaround"),
                ("completed_to_be_tested", "resolved", "Completed - to be tested"),
                ("new", "new", "New"),
                ("closed", "closed", "Closed")]
        old = "new"
        for status, category, label in path:
            t = do(agent, ref, "set_status", status=status)
            assert (t["status"], t["status_category"], t["status_label"]) == \
                (status, category, label), t
            check_event(t["timeline"][-1], "status", uid(d, "agent"), True, old=old, new=status)
            c = get(alice, ref)
            assert (c["status"], c["status_category"]) == (status, category), c
            in_resolved = ref in refs(listing(alice, "resolved"))
            assert in_resolved == (category == "resolved"), (status, in_resolved)
            old = status
        assert ref in refs(listing(alice, "closed")) and refs(listing(alice, "open")) == []
        t = get(agent, ref)
        assert [(e["old"], e["new"]) for e in t["timeline"] if e["kind"] == "status"] == \
            list(zip(["new"] + [p[0] for p in path], [p[0] for p in path])), t["timeline"]
        assert RFC3339.match(t["closed"]), t

        other = incident(alice)["ref"]
        t = do(agent, other, "set_status", status="cancelled")
        assert (t["status"], t["status_category"]) == ("cancelled", "closed"), t
        assert refs(listing(alice, "closed")) == [other, ref]
        # Support sees the labels in the browser's language too.
        t = get(agent, other, headers={"Accept-Language": "nl"})
        assert t["status_label"] == "Geannuleerd", t
    finally:
        d.close()


@test
def test_status_refusals_say_what_is_wrong():
    d = world()
    try:
        alice, agent = d.login("alice"), d.login("agent")
        ref = incident(alice)["ref"]
        do(agent, ref, "set_status", status="in_progress")
        before = get(agent, ref)
        e = check_error(act(agent, ref, "set_status", status="frobnicated"), 422,
                        "unknown_status", "status")
        assert "frobnicated" in e["message"], e
        e = check_error(act(agent, ref, "set_status"), 422, "status_required", "status")
        assert "status" in e["message"], e
        e = check_error(act(agent, ref, "set_status", status="in_progress"), 409, "no_change")
        assert "In progress" in e["message"], e
        check_error(act(agent, ref, "set_status", status="In Progress"), 422, "invalid_value",
                    "status")
        check_error(act(agent, ref, "resolve", status="on_hold"), 409, "not_allowed")
        check_error(act(agent, ref, "teleport"), 422, "invalid_value", "action")
        check_error(act(agent, ref, "comment"), 422, "invalid_value", "action")
        check_error(agent.post(f"/api/v1/tickets/{ref}/actions", {}), 422, "required", "action")
        check_error(act(agent, ref, "set_status", status="closed", colour="red"), 422,
                    "unknown_field")
        # Customers do not set statuses, and are told who does.
        e = check_error(act(alice, ref, "set_status", status="resolved"), 409, "not_allowed")
        assert "support" in e["message"], e
        e = check_error(act(alice, ref, "resolve"), 409, "not_allowed")
        assert "support" in e["message"], e
        check_error(act(agent, "HD-99999", "set_status", status="closed"), 404, "not_found")
        assert get(agent, ref) == before
    finally:
        d.close()


# ---- assignment, resolution and cause ----

@test
def test_assignment_to_an_agent_or_a_group():
    d = world()
    try:
        bea = add_user(d, "bea@deskd.example", "Bea Agent", "agent")
        alice, agent = d.login("alice"), d.login("agent")
        ref = incident(alice)["ref"]
        url = f"/api/v1/tickets/{ref}"

        t = patch(agent, ref, {"assignee_id": uid(d, "agent")})
        assert t["assignee_id"] == uid(d, "agent") and t["assignee"]["name"] == "Ann Agent", t
        check_event(t["timeline"][-1], "field", uid(d, "agent"), True, field="assignee",
                    old=None, new="Ann Agent")
        t = patch(agent, ref, {"assignee_id": bea["id"]})
        assert t["assignee_id"] == bea["id"] and t["assignee"]["name"] == "Bea Agent", t
        check_event(t["timeline"][-1], "field", uid(d, "agent"), True, field="assignee",
                    old="Ann Agent", new="Bea Agent")
        before = get(agent, ref)
        for bad in (uid(d, "alice"), uid(d, "olga"), 999999, 0, -1, "Bea", 1.5):
            check_error(agent.patch(url, {"assignee_id": bad}), 422, None, "assignee_id")
        assert get(agent, ref) == before
        t = patch(agent, ref, {"assignee_id": None})
        assert t["assignee_id"] is None and "assignee" not in t, t
        check_event(t["timeline"][-1], "field", uid(d, "agent"), True, field="assignee",
                    old="Bea Agent", new=None)

        # A group is routing for support: the customer sees neither it nor its changes.
        t = patch(agent, ref, {"assignee_group": "second-line-finance"})
        assert t["assignee_group"] == "second-line-finance", t
        check_event(t["timeline"][-1], "field", uid(d, "agent"), True, field="assignee_group",
                    old=None, new="second-line-finance")
        for path in (url, "/api/v1/tickets?view=all"):
            r = alice.get(path)
            assert r.status == 200 and "second-line-finance" not in r.body, r.body
        assert "assignee_group" not in get(alice, ref)
        t = patch(agent, ref, {"assignee_group": None})
        assert t["assignee_group"] is None, t
        check_error(agent.patch(url, {"assignee_group": "no spaces please"}), 422,
                    "invalid_value", "assignee_group")

        # Customers assign nothing.
        before = get(agent, ref)
        for body, field in (({"assignee_id": uid(d, "agent")}, "assignee_id"),
                            ({"assignee_id": None}, "assignee_id"),
                            ({"assignee_group": "first-line"}, "assignee_group")):
            check_error(alice.patch(url, body), 403, "forbidden", field)
        assert get(agent, ref) == before
    finally:
        d.close()


@test
def test_resolution_code_and_cause_are_recorded_by_support_and_shown_to_the_customer():
    d = world()
    try:
        alice, agent = d.login("alice"), d.login("agent")
        ref = incident(alice)["ref"]
        url = f"/api/v1/tickets/{ref}"
        t = patch(agent, ref, {"resolution_code": "workaround", "cause": "product_error"})
        assert (t["resolution_code"], t["cause"]) == ("workaround", "product_error"), t
        changes = {(e["field"], e["old"], e["new"]) for e in t["timeline"][-2:]}
        assert changes == {("resolution_code", None, "workaround"),
                           ("cause", None, "product_error")}, t["timeline"]
        t = patch(agent, ref, {"cause": "usage_error"})
        check_event(t["timeline"][-1], "field", uid(d, "agent"), True, field="cause",
                    old="product_error", new="usage_error")
        c = get(alice, ref)
        assert (c["resolution_code"], c["cause"]) == ("workaround", "usage_error"), c
        check_error(agent.patch(url, {"cause": "it's broken"}), 422, "invalid_value", "cause")

        before = get(agent, ref)
        for body, field in (({"resolution_code": "fixed"}, "resolution_code"),
                            ({"cause": "product_error"}, "cause")):
            check_error(alice.patch(url, body), 403, "forbidden", field)
        check_error(act(alice, ref, "cancel", cause="usage_error"), 403, "forbidden")
        assert get(agent, ref) == before
        # Resolving with them records them too, old and new.
        t = do(agent, ref, "resolve", resolution_code="fixed", cause="configuration_error")
        fields = [(e["field"], e["old"], e["new"]) for e in t["timeline"] if e["kind"] == "field"]
        assert fields[-2:] == [("resolution_code", "workaround", "fixed"),
                               ("cause", "usage_error", "configuration_error")], fields
    finally:
        d.close()


# ---- internal notes ----

@test
def test_internal_notes_never_reach_a_customer():
    d = world()
    try:
        alice, bob, olga = d.login("alice"), d.login("bob"), d.login("olga")
        agent = d.login("agent")
        customers = {"alice": alice, "bob": bob, "olga": olga}
        ref = incident(alice, "Shared one", shared_with_org=True)["ref"]
        comment(agent, ref, "We are looking into it.")
        do(agent, ref, "set_status", status="waiting_for_customer")
        views = ("open", "all", "resolved", "closed")

        def seen():
            out = {}
            for name, c in customers.items():
                out[name] = {"ticket": without_updated(get(c, ref))}
                for v in views:
                    lst = listing(c, v)
                    lst["tickets"] = [without_updated(t) for t in lst["tickets"]]
                    out[name][v] = lst
            return out

        before = seen()
        words = ("Quokka", "undercharged", "renegotiate")
        note = "Quokka contract is undercharged; renegotiate before answering."
        r = agent.post(f"/api/v1/tickets/{ref}/comments", {"body": note, "internal": True})
        assert r.status == 201, r
        t = r.json["ticket"]
        check_event(t["timeline"][-1], "comment", uid(d, "agent"), True, internal=True, body=note)
        # The note is support's: it does not answer the customer's question either.
        assert t["status"] == "waiting_for_customer", t

        # Nothing a customer sees changed: the ticket, every list, every count.
        assert seen() == before
        for c in customers.values():
            for path in (f"/api/v1/tickets/{ref}", "/api/v1/tickets?view=all",
                         "/api/v1/tickets?view=open"):
                r = c.get(path)
                assert r.status == 200, r
                assert not any(w in r.body for w in words), (path, r.body)
                r = c.get(path, headers={"Accept": "application/msgpack"})
                assert not any(w.encode() in r.data for w in words), path
            assert all(e["internal"] is False for e in get(c, ref)["timeline"])
        # Nor do the answers to a customer's own writes carry it.
        r = alice.post(f"/api/v1/tickets/{ref}/comments", {"body": "Here is the log."})
        assert r.status == 201 and not any(w in r.body for w in words), r
        r = act(alice, ref, "close")
        assert r.status == 200 and not any(w in r.body for w in words), r
        # Support keeps seeing it.
        t = get(agent, ref)
        assert [e["body"] for e in t["timeline"] if e.get("internal")] == [note], t["timeline"]
        # Customers cannot write one.
        n = len(t["timeline"])
        other = incident(alice)["ref"]
        check_error(alice.post(f"/api/v1/tickets/{other}/comments",
                               {"body": "psst", "internal": True}), 403, "forbidden", "internal")
        check_error(olga.post(f"/api/v1/tickets/{other}/comments",
                              {"body": "psst", "internal": True}), 403, "forbidden", "internal")
        assert len(get(agent, other)["timeline"]) == 1 and len(get(agent, ref)["timeline"]) == n
    finally:
        d.close()


# ---- time spent ----

@test
def test_time_spent_is_logged_by_support_and_stays_with_support():
    d = world()
    try:
        alice, agent, admin = d.login("alice"), d.login("agent"), d.login("admin")
        ref = incident(alice)["ref"]
        url = f"/api/v1/tickets/{ref}/time"
        r = agent.post(url, {"minutes": 30, "note": "Remote session, Wombat module"})
        assert r.status == 201, r
        t = r.json["ticket"]
        assert (t["minutes"], t["billable_minutes"]) == (30, 30), t
        check_event(t["timeline"][-1], "time", uid(d, "agent"), True, minutes=30, billable=True,
                    internal=True, body="Remote session, Wombat module")
        t = agent.post(url, {"minutes": 15, "billable": False}).json["ticket"]
        assert (t["minutes"], t["billable_minutes"]) == (45, 30), t
        check_event(t["timeline"][-1], "time", uid(d, "agent"), True, minutes=15, billable=False)
        r = admin.post(url, {"minutes": 1440})
        assert r.status == 201, r
        t = get(agent, ref)
        assert (t["minutes"], t["billable_minutes"]) == (1485, 1470), t
        item = listing(agent)["tickets"][0]
        assert (item["minutes"], item["billable_minutes"]) == (1485, 1470), item

        # The customer sees neither the entries nor the totals.
        c = get(alice, ref)
        assert "minutes" not in c and "billable_minutes" not in c, c
        assert [e["kind"] for e in c["timeline"]] == ["created"], c["timeline"]
        for path in (f"/api/v1/tickets/{ref}", "/api/v1/tickets"):
            r = alice.get(path)
            assert "Wombat" not in r.body and "minutes" not in r.body, r.body
        check_error(alice.post(url, {"minutes": 10}), 403, "forbidden")

        for body, code in (({"minutes": 0}, "invalid_value"), ({"minutes": 2000}, "invalid_value"),
                           ({"minutes": 1441}, "invalid_value"), ({"minutes": -5}, "invalid_value"),
                           ({"minutes": "30"}, "invalid_type"), ({"minutes": 2.5}, "invalid_type"),
                           ({}, "required"), ({"note": "forgot"}, "required")):
            check_error(agent.post(url, body), 422, code, "minutes")
        check_error(agent.post(url, {"minutes": 5, "billable": "yes"}), 422, None, "billable")
        assert get(agent, ref) == t
    finally:
        d.close()


# ---- related tickets ----

@test
def test_problem_created_from_an_incident_and_linked_both_ways():
    d = world()
    try:
        alice, agent = d.login("alice"), d.login("agent")
        inc = incident(alice, "Invoice run stops again")["ref"]
        prob = agent.create_ticket("Invoice run stops every month", "Find the root cause.",
                                   requester="alice@acme.example", type="problem")
        assert prob["type"] == "problem" and prob["channel"] == "phone", prob
        prob = prob["ref"]

        r = agent.post(f"/api/v1/tickets/{inc}/links", {"ref": prob})
        assert r.status == 200, r
        check_security_headers(r)
        t = r.json["ticket"]
        assert t["related"] == [prob], t
        check_event(t["timeline"][-1], "link", uid(d, "agent"), True, new=prob)
        p = get(agent, prob)
        assert p["related"] == [inc], p
        check_event(p["timeline"][-1], "link", uid(d, "agent"), True, new=inc)
        assert get(alice, inc)["related"] == [prob]
        # Linking again, from either side, changes nothing.
        before = get(agent, inc), get(agent, prob)
        for a, b in ((inc, prob), (prob, inc)):
            r = agent.post(f"/api/v1/tickets/{a}/links", {"ref": b})
            assert r.status == 200, r
        assert (get(agent, inc), get(agent, prob)) == before

        check_error(agent.post(f"/api/v1/tickets/{inc}/links", {"ref": inc}), 422, None, "ref")
        check_error(agent.post(f"/api/v1/tickets/{inc}/links", {"ref": "nonsense"}), 422, None,
                    "ref")
        check_error(agent.post(f"/api/v1/tickets/{inc}/links", {"ref": "HD-99999"}), 404)
        check_error(agent.post(f"/api/v1/tickets/{inc}/links", {}), 422, "required", "ref")
        check_error(alice.post(f"/api/v1/tickets/{inc}/links", {"ref": prob}), 403, "forbidden")
        assert (get(agent, inc), get(agent, prob)) == before
    finally:
        d.close()


# ---- sensitive data ----

def check_sensitive(r, hits):
    """r is the sensitive-data warning naming exactly hits [(field, kind,
    offset, length)] and not repeating the text."""
    assert r.status == 422, r
    check_security_headers(r)
    e = r.json["error"]
    assert e["code"] == "sensitive_data", r
    assert "confirm_sensitive" in e["message"], e
    got = [(h["field"], h["kind"], h["offset"], h["length"]) for h in e["hits"]]
    assert got == hits, got
    for number in (IBAN, CARD, PERSONNUMMER, BSN):
        assert number not in r.body, r.body


@test
def test_sensitive_data_is_refused_until_the_writer_confirms_it():
    d = world()
    try:
        alice, agent = d.login("alice"), d.login("agent")
        ref = incident(alice)["ref"]
        do(agent, ref, "resolve")
        before = get(agent, ref), listing(agent, "all")

        def create(title, description, **kw):
            return alice.post("/api/v1/tickets", {"title": title, "description": description,
                                                  **form(**kw)})

        check_sensitive(create(f"Refund to {IBAN}", "Please."), [("title", "iban", 10, 18)])
        check_sensitive(create("Charged twice", f"Card {CARD} was charged twice."),
                        [("description", "payment_card", 5, 19)])
        check_sensitive(create(f"BSN {BSN}", f"For {PERSONNUMMER} and {IBAN.lower()}"),
                        [("title", "bsn_nl", 4, 9), ("description", "personal_id_se", 4, 11),
                         ("description", "iban", 20, 18)])
        check_sensitive(alice.post(f"/api/v1/tickets/{ref}/comments",
                                   {"body": f"My personnummer is {PERSONNUMMER}."}),
                        [("body", "personal_id_se", 19, 11)])
        check_sensitive(agent.post(f"/api/v1/tickets/{ref}/comments",
                                   {"body": f"BSN: {BSN}", "internal": True}),
                        [("body", "bsn_nl", 5, 9)])
        check_sensitive(act(alice, ref, "reopen", comment=f"Pay it back to {IBAN}"),
                        [("comment", "iban", 15, 18)])
        # Nothing was stored, not even a ticket number.
        assert (get(agent, ref), listing(agent, "all")) == before
        assert not any(n in json.dumps(d.dump()) for n in (IBAN, BSN, PERSONNUMMER, CARD))
        assert incident(alice)["ref"] == "HD-10002"

        # Numbers whose check digits fail are ordinary text.
        t = incident(alice, "Order 123456789 is late", "Ref NL91ABNA0417164301, 4111 1111 1111 1112")
        assert t["title"] == "Order 123456789 is late", t

        # Confirmed, it is stored as written.
        t = incident(alice, f"Refund to {IBAN}", f"Card {CARD}", confirm_sensitive=True)
        assert t["title"] == f"Refund to {IBAN}" and t["description"] == f"Card {CARD}", t
        t = comment(alice, ref, f"My personnummer is {PERSONNUMMER}.", confirm_sensitive=True)
        assert t["timeline"][-2]["body"] == f"My personnummer is {PERSONNUMMER}.", t
        assert t["status"] == "in_progress", t
        do(agent, ref, "resolve")
        t = do(alice, ref, "reopen", comment=f"Pay it back to {IBAN}", confirm_sensitive=True)
        said = [e for e in t["timeline"] if e.get("body") == f"Pay it back to {IBAN}"]
        assert len(said) == 1 and said[0]["kind"] == "comment", t["timeline"]
        # The reason given with an action can be redacted like any comment.
        r = agent.post(f"/api/v1/tickets/{ref}/redactions", {"seq": said[0]["seq"]})
        assert r.status == 200 and IBAN not in get(alice, ref)["description"] + r.body, r
    finally:
        d.close()


@test
def test_support_redacts_a_comment_or_a_field_and_the_timeline_says_so():
    d = world()
    try:
        alice, olga, agent = d.login("alice"), d.login("olga"), d.login("agent")
        t = incident(alice, f"Refund to {IBAN}", f"Card {CARD} was charged.",
                     confirm_sensitive=True)
        ref, url = t["ref"], f"/api/v1/tickets/{t['ref']}/redactions"
        t = comment(alice, ref, f"My personnummer is {PERSONNUMMER}.", confirm_sensitive=True)
        seq = t["timeline"][-1]["seq"]
        comment(agent, ref, "Thanks, we will look.")

        r = agent.post(url, {"seq": seq})
        assert r.status == 200, r
        t = r.json["ticket"]
        check_event(t["timeline"][-1], "redaction", uid(d, "agent"), True, field=f"comment:{seq}")
        for who in (alice, olga, agent):
            r = who.get(f"/api/v1/tickets/{ref}")
            assert r.status == 200 and PERSONNUMMER not in r.body, r.body
            ev = next(e for e in r.json["ticket"]["timeline"] if e["seq"] == seq)
            assert ev["kind"] == "comment" and ev["body"] is None, ev
            assert ev["actor"]["id"] == uid(d, "alice"), ev
            assert ev["redacted"]["by"] == uid(d, "agent") and RFC3339.match(ev["redacted"]["at"]), ev
            last = r.json["ticket"]["timeline"][-1]
            assert last["kind"] == "redaction" and last["actor"]["name"] == "Ann Agent", last
        # The text is gone from the database too.
        assert PERSONNUMMER not in json.dumps(d.dump())

        before = get(agent, ref)
        check_error(agent.post(url, {"seq": seq}), 409, "not_redactable", "seq")
        check_error(agent.post(url, {"seq": 1}), 409, "not_redactable", "seq")
        check_error(agent.post(url, {"seq": 999}), 404, "not_found")
        check_error(agent.post(url, {}), 422, "required")
        check_error(agent.post(url, {"seq": seq, "field": "title"}), 422, "required")
        check_error(agent.post(url, {"field": "status"}), 422, "invalid_value", "field")
        check_error(alice.post(url, {"seq": seq}), 403, "forbidden")
        check_error(alice.post(url, {"field": "description"}), 403, "forbidden")
        assert get(agent, ref) == before

        # A field: the text is replaced for everybody.
        t = agent.post(url, {"field": "description"}).json["ticket"]
        check_event(t["timeline"][-1], "redaction", uid(d, "agent"), True, field="description")
        assert get(alice, ref)["description"] == "[redacted]"
        # Redaction works on a closed ticket too: privacy does not end with the ticket.
        do(alice, ref, "close")
        r = agent.post(url, {"field": "title"})
        assert r.status == 200 and r.json["ticket"]["title"] == "[redacted]", r
        assert refs(listing(alice, "closed")) == [ref]
        assert listing(alice, "closed")["tickets"][0]["title"] == "[redacted]"
        dump = json.dumps(d.dump())
        assert IBAN not in dump and CARD not in dump
    finally:
        d.close()


# ---- the timeline ----

@test
def test_every_action_is_a_timeline_event_with_actor_time_and_values():
    d = world()
    try:
        alice, bob, agent = d.login("alice"), d.login("bob"), d.login("agent")
        ids = {"alice": uid(d, "alice"), "agent": uid(d, "agent"), "bob": uid(d, "bob")}
        ref = incident(alice)["ref"]
        prob = agent.create_ticket("Root cause", "d", requester="alice@acme.example",
                                   type="problem")["ref"]
        comment(agent, ref, "Looking.")
        comment(agent, ref, "Note", internal=True)
        patch(agent, ref, {"priority": "P2", "assignee_id": ids["agent"]})
        do(agent, ref, "set_status", status="waiting_for_customer")
        comment(alice, ref, "Answer.")
        assert alice.post(f"/api/v1/tickets/{ref}/participants",
                          {"email": "bob@acme.example"}).status == 200
        assert bob.delete(f"/api/v1/tickets/{ref}/follow").status == 200
        assert agent.post(f"/api/v1/tickets/{ref}/time", {"minutes": 20}).status == 201
        assert agent.post(f"/api/v1/tickets/{ref}/links", {"ref": prob}).status == 200
        do(agent, ref, "resolve", resolution_code="fixed", cause="product_error")
        do(alice, ref, "reopen", comment="Not yet.")
        do(agent, ref, "resolve", status="resolved_workaround")
        do(alice, ref, "accept", rating=3, comment="OK in the end.")

        t = get(agent, ref)
        want = [
            ("created", "alice", {}),
            ("comment", "agent", {"body": "Looking."}),
            ("comment", "agent", {"body": "Note", "internal": True}),
            ("field", "agent", {"field": "priority", "old": "P4", "new": "P2"}),
            ("field", "agent", {"field": "assignee", "old": None, "new": "Ann Agent"}),
            ("status", "agent", {"old": "new", "new": "waiting_for_customer"}),
            ("comment", "alice", {"body": "Answer."}),
            ("status", "alice", {"old": "waiting_for_customer", "new": "in_progress"}),
            ("participant", "alice", {"field": "added", "new": "bob@acme.example"}),
            ("unfollow", "bob", {}),
            ("time", "agent", {"minutes": 20, "billable": True}),
            ("link", "agent", {"new": prob}),
            ("field", "agent", {"field": "resolution_code", "old": None, "new": "fixed"}),
            ("field", "agent", {"field": "cause", "old": None, "new": "product_error"}),
            ("status", "agent", {"old": "in_progress", "new": "resolved"}),
            ("comment", "alice", {"body": "Not yet."}),
            ("status", "alice", {"old": "resolved", "new": "in_progress"}),
            ("status", "agent", {"old": "in_progress", "new": "resolved_workaround"}),
            ("comment", "alice", {"body": "OK in the end."}),
            ("status", "alice", {"old": "resolved_workaround", "new": "closed", "rating": 3}),
        ]
        assert len(t["timeline"]) == len(want), [(e["kind"], e.get("new")) for e in t["timeline"]]
        for ev, (kind, who, fields) in zip(t["timeline"], want):
            check_event(ev, kind, ids[who], who == "agent", **fields)
        assert [e["seq"] for e in t["timeline"]] == list(range(1, len(want) + 1))
        times = [e["time"] for e in t["timeline"]]
        assert times == sorted(times), times
        # The customer reads the same story without support's own entries.
        c = get(alice, ref)
        hidden = {3, 11}  # the note and the time entry
        assert [e["seq"] for e in c["timeline"]] == \
            [s for s in range(1, len(want) + 1) if s not in hidden], c["timeline"]
    finally:
        d.close()


# ---- tickets registered by support ----

@test
def test_agent_registers_a_ticket_for_a_customer_who_phoned():
    d = world()
    try:
        alice, bob, olga, agent = d.login("alice"), d.login("bob"), d.login("olga"), d.login("agent")
        t = agent.create_ticket("Cannot log in", "Called at 9:10, account locked.",
                                **form(requester="alice@acme.example", channel="phone"))
        ref = t["ref"]
        assert t["requester"]["id"] == uid(d, "alice") and t["requester_id"] == uid(d, "alice"), t
        assert t["requester"]["name"] == "Alice Acme", t
        assert t["creator_id"] == uid(d, "agent") and t["channel"] == "phone", t
        assert t["org_id"] == d.users["alice"]["org_id"], t
        check_event(t["timeline"][0], "created", uid(d, "agent"), True)
        # The customer sees it like any other, and follows it.
        a = get(alice, ref)
        assert a["channel"] == "phone" and a["following"] is True, a
        assert refs(listing(alice)) == [ref] and total(listing(alice)) == 1
        assert get(olga, ref)["ref"] == ref
        check_error(bob.get(f"/api/v1/tickets/{ref}"), 404)
        # ... and works it like her own.
        assert do(alice, ref, "cancel")["status"] == "cancelled"
        t = agent.create_ticket("Mail bounced", "Forwarded by mail.",
                                **form(requester="bob@acme.example", channel="email"))
        assert t["channel"] == "email" and t["requester_id"] == uid(d, "bob"), t

        before = listing(agent, "all")
        e = check_error(agent.post("/api/v1/tickets", {"title": "t", "description": "d", **form()}),
                        422, "required", "requester")
        assert "requester" in e["message"], e
        check_error(alice.post("/api/v1/tickets", {"title": "t", "description": "d",
                                                   **form(requester="bob@acme.example")}),
                    403, "forbidden", "requester")
        check_error(alice.post("/api/v1/tickets", {"title": "t", "description": "d",
                                                   **form(channel="phone")}),
                    403, "forbidden", "channel")
        for who in ("nobody@acme.example", "agent@deskd.example", "admin@deskd.example"):
            check_error(agent.post("/api/v1/tickets", {"title": "t", "description": "d",
                                                       **form(requester=who)}),
                        422, None, "requester")
        check_error(agent.post("/api/v1/tickets", {"title": "t", "description": "d",
                                                   **form(requester="alice@acme.example",
                                                          channel="fax")}),
                    422, "invalid_value", "channel")
        assert listing(agent, "all") == before
    finally:
        d.close()


# ---- the workflow ----

@test
def test_workflow_lists_every_status_with_labels_in_three_languages():
    d = world()
    try:
        alice = d.login("alice")
        for lang, col in (("en", 2), ("nl", 3), ("sv", 4)):
            r = alice.get("/api/v1/workflow", headers={"Accept-Language": lang})
            assert r.status == 200, r
            check_security_headers(r)
            got = [(s["name"], s["category"], s["label"]) for s in r.json["statuses"]]
            assert got == [(s[0], s[1], s[col]) for s in STATUSES], (lang, got)
        paused = {s["name"] for s in alice.get("/api/v1/workflow").json["statuses"]
                  if s["pauses_sla"]}
        assert "waiting_for_customer" in paused and "in_progress" not in paused, paused
        ref = incident(alice)["ref"]
        assert get(alice, ref, headers={"Accept-Language": "nl"})["status_label"] == "Nieuw"
        assert get(alice, ref, headers={"Accept-Language": "sv"})["status_label"] == "Ny"
        check_error(d.request("GET", "/api/v1/workflow"), 401)
    finally:
        d.close()


@test
def test_workflow_export_import_round_trip_and_statuses_in_use_stay():
    d = world()
    try:
        alice, agent = d.login("alice"), d.login("agent")
        exported = d.ctl("workflow", "export").stdout
        doc = json.loads(exported)
        assert [s["name"] for s in doc["statuses"]] == [s[0] for s in STATUSES]
        p = d.ctl("workflow", "import", "-", input=exported)
        assert p.returncode == 0, p
        assert json.loads(d.ctl("workflow", "export").stdout) == doc

        # A ticket waits for the customer: a workflow without that status is refused.
        ref = incident(alice)["ref"]
        do(agent, ref, "set_status", status="waiting_for_customer")

        def without(doc, name):
            out = copy.deepcopy(doc)
            out["statuses"] = [s for s in out["statuses"] if s["name"] != name]
            out["transitions"] = [t for t in out["transitions"]
                                  if name not in (t.get("from_status"), t.get("to"))]
            return out

        p = d.ctl("workflow", "import", "-", input=json.dumps(without(doc, "waiting_for_customer")),
                  check=False)
        assert p.returncode != 0, p
        assert "waiting_for_customer" in p.stderr and "not imported" in p.stderr, p.stderr
        assert json.loads(d.ctl("workflow", "export").stdout) == doc
        # deskd keeps working with the workflow it had.
        assert comment(alice, ref, "Here you are.")["status"] == "in_progress"

        # A status nobody uses may go; deskd follows the new workflow at once.
        p = d.ctl("workflow", "import", "-", input=json.dumps(without(doc, "appointment_planned")))
        assert p.returncode == 0, p
        names = [s["name"] for s in alice.get("/api/v1/workflow").json["statuses"]]
        assert "appointment_planned" not in names and "waiting_for_customer" in names, names
        r = act(agent, ref, "set_status", status="appointment_planned")
        e = check_error(r, 422, "unknown_status", "status")
        assert "appointment_planned" in e["message"], e
        assert get(agent, ref)["status"] == "in_progress"
        # A broken document is refused with the reason.
        broken = copy.deepcopy(doc)
        broken["statuses"][0]["category"] = "somewhere"
        p = d.ctl("workflow", "import", "-", input=json.dumps(broken), check=False)
        assert p.returncode != 0 and "statuses[0]" in p.stderr, p.stderr
        p = d.ctl("workflow", "import", "-", input="{not json", check=False)
        assert p.returncode != 0 and p.stderr, p
    finally:
        d.close()


if __name__ == "__main__":
    run()

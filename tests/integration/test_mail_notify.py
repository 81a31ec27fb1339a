"""Notifications by e-mail, received by a real SMTP server on loopback:
confirmations of new tickets (to the creator, and to the whole organisation
when it asks for it), updates to followers in their own language (public
comments, status changes, resolution; never internal notes, never to the
person who acted, never to someone who can no longer see the ticket), SLA
warnings and breaches to the escalation contacts, and the links to stop
them: the portal's token, one-click (RFC 8058), and forged tokens that
change nothing."""

import json
import re
import time

from harness import FAST_CONFIG, check_error, run, test, wait_for, world
from sla_clock import FIRST, T0, Clocked
from smtp import SmtpServer, read_maildir, wait_maildir

BASE = "https://desk.example/"  # the trailing slash is not doubled in links
MARKERS = {"en": "## Reply above this line ##", "nl": "## Antwoord boven deze regel ##",
           "sv": "## Svara ovanför denna rad ##"}


class Mail:
    """A world whose deskd delivers to a loopback SMTP server; alice reads
    Dutch, olga Swedish, everyone else English."""

    def __init__(self):
        self.smtp = SmtpServer()
        self.d = world(config=FAST_CONFIG + self.smtp.config(base_url=BASE), start=False)
        self.d.ctl("user", "set", "--email", "alice@acme.example", "--language", "nl")
        self.d.ctl("user", "set", "--email", "olga@acme.example", "--language", "sv")
        self.d.start()

    def to(self, who):
        addr = who if "@" in who else self.d.users[who]["email"]
        with self.smtp.lock:
            return [m for m in self.smtp.messages if addr in m.rcpt_tos]

    def wait(self, who, pred=lambda m: True, what="message"):
        return wait_for(lambda: [m for m in self.to(who) if pred(m)], timeout=20,
                        what=f"{what} to {who}")

    def close(self):
        try:
            self.d.close()
        finally:
            self.smtp.stop()


def about(ref):
    return lambda m: str(m["Subject"]).startswith(f"[{ref}]")


def saying(text):
    return lambda m: text in m.text()


def token_of(m):
    lu = str(m["List-Unsubscribe"])
    found = re.fullmatch(r"<https://desk\.example/api/v1/unsubscribe/([A-Za-z0-9_-]{64})>", lu)
    assert found, lu
    tok = found.group(1)
    assert f"https://desk.example/#/unsubscribe/{tok}" in m.text(), m.text()
    return tok


@test
def confirmation_to_the_creator_in_their_language():
    w = Mail()
    try:
        alice = w.d.login("alice")
        t = alice.create_ticket(title="Printer <b>kapot</b>", description="Hij rookt & piept.")
        ref = t["ref"]
        m = w.wait("alice", about(ref))[0]
        assert m.rcpt_tos == ["alice@acme.example"], m
        assert str(m["Subject"]) == f"[{ref}] Printer <b>kapot</b>", m["Subject"]
        assert str(m["From"]) == "Service desk <desk@deskd.example>", m["From"]
        assert str(m["Auto-Submitted"]) == "auto-generated"
        domain = "deskd.example"
        assert str(m["In-Reply-To"]) == f"<ticket-{ref}@{domain}>", m["In-Reply-To"]
        assert str(m["References"]) == f"<ticket-{ref}@{domain}>"
        assert re.fullmatch(r"<[0-9a-f]{32}@deskd\.example>", str(m["Message-ID"])), m["Message-ID"]
        assert str(m["List-Unsubscribe-Post"]) == "List-Unsubscribe=One-Click"
        token_of(m)
        text = m.text()
        # Dutch: the marker first, then the words, the reference and the link
        assert text.startswith(MARKERS["nl"]), text
        assert "Beste Alice Acme," in text and f"onder nummer {ref}" in text, text
        assert "Hij rookt & piept." in text, text
        assert f"https://desk.example/#/tickets/{ref}" in text, text
        assert "Status: Nieuw" in text, text
        html = m.html()
        assert "Printer &lt;b&gt;kapot&lt;/b&gt;" in html and "<b>kapot" not in html, html
        assert "Hij rookt &amp; piept." in html, html
        assert f'href="https://desk.example/#/tickets/{ref}"' in html, html
        # nobody else of the organisation heard of it
        agent = w.d.login("agent")
        t2 = agent.create_ticket(title="Phoned in", description="By phone.",
                                 requester="bob@acme.example")
        w.wait("bob", about(t2["ref"]))
        assert not w.to("olga") and not w.to("agent"), (w.to("olga"), w.to("agent"))
        assert [x for x in w.to("alice") if about(t2["ref"])(x)] == []
        # English for bob, whom support registered it for; support hears nothing
        mb = w.to("bob")[0]
        assert mb.text().startswith(MARKERS["en"]), mb.text()
        assert f"Request {t2['ref']} has been registered" in mb.text()
    finally:
        w.close()


@test
def confirmation_to_the_whole_organisation_when_it_asks():
    w = Mail()
    d = w.d
    try:
        # bad values are refused and change nothing
        p = d.ctl("org", "set", "Acme", "--confirm-all", "maybe", check=False)
        assert p.returncode == 2 and "--confirm-all takes yes or no" in p.stderr, p
        p = d.ctl("org", "set", "Nowhere", "--confirm-all", "yes", check=False)
        assert p.returncode != 0, p
        orgs = [json.loads(l) for l in d.ctl("--json", "org", "list").stdout.splitlines()]
        assert all(o["confirm_all"] is False for o in orgs), orgs
        d.ctl("org", "set", "Acme", "--confirm-all", "yes")
        assert "(confirmations to all users)" in [l for l in d.ctl("org", "list").stdout
                                                  .splitlines() if "Acme" in l][0]
        orgs = {o["name"]: o for o in
                (json.loads(l) for l in d.ctl("--json", "org", "list").stdout.splitlines())}
        assert orgs["Acme"]["confirm_all"] is True and orgs["Globex"]["confirm_all"] is False
        # the API's organisation list shows it too
        r = d.login("agent").get("/api/v1/orgs")
        assert r.status == 200, r
        d.ctl("user", "disable", "--email", "bob@acme.example")
        ref = d.login("alice").create_ticket(title="Server down", description="All of it.")["ref"]
        w.wait("alice", about(ref))
        m = w.wait("olga", about(ref))[0]
        assert m.text().startswith(MARKERS["sv"]), m.text()
        assert f"registrerats med nummer {ref}" in m.text(), m.text()
        # olga does not follow it: no stop link for her
        assert m["List-Unsubscribe"] is None, m
        # a disabled colleague, other organisations and support hear nothing
        time.sleep(0.5)
        assert not w.to("bob") and not w.to("gina") and not w.to("gus") and not w.to("agent")
        assert len([x for x in w.to("alice") if about(ref)(x)]) == 1
        # the dump carries it
        dumped = [r for r in d.dump() if r.get("kind") == "org" and r["name"] == "Acme"]
        assert dumped[0]["confirm_all"] is True, dumped
    finally:
        w.close()


@test
def followers_hear_of_public_changes_only_and_not_of_their_own():
    w = Mail()
    d = w.d
    try:
        alice, olga, agent = d.login("alice"), d.login("olga"), d.login("agent")
        ref = alice.create_ticket(title="Mail stuck", description="Outbox full.")["ref"]
        w.wait("alice", about(ref))
        assert olga.post(f"/api/v1/tickets/{ref}/follow").status == 200
        # an internal note: nobody hears of it
        r = agent.post(f"/api/v1/tickets/{ref}/comments",
                       {"body": "SECRET-NOTE the customer's server is ancient", "internal": True})
        assert r.status == 201, r
        # a public reply: both followers, each in their language
        r = agent.post(f"/api/v1/tickets/{ref}/comments", {"body": "Please restart it."})
        assert r.status == 201, r
        ma = w.wait("alice", saying("Please restart it."))[0]
        mo = w.wait("olga", saying("Please restart it."))[0]
        assert str(ma["Subject"]) == f"[{ref}] Mail stuck"
        assert ma.text().startswith(MARKERS["nl"]) and "Ann Agent heeft een reactie" in ma.text()
        assert mo.text().startswith(MARKERS["sv"]) and "Ann Agent har lagt till en kommentar" in mo.text()
        # alice answers: olga hears of it, alice herself does not
        assert alice.post(f"/api/v1/tickets/{ref}/comments", {"body": "ALICE-SAYS done"}).status == 201
        w.wait("olga", saying("ALICE-SAYS done"))
        # a status change, with its label in the follower's language
        r = agent.post(f"/api/v1/tickets/{ref}/actions",
                       {"action": "set_status", "status": "waiting_for_customer"})
        assert r.status == 200, r
        w.wait("alice", saying("Wacht op klant"))
        w.wait("olga", saying("Väntar på kund"))
        # resolution: its own words
        r = agent.post(f"/api/v1/tickets/{ref}/actions", {"action": "resolve"})
        assert r.status == 200, r
        mr = w.wait("alice", saying("heeft melding " + ref + " opgelost"))[0]
        assert "heropen de melding" in mr.text(), mr.text()
        w.wait("olga", saying("har löst ärende " + ref))
        time.sleep(0.5)
        everything = w.to("alice") + w.to("olga") + w.to("agent")
        for m in everything:
            assert "SECRET-NOTE" not in m.text() and "SECRET-NOTE" not in m.html(), m
        assert not [m for m in w.to("alice") if "ALICE-SAYS" in m.text()]
        assert not w.to("agent"), w.to("agent")
        # every message about the ticket shares the thread id
        assert {str(m["References"]) for m in w.to("alice")} == {f"<ticket-{ref}@deskd.example>"}
    finally:
        w.close()


@test
def a_follower_who_can_no_longer_see_the_ticket_hears_nothing():
    w = Mail()
    d = w.d
    try:
        alice, agent = d.login("alice"), d.login("agent")
        ref = alice.create_ticket(title="Shared once", description="x")["ref"]
        w.wait("alice", about(ref))
        r = alice.post(f"/api/v1/tickets/{ref}/participants", {"email": "bob@acme.example"})
        assert r.status in (200, 201), r
        assert agent.post(f"/api/v1/tickets/{ref}/comments", {"body": "FIRST reply"}).status == 201
        w.wait("bob", saying("FIRST reply"))
        r = alice.delete(f"/api/v1/tickets/{ref}/participants/bob@acme.example")
        assert r.status == 200, r
        assert d.login("bob").get(f"/api/v1/tickets/{ref}").status == 404
        assert agent.post(f"/api/v1/tickets/{ref}/comments", {"body": "SECOND reply"}).status == 201
        w.wait("alice", saying("SECOND reply"))
        time.sleep(0.5)
        assert not [m for m in w.to("bob") if "SECOND reply" in m.text()], w.to("bob")
    finally:
        w.close()


@test
def outside_addresses_get_the_public_news_without_links():
    w = Mail()
    d = w.d
    try:
        alice, agent = d.login("alice"), d.login("agent")
        ref = alice.create_ticket(title="Partner link down", description="VPN gone.",
                                  participants=["Outsider@Partner.example"])["ref"]
        m = w.wait("outsider@partner.example", about(ref))[0]
        # the requester's language (Dutch), and no link: there is no account to open it with
        assert m.text().startswith(MARKERS["nl"]) and "VPN gone." in m.text(), m.text()
        assert "https://desk.example" not in m.text() and m["List-Unsubscribe"] is None, m.text()
        assert agent.post(f"/api/v1/tickets/{ref}/comments",
                          {"body": "INTERNAL-ONLY", "internal": True}).status == 201
        assert agent.post(f"/api/v1/tickets/{ref}/comments", {"body": "PUBLIC-REPLY"}).status == 201
        w.wait("outsider@partner.example", saying("PUBLIC-REPLY"))
        w.wait("alice", saying("PUBLIC-REPLY"))
        time.sleep(0.3)
        assert not [x for x in w.to("outsider@partner.example") if "INTERNAL-ONLY" in x.text()]
        # removed: no more mail
        r = alice.delete(f"/api/v1/tickets/{ref}/participants/outsider@partner.example")
        assert r.status == 200, r
        assert agent.post(f"/api/v1/tickets/{ref}/comments", {"body": "AFTER-REMOVAL"}).status == 201
        w.wait("alice", saying("AFTER-REMOVAL"))
        time.sleep(0.3)
        assert not [x for x in w.to("outsider@partner.example") if "AFTER-REMOVAL" in x.text()]
    finally:
        w.close()


@test
def unsubscribe_with_the_link_and_one_click():
    w = Mail()
    d = w.d
    try:
        alice, olga, agent = d.login("alice"), d.login("olga"), d.login("agent")
        ref = alice.create_ticket(title="Loud fan", description="x")["ref"]
        tok = token_of(w.wait("alice", about(ref))[0])
        assert olga.post(f"/api/v1/tickets/{ref}/follow").status == 200
        assert agent.post(f"/api/v1/tickets/{ref}/comments", {"body": "ONE"}).status == 201
        tok_olga = token_of(w.wait("olga", saying("ONE"))[0])
        assert tok_olga != tok

        # no sign-in needed; the answer names the ticket
        r = d.request("POST", "/api/v1/unsubscribe", {"token": tok})
        assert r.status == 200, r
        assert r.json == {"ticket": ref, "following": False, "changed": True}, r
        assert alice.get(f"/api/v1/tickets/{ref}").json["ticket"]["following"] is False
        timeline = agent.get(f"/api/v1/tickets/{ref}").json["ticket"]["timeline"]
        assert timeline[-1]["kind"] == "unfollow", timeline[-1]
        # again: the same answer, nothing more written
        r = d.request("POST", "/api/v1/unsubscribe", {"token": tok})
        assert r.status == 200 and r.json["changed"] is False, r
        n_events = len(agent.get(f"/api/v1/tickets/{ref}").json["ticket"]["timeline"])

        # a browser opening the header's address gets the portal page, nothing changes
        r = d.request("GET", f"/api/v1/unsubscribe/{tok_olga}")
        assert r.status == 303 and r.header("Location") == f"/#/unsubscribe/{tok_olga}", r
        check_error(d.request("GET", "/api/v1/unsubscribe/bad%0d%0aX-Evil:1"), 400, "invalid_token")
        assert olga.get(f"/api/v1/tickets/{ref}").json["ticket"]["following"] is True
        # one-click, as a mail client sends it (a form, no session)
        r = d.request("POST", f"/api/v1/unsubscribe/{tok_olga}", raw="List-Unsubscribe=One-Click",
                      headers={"Content-Type": "application/x-www-form-urlencoded"})
        assert r.status == 200 and r.json["ticket"] == ref, r
        assert olga.get(f"/api/v1/tickets/{ref}").json["ticket"]["following"] is False

        # the next reply reaches neither
        assert agent.post(f"/api/v1/tickets/{ref}/comments", {"body": "TWO"}).status == 201
        # (a third follower shows the reply went out)
        bob_ref = alice.create_ticket(title="Sentinel", description="x")["ref"]
        w.wait("alice", about(bob_ref))
        time.sleep(0.5)
        assert not [m for m in w.to("alice") + w.to("olga") if "TWO" in m.text()]
        # following again brings the mail back
        assert alice.post(f"/api/v1/tickets/{ref}/follow").status == 200
        assert agent.post(f"/api/v1/tickets/{ref}/comments", {"body": "THREE"}).status == 201
        w.wait("alice", saying("THREE"))
        assert n_events < len(agent.get(f"/api/v1/tickets/{ref}").json["ticket"]["timeline"])
    finally:
        w.close()


@test
def forged_and_malformed_tokens_change_nothing():
    w = Mail()
    d = w.d
    try:
        alice, agent = d.login("alice"), d.login("agent")
        ref = alice.create_ticket(title="Keep me", description="x")["ref"]
        tok = token_of(w.wait("alice", about(ref))[0])
        before = agent.get(f"/api/v1/tickets/{ref}").json["ticket"]

        flipped = tok[:-1] + ("A" if tok[-1] != "A" else "B")
        # another user's id in the same MAC: the MAC no longer fits
        import base64
        raw = bytearray(base64.urlsafe_b64decode(tok + "=="))
        raw[7] ^= 1
        other_user = base64.urlsafe_b64encode(bytes(raw)).decode().rstrip("=")
        for bad in (flipped, other_user, tok[:-1], tok + "A", "x" * 64, "", "!" * 64,
                    tok.replace(tok[10], "+" if tok[10] != "+" else "/"), "a" * 5000):
            r = d.request("POST", "/api/v1/unsubscribe", {"token": bad})
            check_error(r, 400, "invalid_token", "token")
        for bad in (flipped, other_user, "x" * 64, "a" * 300):
            r = d.request("POST", f"/api/v1/unsubscribe/{bad}", raw="List-Unsubscribe=One-Click",
                          headers={"Content-Type": "application/x-www-form-urlencoded"})
            check_error(r, 400, "invalid_token")
        check_error(d.request("POST", "/api/v1/unsubscribe", {}), 422, "required", "token")
        check_error(d.request("POST", "/api/v1/unsubscribe", {"token": 5}), 422, "invalid_type",
                    "token")
        check_error(d.request("POST", "/api/v1/unsubscribe", {"token": None}), 422, "invalid_type",
                    "token")
        check_error(d.request("POST", "/api/v1/unsubscribe", {"token": tok, "user": 1}), 422,
                    "unknown_field")
        check_error(d.request("POST", "/api/v1/unsubscribe", [tok]), 400, "invalid_json")
        r = d.request("POST", "/api/v1/unsubscribe", raw="{not json",
                      headers={"Content-Type": "application/json"})
        assert r.status == 400, r
        r = d.request("POST", "/api/v1/unsubscribe", raw="token=" + tok,
                      headers={"Content-Type": "application/x-www-form-urlencoded"})
        assert r.status == 415, r
        r = d.request("POST", "/api/v1/unsubscribe", raw=json.dumps({"token": "a" * 2_000_000}),
                      headers={"Content-Type": "application/json"})
        assert r.status == 413, r
        r = d.request("GET", "/api/v1/unsubscribe")
        assert r.status == 405, r
        after = agent.get(f"/api/v1/tickets/{ref}").json["ticket"]
        assert after == before, (before, after)
        assert alice.get(f"/api/v1/tickets/{ref}").json["ticket"]["following"] is True
        # the real token still works afterwards
        r = d.request("POST", "/api/v1/unsubscribe", {"token": tok})
        assert r.status == 200 and r.json["changed"] is True, r
        # and keeps working across a restart (the secret is stored)
        d.restart()
        r = d.request("POST", "/api/v1/unsubscribe", {"token": tok})
        assert r.status == 200 and r.json["changed"] is False, r
    finally:
        w.close()


@test
def sla_warning_and_breach_reach_the_escalation_contacts_by_maildir():
    # no smtp_url: the messages land in the data directory's maildir
    c = Clocked()
    try:
        d = c.d
        t = c.ticket()
        ref, first = t["ref"], FIRST[t["priority"]]
        # the confirmation to alice comes first
        wait_maildir(d.data, 1, rcpt="alice@acme.example")
        c.set(T0 + first * 8 // 10)
        got = wait_maildir(d.data, 1, rcpt="boss@acme.example")
        m = got[0]
        assert str(m["Subject"]) == f"[{ref}] SLA warning: Printer on fire", m["Subject"]
        assert "will soon be missed" in m.text() and "First response, due 2030-01-01" in m.text()
        assert f"http://127.0.0.1:8080/#/tickets/{ref}" in m.text(), m.text()
        c.set(T0 + first + 1000)
        got = wait_maildir(d.data, 2, rcpt="boss@acme.example")
        assert str(got[1]["Subject"]) == f"[{ref}] SLA breach: Printer on fire", got[1]["Subject"]
        assert "has been missed" in got[1].text()
        # customers never hear of the SLA notes
        for m in read_maildir(d.data):
            assert "SLA" not in str(m["Subject"]) or m.rcpt_tos == ["boss@acme.example"], m
    finally:
        c.close()


if __name__ == "__main__":
    run()

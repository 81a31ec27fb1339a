"""Accounts by e-mail: sign-up with an activation link, the forgotten
password and its reset link, access requests and their invitation link.
One-time links are stored hashed, used once and expire; sign-up and
forgotten password answer the same whether or not the address has an
account; the account endpoints and signing in are rate limited; customers
never see another organisation's access requests. Mail goes through a real
SMTP server on loopback."""

import json
import os
import re
import subprocess
import time

from harness import (DESKCTL, FAST_CONFIG, PASSWORD, check_error, email_of, run, test, wait_for,
                     world)
from sla_clock import T0, FileClock
from smtp import SmtpServer

HOUR = 3600 * 1000
LINK = re.compile(r"#/(activate|reset)/([A-Za-z0-9_-]{43})")
NEW_PASSWORD = "a-new-password-1"


class Accounts(FileClock):
    """A started world with sign-up open for Acme's domains, mail to a
    loopback SMTP server, and a clock the test drives."""

    def __init__(self, signup="yes", mail_per_hour=1000, link_hours=24):
        self.smtp = SmtpServer()
        config = (FAST_CONFIG + self.smtp.config() +
                  f"\n[accounts]\nsignup = {signup}\nmail_per_hour = {mail_per_hour}\n"
                  f"link_hours = {link_hours}\n")
        try:
            self.d = world(config=config, start=False)
        except BaseException:
            self.smtp.stop()
            raise
        self.d.ctl("org", "set", "Acme", "--domains", "acme.example,Acme-Corp.example")
        self.clock = os.path.join(self.d.dir, "clock")
        self.now = T0
        self.write_clock(T0)
        self.start()

    def post(self, path, body, **kw):
        return self.d.request("POST", path, body, **kw)

    def mails(self, rcpt):
        with self.smtp.lock:
            return [m for m in self.smtp.messages if rcpt in m.rcpt_tos]

    def link(self, rcpt, n=1):
        """The link of the n-th mail to rcpt: (page, secret)."""
        msg = self.smtp.wait_for(n, rcpt=rcpt)[n - 1]
        m = LINK.search(msg.text())
        assert m, msg.text()
        assert m.group(0) in msg.html(), msg.html()
        return m.group(1), m.group(2)

    def quiet(self, rcpt, n):
        """Asserts rcpt got exactly n mails, after the outbox had time."""
        time.sleep(0.6)
        got = self.mails(rcpt)
        assert len(got) == n, (rcpt, got)

    def users(self):
        return {u["email"]: u for u in self.d.dump() if u.get("kind") == "user"}

    def close(self):
        try:
            self.d.close()
        finally:
            self.smtp.stop()


def same_answer(a, b):
    assert a.status == b.status == 202, (a, b)
    assert a.body == b.body, (a, b)
    skip = {"date", "content-length"}
    ha = sorted((k.lower(), v) for k, v in a.headers if k.lower() not in skip)
    hb = sorted((k.lower(), v) for k, v in b.headers if k.lower() not in skip)
    assert ha == hb, (ha, hb)


# ---------------------------------------------------------------- sign-up

@test
def signup_answers_the_same_for_new_known_and_refused_addresses():
    w = Accounts()
    try:
        new = w.post("/api/v1/signup", {"email": "Nina@Acme.example", "name": "Nina",
                                         "language": "nl"})
        known = w.post("/api/v1/signup", {"email": email_of("alice"), "name": "Nina"})
        other = w.post("/api/v1/signup", {"email": "nina@elsewhere.example", "name": "Nina"})
        second_domain = w.post("/api/v1/signup", {"email": "carl@acme-corp.example"})
        for r in (known, other, second_domain):
            same_answer(new, r)
        assert new.json == {"status": "accepted"}, new
        assert new.header("Set-Cookie") is None
        # the new address gets an activation link, in the language asked for
        page, secret = w.link("Nina@Acme.example")
        assert page == "activate"
        msg = w.mails("Nina@Acme.example")[0]
        assert msg["Content-Language"] in (None, "nl") or "nl" in str(msg["Content-Language"])
        # the known address hears someone tried, and where to reset
        msg = w.smtp.wait_for(1, rcpt=email_of("alice"))[0]
        assert "#/forgot" in msg.text() and not LINK.search(msg.text()), msg.text()
        w.link("carl@acme-corp.example")
        # an address no organisation's domains cover gets nothing
        w.quiet("nina@elsewhere.example", 0)
        # the secret is not stored: only its hash
        dump = json.dumps(w.d.dump())
        assert secret not in dump
        links = [s for s in w.d.dump() if s.get("session_kind") == "activation"]
        assert len(links) == 2 and {s["email"] for s in links} == {
            "Nina@Acme.example", "carl@acme-corp.example"}, links
        assert all(s["expires_ms"] == T0 + 24 * HOUR for s in links), links
        # nobody was made yet
        assert "Nina@Acme.example" not in w.users()
    finally:
        w.close()


@test
def activation_makes_a_customer_signs_in_and_works_once():
    w = Accounts()
    try:
        assert w.post("/api/v1/signup", {"email": "nina@acme.example",
                                         "language": "sv"}).status == 202
        _, secret = w.link("nina@acme.example")
        r = w.post("/api/v1/signup/activate", {"token": secret, "name": " Nina Nilsson ",
                                               "password": NEW_PASSWORD})
        assert r.status == 201, r
        u = r.json["user"]
        assert u["email"] == "nina@acme.example" and u["name"] == "Nina Nilsson", u
        assert u["role"] == "customer" and u["org_name"] == "Acme", u
        assert u["language"] == "sv", u
        cookie = r.header("Set-Cookie")
        assert cookie and "HttpOnly" in cookie and r.json["csrf"], r
        me = w.d.request("GET", "/api/v1/me", headers={"Cookie": cookie.split(";")[0]})
        assert me.status == 200 and me.json["user"]["email"] == "nina@acme.example", me
        # used up
        again = w.post("/api/v1/signup/activate", {"token": secret, "name": "Eve",
                                                   "password": "another-password"})
        check_error(again, 400, "invalid_token", field="token")
        assert [s for s in w.d.dump() if s.get("session_kind") == "activation"] == []
        # the password works; signing up again now says "you have an account"
        w.d.login("nina@acme.example", NEW_PASSWORD)
        assert w.post("/api/v1/signup", {"email": "NINA@acme.example"}).status == 202
        msg = w.smtp.wait_for(2, rcpt="nina@acme.example")[1]
        assert "#/forgot" in msg.text(), msg.text()
        v = w.d.ctl("verify", check=False)
        assert v.returncode == 0 and "no problems" in v.stdout, v
    finally:
        w.close()


@test
def two_links_for_one_address_make_one_account():
    w = Accounts()
    try:
        for _ in range(2):
            assert w.post("/api/v1/signup", {"email": "twin@acme.example"}).status == 202
        _, first = w.link("twin@acme.example", 1)
        _, second = w.link("twin@acme.example", 2)
        assert first != second
        r = w.post("/api/v1/signup/activate", {"token": second, "name": "Twin",
                                               "password": NEW_PASSWORD})
        assert r.status == 201, r
        r = w.post("/api/v1/signup/activate", {"token": first, "name": "Twin",
                                               "password": NEW_PASSWORD})
        check_error(r, 409, "account_exists")
        assert sum(1 for e in w.users() if e == "twin@acme.example") == 1
    finally:
        w.close()


@test
def signup_closed_sends_nothing_and_answers_the_same():
    w = Accounts(signup="no")
    try:
        a = w.post("/api/v1/signup", {"email": "nina@acme.example"})
        b = w.post("/api/v1/signup", {"email": "nobody@elsewhere.example"})
        same_answer(a, b)
        # known addresses still hear of it (so the owner may reset)
        c = w.post("/api/v1/signup", {"email": email_of("bob")})
        same_answer(a, c)
        w.smtp.wait_for(1, rcpt=email_of("bob"))
        w.quiet("nina@acme.example", 0)
    finally:
        w.close()


@test
def signup_and_activation_refuse_bad_input_and_change_nothing():
    w = Accounts()
    try:
        before = w.d.dump()
        long_email = "a" * 250 + "@acme.example"
        cases = [
            ({}, 422, "required", "email"),
            ({"email": ""}, 422, "required", "email"),
            ({"email": 12}, 422, "invalid_type", "email"),
            ({"email": "not-an-address"}, 422, "invalid_value", "email"),
            ({"email": "a@b@acme.example"}, 422, "invalid_value", "email"),
            ({"email": "x\ny@acme.example"}, 422, "invalid_text", "email"),
            ({"email": long_email}, 422, "too_long", "email"),
            ({"email": "n@acme.example", "name": "x" * 201}, 422, "too_long", "name"),
            ({"email": "n@acme.example", "name": "a\u0007b"}, 422, "invalid_text", "name"),
            ({"email": "n@acme.example", "language": "fr"}, 422, "invalid_value", "language"),
            ({"email": "n@acme.example", "language": 1}, 422, "invalid_type", "language"),
            ({"email": "n@acme.example", "role": "admin"}, 422, "unknown_field", "role"),
            ({"email": "n@acme.example", "org_id": 2}, 422, "unknown_field", "org_id"),
        ]
        for body, status, code, field in cases:
            check_error(w.post("/api/v1/signup", body), status, code, field=field)
        check_error(w.d.request("POST", "/api/v1/signup", raw="{nope",
                                headers={"Content-Type": "application/json"}), 400)
        check_error(w.d.request("POST", "/api/v1/signup", raw="[]",
                                headers={"Content-Type": "application/json"}), 400)
        check_error(w.d.request("POST", "/api/v1/signup", raw='{"email":"n@acme.example"}',
                                headers={"Content-Type": "text/plain"}), 415)
        huge = json.dumps({"email": "n@acme.example", "name": "x" * 2_000_000})
        assert w.d.request("POST", "/api/v1/signup", raw=huge,
                           headers={"Content-Type": "application/json"}).status == 413
        check_error(w.d.request("GET", "/api/v1/signup"), 405)

        good = {"token": "A" * 43, "name": "N", "password": NEW_PASSWORD}
        bad_links = [
            ({}, 422, "required", "token"),
            ({**good, "token": ""}, 422, "required", "token"),
            ({**good, "token": 5}, 422, "invalid_type", "token"),
            ({**good, "token": "x" * 65}, 422, "too_long", "token"),
            ({**good, "name": ""}, 422, "required", "name"),
            ({"token": "A" * 43, "password": NEW_PASSWORD}, 422, "required", "name"),
            ({**good, "password": "short"}, 422, "too_short", "password"),
            ({**good, "password": "x" * 1025}, 422, "too_long", "password"),
            ({**good, "role": "admin"}, 422, "unknown_field", "role"),
        ]
        for body, status, code, field in bad_links:
            check_error(w.post("/api/v1/signup/activate", body), status, code, field=field)
        # forged links of every shape
        for token in ("A" * 43, "A" * 42, "../../etc/passwd", "<script>x</script>",
                      "%00" * 10, "A" * 42 + "=", "é" * 20):
            check_error(w.post("/api/v1/signup/activate", {**good, "token": token}), 400,
                        "invalid_token", field="token")
        after = w.d.dump()
        assert before == after
        w.quiet("n@acme.example", 0)
    finally:
        w.close()


# ---------------------------------------------------------- forgotten password

@test
def forgot_answers_the_same_and_mails_only_existing_enabled_users():
    w = Accounts()
    try:
        w.d.ctl("user", "disable", "--email", email_of("bob"))
        a = w.post("/api/v1/password/forgot", {"email": email_of("alice")})
        # the first link arrives before the second is asked for: deliveries
        # run side by side and may otherwise arrive in either order
        w.smtp.wait_for(1, rcpt=email_of("alice"))
        b = w.post("/api/v1/password/forgot", {"email": "nobody@acme.example"})
        c = w.post("/api/v1/password/forgot", {"email": email_of("bob")})
        d = w.post("/api/v1/password/forgot", {"email": "ALICE@acme.example"})
        for r in (b, c, d):
            same_answer(a, r)
        assert w.link(email_of("alice"))[0] == "reset"
        w.smtp.wait_for(2, rcpt=email_of("alice"))
        w.quiet("nobody@acme.example", 0)
        w.quiet(email_of("bob"), 0)
        # only the newest link works
        _, old = w.link(email_of("alice"), 1)
        _, new = w.link(email_of("alice"), 2)
        check_error(w.post("/api/v1/password/reset", {"token": old, "password": NEW_PASSWORD}),
                    400, "invalid_token")
        assert len([s for s in w.d.dump() if s.get("session_kind") == "reset"]) == 1
        assert w.post("/api/v1/password/reset",
                      {"token": new, "password": NEW_PASSWORD}).status == 204
        for body in ({}, {"email": "bad"}, {"email": email_of("alice"), "name": "x"}, []):
            r = w.post("/api/v1/password/forgot", body)
            assert r.status in (400, 422), r
            check_error(r, r.status)
    finally:
        w.close()


@test
def reset_sets_the_password_ends_browser_sessions_and_works_once():
    w = Accounts()
    try:
        browser = w.d.login("alice")
        other = w.d.login("alice")
        api = w.d.token_client("alice")
        assert w.post("/api/v1/password/forgot", {"email": email_of("alice")}).status == 202
        page, secret = w.link(email_of("alice"))
        assert page == "reset"
        # a reset link is not an activation link, nor a credential
        check_error(w.post("/api/v1/signup/activate", {"token": secret, "name": "A",
                                                       "password": NEW_PASSWORD}),
                    400, "invalid_token")
        assert w.d.request("GET", "/api/v1/me",
                           headers={"Authorization": "Bearer " + secret}).status == 401
        assert w.d.request("GET", "/api/v1/me",
                           headers={"Cookie": "deskd_session=" + secret}).status == 401
        r = w.post("/api/v1/password/reset", {"token": secret, "password": NEW_PASSWORD})
        assert r.status == 204, r
        assert r.header("Set-Cookie") is None
        assert browser.get("/api/v1/me").status == 401
        assert other.get("/api/v1/me").status == 401
        assert api.get("/api/v1/me").status == 200  # API tokens stay, as deskctl's reset
        check_error(w.post("/api/v1/password/reset", {"token": secret, "password": "other-pass-1"}),
                    400, "invalid_token", field="token")
        w.d.login("alice", NEW_PASSWORD)
        w.d.client().login(email_of("alice"), PASSWORD, expect=401)
        # the log line comes through a pipe: wait for it
        wait_for(lambda: any("msg=password_reset" in l for l in w.d.log), what="reset logged")
        assert not any(secret in l for l in w.d.log)
    finally:
        w.close()


@test
def links_expire_after_link_hours_and_are_purged():
    w = Accounts(link_hours=2)
    try:
        assert w.post("/api/v1/password/forgot", {"email": email_of("alice")}).status == 202
        assert w.post("/api/v1/signup", {"email": "late@acme.example"}).status == 202
        _, reset = w.link(email_of("alice"))
        _, activate = w.link("late@acme.example")
        w.set(T0 + 2 * HOUR - 1000)
        # still valid a second before: checked without using it up
        check_error(w.post("/api/v1/password/reset", {"token": reset, "password": "x"}),
                    422, "too_short")
        w.set(T0 + 2 * HOUR)
        check_error(w.post("/api/v1/password/reset", {"token": reset, "password": NEW_PASSWORD}),
                    400, "invalid_token")
        check_error(w.post("/api/v1/signup/activate", {"token": activate, "name": "L",
                                                       "password": NEW_PASSWORD}),
                    400, "invalid_token")
        # the expiry timer (run at start-up for what is due) removes them
        w.restart()
        kinds = {s.get("session_kind") for s in w.d.dump() if s.get("kind") == "session"}
        assert not kinds & {"reset", "activation"}, kinds
        w.d.login("alice")  # the old password is unchanged
    finally:
        w.close()


# ---------------------------------------------------------------- rate limits

@test
def account_mail_is_rate_limited_per_address_and_per_client():
    w = Accounts(mail_per_hour=3)
    try:
        for _ in range(3):
            assert w.post("/api/v1/password/forgot",
                          {"email": email_of("alice")}).status == 202
        r = w.post("/api/v1/password/forgot", {"email": email_of("alice")})
        e = check_error(r, 429, "rate_limited")
        assert 1 <= int(r.header("Retry-After")) <= 3600, r.headers
        # an unknown address is limited the same way (no difference shows)
        for _ in range(3):
            assert w.post("/api/v1/signup", {"email": "x@elsewhere.example"}).status == 202
        r2 = w.post("/api/v1/signup", {"email": "x@elsewhere.example"})
        assert r2.status == 429 and r2.json["error"] == e
        # the client's budget: 4 x 3 requests an hour in all (6 used)
        for i in range(6):
            r = w.post("/api/v1/password/forgot", {"email": f"u{i}@elsewhere.example"})
            assert r.status == 202, (i, r)
        check_error(w.post("/api/v1/password/forgot", {"email": "u9@elsewhere.example"}),
                    429, "rate_limited")
        check_error(w.post("/api/v1/password/reset", {"token": "A" * 43,
                                                      "password": NEW_PASSWORD}),
                    429, "rate_limited")
        check_error(w.post("/api/v1/signup/activate", {"token": "A" * 43, "name": "N",
                                                       "password": NEW_PASSWORD}),
                    429, "rate_limited")
        assert len(w.smtp.wait_for(3, rcpt=email_of("alice"))) == 3
        w.quiet(email_of("alice"), 3)
        # an hour later it starts again
        w.set(T0 + HOUR)
        assert w.post("/api/v1/password/forgot", {"email": email_of("alice")}).status == 202
    finally:
        w.close()


@test
def signing_in_is_limited_after_repeated_failures():
    w = Accounts()
    try:
        for _ in range(10):
            w.d.client().login(email_of("alice"), "wrong-password", expect=401)
        r = w.d.client().login(email_of("alice"), PASSWORD, expect=429)
        check_error(r, 429, "rate_limited")
        assert int(r.header("Retry-After")) > 0
        # another address from the same client is not locked out
        w.d.login("bob")
        # fifteen minutes later the address may try again; a success clears it
        w.set(T0 + 15 * 60 * 1000)
        w.d.login("alice")
        for _ in range(9):
            w.d.client().login(email_of("alice"), "wrong-password", expect=401)
        w.d.login("alice")
    finally:
        w.close()


# ------------------------------------------------------------ access requests

def ask(c, **kw):
    body = {"email": "carol@acme.example", "name": "Carol Colleague",
            "phone": "+31 20 123 4567", "function": "Controller", **kw}
    return c.post("/api/v1/access-requests", body)


@test
def access_request_approved_invites_the_colleague():
    w = Accounts()
    try:
        olga = w.d.login("olga")
        r = ask(olga)
        assert r.status == 201, r
        a = r.json["access_request"]
        assert a["state"] == "pending" and a["org_name"] == "Acme", a
        assert a["requester_name"] == "Olga Acme" and a["decided"] is None, a
        # administrators hear of it, with a link to the page of requests
        msg = w.smtp.wait_for(1, rcpt=email_of("admin"))[0]
        assert "#/access-requests" in msg.text() and "Carol" in msg.text(), msg.data.decode()
        w.quiet(email_of("agent"), 0)
        agent = w.d.login("agent")
        pending = agent.get("/api/v1/access-requests")
        assert pending.status == 200, pending
        assert [x["id"] for x in pending.json["access_requests"]] == [a["id"]]
        assert pending.json["next_cursor"] is None
        # the requester's organisation sees it, with its own scope
        assert olga.get(f"/api/v1/access-requests/{a['id']}").status == 200
        assert [x["id"] for x in olga.get("/api/v1/access-requests").json["access_requests"]] \
            == [a["id"]]
        r = agent.post(f"/api/v1/access-requests/{a['id']}/approve")
        assert r.status == 200, r
        done = r.json["access_request"]
        assert done["state"] == "approved" and done["user_id"], done
        assert done["decided_by"] == agent.user["id"], done
        u = w.users()["carol@acme.example"]
        assert u["role"] == "customer" and u.get("password_hash") is None, u
        assert u["phone"] == "+31 20 123 4567", u
        page, secret = w.link("carol@acme.example")
        assert page == "activate"
        # no password yet: cannot sign in
        w.d.client().login("carol@acme.example", NEW_PASSWORD, expect=401)
        r = w.post("/api/v1/signup/activate", {"token": secret, "name": "Carol C.",
                                               "password": NEW_PASSWORD})
        assert r.status == 201, r
        assert r.json["user"]["name"] == "Carol C." and r.json["user"]["org_name"] == "Acme"
        w.d.login("carol@acme.example", NEW_PASSWORD)
        check_error(w.post("/api/v1/signup/activate", {"token": secret, "name": "X",
                                                       "password": NEW_PASSWORD}),
                    400, "invalid_token")
        check_error(agent.post(f"/api/v1/access-requests/{a['id']}/approve"), 409,
                    "already_decided")
        check_error(agent.post(f"/api/v1/access-requests/{a['id']}/refuse", {}), 409,
                    "already_decided")
        assert agent.get("/api/v1/access-requests").json["access_requests"] == []
        got = agent.get("/api/v1/access-requests?state=approved").json["access_requests"]
        assert [x["id"] for x in got] == [a["id"]]
        v = w.d.ctl("verify", check=False)
        assert v.returncode == 0 and "no problems" in v.stdout, v
    finally:
        w.close()


@test
def access_request_refused_and_other_outcomes():
    w = Accounts()
    try:
        olga = w.d.login("olga")
        admin = w.d.login("admin")
        a = ask(olga).json["access_request"]
        r = admin.post(f"/api/v1/access-requests/{a['id']}/refuse",
                       {"reason": "Not our customer"})
        assert r.status == 200, r
        assert r.json["access_request"]["state"] == "refused"
        assert r.json["access_request"]["reason"] == "Not our customer"
        assert "carol@acme.example" not in w.users()
        # no reason
        b = ask(olga, email="dave@acme.example").json["access_request"]
        check_error(admin.post(f"/api/v1/access-requests/{b['id']}/refuse"), 415)
        r = admin.post(f"/api/v1/access-requests/{b['id']}/refuse", {})
        assert r.status == 200 and r.json["access_request"]["reason"] is None, r
        # an address with an account already: approving is refused
        c = ask(olga, email=email_of("bob")).json["access_request"]
        check_error(admin.post(f"/api/v1/access-requests/{c['id']}/approve"), 409,
                    "account_exists")
        assert admin.get(f"/api/v1/access-requests/{c['id']}").json["access_request"][
            "state"] == "pending"
        # bad input to refuse changes nothing
        for body, code in (({"reason": 5}, "invalid_type"), ({"why": "x"}, "unknown_field"),
                           ({"reason": "x" * 2001}, "too_long"),
                           ({"reason": "a\u0007b"}, "invalid_text")):
            check_error(admin.post(f"/api/v1/access-requests/{c['id']}/refuse", body), 422, code)
        check_error(admin.post(f"/api/v1/access-requests/{c['id']}/approve", {"x": 1}), 400,
                    "unexpected_body")
        for bad in ("0", "x", "99999", "-1", "1e3", "18446744073709551616"):
            check_error(admin.post(f"/api/v1/access-requests/{bad}/approve"), 404)
            check_error(admin.get(f"/api/v1/access-requests/{bad}"), 404)
        # lists: newest first, paged with a cursor
        every = admin.get("/api/v1/access-requests?state=all").json["access_requests"]
        assert [x["id"] for x in every] == [c["id"], b["id"], a["id"]]
        p1 = admin.get("/api/v1/access-requests?state=all&limit=2").json
        assert [x["id"] for x in p1["access_requests"]] == [c["id"], b["id"]]
        p2 = admin.get("/api/v1/access-requests?state=all&limit=2&cursor="
                       + p1["next_cursor"]).json
        assert [x["id"] for x in p2["access_requests"]] == [a["id"]]
        assert p2["next_cursor"] is None
        refused = admin.get("/api/v1/access-requests?state=refused").json["access_requests"]
        assert [x["id"] for x in refused] == [b["id"], a["id"]]
        for q, field in (("state=done", "state"), ("limit=0", "limit"), ("limit=101", "limit"),
                         ("cursor=abc", "cursor"), ("sort=x", "sort")):
            check_error(admin.get("/api/v1/access-requests?" + q), 400, field=field)
    finally:
        w.close()


@test
def access_requests_stay_inside_their_organisation():
    w = Accounts()
    try:
        olga, gus = w.d.login("olga"), w.d.login("gus")
        alice, agent = w.d.login("alice"), w.d.login("agent")
        a = ask(olga).json["access_request"]
        g = ask(gus, email="gail@globex.example").json["access_request"]
        assert g["org_name"] == "Globex"
        # another organisation's request: 404, and never in the list
        check_error(gus.get(f"/api/v1/access-requests/{a['id']}"), 404)
        check_error(olga.get(f"/api/v1/access-requests/{g['id']}"), 404)
        assert [x["id"] for x in gus.get("/api/v1/access-requests?state=all").json[
            "access_requests"]] == [g["id"]]
        # plain customers neither ask nor see
        check_error(ask(alice), 403, "forbidden")
        check_error(alice.get("/api/v1/access-requests"), 403)
        check_error(alice.get(f"/api/v1/access-requests/{a['id']}"), 404)
        # deciding is support's
        for c in (olga, alice, gus):
            r = c.post(f"/api/v1/access-requests/{a['id']}/approve")
            assert r.status in (403, 404), r
            r = c.post(f"/api/v1/access-requests/{a['id']}/refuse", {})
            assert r.status in (403, 404), r
        # support does not ask, and nobody anonymous does anything
        check_error(ask(agent), 403, "forbidden")
        assert w.d.request("GET", "/api/v1/access-requests").status == 401
        assert w.d.request("POST", "/api/v1/access-requests", {"email": "x@y.example",
                                                               "name": "X"}).status == 401
        assert len(agent.get("/api/v1/access-requests").json["access_requests"]) == 2
    finally:
        w.close()


@test
def access_request_input_is_checked():
    w = Accounts()
    try:
        olga = w.d.login("olga")
        before = w.d.dump()
        base = {"email": "carol@acme.example", "name": "Carol"}
        cases = [
            ({}, "required", "email"),
            ({"name": "Carol"}, "required", "email"),
            ({"email": "carol@acme.example"}, "required", "name"),
            ({**base, "email": "nope"}, "invalid_value", "email"),
            ({**base, "name": "  "}, "required", "name"),
            ({**base, "name": "x" * 201}, "too_long", "name"),
            ({**base, "phone": "call me"}, "invalid_value", "phone"),
            ({**base, "phone": "1" * 41}, "too_long", "phone"),
            ({**base, "function": "x" * 201}, "too_long", "function"),
            ({**base, "function": "a\nb"}, "invalid_text", "function"),
            ({**base, "language": "de"}, "invalid_value", "language"),
            ({**base, "org_id": 2}, "unknown_field", "org_id"),
            ({**base, "role": "admin"}, "unknown_field", "role"),
        ]
        for body, code, field in cases:
            check_error(olga.post("/api/v1/access-requests", body), 422, code, field=field)
        check_error(olga.post("/api/v1/access-requests", raw="{", headers={
            "Content-Type": "application/json"}), 400)
        # the CSRF token is required of a browser
        r = olga.post("/api/v1/access-requests", base, csrf=False)
        assert r.status == 403, r
        assert w.d.dump() == before
        # hostile text is kept as text
        r = olga.post("/api/v1/access-requests", {**base, "name": "<img src=x onerror=1>",
                                                  "function": "\"; DROP TABLE --"})
        assert r.status == 201 and r.json["access_request"]["name"] == "<img src=x onerror=1>"
    finally:
        w.close()


# -------------------------------------------------------------- administration

@test
def org_domains_are_set_listed_and_checked():
    w = Accounts()
    try:
        d = w.d
        out = json.loads(d.ctl("--json", "org", "set", "Globex", "--domains",
                               "Globex.example, globex.co.uk").stdout)
        assert out["domains"] == ["globex.example", "globex.co.uk"], out
        listing = d.ctl("org", "list").stdout
        assert "sign-up: acme.example,acme-corp.example" in listing, listing
        assert "globex.example,globex.co.uk" in listing, listing
        for bad in ("not a domain", "nodot", "-x.example", "x..example", "a@b.example"):
            p = d.ctl("org", "set", "Globex", "--domains", bad, check=False)
            assert p.returncode != 0 and "--domains" in p.stderr, (bad, p.stderr)
        p = d.ctl("org", "set", "Globex", "--domains", "acme.example", check=False)
        assert p.returncode != 0 and "another organisation" in p.stderr, p.stderr
        p = d.ctl("org", "add", "Initech", "--domains", "acme-corp.example", check=False)
        assert p.returncode != 0 and "another organisation" in p.stderr, p.stderr
        d.ctl("org", "set", "Globex", "--domains", "")
        orgs = {o["name"]: o for o in (json.loads(l) for l in d.ctl(
            "--json", "org", "list").stdout.splitlines())}
        assert orgs["Globex"]["domains"] == [] and orgs["Acme"]["domains"] == [
            "acme.example", "acme-corp.example"], orgs
        # the running deskd follows: sign-up to Globex is closed again
        assert w.post("/api/v1/signup", {"email": "g@globex.example"}).status == 202
        w.quiet("g@globex.example", 0)
        # dump and restore carry links, domains and requests
        olga = d.login("olga")
        assert ask(olga).status == 201
        assert w.post("/api/v1/password/forgot", {"email": email_of("alice")}).status == 202
        w.smtp.wait_for(1, rcpt=email_of("alice"))
        dump = d.ctl("dump").stdout
        kinds = [json.loads(x).get("session_kind") for x in dump.splitlines()]
        assert "reset" in kinds and '"access_requests"' in dump, dump[-2000:]
        d.stop()
        target = os.path.join(d.dir, "restored")
        p = subprocess.run([DESKCTL, "--data", target, "--config", d.config, "restore", "-"],
                           input=dump, capture_output=True, text=True, timeout=120)
        assert p.returncode == 0, p
        again = subprocess.run([DESKCTL, "--data", target, "--config", d.config, "dump"],
                               capture_output=True, text=True, timeout=120)
        assert again.stdout == dump
        v = subprocess.run([DESKCTL, "--data", target, "--config", d.config, "verify"],
                           capture_output=True, text=True, timeout=120)
        assert v.returncode == 0 and "no problems" in v.stdout, v
    finally:
        w.close()


if __name__ == "__main__":
    run()

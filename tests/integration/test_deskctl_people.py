"""Personal data with deskctl: user export gives everything stored about a
person and no secrets; user erase anonymises them everywhere in one
transaction while tickets stay whole and verify stays clean."""

import json

from harness import check_error, ctl_refused, email_of, run, test, wait_for, world

FORM = {"request_type": "report_incident", "impact": 3, "urgency": 3}


def export(d, who):
    return json.loads(d.ctl("user", "export", "--email", who).stdout)


def shared_world():
    """alice's ticket with an agent's reply and internal note, bob as a
    colleague on it, gina (another organisation) as an outside address,
    alice following and signed in twice."""
    d = world()
    alice, agent = d.login("alice"), d.login("agent")
    d.alice_token = d.token_client("alice")
    t = alice.create_ticket("Printer offline", "Since this morning.",
                            participants=["bob@acme.example"], **FORM)
    ref = t["ref"]
    r = agent.post(f"/api/v1/tickets/{ref}/participants", {"email": "Gina@Globex.example"})
    assert r.status == 200 and "gina@globex.example" in r.json["ticket"]["external_emails"], r
    for body in ({"body": "Looking into it."}, {"body": "Toner?", "internal": True}):
        r = agent.post(f"/api/v1/tickets/{ref}/comments", body)
        assert r.status == 201, r
    r = alice.post(f"/api/v1/tickets/{ref}/comments", {"body": "Thanks, alice@acme.example here."})
    assert r.status == 201, r
    other = d.login("bob").create_ticket("Bob's own", "Not alice's.", **FORM)
    d.ref, d.other, d.alice, d.agent = ref, other["ref"], alice, agent
    return d


@test
def test_user_export_gives_everything_about_a_person_and_no_secrets():
    d = shared_world()
    try:
        x = export(d, "ALICE@acme.example")
        assert set(x) == {"exported", "user", "sessions", "tickets", "events_written",
                          "following", "access_requests", "mail"}, x.keys()
        u = x["user"]
        assert (u["email"], u["name"], u["organisation"]) == (
            "alice@acme.example", "Alice Acme", "Acme"), u
        assert u["password_set"] is True and "password_hash" not in u, u
        text = json.dumps(x)
        assert "$s1$" not in text and "csrf" not in text, "a secret in the export"
        assert d.alice_token.token not in text
        kinds = sorted(s["kind"] for s in x["sessions"])
        assert kinds == ["api_token", "browser"], x["sessions"]
        assert all(set(s) == {"kind", "label", "created", "expires"} for s in x["sessions"])
        # Her ticket with what a customer sees of it: no internal note.
        assert [t["ref"] for t in x["tickets"]] == [d.ref], x["tickets"]
        t = x["tickets"][0]
        assert "requester" in t["involvement"] and "follower" in t["involvement"], t
        bodies = [e.get("body") for e in t["timeline"]]
        assert "Looking into it." in bodies and "Toner?" not in bodies, bodies
        assert x["following"] == [d.ref], x["following"]
        written = [(e["ticket"], e["kind"]) for e in x["events_written"]]
        assert written == [(d.ref, "created"), (d.ref, "comment")], written
        # An agent's copy holds their note, and the ticket they wrote on.
        a = export(d, email_of("agent"))
        assert a["user"]["role"] == "agent" and a["tickets"] == [], a["tickets"]
        assert [e["body"] for e in a["events_written"] if e["kind"] == "comment"] == [
            "Looking into it.", "Toner?"], a["events_written"]
        assert [e["kind"] for e in a["events_written"]].count("participant") == 1
        # Someone named as an outside address finds the ticket in theirs.
        g = export(d, email_of("gina"))
        assert [(t["ref"], t["involvement"]) for t in g["tickets"]] == [
            (d.ref, ["outside_address"])], g["tickets"]
        assert all(not e["internal"] for e in g["tickets"][0]["timeline"])
        # A user without a password says so.
        d.ctl("user", "add", "--email", "nopass@acme.example", "--name", "No Pass",
              "--org", "Acme", "--role", "customer")
        assert export(d, "nopass@acme.example")["user"]["password_set"] is False
        for args, rc, msg in (([], 2, "usage"),
                              (["--email"], 2, "usage"),
                              (["--email", "nobody@acme.example"], 1, "no user with e-mail"),
                              (["--email", ""], 2, "not an e-mail address"),
                              (["--email", "x" * 300 + "@acme.example"], 2, "not an e-mail"),
                              (["--email", "a'; DROP TABLE users;--"], 1, "no user"),
                              (["--email", email_of("alice"), "surplus"], 2, "usage"),
                              (["--email", email_of("alice"), "--bogus"], 2, "usage")):
            ctl_refused(d, ["user", "export", *args], rc, msg)
        p = d.ctl("user", "export", "--help")
        assert p.returncode == 0 and "--email" in p.stdout
    finally:
        d.close()


@test
def test_user_erase_anonymises_everywhere_and_tickets_stay_whole():
    d = shared_world()
    try:
        # gina is on alice's ticket as an outside address.
        before = d.agent.get(f"/api/v1/tickets/{d.ref}").json["ticket"]
        out = json.loads(d.ctl("--json", "user", "erase", "--email", email_of("gina"),
                               "--yes").stdout)
        gid = d.users["gina"]["id"]
        assert out["id"] == gid and out["email"] == f"erased-{gid}@invalid", out
        assert out["tickets"] == 1 and out["events"] >= 1, out
        t = d.agent.get(f"/api/v1/tickets/{d.ref}").json["ticket"]
        assert "gina@globex.example" not in t["external_emails"], t
        assert len(t["timeline"]) == len(before["timeline"]), t["timeline"]
        # alice: her comments stay, written by an anonymous user.
        alice_id = d.users["alice"]["id"]
        p = d.ctl("user", "erase", "--email", email_of("alice"), "--yes")
        assert f"Erased user {alice_id}" in p.stdout and "2 sessions ended" in p.stdout, p.stdout
        t = d.agent.get(f"/api/v1/tickets/{d.ref}").json["ticket"]
        mine = [e for e in t["timeline"] if e["actor"]["id"] == alice_id]
        assert mine and all(e["actor"]["name"] == f"Erased user {alice_id}" for e in mine), mine
        assert "Thanks, alice@acme.example here." in [e.get("body") for e in mine]
        assert t["requester_id"] == alice_id and t["title"] == "Printer offline", t
        # Signed out everywhere, and cannot sign in again.
        check_error(d.alice.get("/api/v1/me"), 401)
        check_error(d.alice_token.get("/api/v1/me"), 401)
        r = d.request("POST", "/api/v1/session",
                      {"email": email_of("alice"), "password": "secret-password"})
        check_error(r, 401)
        dump = d.dump()
        recs = [r for r in dump if r["kind"] not in ("raw",)]
        text = json.dumps(recs).lower()
        for gone in ("alice@acme.example", "gina@globex.example", "alice acme", "gina globex"):
            # her own comment's text stays as she wrote it
            hits = text.count(gone) - (1 if gone == "alice@acme.example" else 0)
            assert hits == 0, f"{gone} is still in the dump"
        u = next(r for r in dump if r["kind"] == "user" and r["id"] == alice_id)
        assert (u["email"], u["name"], u["phone"], u["password_hash"], u["disabled"]) == (
            f"erased-{alice_id}@invalid", f"Erased user {alice_id}", None, None, True), u
        assert not [s for s in dump if s["kind"] == "session" and s["user_id"] == alice_id]
        assert d.ctl("verify").returncode == 0, d.ctl("verify", check=False).stdout
        # Others are untouched; the freed address may be used again.
        assert d.login("bob").get(f"/api/v1/tickets/{d.other}").status == 200
        d.add_user("alice@acme.example", "Alice Again", "customer", "Acme")
        assert d.ctl("verify").returncode == 0
    finally:
        d.close()


@test
def test_user_erase_refuses_the_last_admin_and_bad_arguments_changing_nothing():
    d = world(start=False)
    try:
        admin = email_of("admin")
        ctl_refused(d, ["user", "erase", "--email", admin, "--yes"], 1, "last admin")
        # Without --yes and without a terminal to ask on, nothing happens.
        ctl_refused(d, ["user", "erase", "--email", email_of("bob")], 2, "--yes", input="yes\n")
        for args, rc, msg in (([], 2, "usage"),
                              (["--yes"], 2, "usage"),
                              (["--email", "nobody@acme.example", "--yes"], 1, "no user"),
                              (["--email", "", "--yes"], 2, "not an e-mail address"),
                              (["--email", "y" * 400, "--yes"], 2, "not an e-mail"),
                              (["--email", "%s\n" % email_of("bob"), "--yes"], 1, "no user"),
                              (["--email", email_of("bob"), "--yes", "extra"], 2, "usage"),
                              (["--email", email_of("bob"), "--force"], 2, "usage")):
            ctl_refused(d, ["user", "erase", *args], rc, msg)
        # With a second admin the first one may go; a disabled admin does
        # not count as the other.
        d.add_user("second@deskd.example", "Second Admin", "admin")
        d.ctl("user", "disable", "--email", "second@deskd.example")
        ctl_refused(d, ["user", "erase", "--email", admin, "--yes"], 1, "last admin")
        d.ctl("user", "enable", "--email", "second@deskd.example")
        d.ctl("user", "erase", "--email", admin, "--yes")
        ctl_refused(d, ["user", "erase", "--email", "second@deskd.example", "--yes"], 1,
                "last admin")
        # Erasing twice finds nobody under the old address.
        ctl_refused(d, ["user", "erase", "--email", admin, "--yes"], 1, "no user")
        assert d.ctl("verify").returncode == 0
    finally:
        d.close()


@test
def test_user_erase_reaches_access_requests_naming_the_address():
    d = world()
    try:
        olga = d.login("olga")
        r = olga.post("/api/v1/access-requests", {
            "email": "carol@acme.example", "name": "Carol Colleague",
            "phone": "+31 20 123 4567", "function": "Controller"})
        assert r.status in (200, 201), r
        d.add_user("carol@acme.example", "Carol Colleague", "customer", "Acme")
        x = export(d, "carol@acme.example")
        assert [a["email"] for a in x["access_requests"]] == ["carol@acme.example"], x
        out = json.loads(d.ctl("--json", "user", "erase", "--email", "carol@acme.example",
                               "--yes").stdout)
        assert out["access_requests"] == 1, out
        req = olga.get("/api/v1/access-requests").json["access_requests"][0]
        assert req["email"] == out["email"] and req["phone"] is None, req
        assert "carol" not in json.dumps(req).lower(), req
        assert d.ctl("verify").returncode == 0
    finally:
        d.close()


@test
def test_mail_waiting_for_a_person_is_exported_and_removed_by_erase():
    # An SMTP server that is never there keeps the mail waiting.
    d = world(config="[security]\nscrypt_n = 1024\n[mail]\nsmtp_url = smtp://127.0.0.1:9\n"
                     "retry_seconds = 3600\n")
    try:
        alice = d.login("alice")
        alice.create_ticket("Printer offline", "Since this morning.", **FORM)
        mail = wait_for(lambda: export(d, email_of("alice"))["mail"], what="mail for alice")
        assert all(m["to"] == email_of("alice") and m["subject"] for m in mail), mail
        assert set(mail[0]) == {"seq", "state", "to", "created", "subject"}, mail
        out = json.loads(d.ctl("--json", "user", "erase", "--email", email_of("alice"),
                               "--yes").stdout)
        assert out["mail_removed"] == len(mail), (out, mail)
        left = [m for m in d.ctl("--json", "mail", "list").stdout.splitlines()
                if email_of("alice") in m]
        assert left == [], left
        assert d.ctl("verify").returncode == 0
    finally:
        d.close()


if __name__ == "__main__":
    run()

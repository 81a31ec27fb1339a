"""deskctl, the administrator's command line: every command, its refusals
(which leave the data unchanged) and its use next to a running deskd."""

import json
import os
import stat
import subprocess
import tempfile

from harness import (DESKCTL, PASSWORD, Deskd, check_error, email_of, run, test, world)

COMMANDS = [["init"], ["org", "add"], ["org", "list"], ["user", "add"], ["user", "list"],
            ["user", "set"], ["user", "disable"], ["user", "enable"], ["user", "reset-password"],
            ["token", "add"], ["token", "revoke"], ["dump"], ["restore"], ["backup"], ["verify"],
            ["stats"]]
# Records, the sequences that number them, the tickets counted per day and
# the SLA engine's state ("raw"; documents appear once a catalogue or
# workflow is imported).
# meta: the secret that signs the stop-notification links of mail
KINDS = {"org", "user", "ticket", "event", "session", "seq", "day", "raw", "meta"}


def deskctl(*args, input=None, env_data=None):
    """deskctl without the harness's --data and --config."""
    env = {k: v for k, v in os.environ.items() if k != "DESKD_DATA"}
    if env_data is not None:
        env["DESKD_DATA"] = env_data
    return subprocess.run([DESKCTL, *args], input=input, capture_output=True, text=True,
                          timeout=60, env=env)


def refused(d, args, rc, message, input=None):
    """Runs a deskctl command that must fail with rc and a message, and
    checks that the data did not change."""
    before = d.dump()
    p = d.ctl(*args, input=input, check=False)
    assert p.returncode == rc, (args, p.returncode, p.stdout, p.stderr)
    assert message.lower() in p.stderr.lower(), (args, p.stderr)
    assert p.stdout == "", (args, p.stdout)
    assert d.dump() == before, f"deskctl {args} changed the data"
    return p


def tree(path):
    out = []
    for root, dirs, files in os.walk(path):
        for f in files:
            full = os.path.join(root, f)
            out.append((full, os.path.getsize(full)))
        out += [(os.path.join(root, x), None) for x in dirs]
    return sorted(out)


@test
def test_init_makes_a_private_data_directory_once():
    d = Deskd(init=False)
    try:
        p = d.ctl("init")
        assert "initialised" in p.stdout, p.stdout
        assert os.path.isfile(os.path.join(d.data, "data.mdb"))
        mode = stat.S_IMODE(os.stat(d.data).st_mode)
        assert mode & 0o077 == 0, f"data directory is mode {mode:o}: others may read hashes"
        assert d.dump() == []
        refused(d, ["init"], 1, "already holds a deskd database")
        # deskd serves the new directory.
        d.start()
        assert d.request("GET", "/healthz").status == 200
    finally:
        d.close()
    with tempfile.TemporaryDirectory() as tmp:
        p = deskctl("--data", os.path.join(tmp, "missing", "data"), "init")
        assert p.returncode == 1 and "cannot create" in p.stderr, p
        assert not os.path.exists(os.path.join(tmp, "missing"))
        p = deskctl("--data", os.path.join(tmp, "j"), "--json", "init")
        assert p.returncode == 0, p
        assert json.loads(p.stdout)["schema"] >= 1, p.stdout


@test
def test_org_add_refuses_duplicates_and_empty_names():
    d = Deskd()
    try:
        p = d.ctl("org", "add", "Acme")
        assert "Acme" in p.stdout and "added" in p.stdout, p.stdout
        org = json.loads(d.ctl("--json", "org", "add", "Globex Ltd").stdout)
        assert org["name"] == "Globex Ltd" and org["id"] > 0, org
        for name in ("Acme", "ACME", "acme", "aCmE", "globex ltd"):
            refused(d, ["org", "add", name], 1, "exists already")
        for name in ("", " ", "   ", "tab\there", "new\nline", "x" * 201):
            refused(d, ["org", "add", name], 2, "organisation name")
        refused(d, ["org", "add"], 2, "usage")
        refused(d, ["org", "add", "One", "Two"], 2, "usage")
        refused(d, ["org", "add", "--bogus", "One"], 2, "usage")
        names = d.ctl("org", "list").stdout
        assert names.count("Acme") == 1 and names.count("Globex Ltd") == 1, names
        listed = [json.loads(x) for x in d.ctl("--json", "org", "list").stdout.splitlines()]
        assert sorted(o["name"] for o in listed) == ["Acme", "Globex Ltd"], listed
        # A name of exactly 200 characters is fine.
        d.ctl("org", "add", "y" * 200)
    finally:
        d.close()


@test
def test_user_add_refuses_every_bad_argument():
    d = Deskd()
    try:
        d.add_org("Acme")
        d.add_user("alice@acme.example", "Alice", "customer", "Acme")

        def args(email="new@acme.example", name="New", role="customer", org="Acme",
                 extra=()):
            a = ["user", "add"]
            if email is not None:
                a += ["--email", email]
            if name is not None:
                a += ["--name", name]
            if role is not None:
                a += ["--role", role]
            if org is not None:
                a += ["--org", org]
            return a + ["--password-stdin", *extra]

        ok = PASSWORD + "\n"
        for email in ("not-an-email", "a b@acme.example", "@acme.example", "new@", "",
                      "new@@acme.example", "new\n@acme.example"):
            refused(d, args(email=email), 2, "--email", input=ok)
        for role in ("boss", "", "Customer", "agents"):
            refused(d, args(role=role), 2, "--role", input=ok)
        refused(d, args(org=None), 2, "--org", input=ok)
        refused(d, args(role="org-customer", org=None), 2, "--org", input=ok)
        refused(d, args(org="Nowhere"), 1, "no organisation named", input=ok)
        for email in ("alice@acme.example", "ALICE@acme.example", "Alice@Acme.Example"):
            refused(d, args(email=email), 1, "exists already", input=ok)
        refused(d, args(), 2, "at least 8", input="short\n")
        refused(d, args(), 2, "at least 8", input="\n")
        refused(d, args(), 2, "no password", input="")
        refused(d, args(), 2, "longer than", input="x" * 2000 + "\n")
        refused(d, args(name=""), 2, "--name", input=ok)
        refused(d, args(name="   "), 2, "--name", input=ok)
        refused(d, args(name=None), 2, "usage", input=ok)
        refused(d, args(email=None), 2, "usage", input=ok)
        refused(d, args(role=None), 2, "usage", input=ok)
        refused(d, args(extra=["--language", "xx"]), 2, "--language", input=ok)
        refused(d, args(extra=["surplus"]), 2, "usage", input=ok)
        refused(d, args(extra=["--bogus"]), 2, "usage", input=ok)

        # The good form works, prints no secret, and staff need no organisation.
        p = d.ctl("--json", *args(), input=ok)
        u = json.loads(p.stdout)
        assert u["email"] == "new@acme.example" and u["role"] == "customer", u
        assert "$s1$" not in p.stdout and "hash" not in p.stdout, p.stdout
        assert d.add_user("agent@deskd.example", "Ann", "agent")["role"] == "agent"
        users = d.ctl("user", "list").stdout
        assert "new@acme.example" in users and users.count("alice@acme.example") == 1, users
    finally:
        d.close()


@test
def test_token_commands_refuse_unknown_users_and_tokens():
    d = Deskd()
    try:
        d.add_org("Acme")
        d.add_user("alice@acme.example", "Alice", "customer", "Acme")
        refused(d, ["token", "add", "--email", "nobody@acme.example"], 1, "no user with e-mail")
        refused(d, ["token", "add"], 2, "usage")
        refused(d, ["token", "add", "--email", "alice@acme.example", "--label", "x" * 201], 2,
                "--label")
        refused(d, ["token", "revoke", "A" * 43], 1, "no such API token")
        refused(d, ["token", "revoke"], 2, "usage")
        # Tokens are base64url, so one in 64 begins with "-": it is still a token.
        refused(d, ["token", "revoke", "-" + "A" * 42], 1, "no such API token")
        refused(d, ["token", "revoke", "--", "-" + "A" * 42], 1, "no such API token")
        # The e-mail is matched without regard to case; the token is printed once.
        p = d.ctl("--json", "token", "add", "--email", "ALICE@ACME.EXAMPLE", "--label", "ci")
        t = json.loads(p.stdout)
        assert t["label"] == "ci" and len(t["token"]) >= 32, t
        assert t["token"] not in json.dumps(d.dump()), "the dump holds the token itself"
        d.start()
        r = d.request("GET", "/api/v1/me", headers={"Authorization": "Bearer " + t["token"]})
        assert r.status == 200 and r.json["user"]["email"] == "alice@acme.example", r
        # A browser session cannot be revoked as if it were a token.
        c = d.login("alice@acme.example")
        secret = c.cookie.split("=", 1)[1]
        refused(d, ["token", "revoke", secret], 1, "no such API token")
        assert c.get("/api/v1/me").status == 200
    finally:
        d.close()


@test
def test_dump_is_json_lines_with_every_record():
    d = world()
    try:
        alice, agent = d.login("alice"), d.login("agent")
        a = alice.create_ticket("Dumped", "first")["ref"]
        alice.create_ticket("Dumped too", "second")
        assert agent.post(f"/api/v1/tickets/{a}/comments", {"body": "answer"}).status == 201
        assert agent.post(f"/api/v1/tickets/{a}/comments",
                          {"body": "internal", "internal": True}).status == 201
        d.token("bob")
        p = d.ctl("dump")
        lines = p.stdout.splitlines()
        records = []
        for line in lines:
            rec = json.loads(line)
            assert isinstance(rec, dict), line
            assert line.startswith('{"kind":'), line
            records.append(rec)
        by_kind = {}
        for rec in records:
            by_kind.setdefault(rec["kind"], []).append(rec)
        assert set(by_kind) == KINDS, set(by_kind)
        # Organisations come before the users and tickets that name them.
        order = [rec["kind"] for rec in records]
        assert order.index("user") > max(i for i, k in enumerate(order) if k == "org")
        # Nothing is lost: one line per record, as stats counts them.
        stats = json.loads(d.ctl("--json", "stats").stdout)
        entries = stats["entries"]
        assert len(by_kind["org"]) == entries["orgs"] == 2, (by_kind["org"], entries)
        assert len(by_kind["user"]) == entries["users"] == 7, entries
        assert len(by_kind["ticket"]) == entries["tickets"] == 2, entries
        assert len(by_kind["event"]) == entries["events"] == 4, entries
        assert len(by_kind["session"]) == entries["sessions"] == 3, entries
        assert sorted(o["name"] for o in by_kind["org"]) == ["Acme", "Globex"]
        assert {u["email"] for u in by_kind["user"]} == {
            "alice@acme.example", "bob@acme.example", "olga@acme.example",
            "gina@globex.example", "gus@globex.example", "agent@deskd.example",
            "admin@deskd.example"}
        assert sorted(t["title"] for t in by_kind["ticket"]) == ["Dumped", "Dumped too"]
        assert "internal" in [e.get("body") for e in by_kind["event"]]
        # Session secrets are stored only as hashes: the cookie is not in the dump.
        assert alice.cookie.split("=", 1)[1] not in p.stdout
        # A stopped deskd's data dumps the same.
        d.stop()
        assert d.ctl("dump").stdout == p.stdout
    finally:
        d.close()


@test
def test_stats_counts_records():
    d = world(start=False)
    try:
        text = d.ctl("stats").stdout
        assert "schema" in text and "map size" in text, text
        counts = dict(line.split()[:2] for line in text.splitlines()
                      if line.split() and line.split()[0] in ("users", "orgs", "tickets"))
        assert counts == {"users": "7", "orgs": "2", "tickets": "0"}, text
        j = json.loads(d.ctl("--json", "stats").stdout)
        assert j["schema"] >= 1 and j["map_size"] > 0 and 0 < j["map_used"] <= j["map_size"], j
        assert j["entries"]["users"] == 7 and j["entries"]["users_by_email"] == 7, j
    finally:
        d.close()


@test
def test_help_for_every_command_exits_0_without_data():
    p = deskctl("--help")
    assert p.returncode == 0, p
    for words in COMMANDS:
        assert " ".join(words) in p.stdout, (words, p.stdout)
    for words in COMMANDS:
        for flag in ("--help", "-h"):
            p = deskctl(*words, flag)
            assert p.returncode == 0, (words, p)
            assert p.stdout.startswith("usage: deskctl"), (words, p.stdout)
            assert " ".join(words) in p.stdout, (words, p.stdout)
    # Help wins over a data directory that is not there.
    p = deskctl("--data", "/nonexistent/deskd", "user", "add", "--help")
    assert p.returncode == 0 and "--email" in p.stdout, p


@test
def test_unknown_commands_and_missing_data_exit_2():
    for args in (["bogus"], ["org", "bogus"], ["org"], ["user"], ["token", "delete"],
                 ["--bogus", "stats"], ["dump", "extra"]):
        p = deskctl("--data", "/nonexistent/deskd", *args)
        assert p.returncode == 2, (args, p)
        assert p.stderr.strip(), (args, p)
    p = deskctl()
    assert p.returncode == 2 and "usage" in p.stderr, p
    for args in (["stats"], ["dump"], ["org", "add", "Acme"], ["init"]):
        p = deskctl(*args)
        assert p.returncode == 2, (args, p)
        assert "no data directory" in p.stderr, (args, p.stderr)
    # DESKD_DATA stands in for --data.
    d = Deskd()
    try:
        p = deskctl("org", "add", "FromEnv", env_data=d.data)
        assert p.returncode == 0, p
        assert "FromEnv" in d.ctl("org", "list").stdout
    finally:
        d.close()


@test
def test_data_directory_that_is_missing_or_not_deskd_is_refused_clearly():
    with tempfile.TemporaryDirectory() as tmp:
        missing = os.path.join(tmp, "missing")
        empty = os.path.join(tmp, "empty")
        other = os.path.join(tmp, "other")
        afile = os.path.join(tmp, "file")
        os.mkdir(empty)
        os.mkdir(other)
        with open(os.path.join(other, "notes.txt"), "w") as f:
            f.write("not a database\n")
        with open(afile, "w") as f:
            f.write("x")
        before = tree(tmp)
        commands = [["stats"], ["dump"], ["org", "add", "Acme"], ["org", "list"],
                    ["user", "list"], ["token", "add", "--email", "a@b.example"],
                    ["token", "revoke", "A" * 43], ["verify"],
                    ["backup", os.path.join(tmp, "backup")],
                    ["user", "set", "--email", "a@b.example", "--name", "A"],
                    ["user", "disable", "--email", "a@b.example"],
                    ["user", "enable", "--email", "a@b.example"]]
        for data, message in ((missing, "does not exist"), (empty, "not a deskd data directory"),
                              (other, "not a deskd data directory"), (afile, "not a directory")):
            for args in commands:
                p = deskctl("--data", data, *args)
                assert p.returncode == 1, (data, args, p)
                assert message in p.stderr and p.stderr.startswith("deskctl: "), (data, args, p)
                assert "\n" == p.stderr[-1] and p.stderr.count("\n") == 1, p.stderr
            p = deskctl("--data", data, "user", "add", "--email", "a@b.example", "--name", "A",
                        "--role", "agent", "--password-stdin", input=PASSWORD + "\n")
            assert p.returncode == 1 and message in p.stderr, p
        assert tree(tmp) == before, "a refused command left files behind"


@test
def test_deskctl_works_while_deskd_runs():
    d = world()
    try:
        # A new organisation and user are usable at once, without a restart.
        d.add_org("Initech")
        d.add_user("peter@initech.example", "Peter", "customer", "Initech", password="tps-reports")
        peter = d.login("peter@initech.example", "tps-reports")
        assert peter.user["org_name"] == "Initech", peter.user
        ref = peter.create_ticket("Stapler", "red one")["ref"]
        agent = d.login("agent")
        assert agent.get(f"/api/v1/tickets/{ref}").status == 200
        check_error(d.login("alice").get(f"/api/v1/tickets/{ref}"), 404)
        # A user added without a password cannot sign in, like a wrong password.
        d.ctl("user", "add", "--email", "nopass@initech.example", "--name", "No Pass",
              "--org", "Initech", "--role", "customer")
        r = d.request("POST", "/api/v1/session",
                      {"email": "nopass@initech.example", "password": "any-password"})
        check_error(r, 401, "invalid_credentials")
        wrong = d.request("POST", "/api/v1/session",
                          {"email": email_of("alice"), "password": "any-password"})
        assert r.json == wrong.json
        # Tokens made now work now; revoked ones stop now.
        token = d.token("peter@initech.example")
        auth = {"Authorization": "Bearer " + token}
        assert d.request("GET", "/api/v1/me", headers=auth).status == 200
        d.ctl("token", "revoke", token)
        check_error(d.request("GET", "/api/v1/me", headers=auth), 401)
        # Reading tools see what the daemon wrote.
        assert "Stapler" in d.ctl("dump").stdout
        assert json.loads(d.ctl("--json", "stats").stdout)["entries"]["tickets"] == 1
    finally:
        d.close()


@test
def test_org_list_shows_each_contract():
    d = Deskd()
    try:
        d.add_org("Acme")
        d.add_org("Globex")
        d.ctl("org", "set", "Globex", "--priority-mode", "matrix")
        d.ctl("contract", "set", "Acme", "--sla-preset", "fast", "--auto-close-days", "30",
              "--escalation", "boss@acme.example")
        rows = {l.split()[1]: l.split() for l in d.ctl("org", "list").stdout.splitlines()[1:]}
        assert rows["Acme"][2:6] == ["direct", "fast", "30", "d"], rows
        assert rows["Globex"][2:6] == ["matrix", "standard", "7", "d"], rows
        listed = {o["name"]: o for o in
                  map(json.loads, d.ctl("--json", "org", "list").stdout.splitlines())}
        assert listed["Acme"]["contract"] == {"sla": "fast", "auto_close_days": 30,
                                              "escalation_contacts": ["boss@acme.example"]}
        assert listed["Globex"]["contract"]["sla"] == "standard"
        assert listed["Globex"]["priority_mode"] == "matrix"
        refused(d, ["org", "list", "extra"], 2, "usage")
    finally:
        d.close()


if __name__ == "__main__":
    run()

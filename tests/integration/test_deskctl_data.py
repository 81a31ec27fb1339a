"""deskctl for the data lifecycle: user changes, dump -> restore -> dump,
backup while deskd writes, verify; every refusal leaves the data as it was."""

import fcntl
import json
import os
import pty
import re
import select
import shutil
import stat
import subprocess
import tempfile
import threading
import time

from harness import (DESKCTL, PASSWORD, Deskd, check_error, ctl_refused, email_of, run, test, world)


def ctl_json(d, *args, input=None):
    return json.loads(d.ctl("--json", *args, input=input).stdout)


def user_of(d, email):
    return next(u for u in d.dump() if u["kind"] == "user" and u["email"] == email)


def deskctl_at(data, *args, input=None, stderr=subprocess.PIPE):
    return subprocess.run([DESKCTL, "--data", data, *args], input=input, stdout=subprocess.PIPE,
                          stderr=stderr, text=True, timeout=300)


def busy_world():
    """A started world with a bit of everything: tickets open and closed,
    comments and internal notes, browser sessions, API tokens, and an
    imported catalogue and workflow."""
    d = world()
    alice, agent = d.login("alice"), d.login("agent")
    d.login("olga", remember=True)
    d.token("gus")
    refs = [alice.create_ticket(f"Ticket {i}", f"Body {i}")["ref"] for i in range(4)]
    for ref in refs[:3]:
        r = agent.post(f"/api/v1/tickets/{ref}/comments", {"body": "on it"})
        assert r.status == 201, r
        r = agent.post(f"/api/v1/tickets/{ref}/comments", {"body": "note", "internal": True})
        assert r.status == 201, r
    r = alice.post(f"/api/v1/tickets/{refs[0]}/actions", {"action": "close"})
    assert r.status == 200, r
    r = alice.post(f"/api/v1/tickets/{refs[1]}/actions", {"action": "cancel"})
    assert r.status == 200, r
    for doc in ("catalogue", "workflow"):
        exported = d.ctl(doc, "export").stdout
        d.ctl(doc, "import", "-", input=exported)
    d.refs = refs
    d.alice = alice
    return d


# --- users ---

@test
def test_user_set_changes_a_user_and_refuses_bad_arguments():
    d = world(start=False)
    try:
        d.add_org("Initech")
        alice = email_of("alice")
        u = ctl_json(d, "user", "set", "--email", alice, "--name", "Alice Renamed",
                     "--phone", "+31 20 555 0101", "--language", "nl")
        assert (u["name"], u["phone"], u["language"]) == ("Alice Renamed", "+31 20 555 0101",
                                                          "nl"), u
        p = d.ctl("user", "set", "--email", alice.upper(), "--org", "initech", "--approver", "yes")
        assert "changed" in p.stdout, p.stdout
        rec = user_of(d, alice)
        orgs = {o["name"]: o["id"] for o in d.dump() if o["kind"] == "org"}
        assert rec["org_id"] == orgs["Initech"] and rec["approver"] is True, rec
        # "" takes phone and language away; role changes keep the rest.
        u = ctl_json(d, "user", "set", "--email", alice, "--phone", "", "--language", "",
                     "--role", "org-customer")
        assert u["phone"] is None and u["language"] is None and u["role"] == "org-customer", u
        assert u["name"] == "Alice Renamed" and u["approver"] is True, u
        ctl_json(d, "user", "set", "--email", alice, "--role", "agent", "--approver", "no")
        assert user_of(d, alice)["role"] == "agent"
        agent = email_of("agent")
        for args, rc, msg in (
                ([], 2, "usage"),
                (["--name", "X"], 2, "usage"),
                (["--email", agent], 2, "nothing to change"),
                (["--email", "nobody@acme.example", "--name", "X"], 1, "no user with e-mail"),
                (["--email", agent, "--role", "boss"], 2, "--role"),
                (["--email", agent, "--approver", "maybe"], 2, "--approver"),
                (["--email", agent, "--role", "agent", "--approver", "yes"], 2, "--approver"),
                (["--email", agent, "--approver", "yes"], 1, "approvers are customers"),
                (["--email", agent, "--role", "customer"], 1, "customers belong to an organisation"),
                (["--email", agent, "--org", "Nowhere"], 1, "no organisation named"),
                (["--email", agent, "--language", "fr"], 2, "--language"),
                (["--email", agent, "--phone", "call me maybe"], 2, "--phone"),
                (["--email", agent, "--name", ""], 2, "--name"),
                (["--email", agent, "--name", "x" * 201], 2, "--name"),
                (["--email", agent, "--name", "X", "surplus"], 2, "usage"),
                (["--email", agent, "--bogus"], 2, "usage")):
            ctl_refused(d, ["user", "set", *args], rc, msg)
    finally:
        d.close()


@test
def test_user_disable_ends_sessions_and_tokens_and_enable_lets_them_back():
    d = world()
    try:
        alice = d.login("alice")
        other = d.login("alice", remember=True)
        token = d.token_client("alice")
        bob = d.login("bob")
        assert alice.get("/api/v1/me").status == 200 and token.get("/api/v1/me").status == 200
        out = ctl_json(d, "user", "disable", "--email", email_of("alice"))
        assert out["disabled"] is True and out["sessions_ended"] == 3, out
        for c in (alice, other, token):
            check_error(c.get("/api/v1/me"), 401)
        assert bob.get("/api/v1/me").status == 200
        r = d.request("POST", "/api/v1/session", {"email": email_of("alice"), "password": PASSWORD})
        check_error(r, 401, "invalid_credentials")
        uid = d.users["alice"]["id"]
        assert not [s for s in d.dump() if s["kind"] == "session" and s["user_id"] == uid]
        # Disabling again is harmless; the list marks the user.
        assert "0 sessions ended" in d.ctl("user", "disable", "--email", email_of("alice")).stdout
        assert "(disabled)" in d.ctl("user", "list", "--org", "Acme").stdout
        assert "enabled" in d.ctl("user", "enable", "--email", email_of("alice")).stdout
        assert user_of(d, email_of("alice"))["disabled"] is False
        assert d.login("alice").get("/api/v1/me").status == 200
        check_error(token.get("/api/v1/me"), 401)  # ended for good
        for words in (["user", "disable"], ["user", "enable"]):
            ctl_refused(d, [*words, "--email", "nobody@acme.example"], 1, "no user with e-mail")
            ctl_refused(d, [*words], 2, "usage")
            ctl_refused(d, [*words, "--email", email_of("bob"), "extra"], 2, "usage")
        assert d.ctl("verify").returncode == 0
    finally:
        d.close()


@test
def test_user_reset_password_hashes_with_the_configured_cost_and_ends_browser_sessions():
    d = world()
    try:
        alice = d.login("alice")
        token = d.token_client("alice")
        bob = d.login("bob")
        p = d.ctl("user", "reset-password", "--email", email_of("alice"), "--password-stdin",
                  input="a brand new password\n")
        assert "new password" in p.stdout and "1 session ended" in p.stdout, p.stdout
        assert "brand new" not in p.stdout + p.stderr
        check_error(alice.get("/api/v1/me"), 401)
        assert token.get("/api/v1/me").status == 200, "API tokens are credentials of their own"
        assert bob.get("/api/v1/me").status == 200
        r = d.request("POST", "/api/v1/session", {"email": email_of("alice"), "password": PASSWORD})
        check_error(r, 401, "invalid_credentials")
        d.login("alice", "a brand new password")
        # The hash carries the configured cost, as user add's does.
        hashes = {u["email"]: u["password_hash"] for u in d.dump() if u["kind"] == "user"}
        cost = hashes[email_of("bob")].split("$")[2]
        assert hashes[email_of("alice")].split("$")[2] == cost, hashes
        assert hashes[email_of("alice")] != hashes[email_of("bob")]
        # A user added without a password gets one and can sign in.
        d.ctl("user", "add", "--email", "late@acme.example", "--name", "Late", "--org", "Acme",
              "--role", "customer")
        out = ctl_json(d, "user", "reset-password", "--email", "late@acme.example",
                       "--password-stdin", input="late password\n")
        assert out["sessions_ended"] == 0 and out["email"] == "late@acme.example", out
        d.login("late@acme.example", "late password")
        base = ["user", "reset-password", "--email", email_of("bob")]
        ctl_refused(d, base, 2, "--password-stdin", input="whatever password\n")
        ctl_refused(d, [*base, "--password-stdin"], 2, "at least 8", input="short\n")
        ctl_refused(d, [*base, "--password-stdin"], 2, "no password", input="")
        ctl_refused(d, [*base, "--password-stdin"], 2, "longer than", input="x" * 2000 + "\n")
        ctl_refused(d, ["user", "reset-password", "--email", "nobody@acme.example",
                    "--password-stdin"], 1, "no user with e-mail", input="whatever password\n")
        ctl_refused(d, ["user", "reset-password", "--password-stdin"], 2, "usage",
                input="whatever password\n")
    finally:
        d.close()


@test
def test_user_list_filters_by_organisation_and_role():
    d = world(start=False)
    try:
        def emails(*args):
            lines = d.ctl("user", "list", *args).stdout.splitlines()
            return sorted(json.loads(x)["email"] for x in lines)
        acme = sorted(email_of(k) for k in ("alice", "bob", "olga"))
        assert emails("--org", "ACME", "--json") == acme
        assert emails("--role", "customer", "--json") == sorted(
            email_of(k) for k in ("alice", "bob", "gina"))
        assert emails("--org", "Globex", "--role", "org-customer", "--json") == [email_of("gus")]
        assert emails("--role", "admin", "--json") == [email_of("admin")]
        both = [json.loads(x) for x in d.ctl("--json", "user", "list").stdout.splitlines()]
        assert len(both) == 7 and all("password_hash" not in u for u in both), both
        text = d.ctl("user", "list", "--role", "agent").stdout
        assert email_of("agent") in text and email_of("alice") not in text, text
        d.add_org("Empty")
        assert d.ctl("user", "list", "--org", "Empty").stdout == ""
        ctl_refused(d, ["user", "list", "--org", "Nowhere"], 1, "no organisation named")
        ctl_refused(d, ["user", "list", "--role", "boss"], 2, "--role")
        ctl_refused(d, ["user", "list", "extra"], 2, "usage")
    finally:
        d.close()


# --- dump and restore ---

@test
def test_dump_holds_documents_sequences_days_and_sessions():
    d = busy_world()
    try:
        lines = d.ctl("dump").stdout.splitlines()
        recs = [json.loads(x) for x in lines]
        kinds = {r["kind"] for r in recs}
        assert kinds == {"seq", "doc", "org", "user", "ticket", "event", "session", "day",
                         "raw", "meta"}, kinds
        # the one meta value: the secret of the stop-notification links
        meta = [r for r in recs if r["kind"] == "meta"]
        assert [bytes.fromhex(r["key_hex"]) for r in meta] == [b"mail_link_key"], meta
        # The SLA engine's state is carried as stored, one line per entry.
        raw = [r for r in recs if r["kind"] == "raw"]
        assert {r["db"] for r in raw} <= {"sla", "deadlines", "escalations"}, raw
        stats = json.loads(d.ctl("--json", "stats").stdout)["entries"]
        for db in ("sla", "deadlines", "escalations"):
            assert sum(r["db"] == db for r in raw) == stats[db], (db, stats)
        seqs = {r["name"]: r["value"] for r in recs if r["kind"] == "seq"}
        tickets = [r for r in recs if r["kind"] == "ticket"]
        assert seqs["ticket"] == max(t["id"] for t in tickets), seqs
        assert seqs["user"] == 7 and seqs["org"] == 2, seqs
        docs = {r["name"]: json.loads(r["text"]) for r in recs if r["kind"] == "doc"}
        assert set(docs) == {"catalogue", "workflow"}, docs.keys()
        days = [r for r in recs if r["kind"] == "day"]
        assert sum(x["opened"] for x in days) == 4 and sum(x["closed"] for x in days) == 2, days
        sessions = [r for r in recs if r["kind"] == "session"]
        assert {s["session_kind"] for s in sessions} == {"browser", "api_token"}, sessions
        # Records come one per line in the order restore loads them.
        order = [r["kind"] for r in recs]
        firsts = [order.index(k) for k in ("seq", "org", "user", "ticket", "event", "session",
                                           "day", "raw")]
        assert firsts == sorted(firsts), order
        # No progress bar when stderr is not a terminal.
        p = deskctl_at(d.data, "dump")
        assert p.returncode == 0 and p.stderr == "", p.stderr
    finally:
        d.close()


def restored_copy(d, dump_text, *extra):
    """Restores dump_text into a new directory next to d's; returns it."""
    target = os.path.join(d.dir, "restored")
    p = subprocess.run([DESKCTL, "--data", target, "--config", d.config, *extra, "restore", "-"],
                       input=dump_text, capture_output=True, text=True, timeout=300)
    assert p.returncode == 0, p
    return target, p


@test
def test_dump_restore_dump_is_identical_and_the_copy_works():
    d = busy_world()
    try:
        first = d.ctl("dump").stdout
        target, p = restored_copy(d, first, "--json")
        out = json.loads(p.stdout)
        kinds = [json.loads(x)["kind"] for x in first.splitlines()]
        assert out["restored"] == target and out["tickets"] == 4 and out["documents"] == 2, out
        assert out["events"] == kinds.count("event") and out["days"] == kinds.count("day"), out
        mode = stat.S_IMODE(os.stat(os.path.join(target, "data.mdb")).st_mode)
        assert mode & 0o077 == 0, f"restored data.mdb is mode {mode:o}"
        assert [f for f in os.listdir(target) if f.startswith(".restore")] == []
        second = deskctl_at(target, "dump").stdout
        assert second == first, "the restored data dumps differently"
        # Every index and count came back: each table holds what it held.
        a = json.loads(d.ctl("--json", "stats").stdout)["entries"]
        b = json.loads(deskctl_at(target, "--json", "stats").stdout)["entries"]
        assert a == b, (a, b)
        v = deskctl_at(target, "verify")
        assert v.returncode == 0 and "no problems" in v.stdout, v
        # A deskd on the copy knows the users, their sessions and the lists.
        cookie = d.alice.cookie
        d.stop()
        copy = Deskd(init=False)
        try:
            shutil.rmtree(copy.data, ignore_errors=True)
            shutil.move(target, copy.data)
            copy.start()
            r = copy.request("GET", "/api/v1/tickets?view=all", headers={"Cookie": cookie})
            assert r.status == 200 and len(r.json["tickets"]) == 4, r
            agent = copy.login("agent")
            ref = d.refs[2]
            assert agent.post(f"/api/v1/tickets/{ref}/comments", {"body": "after"}).status == 201
            new = copy.login("bob").create_ticket("After restore", "numbered on")
            assert int(new["ref"].split("-")[1]) == max(int(x.split("-")[1]) for x in d.refs) + 1
        finally:
            copy.close()
    finally:
        d.close()


@test
def test_restore_builds_the_due_order_a_dump_lacks_and_verify_checks_deadlines():
    d = busy_world()
    try:
        first = d.ctl("dump").stdout
        lines = first.splitlines()

        def due(line):
            r = json.loads(line)
            return r["kind"] == "raw" and r["db"] == "deadlines" and r["key_hex"][:2] == "07"
        # the two open tickets' clocks run: each has its place in the queue's due order
        assert sum(map(due, lines)) == 2, lines
        # a dump written before the due entries existed: restore builds them
        # from the SLA states, so the copy is as if it had carried them
        target, _ = restored_copy(d, "".join(x + "\n" for x in lines if not due(x)))
        assert deskctl_at(target, "dump").stdout == first
        v = deskctl_at(target, "verify")
        assert v.returncode == 0 and "no problems" in v.stdout, v
        shutil.rmtree(target)
        # a dump's deadline at another time than its SLA state says is kept
        # as it is, and verify tells
        i = next(i for i, x in enumerate(lines) if due(x))
        r = json.loads(lines[i])
        ticket = int(r["key_hex"][18:], 16)
        r["key_hex"] = r["key_hex"][:2] + "%016x" % 1 + r["key_hex"][18:]
        lines[i] = json.dumps(r)
        target, _ = restored_copy(d, "".join(x + "\n" for x in lines))
        v = deskctl_at(target, "verify")
        assert v.returncode == 1, v
        assert f"deadlines: due 1970-01-01T00:00:00.001Z ticket {ticket}: the ticket's SLA " \
            "state puts it at" in v.stdout, v.stdout
        assert f"ticket {ticket}: is missing; the ticket's SLA state implies it" in v.stdout, \
            v.stdout
    finally:
        d.close()


@test
def test_restore_from_a_file_and_into_an_existing_empty_directory():
    d = busy_world()
    try:
        first = d.ctl("dump").stdout
        path = os.path.join(d.dir, "dump.jsonl")
        with open(path, "w") as f:
            f.write(first)
        target = os.path.join(d.dir, "empty")
        os.mkdir(target, 0o700)
        p = deskctl_at(target, "restore", path)
        assert p.returncode == 0 and "tickets 4" in p.stdout, p
        assert deskctl_at(target, "dump").stdout == first
        # An empty dump restores an empty database.
        empty = os.path.join(d.dir, "nothing")
        assert deskctl_at(empty, "restore", input="").returncode == 0
        assert deskctl_at(empty, "dump").stdout == ""
        assert deskctl_at(empty, "verify").returncode == 0
    finally:
        d.close()


def restore_refused(tmp, dump_text, line, message, target=None):
    """restore into a new (or the given empty) directory must fail on line
    with message and leave nothing behind."""
    made = target is None
    target = target or os.path.join(tmp, "target")
    p = deskctl_at(target, "restore", input=dump_text)
    assert p.returncode == 1, (line, message, p)
    if line:
        assert f"line {line}:" in p.stderr, (line, p.stderr)
    assert message.lower() in p.stderr.lower(), (message, p.stderr)
    assert "nothing restored" in p.stderr or "nothing changed" in p.stderr, p.stderr
    if made:
        assert not os.path.exists(target), os.listdir(target)
    else:
        assert os.listdir(target) == [], os.listdir(target)


@test
def test_restore_refuses_malformed_lines_and_writes_nothing():
    d = busy_world()
    try:
        lines = d.ctl("dump").stdout.splitlines()
        tmp = d.dir

        def idx(kind):
            return next(i for i, x in enumerate(lines) if json.loads(x)["kind"] == kind)

        def edit(kind, **change):
            i = idx(kind)
            rec = json.loads(lines[i])
            for k, v in change.items():
                if v is None:
                    rec.pop(k)
                else:
                    rec[k] = v
            return "\n".join(lines[:i] + [json.dumps(rec)] + lines[i + 1:]) + "\n", i + 1

        def dup(kind):
            i = idx(kind)
            return "\n".join(lines[:i + 1] + [lines[i]] + lines[i + 1:]) + "\n", i + 2

        last = len(lines)
        cases = [
            ("\n".join(lines[:-1] + ["{not json"]) + "\n", last, "not JSON"),
            ("\n".join(lines + ["[1,2]"]) + "\n", last + 1, "a JSON object with a \"kind\""),
            ("\n".join(lines + ['{"kind":"widget"}']) + "\n", last + 1, "unknown kind"),
            (*edit("user", shoe_size=44), "unknown field"),
            (*edit("user", email=None), "email is required"),
            (*edit("ticket", priority=9), "priority"),
            (*edit("event", event_kind="shout"), "unknown event kind"),
            (*edit("session", key="xyz"), "64 hexadecimal"),
            (*edit("day", date="2026-02-30"), "YYYY-MM-DD"),
            (*edit("doc", text=None), "either text or hex"),
            (*dup("user"), "appears twice"),
            (*dup("org"), "appears twice"),
            (*dup("ticket"), "appears twice"),
            (*dup("event"), "appears twice"),
            (*dup("session"), "appears twice"),
            (*dup("seq"), "appears twice"),
            (*dup("doc"), "appears twice"),
            (*dup("day"), "appears twice"),
            (*dup("raw"), "appears twice"),
            (*edit("raw", db="tickets"), "db must name"),
            (*edit("raw", key_hex="xyz"), "hexadecimal"),
        ]
        at = [i for i, x in enumerate(lines) if json.loads(x)["kind"] == "user"]
        clash = dict(json.loads(lines[at[1]]), email=json.loads(lines[at[0]])["email"].upper())
        i = at[1]
        cases.append(("\n".join(lines[:i] + [json.dumps(clash)] + lines[i + 1:]) + "\n", i + 1,
                      "belongs to another user"))
        for text, line, message in cases:
            restore_refused(tmp, text, line, message)
        # The same into an existing empty directory: it stays empty.
        target = os.path.join(tmp, "kept")
        os.mkdir(target)
        restore_refused(tmp, cases[0][0], cases[0][1], cases[0][2], target=target)
        # A bad line after many committed batches still leaves nothing.
        many = [json.dumps({"kind": "org", "version": 1, "id": n, "name": f"Org {n}",
                            "created_ms": 0, "share_by_default": False, "services": [],
                            "priority_mode": 0}) for n in range(1, 5002)]
        restore_refused(tmp, "\n".join(many + ["oops"]) + "\n", 5002, "not JSON")
        restore_refused(tmp, "\n".join(many + [many[0]]) + "\n", 5002, "appears twice")
        # Blank lines are fine; a missing file is not.
        ok = os.path.join(tmp, "blank")
        p = deskctl_at(ok, "restore", input="\n" + "\n\n".join(lines) + "\n\n")
        assert p.returncode == 0, p
        p = deskctl_at(os.path.join(tmp, "nofile"), "restore", os.path.join(tmp, "missing.jsonl"))
        assert p.returncode == 1 and "cannot read" in p.stderr, p
        assert not os.path.exists(os.path.join(tmp, "nofile"))
    finally:
        d.close()


@test
def test_restore_refuses_a_directory_with_a_database_a_file_and_a_lock():
    d = world(start=False)
    try:
        text = d.ctl("dump").stdout
        before = d.ctl("dump").stdout
        p = d.ctl("restore", input=text, check=False)
        assert p.returncode == 1 and "already holds a deskd database" in p.stderr, p
        assert d.ctl("dump").stdout == before
        d.start()
        p = d.ctl("restore", input=text, check=False)
        assert p.returncode == 1 and "already holds a deskd database" in p.stderr, p
        afile = os.path.join(d.dir, "afile")
        with open(afile, "w") as f:
            f.write("x")
        p = deskctl_at(afile, "restore", input=text)
        assert p.returncode == 1 and "not a directory" in p.stderr, p
        # A directory held by a deskd (its lock taken) is left alone.
        locked = os.path.join(d.dir, "locked")
        os.mkdir(locked)
        with open(os.path.join(locked, "deskd.lock"), "w") as lock:
            fcntl.flock(lock, fcntl.LOCK_EX | fcntl.LOCK_NB)
            p = deskctl_at(locked, "restore", input=text)
            assert p.returncode == 1 and "locked" in p.stderr, p
        assert os.listdir(locked) == ["deskd.lock"]
        p = deskctl_at(os.path.join(d.dir, "x"), "restore", "a", "b")
        assert p.returncode == 2 and "usage" in p.stderr, p
        p = deskctl_at(os.path.join(d.dir, "x"), "restore", "--bogus")
        assert p.returncode == 2 and "usage" in p.stderr, p
        assert not os.path.exists(os.path.join(d.dir, "x"))
    finally:
        d.close()


@test
def test_progress_bar_only_on_a_terminal():
    d = busy_world()
    try:
        master, slave = pty.openpty()
        try:
            p = subprocess.run([DESKCTL, "--data", d.data, "dump"], stdout=subprocess.PIPE,
                               stderr=slave, timeout=60)
            out = b""
            while select.select([master], [], [], 0.2)[0]:
                chunk = os.read(master, 65536)
                if not chunk:
                    break
                out += chunk
        finally:
            os.close(slave)
            os.close(master)
        assert p.returncode == 0
        text = out.decode()
        assert "dump [" in text and "100%" in text, text
        assert b"dump [" not in p.stdout, "the bar must not reach the dump itself"
        # done / total entries, total from the statistics
        done = re.findall(r"(\d+)/(\d+)", text)
        assert done and done[-1][0] == done[-1][1], text
        assert int(done[-1][1]) >= len(p.stdout.splitlines()), (done, text)
    finally:
        d.close()


# --- backup ---

class Writer(threading.Thread):
    """Creates tickets and comments through the API until stopped."""

    def __init__(self, d):
        super().__init__(daemon=True)
        self.d = d
        self.alice = d.login("alice")
        self.agent = d.login("agent")
        self.stop = threading.Event()
        self.made = 0
        self.errors = []

    def run(self):
        try:
            while not self.stop.is_set():
                ref = self.alice.create_ticket(f"Load {self.made}", "under backup")["ref"]
                for body in ("first", "second"):
                    r = self.agent.post(f"/api/v1/tickets/{ref}/comments", {"body": body})
                    assert r.status == 201, r
                self.made += 1
        except Exception as e:  # reported by the test
            self.errors.append(e)


def check_backup(path):
    """A backup is a data directory that verifies, whose every ticket has
    its events, and that a deskd serves."""
    v = subprocess.run([DESKCTL, "--data", path, "verify", "--json"], capture_output=True,
                       text=True, timeout=300)
    out = json.loads(v.stdout)
    assert v.returncode == 0 and out["ok"], out
    recs = [json.loads(x) for x in deskctl_at(path, "dump").stdout.splitlines()]
    tickets = {r["id"]: r for r in recs if r["kind"] == "ticket"}
    events = {}
    for r in recs:
        if r["kind"] == "event":
            events.setdefault(r["ticket_id"], []).append(r["seq"])
    for tid, t in tickets.items():
        assert events.get(tid) == list(range(1, t["event_count"] + 1)), (tid, t, events.get(tid))
    assert set(events) <= set(tickets)
    return len(tickets)


@test
def test_backup_while_deskd_writes_is_consistent():
    d = world()
    try:
        w = Writer(d)
        w.start()
        while w.made < 3 and not w.errors:
            time.sleep(0.01)
        # verify reads one snapshot: writes going on do not disturb it
        v = d.ctl("verify", check=False)
        assert v.returncode == 0 and "no problems" in v.stdout, v
        backups = []
        for i in range(3):
            dest = os.path.join(d.dir, f"backup-{i}")
            out = ctl_json(d, "backup", dest)
            assert out["backup"] == dest and out["bytes"] > 0, out
            backups.append(dest)
            time.sleep(0.05)
        w.stop.set()
        w.join(timeout=60)
        assert not w.errors, w.errors
        counts = [check_backup(b) for b in backups]
        assert counts == sorted(counts) and counts[0] >= 3, counts
        # the writes went on while the backups were taken
        assert w.made > counts[0], (w.made, counts)
        for b in backups:
            mode = stat.S_IMODE(os.stat(os.path.join(b, "data.mdb")).st_mode)
            assert mode == 0o600, f"backup is mode {mode:o}"
            assert stat.S_IMODE(os.stat(b).st_mode) & 0o077 == 0
        # Compacted: no larger than the live file.
        live = os.path.getsize(os.path.join(d.data, "data.mdb"))
        assert os.path.getsize(os.path.join(backups[-1], "data.mdb")) <= live
        # A second deskd serves the last backup.
        copy = Deskd(init=False)
        try:
            shutil.rmtree(copy.data, ignore_errors=True)
            shutil.copytree(backups[-1], copy.data)
            copy.start()
            agent, seen, cursor = copy.login("agent"), 0, ""
            while True:
                r = agent.get("/api/v1/tickets?view=all&limit=50" + cursor)
                assert r.status == 200, r
                seen += len(r.json["tickets"])
                if not r.json["next_cursor"]:
                    break
                cursor = "&cursor=" + r.json["next_cursor"]
            assert seen == counts[-1], (seen, counts)
        finally:
            copy.close()
    finally:
        d.close()


@test
def test_backup_refuses_a_used_destination_and_bad_arguments():
    d = world(start=False)
    try:
        full = os.path.join(d.dir, "full")
        os.mkdir(full)
        with open(os.path.join(full, "keep.txt"), "w") as f:
            f.write("mine")
        ctl_refused(d, ["backup", full], 1, "not empty")
        assert os.listdir(full) == ["keep.txt"]
        ctl_refused(d, ["backup", d.data], 1, "not empty")
        ctl_refused(d, ["backup", d.config], 1, "not a directory")
        ctl_refused(d, ["backup", os.path.join(d.dir, "no", "such")], 1, "cannot create")
        ctl_refused(d, ["backup"], 2, "usage")
        ctl_refused(d, ["backup", "a", "b"], 2, "usage")
        ctl_refused(d, ["backup", ""], 2, "usage")
        ctl_refused(d, ["backup", "--bogus", "x"], 2, "usage")
        empty = os.path.join(d.dir, "empty")
        os.mkdir(empty)
        assert "written to" in d.ctl("backup", empty).stdout
        assert deskctl_at(empty, "dump").stdout == d.ctl("dump").stdout
    finally:
        d.close()


# --- verify and damaged data ---

@test
def test_verify_passes_on_good_data_and_reports_what_a_bad_dump_brings():
    d = busy_world()
    try:
        p = d.ctl("verify")
        assert p.returncode == 0 and "no problems" in p.stdout, p
        out = ctl_json(d, "verify")
        assert out["ok"] is True and out["problem_count"] == 0 and out["entries"] > 0, out
        # Lines that parse but do not agree with each other restore as they
        # are; verify finds what is wrong.
        recs = [json.loads(x) for x in d.ctl("dump").stdout.splitlines()]
        events_10003 = sum(1 for r in recs if r["kind"] == "event" and r["ticket_id"] == 10003)
        for r in recs:
            if r["kind"] == "seq" and r["name"] == "ticket":
                r["value"] = 10001
            if r["kind"] == "doc" and r["name"] == "workflow":
                r["text"] = "{not json"
            if r["kind"] == "user" and r["email"] == email_of("bob"):
                r["org_id"] = 99
            if r["kind"] == "ticket" and r["id"] == 10003:
                r["event_count"] = 7
        recs.append({"kind": "event", "ticket_id": 55555, "seq": 1, "event_kind": "comment"})
        target = os.path.join(d.dir, "bad")
        p = deskctl_at(target, "restore", input="".join(json.dumps(r) + "\n" for r in recs))
        assert p.returncode == 0, p
        v = deskctl_at(target, "verify")
        assert v.returncode == 1, v
        for needle in ("meta: seq:ticket: sequence is at 10001",
                       "meta: doc:workflow: is not JSON",
                       "its organisation 99 does not exist",
                       f"event_count is 7 but it has {events_10003} events",
                       "ticket 55555: 1 event of a ticket that does not exist"):
            assert needle in v.stdout, (needle, v.stdout)
        assert "problems found" in v.stderr, v.stderr
        j = json.loads(deskctl_at(target, "verify", "--json").stdout)
        assert j["ok"] is False and j["problem_count"] == len(v.stdout.splitlines()), j
        assert {"db", "key", "problem"} == set(j["problems"][0]), j["problems"][0]
        ctl_refused(d, ["verify", "extra"], 2, "usage")
        ctl_refused(d, ["verify", "--bogus"], 2, "usage")
        # Without room for the rebuild of the lists, verify says so and fails.
        env = dict(os.environ, TMPDIR=os.path.join(d.dir, "no-such-dir"))
        p = subprocess.run([DESKCTL, "--data", d.data, "verify"], capture_output=True,
                           text=True, timeout=120, env=env)
        assert p.returncode == 1 and "cannot make a scratch database" in p.stdout, p
    finally:
        d.close()


@test
def test_damaged_or_wrong_data_directories_are_refused_clearly():
    with tempfile.TemporaryDirectory() as tmp:
        bad = os.path.join(tmp, "bad")
        os.mkdir(bad)
        with open(os.path.join(bad, "data.mdb"), "wb") as f:
            f.write(b"this is not an LMDB file" * 1000)
        commands = [["verify"], ["dump"], ["stats"], ["backup", os.path.join(tmp, "b")],
                    ["user", "list"], ["user", "disable", "--email", "a@b.example"],
                    ["user", "set", "--email", "a@b.example", "--name", "A"]]
        for args in commands:
            p = deskctl_at(bad, *args)
            assert p.returncode == 1, (args, p)
            assert "damaged" in p.stderr and "deskctl: " in p.stderr, (args, p.stderr)
            assert p.stdout == "", (args, p.stdout)
        p = deskctl_at(bad, "restore", input="")
        assert p.returncode == 1 and "already holds a deskd database" in p.stderr, p
        assert sorted(os.listdir(tmp)) == ["bad"], os.listdir(tmp)
        for args in commands:
            p = deskctl_at(os.path.join(tmp, "missing"), *args)
            assert p.returncode == 1 and "does not exist" in p.stderr, (args, p)


if __name__ == "__main__":
    run()

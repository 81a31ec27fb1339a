"""Mail delivery: the outbox, SMTP through a real (loopback) server, retries
with back-off, permanent refusals kept as failed, the maildir fallback,
crash safety (a message the server took just before deskd died is sent
again with the same bytes), and deskctl mail list / retry.

Mail is made by what really makes it: a new ticket sends its creator a
confirmation."""

import json
import os
import re
import signal
import ssl
import subprocess
import tempfile
import time

from harness import (DESKCTL, FAST_CONFIG, Deskd, check_error, email_of, run, test, wait_for,
                     world)
from smtp import SmtpServer, read_maildir, wait_maildir

ALICE = email_of("alice")
FROM = "desk@deskd.example"


def mail_list(d, failed=False):
    args = ["mail", "list", "--json"] + (["--failed"] if failed else [])
    return [json.loads(l) for l in d.ctl(*args).stdout.splitlines() if l.strip()]


def logged(d, msg, **fields):
    """Log lines with msg=MSG whose key=value fields match."""
    out = []
    for line in d.log_lines(msg):
        if all(re.search(rf"\b{k}={re.escape(str(v))}(\s|$)", line) for k, v in fields.items()):
            out.append(line)
    return out


def wait_logged(d, msg, timeout=20, **fields):
    return wait_for(lambda: logged(d, msg, **fields), timeout=timeout,
                    what=f"msg={msg} {fields}")


def new_ticket(d, who="alice", title="Printer on fire"):
    return d.login(who).create_ticket(title)


def to_alice(msgs):
    return [m for m in msgs if ALICE in m.rcpt_tos]


@test
def delivered_through_smtp_with_envelope_and_headers():
    with SmtpServer() as smtp:
        d = world(config=FAST_CONFIG + smtp.config())
        try:
            t = new_ticket(d)
            m = smtp.wait_for(1, rcpt=ALICE)[0]
            # one recipient per message; the envelope sender is [mail] from
            assert m.rcpt_tos == [ALICE], m.rcpt_tos
            assert m.mail_from == FROM, m.mail_from
            assert t["ref"] in str(m["Subject"]), m["Subject"]
            assert ALICE in str(m["To"]), m["To"]
            assert FROM in str(m["From"]), m["From"]
            assert re.fullmatch(r"<[^<>@\s]+@[^<>@\s]+>", str(m["Message-ID"])), m["Message-ID"]
            assert m.data.count(b"\r\n.\r\n") == 0
            line = wait_logged(d, "mail_sent", rcpt_domain="acme.example", via="smtp")[0]
            assert "attempts=1" in line and "seq=" in line, line
            # the address itself is not logged, only its domain
            assert not any(ALICE in l for l in d.log), [l for l in d.log if ALICE in l]
            wait_for(lambda: mail_list(d) == [], what="an empty outbox")
            assert mail_list(d, failed=True) == []
        finally:
            d.close()


@test
def several_messages_each_to_one_recipient():
    with SmtpServer() as smtp:
        d = world(config=FAST_CONFIG + smtp.config(parallel=2))
        try:
            alice = d.login("alice")
            refs = [alice.create_ticket(f"Ticket {i}")["ref"] for i in range(6)]
            got = smtp.wait_for(6, rcpt=ALICE)
            assert all(len(m.rcpt_tos) == 1 for m in got)
            subjects = " ".join(str(m["Subject"]) for m in got)
            assert all(ref in subjects for ref in refs), subjects
            assert len({str(m["Message-ID"]) for m in got}) == 6
        finally:
            d.close()


@test
def login_with_smtp_user_and_password():
    with SmtpServer(user="desk", password="s3cret pass") as smtp:
        d = world(config=FAST_CONFIG + smtp.config())
        try:
            new_ticket(d)
            m = smtp.wait_for(1, rcpt=ALICE)[0]
            assert m.auth == "desk", m.auth
            assert ("desk", True) in smtp.auth_seen
            # the password never reaches the log
            assert not any("s3cret" in l for l in d.log)
        finally:
            d.close()
    # a wrong password is a temporary failure: the message waits
    with SmtpServer(user="desk", password="right") as smtp:
        cfg = smtp.config().replace("smtp_password = right", "smtp_password = wrong")
        d = world(config=FAST_CONFIG + cfg)
        try:
            new_ticket(d)
            wait_logged(d, "mail_retry", rcpt_domain="acme.example")
            assert smtp.messages == []
            q = mail_list(d)
            assert len(q) == 1 and q[0]["attempts"] >= 1 and q[0]["error"], q
            assert mail_list(d, failed=True) == []
        finally:
            d.close()


@test
def server_down_then_up_is_retried_and_delivered():
    smtp = SmtpServer(start=False)
    d = world(config=FAST_CONFIG + smtp.config())
    try:
        alice = d.login("alice")
        t = alice.create_ticket()
        wait_logged(d, "mail_retry", rcpt_domain="acme.example")
        q = mail_list(d)
        assert len(q) == 1 and q[0]["state"] == "queued" and q[0]["attempts"] >= 1, q
        assert q[0]["rcpt"] == ALICE and t["ref"] in q[0]["subject"], q
        assert q[0]["due_ms"] > q[0]["created_ms"], q
        # deskd keeps answering while the mail waits
        for _ in range(5):
            start = time.monotonic()
            r = alice.get("/api/v1/tickets")
            assert r.status == 200 and time.monotonic() - start < 2, r
        smtp.start()
        m = smtp.wait_for(1, rcpt=ALICE, timeout=30)[0]
        assert t["ref"] in str(m["Subject"])
        line = wait_logged(d, "mail_sent", rcpt_domain="acme.example")[0]
        attempts = int(re.search(r"attempts=(\d+)", line).group(1))
        assert attempts >= 2, line
        wait_for(lambda: mail_list(d) == [], what="an empty outbox")
    finally:
        d.close()
        smtp.stop()


@test
def back_off_doubles_between_attempts():
    smtp = SmtpServer(start=False)
    d = world(config=FAST_CONFIG + smtp.config())
    try:
        new_ticket(d)
        wait_for(lambda: len(logged(d, "mail_retry")) >= 3, timeout=30, what="three retries")
        waits = [int(re.search(r"retry_in_s=(\d+)", l).group(1)) for l in logged(d, "mail_retry")]
        assert waits[:3] == [1, 2, 4], waits
    finally:
        d.close()


@test
def given_up_after_max_attempts_and_kept_as_failed():
    smtp = SmtpServer(start=False)
    d = world(config=FAST_CONFIG + smtp.config(max_attempts=2))
    try:
        new_ticket(d)
        line = wait_logged(d, "mail_failed", rcpt_domain="acme.example")[0]
        assert "attempts=2" in line and "permanent=no" in line, line
        f = mail_list(d, failed=True)
        assert len(f) == 1 and f[0]["state"] == "failed" and f[0]["attempts"] == 2, f
        assert f[0]["failed_ms"] > 0 and f[0]["error"], f
        assert mail_list(d) == []
    finally:
        d.close()


@test
def refused_with_550_fails_at_once_and_retry_puts_it_back():
    with SmtpServer() as smtp:
        smtp.refuse_rcpt[ALICE] = f"550 5.1.1 <{ALICE.upper()}>: No such mailbox here"
        d = world(config=FAST_CONFIG + smtp.config())
        try:
            t = new_ticket(d)
            line = wait_logged(d, "mail_failed", rcpt_domain="acme.example")[0]
            assert "attempts=1" in line and "permanent=yes" in line, line
            assert "550" in line and "*@acme.example" in line, line
            # the log names the domain only, even where the server quoted
            # the address; the admin's list keeps the reply as it was
            assert not any(ALICE in l.lower() for l in d.log), line
            f = mail_list(d, failed=True)
            assert len(f) == 1, f
            assert f[0]["rcpt"] == ALICE and t["ref"] in f[0]["subject"], f
            assert "550" in f[0]["error"] and "RCPT" in f[0]["error"], f
            assert ALICE.upper() in f[0]["error"], f
            assert mail_list(d) == []
            text = d.ctl("mail", "list", "--failed").stdout
            assert str(f[0]["seq"]) in text and ALICE in text and "550" in text, text
            # the mailbox exists now; the admin sends it again
            del smtp.refuse_rcpt[ALICE]
            p = d.ctl("mail", "retry", str(f[0]["seq"]))
            assert "queued again" in p.stdout, p.stdout
            assert mail_list(d, failed=True) == []
            m = smtp.wait_for(1, rcpt=ALICE, timeout=30)[0]
            assert str(m["Message-ID"]) == f[0]["message_id"]
            wait_for(lambda: mail_list(d) == [], what="an empty outbox")
        finally:
            d.close()


@test
def retry_makes_a_waiting_message_due_now():
    smtp = SmtpServer(start=False)
    d = world(config=FAST_CONFIG + smtp.config(retry_seconds=3600))
    try:
        new_ticket(d)
        wait_logged(d, "mail_retry", retry_in_s=3600)
        q = mail_list(d)
        assert len(q) == 1 and q[0]["due_ms"] > time.time() * 1000 + 3000 * 1000, q
        smtp.start()
        p = d.ctl("mail", "retry", str(q[0]["seq"]))
        assert "is due now" in p.stdout, p.stdout
        # the running deskd notices without being told
        m = smtp.wait_for(1, rcpt=ALICE, timeout=20)[0]
        assert str(m["Message-ID"]) == q[0]["message_id"]
        wait_for(lambda: mail_list(d) == [], what="an empty outbox")
    finally:
        d.close()
        smtp.stop()


@test
def a_550_to_data_is_permanent_too_and_all_failed_come_back():
    with SmtpServer() as smtp:
        smtp.data_reply = "554 5.6.0 Message refused"
        d = world(config=FAST_CONFIG + smtp.config())
        try:
            new_ticket(d, title="One")
            new_ticket(d, title="Two")
            wait_for(lambda: len(logged(d, "mail_failed", permanent="yes")) >= 2,
                     what="two permanent failures")
            f = mail_list(d, failed=True)
            assert len(f) == 2 and all("554" in x["error"] for x in f), f
            smtp.data_reply = "250 OK"
            out = json.loads(d.ctl("--json", "mail", "retry", "--all-failed").stdout)
            assert sorted(out["queued"]) == sorted(x["seq"] for x in f), out
            smtp.wait_for(2, rcpt=ALICE, timeout=30)
            assert mail_list(d, failed=True) == []
        finally:
            d.close()


@test
def a_temporary_4xx_is_retried():
    with SmtpServer() as smtp:
        smtp.refuse_rcpt[ALICE] = "451 4.3.0 Try again later"
        d = world(config=FAST_CONFIG + smtp.config())
        try:
            new_ticket(d)
            line = wait_logged(d, "mail_retry", rcpt_domain="acme.example")[0]
            assert "451" in line, line
            del smtp.refuse_rcpt[ALICE]
            smtp.wait_for(1, rcpt=ALICE, timeout=30)
            assert mail_list(d, failed=True) == []
        finally:
            d.close()


@test
def starttls_required_but_not_offered_is_not_sent_in_clear():
    with SmtpServer() as smtp:
        d = world(config=FAST_CONFIG + smtp.config(smtp_starttls="true"))
        try:
            new_ticket(d)
            line = wait_logged(d, "mail_retry", rcpt_domain="acme.example")[0]
            assert re.search(r"STARTTLS|SSL|TLS", line), line
            time.sleep(0.5)
            assert smtp.data_seen == []
        finally:
            d.close()


def tls_server_files(tmp):
    """A key and a self-signed certificate for 127.0.0.1 (the CA deskd is
    told to trust) and a server-side TLS context using them."""
    key, cert = os.path.join(tmp, "key.pem"), os.path.join(tmp, "cert.pem")
    subprocess.run(["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "2",
                    "-keyout", key, "-out", cert, "-subj", "/CN=127.0.0.1",
                    "-addext", "subjectAltName=IP:127.0.0.1"],
                   check=True, capture_output=True)
    ctx = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    ctx.load_cert_chain(cert, key)
    return cert, ctx


@test
def starttls_to_a_server_with_a_private_ca_is_verified_and_encrypted():
    with tempfile.TemporaryDirectory() as tmp:
        cert, ctx = tls_server_files(tmp)
        with SmtpServer(tls_context=ctx) as smtp:
            # trusting the server's CA: sent, and over TLS
            d = world(config=FAST_CONFIG + smtp.config(smtp_starttls="true", smtp_ca_file=cert))
            try:
                new_ticket(d)
                got = smtp.wait_for(1, rcpt=ALICE, timeout=30)[0]
                assert got.tls, "the message came in clear"
            finally:
                d.close()
            # not trusting it: the certificate is refused and nothing is sent
            d = world(config=FAST_CONFIG + smtp.config(smtp_starttls="true"))
            try:
                new_ticket(d)
                line = wait_logged(d, "mail_retry", rcpt_domain="acme.example")[0]
                assert re.search(r"certificate|SSL|TLS", line, re.I), line
                assert len(smtp.data_seen) == 1 and mail_list(d) != []
            finally:
                d.close()


@test
def killed_after_the_server_took_it_is_sent_again_with_the_same_bytes():
    with SmtpServer() as smtp:
        smtp.hold.set()  # the server takes the data but does not answer yet
        d = world(config=FAST_CONFIG + smtp.config())
        try:
            alice = d.login("alice")
            alice.create_ticket()
            first = smtp.wait_for_data(1)[0]
            assert ALICE in first.rcpt_tos
            # the loop is not blocked by the delivery under way
            start = time.monotonic()
            assert alice.get("/api/v1/tickets").status == 200
            assert time.monotonic() - start < 2
            d.stop(sig=signal.SIGKILL, expect_clean=False)
            assert not logged(d, "mail_sent")
            smtp.hold.clear()  # the late reply finds the connection gone
            q = mail_list(d)
            assert len(q) == 1 and q[0]["message_id"] == str(first["Message-ID"]), q
            d.start()
            # the server saw the message twice: the copy deskd never heard
            # accepted, and the same bytes again after the restart
            again = smtp.wait_for(1, rcpt=ALICE, timeout=30)[-1]
            assert len(smtp.data_seen) == 2, smtp.data_seen
            assert smtp.data_seen[1] is again
            assert str(again["Message-ID"]) == str(first["Message-ID"])
            assert again.data == first.data
            wait_logged(d, "mail_sent", rcpt_domain="acme.example")
            wait_for(lambda: mail_list(d) == [], what="an empty outbox")
        finally:
            d.close()


@test
def stopping_during_a_delivery_is_quick_and_keeps_the_message():
    with SmtpServer() as smtp:
        smtp.hold.set()
        d = world(config=FAST_CONFIG + smtp.config(timeout_seconds=120))
        try:
            new_ticket(d)
            first = smtp.wait_for_data(1)[0]
            start = time.monotonic()
            d.stop()  # SIGTERM; fails unless deskd exits 0
            assert time.monotonic() - start < 5, time.monotonic() - start
            q = mail_list(d)
            assert len(q) == 1 and q[0]["message_id"] == str(first["Message-ID"]), q
        finally:
            smtp.hold.clear()
            d.close()


@test
def a_slow_server_times_out_and_the_message_waits():
    with SmtpServer() as smtp:
        smtp.hold.set()
        d = world(config=FAST_CONFIG + smtp.config(timeout_seconds=1))
        try:
            new_ticket(d)
            line = wait_logged(d, "mail_retry", rcpt_domain="acme.example")[0]
            assert re.search(r"(?i)timeout|timed out", line), line
            smtp.hold.clear()
            smtp.clear()
            smtp.wait_for(1, rcpt=ALICE, timeout=30)
        finally:
            d.close()


@test
def the_outbox_survives_a_restart_and_dump_restore():
    smtp = SmtpServer(start=False)
    d = world(config=FAST_CONFIG + smtp.config())
    try:
        t = new_ticket(d)
        wait_logged(d, "mail_retry")
        d.stop()
        q = mail_list(d)
        assert len(q) == 1 and t["ref"] in q[0]["subject"], q
        # dump carries the outbox as stored; a restored copy has it too
        dump = d.ctl("dump").stdout
        raw = [json.loads(l) for l in dump.splitlines() if '"outbox"' in l]
        assert len(raw) == 1 and raw[0]["kind"] == "raw", raw
        target = os.path.join(d.dir, "restored")
        p = subprocess.run([DESKCTL, "--data", target, "restore", "-"], input=dump,
                           capture_output=True, text=True, timeout=120)
        assert p.returncode == 0, p.stderr
        p = subprocess.run([DESKCTL, "--data", target, "--json", "mail", "list"],
                           capture_output=True, text=True, timeout=60)
        assert [json.loads(l)["message_id"] for l in p.stdout.splitlines()] == \
            [q[0]["message_id"]], p.stdout
        p = subprocess.run([DESKCTL, "--data", target, "verify"], capture_output=True,
                           text=True, timeout=60)
        assert p.returncode == 0, p.stdout + p.stderr
        assert d.ctl("verify").returncode == 0
        smtp.start()
        d.start()
        m = smtp.wait_for(1, rcpt=ALICE, timeout=30)[0]
        assert str(m["Message-ID"]) == q[0]["message_id"]
    finally:
        d.close()
        smtp.stop()


@test
def maildir_fallback_without_smtp_url():
    d = world()
    try:
        t = new_ticket(d)
        m = wait_maildir(d.data, 1, rcpt=ALICE)[0]
        assert t["ref"] in str(m["Subject"])
        assert m.rcpt_tos == [ALICE] and m.mail_from, (m.rcpt_tos, m.mail_from)
        assert m["Message-ID"]
        path = os.path.join(d.data, "maildir", "new", m.name)
        assert b"\r\n" not in open(path, "rb").read()  # maildir files end lines with LF
        assert os.listdir(os.path.join(d.data, "maildir", "tmp")) == []
        assert os.path.isdir(os.path.join(d.data, "maildir", "cur"))
        assert os.stat(path).st_mode & 0o077 == 0
        wait_logged(d, "mail_sent", via="maildir")
        wait_for(lambda: mail_list(d) == [], what="an empty outbox")
        # more than one batch of files at once
        alice = d.login("alice")
        for i in range(80):
            alice.create_ticket(f"Batch {i}")
        got = wait_maildir(d.data, 81, rcpt=ALICE, timeout=60)
        assert len({m.name for m in got}) == 81
        assert len({str(m["Message-ID"]) for m in got}) == 81
        wait_for(lambda: mail_list(d) == [], what="an empty outbox")
    finally:
        d.close()


@test
def an_unusable_maildir_stops_the_start():
    d = world(start=False)
    try:
        os.makedirs(os.path.join(d.data, "maildir", "tmp"))
        os.makedirs(os.path.join(d.data, "maildir", "cur"))
        # "new" is a file: nothing can be renamed into it
        open(os.path.join(d.data, "maildir", "new"), "w").close()
        p = subprocess.Popen([os.environ.get("DESKD", "build/daemon/deskd"), "--data", d.data,
                              "--listen", "127.0.0.1:0", "--config", d.config],
                             stderr=subprocess.PIPE, text=True)
        try:
            _, err = p.communicate(timeout=20)
        except subprocess.TimeoutExpired:
            p.kill()
            raise AssertionError("deskd started with an unusable maildir")
        assert p.returncode != 0 and "maildir_unusable" in err, err
    finally:
        d.close()


@test
def deskctl_mail_refuses_bad_arguments_and_changes_nothing():
    smtp = SmtpServer(start=False)
    d = world(config=FAST_CONFIG + smtp.config(max_attempts=1))
    try:
        new_ticket(d)
        wait_logged(d, "mail_failed")
        d.stop()
        before = d.ctl("dump").stdout
        cases = [
            (["mail", "retry"], 2), (["mail", "retry", "abc"], 2), (["mail", "retry", "0"], 2),
            (["mail", "retry", "-5"], 2), (["mail", "retry", "1", "2"], 2),
            (["mail", "retry", "1", "--all-failed"], 2), (["mail", "retry", " 1"], 2),
            (["mail", "retry", "18446744073709551616"], 2), (["mail", "retry", "1x"], 2),
            (["mail", "retry", "x" * 5000], 2), (["mail", "retry", "--bogus"], 2),
            (["mail", "retry", "999999"], 1), (["mail", "list", "extra"], 2),
            (["mail", "list", "--bogus"], 2), (["mail", "list", "--failed=yes"], 2),
            (["mail"], 2), (["mail", "send"], 2),
        ]
        for args, rc in cases:
            p = d.ctl(*args, check=False)
            assert p.returncode == rc, (args, p.returncode, p.stdout, p.stderr)
            assert p.stdout == "", (args, p.stdout)
            assert p.stderr.strip(), args
            assert d.ctl("dump").stdout == before, f"{args} changed the data"
        p = d.ctl("mail", "retry", "999999", check=False)
        assert "no message 999999" in p.stderr, p.stderr
        for args in (["mail", "list", "--help"], ["mail", "retry", "--help"]):
            p = d.ctl(*args)
            assert "usage" in p.stdout, p.stdout
        # a missing data directory
        p = subprocess.run([DESKCTL, "--data", os.path.join(d.dir, "nope"), "mail", "list"],
                           capture_output=True, text=True, timeout=60)
        assert p.returncode == 1 and "does not exist" in p.stderr, p.stderr
        assert d.ctl("mail", "list").stdout == ""
        assert len(mail_list(d, failed=True)) == 1
    finally:
        d.close()


MAIL_FIELDS = {"seq", "state", "rcpt", "subject", "message_id", "created_ms", "due_ms",
               "attempts", "last_ms", "error", "failed_ms"}


@test
def admins_read_the_queue_over_the_api_and_nobody_else():
    smtp = SmtpServer(start=False)
    d = world(config=FAST_CONFIG + smtp.config(retry_seconds=3600))
    try:
        admin, agent, alice = d.login("admin"), d.login("agent"), d.login("alice")
        refs = [alice.create_ticket(f"Ticket {i}")["ref"] for i in range(3)]
        wait_for(lambda: len(logged(d, "mail_retry")) >= 3, what="three retries")
        r = admin.get("/api/v1/admin/mail")
        assert r.status == 200, r
        assert set(r.json) == {"messages", "next"} and r.json["next"] is None, r.json
        msgs = r.json["messages"]
        assert len(msgs) == 3 and all(set(m) == MAIL_FIELDS for m in msgs), msgs
        assert all(m["state"] == "queued" and m["attempts"] == 1 for m in msgs), msgs
        assert [m["due_ms"] for m in msgs] == sorted(m["due_ms"] for m in msgs)
        assert sorted(m["subject"][1:9] for m in msgs) == sorted(refs), msgs
        # the same as deskctl shows
        assert [m["seq"] for m in msgs] == [m["seq"] for m in mail_list(d)]
        # paging
        seen, after = [], None
        while True:
            q = "/api/v1/admin/mail?limit=2" + (f"&after={after}" if after else "")
            page = admin.get(q)
            assert page.status == 200, page
            seen += [m["seq"] for m in page.json["messages"]]
            after = page.json["next"]
            if after is None:
                break
            assert re.fullmatch(r"[0-9]+-[0-9]+", after), after
        assert seen == [m["seq"] for m in msgs], seen
        r = admin.get("/api/v1/admin/mail?state=failed")
        assert r.status == 200 and r.json == {"messages": [], "next": None}, r
        # an API token works too
        tok = d.token_client("admin")
        assert tok.get("/api/v1/admin/mail?state=queued&limit=200").status == 200
        # nobody else
        check_error(agent.get("/api/v1/admin/mail"), 403, "forbidden")
        check_error(alice.get("/api/v1/admin/mail"), 403, "forbidden")
        check_error(d.request("GET", "/api/v1/admin/mail"), 401, "unauthenticated")
        # bad queries
        for q, field in [("state=sent", "state"), ("state=", "state"), ("limit=0", "limit"),
                         ("limit=201", "limit"), ("limit=-1", "limit"), ("limit=x", "limit"),
                         ("limit=99999999999999999999999", "limit"), ("after=x", "after"),
                         ("after=5", "after"), ("after=1-2-3", "after"),
                         ("after=99999999999999999999-1", "after"),
                         ("state=failed&after=1-2", "after"), ("after=" + "9" * 3000, "after"),
                         ("after=-1", "after")]:
            check_error(admin.get("/api/v1/admin/mail?" + q), 400, "invalid_value", field=field)
        check_error(admin.get("/api/v1/admin/mail?bogus=1"), 400, "unknown_parameter")
        check_error(admin.request("POST", "/api/v1/admin/mail", {}), 405)
        # a page past the end is empty
        last = msgs[-1]
        r = admin.get(f"/api/v1/admin/mail?after={last['due_ms']}-{last['seq']}")
        assert r.status == 200 and r.json == {"messages": [], "next": None}, r
    finally:
        d.close()


if __name__ == "__main__":
    run()

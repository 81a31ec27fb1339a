"""deskctl mail-in: messages built here in the shapes Outlook, Gmail,
Thunderbird and Apple Mail send, piped in as an MTA would, against the real
deskd. Replies become comments, new messages tickets; refusals exit with
the sysexits status an MTA understands and change nothing."""

import base64
import hashlib
import os
import re
import socket
import subprocess
from email import encoders
from email.header import Header
from email.mime.application import MIMEApplication
from email.mime.base import MIMEBase
from email.mime.multipart import MIMEMultipart
from email.mime.text import MIMEText
from email.utils import formataddr

import yaml

from harness import DESKCTL, FAST_CONFIG, check_error, run, test, world

SOURCE = os.environ.get("DESKD_SOURCE",
                        os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", ".."))

CONFIG = FAST_CONFIG + "[mail]\nfrom = Service Desk <support@deskd.example>\n"
EX_OK, EX_DATAERR, EX_NOUSER, EX_TEMPFAIL, EX_NOPERM = 0, 65, 67, 75, 77
_ids = iter(range(1, 1_000_000))


def mail_in(d, data, url=None, env=None):
    """Pipes data (bytes or a message) into deskctl mail-in: (status,
    stdout, stderr)."""
    if not isinstance(data, (bytes, bytearray)):
        data = data.as_bytes()
    e = dict(os.environ)
    e["DESKD_URL"] = url or f"http://127.0.0.1:{d.port}"
    e.update(env or {})
    p = subprocess.run([DESKCTL, "--data", d.data, "--config", d.config, "mail-in"],
                       input=data, capture_output=True, timeout=120, env=e)
    return p.returncode, p.stdout.decode(), p.stderr.decode()


def accepted(d, msg):
    rc, out, err = mail_in(d, msg)
    assert rc == EX_OK, (rc, out, err)
    m = re.search(r"\b(HD-\d+)", out)
    assert m, out
    return m.group(1)


def refused(d, msg, status, words=None):
    rc, out, err = mail_in(d, msg)
    assert rc == status, (rc, out, err)
    lines = err.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("deskctl mail-in: "), err
    if words:
        assert words in err, err
    assert "Traceback" not in err and "CRITICAL" not in err, err
    return err


def headers(msg, frm, subject, to="Service Desk <support@deskd.example>", **extra):
    msg["From"] = frm
    msg["To"] = to
    msg["Subject"] = subject
    msg["Date"] = "Mon, 23 Nov 2026 10:30:00 +0100"
    msg["Message-ID"] = f"<{next(_ids)}.test@mail.example>"
    for k, v in extra.items():
        msg[k.replace("_", "-")] = v
    return msg


def thread(ref):
    return f"<ticket-{ref}@deskd.example>"


def comments(client, ref):
    t = client.get(f"/api/v1/tickets/{ref}").json["ticket"]
    return [e for e in t["timeline"] if e["kind"] == "comment"]


def snapshot(d):
    """What a refused message must not change: every record but the
    inbound bookkeeping's meta values."""
    return [r for r in d.dump() if r.get("kind") != "meta"]


def new_world(config=CONFIG):
    d = world(config=config)
    alice = d.login("alice")
    t = alice.create_ticket("Printer offline", "Since this morning.")
    # a first message sets the gateway up (its key), so later snapshots
    # compare like with like
    first = headers(MIMEText("Also the scanner.", "plain", "utf-8"), "alice@acme.example",
                    f"Re: [{t['ref']}] Printer offline")
    accepted(d, first)
    return d, alice, t["ref"]


@test
def test_new_message_opens_a_ticket_with_cc_colleagues():
    d, alice, _ = new_world()
    try:
        msg = headers(MIMEText("The VPN drops every ten minutes.\n\nAlice", "plain", "utf-8"),
                      "Alice Acme <alice@acme.example>", "Fwd: VPN keeps dropping",
                      Cc="Bob <BOB@acme.example>, gina@globex.example, "
                         "stranger@elsewhere.example, agent@deskd.example")
        ref = accepted(d, msg)
        t = alice.get(f"/api/v1/tickets/{ref}").json["ticket"]
        assert t["title"] == "VPN keeps dropping", t
        assert t["description"] == "The VPN drops every ten minutes.\n\nAlice", t
        assert t["channel"] == "email" and t["requester"]["name"] == "Alice Acme", t
        assert t["participants"] == [d.users["bob"]["id"]], t
        # Bob sees it, Gina (another organisation, in Cc) does not
        assert d.login("bob").get(f"/api/v1/tickets/{ref}").status == 200
        assert d.login("gina").get(f"/api/v1/tickets/{ref}").status == 404
        # an empty subject: the first line titles it
        msg = headers(MIMEText("\n\nKeyboard missing keys\nthe F and J", "plain", "utf-8"),
                      "olga@acme.example", "")
        t = d.login("olga").get(f"/api/v1/tickets/{accepted(d, msg)}").json["ticket"]
        assert t["title"] == "Keyboard missing keys", t
        # support staff reply to tickets; they do not open them by mail
        msg = headers(MIMEText("new?", "plain"), "agent@deskd.example", "Something")
        refused(d, msg, EX_NOPERM, "portal")
    finally:
        d.close()


@test
def test_outlook_reply_becomes_a_comment():
    d, alice, ref = new_world()
    try:
        body = ("Yes, please come by at 14:00.\r\n\r\nRegards,\r\nAlice\r\n\r\n"
                "________________________________\r\n"
                "From: Service Desk <support@deskd.example>\r\n"
                "Sent: Monday, November 23, 2026 10:00 AM\r\n"
                "To: Alice Acme <alice@acme.example>\r\n"
                f"Subject: [{ref}] Printer offline\r\n\r\n"
                "## Reply above this line ##\r\n\r\nAnn Agent added a comment.\r\n")
        msg = MIMEMultipart("alternative")
        msg.attach(MIMEText(body, "plain", "us-ascii"))
        msg.attach(MIMEText("<html><body><p>Yes, please come by at 14:00.</p></body></html>",
                            "html", "us-ascii"))
        headers(msg, "Alice Acme <alice@acme.example>", f"RE: [{ref}] Printer offline",
                Thread_Topic="Printer offline", X_Mailer="Microsoft Outlook 16.0")
        assert accepted(d, msg) == ref
        c = comments(alice, ref)[-1]
        assert c["body"] == "Yes, please come by at 14:00.\n\nRegards,\nAlice", c
        assert c["actor_id"] == alice.user["id"] and not c["internal"], c
        # "-----Original Message-----", Dutch headers
        body = ("Akkoord.\n\n-----Oorspronkelijk bericht-----\nVan: Service Desk "
                "<support@deskd.example>\nVerzonden: maandag 23 november 2026 10:00\n"
                f"Aan: Alice\nOnderwerp: [{ref}]\n\n## Antwoord boven deze regel ##\n")
        accepted(d, headers(MIMEText(body, "plain", "utf-8"), "alice@acme.example",
                            f"Antw: [{ref}] Printer offline"))
        assert comments(alice, ref)[-1]["body"] == "Akkoord."
    finally:
        d.close()


@test
def test_gmail_reply_by_thread_id_with_html_alternative():
    d, alice, ref = new_world()
    try:
        plain = ("It works again, thanks!\n\n"
                 "On Mon, Nov 23, 2026 at 10:00 AM Service Desk <\n"
                 "support@deskd.example> wrote:\n\n"
                 "> ## Reply above this line ##\n>\n> Ann Agent added a comment\n")
        html = ('<div dir="ltr">It works again, thanks!</div><br><div class="gmail_quote">'
                '<div class="gmail_attr">On Mon, Nov 23, 2026 at 10:00 AM Service Desk '
                '&lt;support@deskd.example&gt; wrote:<br></div><blockquote class="gmail_quote">'
                '## Reply above this line ##</blockquote></div>')
        msg = MIMEMultipart("alternative")
        msg.attach(MIMEText(plain, "plain", "utf-8"))
        msg.attach(MIMEText(html, "html", "utf-8"))
        # no reference in the subject: the thread id names the ticket
        headers(msg, "Alice Acme <alice@acme.example>", "Re: Your request",
                In_Reply_To=thread(ref), References=f"{thread(ref)} <x1@deskd.example>")
        assert accepted(d, msg) == ref
        assert comments(alice, ref)[-1]["body"] == "It works again, thanks!"
    finally:
        d.close()


@test
def test_thunderbird_flowed_reply_dutch_and_swedish():
    d, alice, ref = new_world()
    try:
        body = ("Het scherm blijft zwart, ook na een herstart van de \n"
                "computer.\n\n-- \nAlice Acme\n\n"
                "Op 23-11-2026 om 10:00 schreef Service Desk:\n"
                "> ## Antwoord boven deze regel ##\n")
        part = MIMEText(body, "plain", "utf-8")
        part.set_param("format", "flowed")
        msg = headers(part, "alice@acme.example", f"Re: [{ref}] Printer offline",
                      User_Agent="Mozilla Thunderbird")
        accepted(d, msg)
        assert comments(alice, ref)[-1]["body"] == \
            "Het scherm blijft zwart, ook na een herstart van de computer."
        body = ("Skrivaren fungerar nu.\n\nDen 2026-11-23 kl. 10:00, skrev Service Desk:\n"
                "> ## Svara ovanför denna rad ##\n")
        accepted(d, headers(MIMEText(body, "plain", "utf-8"), "alice@acme.example",
                            f"SV: [{ref}] Printer offline"))
        assert comments(alice, ref)[-1]["body"] == "Skrivaren fungerar nu."
    finally:
        d.close()


@test
def test_apple_mail_quoted_printable_reply():
    d, alice, ref = new_world()
    try:
        body = ("Great, thanks \u2013 it prints again.\n\nSent from my iPhone\n\n"
                "> On 23 Nov 2026, at 10:00, Service Desk <support@deskd.example> wrote:\n"
                "> \n> \ufeff## Reply above this line ##\n")
        part = MIMEText("", "plain", "utf-8")
        part.replace_header("Content-Transfer-Encoding", "quoted-printable")
        part.set_payload(body.encode("utf-8").decode("latin-1"))
        del part["Content-Transfer-Encoding"]
        encoders.encode_quopri(part)
        msg = headers(part, "Alice Acme <alice@acme.example>", f"Re: [{ref}] Printer offline",
                      X_Mailer="iPhone Mail (20A362)")
        raw = msg.as_bytes()
        assert b"quoted-printable" in raw and b"=E2=80=93" in raw, raw
        accepted(d, raw)
        assert comments(alice, ref)[-1]["body"] == "Great, thanks \u2013 it prints again."
    finally:
        d.close()


@test
def test_html_only_mail_is_converted_to_text():
    d, alice, ref = new_world()
    try:
        html = ("<html><head><style>p{margin:0}</style><title>x</title></head><body>"
                "<p>Caf&eacute; printer: <b>still</b> offline&nbsp;&amp; blinking.</p>"
                "<p>Line one<br>Line two</p>"
                "<hr><div id=\"divRplyFwdMsg\"><b>From:</b> Service Desk &lt;support@deskd."
                "example&gt;<br><b>Sent:</b> Monday<br><b>To:</b> Alice<br>"
                "<b>Subject:</b> x</div><p>## Reply above this line ##</p></body></html>")
        part = MIMEText(html, "html", "utf-8")  # base64 by the email package
        assert part["Content-Transfer-Encoding"] == "base64"
        accepted(d, headers(part, "alice@acme.example", f"RE: [{ref}] Printer offline"))
        assert comments(alice, ref)[-1]["body"] == \
            "Caf\u00e9 printer: still offline & blinking.\n\nLine one\nLine two"
        # HTML only, as a new ticket
        part = MIMEText("<div>Mouse <i>broken</i></div><div>since Monday</div>", "html",
                        "utf-8")
        new = accepted(d, headers(part, "alice@acme.example", "Mouse"))
        t = alice.get(f"/api/v1/tickets/{new}").json["ticket"]
        assert t["description"] == "Mouse broken\nsince Monday", t
    finally:
        d.close()


@test
def test_charsets_and_encoded_headers():
    d, alice, ref = new_world()
    try:
        # ISO-8859-1 subject (RFC 2047 Q) and body (quoted-printable); the
        # "smart quotes" of Windows-1252 under an ISO-8859-1 label as well
        part = MIMEBase("text", "plain", charset="iso-8859-1")
        part.set_payload("Fr\xe5n k\xf6ket: \x93kaffe\x94 \xe4r slut.".encode("latin-1"))
        encoders.encode_quopri(part)
        part["Content-Transfer-Encoding"] = "quoted-printable"
        msg = headers(part, formataddr(("Alice \u00c5str\u00f6m", "alice@acme.example"),
                                       charset="iso-8859-1"), "x")
        msg.replace_header("Subject", Header(f"[{ref}] K\u00f6ket \u00e4r st\u00e4ngt",
                                             "iso-8859-1").encode())
        raw = msg.as_bytes()
        assert b"=?iso-8859-1?q?" in raw.lower(), raw
        accepted(d, raw)
        assert comments(alice, ref)[-1]["body"] == \
            "Fr\u00e5n k\u00f6ket: \u201ckaffe\u201d \u00e4r slut."
        # UTF-8 headers, base64 (subject and body), a new ticket
        subject = "Sk\u00e4rmen \u00e4r tr\u00e5sig \u2013 \u00fcber \U0001F600"
        part = MIMEText("Inga bilder p\u00e5 sk\u00e4rmen.", "plain", "utf-8")
        msg = headers(part, "alice@acme.example", "x")
        msg.replace_header("Subject", Header(subject, "utf-8").encode())
        assert b"=?utf-8?b?" in msg.as_bytes().lower()
        t = alice.get(f"/api/v1/tickets/{accepted(d, msg)}").json["ticket"]
        assert (t["title"], t["description"]) == (subject, "Inga bilder p\u00e5 sk\u00e4rmen."), t
        # raw 8-bit Latin-1 in a header, no label at all: read as Windows-1252
        raw = (b"From: alice@acme.example\nTo: support@deskd.example\nSubject: K\xf6ket\n"
               b"Message-ID: <latin.raw@mail.example>\n\nR\xe4tt text\n")
        t = alice.get(f"/api/v1/tickets/{accepted(d, raw)}").json["ticket"]
        assert (t["title"], t["description"]) == ("K\u00f6ket", "R\u00e4tt text"), t
    finally:
        d.close()


def attach(msg, data, name=None, maintype="application", subtype="octet-stream"):
    part = MIMEBase(maintype, subtype)
    part.set_payload(data)
    encoders.encode_base64(part)
    if name is not None:
        part.add_header("Content-Disposition", "attachment", filename=("utf-8", "", name))
    msg.attach(part)


def files_of(client, ref, seq):
    t = client.get(f"/api/v1/tickets/{ref}").json["ticket"]
    return next(e for e in t["timeline"] if e["seq"] == seq)["attachments"]


def all_files(client, ref):
    t = client.get(f"/api/v1/tickets/{ref}").json["ticket"]
    return [a for e in t["timeline"] for a in e.get("attachments", [])]


def same_bytes(client, a, data):
    assert a["size"] == len(data) and a["sha256"] == hashlib.sha256(data).hexdigest(), a
    g = client.get(a["url"])
    assert g.status == 200 and hashlib.sha256(g.data).digest() == hashlib.sha256(data).digest()


@test
def test_reply_attachments_are_kept_on_the_comment():
    d, alice, ref = new_world()
    try:
        msg = MIMEMultipart("mixed")
        related = MIMEMultipart("related")
        alt = MIMEMultipart("alternative")
        alt.attach(MIMEText("See the log attached.\n\n> old", "plain", "utf-8"))
        alt.attach(MIMEText('<p>See the log attached.</p><img src="cid:logo@x">', "html",
                            "utf-8"))
        related.attach(alt)
        logo = MIMEBase("image", "png")  # shown in the HTML: part of the body
        logo.set_payload(b"\x89PNG\r\n\x1a\n" + bytes(100))
        encoders.encode_base64(logo)
        logo.add_header("Content-ID", "<logo@x>")
        related.attach(logo)
        msg.attach(related)
        binary = os.urandom(150_000)  # several chunks
        attach(msg, binary, "core.bin")
        pdf = b"%PDF-1.4 " + bytes(3000)
        attach(msg, pdf, "r\u00e4kning \u00f6versikt.pdf", "application", "pdf")
        accepted(d, headers(msg, "alice@acme.example", f"Re: [{ref}] Printer offline"))
        c = comments(alice, ref)[-1]
        assert c["body"] == "See the log attached.", c["body"]
        files = c["attachments"]
        assert [a["name"] for a in files] == ["core.bin", "r\u00e4kning \u00f6versikt.pdf"], files
        assert files[1]["type"] == "application/pdf" and not files[0]["internal"], files
        agent = d.login("agent")
        for who in (alice, agent):
            same_bytes(who, files[0], binary)
            same_bytes(who, files[1], pdf)
        # files alone are worth recording; a part without a name gets one
        msg = MIMEMultipart("mixed")
        attach(msg, b"x" * 10)
        accepted(d, headers(msg, "alice@acme.example", f"Re: [{ref}] log"))
        c = comments(alice, ref)[-1]
        assert c["body"] == "Files sent by e-mail.", c["body"]
        assert [a["name"] for a in c["attachments"]] == ["attachment-1"], c
        same_bytes(alice, c["attachments"][0], b"x" * 10)
        v = d.ctl("verify", check=False)
        assert v.returncode == 0, v.stdout
    finally:
        d.close()


@test
def test_new_ticket_by_mail_keeps_its_attachment():
    d, alice, _ = new_world()
    try:
        msg = MIMEMultipart("mixed")
        msg.attach(MIMEText("The error is in the screenshot.", "plain", "utf-8"))
        shot = b"\x89PNG\r\n\x1a\n" + os.urandom(5000)
        attach(msg, shot, "fel.png", "image", "png")
        ref = accepted(d, headers(msg, "alice@acme.example", "Scanner error"))
        files = files_of(alice, ref, 1)
        assert [a["name"] for a in files] == ["fel.png"] and files[0]["image"], files
        same_bytes(alice, files[0], shot)
        t = alice.get(f"/api/v1/tickets/{ref}").json["ticket"]
        assert t["description"] == "The error is in the screenshot.", t
    finally:
        d.close()


@test
def test_attachment_over_the_limit_refuses_the_message():
    d, alice, ref = new_world(CONFIG + "[server]\nmax_attachment_bytes = 1000\n")
    try:
        before = snapshot(d)
        msg = MIMEMultipart("mixed")
        msg.attach(MIMEText("Two files.", "plain", "utf-8"))
        attach(msg, b"a" * 1000, "fits.txt")
        attach(msg, b"b" * 1001, "big.log")
        refused(d, headers(msg, "alice@acme.example", f"Re: [{ref}] x"), EX_DATAERR,
                "\"big.log\" is larger than the limit of 1000 bytes")
        msg = MIMEMultipart("mixed")
        msg.attach(MIMEText("New one.", "plain", "utf-8"))
        attach(msg, b"b" * 1001, "big.log")
        refused(d, headers(msg, "alice@acme.example", "New one"), EX_DATAERR, "big.log")
        # a body beyond the route's limit (the text's limit and room for two
        # files in base64) is refused before it is read as JSON
        with open(os.path.join(d.data, "mail-gateway.key")) as f:
            k = {"X-Deskd-Mail-Key": f.read().strip()}
        big = {"from": "alice@acme.example", "attachments": [
            {"name": "a", "type": "text/plain", "size": 3,
             "data": "eHh4" * (1024 * 1024 // 4 + 1000)}]}
        check_error(d.request("POST", "/api/v1/mail/inbound", big, headers=k), 413,
                    "too_large")
        assert snapshot(d) == before
        # exactly the limit is kept
        msg = MIMEMultipart("mixed")
        msg.attach(MIMEText("One file.", "plain", "utf-8"))
        attach(msg, b"a" * 1000, "fits.txt")
        accepted(d, headers(msg, "alice@acme.example", f"Re: [{ref}] x"))
        same_bytes(alice, comments(alice, ref)[-1]["attachments"][0], b"a" * 1000)
    finally:
        d.close()


@test
def test_malformed_mail_is_refused_and_changes_nothing():
    d, alice, ref = new_world()
    try:
        before = snapshot(d)
        junk = bytes((i * 7919 + 13) % 256 for i in range(200_000))
        refused(d, junk, EX_DATAERR)
        refused(d, b"", EX_DATAERR, "empty")
        refused(d, b"\x00\x01\x02\xff\xfe", EX_DATAERR)
        refused(d, b"Subject: no sender\nTo: support@deskd.example\n\nhello\n", EX_DATAERR,
                "From")
        refused(d, b"From: not an address\nSubject: x\n\nhello\n", EX_DATAERR)
        huge = b"X-Filler: " + b"a" * 300_000 + b"\nFrom: alice@acme.example\n\nhi\n"
        refused(d, huge, EX_DATAERR, "header")
        many = b"".join(b"X-H%d: v\n" % i for i in range(40_000)) + \
            b"From: alice@acme.example\n\nhi\n"
        refused(d, many, EX_DATAERR, "header")
        big = (f"From: alice@acme.example\nSubject: [{ref}] big\n"
               "Content-Type: text/plain\n\n").encode() + b"x" * (30 * 1024 * 1024)
        refused(d, big, EX_DATAERR, "25 MB")
        nob = (f"From: alice@acme.example\nSubject: [{ref}] x\nMIME-Version: 1.0\n"
               "Content-Type: multipart/mixed\n\n--zzz\nContent-Type: text/plain\n\nhi\n"
               "--zzz--\n").encode()
        refused(d, nob, EX_DATAERR, "boundary")
        wrongb = (f"From: alice@acme.example\nSubject: [{ref}] x\nMIME-Version: 1.0\n"
                  "Content-Type: multipart/mixed; boundary=\"aaa\"\n\n--zzz\n"
                  "Content-Type: text/plain\n\nhi\n--zzz--\n").encode()
        refused(d, wrongb, EX_DATAERR)
        deep = b"From: alice@acme.example\nMIME-Version: 1.0\n"
        for i in range(40):
            deep += b"Content-Type: multipart/mixed; boundary=\"b%d\"\n\n--b%d\n" % (i, i)
        deep += b"Content-Type: text/plain\n\nx\n"
        refused(d, deep, EX_DATAERR)
        # empty answers: only the quoted history, only a signature
        only_quote = MIMEText("> ## Reply above this line ##\n> old\n", "plain")
        refused(d, headers(only_quote, "alice@acme.example", f"Re: [{ref}] x"), EX_DATAERR,
                "no text")
        refused(d, headers(MIMEText("\n-- \nAlice\n", "plain"), "alice@acme.example",
                           f"Re: [{ref}] x"), EX_DATAERR)
        refused(d, headers(MIMEText("", "plain"), "alice@acme.example", ""), EX_DATAERR)
        assert snapshot(d) == before
        d.stop()  # under the sanitizers: no leak, no error
        d.start()
    finally:
        d.close()


@test
def test_unknown_and_disabled_senders_are_refused():
    d, alice, ref = new_world()
    try:
        before = snapshot(d)
        refused(d, headers(MIMEText("hi", "plain"), "nobody@acme.example", "Help"), EX_NOUSER)
        refused(d, headers(MIMEText("hi", "plain"), "mallory@evil.example",
                           f"Re: [{ref}] x"), EX_NOUSER)
        d.ctl("user", "disable", "--email", "bob@acme.example")
        refused(d, headers(MIMEText("hi", "plain"), "bob@acme.example", "Help"), EX_NOUSER)
        after = [r for r in snapshot(d) if r.get("kind") != "user"]
        assert after == [r for r in before if r.get("kind") != "user"]
    finally:
        d.close()


@test
def test_other_organisations_ticket_is_refused_like_an_unknown_one():
    d, alice, ref = new_world()
    try:
        before = snapshot(d)
        other = refused(d, headers(MIMEText("Let me in", "plain"), "gina@globex.example",
                                   f"Re: [{ref}] Printer offline"), EX_NOPERM)
        missing = refused(d, headers(MIMEText("Let me in", "plain"), "gina@globex.example",
                                     "Re: [HD-99999] Printer offline"), EX_NOPERM)
        assert other == missing
        # a thread id of someone else's ticket is the same
        refused(d, headers(MIMEText("x", "plain"), "gina@globex.example", "Re: x",
                           References=thread(ref)), EX_NOPERM)
        assert snapshot(d) == before
        # Bob (same organisation, but not shared with him) sees nothing either
        refused(d, headers(MIMEText("x", "plain"), "bob@acme.example", f"[{ref}]"), EX_NOPERM)
        # an agent may answer by mail; it counts as support's reply
        accepted(d, headers(MIMEText("On my way.", "plain"), "agent@deskd.example",
                            f"Re: [{ref}] Printer offline"))
        c = comments(alice, ref)[-1]
        assert c["body"] == "On my way." and c["from_support"], c
    finally:
        d.close()


@test
def test_closed_ticket_is_refused():
    d, alice, ref = new_world()
    try:
        r = alice.post(f"/api/v1/tickets/{ref}/actions", {"action": "cancel"})
        assert r.status == 200, r
        before = snapshot(d)
        refused(d, headers(MIMEText("One more thing", "plain"), "alice@acme.example",
                           f"Re: [{ref}] Printer offline"), EX_NOPERM, "closed")
        assert snapshot(d) == before
    finally:
        d.close()


@test
def test_mail_loops_are_refused():
    d, alice, ref = new_world()
    try:
        before = snapshot(d)
        for extra in ({"Auto_Submitted": "auto-replied"}, {"Auto_Submitted": "auto-generated"},
                      {"Precedence": "bulk"}, {"Precedence": "junk"}, {"Precedence": "list"},
                      {"X_Autoreply": "yes"}, {"X_Autorespond": "Out of office"}):
            msg = headers(MIMEText("I am out of the office", "plain"), "alice@acme.example",
                          f"Out of office: [{ref}] Printer offline", **extra)
            refused(d, msg, EX_NOPERM, "(")
        # a message deskd sent itself, bounced back to its own address
        msg = MIMEText("## Reply above this line ##\nAnn Agent added a comment", "plain")
        headers(msg, "alice@acme.example", f"[{ref}] Printer offline")
        msg.replace_header("Message-ID", "<0123456789abcdef0123456789abcdef@deskd.example>")
        refused(d, msg, EX_NOPERM, "deskd sent itself")
        # deskd's own address as sender, and a delivery report (a bounce)
        refused(d, headers(MIMEText("x", "plain"), "Service Desk <SUPPORT@deskd.example>",
                           f"[{ref}] x"), EX_NOPERM, "own address")
        dsn = MIMEMultipart("report", report_type="delivery-status")
        dsn.attach(MIMEText("Delivery to the following recipient failed", "plain"))
        dsn.attach(MIMEText("Reporting-MTA: dns; mx.acme.example\n", "plain"))
        refused(d, headers(dsn, "alice@acme.example", f"Undeliverable: [{ref}] x"), EX_NOPERM,
                "Auto-Submitted")
        assert snapshot(d) == before
        # Auto-Submitted: no is a person's message
        accepted(d, headers(MIMEText("Manual answer", "plain"), "alice@acme.example",
                            f"Re: [{ref}] x", Auto_Submitted="no"))
    finally:
        d.close()


@test
def test_the_same_message_twice_is_recorded_once():
    d, alice, ref = new_world()
    try:
        msg = MIMEMultipart("mixed")
        msg.attach(MIMEText("Only once please", "plain"))
        attach(msg, b"once", "once.txt")
        headers(msg, "alice@acme.example", f"Re: [{ref}] Printer offline")
        n = len(comments(alice, ref))
        assert accepted(d, msg) == ref
        rc, out, err = mail_in(d, msg)
        assert rc == EX_OK and "before" in out, (rc, out, err)
        assert len(comments(alice, ref)) == n + 1
        assert [a["name"] for a in all_files(alice, ref)] == ["once.txt"]
        # a new ticket, delivered twice
        msg = headers(MIMEText("New thing", "plain"), "alice@acme.example", "New thing")
        first = accepted(d, msg)
        assert accepted(d, msg) == first
        listed = alice.get("/api/v1/tickets?view=all").json["tickets"]
        assert sum(t["title"] == "New thing" for t in listed) == 1
        # the index survives a restart
        d.restart()
        rc, out, _ = mail_in(d, msg)
        assert rc == EX_OK and first in out
    finally:
        d.close()


@test
def test_deskd_not_running_is_a_temporary_failure():
    d, alice, ref = new_world()
    try:
        msg = headers(MIMEText("hello", "plain"), "alice@acme.example", f"Re: [{ref}] x")
        s = socket.socket()
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
        s.close()
        rc, out, err = mail_in(d, msg, url=f"http://127.0.0.1:{port}")
        assert rc == EX_TEMPFAIL and "try again" in err, (rc, err)
        d.stop()
        rc, out, err = mail_in(d, msg)
        assert rc == EX_TEMPFAIL, (rc, err)
        d.start()
        assert accepted(d, msg) == ref  # the MTA's retry goes through
    finally:
        d.close()


def listed_in_spec(statuses):
    """Every status answered is one proto/openapi.yaml lists for the route."""
    with open(os.path.join(SOURCE, "proto", "openapi.yaml")) as f:
        op = yaml.safe_load(f)["paths"]["/api/v1/mail/inbound"]["post"]
    missing = {s for s in statuses if str(s) not in op["responses"]}
    assert not missing, missing


@test
def test_endpoint_needs_the_gateway_key():
    d, alice, ref = new_world()
    seen = set()
    request = d.request

    def answer(*a, **kw):
        r = request(*a, **kw)
        seen.add(r.status)
        return r
    d.request = answer
    try:
        path = "/api/v1/mail/inbound"
        body = {"from": "alice@acme.example", "subject": f"[{ref}]", "text": "sneaky"}
        check_error(d.request("POST", path, body), 401, "mail_key")
        check_error(d.request("POST", path, body, headers={"X-Deskd-Mail-Key": "wrong"}),
                    401, "mail_key")
        check_error(d.request("POST", path, body, headers={"X-Deskd-Mail-Key": ""}), 401)
        # a signed-in user's session or token is not the key
        c = d.token_client("agent")
        check_error(c.post(path, body), 401, "mail_key")
        with open(os.path.join(d.data, "mail-gateway.key")) as f:
            key = f.read().strip()
        st = os.stat(os.path.join(d.data, "mail-gateway.key"))
        assert st.st_mode & 0o777 == 0o600, oct(st.st_mode)
        k = {"X-Deskd-Mail-Key": key}
        check_error(d.request("POST", path, raw="{", headers={**k, "Content-Type":
                                                             "application/json"}), 400)
        check_error(d.request("POST", path, raw="x", headers={**k, "Content-Type":
                                                             "text/plain"}), 415)
        check_error(d.request("POST", path, {"from": "alice@acme.example", "bogus": 1},
                              headers=k), 422, field="bogus")
        check_error(d.request("POST", path, {"text": "x"}, headers=k), 422, field="from")
        # the body may hold files, but text alone stays within its own limit
        check_error(d.request("POST", path, {"from": "alice@acme.example",
                                             "text": "x" * (2 * 1024 * 1024)}, headers=k),
                    422, "too_long", "text")
        check_error(d.request("POST", path, {"from": "alice@acme.example", "attachments": [
            {"name": "a", "type": "text/plain", "size": 2, "data": "eA=="}]}, headers=k),
                    422, field="attachments")
        check_error(d.request("POST", path, {"from": "alice@acme.example", "cc": ["x"] * 51},
                              headers=k), 422, field="cc")
        r = d.request("POST", path, {"from": "alice@acme.example", "subject": f"[{ref}]",
                                     "text": "direct"}, headers=k)
        assert r.status == 201 and r.json["ticket"]["ref"] == ref, r
        # a key file replaced (a restored database, a new key): deskctl gives
        # deskd the new key's hash and goes on
        with open(os.path.join(d.data, "mail-gateway.key"), "w") as f:
            f.write("another-key-that-is-long-enough\n")
        accepted(d, headers(MIMEText("after the new key", "plain"), "alice@acme.example",
                            f"Re: [{ref}] x"))
        check_error(d.request("POST", path, body, headers=k), 401, "mail_key")
        with open(os.path.join(d.data, "mail-gateway.key")) as f:
            k = {"X-Deskd-Mail-Key": f.read().strip()}
        for extra, status in (({"from": "nobody@x.example"}, 403),
                              ({"from": "gina@globex.example", "subject": f"[{ref}]",
                                "text": "x"}, 404),
                              ({"from": "alice@acme.example", "subject": f"[{ref}]",
                                "message_id": "<d1@x>", "text": "a"}, 201),
                              ({"from": "alice@acme.example", "subject": f"[{ref}]",
                                "message_id": "<d1@x>", "text": "a"}, 409),
                              ({"from": "alice@acme.example", "subject": f"[{ref}]",
                                "text": "> q"}, 422)):
            r = d.request("POST", path, extra, headers=k)
            assert r.status == status, (extra, r)
        listed_in_spec(seen)
    finally:
        d.close()


@test
def test_a_customer_reply_moves_a_waiting_ticket():
    d, alice, ref = new_world()
    try:
        agent = d.login("agent")
        r = agent.post(f"/api/v1/tickets/{ref}/actions",
                       {"action": "set_status", "status": "waiting_for_customer"})
        assert r.status == 200, r
        accepted(d, headers(MIMEText("Here is the serial: 12345", "plain"),
                            "alice@acme.example", f"Re: [{ref}] x"))
        t = alice.get(f"/api/v1/tickets/{ref}").json["ticket"]
        assert t["status"] != "waiting_for_customer", t["status"]
    finally:
        d.close()


@test
def test_help_and_usage():
    p = subprocess.run([DESKCTL, "mail-in", "--help"], capture_output=True, text=True)
    assert p.returncode == 0 and "mail-in" in p.stdout, p


if __name__ == "__main__":
    run()

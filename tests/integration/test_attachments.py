"""Attachments: upload as a raw body onto one's own comment or ticket,
download with the original name (RFC 6266), only for those who may see the
ticket (internal notes' files for support only), the size limit (413 with
the limit, nothing stored), and dump, restore and verify carrying them."""

import hashlib
import json
import os
import socket
import subprocess
import urllib.parse

from harness import DESKCTL, FAST_CONFIG, check_error, check_security_headers, run, test, world

LIMIT = 10_000_000
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 40
SVG = b'<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>'


def upload(c, ref, event, data, name="log.txt", ctype="text/plain", **extra):
    q = urllib.parse.urlencode({"filename": name, "event": event, **extra})
    return c.post(f"/api/v1/tickets/{ref}/attachments?{q}", raw=data,
                  headers={"Content-Type": ctype})


def comment(c, ref, body="See the file.", internal=False):
    r = c.post(f"/api/v1/tickets/{ref}/comments", {"body": body, "internal": internal})
    assert r.status == 201, r
    return r.json["ticket"]["timeline"][-1]["seq"]


def stats(d):
    return json.loads(d.ctl("--json", "stats").stdout)["entries"]


def event_files(c, ref, seq):
    t = c.get(f"/api/v1/tickets/{ref}").json["ticket"]
    return next(e for e in t["timeline"] if e["seq"] == seq)["attachments"]


@test
def test_upload_on_a_comment_round_trips_bytes_and_sha256():
    d = world()
    try:
        alice = d.login("alice")
        ref = alice.create_ticket()["ref"]
        seq = comment(alice, ref)
        data = os.urandom(200_000)  # several chunks, the last one short
        r = upload(alice, ref, seq, data, "dump.bin", "application/x-foo")
        assert r.status == 201, r
        a = r.json["attachment"]
        assert a["name"] == "dump.bin" and a["size"] == len(data), a
        assert a["sha256"] == hashlib.sha256(data).hexdigest() and a["event"] == seq, a
        assert a["type"] == "application/x-foo" and a["image"] is False, a
        assert a["internal"] is False, a
        assert a["url"] == f"/api/v1/tickets/{ref}/attachments/{a['id']}", a
        assert event_files(alice, ref, seq) == [a]
        agent = d.login("agent")
        assert event_files(agent, ref, seq) == [a]
        for who in (alice, agent):
            g = who.get(a["url"])
            assert g.status == 200 and g.data == data, g
            check_security_headers(g)
            assert g.header("Content-Type") == "application/octet-stream", g.headers
            assert g.header("Content-Disposition").startswith("attachment;"), g.headers
        # The creation event takes files too: the new-ticket form's.
        r = upload(alice, ref, 1, b"first", "first.txt")
        assert r.status == 201 and event_files(alice, ref, 1)[0]["name"] == "first.txt", r
        # The ticket's other events are not the caller's to add files to.
        check_error(upload(agent, ref, seq, b"x"), 422, "invalid_value", "event")
        check_error(upload(alice, ref, 99, b"x"), 422, "invalid_value", "event")
        check_error(upload(alice, ref, "", b"x"), 422, "required", "event")
        check_error(upload(alice, ref, "abc", b"x"), 422, "required", "event")
        check_error(alice.post(f"/api/v1/tickets/{ref}/attachments?event={seq}", raw=b"x"),
                    422, "required", "filename")
        # HEAD: the head of the download, no body
        hd = alice.request("HEAD", a["url"])
        assert hd.status == 200 and hd.data == b"", hd
        assert hd.header("Content-Length") == str(len(data)), hd.headers
        # a closed ticket takes no more files
        act = alice.post(f"/api/v1/tickets/{ref}/actions", {"action": "cancel"})
        assert act.status == 200, act
        check_error(upload(alice, ref, seq, b"late"), 409, "ticket_closed")
        # Survives a restart.
        d.restart()
        alice = d.login("alice")
        assert alice.get(a["url"]).data == data
        v = d.ctl("verify", check=False)
        assert v.returncode == 0, v.stdout
    finally:
        d.close()


@test
def test_limit_exactly_and_one_byte_over():
    d = world()
    try:
        alice = d.login("alice")
        ref = alice.create_ticket()["ref"]
        seq = comment(alice, ref)
        assert alice.get("/api/v1/me").json["limits"]["max_attachment_bytes"] == LIMIT
        before = stats(d)
        r = upload(alice, ref, seq, b"\0" * (LIMIT + 1), "big.bin")
        e = check_error(r, 413, "too_large")
        assert str(LIMIT) in e["message"], e
        assert stats(d) == before, "a refused upload stored something"
        r = upload(alice, ref, seq, b"a" * LIMIT, "exact.bin")
        assert r.status == 201 and r.json["attachment"]["size"] == LIMIT, r
        assert alice.get(r.json["attachment"]["url"]).data == b"a" * LIMIT
        # far over: refused before it is read, nothing stored either
        after = stats(d)
        r = upload(alice, ref, seq, b"\0" * (LIMIT * 3), "huge.bin")
        assert r.status == 413, r
        assert stats(d) == after
    finally:
        d.close()


@test
def test_large_files_stream_and_a_client_leaving_halfway_harms_nothing():
    d = world()
    try:
        alice = d.login("alice")
        ref = alice.create_ticket()["ref"]
        seq = comment(alice, ref)
        data = bytes((i * 7 + i // 65536) & 0xFF for i in range(3_000_000))
        url = upload(alice, ref, seq, data, "trace.bin").json["attachment"]["url"]
        small = upload(alice, ref, seq, b"small", "small.txt").json["attachment"]["url"]
        r = alice.get(url)
        assert r.status == 200 and r.data == data, (r.status, len(r.data))
        # a large file goes out in chunks as it is read, a small one whole
        assert r.header("Transfer-Encoding") == "chunked", r.headers
        assert r.header("Content-Disposition").startswith('attachment; filename="trace.bin"'), r.headers
        assert r.header("X-Content-Type-Options") == "nosniff", r.headers
        s = alice.get(small)
        assert s.header("Content-Length") == "5" and s.data == b"small", s.headers
        # HEAD answers with the head only
        h = alice.request("HEAD", url)
        assert h.status == 200 and h.data == b"", h
        # clients that read a little and leave do no harm
        for _ in range(5):
            sock = socket.create_connection(("127.0.0.1", d.port))
            sock.sendall(f"GET {url} HTTP/1.1\r\nHost: x\r\nCookie: {alice.cookie}\r\n\r\n"
                         .encode())
            assert sock.recv(4096).startswith(b"HTTP/1.1 200")
            sock.close()
        assert alice.get(url).data == data
        assert alice.get("/api/v1/me").status == 200
    finally:
        d.close()


@test
def test_a_smaller_configured_limit():
    d = world(config=FAST_CONFIG + "[server]\nmax_attachment_bytes = 1000\n")
    try:
        alice = d.login("alice")
        ref = alice.create_ticket()["ref"]
        seq = comment(alice, ref)
        assert upload(alice, ref, seq, b"x" * 1000).status == 201
        e = check_error(upload(alice, ref, seq, b"x" * 1001), 413, "too_large")
        assert "1000 bytes" in e["message"], e
        # the JSON routes keep their own limit
        assert alice.get("/api/v1/me").json["limits"]["max_attachment_bytes"] == 1000
    finally:
        d.close()


@test
def test_empty_files_are_accepted():
    d = world()
    try:
        alice = d.login("alice")
        ref = alice.create_ticket()["ref"]
        seq = comment(alice, ref)
        r = upload(alice, ref, seq, b"", "empty.log")
        assert r.status == 201, r
        a = r.json["attachment"]
        assert a["size"] == 0 and a["sha256"] == hashlib.sha256(b"").hexdigest(), a
        g = alice.get(a["url"])
        assert g.status == 200 and g.data == b"", g
        assert d.ctl("verify", check=False).returncode == 0
    finally:
        d.close()


def disposition_name(cd):
    """The file name a browser takes from Content-Disposition: filename*."""
    star = [p.strip() for p in cd.split(";") if p.strip().startswith("filename*=")]
    assert len(star) == 1, cd
    enc = star[0][len("filename*="):]
    assert enc.startswith("UTF-8''"), cd
    return urllib.parse.unquote(enc[len("UTF-8''"):], encoding="utf-8", errors="strict")


@test
def test_odd_names_come_back_as_they_were():
    d = world()
    try:
        alice = d.login("alice")
        ref = alice.create_ticket()["ref"]
        seq = comment(alice, ref)
        names = ['say "hi".txt', "a/b/../c.txt", "C:\\Users\\x\\log.txt", "överföring café.pdf",
                 "日本語.txt", "x" * 300 + ".txt", "semi;colon%20.txt", "emoji 😀.png"]
        for name in names:
            r = upload(alice, ref, seq, b"data", name)
            assert r.status == 201, (name, r)
            a = r.json["attachment"]
            assert a["name"] == name, (name, a)
            g = alice.get(a["url"])
            cd = g.header("Content-Disposition")
            assert disposition_name(cd) == name, (name, cd)
            fallback = cd.split('filename="', 1)[1].split('"', 1)[0]
            assert all(32 <= ord(ch) < 127 and ch not in '"\\/%;' for ch in fallback), cd
        # CR and LF never reach a header: they are stored as "_"
        r = upload(alice, ref, seq, b"data", "evil\r\nSet-Cookie: x=1.txt")
        assert r.status == 201 and r.json["attachment"]["name"] == "evil__Set-Cookie: x=1.txt", r
        g = alice.get(r.json["attachment"]["url"])
        assert g.header("Set-Cookie") is None and "\n" not in g.header("Content-Disposition")
        check_error(upload(alice, ref, seq, b"x", "x" * 1025), 422, "invalid_value", "filename")
        q = f"filename=%ff%fe.txt&event={seq}"
        check_error(alice.post(f"/api/v1/tickets/{ref}/attachments?{q}", raw=b"x"), 422,
                    "invalid_value", "filename")
    finally:
        d.close()


@test
def test_only_safe_images_show_inline_judged_by_their_bytes():
    d = world()
    try:
        alice = d.login("alice")
        ref = alice.create_ticket()["ref"]
        seq = comment(alice, ref)
        png = upload(alice, ref, seq, PNG, "shot.png", "image/png").json["attachment"]
        svg = upload(alice, ref, seq, SVG, "pic.svg", "image/svg+xml").json["attachment"]
        fake = upload(alice, ref, seq, b"<html>", "fake.png", "image/png").json["attachment"]
        assert png["image"] is True and svg["image"] is False and fake["image"] is False
        g = alice.get(png["url"] + "?inline=1")
        assert g.header("Content-Type") == "image/png", g.headers
        assert g.header("Content-Disposition").startswith("inline;"), g.headers
        g = alice.get(png["url"])  # without asking: a download
        assert g.header("Content-Type") == "application/octet-stream", g.headers
        for a in (svg, fake):
            g = alice.get(a["url"] + "?inline=1")
            assert g.header("Content-Type") == "application/octet-stream", g.headers
            assert g.header("Content-Disposition").startswith("attachment;"), g.headers
            assert g.header("X-Content-Type-Options") == "nosniff"
            assert "default-src 'none'" in g.header("Content-Security-Policy")
    finally:
        d.close()


@test
def test_who_may_see_which_file():
    d = world()
    try:
        alice, gina, agent = d.login("alice"), d.login("gina"), d.login("agent")
        ref = alice.create_ticket()["ref"]
        seq = comment(alice, ref)
        pub = upload(alice, ref, seq, b"public").json["attachment"]
        note = comment(agent, ref, "between us", internal=True)
        r = upload(agent, ref, note, b"secret", "secret.txt")
        assert r.status == 201, r
        secret = r.json["attachment"]
        assert secret["internal"] is True
        # another organisation's file and an internal note's: as unknown as none
        for who, url in ((gina, pub["url"]), (gina, secret["url"]), (alice, secret["url"])):
            e = check_error(who.get(url), 404, "not_found")
            assert e == check_error(alice.get(f"/api/v1/tickets/{ref}/attachments/999999"),
                                    404, "not_found") or who is gina
        check_error(alice.get(f"/api/v1/tickets/{ref}/attachments/abc"), 404)
        # a file of one ticket is not reachable through another
        other = alice.create_ticket()["ref"]
        check_error(alice.get(f"/api/v1/tickets/{other}/attachments/{pub['id']}"), 404)
        assert agent.get(secret["url"]).data == b"secret"
        t = alice.get(f"/api/v1/tickets/{ref}").json["ticket"]
        ids = [a["id"] for e in t["timeline"] for a in e["attachments"]]
        assert ids == [pub["id"]], t["timeline"]
        t = agent.get(f"/api/v1/tickets/{ref}").json["ticket"]
        ids = [a["id"] for e in t["timeline"] for a in e["attachments"]]
        assert ids == [pub["id"], secret["id"]], t["timeline"]
        # only those who may comment upload; an unknown ticket is 404
        check_error(upload(gina, ref, seq, b"x"), 404)
        check_error(upload(alice, "HD-99999", 1, b"x"), 404)
        r = alice.request("POST", f"/api/v1/tickets/{ref}/attachments?filename=a&event={seq}",
                          raw=b"x", csrf=False)
        check_error(r, 403, "csrf")
    finally:
        d.close()


@test
def test_dump_restore_verify_and_purge_carry_the_files():
    d = world()
    try:
        alice = d.login("alice")
        ref = alice.create_ticket()["ref"]
        seq = comment(alice, ref)
        data = os.urandom(150_000)
        a = upload(alice, ref, seq, data, "x.bin").json["attachment"]
        upload(alice, ref, seq, b"", "empty")
        first = d.ctl("dump").stdout
        kinds = [json.loads(x) for x in first.splitlines()]
        assert {k["db"] for k in kinds if k["kind"] == "raw"} >= {"attachments", "blobs"}
        target = os.path.join(d.dir, "restored")
        p = subprocess.run([DESKCTL, "--data", target, "--config", d.config, "restore", "-"],
                           input=first, capture_output=True, text=True, timeout=300)
        assert p.returncode == 0, p
        second = subprocess.run([DESKCTL, "--data", target, "dump"], capture_output=True,
                                text=True).stdout
        assert second == first
        v = subprocess.run([DESKCTL, "--data", target, "verify"], capture_output=True, text=True)
        assert v.returncode == 0 and "no problems" in v.stdout, v
        a2 = json.loads(subprocess.run([DESKCTL, "--data", target, "--json", "stats"],
                                       capture_output=True, text=True).stdout)["entries"]
        assert a2 == stats(d) and a2["attachments"] == 2 and a2["blobs"] == 3, a2
    finally:
        d.close()


if __name__ == "__main__":
    run()

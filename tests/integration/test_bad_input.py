"""Bad input for every endpoint: each is refused with the right status and
the error format, and changes nothing (checked with reads and with a
deskctl dump before and after)."""

import json
from types import SimpleNamespace

from harness import (Client, check_error, check_security_headers, email_of, run, test, world)

MIB = 1024 * 1024
TITLE_MAX = 200
TEXT_MAX = 64 * 1024

_w = None


def w():
    """One deskd for the whole file: three tickets, one per party."""
    global _w
    if _w is None:
        d = world()
        try:
            c = SimpleNamespace(d=d)
            for who in ("alice", "bob", "olga", "gina", "gus", "agent"):
                setattr(c, who, d.login(who))
            c.anon = Client(d)
            c.A = c.alice.create_ticket("Alice's ticket", "from alice")["ref"]
            c.B = c.bob.create_ticket("Bob's ticket", "from bob")["ref"]
            c.G = c.gina.create_ticket("Gina's ticket", "from gina")["ref"]
            c.alice.post(f"/api/v1/tickets/{c.A}/comments", {"body": "first comment"})
        except BaseException:
            d.close()
            raise
        _w = c
    return _w


def reads(full=True):
    """What users can read. The quick form (after each request) is support's
    list of every ticket, which moves with any change to any ticket, and the
    timeline most requests aim at; the full form adds every ticket and the
    lists of each kind of customer."""
    c = w()
    out = {}
    r = c.agent.get("/api/v1/tickets?view=all&limit=100")
    assert r.status == 200, r
    out["agent"] = r.json
    for ref in (c.A, c.B, c.G) if full else (c.A,):
        r = c.agent.get(f"/api/v1/tickets/{ref}")
        assert r.status == 200, r
        out[ref] = r.json
    if full:
        for who in ("alice", "olga", "gina"):
            r = getattr(c, who).get("/api/v1/tickets?view=all&limit=100")
            assert r.status == 200, r
            out[who] = r.json
    return out


class Unchanged:
    """Asserts that a block of bad requests changed nothing: quick reads
    after each request (call .check()), full reads and the whole deskctl
    dump at the end."""

    def __enter__(self):
        self.dump = w().d.dump()
        self.full = reads()
        self.quick = reads(full=False)
        return self

    def check(self, what=""):
        assert reads(full=False) == self.quick, f"state changed after {what}"

    def __exit__(self, et, ev, tb):
        if et is None:
            assert reads() == self.full, "state changed"
            assert w().d.dump() == self.dump, "deskctl dump differs"


def send(client, method, path, raw=None, ctype="application/json", headers=None):
    hdrs = dict(headers or {})
    if ctype is not None:
        hdrs["Content-Type"] = ctype
    if isinstance(raw, (dict, list)):
        raw = json.dumps(raw)
    return client.request(method, path, raw=raw, headers=hdrs)


def endpoints():
    """Every endpoint that takes a JSON body: (name, client, method, path,
    a valid body that would be accepted but changes nothing visible to the
    check, or is refused for another reason)."""
    c = w()
    return [
        ("login", c.anon, "POST", "/api/v1/session",
         {"email": email_of("alice"), "password": "wrong-password"}),
        ("create", c.alice, "POST", "/api/v1/tickets", {"title": "t", "description": "d"}),
        ("patch", c.agent, "PATCH", f"/api/v1/tickets/{c.A}", {"priority": "P2"}),
        ("comment", c.alice, "POST", f"/api/v1/tickets/{c.A}/comments", {"body": "x"}),
    ]


def syntax_cases(valid):
    first = next(iter(valid))
    body = json.dumps(valid).encode()
    return [
        (b'{"' + first.encode() + b'": ', "truncated"),
        (body[:-1] + b',}', "trailing comma"),
        (body.replace(b'"', b"'"), "single quotes"),
        (b"", "empty body"),
        (b"   \n", "only white space"),
        (body + b" x", "garbage after the object"),
        (body + body, "two objects"),
        (b"{" + first.encode() + b': "x"}', "unquoted key"),
        (b"[]", "an array"),
        (b"[" + body + b"]", "the body in an array"),
        (b'"text"', "a string"),
        (b"42", "a number"),
        (b"null", "null"),
        (b"true", "true"),
        (b'{"' + first.encode() + b'": "\xff\xfe"}', "invalid UTF-8"),
        (b'{"' + first.encode() + b'": "\xc0\xaf"}', "overlong UTF-8"),
        (b'{"' + first.encode() + b'": "\xed\xa0\x80"}', "UTF-8 encoded surrogate"),
        (b'{"' + first.encode() + b'": "\\ud800"}', "lone surrogate escape"),
        (b"[" * 5000 + b"]" * 5000, "deep nesting"),
        (b'{"' + first.encode() + b'": ' + b"[" * 5000 + b"]" * 5000 + b"}", "deep value"),
    ]


@test
def test_malformed_json_is_400_invalid_json_for_every_endpoint():
    with Unchanged() as u:
        for name, client, method, path, valid in endpoints():
            for raw, what in syntax_cases(valid):
                r = send(client, method, path, raw)
                check_error(r, 400, "invalid_json")
                u.check(f"{name}: {what}")


@test
def test_nul_escape_in_a_string_is_refused():
    with Unchanged() as u:
        for name, client, method, path, valid in endpoints():
            key = next(k for k, v in valid.items() if isinstance(v, str))
            body = json.dumps(valid).replace(json.dumps(valid[key]), '"a\\u0000b"', 1)
            r = send(client, method, path, body)
            assert r.status in (400, 422), r
            e = check_error(r, r.status)
            assert e["code"] in ("invalid_json", "invalid_text", "invalid_value"), r
            u.check(f"{name}: NUL")


@test
def test_unknown_fields_are_422_unknown_field():
    extra = {
        "login": [{"admin": True}, {"role": "admin"}],
        "create": [{"status": "closed"}, {"org_id": 2}, {"requester_id": 1}, {"ref": "HD-1"},
                   {"Title": "x"}],
        "patch": [{"title": "new"}, {"status": "closed"}, {"org_id": 2}, {"description": "x"}],
        "comment": [{"from_support": True}, {"actor_id": 1}, {"Body": "x"}],
    }
    with Unchanged() as u:
        for name, client, method, path, valid in endpoints():
            for more in extra[name]:
                r = send(client, method, path, {**valid, **more})
                check_error(r, 422, "unknown_field", next(iter(more)))
                u.check(f"{name}: {more}")


@test
def test_wrong_types_are_422_invalid_type_with_the_field():
    cases = [
        ("login", {"email": 5, "password": "x" * 8}, "email"),
        ("login", {"email": ["a@b.example"], "password": "x" * 8}, "email"),
        ("login", {"email": {"a": 1}, "password": "x" * 8}, "email"),
        ("login", {"email": True, "password": "x" * 8}, "email"),
        ("login", {"email": email_of("alice"), "password": 12345678}, "password"),
        ("login", {"email": email_of("alice"), "password": ["x"]}, "password"),
        ("login", {"email": email_of("alice"), "password": "x" * 8, "remember": "yes"},
         "remember"),
        ("login", {"email": email_of("alice"), "password": "x" * 8, "remember": 1}, "remember"),
        ("create", {"title": 5, "description": "d"}, "title"),
        ("create", {"title": ["t"], "description": "d"}, "title"),
        ("create", {"title": {"t": 1}, "description": "d"}, "title"),
        ("create", {"title": True, "description": "d"}, "title"),
        ("create", {"title": "t", "description": 5}, "description"),
        ("create", {"title": "t", "description": ["d"]}, "description"),
        ("create", {"title": "t", "description": "d", "type": 1}, "type"),
        ("create", {"title": "t", "description": "d", "type": ["incident"]}, "type"),
        ("create", {"title": "t", "description": "d", "priority": True}, "priority"),
        ("create", {"title": "t", "description": "d", "priority": ["P1"]}, "priority"),
        ("create", {"title": "t", "description": "d", "priority": {"P": 1}}, "priority"),
        ("patch", {"type": 5}, "type"),
        ("patch", {"type": True}, "type"),
        ("patch", {"priority": True}, "priority"),
        ("patch", {"priority": ["P1"]}, "priority"),
        ("comment", {"body": 5}, "body"),
        ("comment", {"body": ["x"]}, "body"),
        ("comment", {"body": {"text": "x"}}, "body"),
        ("comment", {"body": "x", "internal": "yes"}, "internal"),
        ("comment", {"body": "x", "internal": 1}, "internal"),
    ]
    eps = {e[0]: e for e in endpoints()}
    with Unchanged() as u:
        for name, body, field in cases:
            _, client, method, path, _ = eps[name]
            r = send(client, method, path, body)
            check_error(r, 422, "invalid_type", field)
            u.check(f"{name}: {body}")


@test
def test_values_outside_the_allowed_set_are_422_invalid_value():
    cases = [
        ("create", {"title": "t", "description": "d", "type": "bogus"}, "type"),
        ("create", {"title": "t", "description": "d", "priority": "P9"}, "priority"),
        ("create", {"title": "t", "description": "d", "priority": "P0"}, "priority"),
        ("create", {"title": "t", "description": "d", "priority": "high"}, "priority"),
        ("create", {"title": "t", "description": "d", "priority": 0}, "priority"),
        ("create", {"title": "t", "description": "d", "priority": 5}, "priority"),
        ("create", {"title": "t", "description": "d", "priority": -1}, "priority"),
        ("patch", {"type": "bogus"}, "type"),
        ("patch", {"priority": "P5"}, "priority"),
        ("patch", {"priority": 9}, "priority"),
    ]
    eps = {e[0]: e for e in endpoints()}
    with Unchanged() as u:
        for name, body, field in cases:
            _, client, method, path, _ = eps[name]
            r = send(client, method, path, body)
            check_error(r, 422, "invalid_value", field)
            u.check(f"{name}: {body}")
        # A fractional priority is neither of the accepted forms.
        _, client, method, path, _ = eps["create"]
        r = send(client, method, path, {"title": "t", "description": "d", "priority": 1.5})
        e = check_error(r, 422, field="priority")
        assert e["code"] in ("invalid_type", "invalid_value"), r
        u.check("priority 1.5")


@test
def test_missing_or_empty_required_fields_are_422_required():
    cases = [
        ("login", {}, None),
        ("login", {"password": "x" * 8}, "email"),
        ("login", {"email": email_of("alice")}, "password"),
        ("login", {"email": "", "password": "x" * 8}, "email"),
        ("login", {"email": email_of("alice"), "password": ""}, "password"),
        ("create", {}, None),
        ("create", {"description": "d"}, "title"),
        ("create", {"title": "t"}, "description"),
        ("create", {"title": "", "description": "d"}, "title"),
        ("create", {"title": "t", "description": ""}, "description"),
        ("create", {"type": "incident", "priority": "P1"}, None),
        ("patch", {}, None),
        ("comment", {}, "body"),
        ("comment", {"body": ""}, "body"),
        ("comment", {"internal": False}, "body"),
    ]
    eps = {e[0]: e for e in endpoints()}
    with Unchanged() as u:
        for name, body, field in cases:
            _, client, method, path, _ = eps[name]
            r = send(client, method, path, body)
            e = check_error(r, 422, "required")
            if field:
                assert e.get("field") == field, (body, r)
            u.check(f"{name}: {body}")


@test
def test_too_long_text_is_refused():
    big = "x" * 1_000_000
    cases = [
        ("login", {"email": big + "@acme.example", "password": "x" * 8}, "email"),
        ("login", {"email": email_of("alice"), "password": big}, "password"),
        ("create", {"title": big, "description": "d"}, "title"),
        ("create", {"title": "t", "description": big}, "description"),
        ("create", {"title": "x" * (TITLE_MAX + 1), "description": "d"}, "title"),
        ("create", {"title": "t", "description": "x" * (TEXT_MAX + 1)}, "description"),
        ("comment", {"body": big}, "body"),
        ("comment", {"body": "x" * (TEXT_MAX + 1)}, "body"),
        ("login", {"email": "a" * 250 + "@acme.example", "password": "x" * 8}, "email"),
    ]
    eps = {e[0]: e for e in endpoints()}
    with Unchanged() as u:
        for name, body, field in cases:
            _, client, method, path, _ = eps[name]
            r = send(client, method, path, body)
            if r.status == 413:
                check_error(r, 413, "too_large")
            else:
                check_error(r, 422, "too_long", field)
            u.check(f"{name}: {field} of {len(body[field])}")
        # A 1 MB type is no type at all.
        _, client, method, path, _ = eps["patch"]
        r = send(client, method, path, {"type": big})
        if r.status != 413:
            e = check_error(r, 422, field="type")
            assert e["code"] in ("too_long", "invalid_value"), r
        u.check("patch: 1 MB type")


@test
def test_control_characters_in_a_title_are_refused():
    eps = {e[0]: e for e in endpoints()}
    _, client, method, path, _ = eps["create"]
    with Unchanged() as u:
        for title in ("a\u0001b", "bell\u0007", "esc\u001b[31m", "del\u007f"):
            r = send(client, method, path, {"title": title, "description": "d"})
            check_error(r, 422, "invalid_text", "title")
            u.check(repr(title))


@test
def test_limits_are_inclusive():
    c = w()
    t = c.alice.create_ticket("x" * TITLE_MAX, "y" * TEXT_MAX)
    assert len(t["title"]) == TITLE_MAX and len(t["description"]) == TEXT_MAX
    r = c.alice.post(f"/api/v1/tickets/{t['ref']}/comments", {"body": "z" * TEXT_MAX})
    assert r.status == 201 and r.json["ticket"]["timeline"][-1]["body"] == "z" * TEXT_MAX, r
    # The charset parameter of the content type is fine.
    r = send(c.alice, "POST", f"/api/v1/tickets/{t['ref']}/comments", {"body": "charset"},
             ctype="application/json; charset=utf-8")
    assert r.status == 201, r


@test
def test_body_over_the_limit_is_413_in_the_error_format():
    with Unchanged() as u:
        for name, client, method, path, valid in endpoints():
            key = next(k for k, v in valid.items() if isinstance(v, str))
            body = json.dumps({**valid, key: "x" * (MIB + 10)})
            r = send(client, method, path, body)
            check_error(r, 413, "too_large")
            u.check(f"{name}: over the limit")
            # Even when the content type is wrong, the size is refused.
            r = send(client, method, path, body, ctype="text/plain")
            assert r.status in (413, 415), r
            check_error(r, r.status)


@test
def test_wrong_content_type_is_415():
    with Unchanged() as u:
        for name, client, method, path, valid in endpoints():
            for ctype in (None, "text/plain", "application/x-www-form-urlencoded",
                          "multipart/form-data; boundary=x", "application/jsonp",
                          "application/xml", "text/json"):
                r = send(client, method, path, valid, ctype=ctype)
                check_error(r, 415, "unsupported_media_type")
                u.check(f"{name}: {ctype}")


@test
def test_no_session_is_401_on_every_protected_route():
    c = w()
    routes = [
        ("DELETE", "/api/v1/session", None),
        ("GET", "/api/v1/me", None),
        ("GET", "/api/v1/tickets", None),
        ("POST", "/api/v1/tickets", {"title": "t", "description": "d"}),
        ("GET", f"/api/v1/tickets/{c.A}", None),
        ("PATCH", f"/api/v1/tickets/{c.A}", {"priority": "P1"}),
        ("POST", f"/api/v1/tickets/{c.A}/comments", {"body": "x"}),
        ("POST", f"/api/v1/tickets/{c.A}/follow", None),
        ("DELETE", f"/api/v1/tickets/{c.A}/follow", None),
    ]
    with Unchanged() as u:
        for method, path, body in routes:
            for hdrs in ({}, {"X-CSRF-Token": c.alice.csrf}):
                r = send(c.anon, method, path, body, headers=hdrs,
                         ctype="application/json" if body else None)
                check_error(r, 401, "unauthenticated")
                u.check(f"{method} {path}")
            # A bad body does not get past the missing session either.
            if body:
                check_error(send(c.anon, method, path, b"{"), 401, "unauthenticated")


@test
def test_missing_or_wrong_csrf_is_403_on_every_write():
    c = w()
    writes = [
        ("DELETE", "/api/v1/session", None),
        ("POST", "/api/v1/tickets", {"title": "t", "description": "d"}),
        ("PATCH", f"/api/v1/tickets/{c.A}", {"priority": "P1"}),
        ("POST", f"/api/v1/tickets/{c.A}/comments", {"body": "x"}),
        ("POST", f"/api/v1/tickets/{c.A}/follow", None),
        ("DELETE", f"/api/v1/tickets/{c.A}/follow", None),
    ]
    wrong = [None, "", "x", "x" * 43, c.bob.csrf, c.alice.csrf + "x", c.alice.csrf[:-1],
             c.alice.cookie.split("=", 1)[1]]
    with Unchanged() as u:
        for method, path, body in writes:
            for token in wrong:
                hdrs = {"Cookie": c.alice.cookie}
                if token is not None:
                    hdrs["X-CSRF-Token"] = token
                r = send(Client(c.d), method, path, body, headers=hdrs,
                         ctype="application/json" if body else None)
                check_error(r, 403, "csrf")
                u.check(f"{method} {path} csrf={token!r}")
            # The CSRF check comes before the body is read.
            r = send(Client(c.d), method, path, b"{", headers={"Cookie": c.alice.cookie})
            check_error(r, 403, "csrf")
        # The session survived all of it.
        assert c.alice.get("/api/v1/me").status == 200
    # Reads need no CSRF token.
    for path in ("/api/v1/me", "/api/v1/tickets", f"/api/v1/tickets/{c.A}"):
        assert c.alice.get(path).status == 200


@test
def test_someone_elses_ticket_is_404_like_a_missing_one():
    c = w()
    ops = [
        ("GET", "", None),
        ("PATCH", "", {"priority": "P1"}),
        ("POST", "/comments", {"body": "x"}),
        ("POST", "/follow", None),
        ("DELETE", "/follow", None),
    ]
    who_what = [
        (c.alice, c.G),  # another organisation
        (c.olga, c.G),   # another organisation, organisation-wide customer
        (c.gus, c.A),
        (c.gina, c.A),
        (c.bob, c.A),    # a colleague's ticket, plain customer
        (c.alice, c.B),
    ]
    with Unchanged() as u:
        for method, suffix, body in ops:
            missing = send(c.alice, method, f"/api/v1/tickets/HD-99999{suffix}", body,
                           ctype="application/json" if body else None)
            check_error(missing, 404, "not_found")
            for client, ref in who_what:
                r = send(client, method, f"/api/v1/tickets/{ref}{suffix}", body,
                         ctype="application/json" if body else None)
                check_error(r, 404, "not_found")
                assert r.json == missing.json, (r, missing)
                u.check(f"{method} {ref}{suffix}")
        # Nor do they show up in lists or counts.
        for client, ref in who_what:
            lst = client.get("/api/v1/tickets?view=all").json
            assert ref not in [t["ref"] for t in lst["tickets"]], lst
        assert sum(c.gus.get("/api/v1/tickets").json["counts"]["priority"].values()) == 1


@test
def test_bad_references_are_404():
    c = w()
    ops = [
        ("GET", "", None),
        ("PATCH", "", {"priority": "P1"}),
        ("POST", "/comments", {"body": "x"}),
        ("POST", "/follow", None),
        ("DELETE", "/follow", None),
    ]
    n = int(c.A.split("-")[1])
    bad = ["HD-0", "HD-abc", "XX-10001", "HD-", "-10001", "HD", "10001", "HD-99999",
           "HD-1", "HD-" + "9" * 5000, "HD-18446744073709551615",
           f"HD-{2**64 + n}", f"HD-{n}x", f"HD-{n}.0", f"HD-+{n}", f"HD-%20{n}",
           f"HD--{n}", f"HD-{n}-1", f"HD-0x{n:x}", "%2e%2e", "..", "HD-%2F" + str(n)]
    with Unchanged() as u:
        for method, suffix, body in ops:
            for ref in bad:
                r = send(c.agent, method, f"/api/v1/tickets/{ref}{suffix}", body,
                         ctype="application/json" if body else None)
                check_error(r, 404, "not_found")
                u.check(f"{method} {ref[:40]}{suffix}")
            # A NUL byte in the path never reaches a ticket: such a path is
            # refused whole, before any route is looked at.
            for ref in ("%00", f"{c.A}%00", f"HD-%00{n}", f"{c.A}%00x"):
                r = send(c.agent, method, f"/api/v1/tickets/{ref}{suffix}", body,
                         ctype="application/json" if body else None)
                check_error(r, 400, "bad_path")
                u.check(f"{method} {ref}{suffix}")


@test
def test_unknown_routes_are_404():
    c = w()
    paths = ["/", "/api", "/api/v1", "/api/v1/", "/api/v1/nope", "/api/v2/tickets",
             "/API/v1/me", "/api/v1/me/", "/api/v1/tickets/", "//api/v1/me",
             f"/api/v1/tickets/{c.A}/nope", f"/api/v1/tickets/{c.A}/comments/1",
             f"/api/v1/tickets/{c.A}/", "/healthz/", "/index.html", "/api/v1/users"]
    with Unchanged() as u:
        for path in paths:
            for client in (c.anon, c.alice):
                check_error(client.get(path), 404, "not_found")
                check_error(send(client, "POST", path, {}), 404, "not_found")
            u.check(path)


@test
def test_wrong_method_is_405_with_allow():
    c = w()
    cases = [
        ("PUT", "/api/v1/tickets", {"GET", "POST"}),
        ("DELETE", "/api/v1/tickets", {"GET", "POST"}),
        ("PATCH", "/api/v1/tickets", {"GET", "POST"}),
        ("POST", "/api/v1/me", {"GET", "PATCH"}),
        ("DELETE", "/api/v1/me", {"GET", "PATCH"}),
        ("GET", "/api/v1/session", {"POST", "DELETE"}),
        ("PATCH", "/api/v1/session", {"POST", "DELETE"}),
        ("PUT", f"/api/v1/tickets/{c.A}", {"GET", "PATCH"}),
        ("POST", f"/api/v1/tickets/{c.A}", {"GET", "PATCH"}),
        ("DELETE", f"/api/v1/tickets/{c.A}", {"GET", "PATCH"}),
        ("GET", f"/api/v1/tickets/{c.A}/comments", {"POST"}),
        ("DELETE", f"/api/v1/tickets/{c.A}/comments", {"POST"}),
        ("GET", f"/api/v1/tickets/{c.A}/follow", {"POST", "DELETE"}),
        ("PUT", f"/api/v1/tickets/{c.A}/follow", {"POST", "DELETE"}),
        ("POST", "/healthz", {"GET"}),
        ("OPTIONS", "/api/v1/tickets", {"GET", "POST"}),
    ]
    with Unchanged() as u:
        for method, path, allowed in cases:
            for client in (c.anon, c.alice):
                r = send(client, method, path, {"body": "x"})
                check_error(r, 405, "method_not_allowed")
                allow = {m.strip() for m in (r.header("Allow") or "").split(",")}
                assert allow == allowed, (method, path, r.header("Allow"))
                u.check(f"{method} {path}")


@test
def test_follow_takes_no_body():
    c = w()
    with Unchanged() as u:
        for method in ("POST", "DELETE"):
            for raw in ({}, {"follow": True}, b"x"):
                r = send(c.olga, method, f"/api/v1/tickets/{c.A}/follow", raw)
                check_error(r, 400, "unexpected_body")
                u.check(f"{method} follow with a body")


@test
def test_bad_list_parameters_are_400():
    c = w()
    cases = [
        ("view=bogus", "view"), ("view=", "view"), ("view=OPEN", "view"),
        ("limit=0", "limit"), ("limit=101", "limit"), ("limit=1000", "limit"),
        ("limit=-1", "limit"), ("limit=abc", "limit"), ("limit=1.5", "limit"),
        ("limit=", "limit"), ("limit=10&limit=1000", "limit"),
        ("limit=99999999999999999999999", "limit"),
        ("cursor=abc", "cursor"), ("cursor=0", "cursor"), ("cursor=-5", "cursor"),
        ("cursor=", "cursor"), ("cursor=99999999999999999999999", "cursor"),
        ("cursor=HD-10001", "cursor"),
        ("foo=1", "foo"), ("VIEW=open", "VIEW"), ("view=open&sort=title", "sort"),
        ("status=open", "status"),
    ]
    with Unchanged() as u:
        for client in (c.alice, c.agent):
            for query, field in cases:
                r = client.get("/api/v1/tickets?" + query)
                e = check_error(r, 400)
                assert e.get("field") == field, (query, r)
                assert e["code"] in ("invalid_value", "unknown_parameter", "bad_query"), r
                u.check(query)
            # The listing itself still works, with each parameter valid.
            r = client.get("/api/v1/tickets?view=all&limit=1&cursor=99999999")
            assert r.status == 200, r
            check_security_headers(r)


@test
def test_every_answer_carries_the_security_headers():
    c = w()
    answers = [
        c.anon.get("/healthz"),
        c.anon.get("/nope"),
        c.alice.get("/api/v1/me"),
        c.alice.get("/api/v1/tickets"),
        c.alice.get(f"/api/v1/tickets/{c.A}"),
        c.alice.get(f"/api/v1/tickets/{c.G}"),
        c.anon.request("PUT", "/api/v1/me"),
        send(c.anon, "POST", "/api/v1/session", {"email": "x@y.example", "password": "z" * 8}),
        c.alice.get("/api/v1/tickets", headers={"Accept": "application/msgpack"}),
    ]
    for r in answers:
        check_security_headers(r)
        assert r.header("Cache-Control") == "no-store", r.headers


@test
def test_daemon_survived_all_of_it():
    c = w()
    try:
        assert c.d.request("GET", "/healthz").status == 200
        assert c.alice.get(f"/api/v1/tickets/{c.A}").status == 200
        c.d.stop()  # fails when deskd does not exit cleanly; the whole log is read then
        for line in c.d.log_lines():
            assert "level=error" not in line, line
    finally:
        global _w
        _w = None
        c.d.close()


if __name__ == "__main__":
    run()

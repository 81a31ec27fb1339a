"""Who may see what, as a matrix: every operation of proto/openapi.yaml, for
every role (anonymous, customer, org-customer, agent, admin), against the
tickets, files, comments, people and access requests of another customer
and of another organisation, and against the caller's own.

Something the caller may not see answers 404 exactly as something that does
not exist (the same status and the same body), a route the role may not use
401 or 403, and no answer ever carries another organisation's words, names
or addresses, nor an internal note's words to a customer; the refused
requests change nothing. The same holds through search, the list's counts,
the export, mail in and the notifications deskd mails.

The operations come from the spec, so a new route fails this file until the
tables below say how to fill its parameters and what each role gets."""

import io
import json
import os
import re
import subprocess
import time
import urllib.parse
import zipfile
from email.mime.text import MIMEText

import yaml

from harness import DESKCTL, FAST_CONFIG, check_error, run, test, world
from smtp import read_maildir

SOURCE = os.environ.get("DESKD_SOURCE",
                        os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", ".."))
SPEC_PATH = os.path.join(SOURCE, "proto", "openapi.yaml")
METHODS = ("get", "put", "post", "delete", "patch")

# Account requests are rate limited per client; this suite makes many.
CONFIG = FAST_CONFIG + "[accounts]\nmail_per_hour = 1000\n" + \
    "[mail]\nfrom = Service Desk <support@deskd.example>\n"

ROLES = ("anonymous", "customer", "org-customer", "agent", "admin")
# Who plays each role (CAST names), from both organisations; anonymous
# (None) sends no credentials.
PLAYERS = {"anonymous": (None,), "customer": ("alice", "gina"),
           "org-customer": ("olga", "gus"), "agent": ("agent",), "admin": ("admin",)}
STAFF = ("agent", "admin")
MISSING_REF = "HD-99999"
MISSING_ID = "999999"
MSGPACK = {"Accept": "application/msgpack"}
EXTERNAL = "outside.example"

# The tickets of the world: whose, which organisation.
TICKETS = {
    "alice": ("alice", "Acme"),       # the customer's own
    "bob": ("bob", "Acme"),           # another customer's, same organisation
    "gina": ("gina", "Globex"),       # another organisation's
    "ginaclosed": ("gina", "Globex"),  # another organisation's, cancelled
}
# Which of them each person sees.
PERSON_SEES = {
    "alice": {"alice"}, "bob": {"bob"}, "olga": {"alice", "bob"},
    "gina": {"gina", "ginaclosed"}, "gus": {"gina", "ginaclosed"},
    "agent": set(TICKETS), "admin": set(TICKETS),
}
PERSON_ORG = {"alice": "Acme", "bob": "Acme", "olga": "Acme", "gina": "Globex",
              "gus": "Globex", "agent": None, "admin": None}
PERSON_SEES[None] = set()

# Names and addresses of people and organisations, by organisation.
PEOPLE = {
    "Acme": ("Acme", "Alice Acme", "alice@acme.example", "Bob Acme", "bob@acme.example",
             "Olga Acme", "olga@acme.example"),
    "Globex": ("Globex", "Gina Globex", "gina@globex.example", "Gus Globex",
               "gus@globex.example"),
}


def word(ticket, kind):
    """A word found nowhere but where the world put it."""
    return f"zq{ticket}{kind}"


PUBLIC_KINDS = ("title", "desc", "pub", "file", "filename")
INTERNAL_KINDS = ("int", "intfile", "intname")
# Customers without organisation visibility, and the colleagues whose names
# they never come across here.
PLAIN_CUSTOMERS = {"alice": ("Bob Acme", "bob@acme.example"),
                   "bob": ("Alice Acme", "alice@acme.example"), "gina": ()}
ACCESS_WORDS = {"Acme": word("ar", "acme"), "Globex": word("ar", "globex")}


def hidden_from(who):
    """What nothing deskd answers or mails to this person (None: someone
    not signed in) may hold."""
    if who in ("agent", "admin"):
        return set()
    seen = PERSON_SEES[who]
    org = PERSON_ORG.get(who)
    out = set()
    for t in TICKETS:
        out.update(word(t, k) for k in INTERNAL_KINDS)
        if t not in seen:
            out.update(word(t, k) for k in PUBLIC_KINDS)
    for o, names in PEOPLE.items():
        if o != org:
            out.update(names)
            out.add(ACCESS_WORDS[o])
    if who in PLAIN_CUSTOMERS:
        # no access requests, and no colleague's ticket to learn a name from
        out.add(ACCESS_WORDS[org])
        out.update(PLAIN_CUSTOMERS[who])
    return out


def spec():
    with open(SPEC_PATH) as f:
        return yaml.safe_load(f)


def operations(s):
    ops = {}
    for path, item in s["paths"].items():
        for method, op in item.items():
            if method in METHODS:
                ops[(method.upper(), path)] = op
    return ops


def resolve(s, node):
    while isinstance(node, dict) and "$ref" in node:
        target = s
        for part in node["$ref"][2:].split("/"):
            target = target[part]
        node = target
    return node


def sample(s, schema, name=""):
    """A value of the schema's type (the smallest a validator takes)."""
    schema = resolve(s, schema)
    if "enum" in schema:
        return schema["enum"][0]
    t = schema.get("type")
    if t == "integer":
        return max(int(schema.get("minimum", 1)), 1)
    if t == "number":
        return 1
    if t == "boolean":
        return False
    if t == "array":
        return []
    if t == "object":
        return generic_body(s, schema)
    if schema.get("format") == "email" or "email" in name:
        return "someone@" + EXTERNAL
    return "x" * max(int(schema.get("minLength", 1)), 8 if "password" in name else 1)


def generic_body(s, schema):
    """Required members with values of their types; a schema that asks for
    at least one member gets its first."""
    schema = resolve(s, schema)
    props = schema.get("properties", {})
    names = list(schema.get("required", []))
    alts = schema.get("oneOf") or schema.get("anyOf")
    if not names and alts:
        names = list(alts[0].get("required", []))
    if not names and schema.get("minProperties") and props:
        names = [next(iter(props))]
    return {n: sample(s, props[n], n) for n in names}


def json_body_schema(op):
    rb = op.get("requestBody")
    if rb and "application/json" in rb["content"]:
        return rb["content"]["application/json"]["schema"]
    return None


class World:
    """Two organisations, a ticket of each kind with a public comment, an
    internal note and a file on each, external participants, access
    requests of both organisations, and an API token for each player."""

    def __init__(self):
        self.d = world(config=CONFIG)
        d = self.d
        self.tok = {who: d.token_client(who) for who in
                    ("alice", "bob", "olga", "gina", "gus", "agent", "admin")}
        self.tickets = {}
        self.files = {}      # (ticket, "pub"|"int") -> attachment id
        self.seqs = {}       # ticket -> seq of its public comment
        agent = self.tok["agent"]
        for key, (owner, _org) in TICKETS.items():
            c = self.tok[owner]
            parts = [f"ext-{r}@{EXTERNAL}" for r in ROLES]
            t = c.create_ticket(title=f"Title {word(key, 'title')}",
                                description=f"Description {word(key, 'desc')}",
                                participants=parts)
            ref = t["ref"]
            assert sorted(t["external_emails"]) == sorted(parts), t
            self.tickets[key] = ref
            r = c.post(f"/api/v1/tickets/{ref}/comments",
                       {"body": f"Comment {word(key, 'pub')}"})
            assert r.status == 201, r
            self.seqs[key] = r.json["ticket"]["timeline"][-1]["seq"]
            self.files[(key, "pub")] = self.upload(c, ref, 1, f"{word(key, 'filename')}.txt",
                                                   f"file {word(key, 'file')}")
            r = agent.post(f"/api/v1/tickets/{ref}/comments",
                           {"body": f"Note {word(key, 'int')}", "internal": True})
            assert r.status == 201, r
            note = r.json["ticket"]["timeline"][-1]["seq"]
            self.files[(key, "int")] = self.upload(agent, ref, note,
                                                   f"{word(key, 'intname')}.txt",
                                                   f"file {word(key, 'intfile')}")
        r = self.tok["gina"].post(f"/api/v1/tickets/{self.tickets['ginaclosed']}/actions",
                                  {"action": "cancel"})
        assert r.status == 200, r
        self.requests = {}
        for key, who, org in (("acme", "olga", "acme"), ("globex", "gus", "globex")):
            r = self.tok[who].post("/api/v1/access-requests",
                                   {"email": f"new@{org}.example",
                                    "name": f"New {word('ar', key)}"})
            assert r.status == 201, r
            self.requests[key] = str(r.json["access_request"]["id"])
        self.org_id = {"Acme": d.users["alice"]["org_id"], "Globex": d.users["gina"]["org_id"]}

    @staticmethod
    def upload(c, ref, event, name, text):
        q = urllib.parse.urlencode({"filename": name, "event": event})
        r = c.post(f"/api/v1/tickets/{ref}/attachments?{q}", raw=text.encode(),
                   headers={"Content-Type": "text/plain"})
        assert r.status == 201, r
        return str(r.json["attachment"]["id"])

    def send(self, who, method, path, body=None, raw=None, headers=None):
        c = self.tok[who] if who else None
        if raw is not None:
            headers = {"Content-Type": "text/plain", **(headers or {})}
        if c is None:
            return self.d.request(method, path, body, headers=headers, raw=raw)
        return c.request(method, path, body=body, raw=raw, headers=headers)

    def snapshot(self):
        """The whole database, once the mail already queued was delivered:
        what a refused request must leave as it was."""
        deadline = time.monotonic() + 20
        while True:
            rows = self.d.dump()
            if not [r for r in rows if r.get("db") == "outbox"]:
                return rows
            assert time.monotonic() < deadline, "the outbox does not empty"
            time.sleep(0.05)

    def close(self):
        self.d.close()


# ---- parameter fillers ----
#
# A target binds a path's parameters to one object of the world, says
# whether the caller may see it, and binds the same parameters to something
# that does not exist (its twin), whose answer a hidden object's must equal.

class Target:
    def __init__(self, name, params, visible, twin):
        self.name, self.params, self.visible, self.twin = name, params, visible, twin


def ticket_targets(w, who, role):
    return [Target(f"ticket {k}", {"ref": w.tickets[k]}, k in PERSON_SEES[who],
                   {"ref": MISSING_REF})
            for k in TICKETS]


def file_targets(w, who, role):
    out = []
    seen = PERSON_SEES[who]
    for k in TICKETS:
        for kind in ("pub", "int"):
            # a hidden file of a ticket the caller sees answers as a missing
            # file of that ticket; otherwise as a missing ticket
            out.append(Target(f"{kind} file of {k}",
                              {"ref": w.tickets[k], "id": w.files[(k, kind)]},
                              k in seen and (kind == "pub" or role in STAFF),
                              {"ref": w.tickets[k] if k in seen else MISSING_REF,
                               "id": MISSING_ID}))
    # shown inline rather than downloaded: the same rule
    out += [Target(x.name + ", inline", dict(x.params, inline="1"), x.visible,
                   dict(x.twin, inline="1")) for x in list(out)]
    # a file of another organisation's ticket, asked for through one's own
    for via, other in (("alice", "gina"), ("gina", "alice")):
        out.append(Target(f"{other}'s file through {via}'s ticket",
                          {"ref": w.tickets[via], "id": w.files[(other, "pub")]}, False,
                          {"ref": w.tickets[via] if via in seen else MISSING_REF,
                           "id": MISSING_ID}))
    return out


def participant_targets(w, who, role):
    # each caller removes its own outside address, so one's removal does
    # not turn another's into a missing person
    email = f"ext-{role}@{EXTERNAL}"
    return [Target(f"participant of {k}", {"ref": w.tickets[k], "email": email},
                   k in PERSON_SEES[who], {"ref": MISSING_REF, "email": email})
            for k in TICKETS]


def access_request_targets(w, who, role):
    org = PERSON_ORG.get(who)
    return [Target(f"{key}'s access request", {"id": w.requests[key]},
                   role in STAFF or (role == "org-customer" and org.lower() == key),
                   {"id": MISSING_ID})
            for key in ("acme", "globex")]


def token_targets(w, who, role):
    # the token is the permission: one this server did not sign
    return [Target("forged token", {"token": "A" * 64}, True, None)]


FILLERS = {
    "/api/v1/tickets/{ref}": ticket_targets,
    "/api/v1/tickets/{ref}/comments": ticket_targets,
    "/api/v1/tickets/{ref}/attachments": ticket_targets,
    "/api/v1/tickets/{ref}/attachments/{id}": file_targets,
    "/api/v1/tickets/{ref}/follow": ticket_targets,
    "/api/v1/tickets/{ref}/actions": ticket_targets,
    "/api/v1/tickets/{ref}/participants": ticket_targets,
    "/api/v1/tickets/{ref}/participants/{email}": participant_targets,
    "/api/v1/tickets/{ref}/time": ticket_targets,
    "/api/v1/tickets/{ref}/links": ticket_targets,
    "/api/v1/tickets/{ref}/redactions": ticket_targets,
    "/api/v1/access-requests/{id}": access_request_targets,
    "/api/v1/access-requests/{id}/approve": access_request_targets,
    "/api/v1/access-requests/{id}/refuse": access_request_targets,
    "/api/v1/unsubscribe/{token}": token_targets,
}


def targets(w, path, who, role):
    if "{" in path:
        assert path in FILLERS, f"{path} has parameters but no filler in FILLERS"
        return FILLERS[path](w, who, role)
    return [Target("-", {}, True, None)]


# Query strings and bodies the spec cannot give (required query parameters,
# references to other objects): per operation, a function of the world and
# the target's parameters giving (query, body or None, raw body or None).
def upload_request(w, p):
    return "?filename=note.txt&event=1", None, b"a file"


def link_request(w, p):
    other = w.tickets["gina"] if p["ref"] != w.tickets["gina"] else w.tickets["alice"]
    return "", {"ref": other}, None


def download_request(w, p):
    return ("?inline=1" if p.get("inline") else ""), None, None


def redact_request(w, p):
    key = next((k for k, ref in w.tickets.items() if ref == p["ref"]), "alice")
    return "", {"seq": w.seqs[key]}, None


REQUESTS = {
    ("POST", "/api/v1/tickets/{ref}/attachments"): upload_request,
    ("GET", "/api/v1/tickets/{ref}/attachments/{id}"): download_request,
    ("POST", "/api/v1/tickets/{ref}/links"): link_request,
    ("POST", "/api/v1/tickets/{ref}/redactions"): redact_request,
    ("GET", "/api/v1/tickets/export"): lambda w, p: ("?format=csv&view=all", None, None),
    ("GET", "/api/v1/tickets"): lambda w, p: ("?view=all", None, None),
    ("GET", "/api/v1/reports/monthly"):
        lambda w, p: (f"?org={w.org_id['Globex']}", None, None),
    ("POST", "/api/v1/tickets/{ref}/participants"):
        lambda w, p: ("", {"email": f"share@{EXTERNAL}"}, None),
    # a change that would show: the spec's first member would be a no-op
    ("PATCH", "/api/v1/tickets/{ref}"): lambda w, p: ("", {"priority": "P1"}, None),
    ("POST", "/api/v1/tickets/{ref}/actions"):
        lambda w, p: ("", {"action": "set_status", "status": "in_progress"}, None),
}

# Expected answers that the operation's own x-deskd-access does not tell:
# routes open to every signed-in user whose handler refuses some roles
# (docs/API.md), and the public routes, whose answer does not depend on a
# sign-in. A public entry is (request, {role: status}, twin request): the
# twin asks the same of something unknown and must get the same answer.
HANDLER_FORBIDS = {
    ("GET", "/api/v1/access-requests"): {"customer"},
    ("POST", "/api/v1/access-requests"): {"customer", "agent", "admin"},
}


def everyone(status, admin=None):
    out = {r: status for r in ROLES}
    if admin is not None:
        out["admin"] = admin
    return out


PUBLIC = {
    ("GET", "/healthz"): (("", None, None, {}), everyone(200), None),
    # from elsewhere (a relayed request) only an admin's token reads it
    ("GET", "/metrics"): (("", None, None, {"X-Forwarded-For": "203.0.113.9"}),
                          everyone(404, admin=200), None),
    ("POST", "/api/v1/session"): (
        ("", {"email": "gina@globex.example", "password": "wrong-password"}, None, {}),
        everyone(401),
        ("", {"email": "nobody@globex.example", "password": "wrong-password"}, None, {})),
    ("POST", "/api/v1/signup"): (("", {"email": "gina@globex.example"}, None, {}),
                                 everyone(202),
                                 ("", {"email": "nobody@globex.example"}, None, {})),
    ("POST", "/api/v1/password/forgot"): (("", {"email": "gina@globex.example"}, None, {}),
                                          everyone(202),
                                          ("", {"email": "nobody@globex.example"}, None, {})),
    ("POST", "/api/v1/signup/activate"): (
        ("", {"token": "A" * 43, "name": "x", "password": "long-enough"}, None, {}),
        everyone(400), None),
    ("POST", "/api/v1/password/reset"): (
        ("", {"token": "A" * 43, "password": "long-enough"}, None, {}), everyone(400), None),
    ("POST", "/api/v1/unsubscribe"): (("", {"token": "A" * 64}, None, {}), everyone(400), None),
    ("POST", "/api/v1/unsubscribe/{token}"): (("", None, b"List-Unsubscribe=One-Click", {}),
                                              everyone(400), None),
    ("GET", "/api/v1/unsubscribe/{token}"): (("", None, None, {}), everyone(303), None),
    # a session or API token is not the mail gateway's key
    ("POST", "/api/v1/mail/inbound"): (
        ("", {"from": "gina@globex.example", "subject": "[{alice}]", "text": "x"}, None, {}),
        everyone(401), None),
}


def fill(path, params):
    return re.sub(r"\{(\w+)\}", lambda m: urllib.parse.quote(params[m.group(1)], safe="@"),
                  path)


def expected(op, key, role, target):
    """The status role must get for target, or None where the route is
    allowed and the object visible (any answer but 401 and 404 then)."""
    access = op["x-deskd-access"]
    if role == "anonymous":
        return 401
    if access == "staff" and role not in STAFF:
        return 403
    if access == "admin" and role != "admin":
        return 403
    if role in HANDLER_FORBIDS.get(key, ()):
        return 403
    if not target.visible:
        return 404
    return None


def leaks(who, r):
    text = r.body if not r.data.startswith(b"PK") else zip_text(r.data)
    low = text.lower()
    return sorted(w for w in hidden_from(who) if w.lower() in low)


def zip_text(data):
    z = zipfile.ZipFile(io.BytesIO(data))
    return "".join(z.read(n).decode("utf-8", "replace") for n in z.namelist())


class Matrix:
    """Runs and records the cases: every operation of the spec, for every
    role and each of its players, with every target of its filler."""

    def __init__(self, w):
        self.w = w
        self.s = spec()
        self.ops = operations(self.s)
        self.exercised = set()
        self.counts = {"refused": 0, "allowed": 0, "public": 0}
        self.failures = []

    def cases(self, public=False):
        for key, op in sorted(self.ops.items()):
            if (op["x-deskd-access"] == "public") != public:
                continue
            for role in ROLES:
                for who in PLAYERS[role]:
                    for t in targets(self.w, key[1], who, role):
                        yield key, op, role, who, t

    def request_for(self, key, op, params):
        maker = REQUESTS.get(key)
        if maker:
            query, body, raw = maker(self.w, params)
        else:
            schema = json_body_schema(op)
            query, body, raw = "", generic_body(self.s, schema) if schema else None, None
        return fill(key[1], params) + query, body, raw

    def check(self, cond, what):
        if not cond:
            self.failures.append(what)

    def send(self, kind, key, op, role, who, t, method=None, headers=None):
        path, body, raw = self.request_for(key, op, t.params)
        r = self.w.send(who, method or key[0], path, body, raw, headers=headers)
        self.exercised.add(key)
        self.counts[kind] += 1
        where = f"{method or key[0]} {path} as {role} {who or ''} ({t.name})"
        if os.environ.get("MATRIX_VERBOSE"):
            print(f"# {kind} {where}: {r.status}", flush=True)
        bad = leaks(who, r)
        self.check(not bad, f"{where} leaks {bad}: {r!r}")
        return r, where

    def refused_round(self, reads_only=False):
        """Everything a role may not do or see: the exact refusal, the
        same answer as for something missing (HEAD too), no leak."""
        for key, op, role, who, t in self.cases():
            want = expected(op, key, role, t)
            if want is None or (reads_only and key[0] != "GET"):
                continue
            r, where = self.send("refused", key, op, role, who, t)
            self.check(r.status == want, f"{where}: expected {want}, got {r!r}")
            if r.status == want:
                try:
                    check_error(r, want)
                except AssertionError as e:
                    self.failures.append(f"{where}: {e}")
            if want == 404 and t.twin is not None:
                tpath, tbody, traw = self.request_for(key, op, t.twin)
                tr = self.w.send(who, key[0], tpath, tbody, traw)
                self.check((tr.status, tr.json) == (r.status, r.json),
                           f"{where}: {r!r} differs from the missing one's {tr!r}")
            if key[0] == "GET":
                h, where = self.send("refused", key, op, role, who, t, method="HEAD")
                self.check(h.status == want and h.data == b"",
                           f"{where}: expected {want} without a body, got {h!r}")
            if reads_only:
                m, where = self.send("refused", key, op, role, who, t, headers=MSGPACK)
                self.check(m.status == want, f"{where} (msgpack): expected {want}, got {m!r}")

    def allowed_round(self, reads_only=False):
        """What a role may see and do: the request gets past the access
        check (so the fillers are right), and the answer holds nothing the
        caller may not see."""
        for key, op, role, who, t in self.cases():
            if expected(op, key, role, t) is not None or (reads_only and key[0] != "GET"):
                continue
            r, where = self.send("allowed", key, op, role, who, t)
            self.check(r.status not in (401, 404) and r.status < 500,
                       f"{where}: allowed, but got {r!r}")
            if reads_only:
                # the same answer as MessagePack holds no more
                m, where = self.send("allowed", key, op, role, who, t, headers=MSGPACK)
                self.check(m.status == r.status, f"{where} (msgpack): {m!r} but {r!r}")

    def public_round(self):
        """The routes open to all: what they answer does not depend on
        who asks, and tells nothing of whom it is about."""
        for key, op, role, who, t in self.cases(public=True):
            if key not in PUBLIC:
                self.failures.append(f"public {key} has no entry in PUBLIC")
                continue
            (query, body, raw, headers), want, twin = PUBLIC[key]
            body = json.loads(json.dumps(body).replace("{alice}", self.w.tickets["alice"]))
            path = fill(key[1], t.params) + query
            r = self.w.send(who, key[0], path, body, raw, headers=headers)
            self.exercised.add(key)
            self.counts["public"] += 1
            where = f"{key[0]} {path} as {role} {who or ''}"
            self.check(r.status == want[role], f"{where}: expected {want[role]}, got {r!r}")
            self.check(not leaks(who, r), f"{where} leaks {leaks(who, r)}: {r!r}")
            if twin:
                tq, tb, traw, th = twin
                tr = self.w.send(who, key[0], fill(key[1], t.params) + tq, tb, traw, headers=th)
                self.check((tr.status, tr.json) == (r.status, r.json),
                           f"{where}: {r!r} differs from the unknown one's {tr!r}")

    def assert_ok(self):
        assert not self.failures, "\n".join(self.failures[:40]) + \
            f"\n({len(self.failures)} failures)"


@test
def test_every_operation_refuses_what_the_role_may_not_see():
    w = World()
    try:
        m = Matrix(w)
        before = w.snapshot()
        mailed = len(read_maildir(w.d.data))
        m.refused_round()
        after = w.snapshot()
        m.assert_ok()
        assert after == before, [x for x in after if x not in before][:5]
        assert len(read_maildir(w.d.data)) == mailed, "a refused request sent mail"
        # what the allowed writes did (links, comments, people) is read
        # again by everyone, and refused alike
        m.allowed_round()
        m.public_round()
        m.refused_round(reads_only=True)
        m.allowed_round(reads_only=True)
        m.assert_ok()
        check_mail(w)
        missing = sorted(set(m.ops) - m.exercised)
        assert not missing, f"operations of the spec the matrix did not exercise: {missing}"
        unknown = sorted((set(FILLERS) | {k[1] for k in REQUESTS} | {k[1] for k in PUBLIC})
                         - {k[1] for k in m.ops})
        assert not unknown, f"fillers for paths the spec no longer has: {unknown}"
        print(f"# {len(m.ops)} operations x {len(ROLES)} roles: "
              f"{m.counts['refused']} refused, {m.counts['allowed']} allowed, "
              f"{m.counts['public']} public cases", flush=True)
    finally:
        w.close()


# ---- search, counts, export ----

SEARCHERS = ("alice", "bob", "olga", "gina", "gus", "agent", "admin")


def listing(c, query):
    """Every ticket ref of a list query, over all pages, and the first page."""
    refs, cursor, first = [], None, None
    for _ in range(50):
        q = query + (f"&cursor={urllib.parse.quote(cursor)}" if cursor else "")
        r = c.get("/api/v1/tickets?" + q)
        assert r.status == 200, (query, r)
        first = first or r.json
        refs += [t["ref"] for t in r.json["tickets"]]
        cursor = r.json["next_cursor"]
        if not cursor:
            return refs, first
    raise AssertionError("paging does not end")


def export_refs(c, who, query):
    """The refs of a CSV and an XLSX export; neither holds anything hidden
    from who."""
    out = []
    for fmt in ("csv", "xlsx"):
        r = c.get(f"/api/v1/tickets/export?format={fmt}&{query}")
        assert r.status == 200, (who, fmt, query, r)
        text = zip_text(r.data) if fmt == "xlsx" else r.data.decode("utf-8-sig")
        bad = sorted(x for x in hidden_from(who) if x.lower() in text.lower())
        assert not bad, (who, fmt, query, bad)
        out.append(set(re.findall(r"\bHD-\d+\b", text)))
    assert out[0] == out[1], (who, query, out)
    return out[0]


@test
def test_search_counts_and_export_hold_only_what_the_caller_sees():
    w = World()
    try:
        refs = {k: w.tickets[k] for k in TICKETS}
        for who in SEARCHERS:
            c = w.tok[who]
            seen = PERSON_SEES[who]
            staff = who in ("agent", "admin")
            mine = {refs[k] for k in seen}
            # every word: found where the caller sees it, nowhere else
            for k in TICKETS:
                for kind in ("title", "desc", "pub", "int"):
                    q = word(k, kind)
                    want = {refs[k]} if k in seen and (kind != "int" or staff) else set()
                    got, page = listing(c, f"view=all&q={q}")
                    assert set(got) == want, (who, q, got, want)
                    assert page["matched"] is None, page
                    bad = sorted(x for x in hidden_from(who) if x.lower() in
                                 json.dumps(page).lower())
                    assert not bad, (who, q, bad)
                    assert export_refs(c, who, f"view=all&q={q}") == want, (who, q)
                # a reference or its number finds a ticket the caller sees only
                for q in (refs[k], refs[k].split("-")[1]):
                    got, _ = listing(c, f"view=all&q={q}")
                    assert set(got) == ({refs[k]} if k in seen else set()), (who, q, got)
            # a wildcard over every word of the world, and over the words
            # of internal notes alone (found by support only)
            got, _ = listing(c, "view=all&q=zq*")
            assert set(got) == mine, (who, got, mine)
            for q in ("zq*int", "*aliceint", "zqa*e*nt", "ZQALICEIN*"):
                got, _ = listing(c, f"view=all&q={urllib.parse.quote(q)}")
                want = {refs[k] for k in TICKETS
                        if staff and re.fullmatch(q.lower().replace("*", ".*"), word(k, "int"))}
                assert set(got) == want, (who, q, got, want)
            # the list and its counts: the caller's tickets, nothing more
            for view, keys in (("all", seen), ("open", seen - {"ginaclosed"}),
                               ("closed", seen & {"ginaclosed"})):
                got, page = listing(c, f"view={view}")
                want = {refs[k] for k in keys}
                assert set(got) == want, (who, view, got, want)
                counts = page["counts"]
                for part in ("priority", "status"):
                    assert sum(counts[part].values()) == len(want), (who, view, counts)
                if page.get("matched") is not None:
                    assert page["matched"] == len(want), (who, view, page["matched"])
                got, page = listing(c, f"view={view}&status=new,in_progress,cancelled")
                if page["matched"] is not None:
                    assert page["matched"] == len(set(got)), (who, view, page["matched"])
                assert set(got) <= want, (who, view, got)
                assert export_refs(c, who, f"view={view}") == want, (who, view)
            assert export_refs(c, who, "view=all&q=zq*") == mine, who
            # another organisation's requester: nothing, never an error
            if who not in PLAIN_CUSTOMERS:
                got, _ = listing(c, f"view=all&requester={w.d.users['gina']['id']}")
                assert set(got) == mine & {refs["gina"], refs["ginaclosed"]}, (who, got)
                got, _ = listing(c, f"view=all&requester={w.d.users['alice']['id']}")
                assert set(got) == mine & {refs["alice"]}, (who, got)
            else:
                check_error(c.get(f"/api/v1/tickets?requester={w.d.users['gina']['id']}"),
                            400, "unknown_parameter")
            # the monthly report of an organisation is support's
            for org in ("Globex", "Acme", str(w.org_id["Globex"])):
                r = c.get(f"/api/v1/reports/monthly?org={org}")
                if staff:
                    assert r.status == 200, (who, org, r)
                else:
                    check_error(r, 403, "forbidden")
                    assert not [x for x in hidden_from(who) if x.lower() in r.body.lower()]
            if not staff:
                check_error(c.get(f"/api/v1/tickets?view=all&org={w.org_id['Globex']}"),
                            400, "unknown_parameter")
                check_error(c.get(f"/api/v1/tickets/export?format=csv&org="
                                  f"{w.org_id['Globex']}"), 400, "unknown_parameter")
        # support's org filter holds exactly that organisation's tickets
        got, page = listing(w.tok["agent"], f"view=all&org={w.org_id['Globex']}")
        assert set(got) == {refs["gina"], refs["ginaclosed"]}, got
        # a public address of another organisation shared on alice's ticket
        # is only told of it by mail: gina does not get to see it
        r = w.tok["alice"].post(f"/api/v1/tickets/{refs['alice']}/participants",
                                {"email": "gina@globex.example"})
        assert r.status == 200, r
        assert "gina@globex.example" in r.json["ticket"]["external_emails"], r
        assert "Gina Globex" not in r.body, r
        check_error(w.tok["gina"].get(f"/api/v1/tickets/{refs['alice']}"), 404, "not_found")
        got, _ = listing(w.tok["gina"], f"view=all&q={word('alice', 'title')}")
        assert got == [], got
        assert export_refs(w.tok["gina"], "gina", "view=all") == \
            {refs["gina"], refs["ginaclosed"]}
    finally:
        w.close()



# ---- mail in and notifications ----

EX_OK, EX_NOUSER, EX_NOPERM = 0, 67, 77
_message_ids = iter(range(1, 1_000_000))


def message(frm, subject, text, **extra):
    msg = MIMEText(text, "plain", "utf-8")
    msg["From"] = frm
    msg["To"] = "Service Desk <support@deskd.example>"
    msg["Subject"] = subject
    msg["Date"] = "Mon, 23 Nov 2026 10:30:00 +0100"
    msg["Message-ID"] = f"<{next(_message_ids)}.matrix@mail.example>"
    for k, v in extra.items():
        msg[k] = v
    return msg


def mail_in(d, msg):
    """Pipes a message into deskctl mail-in as an MTA would: (status, stderr)."""
    env = dict(os.environ, DESKD_URL=f"http://127.0.0.1:{d.port}")
    p = subprocess.run([DESKCTL, "--data", d.data, "--config", d.config, "mail-in"],
                       input=msg.as_bytes(), capture_output=True, timeout=120, env=env)
    return p.returncode, p.stderr.decode()


def check_mail(w):
    """Every message deskd wrote: about a ticket only to people who see it
    (or its outside addresses), and nothing its reader may not see."""
    by_ref = {ref: k for k, ref in w.tickets.items()}
    by_address = {u["email"]: who for who, u in w.d.users.items()}
    messages = read_maildir(w.d.data)
    for m in messages:
        found = re.search(r"\[(HD-\d+)\]", str(m["Subject"]))
        key = by_ref.get(found.group(1)) if found else None
        text = (str(m["Subject"]) + m.text() + m.html()).lower()
        for rcpt in m.rcpt_tos:
            who = by_address.get(rcpt.lower())
            if who:
                hidden = hidden_from(who)
                assert key is None or key in PERSON_SEES[who], (rcpt, m)
            elif key is None:
                # an invitation to a new colleague: no ticket, no other
                # organisation
                org = "Acme" if rcpt.endswith("@acme.example") else "Globex"
                hidden = {word(t, k) for t in TICKETS for k in PUBLIC_KINDS + INTERNAL_KINDS}
                hidden |= {x for o, names in PEOPLE.items() if o != org for x in names}
            else:
                # an outside address on the ticket: its public words only
                assert rcpt.endswith("@" + EXTERNAL), (rcpt, m)
                org = TICKETS[key][1]
                hidden = {word(t, k) for t in TICKETS for k in INTERNAL_KINDS}
                hidden |= {word(t, k) for t in TICKETS if t != key for k in PUBLIC_KINDS}
                hidden |= {x for o, names in PEOPLE.items() if o != org for x in names}
                hidden |= set(ACCESS_WORDS.values())
            bad = sorted(x for x in hidden if x.lower() in text)
            assert not bad, (rcpt, str(m["Subject"]), bad)
    return messages


@test
def test_mail_in_and_notifications_reach_only_those_who_see():
    w = World()
    d, refs = w.d, w.tickets
    try:
        # the customer's own reply is taken (and sets up the gateway's key)
        rc, err = mail_in(d, message("alice@acme.example", f"Re: [{refs['alice']}] x",
                                     "Thanks, zqalicemailok."))
        assert rc == EX_OK, err
        before = w.snapshot()
        mailed = len(read_maildir(d.data))
        # replies to tickets the sender may not see, by subject or thread id:
        # refused as a ticket that does not exist, nothing recorded
        for frm, key in (("gina@globex.example", "alice"), ("gus@globex.example", "bob"),
                         ("bob@acme.example", "alice"), ("olga@acme.example", "gina"),
                         ("alice@acme.example", "ginaclosed")):
            ref = refs[key]
            for how in ("subject", "thread"):
                def reply(r):
                    if how == "subject":
                        return message(frm, f"Re: [{r}] x", "zqmailleak")
                    return message(frm, "Re: x", "zqmailleak",
                                   References=f"<ticket-{r}@deskd.example>")
                rc, err = mail_in(d, reply(ref))
                assert rc == EX_NOPERM, (frm, key, how, rc, err)
                rc2, err2 = mail_in(d, reply(MISSING_REF))
                assert (rc2, err2.replace(MISSING_REF, ref)) == (rc, err), (err, err2)
                assert "zq" not in err.replace("zqmailleak", ""), err
        # the endpoint itself, with the gateway's key
        with open(os.path.join(d.data, "mail-gateway.key")) as f:
            k = {"X-Deskd-Mail-Key": f.read().strip()}
        for frm, key in (("gina@globex.example", "alice"), ("olga@acme.example", "gina"),
                         ("bob@acme.example", "alice"), ("bob@acme.example", "ginaclosed")):
            r = d.request("POST", "/api/v1/mail/inbound",
                          {"from": frm, "subject": f"[{refs[key]}] x", "text": "zqmailleak"},
                          headers=k)
            check_error(r, 404, "not_found")
            t = d.request("POST", "/api/v1/mail/inbound",
                          {"from": frm, "subject": f"[{MISSING_REF}] x", "text": "zqmailleak"},
                          headers=k)
            assert (t.status, t.json) == (r.status, r.json), (r, t)
        after = w.snapshot()
        assert after == before, ([x for x in after if x not in before][:5],
                                 [x for x in before if x not in after][:5])
        assert len(read_maildir(d.data)) == mailed
        for key in TICKETS:
            r = w.tok["agent"].get(f"/api/v1/tickets/{refs[key]}")
            assert r.status == 200 and "zqmailleak" not in r.body, r
        # a public comment on alice's ticket reaches its followers and outside
        # addresses; an internal note nobody; gina, gus and bob hear of neither
        agent = w.tok["agent"]
        r = agent.post(f"/api/v1/tickets/{refs['alice']}/comments",
                       {"body": "Note zqaliceint again", "internal": True})
        assert r.status == 201, r
        r = agent.post(f"/api/v1/tickets/{refs['alice']}/comments",
                       {"body": "Reply zqalicepub again"})
        assert r.status == 201, r

        def told(rcpt):
            return [m for m in read_maildir(d.data) if rcpt in m.rcpt_tos and
                    "zqalicepub again" in m.text()]
        deadline = time.monotonic() + 20
        while not (told("alice@acme.example") and told(f"ext-customer@{EXTERNAL}")):
            assert time.monotonic() < deadline, "the reply was not mailed"
            time.sleep(0.05)
        time.sleep(0.3)  # anything else queued with it is written by now
        messages = check_mail(w)
        for who in ("bob", "gina", "gus", "olga"):
            addr = d.users[who]["email"]
            about = [m for m in messages if addr in m.rcpt_tos and
                     refs["alice"] in str(m["Subject"])]
            assert not about, (who, about)
        for m in messages:
            assert "zqaliceint" not in (m.text() + m.html()), m
    finally:
        w.close()



# ---- people whose standing changes ----

@test
def test_what_people_see_follows_their_current_role_and_organisation():
    """Visibility is decided on each request from the user as stored now:
    someone moved to another organisation, demoted or disabled loses what
    they saw, with a session as with an API token; naming another
    organisation's user on a ticket (form or Cc) makes them an outside
    address that gets mail, never a reader."""
    w = World()
    d, refs = w.d, w.tickets
    try:
        sessions = {who: d.login(who) for who in ("bob", "olga", "agent", "alice")}
        # sharing with another organisation's user, on the form and by mail
        t = w.tok["alice"].create_ticket(title="Shared out", description="x",
                                         participants=["gina@globex.example"])
        assert t["external_emails"] == ["gina@globex.example"] and not t["participants"], t
        assert "Gina Globex" not in json.dumps(t), t
        rc, err = mail_in(d, message("alice@acme.example", "Cc to others", "New by mail",
                                     Cc="gina@globex.example, Gus <gus@globex.example>"))
        assert rc == EX_OK, err
        mailed = [x["ref"] for x in w.tok["agent"].get("/api/v1/tickets?view=all&q=Cc").json[
            "tickets"]]
        assert len(mailed) == 1, mailed
        for ref in (t["ref"], mailed[0]):
            for who in ("gina", "gus"):
                check_error(w.tok[who].get(f"/api/v1/tickets/{ref}"), 404, "not_found")
        # bob moves to Globex: his Acme ticket stays Acme's
        d.ctl("user", "set", "--email", "bob@acme.example", "--org", "Globex")
        for c in (w.tok["bob"], sessions["bob"], w.tok["gus"]):
            check_error(c.get(f"/api/v1/tickets/{refs['bob']}"), 404, "not_found")
            got, _ = listing(c, f"view=all&q={word('bob', 'title')}")
            assert got == [], got
        assert w.tok["olga"].get(f"/api/v1/tickets/{refs['bob']}").status == 200
        # olga loses organisation visibility
        d.ctl("user", "set", "--email", "olga@acme.example", "--role", "customer")
        for c in (w.tok["olga"], sessions["olga"]):
            check_error(c.get(f"/api/v1/tickets/{refs['alice']}"), 404, "not_found")
            assert listing(c, "view=all")[0] == [], "olga still lists tickets"
            check_error(c.get("/api/v1/access-requests"), 403, "forbidden")
            check_error(c.get(f"/api/v1/access-requests/{w.requests['acme']}"), 404)
        # an agent made a customer of Acme: no internal notes, no Globex, no queue
        d.ctl("user", "set", "--email", "agent@deskd.example", "--role", "customer",
              "--org", "Acme")
        for c in (w.tok["agent"], sessions["agent"]):
            r = c.get(f"/api/v1/tickets/{refs['alice']}")
            assert r.status in (200, 404) and word("alice", "int") not in r.body, r
            check_error(c.get(f"/api/v1/tickets/{refs['gina']}"), 404, "not_found")
            check_error(c.get("/api/v1/stats"), 403, "forbidden")
            got, _ = listing(c, f"view=all&q={word('alice', 'int')}")
            assert got == [], got
        # alice disabled: nothing at all, by session, token or mail
        d.ctl("user", "disable", "--email", "alice@acme.example")
        for c in (w.tok["alice"], sessions["alice"]):
            check_error(c.get(f"/api/v1/tickets/{refs['alice']}"), 401, "unauthenticated")
            check_error(c.get("/api/v1/tickets?view=all"), 401, "unauthenticated")
        before = w.snapshot()
        rc, err = mail_in(d, message("alice@acme.example", f"Re: [{refs['alice']}] x", "Hi"))
        assert rc == EX_NOUSER, (rc, err)
        assert w.snapshot() == before
        check_mail(w)
    finally:
        w.close()



@test
def test_approvers_decide_only_their_own_organisations_requests():
    """An approver sees the requests of their organisation that wait for
    approval and nothing else of colleagues; another organisation's request
    answers them 404 whatever they try, and a colleague who is no approver
    may look but not decide."""
    d = world(config=CONFIG, start=False)
    try:
        cat = json.loads(d.ctl("catalogue", "export").stdout)
        for rt in cat["request_types"]:
            if rt["id"] == "perform_task":
                rt["needs_approval"] = True
        d.ctl("catalogue", "import", "-", input=json.dumps(cat))
        for org in ("Acme", "Globex"):
            d.ctl("org", "set", org, "--services", "workplace")
        for who in ("alice", "gina"):
            d.ctl("user", "set", "--email", d.users[who]["email"], "--approver", "yes")
        d.start()
        c = {who: d.token_client(who) for who in ("alice", "bob", "gina", "gus")}
        task = {"description": "x", "request_type": "perform_task", "service": "workplace",
                "subcategory": "laptop"}
        asks = {}
        for who in ("bob", "gus"):
            t = c[who].create_ticket(title=f"Laptop {word(who, 'ask')}", **task)
            assert t["status"] == "waiting_for_approval", t
            asks[who] = t["ref"]
        plain = c["bob"].create_ticket(title=f"Plain {word('bob', 'plain')}",
                                         service="workplace", subcategory="laptop")["ref"]
        for approver, own, other in (("alice", "bob", "gus"), ("gina", "gus", "bob")):
            a = c[approver]
            assert a.get(f"/api/v1/tickets/{asks[own]}").status == 200
            got, _ = listing(a, "view=approvals")
            assert got == [asks[own]], (approver, got)
            missing = a.post(f"/api/v1/tickets/{MISSING_REF}/actions", {"action": "approve"})
            for path, body in ((f"/api/v1/tickets/{asks[other]}/actions", {"action": "approve"}),
                               (f"/api/v1/tickets/{asks[other]}/actions", {"action": "reject",
                                                                           "comment": "no"}),
                               (f"/api/v1/tickets/{asks[other]}", None)):
                r = a.request("POST" if body else "GET", path, body=body)
                check_error(r, 404, "not_found")
                assert r.json == missing.json, (r, missing)
            got, _ = listing(a, f"view=all&q={word(other, 'ask')}")
            assert got == [], (approver, got)
        # an approver is no organisation-wide reader
        check_error(c["alice"].get(f"/api/v1/tickets/{plain}"), 404, "not_found")
        # gus sees his organisation's request but is no approver; bob's is
        # another organisation's
        r = c["gus"].post(f"/api/v1/tickets/{asks['gus']}/actions", {"action": "approve"})
        assert r.status in (403, 409), r
        assert d.token_client("olga").get(f"/api/v1/tickets/{asks['bob']}").status == 200
        r = c["alice"].post(f"/api/v1/tickets/{asks['bob']}/actions", {"action": "approve"})
        assert r.status == 200 and r.json["ticket"]["status"] != "waiting_for_approval", r
    finally:
        d.close()



@test
def test_counts_of_a_customer_who_moved_hold_only_what_they_see():
    """A customer moved to another organisation no longer sees the tickets
    they asked in the old one (proto/access.c); the list's counts and
    `matched` must say the same as the list, and moving back brings them
    back."""
    d = world(config=CONFIG)
    try:
        bob = d.token_client("bob")
        bob.create_ticket(title="Old own", description="x")
        bob.create_ticket(title="Old shared", description="x", shared_with_org=True)
        d.ctl("user", "set", "--email", "bob@acme.example", "--org", "Globex")
        wrong = []
        for view in ("all", "open"):
            for query in ("", "&status=new"):
                got, page = listing(bob, f"view={view}{query}")
                assert got == [], got
                total = sum(page["counts"]["priority"].values())
                if total or page["matched"] not in (0, None):
                    wrong.append((view + query, page["counts"], page["matched"]))
        assert not wrong, f"counts of tickets the caller no longer sees: {wrong}"
        # and back in the old organisation, the own ticket counts again
        d.ctl("user", "set", "--email", "bob@acme.example", "--org", "Acme")
        got, page = listing(bob, "view=all")
        assert len(got) == 2, got
        assert sum(page["counts"]["priority"].values()) == 2, page["counts"]
        assert d.ctl("verify", check=False).returncode == 0
    finally:
        d.close()


if __name__ == "__main__":
    run()

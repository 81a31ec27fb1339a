"""proto/openapi.yaml against the routing table (deskd --routes), the limits
of proto/validate.h and proto/ticket_input.h/.c and the running daemon."""

import json
import os
import re
import subprocess

import yaml

from harness import DESKD, PASSWORD, check_error, run, test, world

SOURCE = os.environ.get("DESKD_SOURCE",
                        os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", ".."))
SPEC_PATH = os.path.join(SOURCE, "proto", "openapi.yaml")
METHODS = ("get", "put", "post", "delete", "patch", "head", "options", "trace")

_spec = None


def spec():
    global _spec
    if _spec is None:
        with open(SPEC_PATH) as f:
            _spec = yaml.safe_load(f)
    return _spec


def routes():
    p = subprocess.run([DESKD, "--routes"], capture_output=True, text=True, timeout=30)
    assert p.returncode == 0, p
    out = [json.loads(line) for line in p.stdout.splitlines() if line.strip()]
    assert out, "deskd --routes printed nothing"
    return out


def operations():
    """{(METHOD, path): (operation, path item)} of the spec."""
    ops = {}
    for path, item in spec()["paths"].items():
        for method, op in item.items():
            if method in METHODS:
                ops[(method.upper(), path)] = (op, item)
    return ops


def resolve(node):
    """Follows a local $ref ("#/components/...") to what it names."""
    seen = 0
    while isinstance(node, dict) and "$ref" in node:
        ref = node["$ref"]
        assert ref.startswith("#/"), ref
        target = spec()
        for part in ref[2:].split("/"):
            assert part in target, f"dangling $ref {ref}"
            target = target[part]
        node = target
        seen += 1
        assert seen < 20, f"$ref loop at {ref}"
    return node


def c_define(name, source="validate.h"):
    """The value of a #define in proto/SOURCE (simple arithmetic)."""
    with open(os.path.join(SOURCE, "proto", source)) as f:
        text = f.read()
    m = re.search(r"#define\s+" + name + r"\s+([^\n/]+)", text)
    assert m, name
    expr = m.group(1).strip()
    assert re.fullmatch(r"[\d\s()*+]+", expr), expr
    return eval(expr)  # digits, spaces, parentheses, * and + only


@test
def test_spec_is_openapi_3():
    s = spec()
    assert str(s["openapi"]).startswith("3.0"), s.get("openapi")
    assert s["info"]["title"] and s["info"]["version"]
    err = s["components"]["schemas"]["Error"]
    assert err["required"] == ["error"] and err["additionalProperties"] is False
    inner = err["properties"]["error"]
    assert set(inner["required"]) == {"code", "message"}, inner
    assert set(inner["properties"]) == {"code", "message", "field", "hits"}, inner
    hit = resolve(inner["properties"]["hits"]["items"])
    assert set(hit["required"]) == {"field", "kind", "offset", "length"}, hit
    schemes = s["components"]["securitySchemes"]
    cookie = schemes["cookieSession"]
    assert (cookie["type"], cookie["in"], cookie["name"]) == ("apiKey", "cookie", "deskd_session")
    assert schemes["csrfToken"]["in"] == "header"
    assert schemes["csrfToken"]["name"] == "X-CSRF-Token"
    assert schemes["bearerToken"]["type"] == "http"
    assert schemes["bearerToken"]["scheme"] == "bearer"


@test
def test_every_route_is_described_and_nothing_else():
    table = {(r["method"], r["path"]) for r in routes()}
    ops = set(operations())
    missing = sorted(table - ops)
    extra = sorted(ops - table)
    assert not missing, f"routes missing from proto/openapi.yaml: {missing}"
    assert not extra, f"operations in proto/openapi.yaml that deskd does not route: {extra}"


@test
def test_access_and_writes_agree_with_the_routing_table():
    ops = operations()
    wrong = []
    for r in routes():
        op, _ = ops[(r["method"], r["path"])]
        if op.get("x-deskd-access") != r["access"]:
            wrong.append((r["method"], r["path"], "access", op.get("x-deskd-access"),
                          r["access"]))
        if op.get("x-deskd-writes") is not r["writes"]:
            wrong.append((r["method"], r["path"], "writes", op.get("x-deskd-writes"),
                          r["writes"]))
    assert not wrong, wrong


@test
def test_protected_operations_list_401_and_their_security():
    table = {(r["method"], r["path"]): r for r in routes()}
    for key, (op, _) in operations().items():
        r = table[key]
        codes = set(op["responses"])
        sec = op.get("security")
        if r["access"] == "public":
            assert sec == [], (key, sec)
            continue
        assert "401" in codes, f"{key} does not list 401"
        schemes = [set(alt) for alt in sec or []]
        assert {"bearerToken"} in schemes, (key, sec)
        if r["writes"]:
            assert "403" in codes, f"{key} writes but does not list 403 (csrf)"
            assert {"cookieSession", "csrfToken"} in schemes, (key, sec)
        else:
            assert {"cookieSession"} in schemes, (key, sec)
        if r["access"] in ("staff", "admin"):
            assert "403" in codes, f"{key} needs {r['access']} but does not list 403"


@test
def test_every_error_response_uses_the_error_schema():
    for key, (op, _) in operations().items():
        assert op.get("operationId"), key
        # one success answer each (a redirect is one, for a browser's GET)
        ok = [c for c in op["responses"] if c.startswith(("2", "3"))]
        assert len(ok) == 1, (key, ok)
        for code, resp in op["responses"].items():
            resp = resolve(resp)
            assert resp.get("description"), (key, code)
            if code.startswith(("4", "5")):
                schema = resp["content"]["application/json"]["schema"]
                assert schema == {"$ref": "#/components/schemas/Error"}, (key, code, schema)
            if code == "503":
                assert "Retry-After" in resp.get("headers", {}), (key, code)


@test
def test_parameters_and_bodies_are_declared():
    for (method, path), (op, item) in operations().items():
        params = [resolve(p) for p in item.get("parameters", []) + op.get("parameters", [])]
        names = {(p["name"], p["in"]) for p in params}
        for name in re.findall(r"\{(\w+)\}", path):
            assert (name, "path") in names, (method, path, name)
            assert all(p["required"] for p in params if p["name"] == name), (method, path)
        body = op.get("requestBody")
        if method in ("GET", "DELETE", "HEAD"):
            assert body is None, f"{method} {path} declares a body"
        if body and "application/json" not in body["content"]:
            # a file upload: the raw body is the file
            assert body["content"]["application/octet-stream"]["schema"]["format"] == "binary"
            assert "413" in op["responses"], (method, path)
        elif body:
            assert body["required"] is True, (method, path)
            schema = resolve(body["content"]["application/json"]["schema"])
            assert schema["type"] == "object", (method, path)
            assert schema["additionalProperties"] is False, (method, path)
            for code in ("400", "413", "415", "422"):
                assert code in op["responses"], (method, path, code)
    lst = operations()[("GET", "/api/v1/tickets")][0]
    names = {resolve(p)["name"] for p in lst["parameters"]}
    assert names == {"view", "limit", "cursor", "status", "priority", "type", "service",
                     "requester", "created_from", "created_to", "closed_from", "closed_to",
                     "org", "assignee", "sort", "breached", "q"}, names
    stats = operations()[("GET", "/api/v1/stats")][0]
    assert {resolve(p)["name"] for p in stats["parameters"]} == {"days"}


@test
def test_limits_match_proto_validate():
    schemas = spec()["components"]["schemas"]
    title = c_define("TITLE_MAX_BYTES")
    text = c_define("TEXT_MAX_BYTES")
    email = c_define("EMAIL_MAX_BYTES")
    password = c_define("PASSWORD_MAX_BYTES")
    create = schemas["TicketCreate"]["properties"]
    assert create["title"]["maxLength"] == title, create["title"]
    assert create["description"]["maxLength"] == text, create["description"]
    assert schemas["CommentCreate"]["properties"]["body"]["maxLength"] == text
    login = schemas["LoginRequest"]["properties"]
    assert login["email"]["maxLength"] == email and login["password"]["maxLength"] == password
    assert set(schemas["TicketCreate"]["required"]) == {"title", "description"}
    assert schemas["CommentCreate"]["required"] == ["body"]
    assert set(schemas["LoginRequest"]["required"]) == {"email", "password"}
    # The profile's bodies (proto/profile_input.h).
    profile = schemas["ProfilePatch"]["properties"]
    assert profile["name"]["maxLength"] == c_define("NAME_MAX_BYTES", "ticket_input.h")
    assert profile["phone"]["maxLength"] == c_define("PHONE_MAX_BYTES", "profile_input.h")
    assert profile["contact"]["maxItems"] == c_define("CONTACT_NAMES_MAX", "profile_input.h")
    pw = schemas["PasswordChange"]["properties"]
    assert pw["new_password"]["minLength"] == c_define("PASSWORD_MIN_BYTES")
    assert pw["new_password"]["maxLength"] == password
    assert pw["old_password"]["maxLength"] == password
    assert set(schemas["PasswordChange"]["required"]) == {"old_password", "new_password"}
    # The lifecycle's bodies (proto/ticket_input.h and .c).
    participants = create["participants"]
    assert participants["maxItems"] == c_define("PARTICIPANTS_MAX", "ticket_input.h")
    assert participants["items"]["maxLength"] == email
    assert create["requester"]["maxLength"] == email
    code = c_define("CODE_MAX_BYTES", "ticket_input.c")
    assert schemas["Code"]["maxLength"] == code
    action = schemas["ActionRequest"]["properties"]
    assert schemas["ActionRequest"]["required"] == ["action"]
    assert action["comment"]["maxLength"] == text
    assert (action["rating"]["minimum"], action["rating"]["maximum"]) == (1, 5)
    for key in ("status", "resolution_code", "cause"):
        assert action[key]["allOf"] == [{"$ref": "#/components/schemas/Code"}], key
    time = schemas["TimeEntryCreate"]["properties"]
    assert schemas["TimeEntryCreate"]["required"] == ["minutes"]
    assert time["minutes"]["maximum"] == c_define("MINUTES_MAX", "ticket_input.c")
    assert time["note"]["maxLength"] == text
    assert schemas["ParticipantAdd"]["properties"]["email"]["maxLength"] == email
    assert schemas["LinkCreate"]["properties"]["ref"]["maxLength"] == 48
    # Every key ticket_create_parse takes, and no other.
    with open(os.path.join(SOURCE, "proto", "ticket_input.c")) as f:
        src = f.read()
    keys = set()
    for table in ("form_keys", "base_keys"):
        m = re.search(table + r"\[\] = \{(.*?)\};", src, re.S)
        assert m, table
        keys |= set(re.findall(r'"(\w+)"', m.group(1)))
    assert set(create) == keys, sorted(set(create) ^ keys)


def described_keys(schema):
    """The properties of an object schema and of the parts of its allOf."""
    schema = resolve(schema)
    keys = set(schema.get("properties", {}))
    for sub in schema.get("allOf", []):
        keys |= described_keys(sub)
    return keys


def schema_errors(schema, value, where="$", known=None):
    """Errors of value against an OpenAPI 3.0 schema (the subset the spec
    uses: $ref, allOf, oneOf, nullable, type, enum, required, properties,
    additionalProperties, items, minimum, maximum, minItems, maxItems).
    Stricter than OpenAPI in one way: an answer's object may hold only the
    keys its schema describes (across allOf), unless the schema allows more
    with additionalProperties, so that every field deskd sends is in the
    spec."""
    schema = resolve(schema)
    if value is None:
        return [] if schema.get("nullable") else [f"{where}: null"]
    errs = []
    top = known is None  # the allOf parts leave keys to the schema that holds them
    if isinstance(value, dict) and top:
        known = described_keys(schema)
    for sub in schema.get("allOf", []):
        errs += schema_errors(sub, value, where, known)
    if "oneOf" in schema:
        n = sum(not schema_errors(sub, value, where) for sub in schema["oneOf"])
        if n != 1:
            errs.append(f"{where}: matches {n} of oneOf")
    t = schema.get("type")
    types = {"object": dict, "array": list, "string": str, "boolean": bool,
             "integer": int, "number": (int, float)}
    if t and (not isinstance(value, types[t]) or (t in ("integer", "number") and
                                                   isinstance(value, bool))):
        return errs + [f"{where}: {value!r} is not {t}"]
    if "enum" in schema and value not in schema["enum"]:
        errs.append(f"{where}: {value!r} not in {schema['enum']}")
    if "minimum" in schema and value < schema["minimum"]:
        errs.append(f"{where}: {value} < {schema['minimum']}")
    if "maximum" in schema and value > schema["maximum"]:
        errs.append(f"{where}: {value} > {schema['maximum']}")
    if isinstance(value, list) and not schema.get("minItems", 0) <= len(value) <= \
            schema.get("maxItems", len(value)):
        errs.append(f"{where}: {len(value)} items")
    if isinstance(value, dict):
        props = schema.get("properties", {})
        for k in schema.get("required", []):
            if k not in value:
                errs.append(f"{where}: {k} missing")
        extra = schema.get("additionalProperties")
        for k, v in value.items():
            if k in props:
                errs += schema_errors(props[k], v, f"{where}.{k}")
            elif extra is False or (extra is None and top and k not in known):
                errs.append(f"{where}: {k} is not described")
            elif isinstance(extra, dict):
                errs += schema_errors(extra, v, f"{where}.{k}")
    if isinstance(value, list) and "items" in schema:
        for i, v in enumerate(value):
            errs += schema_errors(schema["items"], v, f"{where}[{i}]")
    return errs


def check_described(method, path, r):
    """Asserts the answer r to METHOD path has a status the spec lists for
    it and a body that matches the schema given there."""
    op, _ = operations()[(method, path)]
    code = str(r.status)
    assert code in op["responses"], f"{method} {path} answered {code}, not listed: {r!r}"
    resp = resolve(op["responses"][code])
    content = resp.get("content")
    if not content:
        assert r.body == "", (method, path, r)
        return
    schema = content["application/json"]["schema"]
    errs = schema_errors(schema, r.json)
    assert not errs, f"{method} {path} {code}: {errs[:5]}"


@test
def test_answers_match_the_described_schemas():
    d = world()
    try:
        alice, agent = d.login("alice"), d.login("agent")
        t = "/api/v1/tickets/{ref}"
        r = d.request("POST", "/api/v1/session", {"email": "olga@acme.example",
                                                  "password": "secret-password"})
        check_described("POST", "/api/v1/session", r)
        check_described("POST", "/api/v1/session",
                        d.request("POST", "/api/v1/session", {"email": "x@y.example",
                                                              "password": "12345678"}))
        check_described("POST", "/api/v1/session", d.request("POST", "/api/v1/session", {}))
        check_described("GET", "/healthz", d.request("GET", "/healthz"))
        for c in (alice, agent):
            check_described("GET", "/api/v1/me", c.get("/api/v1/me"))
        r = alice.post("/api/v1/tickets", {"title": "t", "description": "d"})
        check_described("POST", "/api/v1/tickets", r)
        ref = r.json["ticket"]["ref"]
        check_described("POST", "/api/v1/tickets", agent.post("/api/v1/tickets", {}))
        check_described("POST", t + "/comments",
                        agent.post(f"/api/v1/tickets/{ref}/comments",
                                   {"body": "note", "internal": True}))
        check_described("POST", t + "/comments",
                        alice.post(f"/api/v1/tickets/{ref}/comments", {"body": "hi"}))
        check_described("PATCH", t, agent.patch(f"/api/v1/tickets/{ref}",
                                                {"priority": "P1", "type": "question"}))
        check_described("PATCH", t, agent.patch(f"/api/v1/tickets/{ref}", {}))
        check_described("POST", t + "/follow", agent.post(f"/api/v1/tickets/{ref}/follow"))
        check_described("DELETE", t + "/follow", agent.delete(f"/api/v1/tickets/{ref}/follow"))
        for c in (alice, agent):
            check_described("GET", t, c.get(f"/api/v1/tickets/{ref}"))
            check_described("GET", t, c.get("/api/v1/tickets/HD-99999"))
            for q in ("", "?view=all&limit=1", "?view=closed", "?limit=0"):
                check_described("GET", "/api/v1/tickets", c.get("/api/v1/tickets" + q))
        check_described("DELETE", "/api/v1/session", alice.delete("/api/v1/session"))
        check_described("DELETE", "/api/v1/session", alice.delete("/api/v1/session"))
    finally:
        d.close()


def expect(method, path, r, status, code=None):
    """check_described, and r is the answer expected: status and error code."""
    check_described(method, path, r)
    assert r.status == status, f"{method} {path}: expected {status}, got {r!r}"
    if code is not None:
        assert r.error_code == code, f"{method} {path}: expected {code}, got {r!r}"
    return r.json


def lifecycle_catalogue(d):
    """The default catalogue, with custom fields of every kind on
    report_incident and approval for perform_task; Acme gets two services and
    the priority from the matrix."""
    cat = json.loads(d.ctl("catalogue", "export").stdout)

    def labels(text):
        return {"en": text, "nl": text, "sv": text}
    cat["fields"] = [
        {"id": "cost_centre", "kind": "text", "labels": labels("Cost centre"),
         "required": False, "max_length": 10},
        {"id": "site", "kind": "choice", "labels": labels("Site"), "required": False,
         "choices": [{"id": "utrecht", "labels": labels("Utrecht")}]},
        {"id": "users_affected", "kind": "number", "labels": labels("Users affected"),
         "required": False, "min": 1, "max": 500},
        {"id": "since", "kind": "date", "labels": labels("Since"), "required": False},
    ]
    for rt in cat["request_types"]:
        if rt["id"] == "report_incident":
            rt["custom_fields"] = [f["id"] for f in cat["fields"]]
        if rt["id"] == "perform_task":
            rt["needs_approval"] = True
    d.ctl("catalogue", "import", "-", input=json.dumps(cat))
    d.ctl("org", "set", "Acme", "--services", "workplace,network", "--priority-mode", "matrix")


@test
def test_lifecycle_answers_match_the_described_schemas():
    d = world()
    try:
        lifecycle_catalogue(d)
        d.ctl("--json", "user", "add", "--email", "paula@acme.example", "--name", "Paula",
              "--role", "customer", "--org", "Acme", "--approver", "--password-stdin",
              input=PASSWORD + "\n")
        alice, bob, agent = d.login("alice"), d.login("bob"), d.login("agent")
        paula = d.login("paula@acme.example")
        t = "/api/v1/tickets/{ref}"

        # What the caller may choose, in their language.
        for c in (alice, agent):
            cat = expect("GET", "/api/v1/catalogue", c.get("/api/v1/catalogue"), 200)
            wf = expect("GET", "/api/v1/workflow", c.get("/api/v1/workflow"), 200)
        cat = expect("GET", "/api/v1/catalogue",
                     alice.get("/api/v1/catalogue", headers={"Accept-Language": "sv-SE"}), 200)
        assert cat["catalogue"]["lang"] == "sv" and cat["catalogue"]["service_required"], cat
        assert [s["id"] for s in cat["catalogue"]["services"]] == ["workplace", "network"], cat
        kinds = {f["kind"] for rt in cat["catalogue"]["request_types"] for f in rt["fields"]}
        assert kinds == {"text", "choice", "number", "date", "boolean"}, kinds
        names = [s["name"] for s in wf["statuses"]]
        assert "waiting_for_approval" in names and "cancelled" in names, names

        # Opening: the whole form, its refusals, and an agent registering one.
        body = {"title": "VPN drops", "description": "Every hour.",
                "request_type": "report_incident", "service": "network",
                "subcategory": "vpn", "impact": 2, "urgency": 1,
                "affected_component": "VPN client", "environment": "production",
                "recurrence": "recurring", "others_affected": True,
                "fields": {"cost_centre": "CC-1", "site": "utrecht", "users_affected": 12,
                           "since": "2024-02-29"},
                "shared_with_org": False,
                "participants": ["bob@acme.example", "it@partner.example"]}
        ref = expect("POST", "/api/v1/tickets", alice.post("/api/v1/tickets", body),
                     201)["ticket"]["ref"]
        card = "Card 4111 1111 1111 1111, please refund."
        r = alice.post("/api/v1/tickets", {**body, "description": card})
        e = expect("POST", "/api/v1/tickets", r, 422, "sensitive_data")["error"]
        assert e["hits"] and e["hits"][0]["kind"] == "payment_card", r
        expect("POST", "/api/v1/tickets", alice.post("/api/v1/tickets", {**body, "priority": "P1"}),
               422, "not_allowed")
        expect("POST", "/api/v1/tickets",
               alice.post("/api/v1/tickets", {**body, "requester": "bob@acme.example"}),
               403, "forbidden")
        expect("POST", "/api/v1/tickets", alice.post("/api/v1/tickets", {**body, "form": {}}),
               422, "unknown_field")
        expect("POST", "/api/v1/tickets",
               agent.post("/api/v1/tickets", {"title": "t", "description": "d", "type": "problem"}),
               422, "required")
        other = expect("POST", "/api/v1/tickets",
                       agent.post("/api/v1/tickets",
                                  {"title": "Called in", "description": "By phone.",
                                   "type": "problem", "requester": "alice@acme.example",
                                   "channel": "email", "priority": 2}),
                       201)["ticket"]["ref"]

        # Agents' work: assignment, time, links.
        agent_id = d.users["agent"]["id"]
        expect("PATCH", t, agent.patch(f"/api/v1/tickets/{ref}",
                                       {"assignee_id": agent_id, "assignee_group": "second-line",
                                        "resolution_code": "fixed", "cause": "usage_error"}), 200)
        expect("PATCH", t, agent.patch(f"/api/v1/tickets/{ref}",
                                       {"assignee_id": None, "assignee_group": None}), 200)
        expect("PATCH", t, agent.patch(f"/api/v1/tickets/{ref}", {"assignee_id": agent_id}), 200)
        expect("PATCH", t, agent.patch(f"/api/v1/tickets/{ref}",
                                       {"assignee_id": d.users["alice"]["id"]}),
               422, "invalid_value")
        expect("PATCH", t, alice.patch(f"/api/v1/tickets/{ref}", {"assignee_id": agent_id}),
               403, "forbidden")
        expect("PATCH", t, alice.patch(f"/api/v1/tickets/{ref}", {"priority": "P1"}),
               403, "forbidden")
        tm = t + "/time"
        tk = expect("POST", tm, agent.post(f"/api/v1/tickets/{ref}/time",
                                           {"minutes": 30, "billable": False, "note": "Logs."}),
                    201)["ticket"]
        assert (tk["minutes"], tk["billable_minutes"]) == (30, 0), tk
        expect("POST", tm, agent.post(f"/api/v1/tickets/{ref}/time", {"minutes": 1441}),
               422, "invalid_value")
        expect("POST", tm, alice.post(f"/api/v1/tickets/{ref}/time", {"minutes": 5}),
               403, "forbidden")
        ln = t + "/links"
        tk = expect("POST", ln, agent.post(f"/api/v1/tickets/{ref}/links", {"ref": other}),
                    200)["ticket"]
        assert tk["related"] == [other], tk
        expect("POST", ln, agent.post(f"/api/v1/tickets/{ref}/links", {"ref": ref}),
               422, "invalid_value")
        expect("POST", ln, agent.post(f"/api/v1/tickets/{ref}/links", {"ref": "HD-99999"}),
               404, "not_found")

        # People involved.
        pp, pe = t + "/participants", t + "/participants/{email}"
        tk = expect("POST", pp, alice.post(f"/api/v1/tickets/{ref}/participants",
                                           {"email": "Hosting@Partner.example"}), 200)["ticket"]
        assert "hosting@partner.example" in tk["external_emails"], tk
        expect("POST", pp, alice.post(f"/api/v1/tickets/{ref}/participants",
                                      {"email": "alice@acme.example"}), 422, "invalid_value")
        expect("POST", pp, bob.post(f"/api/v1/tickets/{ref}/participants",
                                    {"email": "olga@acme.example"}), 403, "forbidden")
        expect("DELETE", pe, alice.delete(f"/api/v1/tickets/{ref}/participants/"
                                          "hosting%40partner.example"), 200)
        expect("DELETE", pe, alice.delete(f"/api/v1/tickets/{ref}/participants/nobody"),
               404, "not_found")

        # Comments and the sensitive data guard; redaction.
        c = t + "/comments"
        iban = "Refund to NL91ABNA0417164300."
        expect("POST", c, alice.post(f"/api/v1/tickets/{ref}/comments", {"body": iban}),
               422, "sensitive_data")
        tk = expect("POST", c, alice.post(f"/api/v1/tickets/{ref}/comments",
                                          {"body": iban, "confirm_sensitive": True}),
                    201)["ticket"]
        seq = tk["timeline"][-1]["seq"]
        rd = t + "/redactions"
        expect("POST", rd, agent.post(f"/api/v1/tickets/{ref}/redactions", {"seq": seq}), 200)
        expect("POST", rd, agent.post(f"/api/v1/tickets/{ref}/redactions", {"seq": seq}),
               409, "not_redactable")
        expect("POST", rd, agent.post(f"/api/v1/tickets/{ref}/redactions", {"seq": 9999}),
               404, "not_found")
        expect("POST", rd, agent.post(f"/api/v1/tickets/{ref}/redactions",
                                      {"seq": seq, "field": "title"}), 422, "required")
        tk = expect("POST", rd, agent.post(f"/api/v1/tickets/{ref}/redactions",
                                           {"field": "description"}), 200)["ticket"]
        assert tk["description"] == "[redacted]", tk

        # Workflow actions: refusals, then resolve and accept.
        a = t + "/actions"

        def act(c, body, status, code=None, on=ref):
            return expect("POST", a, c.post(f"/api/v1/tickets/{on}/actions", body), status, code)

        act(alice, {"action": "resolve"}, 409, "not_allowed")
        act(alice, {"action": "fly"}, 422, "invalid_value")
        act(agent, {"action": "set_status", "status": "nope"}, 422, "unknown_status")
        act(agent, {"action": "set_status"}, 422, "status_required")
        act(agent, {"action": "set_status", "status": "waiting_for_customer"}, 200)
        act(agent, {"action": "set_status", "status": "waiting_for_customer"}, 409, "no_change")
        act(alice, {"action": "close", "comment": card}, 422, "sensitive_data")
        act(agent, {"action": "resolve", "resolution_code": "workaround",
                    "comment": "Restart the client."}, 200)
        act(alice, {"action": "accept"}, 422, "required")
        tk = act(alice, {"action": "accept", "rating": 5, "comment": "Thanks."}, 200)["ticket"]
        assert tk["status_category"] == "closed" and tk["rating"] == 5, tk
        assert tk["actions"] == [], tk["actions"]
        act(alice, {"action": "reopen", "comment": "Again."}, 409, "ticket_closed")
        expect("PATCH", t, agent.patch(f"/api/v1/tickets/{ref}", {"priority": "P2"}),
               409, "ticket_closed")
        expect("POST", c, alice.post(f"/api/v1/tickets/{ref}/comments", {"body": "Hello?"}),
               409, "ticket_closed")
        expect("POST", pp, alice.post(f"/api/v1/tickets/{ref}/participants",
                                      {"email": "x@partner.example"}), 409, "ticket_closed")

        # Approval.
        task = expect("POST", "/api/v1/tickets",
                      alice.post("/api/v1/tickets", {"title": "New laptop",
                                                     "description": "For Bob.",
                                                     "request_type": "perform_task",
                                                     "service": "workplace",
                                                     "subcategory": "laptop"}),
                      201)["ticket"]
        assert task["status"] == "waiting_for_approval" and task["needs_approval"], task
        lst = expect("GET", "/api/v1/tickets", paula.get("/api/v1/tickets?view=approvals"), 200)
        assert [x["ref"] for x in lst["tickets"]] == [task["ref"]], lst
        expect("GET", "/api/v1/tickets", alice.get("/api/v1/tickets?view=approvals"),
               400, "invalid_value")
        act(bob, {"action": "approve"}, 404, "not_found", on=task["ref"])
        act(alice, {"action": "approve"}, 403, "forbidden", on=task["ref"])
        tk = act(paula, {"action": "approve", "comment": "Fine."}, 200, on=task["ref"])["ticket"]
        assert tk["timeline"][-2]["kind"] == "approval", tk["timeline"]

        # Every view of the results, for each side.
        for cl in (alice, bob, paula, agent):
            for r_ in (ref, other, task["ref"]):
                r = cl.get(f"/api/v1/tickets/{r_}")
                check_described("GET", t, r)
            for view in ("open", "resolved", "closed", "all") + (("approvals",) * (cl is paula)):
                expect("GET", "/api/v1/tickets", cl.get(f"/api/v1/tickets?view={view}"), 200)
        tk = expect("GET", t, agent.get(f"/api/v1/tickets/{ref}"), 200)["ticket"]
        kinds = {e["kind"] for e in tk["timeline"]}
        assert kinds >= {"created", "comment", "field", "status", "time", "participant",
                         "redaction", "link"}, kinds
        tk = expect("GET", t, alice.get(f"/api/v1/tickets/{ref}"), 200)["ticket"]
        assert not {"minutes", "billable_minutes", "assignee_group"} & set(tk), tk
        assert "time" not in {e["kind"] for e in tk["timeline"]}, tk["timeline"]
    finally:
        d.close()


@test
def test_portal_answers_match_the_described_schemas():
    d = world()
    try:
        alice, agent, admin = d.login("alice"), d.login("agent"), d.login("admin")
        me, pw = "/api/v1/me", "/api/v1/me/password"
        u = expect("PATCH", me, alice.patch(me, {"name": "Alice", "phone": "+46 8 123",
                                                 "language": "sv",
                                                 "contact": ["email", "mail"]}), 200)
        assert u["user"]["contact"] == ["email", "mail"], u
        expect("PATCH", me, alice.patch(me, {"phone": None, "language": None}), 200)
        expect("PATCH", me, alice.patch(me, {}), 422, "required")
        expect("PATCH", me, alice.patch(me, {"email": "a@b.example"}), 422, "read_only")
        expect("PATCH", me, alice.patch(me, {"language": "fi"}), 422, "invalid_value")
        expect("PATCH", me, alice.patch(me, {"name": "x"}, csrf=False), 403, "csrf")
        expect("POST", pw, alice.post(pw, {"old_password": "nope", "new_password": "longer1!"}),
               422, "invalid_value")
        expect("POST", pw, alice.post(pw, {"old_password": PASSWORD, "new_password": "short"}),
               422, "too_short")
        expect("POST", pw, alice.post(pw, {"old_password": PASSWORD,
                                           "new_password": "longer1!"}), 204)
        for c in (alice, agent):
            ref = c.create_ticket("t", "d", **({"requester": "alice@acme.example"}
                                               if c is agent else {}))["ref"]
            assert ref
        for q in ("?status=new", "?priority=P4&sort=oldest", "?sort=newest&limit=1",
                  "?status=new&priority=P4", "?view=all&assignee=none",
                  f"?org={d.users['alice']['org_id']}&assignee=me"):
            page = expect("GET", "/api/v1/tickets", agent.get("/api/v1/tickets" + q), 200)
            assert "matched" in page, page
        expect("GET", "/api/v1/tickets", alice.get("/api/v1/tickets?org=1"), 400,
               "unknown_parameter")
        expect("GET", "/api/v1/tickets", agent.get("/api/v1/tickets?sort=up"), 400,
               "invalid_value")
        for c in (agent, admin):
            st = expect("GET", "/api/v1/stats", c.get("/api/v1/stats?days=7"), 200)
            assert len(st["days"]) == 7 and sum(x["opened"] for x in st["days"]) == 2, st
            expect("GET", "/api/v1/agents", c.get("/api/v1/agents"), 200)
            expect("GET", "/api/v1/orgs", c.get("/api/v1/orgs"), 200)
        expect("GET", "/api/v1/stats", agent.get("/api/v1/stats?days=0"), 400, "invalid_value")
        expect("GET", "/api/v1/orgs", agent.get("/api/v1/orgs?q=a"), 400, "unknown_parameter")
        for path in ("/api/v1/stats", "/api/v1/agents", "/api/v1/orgs"):
            expect("GET", path, alice.get(path), 403, "forbidden")
    finally:
        d.close()


def fill(path, ref):
    """A path of the spec with its parameters filled in."""
    return re.sub(r"\{(\w+)\}", lambda m: ref if m.group(1) == "ref" else "someone@example.com",
                  path)


@test
def test_the_running_daemon_answers_as_described():
    d = world()
    try:
        alice = d.login("alice")
        ref = alice.create_ticket()["ref"]
        ops = operations()
        by_path = {}
        for (method, path) in ops:
            by_path.setdefault(path, set()).add(method)
        for (method, path), (op, _) in ops.items():
            concrete = fill(path, ref)
            if op["x-deskd-access"] != "public":
                body = {"title": "t", "description": "d"} if method != "GET" else None
                r = d.request(method, concrete, body)
                check_error(r, 401, "unauthenticated")
        # Other methods on each path answer 405 with exactly the spec's methods.
        for path, methods in by_path.items():
            concrete = fill(path, ref)
            other = next(m for m in ("PUT", "PATCH", "DELETE", "POST", "GET") if m not in methods)
            r = d.request(other, concrete)
            check_error(r, 405, "method_not_allowed")
            assert {m.strip() for m in r.header("Allow").split(",")} == methods, (path, r.headers)
        # The list parameters accept what the spec allows and refuse the rest.
        params = {resolve(p)["name"]: resolve(p)["schema"]
                  for p in ops[("GET", "/api/v1/tickets")][0]["parameters"]}
        d.ctl("user", "add", "--email", "paula@acme.example", "--name", "Paula",
              "--role", "customer", "--org", "Acme", "--approver", "--password-stdin",
              input=PASSWORD + "\n")
        paula = d.login("paula@acme.example")
        for view in params["view"]["enum"]:
            r = paula.get(f"/api/v1/tickets?view={view}")
            assert r.status == 200 and r.json["view"] == view, r
            check_described("GET", "/api/v1/tickets", r)
            r = alice.get(f"/api/v1/tickets?view={view}")
            if view == "approvals":  # approvers only
                check_error(r, 400, "invalid_value", field="view")
            else:
                assert r.status == 200 and r.json["view"] == view, r
        agent = d.login("agent")
        alice.create_ticket()  # two tickets: a first page of one has a cursor
        for sort in params["sort"]["enum"]:
            # relevance ranks the matches of a search
            words = "&q=printer" if sort == "relevance" else ""
            r = agent.get(f"/api/v1/tickets?sort={sort}&limit=1{words}")
            assert r.status == 200, r
            check_described("GET", "/api/v1/tickets", r)
            assert re.fullmatch(params["cursor"]["pattern"], r.json["next_cursor"]), r
            # the due order is support's
            if sort == "due":
                check_error(alice.get(f"/api/v1/tickets?sort={sort}"), 400, "invalid_value",
                            field="sort")
            else:
                assert alice.get(f"/api/v1/tickets?sort={sort}{words}").status == 200
        check_error(alice.get("/api/v1/tickets?sort=relevance"), 400, "invalid_value", "sort")
        prios = resolve(params["priority"]["items"])["enum"]
        for prio in prios + [",".join(prios)]:
            assert alice.get(f"/api/v1/tickets?priority={prio}").status == 200
        check_error(alice.get("/api/v1/tickets?sort=up"), 400, field="sort")
        lo, hi = params["limit"]["minimum"], params["limit"]["maximum"]
        assert alice.get(f"/api/v1/tickets?limit={lo}").status == 200
        assert alice.get(f"/api/v1/tickets?limit={hi}").status == 200
        check_error(alice.get(f"/api/v1/tickets?limit={lo - 1}"), 400, field="limit")
        check_error(alice.get(f"/api/v1/tickets?limit={hi + 1}"), 400, field="limit")
        check_error(alice.get("/api/v1/tickets?view=nope"), 400, field="view")
        page = alice.get(f"/api/v1/tickets?limit={lo}").json
        assert set(page) == set(spec()["components"]["schemas"]["TicketList"]["required"])
        assert re.fullmatch(resolve({"$ref": "#/components/parameters/ref"})["schema"]["pattern"],
                            ref)
    finally:
        d.close()



@test
def test_export_and_report_answer_as_described():
    d = world()
    try:
        alice, agent = d.login("alice"), d.login("agent")
        alice.create_ticket(title="One")
        ex = "/api/v1/tickets/export"
        op, _ = operations()[("GET", ex)]
        for fmt in ("csv", "xlsx"):
            r = alice.get(f"{ex}?format={fmt}")
            assert r.status == 200, r
            ctype = r.header("Content-Type").split(";")[0]
            assert ctype in op["responses"]["200"]["content"], ctype
        check_described("GET", ex, alice.get(f"{ex}?format=pdf"))
        check_described("GET", ex, alice.get(f"{ex}?format=csv&org=1"))
        check_described("GET", ex, d.request("GET", f"{ex}?format=csv"))
        rp = "/api/v1/reports/monthly"
        for q in ("?org=Acme", "?org=Acme&month=2020-01", "?org=Nope", "?month=2020-01",
                  "?org=Acme&format=doc"):
            check_described("GET", rp, agent.get(rp + q))
        check_described("GET", rp, alice.get(rp + "?org=Acme"))
        r = agent.get(rp + "?org=Acme&format=csv")
        assert r.header("Content-Type").split(";")[0] in \
            operations()[("GET", rp)][0]["responses"]["200"]["content"], r.headers
    finally:
        d.close()


if __name__ == "__main__":
    run()

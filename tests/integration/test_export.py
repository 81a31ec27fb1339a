"""Export of the ticket list (CSV and Excel) and the monthly report, read
back with independent readers (csv, zipfile + ElementTree) and compared
with the API's own list."""

import csv
import datetime
import io
import json
import os
import re
import socket
import threading
import time
import zipfile
import xml.etree.ElementTree as ET

from harness import (check_error, check_security_headers, rss_anon_kb, run, sanitized, test,
                     wait_for, world)

EXPORT = "/api/v1/tickets/export"
REPORT = "/api/v1/reports/monthly"
XLSX_MIME = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
NS = {"m": "http://schemas.openxmlformats.org/spreadsheetml/2006/main"}
TRICKY = ["Plain title", "Comma, in the middle", 'A "quoted" word', "Överföring café ü",
          "=SUM(A1)", "+31 20 555", "-minus first", "@mention",
          "Semicolon; and 'apostrophe'"]
HEADINGS = {
    "en": ["Reference", "Title", "Status", "Priority", "Type", "Service", "Requester",
           "Organisation", "Assignee", "Created (UTC)", "Updated (UTC)", "Closed (UTC)",
           "SLA breached"],
    "nl": ["Referentie", "Titel", "Status", "Prioriteit", "Type", "Dienst", "Aanvrager",
           "Organisatie", "Behandelaar", "Aangemaakt (UTC)", "Bijgewerkt (UTC)",
           "Gesloten (UTC)", "SLA overschreden"],
}


def guarded(text):
    """What a cell holds for text: formula-like text gets a leading '."""
    return "'" + text if text[:1] in ("=", "+", "-", "@", "\t", "\r") else text


def read_csv(r):
    assert r.status == 200, r
    check_security_headers(r)
    assert r.header("Content-Type") == "text/csv; charset=utf-8", r.headers
    cd = r.header("Content-Disposition")
    assert re.fullmatch(r'attachment; filename="tickets-\d{4}-\d{2}-\d{2}\.csv"', cd), cd
    data = r.data
    assert data.startswith(b"\xef\xbb\xbf"), data[:10]
    text = data[3:].decode("utf-8")
    # every record ends with CRLF; no bare LF outside quoted fields here
    assert text.endswith("\r\n") and "\n" not in text.replace("\r\n", ""), text[-80:]
    return list(csv.reader(io.StringIO(text, newline="")))


def xlsx_rows(data):
    """The first worksheet's rows as lists of cell values (str or float),
    read with zipfile and ElementTree: inline and shared strings."""
    z = zipfile.ZipFile(io.BytesIO(data))
    assert z.testzip() is None
    shared = []
    if "xl/sharedStrings.xml" in z.namelist():
        root = ET.fromstring(z.read("xl/sharedStrings.xml"))
        for si in root.findall("m:si", NS):
            shared.append("".join(t.text or "" for t in si.iter(f"{{{NS['m']}}}t")))
    sheet = ET.fromstring(z.read("xl/worksheets/sheet1.xml"))
    rows = []
    for row in sheet.find("m:sheetData", NS).findall("m:row", NS):
        idx = int(row.get("r")) - 1
        while len(rows) < idx:
            rows.append([])
        cells = []
        for c in row.findall("m:c", NS):
            col = column_index(c.get("r"))
            while len(cells) < col:
                cells.append(None)
            t = c.get("t")
            if t == "inlineStr":
                v = "".join(x.text or "" for x in c.iter(f"{{{NS['m']}}}t"))
            elif t == "s":
                v = shared[int(c.find("m:v", NS).text)]
            elif t in ("str", "str"):
                v = c.find("m:v", NS).text
            else:
                v = float(c.find("m:v", NS).text)
            cells.append(v)
        rows.append(cells)
    return rows


def column_index(ref):
    letters = re.match(r"[A-Z]+", ref).group(0)
    n = 0
    for ch in letters:
        n = n * 26 + ord(ch) - 64
    return n - 1


def read_xlsx(r):
    assert r.status == 200, r
    check_security_headers(r)
    assert r.header("Content-Type") == XLSX_MIME, r.headers
    cd = r.header("Content-Disposition")
    assert re.fullmatch(r'attachment; filename="tickets-\d{4}-\d{2}-\d{2}\.xlsx"', cd), cd
    return xlsx_rows(r.data)


def excel_time(v):
    """An Excel date serial as a UTC datetime."""
    return datetime.datetime(1899, 12, 30, tzinfo=datetime.timezone.utc) + \
        datetime.timedelta(days=v)


def api_time(s, exact=False):
    if not s:
        return None
    dt = datetime.datetime.strptime(s, "%Y-%m-%dT%H:%M:%S.%fZ").replace(
        tzinfo=datetime.timezone.utc)
    return dt if exact else dt.replace(microsecond=0)


def near(serial, s):
    """An Excel serial within a millisecond of the API's time s."""
    return abs((excel_time(serial) - api_time(s, exact=True)).total_seconds()) < 0.002


def listing(c, query=""):
    """Every ticket of the list for query, page by page."""
    out, cursor = [], None
    while True:
        q = query + ("&" if query else "") + "limit=100" + (f"&cursor={cursor}" if cursor else "")
        r = c.get("/api/v1/tickets?" + q)
        assert r.status == 200, r
        out += r.json["tickets"]
        cursor = r.json["next_cursor"]
        if not cursor:
            return out


def labels(c, lang="en"):
    r = c.get("/api/v1/workflow", headers={"Accept-Language": lang})
    return {s["name"]: s["label"] for s in r.json["statuses"]}


def same_as_list(c, query, rows, lang="en", xlsx=False):
    """rows (heading first) hold exactly the list's tickets for query, in
    its order, with the same fields."""
    assert rows[0] == HEADINGS[lang], rows[0]
    tickets = listing(c, query)
    body = [r for r in rows[1:] if r]
    assert [r[0] for r in body] == [t["ref"] for t in tickets], (query, len(body), len(tickets))
    status = labels(c, lang)
    for row, t in zip(body, tickets):
        row = row + [""] * (13 - len(row))
        assert row[1] == guarded(t["title"]), (row, t["title"])
        assert row[2] == status[t["status"]], (row, t["status"])
        assert row[3] == t["priority"], row
        assert row[6] == t["requester"]["name"], (row, t["requester"])
        if xlsx:
            assert near(row[9], t["created"]), (row[9], t["created"])
            assert near(row[10], t["updated"]), (row, t["updated"])
            if t["closed"]:
                assert near(row[11], t["closed"]), (row, t["closed"])
            assert (row[11] in ("", None)) == (t["closed"] is None), row
        else:
            assert row[9] == api_time(t["created"]).strftime("%Y-%m-%d %H:%M:%S"), row
            assert row[10] == api_time(t["updated"]).strftime("%Y-%m-%d %H:%M:%S"), row
            closed = api_time(t["closed"])
            assert row[11] == (closed.strftime("%Y-%m-%d %H:%M:%S") if closed else ""), row
        breached = any(v.get("breached") for k, v in t.get("sla", {}).items()
                       if isinstance(v, dict))
        assert row[12] in (("yes", "ja") if breached else ("no", "nee")), (row, t.get("sla"))
    return tickets


def populate(d):
    alice, bob, gina, agent = (d.login(n) for n in ("alice", "bob", "gina", "agent"))
    refs = {}
    for i, title in enumerate(TRICKY):
        t = alice.create_ticket(title=title, priority="P%d" % (i % 4 + 1))
        refs[title] = t["ref"]
    bob.create_ticket(title="Bob's own")
    gina.create_ticket(title="Globex secret")
    # one assigned, one resolved, one closed, so the columns are not all empty
    me = agent.get("/api/v1/me").json["user"]["id"]
    assert agent.patch(f"/api/v1/tickets/{refs['Plain title']}",
                       {"assignee_id": me}).status == 200
    r = agent.post(f"/api/v1/tickets/{refs['@mention']}/actions", {"action": "resolve"})
    assert r.status == 200, r
    r = agent.post(f"/api/v1/tickets/{refs['-minus first']}/actions", {"action": "resolve"})
    assert r.status == 200, r
    r = alice.post(f"/api/v1/tickets/{refs['-minus first']}/actions",
                   {"action": "accept", "rating": 5})
    assert r.status == 200, r
    return refs


@test
def test_csv_and_xlsx_match_the_list_for_every_role():
    d = world()
    try:
        populate(d)
        orgs = d.login("agent").get("/api/v1/orgs").json["orgs"]
        acme = [o["id"] for o in orgs if o["name"] == "Acme"][0]
        cases = {
            "alice": ["view=all", "", "view=closed", "view=all&priority=P1",
                      "view=all&sort=oldest", "view=resolved"],
            "olga": ["view=all", "view=all&status=new"],
            "gina": ["view=all"],
            "agent": ["view=all", f"view=all&org={acme}", "assignee=me", "assignee=none",
                      "view=all&sort=oldest&priority=P2", "sort=due"],
            "admin": ["view=all"],
        }
        for who, queries in cases.items():
            c = d.login(who)
            for q in queries:
                rows = read_csv(c.get(f"{EXPORT}?format=csv" + (f"&{q}" if q else "")))
                same_as_list(c, q, rows)
                rows = read_xlsx(c.get(f"{EXPORT}?{q}&format=xlsx" if q else
                                       f"{EXPORT}?format=xlsx"))
                same_as_list(c, q, rows, xlsx=True)
        # the titles survive as written (formula-like ones marked as text)
        rows = read_csv(d.login("alice").get(f"{EXPORT}?format=csv&view=all"))
        assert sorted(r[1] for r in rows[1:]) == sorted(guarded(t) for t in TRICKY), rows
        rows = read_xlsx(d.login("alice").get(f"{EXPORT}?format=xlsx&view=all"))
        assert sorted(r[1] for r in rows[1:]) == sorted(guarded(t) for t in TRICKY), rows
    finally:
        d.close()


@test
def test_visibility_never_widens():
    d = world()
    try:
        populate(d)
        gina = d.login("gina")
        for fmt, reader in (("csv", read_csv), ("xlsx", read_xlsx)):
            rows = reader(gina.get(f"{EXPORT}?format={fmt}&view=all"))
            assert [r[1] for r in rows[1:]] == ["Globex secret"], rows
            assert all(r[7] == "Globex" for r in rows[1:]), rows
            # bob sees his own ticket only, not alice's
            rows = reader(d.login("bob").get(f"{EXPORT}?format={fmt}&view=all"))
            assert [r[1] for r in rows[1:]] == ["Bob's own"], rows
            # olga (organisation-wide) sees Acme's, never Globex's
            rows = reader(d.login("olga").get(f"{EXPORT}?format={fmt}&view=all"))
            assert len(rows) - 1 == len(TRICKY) + 1, rows
            assert {r[7] for r in rows[1:]} == {"Acme"}, rows
    finally:
        d.close()


@test
def test_headings_follow_the_language():
    d = world()
    try:
        populate(d)
        alice = d.login("alice")
        rows = read_csv(alice.get(f"{EXPORT}?format=csv&view=all",
                                  headers={"Accept-Language": "nl-NL,nl;q=0.9"}))
        same_as_list(alice, "view=all", rows, lang="nl")
        rows = read_xlsx(alice.get(f"{EXPORT}?format=xlsx&view=all",
                                   headers={"Accept-Language": "sv"}))
        assert rows[0][0] == "Referens" and rows[0][12] == "SLA överskriden", rows[0]
        # the profile's language wins over the browser's
        assert alice.patch("/api/v1/me", {"language": "nl"}).status == 200
        rows = read_csv(alice.get(f"{EXPORT}?format=csv", headers={"Accept-Language": "sv"}))
        assert rows[0] == HEADINGS["nl"], rows[0]
    finally:
        d.close()


@test
def test_bad_requests_answer_as_the_list_does():
    d = world()
    try:
        alice, agent = d.login("alice"), d.login("agent")
        check_error(alice.get(f"{EXPORT}?format=pdf"), 400, "invalid_value", "format")
        check_error(alice.get(EXPORT), 400, "invalid_value", "format")
        check_error(alice.get(f"{EXPORT}?format=csv&view=bogus"), 400, "invalid_value", "view")
        check_error(alice.get(f"{EXPORT}?format=csv&org=1"), 400, "unknown_parameter", "org")
        check_error(alice.get(f"{EXPORT}?format=csv&sort=due"), 400, "invalid_value", "sort")
        check_error(alice.get(f"{EXPORT}?format=csv&limit=5"), 400, "unknown_parameter",
                    "limit")
        check_error(agent.get(f"{EXPORT}?format=csv&priority=P9"), 400, "invalid_value",
                    "priority")
        check_error(agent.get(f"{EXPORT}?format=csv&view=closed&sort=due"), 400,
                    "invalid_value", "sort")
        check_error(d.request("GET", f"{EXPORT}?format=csv"), 401, "unauthenticated")
        # the list's own paging parameters still work there
        assert alice.get("/api/v1/tickets?limit=5").status == 200
        # HEAD: the head of the download, no body
        r = alice.request("HEAD", f"{EXPORT}?format=csv")
        assert r.status == 200 and r.data == b"", r
        assert r.header("Content-Type") == "text/csv; charset=utf-8", r.headers
        # a ticket reference still answers as before
        check_error(alice.get("/api/v1/tickets/HD-99999"), 404, "not_found")
    finally:
        d.close()


@test
def test_a_large_export_streams():
    d = world()
    try:
        n_tickets, n_threads = 3000, 6
        errors = []

        def make(k):
            c = d.token_client("bob" if k % 2 else "alice")
            for i in range(n_tickets // n_threads):
                r = c.post("/api/v1/tickets", {"title": f"Bulk {k}-{i}, \"quoted\"",
                                               "description": "x"})
                if r.status != 201:
                    errors.append(r)
        threads = [threading.Thread(target=make, args=(k,)) for k in range(n_threads)]
        for th in threads:
            th.start()
        for th in threads:
            th.join()
        assert not errors, errors[:3]
        agent = d.login("agent")
        before = rss_anon_kb(d.proc.pid)
        t0 = time.monotonic()
        r = agent.get(f"{EXPORT}?format=csv&view=all")
        took_csv = time.monotonic() - t0
        rows = read_csv(r)
        assert r.header("Transfer-Encoding") == "chunked", r.headers
        assert len(rows) == n_tickets + 1, len(rows)
        refs = [int(row[0].split("-")[1]) for row in rows[1:]]
        assert refs == sorted(refs, reverse=True), refs[:5]
        after_csv = rss_anon_kb(d.proc.pid)
        rows = read_xlsx(agent.get(f"{EXPORT}?format=xlsx&view=all"))
        assert len(rows) == n_tickets + 1, len(rows)
        assert [int(row[0].split("-")[1]) for row in rows[1:]] == refs
        after_xlsx = rss_anon_kb(d.proc.pid)
        # a few MB of allocator slack at most: rows are never all in memory
        # (the address sanitizer keeps freed memory in quarantine: no measure)
        if not sanitized(d.proc.pid):
            assert after_csv - before < 16 * 1024, (before, after_csv)
            assert after_xlsx - before < 24 * 1024, (before, after_xlsx)
        # other requests are answered while an export runs
        done = []

        def slow_export():
            done.append(agent.get(f"{EXPORT}?format=csv&view=all").status)
        th = threading.Thread(target=slow_export)
        th.start()
        r = agent.get("/api/v1/me")
        assert r.status == 200, r
        th.join()
        assert done == [200], done
        assert took_csv < 30, took_csv
        lines = d.log_lines("export")
        assert any("rows=3000" in l and "format=csv" in l for l in lines), lines[-3:]

        # a client that stops reading and leaves mid-download costs nothing:
        # the export notices, lets go of the request, and deskd goes on
        token = d.token("agent")
        for fmt in ("csv", "xlsx"):
            sock = socket.socket()
            sock.connect(("127.0.0.1", d.port))
            sock.sendall((f"GET {EXPORT}?format={fmt}&view=all HTTP/1.1\r\nHost: x\r\n"
                          f"Authorization: Bearer {token}\r\n\r\n").encode())
            sock.close()
        wait_for(lambda: len(d.log_lines("client_gone")) == 2, what="both exports let go")
        assert agent.get("/api/v1/me").status == 200
        d.stop()  # cleanly: no request left behind
    finally:
        d.close()


def month_of(iso):
    return iso[:7]


@test
def test_monthly_report_counts_what_happened():
    d = world()
    try:
        alice, olga, agent = d.login("alice"), d.login("olga"), d.login("agent")
        t1 = alice.create_ticket(title="One", priority="P2")
        t2 = alice.create_ticket(title="Two", priority="P3")
        alice.create_ticket(title="Three", priority="P3")
        d.login("gina").create_ticket(title="Elsewhere")
        for ref, body in ((t1["ref"], {"minutes": 30, "billable": True}),
                          (t1["ref"], {"minutes": 15, "billable": False}),
                          (t2["ref"], {"minutes": 45, "billable": True})):
            r = agent.post(f"/api/v1/tickets/{ref}/time", body)
            assert r.status == 201, r
        # t1: answered, resolved, accepted with a rating of 4 (closed)
        assert agent.post(f"/api/v1/tickets/{t1['ref']}/comments",
                          {"body": "On it."}).status in (200, 201)
        assert agent.post(f"/api/v1/tickets/{t1['ref']}/actions",
                          {"action": "resolve"}).status == 200
        assert alice.post(f"/api/v1/tickets/{t1['ref']}/actions",
                          {"action": "accept", "rating": 4}).status == 200
        # t2: resolved only
        assert agent.post(f"/api/v1/tickets/{t2['ref']}/actions",
                          {"action": "resolve"}).status == 200
        month = month_of(t1["created"])
        r = agent.get(f"{REPORT}?org=Acme&month={month}")
        assert r.status == 200, r
        rep = r.json["report"]
        assert rep["org"]["name"] == "Acme" and rep["month"] == month, rep
        assert rep["tickets"] == {"opened": 3, "resolved": 2, "closed": 1}, rep
        p2, p3 = rep["by_priority"]["P2"], rep["by_priority"]["P3"]
        assert (p2["opened"], p2["resolved"], p2["closed"]) == (1, 1, 1), p2
        assert (p3["opened"], p3["resolved"], p3["closed"]) == (2, 1, 0), p3
        assert p2["first_response"] == {"met": 1, "breached": 0}, p2
        assert p2["resolution"] == {"met": 1, "breached": 0}, p2
        assert p3["resolution"] == {"met": 1, "breached": 0}, p3
        assert rep["satisfaction"]["ratings"] == 1 and rep["satisfaction"]["average"] == 4
        assert rep["satisfaction"]["scores"]["4"] == 1, rep
        assert rep["time"] == {"minutes": 90, "billable_minutes": 75}, rep
        assert rep["tickets_examined"] == 3, rep
        # by id too; another month is empty
        acme = [o["id"] for o in agent.get("/api/v1/orgs").json["orgs"] if o["name"] == "Acme"][0]
        assert agent.get(f"{REPORT}?org={acme}&month={month}").json["report"] == rep
        y, m = map(int, month.split("-"))
        other = f"{y - 1}-{m:02d}"
        empty = agent.get(f"{REPORT}?org=Acme&month={other}").json["report"]
        assert empty["tickets"] == {"opened": 0, "resolved": 0, "closed": 0}, empty
        assert empty["time"] == {"minutes": 0, "billable_minutes": 0}, empty

        # CSV and Excel carry the same numbers
        r = agent.get(f"{REPORT}?org=Acme&month={month}&format=csv")
        assert r.status == 200 and r.header("Content-Type") == "text/csv; charset=utf-8", r
        assert r.header("Content-Disposition") == \
            f'attachment; filename="report-{acme}-{month}.csv"', r.headers
        assert r.data.startswith(b"\xef\xbb\xbf")
        rows = list(csv.reader(io.StringIO(r.data[3:].decode(), newline="")))
        table = {row[0]: row[1:] for row in rows if row}
        assert table["Organisation"] == ["Acme"] and table["Month"] == [month], table
        assert table["P2"] == ["1", "1", "1", "1", "0", "1", "0"], table
        assert table["All"][:3] == ["3", "2", "1"], table
        assert table["Ratings"] == ["1"] and table["Average rating"] == ["4"], table
        assert table["Time logged (minutes)"] == ["90"], table
        assert table["Billable time (minutes)"] == ["75"], table
        r = agent.get(f"{REPORT}?org=Acme&month={month}&format=xlsx",
                      headers={"Accept-Language": "sv"})
        assert r.status == 200 and r.header("Content-Type") == XLSX_MIME, r
        rows = xlsx_rows(r.data)
        table = {row[0]: row[1:] for row in rows if row}
        assert table["Organisation"] == ["Acme"] and table["Månad"] == [month], table
        assert table["Registrerad tid (minuter)"] == [90.0], table
        assert table["Fakturerbar tid (minuter)"] == [75.0], table

        # deskctl report gives the same
        p = d.ctl("report", "--org", "Acme", "--month", month, "--format", "json")
        assert json.loads(p.stdout) == rep, p.stdout
        p = d.ctl("report", "--org", "Acme", "--month", month)
        assert "Time logged (minutes),90\n" in p.stdout, p.stdout
        out = os.path.join(d.dir, "r.xlsx")
        d.ctl("report", "--org", "Acme", "--month", month, "--format", "xlsx", "--output", out)
        with open(out, "rb") as f:
            table = {row[0]: row[1:] for row in xlsx_rows(f.read()) if row}
        assert table["Billable time (minutes)"] == [75.0], table
        assert d.ctl("report", "--org", "Nope", "--month", month, check=False).returncode == 1
        assert d.ctl("report", "--org", "Acme", "--month", "2026-13",
                     check=False).returncode == 2

        # for support only; errors as the API's
        check_error(olga.get(f"{REPORT}?org=Acme"), 403, "forbidden")
        check_error(agent.get(f"{REPORT}?org=Nope"), 404, "not_found")
        check_error(agent.get(f"{REPORT}?month={month}"), 400, "invalid_value", "org")
        check_error(agent.get(f"{REPORT}?org=Acme&month=2026-1"), 400, "invalid_value", "month")
        check_error(agent.get(f"{REPORT}?org=Acme&format=pdf"), 400, "invalid_value", "format")
        check_error(agent.get(f"{REPORT}?org=Acme&x=1"), 400, "unknown_parameter", "x")
    finally:
        d.close()



@test
def test_breaches_in_the_export_and_the_report():
    from sla_clock import Clocked, DAY, MIN
    w = Clocked()
    try:
        d, agent = w.d, w.agent
        met = w.ticket()
        w.set(w.now + 10 * MIN)
        assert agent.post(f"/api/v1/tickets/{met['ref']}/comments",
                          {"body": "Looking."}).status in (200, 201)
        assert agent.post(f"/api/v1/tickets/{met['ref']}/actions",
                          {"action": "resolve"}).status == 200
        late = w.ticket()
        w.set(w.now + DAY)
        assert agent.post(f"/api/v1/tickets/{late['ref']}/actions",
                          {"action": "resolve"}).status == 200
        # the export marks the breach and filters on it as the list does
        rows = read_csv(agent.get(f"{EXPORT}?format=csv&view=all"))
        by_ref = {r[0]: r for r in rows[1:]}
        assert by_ref[late["ref"]][12] == "yes" and by_ref[met["ref"]][12] == "no", rows
        rows = read_csv(agent.get(f"{EXPORT}?format=csv&view=all&breached=true"))
        assert [r[0] for r in rows[1:]] == [late["ref"]], rows
        same_as_list(agent, "view=all&breached=true", rows)
        rep = agent.get(f"{REPORT}?org=Acme&month=2030-01").json["report"]
        p = rep["by_priority"][met["priority"]]
        assert met["priority"] == late["priority"], (met, late)
        assert p["first_response"] == {"met": 1, "breached": 1}, rep
        assert p["resolution"] == {"met": 1, "breached": 1}, rep
        assert rep["tickets"] == {"opened": 2, "resolved": 2, "closed": 0}, rep
    finally:
        w.close()


if __name__ == "__main__":
    run()

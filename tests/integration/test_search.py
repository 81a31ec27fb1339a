"""Full-text search through GET /api/v1/tickets?q=: words and wildcards
in title, description and comments, folding of case and accents, the
caller's visibility, filters and paging on top, and an index that stays
right through comments, redactions, restarts, dump and restore."""

import csv
import io
import json
import urllib.parse

from harness import Deskd, check_error, run, test, world

LIST = "/api/v1/tickets"


def found(c, q, **params):
    """The refs a search gives, over every page."""
    params = {"view": "all", **params}
    refs, cursor = [], None
    for _ in range(100):
        query = dict(params, q=q)
        if cursor:
            query["cursor"] = cursor
        r = c.get(LIST + "?" + urllib.parse.urlencode(query))
        assert r.status == 200, r
        assert r.json["matched"] is None, r.json
        refs += [t["ref"] for t in r.json["tickets"]]
        cursor = r.json["next_cursor"]
        if not cursor:
            return refs
    raise AssertionError("paging does not end")


def comment(c, ref, body, internal=False):
    r = c.post(f"{LIST}/{ref}/comments", {"body": body, "internal": internal})
    assert r.status == 201, r


def corpus(d):
    """Tickets in Swedish, Dutch, German and English, of Acme and Globex."""
    alice, bob, gina = d.login("alice"), d.login("bob"), d.login("gina")
    t = {
        "sv": alice.create_ticket("Överföring misslyckades", "Banken säger nej till betalningen."),
        "nl": bob.create_ticket("Storing bij de IJsselmeerdijk", "De ĳzeren poort werkt niet."),
        "de": gina.create_ticket("Drucker in der Straße", "Der Drucker druckt nicht."),
        "en": alice.create_ticket("Café printer jams", "Paper jam in the café printer."),
        "other": gina.create_ticket("VPN drops every hour", "Since the overforing update."),
    }
    return {k: v["ref"] for k, v in t.items()}


@test
def test_words_wildcards_and_folding():
    d = world()
    try:
        t = corpus(d)
        agent = d.login("agent")
        cases = {
            # folding: case, accents, ß, the Dutch ĳ ligature
            "överföring": {t["sv"], t["other"]}, "OVERFORING": {t["sv"], t["other"]},
            "cafe": {t["en"]}, "CAFÉ": {t["en"]}, "strasse": {t["de"]},
            "STRASSE": {t["de"]}, "ijzeren": {t["nl"]}, "ĳsselmeerdijk": {t["nl"]},
            # the wildcard at the end, the start and in the middle
            "overfor*": {t["sv"], t["other"]}, "*föring": {t["sv"], t["other"]},
            "ijssel*dijk": {t["nl"]}, "*sselmeer*": {t["nl"]}, "dr*ck*": {t["de"]},
            # words are ANDed, in any order, punctuation ignored
            "printer café": {t["en"]}, "jams, printer!": {t["en"]},
            "printer drucker": set(), "betalningen": {t["sv"]},
            # no such word, and a word that is only part of one
            "zzzz": set(), "overfo": set(),
            # a reference, in any case, and a bare number
            t["de"]: {t["de"]}, t["de"].lower(): {t["de"]}, t["nl"].split("-")[1]: {t["nl"]},
        }
        for q, want in cases.items():
            got = found(agent, q)
            assert set(got) == want, (q, got, want)
            assert len(got) == len(set(got)), (q, got)
    finally:
        d.close()


@test
def test_search_never_shows_what_the_caller_may_not_see():
    d = world()
    try:
        t = corpus(d)
        alice, bob, olga, gina, agent = (d.login(n) for n in ("alice", "bob", "olga", "gina", "agent"))
        comment(agent, t["en"], "Replaced the fuser unit, zebra model.", internal=True)
        comment(agent, t["sv"], "Kangaroo route is fixed.")
        # Internal notes are found by support only.
        assert found(agent, "zebra") == [t["en"]]
        for who in (alice, olga):
            assert found(who, "zebra") == [], "a customer finds an internal note"
            assert found(who, "fuser*") == []
        # Public comments are found by whoever sees the ticket.
        assert found(alice, "kangaroo") == [t["sv"]]
        assert found(olga, "kangaroo") == [t["sv"]]
        assert found(bob, "kangaroo") == [], "bob finds alice's ticket"
        assert found(gina, "kangaroo") == [], "another organisation's ticket is found"
        # Another organisation's words and references find nothing.
        for q in ("drucker", "vpn", t["de"], "*hour*"):
            assert found(alice, q) == [] and found(olga, q) == [], q
        assert found(gina, "drucker") == [t["de"]]
        # bob sees his own only; olga the whole organisation.
        assert found(bob, "ijzeren") == [t["nl"]] and found(alice, "ijzeren") == []
        assert set(found(olga, "ijzeren printer*")) == set()
        assert set(found(olga, "printer")) == {t["en"]}
        # Counts of the view are not search counts: matched is null.
        r = alice.get(LIST + "?q=printer")
        assert r.json["matched"] is None and r.json["counts"]["priority"], r.json
    finally:
        d.close()


@test
def test_search_goes_with_the_filters_and_views():
    d = world()
    try:
        t = corpus(d)
        agent, alice = d.login("agent"), d.login("alice")
        r = agent.post(f"{LIST}/{t['sv']}/actions", {"action": "close"})
        if r.status != 200:
            r = alice.post(f"{LIST}/{t['sv']}/actions", {"action": "close"})
        assert r.status == 200, r
        assert found(agent, "overfor*", view="open") == [t["other"]]
        assert found(agent, "overfor*", view="closed") == [t["sv"]]
        assert set(found(agent, "overfor*", view="all")) == {t["sv"], t["other"]}
        assert agent.patch(f"{LIST}/{t['other']}", {"priority": "P1"}).status == 200
        assert found(agent, "overfor*", priority="P1") == [t["other"]]
        assert found(agent, "overfor*", priority="P3") == []
        # newest and oldest order the matches by creation
        assert found(agent, "overfor*", sort="newest") == [t["other"], t["sv"]]
        assert found(agent, "overfor*", sort="oldest") == [t["sv"], t["other"]]
        # the agents' due order with a search keeps only the matches
        due = found(agent, "printer", sort="due", view="open")
        assert set(due) <= {t["en"]}, due
    finally:
        d.close()


@test
def test_relevance_and_paging():
    d = world()
    try:
        alice, agent = d.login("alice"), d.login("agent")
        refs = []
        for i in range(30):
            title = "Scanner problem" if i % 3 == 0 else f"Issue number {i}"
            refs.append(alice.create_ticket(title, "The scanner does odd things." + " Odd." * (i % 4))["ref"])
        titled = [r for i, r in enumerate(refs) if i % 3 == 0]
        got = found(agent, "scanner", limit=4)
        # every match once, across pages of four
        assert sorted(got) == sorted(refs) and len(got) == 30, got
        # a word in the title weighs more than in the text
        assert set(got[:len(titled)]) == set(titled), got
        r = agent.get(LIST + "?q=scanner&limit=4")
        cur = r.json["next_cursor"]
        assert cur and "." in cur, r.json
        r2 = agent.get(LIST + "?q=scanner&limit=4&sort=relevance&cursor=" + cur)
        assert r2.status == 200 and not set(t["ref"] for t in r.json["tickets"]) & set(
            t["ref"] for t in r2.json["tickets"]), r2
        # the same pages by date: newest first
        assert found(agent, "scanner", limit=7, sort="newest") == list(reversed(refs))
    finally:
        d.close()


@test
def test_the_index_follows_every_change():
    d = world()
    try:
        alice, agent = d.login("alice"), d.login("agent")
        ref = alice.create_ticket("Mailbox full", "Outlook says the quota is reached.")["ref"]
        assert found(agent, "quota") == [ref]
        comment(alice, ref, "Now also the calendar walrus fails.")
        assert found(agent, "walrus") == [ref] and found(alice, "walrus") == [ref]
        # A redacted comment's words are gone.
        seq = agent.get(f"{LIST}/{ref}").json["ticket"]["timeline"][-1]["seq"]
        r = agent.post(f"{LIST}/{ref}/redactions", {"seq": seq})
        assert r.status == 200, r
        assert found(agent, "walrus") == [] and found(agent, "calendar") == []
        # So are a redacted description's, while the title stays.
        r = agent.post(f"{LIST}/{ref}/redactions", {"field": "description"})
        assert r.status == 200, r
        assert found(agent, "quota") == [] and found(agent, "mailbox") == [ref]
        assert d.ctl("verify", check=False).returncode == 0
        # A restart keeps the index; a dump restored elsewhere builds it again.
        d.restart()
        agent = d.login("agent")
        assert found(agent, "mailbox") == [ref]
        dump = d.ctl("dump").stdout
        e = Deskd(init=False)
        try:
            p = e.ctl("restore", input=dump)
            assert p.returncode == 0, p.stderr
            e.start()
            assert found(e.login("agent@deskd.example"), "mail*") == [ref]
            v = e.ctl("verify", check=False)
            assert v.returncode == 0, v.stdout
        finally:
            e.close()
    finally:
        d.close()


@test
def test_the_export_carries_the_search():
    d = world()
    try:
        t = corpus(d)
        agent = d.login("agent")
        r = agent.get("/api/v1/tickets/export?format=csv&view=all&q=" + urllib.parse.quote("overfor*"))
        assert r.status == 200, r
        rows = list(csv.reader(io.StringIO(r.data[3:].decode("utf-8"), newline="")))
        assert sorted(row[0] for row in rows[1:]) == sorted([t["sv"], t["other"]]), rows
        check_error(agent.get("/api/v1/tickets/export?format=csv&q=" + "x" * 201), 400,
                    "invalid_value", "q")
    finally:
        d.close()


@test
def test_bad_queries_get_clear_errors():
    d = world()
    try:
        alice = d.login("alice")
        alice.create_ticket("Anything", " ".join(f"a{i:04d}" for i in range(1200)))
        before = d.ctl("dump").stdout
        bad = [
            ("x" * 201, 400, "invalid_value"),
            (" ".join(f"w{i}" for i in range(9)), 400, "invalid_value"),
            ("*", 400, "invalid_value"), ("!!! ---", 400, "invalid_value"),
            ("a*", 422, "search_too_broad"), ("*0*", 422, "search_too_broad"),
        ]
        for q, status, code in bad:
            check_error(alice.get(LIST + "?" + urllib.parse.urlencode({"q": q})), status, code, "q")
        # Odd but harmless text is searched, not refused.
        for q in ("%00", "\u0000x", "<script>alert(1)</script>", "' OR 1=1 --", "\udcff"[:0] + "é" * 60):
            r = alice.get(LIST + "?" + urllib.parse.urlencode({"q": q}))
            # a NUL is refused with the query string as a whole
            assert r.status == 200 or r.error_code == "bad_query", r
        # bytes that are not UTF-8 are no words
        check_error(alice.get(LIST + "?q=%FF%FE"), 400, "invalid_value", "q")
        r = alice.get(LIST + "?q=any%FFthing")
        assert r.status == 200 and r.json["tickets"] == [], r
        check_error(alice.get(LIST + "?sort=relevance"), 400, "invalid_value", "sort")
        check_error(alice.get(LIST + "?q=x&q=y"), 400, "invalid_value", "q")
        check_error(alice.get(LIST + "?q=anything&cursor=12"), 400, "invalid_value", "cursor")
        check_error(alice.get(LIST + "?q=anything&sort=relevance&cursor=x.1"), 400,
                    "invalid_value", "cursor")
        # Seven words with a repeat and blanks are fine.
        r = alice.get(LIST + "?" + urllib.parse.urlencode({"q": "  a0001  a0001 anything  "}))
        assert r.status == 200 and len(r.json["tickets"]) == 1, r
        assert d.ctl("dump").stdout == before, "a search changed the data"
    finally:
        d.close()


if __name__ == "__main__":
    run()

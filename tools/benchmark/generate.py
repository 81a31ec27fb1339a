#!/usr/bin/env python3
"""Generates a deskd data set as `deskctl dump` lines (organisations, users,
tickets and their timelines) and loads it with `deskctl restore`, which
writes every index and count as deskd itself would.

At --scale 1: 1,000 organisations, 50,000 users, 1,000,000 tickets and
5,000,000 timeline events, with text in English, Dutch and Swedish (titles
5-12 words, descriptions 30-200, comments 10-80). Every user has the same
password (its scrypt hash is made once, by deskctl, and reused), so the
benchmark can sign in as anyone.

Next to the data it writes bench-manifest.json: who the benchmark acts
as, which tickets it reads and comments on, the cursor of a deep page, the
export filter and how many rows it gives, and the words it searches for.

usage: generate.py --deskctl PATH --data DIR [--scale X] [--seed N]
                   [--dump-only FILE]
"""

import argparse
import bisect
import json
import os
import random
import shutil
import subprocess
import sys
import tempfile
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import words  # noqa: E402

PASSWORD = "bench-password-1"
DOMAIN_SUPPORT = "support.example"
DAY_MS = 86400000
HOUR_MS = 3600000
MIN_MS = 60000

# Where a ticket is in its life, by age. The newest 3% are mostly being
# worked on; older ones are mostly closed, with a small backlog left open.
RECENT = 0.97
RECENT_STATUSES = (("new", 1, 30), ("in_progress", 2, 40), ("waiting_for_customer", 3, 15),
                   ("waiting_for_third_party", 3, 5), ("resolved", 4, 10))
OLD_STATUSES = (("closed", 5, 92), ("cancelled", 5, 4), ("resolved", 4, 1),
                ("in_progress", 2, 2), ("waiting_for_customer", 3, 1))
# The benchmark customer's own tickets: a third still open, so that the
# list of their open tickets has pages to go deep into.
BENCH_CUSTOMER_STATUSES = (("new", 1, 10), ("in_progress", 2, 15), ("waiting_for_customer", 3, 5),
                           ("closed", 5, 65), ("cancelled", 5, 5))
REQUEST_TYPES = (("report_incident", "incident", 55), ("ask_question", "question", 25),
                 ("perform_task", "task", 12), ("request_change", "change_request", 8))


def weighted(table, rnd):
    """A picker over (..., weight) rows."""
    cum, total = [], 0
    for row in table:
        total += row[-1]
        cum.append(total)

    def pick():
        return table[bisect.bisect_right(cum, rnd.random() * total)]
    return pick


class Text:
    """Sentences in one language: words drawn with Zipf-like weights, and
    now and then an identifier (host, error code, order number) that makes
    the long tail of a real vocabulary."""

    def __init__(self, vocab, rnd):
        self.vocab = list(dict.fromkeys(vocab))
        self.cum = []
        total = 0.0
        for rank in range(len(self.vocab)):
            total += 1.0 / (rank + 1) ** 0.9
            self.cum.append(total)
        self.rnd = rnd

    def words(self, n):
        w = self.rnd.choices(self.vocab, cum_weights=self.cum, k=n)
        if self.rnd.random() < 0.3:
            r = self.rnd.randrange(4)
            tok = ("srv-%03d" % self.rnd.randrange(1000) if r == 0 else
                   "0x%08X" % self.rnd.getrandbits(32) if r == 1 else
                   "PO-%06d" % self.rnd.randrange(1000000) if r == 2 else
                   "v%d.%d.%d" % (self.rnd.randrange(10), self.rnd.randrange(20),
                                  self.rnd.randrange(50)))
            w[self.rnd.randrange(n)] = tok
        s = " ".join(w)
        return s[0].upper() + s[1:]

    def sentence(self, lo, hi):
        return self.words(self.rnd.randint(lo, hi)) + "."


def make_password_hash(deskctl):
    """One scrypt hash of PASSWORD at deskd's default cost, made by deskctl
    in a scratch directory (so it is exactly what deskd checks)."""
    tmp = tempfile.mkdtemp(prefix="deskd-bench-hash-")
    try:
        data = os.path.join(tmp, "data")
        run = lambda *a, **kw: subprocess.run([deskctl, "--data", data, *a], check=True,  # noqa: E731
                                              capture_output=True, text=True, **kw)
        run("init")
        run("user", "add", "--email", "hash@bench.example", "--name", "Hash",
            "--role", "agent", "--password-stdin", input=PASSWORD + "\n")
        for line in run("dump").stdout.splitlines():
            rec = json.loads(line)
            if rec.get("kind") == "user":
                return rec["password_hash"]
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    raise SystemExit("generate: deskctl dump gave no user")


def jstr(s):
    # The generated text holds no quote, backslash or control character;
    # names and words are written as they are (UTF-8).
    return '"' + s + '"'


class Generator:
    def __init__(self, scale, seed, password_hash, out):
        self.rnd = random.Random(seed)
        self.out = out
        self.buf = []
        self.records = 0
        self.n_orgs = max(3, round(1000 * scale))
        self.n_users = max(20, round(50000 * scale))
        self.n_tickets = max(50, round(1000000 * scale))
        self.n_events = max(self.n_tickets, round(5000000 * scale))
        self.hash = password_hash
        # times end at the start of today (UTC): one seed gives the same
        # data all day
        self.now = int(time.time() * 1000) // DAY_MS * DAY_MS
        self.start = self.now - 3 * 365 * DAY_MS
        self.texts = {lang: Text(v, self.rnd) for lang, v in words.LANGS.items()}
        self.manifest = {}

    def emit(self, line):
        self.buf.append(line)
        self.records += 1
        if len(self.buf) >= 4096:
            self.flush()

    def flush(self):
        if self.buf:
            self.out.write("\n".join(self.buf) + "\n")
            self.buf = []

    # -- organisations and users --
    def orgs(self):
        rnd = self.rnd
        langs = ("en", "nl", "sv")
        self.org_lang = [None]
        # Zipf-like sizes; organisation 1 is the large one the org-wide
        # list and the benchmark customer belong to (3% of all tickets).
        weights = [0.0] + [1.0 / (k ** 0.9) for k in range(1, self.n_orgs + 1)]
        rest = sum(weights[2:])
        weights[1] = rest * 0.03 / 0.97
        self.org_cum = []
        total = 0.0
        for k in range(1, self.n_orgs + 1):
            total += weights[k]
            self.org_cum.append(total)
        self.org_total = total
        for k in range(1, self.n_orgs + 1):
            lang = langs[rnd.randrange(3)] if k > 1 else "en"
            self.org_lang.append(lang)
            name = "%s %s %d" % (rnd.choice(("Acme", "Nordic", "Polder", "Delta", "Fjord",
                                              "Hanze", "Vasa", "Orange", "Blue", "Union")),
                                 rnd.choice(("Logistics", "Foods", "Health", "Energy",
                                             "Software", "Retail", "Housing", "Bank",
                                             "Transport", "Media")), k)
            self.emit('{"kind":"org","version":1,"id":%d,"name":%s,"created_ms":%d,'
                      '"share_by_default":false,"services":[],"priority_mode":2}'
                      % (k, jstr(name), self.start - DAY_MS))
        self.manifest["large_org"] = {"id": 1}

    def pick_org(self):
        return bisect.bisect_right(self.org_cum, self.rnd.random() * self.org_total) + 1

    def user(self, uid, role, org, email, name, lang):
        self.emit('{"kind":"user","version":1,"id":%d,"org_id":%d,"role":"%s","email":%s,'
                  '"name":%s,"password_hash":"%s","language":"%s","phone":null,'
                  '"created_ms":%d,"updated_ms":%d,"disabled":false,"approver":false,'
                  '"contact":1}' % (uid, org, role, jstr(email), jstr(name), self.hash, lang,
                                    self.start, self.start))

    def users(self):
        rnd = self.rnd
        first = list(dict.fromkeys(words.FIRST))
        last = list(dict.fromkeys(words.LAST))
        name = lambda: "%s %s" % (rnd.choice(first), rnd.choice(last))  # noqa: E731
        self.n_agents = max(3, self.n_users // 250)
        uid = 0
        # the people the benchmark acts as come first, with known addresses
        bench = [("admin", 0, "bench-admin@" + DOMAIN_SUPPORT),
                 ("agent", 0, "bench-agent@" + DOMAIN_SUPPORT),
                 ("customer", 1, "bench-customer@org1.example"),
                 ("org-customer", 1, "bench-manager@org1.example")]
        self.manifest["actors"] = {}
        for role, org, email in bench:
            uid += 1
            self.user(uid, role, org, email, name(), "en")
            self.manifest["actors"][role] = {"id": uid, "email": email, "password": PASSWORD}
        self.bench_admin, self.bench_agent, self.bench_customer, self.bench_manager = 1, 2, 3, 4
        self.agents = [self.bench_agent]
        for _ in range(self.n_agents - 1):
            uid += 1
            self.user(uid, "agent", 0, "agent%d@%s" % (uid, DOMAIN_SUPPORT), name(), "en")
            self.agents.append(uid)
        self.customers = [[] for _ in range(self.n_orgs + 1)]
        self.customers[1] += [self.bench_customer, self.bench_manager]
        # every organisation has someone to open its tickets
        for org in range(1, self.n_orgs + 1):
            if uid >= self.n_users and self.customers[org]:
                continue
            uid += 1
            self._customer(uid, org, name())
        while uid < self.n_users:
            uid += 1
            self._customer(uid, self.pick_org(), name())
        self.n_users = uid

    def _customer(self, uid, org, nm):
        role = "org-customer" if self.rnd.random() < 0.02 else "customer"
        self.user(uid, role, org, "user%d@org%d.example" % (uid, org), nm, self.org_lang[org])
        self.customers[org].append(uid)

    # -- tickets and timelines --
    def tickets(self):
        rnd = self.rnd
        recent_pick = weighted(RECENT_STATUSES, rnd)
        old_pick = weighted(OLD_STATUSES, rnd)
        bench_pick = weighted(BENCH_CUSTOMER_STATUSES, rnd)
        rtype_pick = weighted(REQUEST_TYPES, rnd)
        n = self.n_tickets
        p_bench_customer = min(5000, n // 10) / n
        p_bench_agent = min(10000, n // 2) / (n * 0.95)   # of the assigned ones
        span = self.now - self.start - 2 * DAY_MS
        events_left = self.n_events
        first_id = 10001
        bench_open, comment_refs, sample = [], [], []
        export_rows = 0
        words_seen = {}
        for i in range(n):
            tid = first_id + i
            created = self.start + span * i // n + rnd.randrange(60000)
            if rnd.random() < p_bench_customer:
                org, requester = 1, self.bench_customer
                status, cat = bench_pick()[:2]
            else:
                org = self.pick_org()
                requester = rnd.choice(self.customers[org])
                status, cat = (recent_pick() if i >= n * RECENT else old_pick())[:2]
            lang = self.org_lang[org]
            text = self.texts[lang]
            rtype, ttype = rtype_pick()[:2]
            priority = rnd.choice((2, 3, 3, 4, 4, 4)) if rnd.random() > 0.02 else 1
            assignee = 0
            if status != "new":
                assignee = (self.bench_agent if rnd.random() < p_bench_agent
                            else rnd.choice(self.agents[1:]))
            if assignee == self.bench_agent:
                export_rows += 1
            # the timeline: created, picked up, a conversation, the end
            tickets_left = n - i
            mean_extra = max(0.0, (events_left - tickets_left) / tickets_left)
            extra = min(int(rnd.random() * 2 * mean_extra + 0.5), events_left - tickets_left)
            events = []
            t = created
            events.append((t, requester, "created", False, False, None, None, None, "portal"))
            if status != "new" and extra > 0:
                t += rnd.randrange(5 * MIN_MS, 8 * HOUR_MS)
                events.append((t, assignee, "status", False, True, None, None, "new",
                               "in_progress"))
            end_events = []
            if status == "cancelled":
                end_events.append(("status", "in_progress", "cancelled"))
            elif cat >= 4:
                end_events.append(("status", "in_progress", "resolved"))
            if status == "closed":
                end_events.append(("status", "resolved", "closed"))
            n_comments = max(0, extra - (len(events) - 1) - len(end_events))
            for c in range(n_comments):
                t += rnd.randrange(10 * MIN_MS, 30 * HOUR_MS)
                support = c % 2 == 0 and assignee != 0
                internal = support and rnd.random() < 0.2
                events.append((t, assignee if support else requester, "comment", internal,
                               support, text.sentence(10, 80), None, None, None))
            for kind, old, new in end_events[:max(0, extra - (len(events) - 1))]:
                t += rnd.randrange(HOUR_MS, 3 * DAY_MS)
                who = assignee if new == "resolved" else requester
                events.append((t, who or self.bench_agent, kind, False, new == "resolved",
                               None, None, old, new))
            t = min(t, self.now)
            events_left -= len(events)
            closed_ms = t if cat == 5 else 0
            resolved_ms = t if cat >= 4 else 0
            title = text.words(rnd.randint(5, 12))
            desc = text.sentence(30, 200)
            self.emit(
                '{"kind":"ticket","version":1,"id":%d,"org_id":%d,"requester_id":%d,'
                '"creator_id":%d,"assignee_id":%d,"title":%s,"description":%s,"type":"%s",'
                '"priority":%d,"status":"%s","channel":"portal","created_ms":%d,'
                '"updated_ms":%d,"closed_ms":%d,"event_count":%d,"followers":[%d],'
                '"participants":[],"category":%d,"request_type":"%s","service":null,'
                '"shared_with_org":false,"external_emails":[],"related":[],"rating":0,'
                '"resolved_ms":%d}'
                % (tid, org, requester, requester, assignee, jstr(title), jstr(desc), ttype,
                   priority, status, created, t, closed_ms, len(events), requester, cat,
                   rtype, resolved_ms))
            for seq, (et, actor, kind, internal, support, body, field, old, new) in \
                    enumerate(events, 1):
                self.emit(
                    '{"kind":"event","version":1,"ticket_id":%d,"seq":%d,"time_ms":%d,'
                    '"actor_id":%d,"event_kind":"%s","internal":%s,"from_support":%s,'
                    '"body":%s,"old_value":%s,"new_value":%s}'
                    % (tid, seq, min(et, self.now), actor, kind,
                       "true" if internal else "false", "true" if support else "false",
                       jstr(body) if body else "null", jstr(old) if old else "null",
                       jstr(new) if new else "null"))
            if requester == self.bench_customer and cat <= 3:
                bench_open.append(tid)
                if status in ("new", "in_progress") and len(comment_refs) < 2000:
                    comment_refs.append(tid)
            if len(sample) < 2000:
                sample.append(tid)
            elif rnd.random() < 2000 / (i + 1):
                sample[rnd.randrange(2000)] = tid
            if lang == "en" and i % 97 == 0:
                for w in title.lower().split():
                    words_seen[w] = words_seen.get(w, 0) + 1
        self.flush()
        self.last_ticket = first_id + n - 1
        prefix = "HD-"
        bench_open.reverse()  # the list is newest first
        deep = bench_open[(2 * len(bench_open)) // 3] if len(bench_open) > 50 else None
        self.manifest.update({
            "ticket_prefix": prefix,
            "sample_refs": [prefix + str(t) for t in sample],
            "comment_refs": [prefix + str(t) for t in comment_refs] or
                            [prefix + str(bench_open[0])] if bench_open else [],
            "customer_open_tickets": len(bench_open),
            "deep_cursor": str(deep) if deep else None,
            "deep_position": (2 * len(bench_open)) // 3 if deep else None,
            "export": {"assignee": self.bench_agent, "view": "all", "rows": export_rows},
        })
        # a word of middling frequency: common enough to find many tickets,
        # not a stop word
        ranked = sorted((c, w) for w, c in words_seen.items() if len(w) >= 6 and w.isalpha())
        word = ranked[len(ranked) * 3 // 4][1] if ranked else "printer"
        self.manifest["search"] = {"word": word, "wildcard": word[:4] + "*"}

    def meta(self):
        for name, value in (("org", self.n_orgs), ("user", self.n_users),
                            ("ticket", self.last_ticket)):
            self.emit('{"kind":"seq","name":"%s","value":%d}' % (name, value))
        self.flush()


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--deskctl", required=True)
    ap.add_argument("--data", help="the data directory to fill (must not hold data yet)")
    ap.add_argument("--scale", type=float, default=1.0)
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--dump-only", metavar="FILE", help="write the dump lines to FILE instead")
    a = ap.parse_args()
    if not a.data and not a.dump_only:
        ap.error("--data or --dump-only is needed")
    t0 = time.monotonic()
    pw = make_password_hash(a.deskctl)
    restore = None
    if a.dump_only:
        out = open(a.dump_only, "w", encoding="utf-8")
    else:
        restore = subprocess.Popen([a.deskctl, "--data", a.data, "--json", "restore", "-"],
                                   stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                                   text=True, encoding="utf-8")
        out = restore.stdin
    g = Generator(a.scale, a.seed, pw, out)
    t1 = time.monotonic()
    g.orgs()
    g.users()
    g.tickets()
    g.meta()
    t2 = time.monotonic()
    out.close()
    restored = None
    if restore:
        stdout = restore.stdout.read()
        restore.wait()
        if restore.returncode != 0:
            raise SystemExit("generate: deskctl restore failed")
        restored = json.loads(stdout)
    t3 = time.monotonic()
    events = g.records - g.n_orgs - g.n_users - g.n_tickets - 3
    g.manifest.update({
        "scale": a.scale, "seed": a.seed, "orgs": g.n_orgs, "users": g.n_users,
        "tickets": g.n_tickets, "events": events, "records": g.records,
        "generate_seconds": round(t2 - t1, 2), "total_seconds": round(t3 - t0, 2),
        "records_per_second": round(g.records / (t3 - t0)),
    })
    if a.data:
        with open(os.path.join(a.data, "bench-manifest.json"), "w") as f:
            json.dump(g.manifest, f, indent=1)
    print("generated %d organisations, %d users, %d tickets, %d events: %d records in "
          "%.1f s (%d records/s%s)" % (g.n_orgs, g.n_users, g.n_tickets, events, g.records,
                                       t3 - t0, g.records / (t3 - t0),
                                       ", restored by deskctl" if restored else ""),
          file=sys.stderr)


if __name__ == "__main__":
    main()

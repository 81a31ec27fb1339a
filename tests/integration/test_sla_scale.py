"""The SLA engine's work does not grow with the number of tickets: with
100,000 tickets carrying deadlines, start-up reads one deadline entry per
kind, a timer run handles what is due and nothing more, and a large batch
falling due at once is handled in bounded runs, each ticket once.

Creating 100,000 tickets through the API would take far too long, so a few
are created through it under the test's clock (each gets real SLA state and
deadline entries from the engine) and their records are multiplied in a
dump (docs/OPERATIONS.md): every copy gets a new id, hence a new reference,
and copies of its ticket record, timeline and SLA entries (the raw `sla`
value holds no id; the raw keys hold it big-endian). `deskctl restore`
then writes the copies through the same storage code as deskd does, and
`deskctl verify` checks the result before deskd starts on it."""

import heapq
import itertools
import json
import os
import re
import subprocess
import tempfile
import time

import threading

from harness import DESKCTL, rss_anon_kb, run, sanitized, test, wait_for
from sla_clock import MIN, T0, Clocked

N_TICKETS = 100_000
SLA_BATCH = 256  # the most a timer run may handle (docs/SLA.md)

# Where the ticket id (u64, big-endian) sits in the keys of the tables dump
# writes as stored bytes (storage/store.h).
TICKET_ID_AT = {"sla": 0, "deadlines": 9, "escalations": 8}


def log_int(line, key):
    m = re.search(r"\b" + key + r"=(\d+)", line)
    assert m, f"no {key}= in {line!r}"
    return int(m.group(1))


def ctl(data, *args, timeout=900, **kw):
    """deskctl on data; CI runs this under the sanitizers too, so the limit
    is generous."""
    p = subprocess.run([DESKCTL, "--data", data, *args], capture_output=True, text=True,
                       timeout=timeout, **kw)
    assert p.returncode == 0, f"deskctl {' '.join(args)} failed ({p.returncode}): {p.stderr}"
    return p


def key_owner(db, key, ids):
    """The ticket whose id a raw key holds, and where; (None, None) for an
    entry of no ticket."""
    at = TICKET_ID_AT.get(db)
    if at is not None:
        return int.from_bytes(key[at:at + 8], "big"), at
    # a table this test does not know yet: find the id in the key
    hits = [(i, at) for i in ids for at in range(len(key) - 7)
            if key[at:at + 8] == i.to_bytes(8, "big")]
    assert len(hits) <= 1, (db, key.hex())
    return hits[0] if hits else (None, None)


def encode(r):
    """r as dump writes it."""
    return json.dumps(r, separators=(",", ":"))


def spliced(r, field):
    """r encoded, cut where the value of field goes: one encoding serves
    all the copies of a record."""
    mark = "\0"
    head, tail = encode({**r, field: mark}).split(encode(mark))
    return head, tail


def multiply(lines, templates, n_copies, first_id):
    """The dump lines with n_copies tickets made from the template tickets,
    in dump order: copy i (id first_id + i) is a copy of template
    i % len(templates). The templates must be ids first_id, first_id + 1,
    ..., so the first copies are the originals."""
    assert templates == list(range(first_id, first_id + len(templates))), templates
    copies_of = {t: range(t, first_id + n_copies, len(templates)) for t in templates}
    records = [(json.loads(line), line.rstrip("\n") + "\n") for line in lines if line.strip()]
    more_on = {}  # day -> tickets the copies add to its opened count
    for r, _ in records:
        if r["kind"] == "ticket" and r["id"] in copies_of:
            day = time.strftime("%Y-%m-%d", time.gmtime(r["created_ms"] // 1000))
            more_on[day] = more_on.get(day, 0) + len(copies_of[r["id"]]) - 1
    assert sum(more_on.values()) == n_copies - len(templates), more_on

    def expand(r, line):
        """(sort key, line) of r and of its copies, in key order."""
        kind = r["kind"]
        if kind == "ticket":
            if r["id"] not in copies_of:
                yield (r["id"],), line
                return
            head, tail = spliced(r, "id")
            for i in copies_of[r["id"]]:
                yield (i,), f"{head}{i}{tail}\n"
        elif kind == "event":
            if r["ticket_id"] not in copies_of:
                yield (r["ticket_id"], r["seq"]), line
                return
            head, tail = spliced(r, "ticket_id")
            for i in copies_of[r["ticket_id"]]:
                yield (i, r["seq"]), f"{head}{i}{tail}\n"
        elif kind == "raw":
            key = r["key_hex"]
            owner, at = key_owner(r["db"], bytes.fromhex(key), templates)
            if owner not in copies_of:
                yield (key,), line
                return
            head, tail = spliced(r, "key_hex")
            before, after = key[:2 * at], key[2 * at + 16:]
            for i in copies_of[owner]:
                k = f"{before}{i:016x}{after}"
                yield (k,), f'{head}"{k}"{tail}\n'
        elif kind == "seq" and r["name"] == "ticket":
            assert r["value"] < first_id + len(templates), r
            yield (), encode({**r, "value": first_id + n_copies - 1}) + "\n"
        elif kind == "day" and r["date"] in more_on:
            yield (), encode({**r, "opened": r["opened"] + more_on[r["date"]]}) + "\n"
        else:
            yield (), line

    # the lines of one kind (and table) stay together and in key order,
    # as dump writes them; each record's copies come in key order already
    for _, group in itertools.groupby(records, key=lambda rl: (rl[0]["kind"], rl[0].get("db"))):
        for _, line in heapq.merge(*(expand(r, line) for r, line in group),
                                   key=lambda kv: kv[0]):
            yield line


def restore(data, lines):
    """deskctl restore - into data, fed as the lines come (the dump is
    large)."""
    with tempfile.TemporaryFile("w+") as err:
        p = subprocess.Popen([DESKCTL, "--data", data, "restore", "-"], stdin=subprocess.PIPE,
                             stdout=subprocess.DEVNULL, stderr=err, text=True)
        try:
            with p.stdin:
                for chunk in iter(lambda: "".join(itertools.islice(lines, 4096)), ""):
                    p.stdin.write(chunk)
        except BrokenPipeError:
            pass  # restore stopped early: its status and message say why
        except BaseException:
            p.kill()  # the lines failed: no restore of part of them
            p.wait()
            raise
        rc = p.wait(timeout=900)
        err.seek(0)
        assert rc == 0, f"deskctl restore failed ({rc}): {err.read()}"


def entries(data):
    """Entries per table (deskctl stats)."""
    return json.loads(ctl(data, "--json", "stats").stdout)["entries"]


@test
def start_up_and_timer_work_do_not_grow_with_100000_tickets():
    began = time.monotonic()

    def took(what):  # where the time goes, for the test log
        print(f"# {what}: {time.monotonic() - began:.1f} s", flush=True)

    # No escalation contacts: each breach would mail them, a hundred
    # thousand messages that tell nothing about the timers (the mail tests
    # cover that path).
    w = Clocked(escalation="")
    d = w.d
    try:
        # one ticket ten minutes before the others: its triage falls due
        # alone; the others differ in requester and priority
        early = w.ticket()["ref"]
        w.set(T0 + 10 * MIN)
        later = [w.ticket()["ref"], w.ticket(d.token_client("bob"))["ref"],
                 w.ticket(impact=1, urgency=1)["ref"]]
        ids = [int(ref.split("-")[1]) for ref in later]
        w.restart()
        read_small = log_int(d.log_lines("sla_timers_armed")[-1], "entries_read")
        d.stop()
        dump = ctl(d.data, "dump").stdout.splitlines()
        deadline_kinds = {bytes.fromhex(json.loads(line)["key_hex"])[0] for line in dump
                          if '"kind":"raw","db":"deadlines"' in line}
        # warnings and breaches of response and resolution, and triage
        assert len(deadline_kinds) >= 5, deadline_kinds
        # start-up reads the first entry of each kind it keeps a timer for
        assert 1 <= read_small <= len(deadline_kinds), (read_small, deadline_kinds)

        # all but the early ticket are copies of the later ones
        big = os.path.join(d.dir, "data-100k")
        restore(big, multiply(dump, ids, N_TICKETS - 1, ids[0]))
        took("restored")
        report = json.loads(ctl(big, "verify", "--json").stdout)
        assert report["ok"] is True and report["problem_count"] == 0, report
        took("verified")
        before = entries(big)
        assert before["tickets"] == before["sla"] == N_TICKETS, before
        d.data = big
        w.start()

        # start-up reads one entry per kind, as with four tickets
        armed = d.log_lines("sla_timers_armed")[-1]
        assert log_int(armed, "entries_read") == read_small, (armed, read_small)
        assert log_int(armed, "entries_read") <= log_int(armed, "kinds"), armed
        r = w.agent.get("/api/v1/tickets?view=all")
        assert r.status == 200, r
        assert sum(r.full_json["counts"]["priority"].values()) == N_TICKETS, r.full_json
        # a sample: the first and last copies of each template, and a
        # stretch in the middle
        refs = [f"HD-{i}" for i in range(ids[0], ids[0] + N_TICKETS - 1)]
        k = 4 * len(ids)
        sample = refs[:k] + refs[len(refs) // 2:len(refs) // 2 + k] + refs[-k:]
        for ref in sample:
            s = w.get(ref)["sla"]
            assert s["triage"]["state"] == "running" and not s["triage"]["breached"], (ref, s)

        # the whole list as CSV streams in constant memory
        pid, peak, exporting = d.proc.pid, [], [True]
        base = rss_anon_kb(pid)

        def watch():
            while exporting[0]:
                peak.append(rss_anon_kb(pid))
                time.sleep(0.05)
        watcher = threading.Thread(target=watch)
        watcher.start()
        try:
            r = w.agent.get("/api/v1/tickets/export?format=csv&view=all")
        finally:
            exporting[0] = False
            watcher.join()
        assert r.status == 200 and r.header("Transfer-Encoding") == "chunked", r.headers
        assert r.data.count(b"\r\n") == N_TICKETS + 1, r.data[-200:]
        took(f"exported, deskd RssAnon {base} KiB, at most {max(peak)} KiB while exporting")
        if not sanitized(pid):
            assert max(peak) - base < 24 * 1024, (base, max(peak))
        # a search over all of them: a word every ticket holds pages like
        # the list, and a wildcard finds the same
        for q in ("printer", "print*", "*rinte*"):
            r = w.agent.get(f"/api/v1/tickets?view=all&limit=100&q={q}")
            assert r.status == 200 and len(r.full_json["tickets"]) == 100, r
            assert r.full_json["next_cursor"], r.full_json
        took("searched")

        def runs(since, kind=None):
            return [line for line in d.log_lines("sla_timer_run")[since:]
                    if kind is None or f" kind={kind} " in line]

        def handled(lines):
            return sum(log_int(line, "handled") for line in lines)

        # exactly one ticket's deadline falls due: one is handled
        n = len(d.log_lines("sla_timer_run"))
        w.set(T0 + 15 * MIN)
        wait_for(lambda: w.sla_events(early) == ["triage_breach"], what="early triage")
        wait_for(lambda: runs(n, "triage_breach"), what="triage timer run")
        assert handled(runs(n)) == 1, runs(n)

        # the triage of all the others falls due at once: handled in runs
        # of a bounded size, each ticket once
        n = len(d.log_lines("sla_timer_run"))
        w.set(T0 + 25 * MIN)
        wait_for(lambda: handled(runs(n, "triage_breach")) >= N_TICKETS - 1, timeout=900,
                 interval=0.5, what="all triage breaches")
        took("all handled")
        batch = runs(n, "triage_breach")
        assert handled(batch) == N_TICKETS - 1, len(batch)
        assert max(log_int(line, "handled") for line in batch) <= SLA_BATCH, batch
        assert handled(runs(n)) == N_TICKETS - 1, runs(n)
        for ref in sample:
            s = w.get(ref)["sla"]["triage"]
            assert s["breached"] is True and s["state"] == "running", (ref, s)
            assert w.sla_events(ref) == ["triage_breach"], (ref, w.sla_events(ref))
        d.stop()
        # and the timelines grew by exactly one event per ticket: with one
        # triage entry each, every ticket got its breach event once
        after = entries(big)
        assert after["events"] - before["events"] == N_TICKETS, (before, after)
    finally:
        w.close()


if __name__ == "__main__":
    run()

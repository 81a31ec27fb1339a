"""The benchmark's data generator (tools/benchmark/generate.py): what it
writes restores into a data directory that deskctl verify accepts, and
deskd serves it as the manifest describes (the people the benchmark acts
as sign in with the shared password; lists, tickets and the export hold
what the benchmark expects)."""

import json
import os
import subprocess
import sys

from harness import DESKCTL, Deskd, run, test

SOURCE = os.environ.get("DESKD_SOURCE", ".")
GENERATE = os.path.join(SOURCE, "tools", "benchmark", "generate.py")


def generated():
    d = Deskd(init=False)
    p = subprocess.run([sys.executable, GENERATE, "--deskctl", DESKCTL, "--data", d.data,
                        "--scale", "0.0005", "--seed", "7"],
                       capture_output=True, text=True, timeout=300)
    assert p.returncode == 0, p.stderr
    assert "records/s" in p.stderr, p.stderr
    with open(os.path.join(d.data, "bench-manifest.json")) as f:
        return d, json.load(f)


def token(d, email):
    return json.loads(d.ctl("--json", "token", "add", "--email", email).stdout)["token"]


@test
def generated_data_restores_verifies_and_serves_as_described():
    d, m = generated()
    try:
        assert m["tickets"] == 500 and m["events"] >= 500 and m["orgs"] == 3, m
        stats = d.ctl("stats").stdout
        assert any(line.split()[:2] == ["tickets", "500"] for line in stats.splitlines()), stats
        v = d.ctl("verify", check=False)
        assert v.returncode == 0, v.stdout + v.stderr
        d.start()
        cust = m["actors"]["customer"]
        r = d.request("POST", "/api/v1/session",
                      {"email": cust["email"], "password": cust["password"]})
        assert r.status == 200, r
        cookie = r.header("Set-Cookie").split(";")[0]
        r = d.request("GET", "/api/v1/tickets?view=open", headers={"Cookie": cookie})
        assert r.status == 200, r
        assert r.json["matched"] == m["customer_open_tickets"], (r.json["matched"], m)
        agent = {"Authorization": "Bearer " + token(d, m["actors"]["agent"]["email"])}
        for ref in m["sample_refs"][:20]:
            r = d.request("GET", "/api/v1/tickets/" + ref, headers=agent)
            assert r.status == 200 and r.json["ticket"]["timeline"], (ref, r)
        e = m["export"]
        r = d.request("GET", "/api/v1/tickets/export?format=csv&view=%s&assignee=%d"
                      % (e["view"], e["assignee"]), headers=agent)
        assert r.status == 200, r
        assert r.body.count("\r\n") - 1 == e["rows"], (r.body.count("\r\n"), e)
        # the customer may comment on the tickets the benchmark picks
        r = d.request("POST", "/api/v1/tickets/%s/comments" % m["comment_refs"][0],
                      {"body": "Still happening."},
                      headers={"Authorization": "Bearer " + token(d, cust["email"])})
        assert r.status == 201, r
    finally:
        d.close()


if __name__ == "__main__":
    run()

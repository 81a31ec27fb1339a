"""GET /metrics: who may read it (a direct loopback client or an admin,
never through a proxy for anyone else), and that what it counts follows
what deskd did: requests by route and status, latencies, open connections,
table entries."""

import http.client
import re

from harness import FAST_CONFIG, check_error, run, test, wait_for, world

XFF = {"X-Forwarded-For": "203.0.113.9"}


def metrics(d, headers=None, client=None):
    r = (client.get("/metrics", headers=headers) if client
         else d.request("GET", "/metrics", headers=headers))
    assert r.status == 200, r
    assert r.header("Content-Type").startswith("text/plain; version=0.0.4"), r.headers
    return r.body


def value(text, name, **labels):
    """The sample of metric name with exactly these labels (None: absent)."""
    for line in text.splitlines():
        if line.startswith("#") or not line.startswith(name):
            continue
        m = re.match(r"^([a-z_]+)(?:\{(.*)\})? (\S+)$", line)
        assert m, f"not an exposition line: {line!r}"
        if m.group(1) != name:
            continue
        got = dict(re.findall(r'(\w+)="((?:[^"\\]|\\.)*)"', m.group(2) or ""))
        if got == {k: str(v) for k, v in labels.items()}:
            return float(m.group(3))
    return None


@test
def test_who_may_read_the_metrics():
    d = world()
    try:
        assert "deskd_http_requests_total" in metrics(d)
        # relayed by a proxy on this machine: not a loopback client any more
        check_error(d.request("GET", "/metrics", headers=XFF), 404, "not_found")
        check_error(d.request("GET", "/metrics", headers={"Forwarded": "for=203.0.113.9"}),
                    404, "not_found")
        for who in ("alice", "olga", "agent"):
            check_error(d.token_client(who).get("/metrics", headers=XFF), 404, "not_found")
        assert "deskd_db_entries" in metrics(d, XFF, d.token_client("admin"))
        # it takes no body and no other method
        check_error(d.request("GET", "/metrics", raw=b"x", headers={"Content-Type": "text/plain"}),
                    400, "unexpected_body")
        check_error(d.request("POST", "/metrics", {}), 405, "method_not_allowed")
        # the 404s above were counted under their route, not as unknown paths
        text = metrics(d)
        assert value(text, "deskd_http_requests_total", method="GET", route="/metrics",
                     status=404) >= 5, text
    finally:
        d.close()


@test
def test_requests_latencies_and_tables_are_counted():
    d = world()
    try:
        alice = d.login("alice")
        before = metrics(d)
        n_me = value(before, "deskd_http_requests_total", method="GET", route="/api/v1/me",
                     status=200) or 0
        for _ in range(3):
            assert alice.get("/api/v1/me").status == 200
        check_error(d.request("GET", "/api/v1/me"), 401)
        check_error(d.request("GET", "/api/v1/nothing-here"), 404)
        for i in range(4):
            alice.create_ticket(title=f"metrics {i}")
        text = metrics(d)
        assert value(text, "deskd_http_requests_total", method="GET", route="/api/v1/me",
                     status=200) == n_me + 3, text
        assert value(text, "deskd_http_requests_total", method="GET", route="/api/v1/me",
                     status=401) >= 1
        assert value(text, "deskd_http_requests_total", method="GET", route="unmatched",
                     status=404) >= 1
        assert value(text, "deskd_http_requests_total", method="POST", route="/api/v1/tickets",
                     status=201) == 4, text
        # the histogram is cumulative and ends with every request counted
        count = value(text, "deskd_http_request_seconds_count", method="POST",
                      route="/api/v1/tickets")
        inf = value(text, "deskd_http_request_seconds_bucket", method="POST",
                    route="/api/v1/tickets", le="+Inf")
        small = value(text, "deskd_http_request_seconds_bucket", method="POST",
                      route="/api/v1/tickets", le="0.001")
        assert count == inf == 4 and small <= inf, text
        assert value(text, "deskd_http_request_seconds_sum", method="POST",
                     route="/api/v1/tickets") > 0
        assert value(text, "deskd_db_entries", table="tickets") == 4
        assert value(text, "deskd_db_used_bytes") <= value(text, "deskd_db_map_bytes")
        assert value(text, "deskd_sla_breaches_total") == 0
    finally:
        d.close()


@test
def test_open_connections_follow_the_clients():
    d = world()
    try:
        base = value(metrics(d), "deskd_http_connections_open")
        held = []
        for _ in range(3):
            c = http.client.HTTPConnection("127.0.0.1", d.port, timeout=10)
            c.request("GET", "/healthz")
            assert c.getresponse().read()
            held.append(c)
        assert value(metrics(d), "deskd_http_connections_open") == base + 3
        for c in held:
            c.close()
        wait_for(lambda: value(metrics(d), "deskd_http_connections_open") == base,
                 what="closed connections to be counted out")
    finally:
        d.close()


@test
def test_the_client_behind_a_trusted_proxy():
    """With trust_proxy, the client a loopback proxy names last in
    X-Forwarded-For is the peer (logs, rate limits); earlier entries, which
    the client wrote itself, and junk are not believed. /metrics stays
    closed to relayed requests."""
    for trust in (True, False):
        d = world(config=FAST_CONFIG + ("[server]\ntrust_proxy = yes\n" if trust else ""))
        try:
            for xff in ("198.51.100.1, 203.0.113.7", "2001:db8::7", "not-an-address", ""):
                assert d.request("GET", "/healthz", headers={"X-Forwarded-For": xff}).status == 200
            check_error(d.request("GET", "/metrics", headers={"X-Forwarded-For": "127.0.0.1"}),
                        404, "not_found")
            lines = wait_for(lambda: [l for l in d.log_lines("request") if "path=/healthz" in l]
                             if len(d.log_lines("request")) >= 5 else None, what="request log")
            peers = [l.split("peer=")[1].split()[0] for l in lines]
            if trust:
                assert peers[0] == "203.0.113.7:0" and peers[1] == "2001:db8::7:0", peers
                assert all(p.startswith("127.0.0.1:") for p in peers[2:]), peers
            else:
                assert all(p.startswith("127.0.0.1:") for p in peers), peers
        finally:
            d.close()


if __name__ == "__main__":
    run()

"""The portal's static files: types, security and caching headers, 304s,
HEAD, and every way of reaching outside the directory (.., encoded forms,
NUL, symbolic links, directories, special files) answering a JSON error
without leaking a byte. deskd serves a temporary directory the tests fill
themselves."""

import os
import shutil
import subprocess
import tempfile
import time

from harness import (DESKD, FAST_CONFIG, Deskd, check_error, parse_raw_response, run, test,
                     wait_for)

PAGE_CSP = ("default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
            "connect-src 'self'; font-src 'self'; object-src 'none'; base-uri 'none'; "
            "form-action 'self'; frame-ancestors 'none'")
API_CSP = "default-src 'none'; frame-ancestors 'none'"
SECRET = b"TOP-SECRET-5f3a9c"

FILES = {
    "index.html": (b"<!doctype html><title>portal</title><script src=app.js></script>",
                   "text/html; charset=utf-8", "no-cache"),
    "app.js": (b"import './mod.mjs';\n", "text/javascript; charset=utf-8", "no-cache"),
    "mod.mjs": (b"export const x = 1;\n", "text/javascript; charset=utf-8", "no-cache"),
    "style.css": (b"body{margin:0}\n", "text/css; charset=utf-8", "no-cache"),
    "i18n/nl.json": (b'{"hello":"hallo"}\n', "application/json; charset=utf-8", "no-cache"),
    "robots.txt": (b"User-agent: *\n", "text/plain; charset=utf-8", "no-cache"),
    "icon.svg": (b"<svg xmlns='http://www.w3.org/2000/svg'/>", "image/svg+xml", "max-age=3600"),
    "logo.png": (b"\x89PNG\r\n\x1a\n" + bytes(range(256)), "image/png", "max-age=3600"),
    "favicon.ico": (b"\x00\x00\x01\x00" + b"\xff" * 40, "image/x-icon", "max-age=3600"),
    "fonts/a.woff2": (b"wOF2" + b"\x00" * 64, "font/woff2", "max-age=3600"),
    "sub/index.html": (b"<p>sub page</p>", "text/html; charset=utf-8", "no-cache"),
}


class Site:
    """A temporary portal directory next to a secret file, and a deskd
    serving it."""

    def __init__(self, start=True):
        self.root = tempfile.mkdtemp(prefix="deskd-www-")
        self.www = os.path.join(self.root, "www")
        os.mkdir(self.www)
        for name, (data, _, _) in FILES.items():
            path = os.path.join(self.www, name)
            os.makedirs(os.path.dirname(path), exist_ok=True)
            with open(path, "wb") as f:
                f.write(data)
        outside = os.path.join(self.root, "outside")
        os.mkdir(outside)
        for p in (os.path.join(self.root, "secret.txt"), os.path.join(outside, "secret.txt"),
                  os.path.join(self.www, ".hidden.txt")):
            with open(p, "wb") as f:
                f.write(SECRET)
        os.mkdir(os.path.join(self.www, ".git"))
        with open(os.path.join(self.www, ".git", "config.txt"), "wb") as f:
            f.write(SECRET)
        os.mkdir(os.path.join(self.www, "empty"))
        os.mkdir(os.path.join(self.www, "api"))
        with open(os.path.join(self.www, "api", "x.json"), "wb") as f:
            f.write(SECRET)
        with open(os.path.join(self.www, "healthz"), "wb") as f:
            f.write(SECRET)
        with open(os.path.join(self.www, "notes.bak"), "wb") as f:
            f.write(SECRET)
        os.symlink(os.path.join(self.root, "secret.txt"), os.path.join(self.www, "link.txt"))
        os.symlink(outside, os.path.join(self.www, "linkdir"))
        os.symlink("index.html", os.path.join(self.www, "inside-link.html"))
        os.mkfifo(os.path.join(self.www, "fifo.txt"))
        with open(os.path.join(self.www, "big.js"), "wb") as f:
            f.truncate(8 * 1024 * 1024 + 1)
        self.d = Deskd(config=FAST_CONFIG)
        if start:
            self.d.start(("--www", self.www))

    def close(self):
        try:
            self.d.close()
        finally:
            shutil.rmtree(self.root, ignore_errors=True)


def raw_get(d, target, method="GET"):
    """Sends the request line as given (no client-side normalisation)."""
    data = d.raw(f"{method} {target} HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n"
                 .encode("latin-1"))
    assert data, f"no answer to {target}"
    return parse_raw_response(data)


@test
def test_files_are_served_with_their_type_and_page_headers():
    s = Site()
    try:
        for name, (data, ctype, cache) in FILES.items():
            r = s.d.request("GET", "/" + name)
            assert r.status == 200, (name, r)
            assert r.data == data, name
            assert r.header("Content-Type") == ctype, (name, r.headers)
            assert r.header("Content-Security-Policy") == PAGE_CSP, (name, r.headers)
            assert r.header("X-Content-Type-Options") == "nosniff"
            assert r.header("Referrer-Policy") == "no-referrer"
            assert r.header("X-Frame-Options") == "DENY"
            assert r.headers_all("Cache-Control") == [cache], (name, r.headers)
            assert r.header("ETag").startswith('"') and r.header("Last-Modified"), r.headers
        root = s.d.request("GET", "/")
        assert root.status == 200 and root.data == FILES["index.html"][0], root
        assert root.header("Content-Security-Policy") == PAGE_CSP
        sub = s.d.request("GET", "/sub/")
        assert sub.status == 200 and sub.data == FILES["sub/index.html"][0], sub
        # a symbolic link is never followed, even one that stays inside
        check_error(s.d.request("GET", "/inside-link.html"), 404, "not_found")
        # the API keeps its own, stricter policy and no-store
        for path in ("/healthz", "/api/v1/me"):
            r = s.d.request("GET", path)
            assert r.header("Content-Security-Policy") == API_CSP, (path, r.headers)
            assert r.header("Cache-Control") == "no-store", (path, r.headers)
        assert s.d.request("GET", "/healthz").json == {"status": "ok"}
        # static requests pass the one request entry: they are logged
        wait_for(lambda: [l for l in s.d.log_lines("request")
                          if "path=/app.js" in l and "status=200" in l], what="request log")
    finally:
        s.close()


@test
def test_revalidation_and_head():
    s = Site()
    try:
        r = s.d.request("GET", "/app.js")
        etag, modified = r.header("ETag"), r.header("Last-Modified")
        for hdrs in ({"If-None-Match": etag}, {"If-None-Match": "W/" + etag},
                     {"If-None-Match": '"other", ' + etag}, {"If-Modified-Since": modified}):
            c = s.d.request("GET", "/app.js", headers=hdrs)
            assert c.status == 304 and c.data == b"", (hdrs, c)
            assert c.header("ETag") == etag and c.header("Content-Security-Policy") == PAGE_CSP
        for hdrs in ({"If-None-Match": '"other"'},
                     {"If-Modified-Since": "Thu, 01 Jan 1970 00:00:00 GMT"},
                     {"If-Modified-Since": "yesterday"}):
            assert s.d.request("GET", "/app.js", headers=hdrs).status == 200, hdrs
        # a changed file has a new tag and is sent again
        time.sleep(0.01)
        with open(os.path.join(s.www, "app.js"), "wb") as f:
            f.write(b"// v2\n")
        c = s.d.request("GET", "/app.js", headers={"If-None-Match": etag})
        assert c.status == 200 and c.data == b"// v2\n" and c.header("ETag") != etag, c

        h = s.d.request("HEAD", "/index.html")
        assert h.status == 200 and h.data == b"", h
        assert int(h.header("Content-Length")) == len(FILES["index.html"][0]), h.headers
        assert h.header("Content-Type") == "text/html; charset=utf-8"
        assert h.header("Content-Security-Policy") == PAGE_CSP
        status, headers, body = raw_get(s.d, "/index.html", "HEAD")
        assert status == 200 and body == b"", (status, body)
        h = s.d.request("HEAD", "/nothing.html")
        assert h.status == 404 and h.data == b"", h
        # HEAD on an API route: the GET answer without its body
        g, h = s.d.request("GET", "/healthz"), s.d.request("HEAD", "/healthz")
        assert h.status == 200 and h.data == b"", h
        assert int(h.header("Content-Length")) == len(g.data)
    finally:
        s.close()


TRAVERSALS = [
    "/../secret.txt", "/%2e%2e/secret.txt", "/%2E%2E/secret.txt", "/..%2fsecret.txt",
    "/..%2Fsecret.txt", "/%2e%2e%2fsecret.txt", "/sub/../../secret.txt",
    "/sub/%2e%2e/%2e%2e/secret.txt", "/./../secret.txt", "/.%2e/secret.txt",
    "/..\\secret.txt", "/..%5csecret.txt", "/%252e%252e/secret.txt",
    "/....//secret.txt", "//secret.txt", "/%2f..%2fsecret.txt",
    "/link.txt", "/linkdir/secret.txt", "/linkdir/", "/linkdir",
    "/.hidden.txt", "/.git/config.txt", "/%2egit/config.txt",
    "/secret.txt%00.html", "/index.html%00", "/%00", "/%00/../secret.txt",
    "/empty", "/empty/", "/sub", "/i18n", "/i18n/", "/fifo.txt", "/notes.bak", "/big.js",
    "/index.html/", "/index.html/x", "/nothing.html", "/" + "a" * 2000 + ".html",
    "/" + "a/" * 600 + "x.html", "/%ff%fe.html", "http://x/../secret.txt",
    "/api/x.json", "/api/v1/x.json", "/healthz/",
    # overlong UTF-8 dots, mixed and doubled encodings, backslashes
    "/%c0%ae%c0%ae/secret.txt", "/%e0%80%ae%e0%80%ae/secret.txt", "/..%252fsecret.txt",
    "/%25%32%65%25%32%65/secret.txt", "/.%2e%2f.%2e%2fsecret.txt",
    "/sub/%2e%2e%2f%2e%2e%2fsecret.txt", "/sub/..%5c..%5csecret.txt",
    "/%2e%2e%5c%2e%2e%5csecret.txt", "/sub\\..\\..\\secret.txt", "/..;/secret.txt",
    "/sub/..%00/secret.txt", "/%2e%2e%2f%2e%2e%2f%2e%2e%2fetc%2fpasswd",
]


@test
def test_nothing_outside_the_directory_leaks():
    s = Site()
    try:
        for target in TRAVERSALS:
            for method in ("GET", "HEAD"):
                status, headers, body = raw_get(s.d, target, method)
                assert SECRET not in body, (target, body[:200])
                assert status in (400, 404), (target, method, status, body[:200])
                if method == "GET":
                    assert headers.get("content-type", "").startswith("application/json"), \
                        (target, headers)
                    assert b'"error"' in body, (target, body[:200])
        # a path that is not UTF-8 is logged escaped, so the log stays readable
        wait_for(lambda: [l for l in s.d.log_lines("request") if r'path="/\xff\xfe.html"' in l],
                 what="escaped path in the request log")
        # through the client too (it may normalise some forms itself)
        for target in ("/../secret.txt", "/%2e%2e/secret.txt", "/..%2fsecret.txt"):
            r = s.d.request("GET", target)
            assert SECRET not in r.data, target
            check_error(r, 404 if r.status == 404 else 400)
        # /healthz and /api/ are never files, whatever the directory holds
        assert s.d.request("GET", "/healthz").json == {"status": "ok"}
        check_error(s.d.request("GET", "/api/v1/x.json"), 404, "not_found")
        # other methods are not for files
        for method in ("POST", "PUT", "DELETE", "PATCH"):
            r = s.d.request(method, "/index.html", raw=b"x")
            assert r.status in (404, 405) and SECRET not in r.data, (method, r)
            check_error(r, r.status)
        # the daemon is fine afterwards
        assert s.d.request("GET", "/").status == 200
    finally:
        s.close()


@test
def test_without_a_directory_only_the_api_answers():
    s = Site(start=False)
    try:
        s.d.start()
        for path in ("/", "/index.html", "/app.js"):
            check_error(s.d.request("GET", path), 404, "not_found")
        assert s.d.request("GET", "/healthz").status == 200
        s.d.stop()
        # the same directory named in the configuration file
        with open(s.d.config, "a") as f:
            f.write(f"\n[server]\nwww_dir = {s.www}\n")
        s.d.start()
        r = s.d.request("GET", "/")
        assert r.status == 200 and r.header("Content-Security-Policy") == PAGE_CSP, r
        s.d.stop()
        # a directory that is not there stops deskd at start, naming it
        for bad in (os.path.join(s.root, "missing"), os.path.join(s.www, "index.html")):
            p = subprocess.run([DESKD, "--data", s.d.data, "--listen", "127.0.0.1:0",
                                "--www", bad], capture_output=True, text=True, timeout=30)
            assert p.returncode == 2, p
            assert "bad_www_dir" in p.stderr and bad in p.stderr, p.stderr
    finally:
        s.close()


if __name__ == "__main__":
    run()

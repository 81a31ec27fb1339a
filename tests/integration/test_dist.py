"""What an administrator installs: `meson install` puts deskd, deskctl, the
portal and the service files where the systemd unit and the docs say, the
installed deskd serves the installed portal, and systemd accepts the unit."""

import os
import re
import shutil
import subprocess
import tempfile

from harness import DESKD, FAST_CONFIG, Deskd, run, test

SOURCE = os.environ.get("DESKD_SOURCE", ".")
BUILD = os.path.dirname(os.path.dirname(os.path.abspath(DESKD)))
PREFIX = "/usr/local"


def unit_lines():
    with open(os.path.join(SOURCE, "dist", "deskd.service")) as f:
        return f.read().splitlines()


@test
def test_install_puts_everything_where_the_unit_looks():
    dest = tempfile.mkdtemp(prefix="deskd-install-")
    try:
        p = subprocess.run(["meson", "install", "-C", BUILD, "--destdir", dest, "--no-rebuild",
                            "--quiet"], capture_output=True, text=True)
        assert p.returncode == 0, p.stdout + p.stderr
        root = dest + PREFIX
        for rel in ("bin/deskd", "bin/deskctl", "share/deskd/www/index.html",
                    "share/doc/deskd/deskd.service", "share/doc/deskd/nginx-deskd.conf",
                    "share/doc/deskd/deskd.conf.example", "share/doc/deskd/OPERATIONS.md"):
            assert os.path.exists(os.path.join(root, rel)), rel
        # the unit starts the installed binary with the installed portal
        start = [l for l in unit_lines() if l.startswith("ExecStart=")][0]
        argv = start.split("=", 1)[1].split()
        assert argv[0] == PREFIX + "/bin/deskd", argv
        www = argv[argv.index("--www") + 1]
        assert os.path.isdir(dest + www), www
        # and that deskd serves that portal
        d = Deskd(config=FAST_CONFIG)
        try:
            d.start(("--www", dest + www))
            r = d.request("GET", "/")
            assert r.status == 200 and b"<!doctype html>" in r.data.lower()[:200], r
        finally:
            d.close()
    finally:
        shutil.rmtree(dest, ignore_errors=True)


@test
def test_systemd_accepts_the_unit():
    with tempfile.TemporaryDirectory() as tmp:
        # verify checks that ExecStart exists: point it at the built deskd
        lines = [l.replace(PREFIX + "/bin/deskd", os.path.abspath(DESKD))
                 if l.startswith("ExecStart=") else l for l in unit_lines()]
        unit = os.path.join(tmp, "deskd.service")
        with open(unit, "w") as f:
            f.write("\n".join(lines) + "\n")
        p = subprocess.run(["systemd-analyze", "verify", unit], capture_output=True, text=True)
        assert p.returncode == 0 and not p.stderr.strip(), p.stdout + p.stderr
        text = "\n".join(lines)
        for hardening in ("NoNewPrivileges=yes", "ProtectSystem=strict", "PrivateTmp=yes",
                          "CapabilityBoundingSet=\n", "SystemCallFilter=@system-service"):
            assert hardening in text + "\n", hardening


@test
def test_every_option_is_documented():
    """Each row of deskd's option table (daemon/config.c) is described in
    docs/CONFIGURATION.md and shown in its section of deskd.conf.example,
    and the example holds nothing deskd does not know: deskd starts with it."""
    with open(os.path.join(SOURCE, "daemon", "config.c")) as f:
        options = re.findall(r'\b(?:STR|NUM|BOOL)\("(\w+)", "(\w+)"', f.read())
    assert len(options) > 20, options
    with open(os.path.join(SOURCE, "docs", "CONFIGURATION.md")) as f:
        rows = {}
        for line in f:
            cells = [c.strip() for c in line.split("|")]
            if len(cells) > 3 and cells[1] and cells[2]:
                for name in cells[2].split(","):
                    rows.setdefault(cells[1], set()).add(name.strip())
    example_path = os.path.join(SOURCE, "deskd.conf.example")
    with open(example_path) as f:
        example = f.read()
    sections = dict(re.findall(r"^\[(\w+)\]\n(.*?)(?=^\[|\Z)", example, re.S | re.M))
    for section, name in options:
        assert name in rows.get(section, set()), f"[{section}] {name} not in CONFIGURATION.md"
        assert re.search(r"^#?\s*" + name + r"\s*=", sections.get(section, ""), re.M), \
            f"[{section}] {name} not in deskd.conf.example"
    # the example as shipped is a configuration deskd accepts
    d = Deskd(config=example)
    try:
        d.start()
        assert d.request("GET", "/healthz").status == 200
    finally:
        d.close()


if __name__ == "__main__":
    run()

"""The progress bar of deskctl's long commands (dump, restore, backup,
verify): drawn on standard error when that is a terminal, never into a
pipe, and never into the command's own output."""

import os
import pty
import re
import select
import subprocess

from harness import DESKCTL, run, test, world


def on_terminal(args, stdin=None):
    """Runs deskctl with stderr on a pseudo-terminal: (process, what the
    terminal showed)."""
    master, slave = pty.openpty()
    try:
        p = subprocess.run([DESKCTL, *args], stdout=subprocess.PIPE, stderr=slave,
                           stdin=stdin, timeout=120)
        out = b""
        while select.select([master], [], [], 0.2)[0]:
            try:
                chunk = os.read(master, 65536)
            except OSError:
                break
            if not chunk:
                break
            out += chunk
    finally:
        os.close(slave)
        os.close(master)
    return p, out.decode(errors="replace")


def finished(text, label):
    """The bar was drawn and ended full."""
    assert f"{label} [" in text and "100%" in text, text
    done = re.findall(r"(\d+)/(\d+)", text)
    assert done and done[-1][0] == done[-1][1], text


@test
def test_every_long_command_shows_a_bar_on_a_terminal_and_none_in_a_pipe():
    d = world()
    try:
        alice = d.login("alice")
        for i in range(30):
            alice.create_ticket(f"Ticket {i}", "Body")
        d.stop()
        dump = os.path.join(d.dir, "dump.jsonl")
        # dump
        p, text = on_terminal(["--data", d.data, "dump"])
        assert p.returncode == 0 and b"dump [" not in p.stdout
        finished(text, "dump")
        with open(dump, "wb") as f:
            f.write(p.stdout)
        # restore
        with open(dump, "rb") as f:
            p, text = on_terminal(["--data", os.path.join(d.dir, "restored"), "restore"],
                                  stdin=f)
        assert p.returncode == 0, p
        finished(text, "restore")
        # backup
        p, text = on_terminal(["--data", d.data, "backup", os.path.join(d.dir, "bk")])
        assert p.returncode == 0 and b"written to" in p.stdout, p
        finished(text, "backup")
        assert "backup [" not in p.stdout.decode()
        # verify
        p, text = on_terminal(["--data", d.data, "verify"])
        assert p.returncode == 0 and b"no problems" in p.stdout, p
        finished(text, "verify")
        assert "verify [" not in p.stdout.decode()
        # The same through pipes: nothing on stderr at all.
        for args in (["dump"], ["verify"], ["backup", os.path.join(d.dir, "bk2")]):
            q = subprocess.run([DESKCTL, "--data", d.data, *args], capture_output=True,
                               timeout=120)
            assert q.returncode == 0 and q.stderr == b"", (args, q.stderr)
        with open(dump, "rb") as f:
            q = subprocess.run([DESKCTL, "--data", os.path.join(d.dir, "r2"), "restore"],
                               stdin=f, capture_output=True, timeout=120)
        assert q.returncode == 0 and q.stderr == b"", q.stderr
    finally:
        d.close()


if __name__ == "__main__":
    run()

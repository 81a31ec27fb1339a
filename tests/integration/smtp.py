"""A loopback SMTP server for the integration tests (aiosmtpd, in a thread).

    with SmtpServer() as smtp:
        d = world(config=FAST_CONFIG + smtp.config())
        ...
        msg = smtp.wait_for(1)[0]        # a Received: envelope + parsed message
        assert msg.rcpt == "alice@acme.example"

Behaviour can be changed while it runs: refuse RCPT for some addresses
(refuse_rcpt), answer DATA with a temporary or permanent failure
(data_reply), or hold the reply to DATA until the test says so (hold_data),
which lets a test kill deskd between the server taking a message and deskd
hearing that it was accepted. stop() and start() take it down and up on the
same port. Also usable for a maildir: read_maildir(data_dir)."""

import asyncio
import email
import email.policy
import os
import socket
import threading
import time

from aiosmtpd.controller import Controller
from aiosmtpd.smtp import AuthResult


def free_port():
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    port = s.getsockname()[1]
    s.close()
    return port


class Received:
    """One message as the server received it: envelope and parsed message."""

    def __init__(self, mail_from, rcpt_tos, data, auth=None):
        self.mail_from = mail_from
        self.rcpt_tos = list(rcpt_tos)
        self.rcpt = self.rcpt_tos[0] if len(self.rcpt_tos) == 1 else None
        self.data = data
        self.auth = auth
        self.message = email.message_from_bytes(data, policy=email.policy.default)

    def __getitem__(self, header):
        return self.message[header]

    def text(self):
        """The text/plain part, decoded."""
        part = self.message.get_body(preferencelist=("plain",))
        return part.get_content() if part is not None else ""

    def html(self):
        part = self.message.get_body(preferencelist=("html",))
        return part.get_content() if part is not None else ""

    def __repr__(self):
        return f"<Received {self.mail_from} -> {self.rcpt_tos} {self['Subject']!r}>"


class _Handler:
    def __init__(self, server):
        self.s = server

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        code = self.s.refuse_rcpt.get(address.lower())
        if code:
            return code
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        auth = session.auth_data
        if isinstance(auth, AuthResult):
            auth = auth.auth_data
        got = Received(envelope.mail_from, envelope.rcpt_tos, envelope.content, auth)
        got.tls = session.ssl is not None
        with self.s.lock:
            self.s.data_seen.append(got)
        # held: the test decides when (and whether) the reply goes out
        while self.s.hold.is_set():
            await asyncio.sleep(0.02)
        reply = self.s.data_reply
        if reply.startswith("250"):
            with self.s.lock:
                self.s.messages.append(got)
        return reply


class SmtpServer:
    def __init__(self, port=None, user=None, password=None, start=True, tls_context=None):
        self.port = port or free_port()
        self.tls_context = tls_context  # offers STARTTLS and requires it
        self.user = user
        self.password = password
        self.lock = threading.Lock()
        self.messages = []       # accepted (250 to the end of data)
        self.data_seen = []      # every message that reached the end of data
        self.refuse_rcpt = {}    # lower-case address -> reply, e.g. "550 5.1.1 no"
        self.data_reply = "250 Message accepted for delivery"
        self.hold = threading.Event()
        self.auth_seen = []
        self.controller = None
        if start:
            self.start()

    def _authenticate(self, server, session, envelope, mechanism, auth_data):
        ok = (auth_data.login.decode() == self.user and
              auth_data.password.decode() == self.password)
        self.auth_seen.append((auth_data.login.decode(), ok))
        return AuthResult(success=ok, auth_data=auth_data.login.decode())

    def start(self):
        assert self.controller is None
        kw = {}
        if self.user:
            kw = dict(authenticator=self._authenticate, auth_required=True,
                      auth_require_tls=False)
        if self.tls_context:
            kw.update(tls_context=self.tls_context, require_starttls=True)
        self.controller = Controller(_Handler(self), hostname="127.0.0.1", port=self.port,
                                     ready_timeout=10, **kw)
        self.controller.start()
        return self

    def stop(self):
        if self.controller:
            self.hold.clear()
            self.controller.stop()
            self.controller = None

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.stop()

    def url(self):
        return f"smtp://127.0.0.1:{self.port}"

    def config(self, **extra):
        """A [mail] section sending through this server (retries quick)."""
        opts = {"smtp_url": self.url(), "retry_seconds": 1, "timeout_seconds": 10,
                "from": "Service desk <desk@deskd.example>"}
        if self.user:
            opts.update(smtp_user=self.user, smtp_password=self.password)
        opts.update(extra)
        return "\n[mail]\n" + "".join(f"{k} = {v}\n" for k, v in opts.items())

    def wait_for(self, n, timeout=20.0, rcpt=None):
        """Waits until n messages (to rcpt, when given) were accepted;
        returns them."""
        deadline = time.monotonic() + timeout
        while True:
            with self.lock:
                got = [m for m in self.messages if rcpt is None or rcpt in m.rcpt_tos]
            if len(got) >= n:
                return got
            if time.monotonic() > deadline:
                raise AssertionError(f"expected {n} messages, got {len(got)}: {got}")
            time.sleep(0.02)

    def wait_for_data(self, n, timeout=20.0):
        """Waits until n messages reached the end of data (accepted or not)."""
        deadline = time.monotonic() + timeout
        while True:
            with self.lock:
                got = list(self.data_seen)
            if len(got) >= n:
                return got
            if time.monotonic() > deadline:
                raise AssertionError(f"expected {n} messages at DATA, got {len(got)}")
            time.sleep(0.02)

    def clear(self):
        with self.lock:
            self.messages.clear()
            self.data_seen.clear()


def read_maildir(data_dir):
    """Messages deskd wrote into DATA/maildir/new, oldest first, each as a
    Received (the envelope from Return-Path and Delivered-To)."""
    new = os.path.join(data_dir, "maildir", "new")
    if not os.path.isdir(new):
        return []
    out = []
    for name in sorted(os.listdir(new), key=lambda n: (os.path.getmtime(os.path.join(new, n)), n)):
        with open(os.path.join(new, name), "rb") as f:
            data = f.read()
        msg = email.message_from_bytes(data, policy=email.policy.default)
        rp = str(msg["Return-Path"] or "").strip("<>")
        r = Received(rp, [str(msg["Delivered-To"] or "")], data)
        r.name = name
        out.append(r)
    return out


def wait_maildir(data_dir, n, timeout=20.0, rcpt=None):
    """Waits until DATA/maildir/new holds n messages (to rcpt, when given)."""
    deadline = time.monotonic() + timeout
    while True:
        got = [m for m in read_maildir(data_dir) if rcpt is None or rcpt in m.rcpt_tos]
        if len(got) >= n:
            return got
        if time.monotonic() > deadline:
            raise AssertionError(f"expected {n} messages in the maildir, got {len(got)}")
        time.sleep(0.02)

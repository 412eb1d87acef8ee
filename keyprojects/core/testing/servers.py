"""Real servers on loopback for the tests of what the platform sends out.

`smtp_server` is an aiosmtpd server on a free port, with Django's SMTP backend pointed at it;
its `messages` are the parsed mails (`body_of(message)` gives the text). `webhook_receiver` is
an http.server in a thread standing in for an SMS or chat gateway: it checks each request's
signature with its `secret`, answers the codes queued in `answers` (then 200) and keeps every
request in `requests`.
"""

import json
import socket
import threading
from dataclasses import dataclass, field
from email import message_from_bytes
from email.policy import default as default_policy
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class _Mailbox:
    """aiosmtpd handler: every message the server accepts, parsed (headers and body decoded)."""

    def __init__(self):
        self.messages = []

    async def handle_DATA(self, server, session, envelope):
        message = message_from_bytes(envelope.content, policy=default_policy)
        message.recipients = list(envelope.rcpt_tos)
        self.messages.append(message)
        return "250 Message accepted for delivery"


def body_of(message) -> str:
    return message.get_body(preferencelist=("plain",)).get_content()


@pytest.fixture
def smtp_server(settings):
    """A real SMTP server on a free loopback port, and Django's SMTP backend sending to it."""
    from aiosmtpd.controller import Controller

    mailbox = _Mailbox()
    controller = Controller(mailbox, hostname="127.0.0.1", port=free_port())
    controller.start()
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST = "127.0.0.1"
    settings.EMAIL_PORT = controller.port
    settings.EMAIL_HOST_USER = settings.EMAIL_HOST_PASSWORD = ""
    settings.EMAIL_USE_TLS = False
    settings.EMAIL_TIMEOUT = 5
    try:
        yield mailbox
    finally:
        controller.stop()


@dataclass
class Received:
    path: str
    headers: dict  # names in lower case
    body: bytes
    verified: bool
    status: int

    @property
    def json(self):
        return json.loads(self.body)


@dataclass
class Receiver:
    url: str
    secret: str
    answers: list = field(default_factory=list)  # status codes to answer in turn, then 200
    requests: list = field(default_factory=list)


@pytest.fixture
def webhook_receiver():
    """A gateway on a free loopback port: it checks each request's signature the way
    docs/operations.md tells a receiver to, records it, and answers the next code of `answers`."""
    from keyprojects.core.webhooks import SIGNATURE_HEADER, TIMESTAMP_HEADER, verify

    receiver = Receiver(url="", secret="gateway-shared-secret-0123456789")
    lock = threading.Lock()

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self):
            body = self.rfile.read(int(self.headers.get("Content-Length", 0)))
            verified = verify(
                receiver.secret, self.headers.get(TIMESTAMP_HEADER, ""), body, self.headers.get(SIGNATURE_HEADER, "")
            )
            with lock:
                status = receiver.answers.pop(0) if receiver.answers else 200
                if not verified:
                    status = 401
                headers = {k.lower(): v for k, v in self.headers.items()}
                receiver.requests.append(Received(self.path, headers, body, verified, status))
            self.send_response(status)
            self.send_header("Content-Type", "text/plain")
            self.end_headers()
            self.wfile.write(b"ok" if status < 300 else b"no")

        def log_message(self, *args):  # quiet
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    receiver.url = f"http://127.0.0.1:{server.server_address[1]}/hook"
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield receiver
    finally:
        server.shutdown()
        server.server_close()

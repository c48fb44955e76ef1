"""A real SMTP server on loopback that keeps what it receives, for assertions."""

import socket
import threading
import time
from email import message_from_bytes, policy

from aiosmtpd.controller import Controller


def free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class Received:
    def __init__(self, envelope):
        self.mail_from = envelope.mail_from
        self.rcpt_tos = list(envelope.rcpt_tos)
        self.raw = envelope.original_content or envelope.content
        self.message = message_from_bytes(self.raw, policy=policy.default)

    @property
    def subject(self):
        return self.message["Subject"]

    @property
    def message_id(self):
        return self.message["Message-ID"]

    def part(self, content_type):
        part = self.message.get_body(preferencelist=(content_type.split("/")[1],))
        return part.get_content() if part is not None else None

    @property
    def text(self):
        return self.part("text/plain")

    @property
    def html(self):
        return self.part("text/html")


class CollectingHandler:
    def __init__(self):
        self.messages = []
        self.lock = threading.Lock()
        self.delay = 0

    async def handle_DATA(self, server, session, envelope):
        if self.delay:
            time.sleep(self.delay)
        with self.lock:
            self.messages.append(Received(envelope))
        return "250 Message accepted for delivery"


class SmtpSink:
    def __init__(self):
        self.handler = CollectingHandler()
        self.port = free_port()
        self.controller = Controller(self.handler, hostname="127.0.0.1", port=self.port)

    def start(self):
        self.controller.start()

    def stop(self):
        self.controller.stop()

    @property
    def messages(self):
        with self.handler.lock:
            return list(self.handler.messages)

    def reset(self):
        with self.handler.lock:
            self.handler.messages.clear()
        self.handler.delay = 0

    def to(self, address):
        return [message for message in self.messages if address in message.rcpt_tos]

"""A real SMTP server on loopback (aiosmtpd) that keeps every message it accepts."""

import socket
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from email import message_from_bytes, policy
from email.message import EmailMessage
from typing import Any

from aiosmtpd.controller import Controller

from zwgk.core.settings import Settings

OFFICE = "office@example.org"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


class Sink:
    """The handler: stores accepted messages; answers 554 while ``reject`` is set."""

    def __init__(self) -> None:
        self.messages: list[EmailMessage] = []
        self.reject = False
        self._lock = threading.Lock()

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        if self.reject:
            return "554 5.7.1 rejected for the test"
        message = message_from_bytes(envelope.content, policy=policy.default)
        with self._lock:
            self.messages.append(message)  # type: ignore[arg-type]
        return "250 OK"

    def take(self) -> list[EmailMessage]:
        """Messages received since the last call."""
        with self._lock:
            taken, self.messages = self.messages, []
        return taken


@contextmanager
def smtp_server(port: int | None = None) -> Iterator[tuple[Sink, int]]:
    """Run a Sink on 127.0.0.1 (a free port unless given) for the duration of the block."""
    sink = Sink()
    port = port or free_port()
    controller = Controller(sink, hostname="127.0.0.1", port=port)
    controller.start()
    try:
        yield sink, port
    finally:
        controller.stop()


def smtp_settings(port: int) -> Settings:
    """Settings that send through the loopback server, from the office's mailbox."""
    return Settings(smtp_host="127.0.0.1", smtp_port=port, smtp_from=OFFICE)


def docx_attachments(message: EmailMessage) -> list[tuple[str, bytes]]:
    """(file name, bytes) of every attachment."""
    return [(part.get_filename() or "", part.get_payload(decode=True))  # type: ignore[misc]
            for part in message.iter_attachments()]

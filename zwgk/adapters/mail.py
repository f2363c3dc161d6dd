"""Email over SMTP, configured by the ZWGK_SMTP_* settings, with bounded retries.

No host configured means no attempt at all (status ``no_smtp``), so a fresh installation
never hangs on a mail server it does not have. A failed send is retried by the retry policy
(zwgk.core.retry) and then reported ``failed`` with the error; callers record it so that the
next sweep tries again.
"""

import smtplib
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from email.message import EmailMessage
from email.utils import formatdate, make_msgid
from enum import StrEnum
from pathlib import Path

from zwgk.core.retry import SHORT_WAITS, Retry
from zwgk.core.settings import Settings, get_settings

DOCX_TYPE = ("application", "vnd.openxmlformats-officedocument.wordprocessingml.document")
_TIMEOUT_S = 30


class Delivery(StrEnum):
    SENT = "sent"
    FAILED = "failed"
    NO_SMTP = "no_smtp"


@dataclass(frozen=True)
class Outcome:
    """What became of one message."""

    delivery: Delivery
    attempts: int = 0
    error: str = ""


def build_message(
    *, sender: str, to: Sequence[str], subject: str, body: str, attachments: Sequence[Path] = ()
) -> EmailMessage:
    """A plain-text UTF-8 message with the given files attached (Word files typed as such)."""
    message = EmailMessage()
    message["From"] = sender
    message["To"] = ", ".join(to)
    message["Subject"] = subject
    message["Date"] = formatdate(localtime=True)
    message["Message-ID"] = make_msgid(domain="zwgk")
    message.set_content(body)
    for path in attachments:
        maintype, subtype = DOCX_TYPE if path.suffix == ".docx" else ("application", "octet-stream")
        message.add_attachment(path.read_bytes(), maintype=maintype, subtype=subtype,
                               filename=path.name)
    return message


class Mailer:
    """Sends messages with the SMTP settings; one instance serves a whole sweep.

    After a message exhausted its tries because the server could not be reached, the
    remaining messages of the same sweep fail at once with that error instead of each
    waiting through the backoff again; they are all retried by the next sweep.
    """

    def __init__(
        self,
        settings: Settings | None = None,
        *,
        sleep: Callable[[float], None] = time.sleep,
        backoff: Sequence[float] = SHORT_WAITS,
    ) -> None:
        """``sleep`` and ``backoff`` are injectable so tests need not wait."""
        self.settings = settings or get_settings()
        self._retry = Retry(tuple(backoff), sleep)
        self._unreachable = ""

    @property
    def enabled(self) -> bool:
        """Whether an SMTP host is configured at all."""
        return bool(self.settings.smtp_host)

    @property
    def sender(self) -> str:
        """The From address (the office's mailbox)."""
        return self.settings.smtp_from

    def send(self, message: EmailMessage) -> Outcome:
        """Send ``message``, retrying with backoff; never raises for a delivery problem."""
        host = self.settings.smtp_host
        if not host:
            return Outcome(Delivery.NO_SMTP)
        if self._unreachable:
            return Outcome(Delivery.FAILED, 0, self._unreachable)
        # smtplib.SMTPException is an OSError too.
        tried = self._retry.run(lambda: self._deliver(host, message), passing=(OSError,))
        if tried.ok:
            return Outcome(Delivery.SENT, tried.attempts)
        exc = tried.error
        error = f"{type(exc).__name__}: {exc}"
        # Refused connections and dropped sessions mean the server is down; a rejection
        # (4xx/5xx reply) concerns this message only.
        if isinstance(exc, (smtplib.SMTPConnectError, smtplib.SMTPServerDisconnected)) \
                or not isinstance(exc, smtplib.SMTPException):
            self._unreachable = f"邮件服务器无法连接 (SMTP server unreachable): {error}"
        return Outcome(Delivery.FAILED, tried.attempts, error)

    def _deliver(self, host: str, message: EmailMessage) -> None:
        s = self.settings
        with smtplib.SMTP(host, s.smtp_port, timeout=_TIMEOUT_S) as smtp:
            if s.smtp_starttls:
                smtp.starttls()
            if s.smtp_user:
                smtp.login(s.smtp_user, s.smtp_password or "")
            smtp.send_message(message)

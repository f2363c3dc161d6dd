"""Work-chat notices: reminders, overdue notices and escalations posted to a WeCom (企业微信) or
DingTalk (钉钉) group robot, beside email.

Each unit may have its own group robot (``ZWGK_WEBHOOK_UNITS``); a unit without one, and the
group's own deadlines, go to the office's robot (``ZWGK_WEBHOOK_URL``). Nothing configured means
no attempt at all. A post is retried (zwgk.core.retry); a robot answers HTTP 200 with ``errcode`` 0 when it took the
message, anything else is a failure that the next sweep retries.
A DingTalk robot with a signing secret (加签) gets ``timestamp`` and ``sign`` query parameters:
base64(HMAC-SHA256(secret, "timestamp\\nsecret")), timestamp in milliseconds.

The once-only guarantee is the sweep's (zwgk.deadlines.notices): it claims a reminder slot before
sending and keeps a ``ChatDelivery`` row of what went out.
"""

import base64
import hashlib
import hmac
import json
import time
import urllib.parse
from collections.abc import Callable, Sequence

from zwgk.adapters.http import send_json
from zwgk.adapters.mail import Delivery, Outcome
from zwgk.core.retry import SHORT_WAITS, Retry, TryAgain
from zwgk.core.settings import Robot, Settings, get_settings

_TIMEOUT_S = 10
# WeCom and DingTalk both cap a text message (2,048 and 20,000 bytes); long notices are cut.
MAX_TEXT_BYTES = 2000


def sign(secret: str, timestamp_ms: int) -> str:
    """DingTalk's signature of a request made at ``timestamp_ms`` (not yet URL-encoded)."""
    digest = hmac.new(secret.encode("utf-8"), f"{timestamp_ms}\n{secret}".encode("utf-8"),
                      hashlib.sha256).digest()
    return base64.b64encode(digest).decode("ascii")


def signed_url(robot: Robot, timestamp_ms: int) -> str:
    """The address to post to: with ``timestamp`` and ``sign`` for a signed DingTalk robot."""
    if robot.kind != "dingtalk" or not robot.secret:
        return robot.url
    query = urllib.parse.urlencode({"timestamp": timestamp_ms, "sign": sign(robot.secret, timestamp_ms)})
    return f"{robot.url}{'&' if '?' in robot.url else '?'}{query}"


def _text(text: str) -> str:
    data = text.encode("utf-8")
    return text if len(data) <= MAX_TEXT_BYTES else data[:MAX_TEXT_BYTES].decode("utf-8", "ignore") + "…"


class ChatSender:
    """Posts text messages to the configured group robots; one instance serves a whole sweep."""

    def __init__(
        self,
        settings: Settings | None = None,
        *,
        sleep: Callable[[float], None] = time.sleep,
        backoff: Sequence[float] = SHORT_WAITS,
        clock: Callable[[], float] = time.time,
    ) -> None:
        """``sleep``, ``backoff`` and ``clock`` are injectable so tests need not wait."""
        self.settings = settings or get_settings()
        self._retry = Retry(tuple(backoff), sleep)
        self._clock = clock

    @property
    def enabled(self) -> bool:
        """Whether any group robot is configured."""
        return bool(self.settings.webhook_url or self.settings.webhook_units)

    def robot_for(self, unit: str | None) -> tuple[str, Robot] | None:
        """The robot a notice about ``unit`` goes to (its own, else the office's), with its label."""
        own = self.settings.webhook_units.get(unit) if unit else None
        if own is not None:
            return "unit", own
        office = self.settings.office_robot
        return ("office", office) if office else None

    def post(self, robot: Robot, text: str) -> Outcome:
        """Post ``text`` to ``robot``, retrying with backoff; never raises for a delivery problem."""
        payload = {"msgtype": "text", "text": {"content": _text(text)}}

        def attempt() -> None:
            sent = send_json("POST", signed_url(robot, int(self._clock() * 1000)), payload, timeout=_TIMEOUT_S)
            answer = json.loads(sent.text) if sent.status == 200 else {}
            if not isinstance(answer, dict):
                raise ValueError(f"unexpected answer {sent.text[:200]!r}")
            if sent.status != 200 or answer.get("errcode") != 0:
                raise TryAgain(f"HTTP {sent.status} {answer.get('errmsg', sent.text[:200])}")

        # OSError: refused or timed out; ValueError: the answer is not JSON.
        tried = self._retry.run(attempt, passing=(OSError, ValueError))
        if tried.ok:
            return Outcome(Delivery.SENT, tried.attempts)
        exc = tried.error
        return Outcome(Delivery.FAILED, tried.attempts,
                       str(exc) if isinstance(exc, TryAgain) else f"{type(exc).__name__}: {exc}")

    def post_office(self, text: str) -> bool:
        """Post ``text`` to the office's robot; True when it arrived."""
        office = self.settings.office_robot
        return office is not None and self.post(office, text).delivery is Delivery.SENT

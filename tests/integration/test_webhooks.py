"""Work-chat notices against a group-robot server on loopback: DingTalk's signature, retries,
and each reminder posted once however many sweeps run."""

import base64
import hashlib
import hmac
import json
import socket
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlsplit

import pytest
from pydantic import ValidationError
from sqlmodel import Session, select

from models.chat import ChatDelivery
from models.cycle import Cycle
from models.deadlines import Reminder, ReminderStatus
from models.units import Unit
from zwgk.adapters.chat import ChatSender
from zwgk.adapters.mail import Delivery, Mailer
from zwgk.core.settings import Robot, Settings
from zwgk.deadlines.rows import open_self_check_deadlines
from zwgk.deadlines.sweep import run_sweep

from .smtp_sink import OFFICE, smtp_server

SECRET = "SEC-test-secret-加签"
BEFORE_3 = date(2025, 9, 29)  # slot days of the self-check deadline due 2025-10-10
NEXT_DAY = date(2025, 9, 30)  # before-3 is still the current slot
OWN_ROBOT_UNIT = "区教育局（演示）"


class Robots:
    """What the loopback robot server received, and how it should answer."""

    def __init__(self) -> None:
        self.posts: list[dict[str, Any]] = []  # path, query and JSON body of every accepted post
        self.refused: list[str] = []
        self.fail_next = 0  # answer HTTP 500 to this many posts
        self.lock = threading.Lock()

    def take(self) -> list[dict[str, Any]]:
        with self.lock:
            taken, self.posts = self.posts, []
        return taken


def _handler(robots: Robots) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:  # noqa: N802 (http.server's name)
            body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
            url = urlsplit(self.path)
            query = {k: v[0] for k, v in parse_qs(url.query).items()}
            with robots.lock:
                if robots.fail_next:
                    robots.fail_next -= 1
                    return self._answer(500, {"errcode": -1, "errmsg": "busy"})
                if url.path.startswith("/dingtalk") and not _signed(query):
                    robots.refused.append(self.path)
                    return self._answer(200, {"errcode": 310000, "errmsg": "sign not match"})
                robots.posts.append({"path": url.path, "query": query, "body": body})
            self._answer(200, {"errcode": 0, "errmsg": "ok"})

        def _answer(self, status: int, data: dict[str, Any]) -> None:
            payload = json.dumps(data).encode()
            self.send_response(status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(payload)))
            self.end_headers()
            self.wfile.write(payload)

        def log_message(self, *_args: Any) -> None:
            pass

    return Handler


def _signed(query: dict[str, str]) -> bool:
    """DingTalk's check, written out independently of zwgk.adapters.chat."""
    if "timestamp" not in query or "sign" not in query:
        return False
    expected = base64.b64encode(hmac.new(SECRET.encode(), f"{query['timestamp']}\n{SECRET}".encode(),
                                         hashlib.sha256).digest()).decode()
    return hmac.compare_digest(expected, query["sign"])


@contextmanager
def robot_server() -> Iterator[tuple[Robots, str]]:
    robots = Robots()
    server = ThreadingHTTPServer(("127.0.0.1", 0), _handler(robots))
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield robots, f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()


def _settings(base: str, **extra: Any) -> Settings:
    return Settings(webhook_url=f"{base}/wecom/office", webhook_kind="wecom",
                    webhook_units={OWN_ROBOT_UNIT: Robot(url=f"{base}/dingtalk/unit", kind="dingtalk",
                                                         secret=SECRET)}, **extra)


def _sender(settings: Settings) -> ChatSender:
    return ChatSender(settings, sleep=lambda _s: None, clock=lambda: 1_760_000_000.0)


def test_a_signed_dingtalk_post_passes_the_robots_check_and_an_unsigned_one_does_not() -> None:
    with robot_server() as (robots, base):
        sender = _sender(_settings(base))
        signed = sender.post(Robot(url=f"{base}/dingtalk/x", kind="dingtalk", secret=SECRET), "测试")
        unsigned = sender.post(Robot(url=f"{base}/dingtalk/x", kind="dingtalk"), "测试")
    assert signed.delivery is Delivery.SENT and signed.attempts == 1
    assert unsigned.delivery is Delivery.FAILED and "sign not match" in unsigned.error
    [post] = robots.posts
    assert post["query"]["timestamp"] == "1760000000000"
    assert post["body"] == {"msgtype": "text", "text": {"content": "测试"}}


def test_a_failing_endpoint_is_retried_until_it_takes_the_message() -> None:
    waits: list[float] = []
    with robot_server() as (robots, base):
        robots.fail_next = 2
        outcome = ChatSender(_settings(base), sleep=waits.append).post(
            Robot(url=f"{base}/wecom/office"), "第三次才收到")
        robots.fail_next = 3
        lost = ChatSender(_settings(base), sleep=waits.append).post(Robot(url=f"{base}/wecom/office"), "收不到")
    assert outcome.delivery is Delivery.SENT and outcome.attempts == 3
    assert lost.delivery is Delivery.FAILED and lost.attempts == 3 and "HTTP 500" in lost.error
    assert waits == [0.5, 1.0, 0.5, 1.0]
    assert [p["body"]["text"]["content"] for p in robots.posts] == ["第三次才收到"]


def test_an_unreachable_robot_fails_without_raising_and_only_http_addresses_are_accepted() -> None:
    with socket.socket() as closed:  # a port nothing listens on
        closed.bind(("127.0.0.1", 0))
        port = closed.getsockname()[1]
    outcome = ChatSender(Settings(), sleep=lambda _s: None).post(Robot(url=f"http://127.0.0.1:{port}/x"), "收不到")
    assert outcome.delivery is Delivery.FAILED and outcome.attempts == 3 and "refused" in outcome.error.lower()
    for url in ("file:///etc/passwd", "ftp://robot.example/x", "http://"):
        with pytest.raises(ValidationError, match="url"):
            Robot(url=url)


def _units(session: Session, cycle: Cycle) -> list[Unit]:
    assert cycle.id is not None
    open_self_check_deadlines(session, cycle_id=cycle.id, notice_on=date(2025, 9, 19))
    return list(session.exec(select(Unit)).all())


def test_two_sweeps_post_each_reminder_once_to_the_units_own_robot_or_the_office(
    session: Session, demo_cycle: Cycle, tmp_path: Path
) -> None:
    units = _units(session, demo_cycle)
    with robot_server() as (robots, base), smtp_server() as (sink, port):
        settings = _settings(base, smtp_host="127.0.0.1", smtp_port=port, smtp_from=OFFICE)
        first = run_sweep(session, today=BEFORE_3, out_dir=tmp_path, mailer=Mailer(settings, sleep=lambda _s: None),
                          chat=_sender(settings))
        again = run_sweep(session, today=BEFORE_3, out_dir=tmp_path, mailer=Mailer(settings, sleep=lambda _s: None),
                          chat=_sender(settings))
        posts = robots.take()
        emails = sink.take()
    assert not robots.refused
    reminders = [p for p in posts if "催办通知" in p["body"]["text"]["content"]]
    assert len(reminders) == len(units)
    own = [p for p in reminders if p["path"] == "/dingtalk/unit"]
    assert len(own) == 1 and OWN_ROBOT_UNIT in own[0]["body"]["text"]["content"]
    assert {line.chat for line in first.sent + first.to_call} == {"sent"}
    assert not again.sent and not again.to_call and not again.failed
    assert len([m for m in emails if m["To"] != OFFICE]) == len(first.sent)
    deliveries = session.exec(select(ChatDelivery)).all()
    assert len(deliveries) == len(units) and all(d.sent for d in deliveries)
    assert {d.robot for d in deliveries} == {"unit", "office"}


def test_a_chat_failure_is_retried_by_the_next_sweep_without_emailing_twice(
    session: Session, demo_cycle: Cycle, tmp_path: Path
) -> None:
    units = _units(session, demo_cycle)
    with robot_server() as (robots, base), smtp_server() as (sink, port):
        settings = _settings(base, smtp_host="127.0.0.1", smtp_port=port, smtp_from=OFFICE)
        robots.fail_next = 10_000  # the chat service is down for the whole first sweep
        first = run_sweep(session, today=BEFORE_3, out_dir=tmp_path, mailer=Mailer(settings, sleep=lambda _s: None),
                          chat=_sender(settings))
        first_emails = [m for m in sink.take() if m["To"] != OFFICE]
        robots.fail_next = 0
        retry = run_sweep(session, today=NEXT_DAY, out_dir=tmp_path, mailer=Mailer(settings, sleep=lambda _s: None),
                          chat=_sender(settings))
        retry_emails = [m for m in sink.take() if m["To"] != OFFICE]
        posts = [p for p in robots.take() if "催办通知" in p["body"]["text"]["content"]]
    assert len(first.failed) == len(units) and all("工作群" in line.error for line in first.failed)
    assert len(first_emails) == sum(1 for u in units if u.contact_email)
    assert retry_emails == []  # the emails went out the first time
    assert len(posts) == len(units)
    statuses = {r.status for r in session.exec(select(Reminder)).all()}
    assert statuses == {ReminderStatus.SENT, ReminderStatus.NO_EMAIL}

"""Warnings and new vetoes go to the unit once each, by email (a real SMTP server on loopback) and
to a work-chat group robot (a robot server on loopback); problems below the lines do not."""

from datetime import date, timedelta
from pathlib import Path

import pytest
from sqlmodel import Session, select

from models.sites import SiteNotice
from tests.integration.sites_server import (
    Site,
    document,
    fast_monitoring,
    government_site,
    list_html,
    page,
    register,
    site_rows,
)
from zwgk.demo.district import load_demo
from zwgk.sites.rounds import run_check

from .smtp_sink import OFFICE, smtp_server
from .test_webhooks import robot_server

DAY = date(2026, 11, 20)
TOWN = "青岚镇（演示）"


def test_a_warning_and_then_its_veto_are_each_told_once(session: Session, tmp_path: Path,
                                                        monkeypatch: pytest.MonkeyPatch) -> None:
    load_demo(session)
    pages = government_site(DAY)
    old = [(f"/news/2026/t{i}.html", f"某某镇召开安全生产专题会议第{i}号工作安排", DAY - timedelta(days=10 + i))
           for i in range(1, 4)]
    pages["/"] = page(document(list_html(old)))
    pages["/xxgk/"] = page(document("<p>暂无信息</p>"))  # a blank column: a problem, not told
    with smtp_server() as (sink, port), robot_server() as (robots, base), Site(pages) as site:
        fast_monitoring(monkeypatch, tmp_path / "out", smtp_host="127.0.0.1", smtp_port=str(port), smtp_from=OFFICE,
                        webhook_url=f"{base}/wecom/office")
        register(session, tmp_path, site_rows(TOWN, site), DAY)
        first = run_check(session, day=DAY)  # the homepage is 11 days old: a warning
        [mail] = sink.take()
        assert mail["To"] == "unit01@example.org" and mail["Subject"] == f"网站监测预警：{TOWN}"
        body = mail.get_content()
        assert "[预警] 首页不更新" in body and "空白栏目" not in body
        [post] = robots.take()
        assert post["path"] == "/wecom/office" and "[预警] 首页不更新" in post["body"]["text"]["content"]
        assert first.told == [TOWN]
        run_check(session, day=DAY)
        run_check(session, day=DAY + timedelta(days=1))
        assert sink.take() == [] and robots.take() == []
        run_check(session, day=DAY + timedelta(days=3))  # 14 days: the veto line is crossed
        [veto] = sink.take()
        assert veto["Subject"] == f"网站监测单项否决：{TOWN}" and "[单项否决] 首页不更新" in veto.get_content()
        assert len(robots.take()) == 1
        run_check(session, day=DAY + timedelta(days=3))
        assert sink.take() == [] and robots.take() == []
    notices = session.exec(select(SiteNotice)).all()
    assert sorted(n.severity.value for n in notices) == ["veto", "warning"]
    assert all(n.mail_done and n.chat_done and n.tries == 1 for n in notices)


def test_a_channel_that_failed_is_tried_again_by_the_next_round_alone(session: Session, tmp_path: Path,
                                                                     monkeypatch: pytest.MonkeyPatch) -> None:
    load_demo(session)
    pages = government_site(DAY)
    pages["/"] = page(document("<p>暂无信息</p>"))  # nothing dated on the homepage: a veto
    with smtp_server() as (sink, port), robot_server() as (robots, base), Site(pages) as site:
        fast_monitoring(monkeypatch, tmp_path / "out", smtp_host="127.0.0.1", smtp_port=str(port), smtp_from=OFFICE,
                        webhook_url=f"{base}/wecom/office")
        register(session, tmp_path, site_rows(TOWN, site), DAY)
        robots.fail_next = 3  # every try of the first round
        report = run_check(session, day=DAY)
        assert report.untold == [TOWN] and robots.take() == [] and len(sink.take()) == 1
        again = run_check(session, day=DAY)
        [post] = robots.take()
        assert sink.take() == []  # the email went out the first time
    assert again.told == [TOWN] and again.untold == [] and "[单项否决] 首页不更新" in post["body"]["text"]["content"]

"""The monthly website monitoring circular: a numbered GB/T 9704 document in the office's name,
read back with python-docx; issuing it again gives the same number and file."""

from datetime import date
from pathlib import Path

import pytest
from docx import Document
from sqlmodel import Session, select

from models.audit import AuditEntry
from models.sites import SiteProbe
from tests.integration.sites_server import (
    OFFICE_CLERK,
    Response,
    Site,
    document,
    fast_monitoring,
    government_site,
    page,
    register,
    site_rows,
)
from zwgk.core.errors import IntakeError
from zwgk.core.permissions import Actor
from zwgk.demo.district import load_demo
from zwgk.documents.register import document_path
from zwgk.sites.report import issue_site_report, month_of, previous_month
from zwgk.sites.rounds import run_check, run_probe

DAY = date(2026, 11, 20)
OFFICE = Actor(OFFICE_CLERK, office=True)
TOWN, VILLAGE = "青岚镇（演示）", "云雾镇（演示）"


def text_of(path: Path) -> tuple[str, list[list[list[str]]]]:
    """The body's paragraphs joined, and every table's rows of cell texts."""
    doc = Document(str(path))
    return ("\n".join(p.text for p in doc.paragraphs),
            [[[cell.text for cell in row.cells] for row in table.rows] for table in doc.tables])


def test_the_month_s_circular_lists_every_unit_and_the_findings_still_open(
        session: Session, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    load_demo(session)
    fast_monitoring(monkeypatch, tmp_path / "out")
    bad = government_site(DAY)
    bad["/xxgk/"] = page(document("<h1>政府信息公开</h1><p>暂无信息</p>"))
    with Site(government_site(DAY)) as town, Site(bad) as village:
        register(session, tmp_path, site_rows(TOWN, town) + site_rows(VILLAGE, village), DAY)
        for _ in range(3):
            run_probe(session, day=DAY)
        home, village.pages["/"] = village.pages["/"], Response(b"down", 503)
        run_probe(session, day=DAY)  # 1 of 5 homepage probes failed (the check's counts too): a veto
        village.pages["/"] = home
        run_check(session, day=DAY)
    circular = issue_site_report(session, month=date(2026, 11, 1), on=date(2026, 12, 2), actor=OFFICE,
                                 out_dir=tmp_path / "out")
    assert circular.number == "乌府公开办〔2026〕1号" and circular.title == "关于2026年11月政府网站日常监测情况的通报"
    path = document_path(circular, tmp_path / "out")
    assert path.name == "2026年11月网站监测情况通报.docx" and path.parent.name == "00-日常考核"
    body, tables = text_of(path)
    assert "乌府公开办〔2026〕1号" in body and "国办秘函〔2019〕19号" in body and "2026年11月" in body
    assert "共监测 2 个单位的 14 个网站页面" in body and "单项否决 1 个" in body
    units, problems = tables[0], tables[1]
    assert units[0][:4] == ["序号", "单位", "首页可访问率", "首页未更新天数"]
    assert units[1][1:] == [TOWN, "100.0%", "2", "0", "0", "0", "0", "0/0/0"]
    assert units[2][1:] == [VILLAGE, "80.0%", "2", "0", "1", "0", "0", "1/0/1"]
    assert [row[1:5] for row in problems[1:]] == [[VILLAGE, "站点无法访问", "单项否决", "首页"],
                                                 [VILLAGE, "空白栏目", "问题", "政府信息公开"]]
    again = issue_site_report(session, month=date(2026, 11, 1), on=date(2026, 12, 3), actor=OFFICE,
                              out_dir=tmp_path / "out")
    assert (again.id, again.number) == (circular.id, circular.number)
    assert len(session.exec(select(AuditEntry).where(AuditEntry.action == "sites.report")).all()) == 1


def test_a_month_without_findings_says_so(session: Session, tmp_path: Path) -> None:
    load_demo(session)
    circular = issue_site_report(session, month=month_of("2026-10"), on=date(2026, 11, 2), actor=OFFICE,
                                 out_dir=tmp_path)
    body, tables = text_of(document_path(circular, tmp_path))
    assert "未发现尚未整改的问题" in body and "月末没有尚未整改的问题" in body and len(tables) == 2


def test_only_the_office_issues_it_and_not_before_its_month(session: Session, tmp_path: Path) -> None:
    load_demo(session)
    with pytest.raises(IntakeError):
        issue_site_report(session, month=month_of("2026-10"), on=date(2026, 11, 2), actor=Actor("张明远", leading_group=True))
    with pytest.raises(ValueError, match="早于"):
        issue_site_report(session, month=month_of("2026-12"), on=date(2026, 11, 30), actor=OFFICE, out_dir=tmp_path)
    assert previous_month(date(2026, 1, 5)) == date(2025, 12, 1)
    assert session.exec(select(SiteProbe)).all() == []

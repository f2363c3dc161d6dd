"""Confirming monitoring findings into daily-assessment records (article 10(1), method 日常监测):
against the criterion the rule concerns in the unit's category, with the evidence, once."""

from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest
from sqlmodel import Session, select

from models.assessment import DailyMethod, DailyRecord
from models.audit import AuditEntry
from models.catalog import Criterion
from models.cycle import Cycle
from models.sites import FindingRule, Severity, SiteFinding
from models.units import Unit
from tests.integration.sites_server import (
    OFFICE_CLERK,
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
from zwgk.sites.confirm import confirm_findings
from zwgk.sites.findings import list_findings
from zwgk.sites.rounds import run_check

DAY = date(2025, 11, 20)
OFFICE = Actor(OFFICE_CLERK, office=True)
TOWN, DEPARTMENT, ENTERPRISE = "青岚镇（演示）", "区教育局（演示）", "区人民医院（演示）"


def finding(session: Session, unit: str, rule: FindingRule, first_seen: date = DAY) -> int:
    unit_id = session.exec(select(Unit.id).where(Unit.name == unit)).one()
    row = SiteFinding(unit_id=unit_id, rule=rule, severity=Severity.PROBLEM, column="栏目", url=f"http://x.gov.cn/{rule}",
                      detail="说明", evidence_sha256="ab" * 32, first_seen=first_seen, last_seen=first_seen,
                      open_key=f"{unit_id}|{rule}")
    session.add(row)
    session.commit()
    assert row.id is not None
    return row.id


@pytest.mark.parametrize("unit, rule, words", [
    (TOWN, FindingRule.HOMEPAGE_STALE, "按照要求做好网站内容保障"),
    (TOWN, FindingRule.INTERPRETATION_UNLINKED, "相互链接"),
    (TOWN, FindingRule.MESSAGE_UNANSWERED, "领导信箱"),
    (DEPARTMENT, FindingRule.DEAD_LINK, "政府网站普查要求做好网站内容保障"),
    (DEPARTMENT, FindingRule.INTERPRETATION_UNLINKED, "相互链接"),
    (DEPARTMENT, FindingRule.MESSAGE_UNANSWERED, "网站意见箱或专栏落实专人管理"),
])
def test_a_finding_becomes_a_daily_record_against_the_criterion_its_rule_concerns(
        session: Session, demo_cycle: Cycle, unit: str, rule: FindingRule, words: str) -> None:
    fid = finding(session, unit, rule)
    [done] = confirm_findings(session, ids=[fid], points=Decimal("0.5"), actor=OFFICE)
    record = session.get(DailyRecord, done.record_id)
    assert record is not None
    criterion = session.get(Criterion, record.criterion_id)
    assert criterion is not None and words in criterion.text and criterion.ref == done.criterion
    assert (record.year, record.method, record.points, record.found_on, record.recorded_by) == (
        2025, DailyMethod.MONITORING, Decimal("0.5"), DAY, OFFICE_CLERK)
    assert "网页快照 SHA-256 " + "ab" * 32 in record.finding and f"http://x.gov.cn/{rule}" in record.finding
    assert session.get(SiteFinding, fid).daily_record_id == record.id  # type: ignore[union-attr]
    audit = session.exec(select(AuditEntry).where(AuditEntry.action == "sites.confirm")).one()
    assert audit.actor == OFFICE_CLERK and audit.cycle_id == demo_cycle.id


def test_a_finding_is_confirmed_once_and_nothing_is_recorded_when_one_cannot_be(session: Session,
                                                                               demo_cycle: Cycle) -> None:
    town = finding(session, TOWN, FindingRule.BLANK_COLUMN)
    confirm_findings(session, ids=[town], points=Decimal("0.5"), actor=OFFICE)
    with pytest.raises(IntakeError, match=f"监测问题 {town} 已确认"):
        confirm_findings(session, ids=[town], points=Decimal("0.5"), actor=OFFICE)
    hospital = finding(session, ENTERPRISE, FindingRule.BLANK_COLUMN)
    other = finding(session, DEPARTMENT, FindingRule.COLUMN_STALE)
    with pytest.raises(IntakeError, match="请用 --criterion 指定"):
        confirm_findings(session, ids=[other, hospital], points=Decimal("0.5"), actor=OFFICE)
    assert len(session.exec(select(DailyRecord)).all()) == 1
    [done] = confirm_findings(session, ids=[hospital], points=Decimal(1), actor=OFFICE, criterion_ref="enterprise-001")
    assert done.criterion == "ENTERPRISE-001"
    with pytest.raises(IntakeError, match="没有编号为 999"):
        confirm_findings(session, ids=[999], points=Decimal(1), actor=OFFICE)


def test_a_finding_of_a_year_without_its_cycle_waits_for_it(session: Session, demo_cycle: Cycle) -> None:
    fid = finding(session, TOWN, FindingRule.DEAD_LINK, first_seen=date(2026, 3, 1))
    with pytest.raises(LookupError, match="2026 年度考核尚未启动"):
        confirm_findings(session, ids=[fid], points=Decimal("0.5"), actor=OFFICE)


def test_only_the_office_confirms(session: Session, demo_cycle: Cycle) -> None:
    fid = finding(session, TOWN, FindingRule.DEAD_LINK)
    with pytest.raises(IntakeError, match="无权办理网站监测"):
        confirm_findings(session, ids=[fid], points=Decimal("0.5"), actor=Actor("张明远", leading_group=True))


def test_a_checked_site_s_findings_reach_the_year_s_daily_records(session: Session, demo_cycle: Cycle, tmp_path: Path,
                                                                  monkeypatch: pytest.MonkeyPatch) -> None:
    fast_monitoring(monkeypatch, tmp_path / "out")
    pages = government_site(DAY)
    pages["/xxgk/"] = page(document("<h1>政府信息公开</h1><p>暂无数据</p>"))
    with Site(pages) as site:
        register(session, tmp_path, site_rows(TOWN, site), DAY)
        run_check(session, day=DAY)
    [view] = list_findings(session)
    [done] = confirm_findings(session, ids=[view.id], points=Decimal("0.3"), actor=OFFICE)
    record = session.get(DailyRecord, done.record_id)
    assert record is not None and "空白栏目" in record.finding and view.evidence_sha256 in record.finding
    assert (tmp_path / "out" / "sites" / view.evidence_sha256[:2] / f"{view.evidence_sha256}.html").is_file()

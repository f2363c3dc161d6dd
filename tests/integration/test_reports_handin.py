"""Handing in annual reports: versions kept with their hash, refusals that keep nothing, findings
refreshed across units and years, confirmation into daily records surviving a corrected version."""

from collections.abc import Iterator
from dataclasses import replace
from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest
from sqlmodel import Session, col, select

from models.assessment import DailyRecord
from models.audit import AuditEntry
from models.catalog import Criterion
from models.cycle import Cycle
from models.reports import ReportFigure, ReportFinding, ReportRule, ReportVersion
from models.units import Unit
from tests.reports_builder import Layout, Report, build_docx, build_html, with_t3
from zwgk.core.errors import IntakeError
from zwgk.core.settings import get_settings
from zwgk.reports import format as f
from zwgk.reports.confirm import confirm_findings
from zwgk.reports.findings import current_findings, district_table, refresh_findings
from zwgk.reports.handin import HandIn, ReportRefused, hand_in, unit_named, version_file

TOWN, OTHER_TOWN, DEPARTMENT, ENTERPRISE = "青岚镇（演示）", "云雾镇（演示）", "区教育局（演示）", "区自来水公司（演示）"
ON_TIME, LATE = date(2026, 1, 20), date(2026, 2, 3)


@pytest.fixture(autouse=True)
def out_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    monkeypatch.setenv("ZWGK_OUT_DIR", str(tmp_path / "out"))
    get_settings.cache_clear()
    yield tmp_path / "out"
    monkeypatch.undo()
    get_settings.cache_clear()


def handin(session: Session, unit: str, path: Path, *, year: int = 2025, on: date = ON_TIME,
           today: date | None = None) -> HandIn:
    return hand_in(session, year=year, unit=unit_named(session, unit), path=path, original_name=path.name,
                   by="赵晓东", on=on, today=today or on)


def _write(path: Path, data: bytes) -> Path:
    path.write_bytes(data)
    return path


def rules(result: HandIn) -> list[str]:
    return [x.rule.value for x in result.findings]


def test_a_report_is_kept_with_its_hash_figures_and_no_finding(session: Session, demo_cycle: Cycle,
                                                               tmp_path: Path) -> None:
    path = build_docx(tmp_path / "青岚镇年报.docx", Report())
    result = handin(session, TOWN, path)
    version = result.version
    assert result.new and result.findings == [] and version.seq == 1
    kept = version_file(version)
    assert kept.read_bytes() == path.read_bytes() and kept.name == f"{version.sha256}.docx"
    assert version.original_name == "青岚镇年报.docx" and version.uploaded_by == "赵晓东"
    assert version.handed_in_on == ON_TIME and version.parts == ["一", "二", "三", "四", "五", "六"]
    figures = session.exec(select(ReportFigure).where(ReportFigure.version_id == version.id)).all()
    assert len(figures) == 25 * 7 + 15 + 10
    audit = session.exec(select(AuditEntry).where(AuditEntry.action == "reports.hand_in")).one()
    assert audit.actor == "赵晓东" and version.sha256 in audit.comment
    again = handin(session, TOWN, path)
    assert not again.new and again.version.id == version.id
    assert len(session.exec(select(ReportVersion)).all()) == 1


def test_the_same_file_stored_at_the_same_moment_by_two_processes_is_one_version(
        session: Session, demo_cycle: Cycle, tmp_path: Path) -> None:
    from zwgk.reports import handin as module
    from zwgk.reports.reading import read_report

    path = build_docx(tmp_path / "r.docx", Report())
    first = handin(session, TOWN, path)
    # The other process passed the "same file?" check before this one stored it.
    again, added = module._store(session, year=2025, unit=unit_named(session, TOWN), path=path, name="r.docx",
                                 digest=first.version.sha256, reading=read_report(path), by="赵晓东", on=ON_TIME)
    assert not added and again.id == first.version.id
    assert len(session.exec(select(ReportVersion)).all()) == 1


@pytest.mark.parametrize(("build", "message"), [
    (lambda p: build_docx(p, Report(year=2024)), "这是 2024 年度的报告"),
    (lambda p: build_docx(p, Report(unit_title="云雾镇人民政府")), "这是“云雾镇（演示）”的报告"),
    (lambda p: _write(p, b"PK\x03\x04 not really a zip"), "已损坏"),
    (lambda p: _write(p, b""), "文件为空"),
])
def test_a_file_that_is_not_this_units_report_of_the_year_is_refused_in_one_line(
        session: Session, demo_cycle: Cycle, tmp_path: Path, build, message: str) -> None:  # type: ignore[no-untyped-def]
    path = build(tmp_path / "报告.docx")
    with pytest.raises(ReportRefused) as refused:
        handin(session, TOWN, path)
    assert str(refused.value).startswith("报告.docx：") and message in str(refused.value)
    assert "\n" not in str(refused.value)
    assert session.exec(select(ReportVersion)).all() == []


def test_a_web_page_copy_is_accepted_like_the_document(session: Session, demo_cycle: Cycle, tmp_path: Path) -> None:
    result = handin(session, TOWN, build_html(tmp_path / "年报.html", Report(), Layout(merged=False)))
    assert result.new and result.version.file_type == "html" and result.findings == []
    assert version_file(result.version).suffix == ".html"


def test_a_corrected_version_keeps_the_confirmation_of_a_problem_that_persists(
        session: Session, demo_cycle: Cycle, tmp_path: Path) -> None:
    wrong = with_t3(Report(), f.GRANTED, f.NATURAL, 6)
    first = handin(session, TOWN, build_docx(tmp_path / "v1.docx", wrong))
    column = next(x for x in first.findings if x.row == f.RESULTS_TOTAL and x.column == f.NATURAL)
    [done] = confirm_findings(session, year=2025, finding_ids=[column.id], by="刘静怡", on=ON_TIME)  # type: ignore[list-item]
    record = session.get(DailyRecord, done.daily_record_id)
    assert record is not None and record.criterion_id is not None and record.method.value == "专项检查"
    assert "三（七）总计 × 自然人：各项之和 12 ≠ 总计 11" in record.finding
    # The second version still has the error (and a new one): same row, still confirmed.
    second = handin(session, TOWN, build_docx(tmp_path / "v2.docx", replace(wrong, omit_parts=frozenset({"六"}))))
    assert second.version.seq == 2
    same = next(x for x in second.findings if x.row == f.RESULTS_TOTAL and x.column == f.NATURAL)
    assert same.id == column.id and same.daily_record_id == record.id and same.version_id == second.version.id
    assert "missing_part" in rules(second)
    # The third is right: nothing current, the confirmed finding kept on file.
    third = handin(session, TOWN, build_docx(tmp_path / "v3.docx", Report()))
    assert third.findings == []
    kept = session.get(ReportFinding, column.id)
    assert kept is not None and not kept.current and kept.daily_record_id == record.id
    assert len(session.exec(select(DailyRecord)).all()) == 1


def test_late_and_missing_reports(session: Session, demo_cycle: Cycle, tmp_path: Path) -> None:
    late = handin(session, TOWN, build_docx(tmp_path / "late.docx", Report()), on=LATE)
    assert rules(late) == ["late"]
    assert (late.findings[0].expected, late.findings[0].found) == ("2026-01-31", "2026-02-03")
    refresh_findings(session, year=2025, today=date(2026, 1, 31))
    assert [x.rule for x, _u in current_findings(session, year=2025)] == [ReportRule.LATE]
    refresh_findings(session, year=2025, today=date(2026, 2, 1))
    missing = [u.name for x, u in current_findings(session, year=2025) if x.rule is ReportRule.MISSING]
    units = session.exec(select(Unit).order_by(col(Unit.id))).all()
    # Every township and department but the one that reported; enterprises have no 年报 criterion.
    assert missing == [u.name for u in units if u.category != "enterprise" and u.name != TOWN]
    lines = {line.unit.name: line for line in district_table(session, year=2025, today=date(2026, 2, 1))}
    assert lines[TOWN].status == "逾期报送" and lines[OTHER_TOWN].status == "未报送（已逾期）"
    assert ENTERPRISE not in lines and lines[TOWN].versions == 1


def test_a_due_day_set_by_the_district_decides_what_is_late(
        session: Session, demo_cycle: Cycle, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("ZWGK_REPORT_DUE", "02-15")
    get_settings.cache_clear()  # the autouse fixture undoes the variable and clears the cache again after
    on_time = handin(session, TOWN, build_docx(tmp_path / "on_time.docx", Report()), on=date(2026, 2, 10))
    assert on_time.findings == []
    late = handin(session, OTHER_TOWN, build_docx(tmp_path / "late.docx", Report(unit_title="云雾镇人民政府", seed=11)),
                  on=date(2026, 2, 16))
    assert rules(late) == ["late"]
    assert (late.findings[0].expected, late.findings[0].found) == ("2026-02-15", "2026-02-16")
    lines = {line.unit.name: line for line in district_table(session, year=2025, today=date(2026, 2, 16))}
    assert lines[TOWN].status == "按时报送" and lines[OTHER_TOWN].status == "逾期报送"
    refresh_findings(session, year=2025, today=date(2026, 2, 15))
    assert not [x for x, _u in current_findings(session, year=2025) if x.rule is ReportRule.MISSING]
    refresh_findings(session, year=2025, today=date(2026, 2, 16))
    missing = {u.name for x, u in current_findings(session, year=2025) if x.rule is ReportRule.MISSING}
    assert DEPARTMENT in missing and not missing & {TOWN, OTHER_TOWN}

def test_reports_of_two_units_largely_the_same(session: Session, demo_cycle: Cycle, tmp_path: Path) -> None:
    handin(session, TOWN, build_docx(tmp_path / "a.docx", Report(seed=3)))
    copied = handin(session, OTHER_TOWN, build_docx(tmp_path / "b.docx", Report(unit_title="云雾镇人民政府", seed=3)))
    similar = [x for x in copied.findings if x.rule is ReportRule.SIMILAR_TEXT]
    assert len(similar) == 1 and similar[0].found == "100" and similar[0].expected == "60"
    assert f"正文与{TOWN}的2025年度报告相同的比例为 100%" in similar[0].detail and "最长相同段落" in similar[0].detail
    mine = [x.rule for x, _u in current_findings(session, year=2025, unit_id=unit_named(session, TOWN).id)]
    assert mine == [ReportRule.SIMILAR_TEXT]
    other = handin(session, OTHER_TOWN, build_docx(tmp_path / "c.docx", Report(unit_title="云雾镇人民政府", seed=11)))
    assert other.findings == []


def test_a_report_largely_copied_from_the_units_own_report_of_last_year(
        session: Session, demo_cycle: Cycle, tmp_path: Path) -> None:
    handin(session, TOWN, build_docx(tmp_path / "2024.docx", Report(year=2024, seed=5)), year=2024,
           on=date(2025, 1, 15))
    copied = handin(session, TOWN, build_docx(tmp_path / "2025.docx", Report(seed=5)))
    similar = [x for x in copied.findings if x.rule is ReportRule.SIMILAR_TEXT]
    assert len(similar) == 1 and similar[0].found == "100" and similar[0].expected == "60"
    assert "正文与本单位2024年度报告相同的比例为 100%" in similar[0].detail and "最长相同段落" in similar[0].detail
    # Rewritten: a second version in words of its own leaves no similarity finding current.
    rewritten = handin(session, TOWN, build_docx(tmp_path / "2025-v2.docx", Report(seed=21)))
    assert rewritten.version.seq == 2
    assert ReportRule.SIMILAR_TEXT not in [x.rule for x in rewritten.findings]
    kept = session.get(ReportFinding, similar[0].id)
    assert kept is not None and not kept.current

def test_last_years_report_on_file(session: Session, demo_cycle: Cycle, tmp_path: Path) -> None:
    this_year = handin(session, TOWN, build_docx(tmp_path / "2025.docx", Report()))
    assert this_year.findings == []
    last = with_t3(with_t3(Report(year=2024, seed=9), f.CARRIED_OUT, f.NATURAL, 3), f.CARRIED_OUT, f.TOTAL, 3)
    handin(session, TOWN, build_docx(tmp_path / "2024.docx", last), year=2024, on=date(2025, 1, 15))
    now = [(x.rule, x.table, x.row, x.column, x.expected, x.found)
           for x, _u in current_findings(session, year=2025)]
    assert now == [(ReportRule.CARRY_OVER, f.TABLE3, f.CARRIED_IN, f.NATURAL, "3", "2"),
                   (ReportRule.CARRY_OVER, f.TABLE3, f.CARRIED_IN, f.TOTAL, "3", "2"),
                   (ReportRule.CARRY_OVER, f.TABLE2, "行政规范性文件", f.T2_IN_FORCE, "27", "25")]


def test_findings_are_recorded_against_the_report_criterion_of_the_units_category(
        session: Session, demo_cycle: Cycle, tmp_path: Path) -> None:
    wrong = with_t3(Report(unit_title="区教育局"), f.GRANTED, f.NATURAL, 6)
    result = handin(session, DEPARTMENT, build_docx(tmp_path / "d.docx", wrong))
    [done] = confirm_findings(session, year=2025, finding_ids=[result.findings[0].id], by="刘静怡",  # type: ignore[list-item]
                              on=ON_TIME, points=Decimal("0.5"))
    record = session.get(DailyRecord, done.daily_record_id)
    assert record is not None and record.points == Decimal("0.5")
    criterion = session.get(Criterion, record.criterion_id)
    assert criterion is not None and criterion.ref.startswith("D") and "年报" in criterion.text
    enterprise = handin(session, ENTERPRISE, build_docx(tmp_path / "e.docx",
                                                        with_t3(Report(unit_title="区自来水公司"), f.NEW, f.NATURAL, 11)))
    with pytest.raises(IntakeError, match="没有关于年报的指标"):
        confirm_findings(session, year=2025, finding_ids=[enterprise.findings[0].id], by="刘静怡", on=ON_TIME)  # type: ignore[list-item]
    with pytest.raises(IntakeError, match="没有编号为 99999 的年报问题"):
        confirm_findings(session, year=2025, finding_ids=[99999], by="刘静怡", on=ON_TIME)

"""The 年报审查情况通报: in the office's name, numbered by the register, addressed to every unit.

It says who handed in the year's report and when (on time, late, not at all) and lists the
problems the office confirmed (the findings it turned into daily-assessment records; late and
missing reports are in the first table). One circular per year, filed with the daily assessment
(00-日常考核): issuing it again returns it, as for the 日常考核情况通报.
"""

from datetime import date
from pathlib import Path

from sqlmodel import Session, col, select

from models.cycle import Cycle
from models.documents import IssuedDocument
from models.reports import RULE_LABELS, ReportFinding, ReportRule
from models.units import Unit
from zwgk.documents import contexts as c
from zwgk.documents.contexts import Template, cn_date
from zwgk.documents.issue.common import doc_path, names_of, official
from zwgk.documents.register import DocKey, Issue, issue
from zwgk.reports.due import report_due_on
from zwgk.reports.findings import district_table, refresh_findings

HAND_IN_RULES = (ReportRule.LATE, ReportRule.MISSING)
DOC_TYPE = "report_circular"


def report_circular_context(session: Session, *, year: int, on: date) -> tuple[list[c.ReportReviewRow],
                                                                              list[c.ReportProblemRow]]:
    """The circular's two tables: every unit that must report, and the confirmed problems."""
    lines = [line for line in district_table(session, year=year, today=on) if line.expected]
    confirmed = session.exec(
        select(ReportFinding, Unit).join(Unit, col(Unit.id) == ReportFinding.unit_id)
        .where(ReportFinding.year == year, col(ReportFinding.daily_record_id).is_not(None),
               col(ReportFinding.rule).not_in(HAND_IN_RULES))
        .order_by(col(Unit.id), col(ReportFinding.position))).all()
    per_unit: dict[int, int] = {}
    for finding, _unit in confirmed:
        per_unit[finding.unit_id] = per_unit.get(finding.unit_id, 0) + 1
    rows = [c.ReportReviewRow(seq=i, unit=line.unit.name, handed_text=cn_date(line.first_on) if line.first_on else "—",
                              status=line.status.removesuffix("（已逾期）"), problem_count=per_unit.get(line.unit.id, 0))
            for i, line in enumerate(lines, start=1)]
    problems = [c.ReportProblemRow(seq=i, unit=unit.name, kind=RULE_LABELS[finding.rule], detail=finding.detail)
                for i, (finding, unit) in enumerate(confirmed, start=1)]
    return rows, problems


def issue_report_circular(*, session: Session, year: int, on: date, out_dir: Path | None = None) -> IssuedDocument:
    """关于{year}年度政府信息公开工作年度报告审查情况的通报 (findings refreshed as of ``on`` first)."""
    refresh_findings(session, year=year, today=on)
    names = names_of(session)
    cycle_id = session.exec(select(Cycle.id).where(Cycle.year == year)).first()
    rows, problems = report_circular_context(session, year=year, on=on)
    late = [row.unit for row in rows if row.status == "逾期报送"]
    missing = [row.unit for row in rows if row.status == "未报送"]
    title = f"关于{year}年度政府信息公开工作年度报告审查情况的通报"

    def build(number: str) -> c.ReportCircular:
        return c.ReportCircular(
            **official(names, organ="office", number=number, title=title, year=year, addressees=names.all_units,
                        on=on, cc=names.member_units),
            due_text=cn_date(report_due_on(year)), unit_count=len(rows),
            handed_count=len(rows) - len(missing), on_time_count=len(rows) - len(missing) - len(late),
            late_count=len(late), late_units="、".join(late), missing_count=len(missing),
            missing_units="、".join(missing), problem_unit_count=len({p.unit for p in problems}),
            problem_count=len(problems), rows=rows, problems=problems)

    return issue(session, Issue(
        key=DocKey(cycle_id, "daily", None, DOC_TYPE, str(year)), organ="office", year=year,
        title=title, issued_on=on, addressees=names.all_units,
        path=doc_path(year, "daily", f"{year}年度政府信息公开工作年度报告审查情况通报"),
        template=Template.REPORT_CIRCULAR, build=build), out_dir)


def issued_circular(session: Session, year: int) -> IssuedDocument | None:
    """The year's circular, once issued."""
    return session.exec(select(IssuedDocument).where(
        IssuedDocument.doc_type == DOC_TYPE, col(IssuedDocument.doc_key).endswith(f":{DOC_TYPE}:{year}"))).first()

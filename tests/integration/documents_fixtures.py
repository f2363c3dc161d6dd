"""Shared test data for the document tests: a scored 2025 demo cycle with every kind of row
the documents draw on, and one call that issues every document type."""

from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest
from sqlmodel import Session, col, select

from models.assessment import (
    Assessment,
    DailyMethod,
    DailyRecord,
    Deduction,
    GroupMethod,
    SpecialItem,
    SpecialKind,
)
from models.catalog import Criterion
from models.cycle import Cycle, Gate, GateDecision
from models.deadlines import Deadline, DeadlineKind
from models.documents import IssuedDocument
from models.rectification import RectificationItem
from models.reminders import ESCALATION
from models.units import Category, Unit
from zwgk.documents.issue.daily import issue_daily_circular
from zwgk.documents.issue.group import (
    issue_group_notice,
    issue_results_summary,
    issue_score_sheets,
)
from zwgk.documents.issue.publish import issue_criticism, issue_results_circular
from zwgk.documents.issue.rectification import issue_rectification_notices
from zwgk.documents.issue.reminders import issue_deadline_notices
from zwgk.documents.issue.review import issue_approval_opinion, issue_review_request
from zwgk.documents.issue.scheme import issue_scheme_notice
from zwgk.documents.issue.self_check import (
    issue_self_check_forms,
    issue_self_check_notice,
)

ODD_NAME = '甲&乙<镇>"〔试点〕社区服务中心'
EVIDENCE = "EVIDENCE-会议记录照片-SECRET"
COMMENT = "INTERNAL-内部意见-勿公开"
ON = date(2026, 3, 2)


@dataclass
class Scored:
    """Ids of the rows the tests look for in the documents."""

    cycle_id: int
    odd_unit_id: int
    falsified_unit: str
    falsification_id: int
    self_check_deadline_id: int
    decision_id: int


@pytest.fixture
def scored(session: Session, demo_cycle: Cycle) -> Scored:
    """The demo cycle scored and ranked, with deductions, a falsification, rectification,
    deadlines, daily records and a gate decision; one township renamed to ``ODD_NAME``."""
    pairs = session.exec(
        select(Assessment, Unit).join(Unit, col(Unit.id) == Assessment.unit_id)
        .where(Assessment.cycle_id == demo_cycle.id).order_by(col(Unit.id))
    ).all()
    odd_assessment, odd = next((a, u) for a, u in pairs if u.category == Category.TOWNSHIP)
    odd.name = ODD_NAME
    session.add(odd)
    for category in Category:
        mine = [(a, u) for a, u in pairs if u.category == category]
        for rank, (assessment, _unit) in enumerate(mine, start=1):
            assessment.score = Decimal("97.0") - 3 * rank
            assessment.self_score = assessment.score + Decimal("1.5")
            assessment.grade = ("优秀" if assessment.score >= 90 else "良好" if assessment.score >= 80
                                else "合格" if assessment.score >= 60 else "不合格")
            assessment.rank = rank
            assessment.scored = True
            session.add(assessment)
    false_assessment, false_unit = next((a, u) for a, u in pairs if u.category == Category.DEPARTMENT)
    false_assessment.falsified = True
    false_assessment.grade = "不合格"
    session.add(false_assessment)
    t001 = session.exec(select(Criterion).where(Criterion.ref == "T001")).one()
    session.add(Deduction(assessment_id=odd_assessment.id, criterion_id=t001.id, points=Decimal("0.5"),
                          reason="未按时召开专题会议", method=GroupMethod.ON_SITE, evidence=EVIDENCE,
                          recorded_by="周海宁"))
    falsification = SpecialItem(assessment_id=false_assessment.id, kind=SpecialKind.FALSIFICATION,
                                reason="自查材料中伪造会议记录", evidence=EVIDENCE, recorded_by="周海宁")
    session.add(falsification)
    session.add(RectificationItem(assessment_id=odd_assessment.id, feedback_on=date(2026, 3, 2),
                                  problems="专题会议未按时召开\n\n政策解读不及时"))
    deadline = Deadline(cycle_id=demo_cycle.id, unit_id=odd.id, kind=DeadlineKind.SELF_CHECK,
                        starts_on=date(2026, 2, 2), due_on=date(2026, 2, 13), basis="第十条第（三）项")
    session.add(deadline)
    session.add(DailyRecord(year=2025, unit_id=odd.id, points=Decimal("1.0"),
                            method=DailyMethod.SPOT_CHECK, finding="网站栏目长期未更新",
                            found_on=date(2025, 6, 9), recorded_by="陈思源"))
    decision = GateDecision(cycle_id=demo_cycle.id, gate=Gate.LEADING_GROUP, decision="approve",
                            decided_by="张明远", comment=COMMENT)
    session.add(decision)
    session.commit()
    return Scored(cycle_id=demo_cycle.id, odd_unit_id=odd.id, falsified_unit=false_unit.name,  # type: ignore[arg-type]
                  falsification_id=falsification.id, self_check_deadline_id=deadline.id,  # type: ignore[arg-type]
                  decision_id=decision.id)  # type: ignore[arg-type]


def issue_everything(session: Session, scored: Scored, out_dir: Path) -> dict[str, list[IssuedDocument]]:
    """Every document type of the procedure, issued once (keyed by doc type)."""
    cid = scored.cycle_id
    common = {"session": session, "out_dir": out_dir}
    docs = [
        issue_daily_circular(year=2025, on=ON, **common),
        issue_scheme_notice(cycle_id=cid, on=ON, **common),
        issue_self_check_notice(cycle_id=cid, on=ON, due_on=date(2026, 3, 16), **common),
        *issue_self_check_forms(cycle_id=cid, on=ON, **common),
        issue_group_notice(cycle_id=cid, on=ON, **common),
        *issue_score_sheets(cycle_id=cid, on=ON, **common),
        issue_results_summary(cycle_id=cid, on=ON, **common),
        issue_review_request(cycle_id=cid, on=ON, **common),
        issue_approval_opinion(cycle_id=cid, decision_id=scored.decision_id, on=ON, **common),
        issue_results_circular(cycle_id=cid, on=ON, **common),
        issue_criticism(special_item_id=scored.falsification_id, on=ON, **common),
        *issue_rectification_notices(cycle_id=cid, on=ON, **common),
        *issue_deadline_notices(slots=[(scored.self_check_deadline_id, "overdue-1")], on=date(2026, 2, 17),
                                **common),
        *issue_deadline_notices(slots=[(scored.self_check_deadline_id, ESCALATION)], on=date(2026, 2, 24), **common),
    ]
    by_type: dict[str, list[IssuedDocument]] = {}
    for doc in docs:
        by_type.setdefault(doc.doc_type, []).append(doc)
    return by_type

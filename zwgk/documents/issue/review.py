"""04 审核审定：the request (请示) on the results and the opinion recording each gate decision
(article 10(4))."""

from collections import Counter
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from sqlmodel import Session

from models.cycle import Gate, GateDecision, cycle_by_id
from models.documents import IssuedDocument
from models.stages import STAGE_LABELS, Stage
from zwgk.documents import contexts as c
from zwgk.documents.contexts import Template
from zwgk.documents.issue.common import (
    attachments,
    doc_path,
    find_issued,
    names_of,
    official,
    revision_note,
    summary_categories,
)
from zwgk.documents.register import DocKey, Issue, issue


@dataclass(frozen=True)
class ReviewDraft:
    """What the 请示 on the results proposes: per category the ranks, scores and grades."""

    categories: list[c.SummaryCategory]
    grade_counts: str  # 考核等次为优秀3个、良好2个… as the request writes it
    unit_count: int


def review_draft(*, session: Session, cycle_id: int) -> ReviewDraft:
    """The results as they stand, as the review request puts them to the office and the leading group."""
    cycle = cycle_by_id(session, cycle_id)
    categories = summary_categories(session, cycle_id)
    grades = Counter(r.grade for cat in categories for r in cat.rows if r.grade)
    counts = "、".join(f"{band.grade}{grades[band.grade]}个" for band in cycle.scheme.grade_bands
                      if grades[band.grade])
    return ReviewDraft(categories=categories, grade_counts=f"考核等次为{counts}" if counts else "考核等次尚未确定",
                       unit_count=sum(len(cat.rows) for cat in categories))


def issue_review_request(*, session: Session, cycle_id: int, on: date, revision: int = 0,
                         out_dir: Path | None = None) -> IssuedDocument:
    """关于{year}年度政务公开工作考核结果的请示: the office's review, submitted to the leading group."""
    names = names_of(session)
    year = cycle_by_id(session, cycle_id).year
    title = f"关于{year}年度政务公开工作考核结果的请示"
    draft = review_draft(session=session, cycle_id=cycle_id)
    resubmission = f"本件为第{revision + 1}次报送（前次退回后已复核）。" if revision else ""

    def build(number: str) -> c.ReviewRequest:
        return c.ReviewRequest(
            **official(names, organ="office", number=number, title=title, year=year,
                        addressees=names.leading_group, on=on, cc=""),
            attachments=attachments([f"{year}年度政务公开工作考核结果汇总表"]),
            unit_count=draft.unit_count, resubmission=resubmission,
            grade_counts=draft.grade_counts, categories=draft.categories)

    return issue(session, Issue(
        key=DocKey(cycle_id, "review", None, "review_request", str(revision)), organ="office",
        year=year, title=title, issued_on=on, addressees=names.leading_group,
        path=doc_path(year, "review", f"{year}年度政务公开工作考核结果的请示", revision_note(revision)),
        template=Template.REVIEW_REQUEST, build=build), out_dir)


GATE_TEXTS: dict[Gate, tuple[str, str, str, str]] = {
    # gate → (deciding organ, subject, verb, addressee: an attribute of Names)
    Gate.SCHEME: ("leading_group", "实施方案", "审定", "office"),
    Gate.OFFICE_REVIEW: ("office", "结果", "审核", "group"),
    Gate.LEADING_GROUP: ("leading_group", "结果", "审定", "office"),
}


def issue_approval_opinion(*, session: Session, cycle_id: int, decision_id: int, on: date,
                           out_dir: Path | None = None) -> IssuedDocument:
    """审定意见 (审核意见 at the office review) recording one gate decision."""
    cycle = cycle_by_id(session, cycle_id)
    year = cycle.year
    decision = session.get(GateDecision, decision_id)
    if decision is None or decision.cycle_id != cycle_id:
        raise LookupError(f"{year} 年度没有编号为 {decision_id} 的审定记录 (no such gate decision)")
    names = names_of(session)
    organ, subject, verb, addressee = GATE_TEXTS[decision.gate]
    gate_label = names.profile.organ(organ).name + verb
    addressees = getattr(names, addressee)
    kind = "审核意见" if decision.gate is Gate.OFFICE_REVIEW else "审定意见"
    title = f"关于{year}年度政务公开工作考核{subject}的{kind}"
    if decision.decision == "approve":
        verdict = "同意"
    elif decision.return_to:
        verdict = f"退回，退回至“{STAGE_LABELS[Stage(decision.return_to)]}”阶段重新办理"
    else:
        verdict = "退回重新办理"
    request = None if decision.gate is Gate.SCHEME else find_issued(session, cycle_id, "review_request")
    stage = "scheme" if decision.gate is Gate.SCHEME else "review"

    def build(number: str) -> c.ApprovalOpinion:
        return c.ApprovalOpinion(
            **official(names, organ=organ, number=number, title=title, year=year, addressees=addressees,
                        on=on, cc=""),
            subject=subject, request_title=request.title if request else "",
            request_number=request.number if request else "", gate_label=gate_label,
            decision=verdict, decided_by=decision.decided_by, comment=decision.comment or "无")

    return issue(session, Issue(
        key=DocKey(cycle_id, stage, None, "approval_opinion", str(decision_id)), organ=organ,
        year=year, title=title, issued_on=on, addressees=addressees,
        path=doc_path(year, stage, f"{year}年度考核{subject}的{kind}", f"第{decision_id}号记录"),
        template=Template.APPROVAL_OPINION, build=build), out_dir)

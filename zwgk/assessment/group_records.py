"""Recording the group's activities at a unit (article 10(4)) and what its workbook pre-fills.

A symposium, a hearing of the self-check report or an on-site check is recorded with the
assessors who took part, the minutes (kept in the output folder with their SHA-256) and the
findings, each a proposed deduction on a regular criterion. A record form per activity is
issued as a Word document. The findings appear pre-filled in the group's score workbook; as
with daily records, only what the group imports from the workbook becomes a deduction.
"""

import hashlib
import shutil
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from pathlib import Path

from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, col, select

from models.assessment import GroupMethod
from models.audit import record
from models.catalog import Criterion, CriterionKind
from models.cycle import get_cycle, scheme_points
from models.documents import IssuedDocument
from models.group_records import (
    ACTIVITY_KINDS,
    FORM_TITLES,
    GroupActivity,
    GroupFinding,
)
from models.stages import STAGE_LABELS, Stage
from models.types import to_points
from models.units import Unit
from zwgk.adapters.files import file_sha256
from zwgk.core.errors import IntakeError
from zwgk.core.filenames import join_name
from zwgk.core.permissions import Action, may, person
from zwgk.documents.issue.common import FOLDERS
from zwgk.documents.issue.group import issue_group_record
from zwgk.documents.register import resolve_out_dir
from zwgk.setup.categories import criterion_for
from zwgk.setup.units import assessed_unit

#: The group works at units while the self-checks come in and while it scores (again, when
#: the office or the leading group returns the scores to it).
OPEN_STAGES = (Stage.SELF_CHECK, Stage.GROUP_ASSESSMENT)


@dataclass(frozen=True)
class FindingInput:
    """A finding as entered: the criterion, the proposed deduction and what was found."""

    criterion: str
    points: Decimal
    text: str


@dataclass(frozen=True)
class ProposedDeduction:
    """A finding as the score workbook pre-fills it."""

    unit_id: int
    ref: str
    points: Decimal
    reason: str
    method: GroupMethod


def _kind(kind: str) -> GroupMethod:
    try:
        method = GroupMethod(kind.strip())
    except ValueError:
        method = None
    if method not in ACTIVITY_KINDS:
        raise IntakeError(f"考核方式“{kind}”不是考核组在单位开展的活动，应为："
                          + "、".join(k.value for k in ACTIVITY_KINDS)
                          + "（第三方评估、民意调查用 zwgk evaluations import 导入）")
    return method  # type: ignore[return-value]


def _assessors(session: Session, names: list[str]) -> list[str]:
    wanted = [n.strip() for n in names if n.strip()]
    if not wanted:
        raise IntakeError("须用 --by 填写参加的考核组成员姓名 (assessors required)")
    strangers = [n for n in wanted if not may(person(session, n), Action.TAKE_PART_IN_GROUP)]
    if strangers:
        raise IntakeError(f"“{'、'.join(strangers)}”不是考核组成员 (not an assessor)；"
                          "请用 zwgk people list 查看考核组名单")
    return list(dict.fromkeys(wanted))


def record_activity(
    session: Session, *, year: int, unit_name: str, kind: str, held_on: date, members: list[str],
    findings: list[FindingInput], minutes: Path | None = None, out_dir: Path | None = None,
) -> tuple[GroupActivity, IssuedDocument]:
    """Record one activity of the group at a unit and issue its record form (commits).

    Refused (IntakeError, nothing written) outside the self-check and group stages, for a kind
    other than 座谈会/自查汇报/实地核查, a name not on the group, a criterion that is not a
    regular criterion of the unit's category, points outside 0 to its points, an empty finding
    or a missing minutes file. Entering the same activity again returns the same record.
    """
    people = _assessors(session, members)  # who took part, before anything else is looked at
    target = assessed_unit(session, year=year, unit_name=unit_name)
    cycle = target.cycle
    assert cycle.id is not None and target.unit.id is not None
    if cycle.stage not in OPEN_STAGES:
        raise IntakeError(f"{year} 年度考核当前阶段为“{STAGE_LABELS[cycle.stage]}”，考核组工作记录只能在"
                          "单位自查或考核组考核阶段录入 (group records only during self-check or group assessment)")
    method = _kind(kind)
    points = scheme_points(session, cycle.id)
    checked: list[tuple[Criterion, Decimal, str]] = []
    for n, finding in enumerate(findings, start=1):
        criterion = criterion_for(session, target, finding.criterion, {CriterionKind.REGULAR})
        value = to_points(finding.points)
        if not Decimal(0) < value <= points[criterion.ref]:
            raise IntakeError(f"第 {n} 个发现：拟扣分 {value} 应大于 0 且不超过指标 {criterion.ref} "
                              f"的分值 {points[criterion.ref]}")
        if not finding.text.strip():
            raise IntakeError(f"第 {n} 个发现：须填写发现的问题 (finding text required)")
        checked.append((criterion, value, finding.text.strip()))
    if minutes is not None and not minutes.is_file():
        raise IntakeError(f"{minutes}: 记录材料文件不存在 (minutes file not found)")
    digest = file_sha256(minutes) if minutes else ""
    key = "activity:" + hashlib.sha256("|".join(
        [str(cycle.id), str(target.unit.id), method.value, held_on.isoformat(), "、".join(people), digest]
        + [f"{c.ref}:{v}:{t}" for c, v, t in checked]).encode()).hexdigest()[:32]
    activity = session.exec(select(GroupActivity).where(GroupActivity.source_key == key)).first()
    if activity is None:
        activity = _store(session, key=key, year=year, cycle_id=cycle.id, unit_id=target.unit.id,
                          unit_name=target.unit.name,
                          method=method, held_on=held_on, people=people, minutes=minutes, digest=digest,
                          checked=checked, out_dir=out_dir)
    assert activity.id is not None
    return activity, issue_group_record(session=session, activity_id=activity.id, out_dir=out_dir)


def _store(session: Session, *, key: str, year: int, cycle_id: int, unit_id: int, unit_name: str, method: GroupMethod,
           held_on: date, people: list[str], minutes: Path | None, digest: str,
           checked: list[tuple[Criterion, Decimal, str]], out_dir: Path | None) -> GroupActivity:
    """Insert the activity and its findings and keep the minutes; one commit, audited."""
    kept = ""
    if minutes is not None:
        relative = Path(str(year)) / FOLDERS["group"] / "记录材料" / join_name(
            unit_name, method.value, held_on.isoformat(), digest[:8], suffix=minutes.suffix)
        target = resolve_out_dir(out_dir) / relative
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(minutes, target)
        kept = relative.as_posix()
    activity = GroupActivity(cycle_id=cycle_id, unit_id=unit_id, kind=method, held_on=held_on,
                             members="、".join(people), minutes_name=minutes.name if minutes else "",
                             minutes_sha256=digest, minutes_path=kept, source_key=key)
    session.add(activity)
    try:
        session.flush()
    except IntegrityError:  # the same activity recorded at the same moment by another process
        session.rollback()
        return session.exec(select(GroupActivity).where(GroupActivity.source_key == key)).one()
    session.add_all(GroupFinding(activity_id=activity.id, criterion_id=c.id, points=v, finding=t)  # type: ignore[arg-type]
                    for c, v, t in checked)
    record(session, actor="、".join(people), action="group.record", cycle_id=cycle_id,
           detail=f"{unit_name} {method.value} {held_on.isoformat()}，发现问题 {len(checked)} 个")
    session.commit()
    return activity


def proposed_deductions(session: Session, cycle_id: int) -> list[ProposedDeduction]:
    """Every finding of the cycle's group activities, as the score workbook pre-fills it."""
    rows = session.exec(
        select(GroupActivity, GroupFinding, Criterion.ref)
        .join(GroupFinding, col(GroupFinding.activity_id) == GroupActivity.id)
        .join(Criterion, col(Criterion.id) == GroupFinding.criterion_id)
        .where(GroupActivity.cycle_id == cycle_id)
        .order_by(col(GroupActivity.held_on), col(GroupActivity.id), col(GroupFinding.id))
    ).all()
    return [ProposedDeduction(unit_id=a.unit_id, ref=ref, points=f.points, method=a.kind,
                              reason=f"{FORM_TITLES[a.kind].removesuffix('记录表')}（{a.held_on.isoformat()}，"
                                     f"第{a.id}号记录）：{f.finding}")
            for a, f, ref in rows]


@dataclass(frozen=True)
class ActivityView:
    """An activity as the office lists it."""

    id: int
    unit: str
    kind: str
    held_on: date
    members: str
    minutes: str
    minutes_sha256: str
    findings: list[str]


def list_activities(session: Session, *, year: int, unit_name: str | None = None) -> list[ActivityView]:
    """The year's group activities (optionally of one unit), in the order they were held."""
    cycle = get_cycle(session, year)
    query = (select(GroupActivity, Unit.name).join(Unit, col(Unit.id) == GroupActivity.unit_id)
             .where(GroupActivity.cycle_id == cycle.id)
             .order_by(col(GroupActivity.held_on), col(GroupActivity.id)))
    if unit_name is not None:
        query = query.where(Unit.id == assessed_unit(session, year=year, unit_name=unit_name).unit.id)
    pairs = session.exec(query).all()
    findings: dict[int, list[str]] = {}
    for activity_id, ref, points, text in session.exec(
        select(GroupFinding.activity_id, Criterion.ref, GroupFinding.points, GroupFinding.finding)
        .join(Criterion, col(Criterion.id) == GroupFinding.criterion_id)
        .where(col(GroupFinding.activity_id).in_([a.id for a, _ in pairs])).order_by(col(GroupFinding.id))
    ):
        findings.setdefault(activity_id, []).append(f"{ref} 拟扣 {points} 分：{text}")
    return [ActivityView(id=a.id, unit=name, kind=a.kind.value, held_on=a.held_on, members=a.members,  # type: ignore[arg-type]
                         minutes=a.minutes_path, minutes_sha256=a.minutes_sha256,
                         findings=findings.get(a.id, []))  # type: ignore[arg-type]
            for a, name in pairs]

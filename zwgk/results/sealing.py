"""Decided figures sealed into the audit chain, and the one check of the whole trail.

When the leading group approves the results, every unit's score, grade and rank go into an
audit row (``results.seal``), whose hash the public results page prints. ``verify_trail`` then
finds, in order: a row altered or removed inside the chain; against the audit witness outside
the database (zwgk.adapters.witness), a witness that is missing or does not belong to this
chain, a tail cut off after the last head it names, or a rewritten head; a tail cut off after an
anchor kept in the database (models.audit.AuditAnchor); and a sealed figure that differs from
the tables, either as stored or as computed again from the group's deductions and the special
items.
"""

import json
from collections.abc import Iterator
from itertools import chain
from typing import Any

from sqlalchemy import update
from sqlmodel import Session, select

from models.assessment import Assessment
from models.audit import (
    SEAL,
    AuditEntry,
    cut_anchor,
    latest_entry,
    record,
    verify_chain,
)
from models.cycle import Cycle
from models.types import to_points
from models.units import Unit
from zwgk.adapters import witness
from zwgk.core.clock import OFFICE_TZ, office_time
from zwgk.core.settings import get_settings
from zwgk.results.ranking import computed_results

FIELDS = {"score": "得分", "grade": "等次", "rank": "名次"}


def _figures(values: dict[str, Any]) -> list[str]:
    """A unit's figures as sealed: score (one decimal), grade, rank; '' for none."""
    score, rank = values.get("score"), values.get("rank")
    return ["" if score is None else str(to_points(score)), values.get("grade") or "",
            "" if rank is None else str(rank)]


def _by_unit(session: Session, cycle_id: int, values: dict[int, dict[str, Any]]) -> dict[str, list[str]]:
    names = dict(session.exec(select(Assessment.id, Unit.name).join(Unit, Unit.id == Assessment.unit_id)  # type: ignore[arg-type]
                              .where(Assessment.cycle_id == cycle_id)).all())
    return {names[aid]: _figures(v) for aid, v in values.items()}


def stored_figures(session: Session, cycle_id: int) -> dict[str, list[str]]:
    """Every unit's score, grade and rank as stored now, by unit name."""
    rows = session.exec(select(Assessment.id, Assessment.score, Assessment.grade, Assessment.rank)
                        .where(Assessment.cycle_id == cycle_id)
                        .execution_options(populate_existing=True)).all()
    return _by_unit(session, cycle_id, {aid: {"score": s, "grade": g, "rank": r} for aid, s, g, r in rows})


def seal_results(session: Session, *, cycle_id: int, actor: str) -> AuditEntry:
    """Seal the cycle's stored figures into the chain (the caller commits)."""
    return record(session, actor=actor, action=SEAL, cycle_id=cycle_id,
                  detail={"units": stored_figures(session, cycle_id)})


def reseal_if_sealed(session: Session, *, cycle_id: int, actor: str) -> None:
    """After a change to sealed results (a falsification found after publication): compute and
    store the results again and seal them anew, in the caller's transaction."""
    if latest_entry(session, action=SEAL, cycle_id=cycle_id) is None:
        return
    values = computed_results(session, cycle_id=cycle_id)
    if values:
        session.execute(update(Assessment), [{"id": aid, **v} for aid, v in values.items()])
    seal_results(session, cycle_id=cycle_id, actor=actor)


def _differences(year: int, sealed: dict[str, list[str]], now: dict[str, list[str]], how: str) -> Iterator[str]:
    for unit, figures in sealed.items():
        current = now.get(unit)
        if current is None:
            yield f"{year} 年度 {unit}：封存的考核结果在数据库中已不存在 (sealed unit missing)"
            continue
        for (field, label), was, is_now in zip(FIELDS.items(), figures, current, strict=True):
            if was != is_now:
                yield (f"{year} 年度 {unit} 的{label}（{field}）：封存为 “{was}”，{how}为 “{is_now}” "
                       f"(sealed figure differs)")


def witness_problem(session: Session) -> str | None:
    """What the audit witness says is wrong with the chain, as one line, or None."""
    path = get_settings().witness_path
    held = dict(session.exec(select(AuditEntry.id, AuditEntry.hash)).all())
    if not held:
        return None
    seen = witness.read(path)
    if seen is None:
        return f"审计见证文件 {path} 不存在，无法确认审计日志未被截断 (audit witness missing)"
    if seen.unreadable:
        return f"审计见证文件 {path} 有 {seen.unreadable} 行无法读取，见证文件已损坏 (audit witness damaged)"
    root = held[min(held)]
    heads = [h for h in seen.heads if h.chain == root]
    if not heads:
        return (f"审计见证文件 {path} 中没有本数据库审计链的记录：审计链被整体改写，或见证文件不属于本数据库 "
                f"(audit witness does not match)")
    last = max(heads, key=lambda h: h.id)
    if last.id > max(held):
        when = last.at.astimezone(OFFICE_TZ)
        return (f"审计日志被截断：见证文件记录 {when:%Y-%m-%d %H:%M:%S} 的链头是第 {last.id} 条，数据库中只到第 {max(held)} 条，"
                f"缺少 {last.id - max(held)} 条 (audit log tail cut after row {max(held)})")
    changed = next((h for h in heads if held.get(h.id) != h.hash), None)
    if changed is not None:
        return (f"审计日志第 {changed.id} 条与见证文件记录的链头不一致：审计链被改写 "
                f"(audit chain rewritten at row {changed.id})")
    return None


def verify_trail(session: Session) -> str | None:
    """The first problem of the audit trail as one line, or None when it is whole."""
    broken = verify_chain(session)
    if broken is not None:
        return (f"审计日志第 {broken.id} 条（{office_time(broken.at)} {broken.actor} {broken.action}）"
                f"校验失败：记录被改动或其前一条被删除 (audit row {broken.id} is broken)")
    problem = witness_problem(session)
    if problem is not None:
        return problem
    cut = cut_anchor(session)
    if cut is not None:
        return (f"审计日志被截断或改写：{office_time(cut.at)} {cut.source} 记录的链头是第 {cut.audit_id} 条，"
                f"该条已不存在或已改变 (audit log tail cut after row {cut.audit_id})")
    for cycle in session.exec(select(Cycle).order_by(Cycle.year)):
        assert cycle.id is not None
        seal = latest_entry(session, action=SEAL, cycle_id=cycle.id)
        if seal is None:
            continue
        sealed = json.loads(seal.comment)["units"]
        recomputed = _by_unit(session, cycle.id, computed_results(session, cycle_id=cycle.id))
        problem = next(chain(_differences(cycle.year, sealed, stored_figures(session, cycle.id), "数据库中"),
                             _differences(cycle.year, sealed, recomputed, "按评分记录重新计算")), None)
        if problem is not None:
            return problem
    return None

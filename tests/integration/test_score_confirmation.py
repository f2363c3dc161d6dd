"""The group confirms its scores on a preview: flags worth a second look, no confirmation while a
unit is unscored or by anyone but an assessor, and none of figures that changed after the preview."""

import json
from datetime import date
from decimal import Decimal

import pytest
from sqlmodel import Session, select
from typer.testing import CliRunner

from models.assessment import Assessment, Deduction, GroupMethod, ScoreConfirmation
from models.cycle import Cycle
from models.deadlines import Deadline, DeadlineKind, DeadlineState
from models.units import Unit
from zwgk.cli.app import app
from zwgk.core.errors import IntakeError
from zwgk.core.permissions import NotAllowed
from zwgk.deadlines.rows import open_group_deadline
from zwgk.intake.forms import regular_criteria
from zwgk.results.confirmation import (
    FLAG_ABOVE_SELF,
    FLAG_FAR_FROM_SELF,
    FLAG_NO_DEDUCTION,
    FLAG_UNSCORED,
    confirm_scores,
    score_preview,
    scores_ready,
)

D = Decimal
ASSESSOR, OFFICE_ONLY, LEADER = "周海宁", "刘静怡", "张明远"
DAY = date(2026, 2, 5)


def _assessments(session: Session, cycle: Cycle) -> dict[str, Assessment]:
    rows = session.exec(select(Assessment, Unit).join(Unit, Unit.id == Assessment.unit_id)  # type: ignore[arg-type]
                        .where(Assessment.cycle_id == cycle.id)).all()
    return {unit.name: assessment for assessment, unit in rows}


def _deduct(session: Session, cycle: Cycle, assessment: Assessment, unit: Unit, points: str) -> None:
    line = regular_criteria(session, cycle.id)[unit.category][0]  # type: ignore[arg-type]
    session.add(Deduction(assessment_id=assessment.id, criterion_id=line.id, points=D(points),  # type: ignore[arg-type]
                          reason="政策解读未同步", method=GroupMethod.ON_SITE, recorded_by=ASSESSOR))


@pytest.fixture
def scored(session: Session, demo_cycle: Cycle) -> Cycle:
    """Every unit scored by the group and the group's deadline open: 青岚镇 with a 1-point
    deduction; 云雾镇 2 points and 区统计局 15 points above their self-scores; every other unit
    at its self-score."""
    units = {u.name: u for u in session.exec(select(Unit)).all()}
    for name, assessment in _assessments(session, demo_cycle).items():
        assessment.scored = True
        session.add(assessment)
        if name == "青岚镇（演示）":
            _deduct(session, demo_cycle, assessment, units[name], "1.0")
    session.commit()
    full = {line.unit: line.score for line in score_preview(session, cycle_id=demo_cycle.id).lines}  # type: ignore[arg-type]
    for name, assessment in _assessments(session, demo_cycle).items():
        gap = {"云雾镇（演示）": D(2), "区统计局（演示）": D(15)}.get(name, D(0))
        assessment.self_score = full[name] - gap  # type: ignore[operator]
        session.add(assessment)
    session.commit()
    open_group_deadline(session, cycle_id=demo_cycle.id, start_on=date(2026, 1, 20))  # type: ignore[arg-type]
    return demo_cycle


def test_the_preview_flags_what_deserves_a_second_look(session: Session, scored: Cycle) -> None:
    lines = {line.unit: line for line in score_preview(session, cycle_id=scored.id).lines}  # type: ignore[arg-type]
    assert len(lines) == 40 and all(line.rank and line.grade for line in lines.values())
    assert lines["青岚镇（演示）"].flags == ()  # deducted, and as its own self-score
    assert lines["云雾镇（演示）"].flags == (FLAG_NO_DEDUCTION, FLAG_ABOVE_SELF)
    assert lines["区统计局（演示）"].flags == (FLAG_NO_DEDUCTION, FLAG_ABOVE_SELF, FLAG_FAR_FROM_SELF)

    town = _assessments(session, scored)["青岚镇（演示）"]
    town.scored = False
    session.add(town)
    session.commit()
    preview = score_preview(session, cycle_id=scored.id)  # type: ignore[arg-type]
    line = next(x for x in preview.lines if x.unit == "青岚镇（演示）")
    assert (line.score, line.grade, line.rank, line.flags) == (None, "", None, (FLAG_UNSCORED,))
    assert preview.unscored == ["青岚镇（演示）"]
    with pytest.raises(IntakeError, match="还有 1 个单位尚未评分"):
        confirm_scores(session, cycle_id=scored.id, by=ASSESSOR, on=DAY)  # type: ignore[arg-type]
    assert not scores_ready(session, cycle_id=scored.id)  # type: ignore[arg-type]


def test_only_an_assessor_confirms_and_only_the_figures_they_saw(session: Session, scored: Cycle) -> None:
    assert scored.id is not None
    for name in (OFFICE_ONLY, LEADER, "路人甲"):
        with pytest.raises(NotAllowed, match="无权办理考核评分"):
            confirm_scores(session, cycle_id=scored.id, by=name, on=DAY)
    seen = score_preview(session, cycle_id=scored.id).digest
    town = _assessments(session, scored)["青岚镇（演示）"]
    unit = session.get(Unit, town.unit_id)
    assert unit is not None
    _deduct(session, scored, town, unit, "0.5")  # someone imports a change meanwhile
    session.commit()
    with pytest.raises(IntakeError, match="评分在您查看之后又有变动"):
        confirm_scores(session, cycle_id=scored.id, by=ASSESSOR, on=DAY, digest=seen)
    assert session.exec(select(ScoreConfirmation)).first() is None

    confirm_scores(session, cycle_id=scored.id, by=ASSESSOR, on=DAY,
                   digest=score_preview(session, cycle_id=scored.id).digest)
    assert scores_ready(session, cycle_id=scored.id)
    deadline = session.exec(select(Deadline).where(Deadline.kind == DeadlineKind.GROUP_SCORING)).one()
    assert (deadline.state, deadline.met_on) == (DeadlineState.MET, DAY)  # the group's work is done


def test_scores_confirm_prints_the_preview_and_asks(session: Session, scored: Cycle, db_url: str) -> None:
    runner = CliRunner()
    refused = runner.invoke(app, ["scores", "confirm", "2025", "--by", ASSESSOR, "--db", db_url], input="n\n")
    assert refused.exit_code == 1 and "2025 年度考核评分预览" in refused.output and "未确认" in refused.output
    listed = runner.invoke(app, ["scores", "confirm", "2025", "--by", ASSESSOR, "--json", "--db", db_url], input="n\n")
    units = json.JSONDecoder().raw_decode(listed.output)[0]["units"]  # then the question
    assert next(u["flags"] for u in units if u["unit"] == "区统计局（演示）")[-1] == FLAG_FAR_FROM_SELF
    assert not scores_ready(session, cycle_id=scored.id)  # type: ignore[arg-type]
    outsider = runner.invoke(app, ["scores", "confirm", "2025", "--by", OFFICE_ONLY, "--yes", "--db", db_url])
    assert isinstance(outsider.exception, NotAllowed) and "预览" not in outsider.output  # asked nothing
    done = runner.invoke(app, ["scores", "confirm", "2025", "--by", ASSESSOR, "--yes", "--on", "2026-02-05",
                               "--db", db_url])
    assert done.exit_code == 0, done.output
    assert f"{ASSESSOR} 已确认 2025 年度考核评分（40 个单位）" in done.output
    session.expire_all()
    assert scores_ready(session, cycle_id=scored.id)  # type: ignore[arg-type]

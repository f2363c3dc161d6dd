"""Who decides for the leading group is a district setting: by default its 组长 and 副组长; other
members add opinions that the deciders read. Every decision and opinion is kept and shown."""

from pathlib import Path

import pytest
from sqlmodel import Session, select
from typer.testing import CliRunner

from models.cycle import Cycle, Gate, GateOpinion, transition
from models.stages import Stage
from zwgk.cli.app import app
from zwgk.core.errors import ImportRejected
from zwgk.cycle import status
from zwgk.cycle.gates import Decision, GateRefused, add_opinion, decide, return_stage
from zwgk.setup.district import parse_profile, save_profile

HEAD, DEPUTY, MEMBER, OFFICE = "张明远", "李文清", "周海宁", "王晓岚"  # the demo's roster
DISTRICT = """district: 云溪区
measures: 云溪区政务公开工作考核办法
organs:
  leading_group: {name: 云溪区政务公开工作领导小组, mark: 云溪区政务公开工作领导小组文件, prefix: 云公开组}
  office: {name: 云溪区政务公开工作领导小组办公室, mark: 云溪区政务公开办文件, prefix: 云府公开办}
"""


def test_a_member_adds_an_opinion_and_the_head_or_deputy_decides(session: Session, demo_cycle: Cycle) -> None:
    assert demo_cycle.id is not None
    with pytest.raises(GateRefused, match="领导小组由组长、副组长作出审定决定，周海宁 可提出意见"):
        decide(session, cycle_id=demo_cycle.id, decision=Decision(gate=Gate.SCHEME, decision="return", by=MEMBER))
    assert demo_cycle.stage is Stage.DRAFT
    add_opinion(session, cycle_id=demo_cycle.id, gate=Gate.SCHEME, by=MEMBER, comment="建议增加政策解读指标权重")
    add_opinion(session, cycle_id=demo_cycle.id, gate=Gate.SCHEME, by=MEMBER, comment="建议增加政策解读指标权重")
    assert len(session.exec(select(GateOpinion)).all()) == 1  # the same opinion again is one
    for name, why in ((OFFICE, None), ("路人甲", "不是领导小组成员")):
        if why is None:  # 王晓岚 is a member of the leading group as the office's head
            add_opinion(session, cycle_id=demo_cycle.id, gate=Gate.SCHEME, by=name, comment="办公室意见：同意")
        else:
            with pytest.raises(GateRefused, match=why):
                add_opinion(session, cycle_id=demo_cycle.id, gate=Gate.SCHEME, by=name, comment="同意")
    with pytest.raises(GateRefused, match="意见不能为空"):
        add_opinion(session, cycle_id=demo_cycle.id, gate=Gate.SCHEME, by=MEMBER, comment="  ")

    decide(session, cycle_id=demo_cycle.id, decision=Decision(gate=Gate.SCHEME, decision="approve", by=DEPUTY,
                                                                comment="同意印发"))
    with pytest.raises(GateRefused, match="不在“领导小组审定实施方案”环节"):
        add_opinion(session, cycle_id=demo_cycle.id, gate=Gate.SCHEME, by=MEMBER, comment="迟到的意见")
    history = status.decision_history(session, demo_cycle.id)
    assert [(row["by"], row["label"], row["comment"]) for row in history] == [
        (MEMBER, "意见", "建议增加政策解读指标权重"), (OFFICE, "意见", "办公室意见：同意"), (DEPUTY, "同意", "同意印发")]
    assert all(row["at"].startswith("20") and len(row["at"]) == 16 for row in history)  # Beijing time, to the minute


def test_returns_say_where_they_sent_the_cycle(session: Session, demo_cycle: Cycle, db_url: str) -> None:
    assert demo_cycle.id is not None
    for stage in (Stage.SCHEME_APPROVED, Stage.SELF_CHECK, Stage.GROUP_ASSESSMENT, Stage.OFFICE_REVIEW):
        transition(session=session, cycle_id=demo_cycle.id, to=stage, actor="测试")
    decide(session, cycle_id=demo_cycle.id, decision=Decision(
        gate=Gate.OFFICE_REVIEW, decision="return", by=OFFICE, comment="青岚镇扣分依据不足", return_to=return_stage("group")))
    row = status.decision_history(session, demo_cycle.id)[-1]
    assert (row["gate_label"], row["label"], row["return_to"]) == ("办公室审核考核结果", "退回", "考核组考核")
    printed = CliRunner().invoke(app, ["cycle", "status", "2025", "--db", db_url]).output
    assert f"{OFFICE} 退回，退回至考核组考核（青岚镇扣分依据不足）" in printed


def test_the_district_says_who_decides(session: Session, demo_cycle: Cycle, tmp_path: Path, db_url: str) -> None:
    assert demo_cycle.id is not None
    path = tmp_path / "district.yaml"
    path.write_text(DISTRICT + "deciders: [组长]\n", encoding="utf-8")
    save_profile(session, parse_profile(path), actor=OFFICE)
    with pytest.raises(GateRefused, match="领导小组由组长作出审定决定，李文清 可提出意见"):
        decide(session, cycle_id=demo_cycle.id, decision=Decision(gate=Gate.SCHEME, decision="approve", by=DEPUTY))
    decide(session, cycle_id=demo_cycle.id, decision=Decision(gate=Gate.SCHEME, decision="approve", by=HEAD))
    assert "领导小组审定由：组长作出决定" in CliRunner().invoke(app, ["district", "show", "--db", db_url]).output

    path.write_text(DISTRICT + "deciders: [主任]\n", encoding="utf-8")
    with pytest.raises(ImportRejected, match="deciders：应为 组长、副组长、成员 中的一个或几个"):
        parse_profile(path)
    path.write_text(DISTRICT, encoding="utf-8")
    assert parse_profile(path).deciders == ("组长", "副组长")  # the default when the key is left out

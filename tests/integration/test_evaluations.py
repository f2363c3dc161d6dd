"""Outside evaluations (article 10(4)): imported all or nothing, shown in the group's workbook,
counted as the year's scheme says and stated in the scheme notice."""

from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest
from docx import Document
from openpyxl import Workbook, load_workbook
from sqlmodel import Session, select

from models.assessment import Assessment
from models.audit import AuditEntry
from models.cycle import Cycle
from models.evaluations import EvaluationSource, Measure, OutsideEvaluation
from models.stages import Stage
from models.units import Unit
from zwgk.assessment.evaluations import import_evaluations, set_weight
from zwgk.core.errors import IntakeError
from zwgk.core.permissions import NotAllowed
from zwgk.documents.issue.scheme import issue_scheme_notice
from zwgk.documents.register import document_path
from zwgk.intake.score_workbook import write_score_workbook
from zwgk.results.ranking import compute_results

TOWN, DEPT, OTHER = "青岚镇（演示）", "区教育局（演示）", "云雾镇（演示）"
OFFICE = "王晓岚"


def _csv(path: Path, text: str) -> Path:
    path.write_text(text, encoding="utf-8")
    return path


def test_a_survey_file_is_imported_and_replaces_the_sources_earlier_results(
    session: Session, demo_cycle: Cycle, tmp_path: Path
) -> None:
    first = _csv(tmp_path / "民调.csv", f"单位名称,满意率,样本量,调查机构\n{TOWN},92.5%,300,某调查公司\n"
                                      f"{DEPT},88,120,某调查公司\n")
    report = import_evaluations(session, year=2025, path=first, source="民意调查", by=OFFICE)
    assert report.ok and report.stored == [TOWN, DEPT]
    rows = session.exec(select(OutsideEvaluation).order_by(OutsideEvaluation.id)).all()  # type: ignore[arg-type]
    assert [(r.source, r.measure, r.value, r.sample_size) for r in rows] == [
        (EvaluationSource.SURVEY, Measure.RATE, Decimal("92.5"), 300),
        (EvaluationSource.SURVEY, Measure.RATE, Decimal("88.0"), 120)]
    assert rows[0].text == "满意率 92.5%（样本 300，某调查公司）" and len(rows[0].file_sha256) == 64
    assert session.exec(select(AuditEntry).where(AuditEntry.action == "evaluations.import")).one().actor == OFFICE

    workbook = Workbook()
    sheet = workbook.active
    assert sheet is not None
    sheet.append(["单位名称", "满意率", "样本量", "调查机构"])
    sheet.append([OTHER, 75, 80, "另一调查公司"])
    workbook.save(tmp_path / "民调2.xlsx")
    assert import_evaluations(session, year=2025, path=tmp_path / "民调2.xlsx", source="民意调查", by=OFFICE).ok
    session.expire_all()
    assert [r.provider for r in session.exec(select(OutsideEvaluation)).all()] == ["另一调查公司"]


def test_a_bad_file_is_refused_whole_naming_row_and_column(session: Session, demo_cycle: Cycle,
                                                            tmp_path: Path) -> None:
    bad = _csv(tmp_path / "评估.csv", "单位名称,得分,满意率,样本量,评估机构\n"
                                     f"{TOWN},85,,200,甲评估公司\n"
                                     "不存在的单位,80,,200,甲评估公司\n"
                                     f"{DEPT},80,90,200,甲评估公司\n"
                                     f"{OTHER},101,,abc,\n"
                                     f"{TOWN},85,,200,甲评估公司\n")
    report = import_evaluations(session, year=2025, path=bad, source="第三方评估", by=OFFICE)
    assert not report.ok
    found = {(p.row, p.column): p.message for p in report.problems}
    assert found[(3, "单位名称")] == "“不存在的单位”不是本年度被考核单位"
    assert found[(4, "得分")] == "得分和满意率只能填写一项"
    assert found[(5, "得分")] == "101.0 应在 0 至 100 之间"
    assert found[(5, "样本量")] == "样本量“abc”应为正整数"
    assert found[(5, "评估机构")] == "缺少评估机构（提供方）"
    assert found[(6, "单位名称")] == f"“{TOWN}”与第 2 行重复"
    assert str(report.problems[0]).startswith("评估.csv 第 3 行 单位名称 列：")
    assert session.exec(select(OutsideEvaluation)).all() == []
    with pytest.raises(IntakeError, match="来源“问卷”无效"):
        import_evaluations(session, year=2025, path=bad, source="问卷", by=OFFICE)


def test_the_scheme_weights_third_party_results_and_keeps_surveys_for_reference(
    session: Session, demo_cycle: Cycle, tmp_path: Path
) -> None:
    scheme = set_weight(session, year=2025, source="第三方评估", weight=Decimal(10), by=OFFICE)
    assert scheme.outside_rule() == "第三方评估结果按10%的权重计入考核得分；民意调查结果仅供参考，不计入考核得分"
    with pytest.raises(IntakeError, match="合计小于 100%"):
        set_weight(session, year=2025, source="民意调查", weight=Decimal(90), by=OFFICE)
    with pytest.raises(NotAllowed, match="无权办理办公室事项"):
        set_weight(session, year=2025, source="民意调查", weight=Decimal(5), by="周海宁")
    import_evaluations(session, year=2025, by=OFFICE, source="第三方评估",
                       path=_csv(tmp_path / "三方.csv", f"单位名称,得分,样本量,评估机构\n{TOWN},80,50,甲评估公司\n"))
    import_evaluations(session, year=2025, by=OFFICE, source="民意调查",
                       path=_csv(tmp_path / "民调.csv", f"单位名称,满意率,样本量,调查机构\n{TOWN},20,50,乙\n"
                                                       f"{OTHER},10,50,乙\n"))
    compute_results(session, cycle_id=demo_cycle.id)  # type: ignore[arg-type]
    scores = dict(session.exec(select(Unit.name, Assessment.score).join(Assessment, Assessment.unit_id == Unit.id)).all())  # type: ignore[arg-type]
    assert scores[TOWN] == Decimal("98.0")  # 100 × 90% + 80 × 10%; the survey is for reference only
    assert scores[OTHER] == Decimal("100.0")  # no third-party result: the group's score stands whole

    path = write_score_workbook(session, cycle_id=demo_cycle.id, path=tmp_path / "评分.xlsx")  # type: ignore[arg-type]
    note = load_workbook(path)[TOWN]["A2"].value
    assert "自评总分" in note and "第三方评估：得分 80.0（样本 50，甲评估公司），按10%的权重计入考核得分" in note
    assert "民意调查：满意率 20.0%（样本 50，乙），仅供参考，不计入考核得分" in note

    notice = issue_scheme_notice(session=session, cycle_id=demo_cycle.id, on=date(2026, 1, 7),  # type: ignore[arg-type]
                                           out_dir=tmp_path / "out")
    text = "\n".join(p.text for p in Document(str(document_path(notice, tmp_path / "out"))).paragraphs)
    assert "第三方评估结果按10%的权重计入考核得分；民意调查结果仅供参考，不计入考核得分。" in text

    demo_cycle.stage = Stage.SCHEME_APPROVED
    session.add(demo_cycle)
    session.commit()
    with pytest.raises(IntakeError, match="只能在拟定方案时确定"):
        set_weight(session, year=2025, source="第三方评估", weight=None, by=OFFICE)
    demo_cycle.stage = Stage.OFFICE_REVIEW
    session.add(demo_cycle)
    session.commit()
    with pytest.raises(IntakeError, match="不能再导入外部评价结果"):
        import_evaluations(session, year=2025, path=tmp_path / "三方.csv", source="第三方评估", by=OFFICE)

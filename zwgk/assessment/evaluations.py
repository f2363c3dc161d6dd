"""Outside evaluations (article 10(4)): importing a third-party evaluation or a public-opinion
survey, and the weight the year's scheme gives each.

A file lists per unit a score (out of 100) or a satisfaction rate, the sample size and the
provider. It is read all-or-nothing: any bad row rejects the file with every problem named by
row and column. The file replaces every earlier result of its source in the cycle. How the
results count is fixed when the scheme is proposed (stage 拟定实施方案): a weight in percent,
applied by the scoring rules, or — without one — for reference only.
"""

from decimal import Decimal
from pathlib import Path

from pydantic import ValidationError
from sqlalchemy import delete
from sqlmodel import Session, col, select

from models.assessment import assessed_units
from models.audit import record
from models.cycle import Cycle, get_cycle
from models.evaluations import EvaluationSource, Measure, OutsideEvaluation
from models.scheme import SchemeConfig
from models.stages import STAGE_LABELS, Stage
from zwgk.adapters.files import file_sha256
from zwgk.adapters.spreadsheets.tables import Row, TableError, read_rows
from zwgk.adapters.spreadsheets.xlsx import parse_points
from zwgk.core.errors import ImportReport, IntakeError, Problem
from zwgk.core.permissions import Action, require

ALIASES = {"单位名称": "unit", "单位": "unit", "被考核单位": "unit", "得分": "score", "评估得分": "score",
           "满意率": "rate", "满意度": "rate", "样本量": "sample", "样本数": "sample",
           "评估机构": "provider", "调查机构": "provider", "提供方": "provider"}
COLUMNS = {"unit": "单位名称", "score": "得分", "rate": "满意率", "sample": "样本量", "provider": "评估机构"}

#: Results can still change the scores while the group scores (again, after a return).
OPEN_STAGES = (Stage.DRAFT, Stage.SCHEME_APPROVED, Stage.SELF_CHECK, Stage.GROUP_ASSESSMENT)


def _source(source: str) -> EvaluationSource:
    try:
        return EvaluationSource(source.strip())
    except ValueError:
        raise IntakeError(f"来源“{source}”无效，应为：" + "、".join(s.value for s in EvaluationSource)) from None


Parsed = tuple[Measure, Decimal, int, str]  # what, the result, sample size, provider


def _parse(name: str, row: Row, units: set[str]) -> tuple[Parsed | None, list[Problem]]:
    """One row's result, or the problems with it."""
    cells = row.cells
    problems: list[Problem] = []

    def problem(field: str, message: str) -> None:
        problems.append(Problem(name, message, row=row.number, column=COLUMNS[field]))

    unit = cells.get("unit", "")
    if not unit:
        problem("unit", "缺少单位名称")
    elif unit not in units:
        problem("unit", f"“{unit}”不是本年度被考核单位")
    given = [m for m in (Measure.SCORE, Measure.RATE) if cells.get(m.value, "").strip()]
    value = None
    if len(given) != 1:
        problem("score", "须填写得分或满意率之一" if not given else "得分和满意率只能填写一项")
    else:
        measure = given[0]
        try:
            value = parse_points(cells[measure.value].strip().removesuffix("%"))
        except ValueError as exc:
            problem(measure.value, str(exc))
        if value is not None and not Decimal(0) <= value <= 100:
            problem(measure.value, f"{value} 应在 0 至 100 之间")
            value = None
    sample = cells.get("sample", "")
    if not sample.isdigit() or int(sample) < 1:
        problem("sample", f"样本量“{sample}”应为正整数" if sample else "缺少样本量")
    provider = cells.get("provider", "")
    if not provider:
        problem("provider", "缺少评估机构（提供方）")
    if problems or value is None:
        return None, problems
    return (given[0], value, int(sample), provider), []


def import_evaluations(session: Session, *, year: int, path: Path, source: str, by: str) -> ImportReport:
    """Import the results of one outside source for ``year`` from a CSV or .xlsx, all or nothing.

    Columns: 单位名称, 得分 or 满意率 (one of them per row; a rate may end with %), 样本量,
    评估机构. Every problem is reported with its row and column and nothing is written; otherwise
    the file replaces the source's earlier results in the cycle (commits, audited). Importing
    the same file again changes nothing.
    """
    kind = _source(source)
    if not by.strip():
        raise IntakeError("须用 --by 填写导入人姓名 (name of the person importing required)")
    cycle = get_cycle(session, year)
    assert cycle.id is not None
    if cycle.stage not in OPEN_STAGES:
        raise IntakeError(f"{year} 年度考核当前阶段为“{STAGE_LABELS[cycle.stage]}”，考核组评分已结束，"
                          "不能再导入外部评价结果 (outside results only before the scores go to review)")
    units = {unit.name: unit.id for _, unit in assessed_units(session, cycle.id)}
    try:
        rows = read_rows(path, ALIASES).rows
    except TableError as exc:
        return ImportReport(problems=[Problem(path.name, str(exc).removeprefix(f"{path.name}: "))])
    problems: list[Problem] = []
    parsed: list[tuple[str, Parsed]] = []
    seen: dict[str, int] = {}
    for row in rows:
        result, found = _parse(path.name, row, set(units))
        unit = row.cells.get("unit", "")
        if unit in seen:
            found.append(Problem(path.name, f"“{unit}”与第 {seen[unit]} 行重复", row=row.number,
                                 column=COLUMNS["unit"]))
        seen.setdefault(unit, row.number)
        problems += found
        if result is not None and not found:
            parsed.append((unit, result))
    if not rows:
        problems.append(Problem(path.name, "文件中没有数据行 (no data rows)"))
    if problems:
        return ImportReport(problems=problems)
    digest = file_sha256(path)
    earlier = session.exec(select(OutsideEvaluation.file_sha256).where(
        OutsideEvaluation.cycle_id == cycle.id, OutsideEvaluation.source == kind)).all()
    if len(earlier) == len(parsed) and set(earlier) == {digest}:  # this very file, imported before
        return ImportReport(unchanged=[unit for unit, _ in parsed])
    results = [OutsideEvaluation(cycle_id=cycle.id, unit_id=units[unit], source=kind, measure=measure, value=value,
                                 sample_size=sample, provider=provider, file_name=path.name, file_sha256=digest,
                                 imported_by=by.strip())
               for unit, (measure, value, sample, provider) in parsed]
    session.execute(delete(OutsideEvaluation).where(col(OutsideEvaluation.cycle_id) == cycle.id,
                                                    col(OutsideEvaluation.source) == kind))
    session.add_all(results)
    record(session, actor=by.strip(), action="evaluations.import", cycle_id=cycle.id,
           detail={"source": kind.value, "file": path.name, "sha256": digest, "units": len(results)})
    session.commit()
    return ImportReport(stored=[unit for unit, _ in parsed])


def set_weight(session: Session, *, year: int, source: str, weight: Decimal | None, by: str) -> SchemeConfig:
    """Set how ``source`` counts in ``year``'s scheme: ``weight`` percent of the score, or None
    for reference only. Office staff only, and only while the scheme is proposed (commits, audited;
    setting what is already set changes nothing)."""
    require(session, by, Action.RUN_OFFICE)
    kind = _source(source)
    cycle = get_cycle(session, year)
    if cycle.stage is not Stage.DRAFT:
        raise IntakeError(f"{year} 年度实施方案已审定（当前阶段：{STAGE_LABELS[cycle.stage]}），"
                          "外部评价的计分方式只能在拟定方案时确定 (fixed when the scheme is proposed)")
    weights = {**cycle.scheme.outside_weights}
    if weight is None:
        weights.pop(kind, None)
    else:
        weights[kind] = weight
    if weights == cycle.scheme.outside_weights:
        return cycle.scheme
    try:
        scheme = SchemeConfig.model_validate({**cycle.scheme.model_dump(), "outside_weights": weights})
    except ValidationError as exc:
        raise IntakeError("；".join(e["msg"].removeprefix("Value error, ") for e in exc.errors())) from None
    cycle.config = scheme.model_dump(mode="json")
    session.add(cycle)
    record(session, actor=by.strip(), action="scheme.outside_weight", cycle_id=cycle.id,
           detail=scheme.outside_rule())
    session.commit()
    return scheme


def outside_notes(session: Session, cycle: Cycle) -> dict[int, str]:
    """Per unit id, its outside results and how they count, as the score workbook notes them."""
    scheme = cycle.scheme
    notes: dict[int, str] = {}
    for result in session.exec(select(OutsideEvaluation).where(OutsideEvaluation.cycle_id == cycle.id)
                               .order_by(col(OutsideEvaluation.source))):
        notes[result.unit_id] = notes.get(result.unit_id, "") + (
            f"；{result.source.value}：{result.text}，{scheme.outside_counts(result.source)}")
    return notes

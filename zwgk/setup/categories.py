"""Categories assessed "with reference to these measures" (article 16): importing one with its
catalog in the annexes' shape, so its units are assessed and ranked in their own table."""

import re
from decimal import Decimal, InvalidOperation
from pathlib import Path

from sqlmodel import Session, col, delete, func, select

from models.audit import record
from models.catalog import (
    FULL_MARKS,
    STATUTORY_KEYS,
    Criterion,
    CriterionKind,
    SchemePoint,
)
from models.cycle import Cycle
from models.types import to_points
from models.units import UnitCategory, category_labels
from zwgk.adapters.files import file_sha256
from zwgk.adapters.spreadsheets.tables import read_rows
from zwgk.core.actors import OFFICE_ACTOR
from zwgk.core.errors import ImportRejected, IntakeError
from zwgk.setup.units import AssessedUnit

CATALOG_HEADERS = {"内容": "area", "一级指标": "level1", "二级指标": "text", "分值": "points",
                   "考核方法": "method"}
REQUIRED = {"area": "内容", "level1": "一级指标", "text": "二级指标", "points": "分值"}
# The special items of the annexes, told apart by their level-1 indicator (内容 is 特别项).
SPECIAL_KINDS = {"特别减分项": CriterionKind.SPECIAL_DEDUCTION, "直接归零项": CriterionKind.ZERO,
                 "特别加分项": CriterionKind.BONUS}
KEY = re.compile(r"^[a-z][a-z0-9_]{1,31}$")


def import_catalog(session: Session, *, path: Path, key: str, label: str,
                   actor: str = OFFICE_ACTOR) -> UnitCategory:
    """Create (or replace) category ``key`` called ``label`` with the catalog in ``path``.

    The file has the columns 内容, 一级指标, 二级指标, 分值 and optionally 考核方法; an empty 内容
    or 一级指标 repeats the one above (a merged cell). Rows whose 一级指标 is 特别减分项, 直接归零项
    or 特别加分项 are special items; the regular points must total 100. Any problem refuses the
    whole file (ImportRejected naming row and column); a catalog already used by a year's
    scheme cannot be replaced. Audited; commits.
    """
    problems = _category_problems(session, key, label)
    criteria = _read_catalog(path, key, problems)
    if problems:
        raise ImportRejected(problems)
    category = session.get(UnitCategory, key)
    if category is None:
        last = session.exec(select(func.max(UnitCategory.seq))).one() or 0
        category = UnitCategory(key=key, label=label, title="", seq=last + 1)
    category.label, category.title = label, f"{label}政务公开工作考核内容明细表"
    session.add(category)
    session.exec(delete(Criterion).where(col(Criterion.category) == key))  # type: ignore[call-overload]
    session.add_all(criteria)
    record(session, actor=actor, action="catalog.import",
           detail={"category": key, "label": label, "criteria": len(criteria), "file": path.name,
                   "sha256": file_sha256(path)})
    session.commit()
    return category


def _category_problems(session: Session, key: str, label: str) -> list[str]:
    problems = []
    if not KEY.match(key):
        problems.append(f"--category “{key}”：应为 2 至 32 位小写字母、数字或下划线，以字母开头")
    elif key in STATUTORY_KEYS:
        problems.append(f"--category “{key}”：是考核办法附件所列类别，其明细表随程序提供，不能导入替换")
    if not label.strip():
        problems.append("--label：不能为空")
    elif (other := session.exec(select(UnitCategory.key).where(UnitCategory.label == label,
                                                               UnitCategory.key != key)).first()):
        problems.append(f"--label “{label}”：已是类别 {other} 的名称")
    used = session.exec(
        select(Cycle.year).join(SchemePoint, col(SchemePoint.cycle_id) == Cycle.id)
        .join(Criterion, col(Criterion.id) == SchemePoint.criterion_id)
        .where(Criterion.category == key)).first()
    if used is not None:
        problems.append(f"--category “{key}”：其明细表已用于 {used} 年度考核，不能替换 "
                        "(catalog already used by a year's scheme)")
    return problems


def _read_catalog(path: Path, key: str, problems: list[str]) -> list[Criterion]:
    table = read_rows(path, CATALOG_HEADERS)
    sheet, rows = table.sheet, table.rows
    if not rows:
        problems.append(f"{path.name}: 没有数据行 (no data rows)")
        return []
    missing = [name for field, name in REQUIRED.items() if field not in rows[0].cells]
    if missing:
        problems.append(f"{path.name} [{sheet}] 第 1 行（表头）：缺少“{'”“'.join(missing)}”列 (missing column)")
        return []
    criteria, area, level1, total = [], "", "", Decimal("0.0")
    for seq, row in enumerate(rows, start=1):
        where = f"{path.name} [{sheet}] 第 {row.number} 行"
        area = row.cells["area"] or area
        level1 = row.cells["level1"] or level1
        for field in ("area", "level1", "text"):
            if not (row.cells[field] or {"area": area, "level1": level1}.get(field)):
                problems.append(f"{where} {REQUIRED[field]}列：不能为空")
        kind = SPECIAL_KINDS.get(level1, CriterionKind.REGULAR)
        points = _points(row.cells["points"], kind)
        if points is None:
            problems.append(f"{where} 分值列：“{row.cells['points']}” 应为不小于 0、最多一位小数的数字")
            continue
        if kind is CriterionKind.REGULAR:
            total += points
        criteria.append(Criterion(ref=f"{key.upper()}-{seq:03d}", category=key, seq=seq, area=area,
                                  level1=level1, text=row.cells["text"], kind=kind, default_points=points,
                                  method=row.cells.get("method", "")))
    if total != FULL_MARKS:
        problems.append(f"{path.name} [{sheet}] 分值列：常规指标合计 {total}，应为 100 "
                        f"(regular points total {total}, must be 100)")
    return criteria


def _points(text: str, kind: CriterionKind) -> Decimal | None:
    """The points of a row, or None when they are not a valid number (a zero item may be blank)."""
    if not text and kind is CriterionKind.ZERO:
        return Decimal("0.0")
    try:
        raw = Decimal(text)
    except InvalidOperation:
        return None
    if not raw.is_finite() or raw < 0 or to_points(raw) != raw:
        return None
    return to_points(raw)


def criterion_for(session: Session, target: AssessedUnit, ref: str, kinds: set[CriterionKind]) -> Criterion:
    """The criterion ``ref`` of the unit's category, of one of ``kinds``, or IntakeError."""
    criterion = session.exec(select(Criterion).where(Criterion.ref == ref.strip().upper())).first()
    category = target.unit.category
    if criterion is None or criterion.category != category or criterion.kind not in kinds:
        raise IntakeError(
            f"指标编号“{ref}”不是{category_labels(session)[category]}类可用于此处的指标 "
            f"(criterion {ref} does not apply here)；请用 zwgk catalog show --category {category} 查看")
    return criterion

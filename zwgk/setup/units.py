"""The assessed units: importing them from a file, renaming and retiring them, and finding a
year's assessed unit by the name staff type."""

import re
from dataclasses import dataclass
from pathlib import Path

from sqlmodel import Session, col, select

from models.assessment import Assessment, SelfCheckStatus
from models.audit import record
from models.cycle import Cycle, get_cycle
from models.deadlines import Deadline, DeadlineState
from models.rectification import RectificationItem, RectificationState
from models.stages import STAGE_LABELS, Stage
from models.text import clean_text
from models.units import Category, Unit, list_categories
from zwgk.adapters.files import file_sha256
from zwgk.adapters.spreadsheets.tables import read_rows
from zwgk.core.errors import ImportRejected, IntakeError

UNIT_HEADERS = {
    "name": "name", "单位名称": "name", "单位": "name",
    "category": "category", "类别": "category",
    "contact_person": "contact_person", "联系人": "contact_person",
    "contact_email": "contact_email", "联系邮箱": "contact_email", "邮箱": "contact_email",
    "openness_leader": "openness_leader", "分管领导": "openness_leader",
}
CATEGORY_WORDS = {
    "township": Category.TOWNSHIP, "乡镇": Category.TOWNSHIP, "乡(镇)": Category.TOWNSHIP,
    "社区服务中心": Category.TOWNSHIP, "乡镇社区": Category.TOWNSHIP,
    "department": Category.DEPARTMENT, "部门": Category.DEPARTMENT, "区直部门": Category.DEPARTMENT,
}
EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")


@dataclass(frozen=True)
class UnitsImported:
    """What a units import did, for the message: counts and the CSV's encoding."""

    added: int
    updated: int
    rows: int
    encoding: str | None


def category_words(session: Session) -> dict[str, str]:
    """Every word the 类别 column accepts → its category key: the statutory words and each
    category's key and label."""
    words: dict[str, str] = dict(CATEGORY_WORDS)
    for category in list_categories(session):
        words[category.key] = words[category.label] = category.key
    return words


def import_units(session: Session, path: Path, *, actor: str) -> UnitsImported:
    """Import a units file (all or nothing) and record it, with the file's SHA-256, in the audit log."""
    units, encoding = parse_units(path, category_words(session))
    added, updated = upsert_units(session, units, commit=False)
    if added or updated:
        record(session, actor=actor, action="units.import",
               detail={"file": path.name, "sha256": file_sha256(path), "added": added, "updated": updated,
                       "units": [u.name for u in units]})
    session.commit()
    return UnitsImported(added=added, updated=updated, rows=len(units), encoding=encoding)


def parse_units(path: Path, words: dict[str, str] = CATEGORY_WORDS) -> tuple[list[Unit], str | None]:
    """Read and validate a units file; raise ImportRejected listing every bad row and field.

    ``words`` maps what the 类别 column may say to a category key (see category_words).
    Returns the units and, for a CSV, the encoding it was read in.
    """
    table = read_rows(path, UNIT_HEADERS)
    sheet, rows = table.sheet, table.rows
    problems: list[str] = []
    units: list[Unit] = []
    seen: dict[str, int] = {}
    for row in rows:
        where = f"{path.name} [{sheet}] 第 {row.number} 行"
        name = row.cells.get("name", "")
        category = words.get(row.cells.get("category", ""))
        email = row.cells.get("contact_email", "")
        if not name:
            problems.append(f"{where} name（单位名称）列：不能为空")
        elif name in seen:
            problems.append(f"{where} name（单位名称）列：与第 {seen[name]} 行重复 “{name}”")
        seen.setdefault(name, row.number)
        if category is None:
            problems.append(f"{where} category（类别）列：“{row.cells.get('category', '')}” "
                            "应为 township/乡镇、department/部门 或已导入的类别")
        if email and not EMAIL.match(email):
            problems.append(f"{where} contact_email（联系邮箱）列：“{email}” 不是有效的邮箱地址")
        if category is not None and name:
            units.append(Unit(name=name, category=category,
                              contact_person=row.cells.get("contact_person", ""),
                              contact_email=email,
                              openness_leader=row.cells.get("openness_leader", "")))
    if not rows:
        problems.append(f"{path.name}: 没有数据行 (no data rows)")
    if problems:
        raise ImportRejected(problems)
    return units, table.encoding


def upsert_units(session: Session, units: list[Unit], *, is_demo: bool = False,
                 commit: bool = True) -> tuple[int, int]:
    """Insert new units and update existing ones by name (idempotent; commits unless told not to).

    A unit's category cannot change while it is assessed by a running cycle (ranks are kept
    per category): the whole import is refused, naming the units and the cycle.
    Returns (added, updated).
    """
    existing = {u.name: u for u in session.exec(select(Unit)).all()}
    moving = [row for unit in units if (row := existing.get(unit.name)) and row.category != unit.category]
    problems = [f"{row.name}：正在参加 {cycle.year} 年度考核（{STAGE_LABELS[cycle.stage]}），"
                f"考核结束前不能改变类别 (category is fixed while cycle {cycle.year} runs)"
                for row in moving if (cycle := running_cycle_of(session, row)) is not None]
    if problems:
        raise ImportRejected(problems)
    added = updated = 0
    for unit in units:
        row = existing.get(unit.name)
        if row is None:
            unit.is_demo = is_demo
            session.add(unit)
            added += 1
            continue
        fields = ("category", "contact_person", "contact_email", "openness_leader")
        if any(getattr(row, f) != getattr(unit, f) for f in fields):
            for f in fields:
                setattr(row, f, getattr(unit, f))
            session.add(row)
            updated += 1
    if commit:
        session.commit()
    return added, updated


def running_cycle_of(session: Session, unit: Unit) -> Cycle | None:
    """The cycle not yet closed that assesses ``unit``, if any."""
    return session.exec(
        select(Cycle).join(Assessment, col(Assessment.cycle_id) == Cycle.id)
        .where(Assessment.unit_id == unit.id, Cycle.stage != Stage.CLOSED)
    ).first()


def get_unit(session: Session, name: str) -> Unit:
    """The unit called ``name``, or LookupError."""
    unit = session.exec(select(Unit).where(Unit.name == name)).first()
    if unit is None:
        raise LookupError(f"没有名为“{name}”的被考核单位 (no unit named {name})")
    return unit


def rename_unit(session: Session, *, old: str, new: str, actor: str) -> Unit:
    """Correct a unit's name (audited; commits). Documents already issued keep the old name.
    The new name passes the same text check as an imported one (models.text.clean_text)."""
    unit = get_unit(session, old)
    new = clean_text(new, where="新单位名称 (new name)")
    if not new:
        raise ValueError("新单位名称不能为空 (the new name is empty)")
    if new != old and session.exec(select(Unit.id).where(Unit.name == new)).first() is not None:
        raise ValueError(f"已有名为“{new}”的单位，不能重名 (a unit named {new} exists)")
    if new == old:
        return unit
    unit.name = new
    session.add(unit)
    record(session, actor=actor, action="units.rename", detail={"from": old, "to": new})
    session.commit()
    return unit


def retire_unit(session: Session, *, name: str, actor: str) -> tuple[Unit, Cycle | None]:
    """Stop assessing ``name`` from the next cycle on; past results stay (audited; commits).

    Returns the unit and the running cycle that still assesses it, if any.
    """
    unit = get_unit(session, name)
    running = running_cycle_of(session, unit)
    if not unit.retired:
        unit.retired = True
        session.add(unit)
        record(session, actor=actor, action="units.retire", detail={"unit": name})
        session.commit()
    return unit, running


@dataclass(frozen=True)
class AssessedUnit:
    """A unit assessed in a cycle: the ids and names the intake functions need."""

    cycle: Cycle
    assessment: Assessment
    unit: Unit


def assessed_unit(session: Session, *, year: int, unit_name: str) -> AssessedUnit:
    """The unit called ``unit_name`` as assessed in ``year``, or IntakeError saying why not."""
    cycle = get_cycle(session, year)
    name = unit_name.strip()
    row = session.exec(
        select(Assessment, Unit).join(Unit, Unit.id == Assessment.unit_id)  # type: ignore[arg-type]
        .where(Assessment.cycle_id == cycle.id, Unit.name == name)
    ).first()
    if row is None:
        known = session.exec(select(Unit.id).where(Unit.name == name)).first()
        why = "不是本年度被考核单位" if known else "不在单位名册中"
        raise IntakeError(f"单位“{name}”{why} (unit not assessed in {year})；"
                          f"请用 zwgk units list 查看单位名称")
    return AssessedUnit(cycle=cycle, assessment=row[0], unit=row[1])


def latest_cycle_of_unit(session: Session, unit_id: int) -> Cycle | None:
    """The most recent cycle that assesses the unit (a withdrawn one does not count)."""
    return session.exec(select(Cycle).join(Assessment, col(Assessment.cycle_id) == Cycle.id)
                        .where(Assessment.unit_id == unit_id, Cycle.stage != Stage.WITHDRAWN)
                        .order_by(col(Cycle.year).desc())).first()


def cycles_asking_unit(session: Session, unit_id: int) -> list[Cycle]:
    """Every cycle that still asks something of the unit, newest first: an open or overdue
    deadline, a self-check not yet sent while self-checks are open, a rectification not yet
    verified; and the latest cycle whose scheme was issued, to show where it stands. A cycle
    whose scheme is still a draft is not shown to units: they have not been told of it."""
    assessed = session.exec(select(Cycle, Assessment).join(Assessment, col(Assessment.cycle_id) == Cycle.id)
                            .where(Assessment.unit_id == unit_id, Cycle.stage != Stage.WITHDRAWN)
                            .order_by(col(Cycle.year).desc())).all()
    waiting = set(session.exec(select(Deadline.cycle_id).where(
        Deadline.unit_id == unit_id, col(Deadline.state).in_([DeadlineState.OPEN, DeadlineState.OVERDUE]))).all())
    rectifying = set(session.exec(select(Assessment.cycle_id).join(
        RectificationItem, col(RectificationItem.assessment_id) == Assessment.id).where(
        Assessment.unit_id == unit_id, RectificationItem.state != RectificationState.VERIFIED)).all())
    latest = next((cycle.id for cycle, _ in assessed if cycle.stage is not Stage.DRAFT), None)
    return [cycle for cycle, assessment in assessed
            if cycle.id in (waiting | rectifying | {latest})
            or (cycle.stage is Stage.SELF_CHECK and assessment.self_check_status is SelfCheckStatus.PENDING)]


def unit_cycle(session: Session, unit_id: int, year: int) -> Cycle | None:
    """The cycle of ``year`` if it assesses the unit and is not withdrawn."""
    return session.exec(select(Cycle).join(Assessment, col(Assessment.cycle_id) == Cycle.id)
                        .where(Assessment.unit_id == unit_id, Cycle.year == year,
                               Cycle.stage != Stage.WITHDRAWN)).first()

"""Assessed units and people: importing them from a file and loading the demo district."""

import re
from dataclasses import dataclass
from pathlib import Path

import yaml
from sqlmodel import Session, select

from models.audit import OFFICE_ACTOR, record
from models.catalog import DATA_DIR
from models.units import Category, Member, Unit
from zwgk.inputs import ImportRejected
from zwgk.tabular import read_rows
from zwgk.workbooks import file_sha256

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


def import_units(session: Session, path: Path, *, actor: str) -> UnitsImported:
    """Import a units file (all or nothing) and record it, with the file's SHA-256, in the audit log."""
    units, encoding = parse_units(path)
    added, updated = upsert_units(session, units, commit=False)
    if added or updated:
        record(session, actor=actor, action="units.import",
               detail={"file": path.name, "sha256": file_sha256(path), "added": added, "updated": updated,
                       "units": [u.name for u in units]})
    session.commit()
    return UnitsImported(added=added, updated=updated, rows=len(units), encoding=encoding)


def parse_units(path: Path) -> tuple[list[Unit], str | None]:
    """Read and validate a units file; raise ImportRejected listing every bad row and field.

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
        category = CATEGORY_WORDS.get(row.cells.get("category", ""))
        email = row.cells.get("contact_email", "")
        if not name:
            problems.append(f"{where} name（单位名称）列：不能为空")
        elif name in seen:
            problems.append(f"{where} name（单位名称）列：与第 {seen[name]} 行重复 “{name}”")
        seen.setdefault(name, row.number)
        if category is None:
            problems.append(f"{where} category（类别）列：“{row.cells.get('category', '')}” "
                            "应为 township/乡镇 或 department/部门")
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

    Returns (added, updated).
    """
    existing = {u.name: u for u in session.exec(select(Unit)).all()}
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


def load_demo(session: Session) -> tuple[int, int]:
    """Load the fictional demo district (units and people; idempotent). Returns the counts."""
    data = yaml.safe_load((DATA_DIR / "demo_district.yaml").read_text("utf-8"))
    changed = sum(upsert_units(session, [Unit.model_validate(u) for u in data["units"]], is_demo=True,
                               commit=False))
    known = {m.name for m in session.exec(select(Member)).all()}
    for raw in data["members"]:
        if raw["name"] not in known:
            session.add(Member.model_validate({**raw, "is_demo": True}))
            changed += 1
    if changed:
        session.flush()
        record(session, actor=OFFICE_ACTOR, action="demo.load",
               detail={"units": len(data["units"]), "members": len(data["members"])})
    session.commit()
    return len(data["units"]), len(data["members"])

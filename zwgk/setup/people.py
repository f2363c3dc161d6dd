"""The people of the procedure: the leading group, its office and the assessment group.

Imported from a file all-or-nothing like the units; re-importing updates people by name and
reports what changed. Decisions already taken keep the decider's name when a person is removed.
"""

import re
from dataclasses import dataclass, field
from pathlib import Path

from sqlmodel import Session, col, select

from models.accounts import Account
from models.audit import record
from models.units import (
    LEADING_GROUP_ROLES,
    ROLE_ASSESSOR,
    ROLE_OFFICE,
    ROLE_WORDS,
    Member,
)
from zwgk.adapters.files import file_sha256
from zwgk.adapters.spreadsheets.tables import read_rows
from zwgk.core.errors import ImportRejected
from zwgk.setup.accounts import end_sessions
from zwgk.setup.units import EMAIL

PEOPLE_HEADERS = {
    "姓名": "name", "name": "name",
    "所在单位": "from_unit", "from_unit": "from_unit",
    "职务": "position", "position": "position",
    "角色": "roles", "roles": "roles",
    "手机": "phone", "phone": "phone",
    "邮箱": "email", "email": "email",
}
FIELD_LABELS = {"name": "姓名", "from_unit": "所在单位", "position": "职务", "roles": "角色",
                "phone": "手机", "email": "邮箱"}
ROLE_SEPARATORS = re.compile(r"[、,，;；/\s]+")
PHONE = re.compile(r"^\+?[0-9][0-9 ()-]{5,19}$")
# The fields a re-import compares and updates, with how they are shown.
COMPARED = ("from_unit", "position", "leading_group_role", "office_staff", "assessor", "phone", "email")


@dataclass
class PeopleImport:
    """What an import did, for the user to read."""

    added: list[str] = field(default_factory=list)
    updated: list[str] = field(default_factory=list)  # "姓名：字段 旧 → 新；…"
    unchanged: int = 0
    not_in_file: list[str] = field(default_factory=list)


def parse_roles(text: str) -> tuple[str, bool, bool, list[str]]:
    """Split a 角色 cell: (leading-group position, office staff, assessor, problems)."""
    words = [w for w in ROLE_SEPARATORS.split(text) if w]
    problems = [f"“{w}”不是可用的角色（可用：{'、'.join(ROLE_WORDS)}）" for w in words if w not in ROLE_WORDS]
    leading = [w for w in words if w in LEADING_GROUP_ROLES]
    if len(set(leading)) > 1:
        problems.append(f"领导小组职务只能有一个，收到 {'、'.join(leading)}")
    if not words:
        problems.append(f"不能为空（可用：{'、'.join(ROLE_WORDS)}，多个用“、”分隔）")
    position = LEADING_GROUP_ROLES[leading[0]] if leading else ""
    return position, ROLE_OFFICE in words, ROLE_ASSESSOR in words, problems


def parse_people(path: Path) -> list[Member]:
    """Read and validate a people file (columns 姓名, 所在单位, 职务, 角色, 手机, 邮箱);
    raise ImportRejected listing every bad row and field."""
    table = read_rows(path, PEOPLE_HEADERS)
    sheet, rows = table.sheet, table.rows
    problems: list[str] = []
    people: list[Member] = []
    seen: dict[str, int] = {}
    for row in rows:
        where = f"{path.name} [{sheet}] 第 {row.number} 行"

        def bad(name: str, text: str, where: str = where) -> None:
            problems.append(f"{where} {FIELD_LABELS[name]}列：{text}")

        cells = row.cells
        name = cells.get("name", "")
        if not name:
            bad("name", "不能为空")
        elif name in seen:
            bad("name", f"与第 {seen[name]} 行重复 “{name}”")
        seen.setdefault(name, row.number)
        if not cells.get("from_unit", ""):
            bad("from_unit", "不能为空")
        position, office, assessor, role_problems = parse_roles(cells.get("roles", ""))
        for text in role_problems:
            bad("roles", text)
        phone, email = cells.get("phone", ""), cells.get("email", "")
        if phone and not PHONE.match(phone):
            bad("phone", f"“{phone}” 不是有效的电话号码")
        if email and not EMAIL.match(email):
            bad("email", f"“{email}” 不是有效的邮箱地址")
        people.append(Member(name=name, from_unit=cells.get("from_unit", ""),
                             position=cells.get("position", ""), leading_group_role=position,
                             office_staff=office, assessor=assessor, phone=phone, email=email))
    if not rows:
        problems.append(f"{path.name}: 没有数据行 (no data rows)")
    if problems:
        raise ImportRejected(problems)
    return people


def _shown(member: Member, name: str) -> str:
    value = getattr(member, name)
    if isinstance(value, bool):
        return "是" if value else "否"
    return value or "（空）"


def import_people(session: Session, people: list[Member], *, actor: str, source: Path) -> PeopleImport:
    """Add new people and update existing ones by name (idempotent; one audit row, with the
    source file's SHA-256; commits)."""
    existing = {m.name: m for m in session.exec(select(Member)).all()}
    report = PeopleImport()
    labels = {"leading_group_role": "领导小组职务", "office_staff": "办公室", "assessor": "考核组",
              **FIELD_LABELS}
    for person in people:
        row = existing.pop(person.name, None)
        if row is None:
            session.add(person)
            report.added.append(f"{person.name}（{'、'.join(person.roles)}）")
            continue
        changes = [f"{labels[f]} {_shown(row, f)} → {_shown(person, f)}"
                   for f in COMPARED if getattr(row, f) != getattr(person, f)]
        if not changes:
            report.unchanged += 1
            continue
        for f in COMPARED:
            setattr(row, f, getattr(person, f))
        row.is_demo = False
        session.add(row)
        report.updated.append(f"{person.name}：{'；'.join(changes)}")
    report.not_in_file = sorted(existing)
    if report.added or report.updated:
        record(session, actor=actor, action="people.import",
               detail={"file": source.name, "sha256": file_sha256(source), "added": len(report.added),
                       "updated": len(report.updated)})
    session.commit()
    return report


def list_people(session: Session) -> list[Member]:
    """Everyone on the roster, in the order they were added."""
    return list(session.exec(select(Member).order_by(col(Member.id))).all())


def remove_person(session: Session, *, name: str, actor: str) -> Member:
    """Take ``name`` off the roster and end the sessions of their workbench accounts at once
    (audited; commits). Decisions and records that name the person keep the name: they store
    it as text."""
    member = session.exec(select(Member).where(Member.name == name)).first()
    if member is None:
        raise LookupError(f"人员名单中没有“{name}” (no such person: {name})")
    session.delete(member)
    end_sessions(session, account_ids=list(session.exec(select(Account.id).where(Account.person == name))))
    record(session, actor=actor, action="people.remove",
           detail=f"{name}（{'、'.join(member.roles) or '无角色'}，{member.from_unit}）")
    session.commit()
    return member

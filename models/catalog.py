"""The indicator catalogs of annexes 1 and 2, those of categories assessed by reference
(article 16), and each year's points (article 8)."""

from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal
from enum import StrEnum
from functools import lru_cache
from pathlib import Path

import yaml
from sqlalchemy import UniqueConstraint
from sqlalchemy.exc import IntegrityError
from sqlmodel import Field, Session, SQLModel, col, select

from models.types import Points, to_points
from models.units import STATUTORY_LABELS, Category, UnitCategory

DATA_DIR = Path(__file__).parent / "data"
STATUTORY_KEYS = frozenset(c.value for c in Category)
FULL_MARKS = Decimal("100.0")


class CriterionKind(StrEnum):
    REGULAR = "regular"  # 常规指标：按分值扣分
    SPECIAL_DEDUCTION = "special_deduction"  # 特别减分项：每次扣减
    ZERO = "zero"  # 直接归零项：弄虚作假
    BONUS = "bonus"  # 特别加分项：有上限


class Criterion(SQLModel, table=True):
    """One criterion (二级指标) of a category's catalog, with its default points."""

    id: int | None = Field(default=None, primary_key=True)
    ref: str = Field(index=True, unique=True,
                     description="T001… for annex 1, D001… for annex 2, KEY-001… for an imported catalog")
    category: str = Field(index=True)
    seq: int
    area: str = Field(description="内容")
    level1: str = Field(description="一级指标")
    text: str = Field(description="二级指标")
    kind: CriterionKind
    default_points: Decimal = Field(sa_type=Points)
    method: str = Field(default="", description="考核方法（导入的明细表可给出）")


class SchemePoint(SQLModel, table=True):
    """The points a criterion carries in one year's scheme."""

    __table_args__ = (UniqueConstraint("cycle_id", "criterion_id"),)
    id: int | None = Field(default=None, primary_key=True)
    cycle_id: int = Field(foreign_key="cycle.id", index=True)
    criterion_id: int = Field(foreign_key="criterion.id")
    points: Decimal = Field(sa_type=Points)


@dataclass(frozen=True)
class CriterionSpec:
    """A criterion as shipped in the catalog data."""

    ref: str
    category: str
    seq: int
    area: str
    level1: str
    text: str
    kind: CriterionKind
    points: Decimal


class SchemeError(ValueError):
    """A year's points that the measures do not allow."""


@lru_cache(maxsize=2)
def load_catalog(category: Category) -> tuple[CriterionSpec, ...]:
    """The shipped catalog of ``category``, in the annex's order."""
    raw = yaml.safe_load((DATA_DIR / f"catalog_{Category(category).value}.yaml").read_text("utf-8"))
    return tuple(
        CriterionSpec(
            ref=item["ref"],
            category=Category(category),
            seq=seq,
            area=item["area"],
            level1=item["level1"],
            text=item["text"],
            kind=CriterionKind(item["kind"]),
            points=to_points(item["points"]),
        )
        for seq, item in enumerate(raw["criteria"], start=1)
    )


def catalog_title(category: Category) -> str:
    """The annex's own title of the catalog of ``category``."""
    raw = yaml.safe_load((DATA_DIR / f"catalog_{Category(category).value}.yaml").read_text("utf-8"))
    return str(raw["title"])


def ref_prefix(ref: str) -> str:
    """The part of a criterion reference that names its catalog (T, D, ENTERPRISE-)."""
    return ref.rstrip("0123456789")


def resolve_points(specs: Sequence[CriterionSpec], overrides: dict[str, Decimal]) -> dict[str, Decimal]:
    """The points of every criterion of one catalog (``specs``) after a year's overrides.

    Overrides whose reference has the catalog's prefix belong to it. Raises SchemeError for
    an unknown reference, a negative value, or regular points that do not total exactly 100
    (the message gives the actual total).
    """
    category = specs[0].category
    refs = {s.ref for s in specs}
    prefix = ref_prefix(specs[0].ref)
    mine = {ref: to_points(v) for ref, v in overrides.items() if ref_prefix(ref) == prefix}
    problems = [f"未知指标编号 {ref} (unknown criterion)" for ref in mine if ref not in refs]
    problems += [f"{ref} 分值不能为负：{v}" for ref, v in mine.items() if v < 0]
    if problems:
        raise SchemeError("；".join(problems))
    points = {s.ref: mine.get(s.ref, s.points) for s in specs}
    total = sum(
        (points[s.ref] for s in specs if s.kind is CriterionKind.REGULAR), start=Decimal("0.0")
    )
    if total != FULL_MARKS:
        raise SchemeError(
            f"{category} 类常规指标分值合计为 {total}，应为 100 "
            f"(regular points of {category} total {total}, must be 100)"
        )
    return points


def catalog_specs(session: Session, category: str) -> tuple[CriterionSpec, ...]:
    """The catalog of ``category`` with its default points, in order: the shipped one for a
    statutory category, the imported one as stored otherwise."""
    if category in STATUTORY_KEYS:
        return load_catalog(Category(category))
    return tuple(
        CriterionSpec(ref=x.ref, category=x.category, seq=x.seq, area=x.area, level1=x.level1,
                      text=x.text, kind=x.kind, points=x.default_points)
        for x in session.exec(select(Criterion).where(Criterion.category == category)
                              .order_by(col(Criterion.seq)))
    )


def seed_categories(session: Session) -> None:
    """Add the two statutory categories to the category table where missing (idempotent)."""
    have = set(session.exec(select(UnitCategory.key)).all())
    for seq, category in enumerate(Category, start=1):
        if category.value not in have:
            session.add(UnitCategory(key=category.value, label=STATUTORY_LABELS[category],
                                     title=catalog_title(category), seq=seq, statutory=True))
    try:
        session.commit()
    except IntegrityError:
        session.rollback()  # another process seeded them at the same moment


def sync_catalog(session: Session) -> None:
    """Make the criterion table match the shipped catalogs (idempotent; commits)."""
    existing = {c.ref: c for c in session.exec(select(Criterion)).all()}
    for category in Category:
        for spec in load_catalog(category):
            row = existing.get(spec.ref) or Criterion(ref=spec.ref, category=category, seq=0,
                                                      area="", level1="", text="",
                                                      kind=spec.kind, default_points=spec.points)
            row.category, row.seq, row.area = category, spec.seq, spec.area
            row.level1, row.text, row.kind = spec.level1, spec.text, spec.kind
            row.default_points = spec.points
            session.add(row)
    session.commit()

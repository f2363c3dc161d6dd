"""The indicator catalogs of annexes 1 and 2 and each year's points (article 8)."""

from dataclasses import dataclass
from decimal import Decimal
from enum import StrEnum
from functools import lru_cache
from pathlib import Path

import yaml
from sqlalchemy import UniqueConstraint
from sqlmodel import Field, Session, SQLModel, select

from models.types import Points, to_points
from models.units import Category

DATA_DIR = Path(__file__).parent / "data"
FULL_MARKS = Decimal("100.0")


class CriterionKind(StrEnum):
    REGULAR = "regular"  # 常规指标：按分值扣分
    SPECIAL_DEDUCTION = "special_deduction"  # 特别减分项：每次扣减
    ZERO = "zero"  # 直接归零项：弄虚作假
    BONUS = "bonus"  # 特别加分项：有上限


class Criterion(SQLModel, table=True):
    """One criterion (二级指标) of an annex, with its default points."""

    id: int | None = Field(default=None, primary_key=True)
    ref: str = Field(index=True, unique=True, description="T001… for annex 1, D001… for annex 2")
    category: Category = Field(index=True)
    seq: int
    area: str = Field(description="内容")
    level1: str = Field(description="一级指标")
    text: str = Field(description="二级指标")
    kind: CriterionKind
    default_points: Decimal = Field(sa_type=Points)


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
    category: Category
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


def resolve_points(category: Category, overrides: dict[str, Decimal]) -> dict[str, Decimal]:
    """The points of every criterion of ``category`` after a year's overrides.

    Raises SchemeError for an unknown reference, a negative value, or regular points that
    do not total exactly 100 (the message gives the actual total).
    """
    specs = load_catalog(category)
    refs = {s.ref for s in specs}
    prefix = specs[0].ref[0]
    mine = {ref: to_points(v) for ref, v in overrides.items() if ref.startswith(prefix)}
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

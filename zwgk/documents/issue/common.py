"""What every stage's documents share: the output folders, how documents name the district's
bodies (from its profile), the GB/T 9704 elements of a numbered document, the indicator table's
rows, the proposed ranks, and the register lookups (see the package docstring for the folders)."""

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from sqlmodel import Session, col, select

from models.assessment import (
    Assessment,
    assessed_units,
)
from models.catalog import Criterion, CriterionKind
from models.deadlines import Deadline, DeadlineKind
from models.district import Profile, district_profile
from models.documents import IssuedDocument
from models.units import Unit, category_labels
from zwgk.core.filenames import join_name
from zwgk.documents import contexts as c
from zwgk.documents.contexts import cn_date, pts

FOLDERS: dict[str, str] = {
    "daily": "00-日常考核",
    "scheme": "01-实施方案",
    "self_check": "02-自查",
    "group": "03-考核组",
    "review": "04-审核审定",
    "publish": "05-通报公布",
    "rectification": "06-整改",
    "reminders": "07-催办督办",
    "use": "08-结果运用",
}

INDENT = "　　　"  # aligns attachments 2, 3 … under the first, after "附件："


@dataclass(frozen=True)
class Names:
    """How the documents name the district's bodies, all taken from its profile."""

    profile: Profile

    @property
    def level(self) -> str:
        """区, 县 or 市: the last character of the district's name, as in 区直各部门."""
        return self.profile.district[-1:]

    @property
    def all_units(self) -> str:
        return f"各乡（镇）人民政府、社区服务中心，{self.level}直各部门、各直属事业单位"

    @property
    def leading_group(self) -> str:
        return self.profile.organ("leading_group").name

    @property
    def office(self) -> str:
        return self.profile.organ("office").name

    @property
    def member_units(self) -> str:
        return f"{self.leading_group}各成员单位"

    @property
    def group(self) -> str:
        return f"{self.profile.district}政务公开工作考核组"

    @property
    def cadre_organs(self) -> str:
        """The cadre department and the discipline inspection organ of article 13(3)."""
        district = self.profile.district
        return f"中共{district}委组织部，中共{district}纪委、{district}监委"


def names_of(session: Session) -> Names:
    return Names(district_profile(session))


# ---------------------------------------------------------------- shared pieces


def num_text(value: Decimal) -> str:
    """A setting such as 90 or 4.5 without trailing zeros."""
    return str(int(value)) if value == value.to_integral_value() else str(value)


def doc_path(year: int, stage: str, *name_parts: str) -> str:
    return f"{year}/{FOLDERS[stage]}/{join_name(*name_parts, suffix='.docx')}"


def official(names: Names, *, organ: str, number: str, title: str, year: int, addressees: str,
              on: date, cc: str) -> dict[str, object]:
    """The GB/T 9704 elements every numbered document shares."""
    info = names.profile.organ(organ)
    return {
        "measures": names.profile.measures, "office": names.office,
        "leading_group": names.leading_group, "level": names.level,
        "organ_mark": info.mark, "organ_name": info.name, "number": number, "title": title,
        "year": year, "addressees": addressees, "date_text": cn_date(on), "cc": cc,
        "print_organ": info.name, "print_date_text": cn_date(on),
    }


def attachments(labels: Sequence[str]) -> list[c.Attachment]:
    return [c.Attachment(lead="附件：" if i == 0 else INDENT, label=f"{i + 1}.{label}"
                         if len(labels) > 1 else label) for i, label in enumerate(labels)]


def revision_note(revision: int) -> str:
    return f"（第{revision}次修订）" if revision else ""


def criteria_of(session: Session, category: str) -> list[Criterion]:
    return list(session.exec(
        select(Criterion).where(Criterion.category == category).order_by(col(Criterion.seq))
    ).all())


def _points_text(kind: CriterionKind, points: Decimal) -> str:
    return {
        CriterionKind.REGULAR: pts(points),
        CriterionKind.SPECIAL_DEDUCTION: f"每次扣{pts(points)}分",
        CriterionKind.ZERO: "直接归零",
        CriterionKind.BONUS: f"最高加{pts(points)}分",
    }[kind]


def indicator_rows(criteria: Iterable[Criterion], points: dict[str, Decimal]) -> list[c.IndicatorRow]:
    """Table rows with area and level-1 printed only where they change (easier to read)."""
    rows, last_area, last_level1 = [], None, None
    for crit in criteria:
        rows.append(c.IndicatorRow(
            seq=crit.seq, area=crit.area if crit.area != last_area else "",
            level1=crit.level1 if (crit.area, crit.level1) != (last_area, last_level1) else "",
            text=crit.text, points=_points_text(crit.kind, points[crit.ref])))
        last_area, last_level1 = crit.area, crit.level1
    return rows


def regular_total(criteria: Iterable[Criterion], points: dict[str, Decimal]) -> Decimal:
    return sum((points[x.ref] for x in criteria if x.kind is CriterionKind.REGULAR), Decimal("0.0"))


def ranked(session: Session, cycle_id: int) -> dict[str, list[tuple[Assessment, Unit]]]:
    """Per category label, units by stored rank (unranked last), as the group proposed them."""
    labels = category_labels(session)
    by_category: dict[str, list[tuple[Assessment, Unit]]] = {label: [] for label in labels.values()}
    for assessment, unit in assessed_units(session, cycle_id):
        by_category[labels[unit.category]].append((assessment, unit))
    for rows in by_category.values():
        rows.sort(key=lambda pair: (pair[0].rank is None, pair[0].rank or 0, pair[1].id))
    return by_category


def summary_categories(session: Session, cycle_id: int) -> list[c.SummaryCategory]:
    return [
        c.SummaryCategory(label=label, rows=[
            c.SummaryRow(rank="" if a.rank is None else str(a.rank), unit=u.name,
                         self_score=pts(a.self_score), score=pts(a.score), grade=a.grade,
                         note="弄虚作假" if a.falsified else "")
            for a, u in rows])
        for label, rows in ranked(session, cycle_id).items()
    ]


def find_issued(session: Session, cycle_id: int, doc_type: str) -> IssuedDocument | None:
    """The latest issued document of a type in a cycle (e.g. the scheme notice's number)."""
    return session.exec(
        select(IssuedDocument).where(IssuedDocument.cycle_id == cycle_id,
                                     IssuedDocument.doc_type == doc_type)
        .order_by(col(IssuedDocument.id).desc())
    ).first()


def unit_deadlines(session: Session, cycle_id: int,
                    kinds: Iterable[DeadlineKind]) -> dict[tuple[int, DeadlineKind], Deadline]:
    """Every unit's deadline of each of ``kinds`` in its latest round, by (unit id, kind), where
    deadlines were opened (one query for all units)."""
    latest: dict[tuple[int, DeadlineKind], Deadline] = {}
    for deadline in session.exec(
            select(Deadline).where(Deadline.cycle_id == cycle_id, col(Deadline.unit_id).is_not(None),
                                   col(Deadline.kind).in_(list(kinds)))
            .order_by(col(Deadline.round))):
        latest[(deadline.unit_id, deadline.kind)] = deadline  # type: ignore[index]  # later rounds win
    return latest


# ---------------------------------------------------------------- 01 scheme


# ---------------------------------------------------------------- 02 self-check


# ---------------------------------------------------------------- 03 assessment group


# ---------------------------------------------------------------- 04 review and approval


# ---------------------------------------------------------------- 05 circulate and publish


# ---------------------------------------------------------------- 06 rectification


# ---------------------------------------------------------------- 07 reminders and escalation


# ---------------------------------------------------------------- 00 daily assessment


# ---------------------------------------------------------------- 03 the group's activities


# ---------------------------------------------------------------- 08 use of results


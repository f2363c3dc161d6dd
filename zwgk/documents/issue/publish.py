"""05 通报公布：the results circular, the public results page (article 12) and the criticism of a
falsification (article 14)."""

from datetime import date
from pathlib import Path

from sqlmodel import Session

from models.assessment import (
    Assessment,
    SpecialItem,
    SpecialKind,
)
from models.audit import SEAL, latest_entry
from models.cycle import cycle_by_id
from models.district import district_profile
from models.documents import IssuedDocument
from models.units import Unit
from zwgk.documents import contexts as c
from zwgk.documents.contexts import Template, pts
from zwgk.documents.issue.common import (
    FOLDERS,
    doc_path,
    find_issued,
    names_of,
    num_text,
    official,
    ranked,
)
from zwgk.documents.register import DocKey, Issue, issue, resolve_out_dir


def _results(session: Session, cycle_id: int) -> list[c.ResultCategory]:
    return [
        c.ResultCategory(label=label, rows=[
            c.ResultRow(rank="" if a.rank is None else str(a.rank), unit=u.name, score=pts(a.score),
                        grade=a.grade) for a, u in rows])
        for label, rows in ranked(session, cycle_id).items()
    ]


def issue_results_circular(*, session: Session, cycle_id: int, on: date,
                           out_dir: Path | None = None) -> IssuedDocument:
    """关于{year}年度政务公开工作考核结果的通报, in the office's name (article 12)."""
    names = names_of(session)
    cycle = cycle_by_id(session, cycle_id)
    year, scheme = cycle.year, cycle.scheme
    top, bottom = scheme.grade_bands[0].grade, scheme.grade_bands[-1].grade
    pairs = [pair for rows in ranked(session, cycle_id).values() for pair in rows]
    commended = "、".join(u.name for a, u in pairs if a.grade == top and not a.falsified)
    criticised = "、".join(u.name for a, u in pairs if a.grade == bottom or a.falsified)
    title = f"关于{year}年度政务公开工作考核结果的通报"
    categories = _results(session, cycle_id)

    def build(number: str) -> c.ResultsCircular:
        return c.ResultsCircular(
            **official(names, organ="office", number=number, title=title, year=year, addressees=names.all_units,
                        on=on, cc=names.member_units),
            categories=categories, commended=commended, criticised=criticised,
            plan_days=scheme.periods.rectification_plan_days,
            done_days=scheme.periods.rectification_done_days,
            weight_text=f"{num_text(scheme.performance_weight)}%")

    return issue(session, Issue(
        key=DocKey(cycle_id, "publish", None, "results_circular"), organ="office", year=year,
        title=title, issued_on=on, addressees=names.all_units,
        path=doc_path(year, "publish", f"{year}年度政务公开工作考核结果的通报"),
        template=Template.RESULTS_CIRCULAR, build=build), out_dir)


def publish_results_page(*, session: Session, cycle_id: int, out_dir: Path | None = None) -> Path:
    """Write the public results page (needs the issued circular); returns its absolute path."""
    from zwgk.documents.portal import write_results_page

    cycle = cycle_by_id(session, cycle_id)
    circular = find_issued(session, cycle_id, "results_circular")
    if circular is None:
        raise LookupError(f"{cycle.year} 年度考核结果通报尚未印发，不能公布结果网页 "
                          f"(issue the results circular first)")
    target = resolve_out_dir(out_dir) / str(cycle.year) / FOLDERS["publish"] / (
        f"{cycle.year}年度政务公开工作考核结果公示.html")
    return write_results_page(target, profile=district_profile(session), year=cycle.year, number=circular.number,
                              issued_on=circular.issued_on, categories=_results(session, cycle_id),
                              seal=latest_entry(session, action=SEAL, cycle_id=cycle_id))


def issue_criticism(*, session: Session, special_item_id: int, on: date,
                    out_dir: Path | None = None) -> IssuedDocument:
    """通报批评 for a falsification finding (article 14: the grade is set to 不合格)."""
    names = names_of(session)
    item = session.get(SpecialItem, special_item_id)
    if item is None or item.kind is not SpecialKind.FALSIFICATION:
        raise ValueError(f"编号 {special_item_id} 不是弄虚作假认定记录，不能印发通报批评 "
                         f"(special item {special_item_id} is not a falsification finding)")
    assessment = session.get(Assessment, item.assessment_id)
    assert assessment is not None
    unit = session.get(Unit, assessment.unit_id)
    assert unit is not None
    cycle = cycle_by_id(session, assessment.cycle_id)
    year = cycle.year
    title = f"关于对{unit.name}予以通报批评的通报"
    reason = item.reason if item.reason.endswith(("。", "！", ".")) else f"{item.reason}。"

    def build(number: str) -> c.Criticism:
        return c.Criticism(
            **official(names, organ="office", number=number, title=title, year=year, addressees=names.all_units,
                        on=on, cc=names.member_units),
            unit_name=unit.name, reason=reason)

    return issue(session, Issue(
        key=DocKey(cycle.id, "publish", unit.id, "criticism", str(special_item_id)), organ="office",
        year=year, title=title, issued_on=on, addressees=names.all_units,
        path=doc_path(year, "publish", "通报批评", unit.name, f"第{special_item_id}号认定"),
        template=Template.CRITICISM, build=build), out_dir)

"""08 结果运用：the letter to the cadre department and the discipline inspection organ (article 13(3))."""

from collections.abc import Sequence
from datetime import date
from pathlib import Path

from sqlmodel import Session

from models.cycle import cycle_by_id
from models.documents import IssuedDocument
from zwgk.documents import contexts as c
from zwgk.documents.contexts import Template
from zwgk.documents.issue.common import (
    attachments,
    doc_path,
    find_issued,
    names_of,
    official,
)
from zwgk.documents.register import DocKey, Issue, issue


def issue_cadre_letter(*, session: Session, cycle_id: int, on: date, rows: Sequence[c.CadreRow],
                       rectifying: int, out_dir: Path | None = None) -> IssuedDocument:
    """关于函送{year}年度政务公开工作考核结果的函 to the cadre department and the discipline
    inspection organ (article 13(3)), with ``rows`` (every unit's result) as its annex and the
    number of units whose rectification is not verified yet."""
    names = names_of(session)
    cycle = cycle_by_id(session, cycle_id)
    year = cycle.year
    title = f"关于函送{year}年度政务公开工作考核结果的函"
    circular = find_issued(session, cycle_id, "results_circular")
    addressees = names.cadre_organs

    def build(number: str) -> c.CadreLetter:
        return c.CadreLetter(
            **official(names, organ="office", number=number, title=title, year=year, addressees=addressees,
                        on=on, cc=names.leading_group),
            attachments=attachments([f"{year}年度政务公开工作考核结果情况表"]),
            circular_number=circular.number if circular else "", unit_count=len(rows),
            falsified_count=sum(1 for r in rows if r.falsification), rectifying_count=rectifying,
            rows=list(rows))

    return issue(session, Issue(
        key=DocKey(cycle_id, "use", None, "cadre_letter"), organ="office", year=year, title=title,
        issued_on=on, addressees=addressees,
        path=doc_path(year, "use", f"关于函送{year}年度政务公开工作考核结果的函"),
        template=Template.CADRE_LETTER, build=build), out_dir)

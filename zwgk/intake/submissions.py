"""What units and the assessment group send through the workbench: each file is checked, then
recorded, imported with the same import the command line uses, and kept, in one transaction.

So an accepted upload is stored and imported exactly once; a refused one (too large, wrong
type, a form with a problem, a rectification step not allowed now) leaves nothing behind, no
row, no file; and no upload row ever waits for an import that did not happen. The transaction
begins by locking the unit's assessment row (the cycle's, for the group's workbook): uploads for
the same unit queue one behind the other, so the same file sent twice at once (a double click, a
retry after a timeout) is recognised as a repeat and answered as received, never stored twice.
"""

import os
import shutil
import tempfile
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import BinaryIO

from sqlalchemy import text
from sqlmodel import Session

from models.catalog import CriterionKind
from models.cycle import get_cycle
from models.units import Unit
from models.uploads import Upload, UploadKind
from zwgk.core.errors import ImportReport, IntakeError
from zwgk.intake import score_workbook, self_check
from zwgk.intake.uploads import Received, received, record_upload, same_upload
from zwgk.rectification import lifecycle
from zwgk.setup.categories import criterion_for
from zwgk.setup.units import AssessedUnit, assessed_unit

# The name an import reports problems under (the user's own file name is never a path).
SELF_CHECK_NAME, SCORE_WORKBOOK_NAME = "自查评分表.xlsx", "考核评分工作簿.xlsx"
RECTIFICATION_NAMES = {UploadKind.RECTIFICATION_PLAN: "整改方案", UploadKind.RECTIFICATION_REPORT: "整改报告"}
# Taking a row's lock by writing it unchanged: a row lock on PostgreSQL, the write lock on SQLite.
_LOCKS = {"assessment": text("UPDATE assessment SET unit_id = unit_id WHERE id = :id"),
          "cycle": text("UPDATE cycle SET year = year WHERE id = :id")}


@dataclass
class Submitted:
    """What became of a file sent: the upload kept (or the earlier one it repeats) and, for a
    form or workbook, the import's report (problems: nothing kept)."""

    upload: Upload | None
    report: ImportReport = field(default_factory=ImportReport)
    repeated: bool = False  # the same file as one already received: nothing new kept


def _assessed(session: Session, year: int, unit_id: int) -> AssessedUnit:
    unit = session.get(Unit, unit_id)
    if unit is None:
        raise IntakeError(f"没有编号为 {unit_id} 的单位 (no unit {unit_id})")
    return assessed_unit(session, year=year, unit_name=unit.name)


@contextmanager
def _as_named(file: Received, name: str) -> Iterator[Path]:
    """The received file under a fixed name, for imports that report problems by file name."""
    with tempfile.TemporaryDirectory(prefix="zwgk-upload-") as work:
        path = Path(work) / name
        try:
            os.link(file.temp, path)
        except OSError:  # another file system: copy instead
            shutil.copyfile(file.temp, path)
        yield path


def _submit(session: Session, file: Received, *, lock: tuple[str, int], kind: UploadKind, cycle_id: int,
            unit_id: int | None, by: str, importer: Callable[[], ImportReport] | None = None,
            criterion_id: int | None = None) -> Submitted:
    """Lock, recognise a repeat, import (``importer`` flushes), record, place, commit: or roll
    back everything when the import refuses or raises. The upload is recorded after the import,
    so that the audit chain, which writers append to one at a time, is held only briefly."""
    try:
        session.execute(_LOCKS[lock[0]], {"id": lock[1]})
        earlier = same_upload(session, kind=kind, cycle_id=cycle_id, unit_id=unit_id,
                              criterion_id=criterion_id, sha256=file.sha256)
        if earlier is not None:
            session.rollback()
            return Submitted(earlier, repeated=True)
        report = importer() if importer is not None else ImportReport()
        if not report.ok:
            session.rollback()
            return Submitted(None, report)
        upload = record_upload(session, file, kind=kind, cycle_id=cycle_id, unit_id=unit_id,
                               criterion_id=criterion_id, uploaded_by=by)
        file.place()
        session.commit()
        return Submitted(upload, report)
    except BaseException:
        session.rollback()
        raise


def submit_self_check(session: Session, *, year: int, unit_id: int, source: BinaryIO, original_name: str,
                      by: str, received_on: date) -> Submitted:
    """A unit's filled self-check form, imported all or nothing as ``zwgk self-check import``
    does; a form of another unit is refused."""
    target = _assessed(session, year, unit_id)
    self_check.ensure_receiving(target.cycle)
    with received(source, original_name, UploadKind.SELF_CHECK_FORM) as file, _as_named(file, SELF_CHECK_NAME) as path:
        checked = self_check.read_form(session, year=year, cycle_id=target.cycle.id,  # type: ignore[arg-type]
                                       assessment=target.assessment, unit=target.unit, path=path)
        if checked.form is None:  # refused before anything is locked or written
            return Submitted(None, ImportReport(problems=checked.problems))
        return _submit(session, file, lock=("assessment", target.assessment.id), kind=UploadKind.SELF_CHECK_FORM,  # type: ignore[arg-type]
                       cycle_id=target.cycle.id, unit_id=unit_id, by=by,  # type: ignore[arg-type]
                       importer=lambda: self_check.store_form(session, checked, received_on=received_on, by=by))


def attach_evidence(session: Session, *, year: int, unit_id: int, criterion_ref: str, source: BinaryIO,
                    original_name: str, by: str) -> Submitted:
    """Keep a file of evidence (佐证材料) for one regular criterion of the unit."""
    target = _assessed(session, year, unit_id)
    self_check.ensure_receiving(target.cycle)
    criterion = criterion_for(session, target, criterion_ref, {CriterionKind.REGULAR})
    with received(source, original_name, UploadKind.EVIDENCE) as file:
        return _submit(session, file, lock=("assessment", target.assessment.id), kind=UploadKind.EVIDENCE,  # type: ignore[arg-type]
                       cycle_id=target.cycle.id, unit_id=unit_id, criterion_id=criterion.id, by=by)  # type: ignore[arg-type]


def submit_rectification(session: Session, *, year: int, unit_id: int, kind: UploadKind, source: BinaryIO,
                         original_name: str, by: str, on: date) -> Submitted:
    """A unit's rectification plan or completion report, received as ``zwgk rectification
    plan|report`` receives it (RectificationRefused, nothing kept, when not allowed)."""
    receive = {UploadKind.RECTIFICATION_PLAN: lifecycle.receive_plan,
               UploadKind.RECTIFICATION_REPORT: lifecycle.receive_report}[kind]
    target = _assessed(session, year, unit_id)

    def importer() -> ImportReport:
        receive(session, year=year, unit_name=target.unit.name, file=path, on=on, by=by, commit=False)
        return ImportReport()

    with received(source, original_name, kind) as file, \
            _as_named(file, RECTIFICATION_NAMES[kind] + file.relative.suffix) as path:
        return _submit(session, file, lock=("assessment", target.assessment.id), kind=kind,  # type: ignore[arg-type]
                       cycle_id=target.cycle.id, unit_id=unit_id, by=by, importer=importer)  # type: ignore[arg-type]


def submit_score_workbook(session: Session, *, year: int, source: BinaryIO, original_name: str,
                          by: str) -> Submitted:
    """The group's filled score workbook, imported all or nothing as ``zwgk scores import`` does."""
    cycle = get_cycle(session, year)
    assert cycle.id is not None
    cycle_id = cycle.id
    with received(source, original_name, UploadKind.SCORE_WORKBOOK) as file, \
            _as_named(file, SCORE_WORKBOOK_NAME) as path:
        return _submit(session, file, lock=("cycle", cycle_id), kind=UploadKind.SCORE_WORKBOOK, cycle_id=cycle_id,
                       unit_id=None, by=by, importer=lambda: score_workbook.import_score_workbook(
                           session, cycle_id=cycle_id, path=path, by=by, commit=False))

"""What units and the assessment group send through the workbench: each file is kept (see
``zwgk.uploads``) and then handed to the same import the command line uses."""

import shutil
import tempfile
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import date
from pathlib import Path
from typing import BinaryIO

from sqlmodel import Session

from models.catalog import CriterionKind
from models.cycle import get_cycle
from models.units import Unit
from models.uploads import Upload, UploadKind
from zwgk.core.errors import ImportReport, IntakeError
from zwgk.intake import score_workbook, self_check
from zwgk.intake.uploads import mark_rejected, store_upload, upload_file
from zwgk.rectification import lifecycle
from zwgk.setup.categories import criterion_for
from zwgk.setup.units import AssessedUnit, assessed_unit

# The name an import reports problems under (the user's own file name is never a path).
SELF_CHECK_NAME, SCORE_WORKBOOK_NAME = "自查评分表.xlsx", "考核评分工作簿.xlsx"


def _assessed(session: Session, year: int, unit_id: int) -> AssessedUnit:
    unit = session.get(Unit, unit_id)
    if unit is None:
        raise IntakeError(f"没有编号为 {unit_id} 的单位 (no unit {unit_id})")
    return assessed_unit(session, year=year, unit_name=unit.name)


@contextmanager
def _as_named(upload: Upload, name: str) -> Iterator[Path]:
    """A copy of the upload under a fixed name, for imports that report problems by file name."""
    with tempfile.TemporaryDirectory(prefix="zwgk-upload-") as work:
        path = Path(work) / name
        shutil.copyfile(upload_file(upload), path)
        yield path


def _import(session: Session, upload: Upload, name: str, run: Callable[[Path], ImportReport]) -> ImportReport:
    with _as_named(upload, name) as path:
        report = run(path)
    if not report.ok:
        mark_rejected(session, upload)
    return report


def submit_self_check(session: Session, *, year: int, unit_id: int, source: BinaryIO, original_name: str,
                      by: str, received_on: date) -> tuple[Upload, ImportReport]:
    """A unit's filled self-check form: kept, then imported all or nothing as
    ``zwgk self-check import`` does; a form of another unit is refused."""
    target = _assessed(session, year, unit_id)
    upload = store_upload(session, source=source, original_name=original_name, kind=UploadKind.SELF_CHECK_FORM,
                          cycle_id=target.cycle.id, unit_id=unit_id, uploaded_by=by)  # type: ignore[arg-type]
    report = _import(session, upload, SELF_CHECK_NAME, lambda path: self_check.import_self_checks(
        session, year=year, files=[path], received_on=received_on, only_unit=target.unit.name, by=by))
    return upload, report


def attach_evidence(session: Session, *, year: int, unit_id: int, criterion_ref: str, source: BinaryIO,
                    original_name: str, by: str) -> Upload:
    """Keep a file of evidence (佐证材料) for one regular criterion of the unit."""
    target = _assessed(session, year, unit_id)
    criterion = criterion_for(session, target, criterion_ref, {CriterionKind.REGULAR})
    return store_upload(session, source=source, original_name=original_name, kind=UploadKind.EVIDENCE,
                        cycle_id=target.cycle.id, unit_id=unit_id, criterion_id=criterion.id,  # type: ignore[arg-type]
                        uploaded_by=by)


def submit_rectification(session: Session, *, year: int, unit_id: int, kind: UploadKind, source: BinaryIO,
                         original_name: str, by: str, on: date) -> Upload:
    """A unit's rectification plan or completion report: kept, then received as
    ``zwgk rectification plan|report`` receives it (RectificationRefused when not allowed)."""
    receive = {UploadKind.RECTIFICATION_PLAN: lifecycle.receive_plan,
               UploadKind.RECTIFICATION_REPORT: lifecycle.receive_report}[kind]
    target = _assessed(session, year, unit_id)
    upload = store_upload(session, source=source, original_name=original_name, kind=kind,
                          cycle_id=target.cycle.id, unit_id=unit_id, uploaded_by=by)  # type: ignore[arg-type]
    try:
        receive(session, year=year, unit_name=target.unit.name, file=upload_file(upload), on=on)
    except lifecycle.RectificationRefused:
        mark_rejected(session, upload)
        raise
    return upload


def submit_score_workbook(session: Session, *, year: int, source: BinaryIO, original_name: str,
                          by: str) -> tuple[Upload, ImportReport]:
    """The group's filled score workbook: kept, then imported all or nothing as
    ``zwgk scores import`` does."""
    cycle = get_cycle(session, year)
    assert cycle.id is not None
    upload = store_upload(session, source=source, original_name=original_name, kind=UploadKind.SCORE_WORKBOOK,
                          cycle_id=cycle.id, uploaded_by=by)
    report = _import(session, upload, SCORE_WORKBOOK_NAME, lambda path: score_workbook.import_score_workbook(
        session, cycle_id=cycle.id, path=path, by=by))  # type: ignore[arg-type]
    return upload, report

"""Handing in a report: a file that is not a report of that unit and year is refused in one line
naming the file; a report is kept as a new version (with its SHA-256, who handed it in and when),
its figures stored, and the year's findings refreshed so that the unit sees them at once.

The same file handed in again adds no version. The file is kept under the output folder named by
its SHA-256 (``uploads/ab/ab12….docx``), never by the name it came with.
"""

import os
import shutil
import tempfile
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

from sqlalchemy import func
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, select

from models.audit import record
from models.cycle import Cycle
from models.district import district_profile
from models.reports import ReportFigure, ReportFinding, ReportVersion
from models.units import Unit
from zwgk.adapters.files import file_sha256, input_problem
from zwgk.core.errors import ImportRejected, IntakeError
from zwgk.core.settings import get_settings
from zwgk.intake.uploads import shown_name
from zwgk.reports.checks import other_unit_named, report_year_refusal
from zwgk.reports.due import open_report_deadlines
from zwgk.reports.findings import current_findings, latest_versions, refresh_findings
from zwgk.reports.reading import Reading, read_report, refuse_unless_report
from zwgk.reports.safety import ReportFileRefused
from zwgk.reports.text import show

EXTENSIONS = {"docx": ".docx", "html": ".html"}


class ReportRefused(ImportRejected):
    """A file refused as a report, in one line that names the file."""

    def __init__(self, name: str, why: str) -> None:
        super().__init__([f"{name}：{why}"])


@dataclass
class HandIn:
    """The outcome of handing in a file: its version, whether it was new, the unit's current
    findings and how the file was read."""

    version: ReportVersion
    new: bool
    findings: list[ReportFinding] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)


def unit_named(session: Session, name: str) -> Unit:
    """The unit registered as ``name``, or IntakeError."""
    unit = session.exec(select(Unit).where(Unit.name == name.strip())).first()
    if unit is None:
        raise IntakeError(f"单位“{name}”不在单位名册中 (unknown unit)；请用 zwgk units list 查看单位名称")
    return unit


def hand_in(session: Session, *, year: int, unit: Unit, path: Path, original_name: str, by: str, on: date,
            today: date) -> HandIn:
    """Check and keep ``path`` as ``unit``'s report on ``year``, handed in on ``on``; the year's
    deadlines opened (when its cycle exists) and met for the unit, the findings refreshed as of
    ``today``.

    ReportRefused (one line, naming ``original_name``) when it is not a report of that unit and
    year or cannot be read; nothing is kept then. Audited; commits.
    """
    name = shown_name(original_name or path.name)
    problem = input_problem(path)
    if problem is not None:
        raise ReportRefused(name, problem)
    digest = file_sha256(path)
    same = _same_file(session, year, unit, digest)
    if same is not None:
        return HandIn(same, new=False, findings=_unit_findings(session, year, unit))
    reading = _read(session, year=year, unit=unit, path=path, name=name)
    version, new = _store(session, year=year, unit=unit, path=path, name=name, digest=digest, reading=reading,
                          by=by, on=on)
    if not new:
        return HandIn(version, new=False, findings=_unit_findings(session, year, unit))
    if session.exec(select(Cycle.id).where(Cycle.year == year)).first() is not None:
        open_report_deadlines(session, year=year, by=by)  # and marks this unit's met
    refresh_findings(session, year=year, today=today)
    if latest_versions(session, year + 1):
        refresh_findings(session, year=year + 1, today=today)  # last year's figures changed for them
    return HandIn(version, new=True, findings=_unit_findings(session, year, unit), notes=reading.notes)


def _read(session: Session, *, year: int, unit: Unit, path: Path, name: str) -> Reading:
    """The file read, or ReportRefused: unreadable, not a report, another year's, another unit's."""
    try:
        reading = read_report(path)
        refuse_unless_report(reading)
    except ReportFileRefused as exc:
        raise ReportRefused(name, str(exc)) from None
    wrong_year = report_year_refusal(reading.title, year)
    if wrong_year is not None:
        raise ReportRefused(name, wrong_year)
    units = session.exec(select(Unit.name)).all()
    other = other_unit_named(reading.title, unit.name, units, district_profile(session).district)
    if other is not None:
        raise ReportRefused(name, f"这是“{other}”的报告（标题“{reading.title}”），不是“{unit.name}”的 "
                                  "(report of another unit)")
    return reading


def _store(session: Session, *, year: int, unit: Unit, path: Path, name: str, digest: str, reading: Reading,
           by: str, on: date) -> tuple[ReportVersion, bool]:
    """Keep the file and add the version with its figures: the next number for the unit and year
    (a version added at the same moment by another process takes the other), or the version the
    other process added of this same file. The version, and whether this call added it."""
    relative = keep_file(path, digest, EXTENSIONS[reading.kind])
    for _attempt in range(5):
        seq = (session.exec(select(func.max(ReportVersion.seq)).where(
            ReportVersion.year == year, ReportVersion.unit_id == unit.id)).one() or 0) + 1
        version = ReportVersion(
            year=year, unit_id=unit.id, seq=seq, sha256=digest, size=path.stat().st_size,  # type: ignore[arg-type]
            file_type=reading.kind, original_name=name, path=relative, uploaded_by=by, handed_in_on=on,
            title=reading.title, text=reading.text, parts=reading.parts, notes=reading.notes)
        session.add(version)
        try:
            session.flush()
        except IntegrityError:
            session.rollback()
            same = _same_file(session, year, unit, digest)
            if same is not None:
                return same, False
            continue
        session.add_all(ReportFigure(version_id=version.id, table=table, row=row, column=column,  # type: ignore[arg-type]
                                     value=show(value))
                        for (table, row, column), value in reading.figures.items())
        record(session, actor=by, action="reports.hand_in",
               detail={"year": year, "unit": unit.name, "version": seq, "file": name, "sha256": digest,
                       "handed_in_on": on})
        session.commit()
        return version, True
    raise RuntimeError("年报版本号冲突，请重试 (version number contended)")


def _same_file(session: Session, year: int, unit: Unit, digest: str) -> ReportVersion | None:
    return session.exec(select(ReportVersion).where(ReportVersion.year == year, ReportVersion.unit_id == unit.id,
                                                    ReportVersion.sha256 == digest)).first()


def keep_file(path: Path, digest: str, extension: str) -> str:
    """Copy the file to ``uploads/<ab>/<sha256><ext>`` under the output folder (once per content);
    the path relative to the output folder."""
    relative = Path("uploads") / digest[:2] / f"{digest}{extension}"
    target = get_settings().out_dir / relative
    if not target.exists():
        target.parent.mkdir(parents=True, exist_ok=True)
        fd, temp = tempfile.mkstemp(dir=target.parent, prefix=".incoming-")
        os.close(fd)
        try:
            shutil.copyfile(path, temp)
            os.replace(temp, target)
        finally:
            Path(temp).unlink(missing_ok=True)
    return relative.as_posix()


def version_file(version: ReportVersion) -> Path:
    """Where a version's file is kept."""
    return get_settings().out_dir / version.path


def _unit_findings(session: Session, year: int, unit: Unit) -> list[ReportFinding]:
    return [finding for finding, _unit in current_findings(session, year=year, unit_id=unit.id)]

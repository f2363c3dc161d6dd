"""A self-check import names every unit it imported, flags a file named after another unit,
and is audited with each file's SHA-256 and the person who imported it."""

import hashlib
import json
import shutil
from pathlib import Path

from sqlmodel import Session, select

from models.audit import AuditEntry
from models.cycle import Cycle
from tests.integration.test_selfcheck import DAY, TOWN, filled, forms, generated  # noqa: F401  (fixtures)
from zwgk.intake.forms import other_unit_named
from zwgk.intake.self_check import import_self_checks

OTHER = "白鹭乡（演示）"


def test_a_file_named_after_another_unit_is_imported_as_its_form_and_flagged(
        session: Session, demo_cycle: Cycle, filled: Path) -> None:  # noqa: F811
    misnamed = filled.with_name(filled.name.replace(TOWN, OTHER))
    shutil.move(filled, misnamed)
    report = import_self_checks(session, year=2025, files=[misnamed], received_on=DAY, by="陈思源")
    assert report.stored == [TOWN]
    [warning] = report.warnings
    assert misnamed.name in warning and f"内容是“{TOWN}”" in warning and f"“{OTHER}”是否已报送" in warning
    entry = session.exec(select(AuditEntry).where(AuditEntry.action == "self_check.import")).one()
    assert entry.actor == "陈思源"
    assert json.loads(entry.comment)["files"] == {misnamed.name: hashlib.sha256(misnamed.read_bytes()).hexdigest()}


def test_a_correctly_named_file_is_not_flagged(session: Session, demo_cycle: Cycle, filled: Path) -> None:  # noqa: F811
    report = import_self_checks(session, year=2025, files=[filled], received_on=DAY)
    assert (report.stored, report.warnings) == ([TOWN], [])


def test_the_longest_unit_name_in_the_file_name_wins() -> None:
    units = ["教育局", "区教育局", "青岚镇"]
    assert other_unit_named("2025年度自查-区教育局.xlsx", "青岚镇", units) == "区教育局"
    assert other_unit_named("青岚镇.xlsx", "青岚镇", units) is None
    assert other_unit_named("scan-001.xlsx", "青岚镇", units) is None

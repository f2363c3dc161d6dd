"""Times people read are Beijing times, whatever the machine's zone: stored moments are UTC."""

import time
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from sqlmodel import Session, select

from models.cycle import Cycle, Gate, GateDecision
from models.units import Category
from models.uploads import Upload
from tests.web.conftest import log_in, open_self_check, unit_id
from zwgk.core.clock import office_time
from zwgk.demo.filler import fill_self_check_form
from zwgk.intake.forms import regular_criteria

STORED = datetime(2026, 12, 6, 3, 29)  # as the database hands it back: UTC, without a zone


@pytest.fixture
def new_york(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """A machine set to another zone: nothing may read the stored moment as local time."""
    monkeypatch.setenv("TZ", "America/New_York")
    time.tzset()
    yield
    monkeypatch.undo()
    time.tzset()


def test_office_time_reads_a_stored_moment_as_utc(new_york: None) -> None:
    assert office_time(STORED) == "2026-12-06 11:29"
    assert office_time(STORED.replace(tzinfo=UTC)) == "2026-12-06 11:29"
    assert office_time(datetime(2026, 12, 31, 16, 0)) == "2027-01-01 00:00"  # the next day in Beijing
    assert office_time(None) == ""


def test_pages_show_beijing_times(client: TestClient, workbench: Session, new_york: None, tmp_path: Path) -> None:
    cycle = workbench.exec(select(Cycle)).one()
    workbench.add(GateDecision(cycle_id=cycle.id, gate=Gate.SCHEME, decision="approve",  # type: ignore[arg-type]
                               decided_by="张明远", decided_at=STORED.replace(tzinfo=UTC), comment="同意"))
    workbench.commit()
    open_self_check(workbench, cycle)
    town = unit_id(workbench, "青岚镇（演示）")
    token = log_in(client, "unit1")
    form = tmp_path / "form.xlsx"
    form.write_bytes(client.get(f"/units/{town}/self-check-form.xlsx").content)
    fill_self_check_form(form, {line.ref: line.points for line in regular_criteria(workbench, cycle.id)[Category.TOWNSHIP]},  # type: ignore[arg-type]
                         {})
    sent = client.post(f"/units/{town}/self-check", data={"csrf_token": token, "year": "2025"},
                       files={"file": ("自查.xlsx", form.read_bytes(), "application/octet-stream")})
    assert sent.status_code == 303
    upload = workbench.exec(select(Upload)).one()
    upload.uploaded_at = STORED.replace(tzinfo=UTC)
    workbench.add(upload)
    workbench.commit()
    assert "2026-12-06 11:29" in client.get(f"/units/{town}").text
    office = TestClient(client.app, follow_redirects=False)
    log_in(office, "office")
    assert "2026-12-06 11:29" in office.get("/cycles/2025").text  # the decision history

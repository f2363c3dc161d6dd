"""A real district sets itself up from the example files and runs a whole cycle to `closed`:
no demo data, and documents that carry its own name, organs and number prefixes."""

import re
import zipfile
from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest
from sqlmodel import Session, func, select
from typer.testing import CliRunner

from models.cycle import Cycle, Gate, get_cycle, scheme_points
from models.documents import IssuedDocument
from models.stages import Stage
from models.units import Unit
from zwgk.adapters.db import get_engine
from zwgk.cli.app import app
from zwgk.cli.common import use_database
from zwgk.core.paths import score_workbook_path
from zwgk.core.settings import get_settings
from zwgk.cycle.gates import Decision, GateRefused
from zwgk.demo.filler import fill_score_workbook, fill_self_check_form
from zwgk.demo.script import unit_reply_file
from zwgk.intake import score_workbook, self_check
from zwgk.intake.forms import regular_criteria
from zwgk.rectification import lifecycle
from zwgk.results.confirmation import confirm_scores
from zwgk.runner import runs
from zwgk.setup.readiness import NotReady

EXAMPLES = Path(__file__).parents[2] / "examples"
YEAR = 2025
LEADER, CLERK = "林若川", "苏映雪"  # examples/people.csv: 领导小组组长, 办公室
# What only the Wudang defaults would print: organs, letterheads, prefixes, the measures' title.
DEFAULTS = ("乌当区政务公开工作领导小组", "乌府公开办", "乌公开组", "乌当区政务公开工作考核办法")


def document_text(path: Path) -> str:
    """Every text run of a .docx (body, tables, headers and footers), joined."""
    with zipfile.ZipFile(path) as archive:
        xml = "".join(archive.read(n).decode("utf-8") for n in archive.namelist()
                      if n.startswith("word/") and n.endswith(".xml"))
    return "".join(re.findall(r"<w:t(?:\s[^>]*)?>([^<]*)</w:t>", xml))


@pytest.fixture
def district(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, db_url: str) -> Session:
    """An empty database of its own and an output folder, as `zwgk init` leaves them."""
    monkeypatch.setenv("ZWGK_OUT_DIR", str(tmp_path / "out"))
    get_settings.cache_clear()
    use_database(db_url)
    result = CliRunner().invoke(app, ["init", "--db", db_url])
    assert result.exit_code == 0, result.output
    assert "zwgk people import" in result.output  # the next steps
    with Session(get_engine(db_url), expire_on_commit=False) as session:
        yield session
    get_settings.cache_clear()


def cli(*args: str) -> str:
    result = CliRunner().invoke(app, list(args))
    assert result.exit_code == 0, (result.output, result.exception)
    return result.output


def test_imported_district_runs_a_whole_cycle_under_its_own_letterheads(district: Session) -> None:
    session = district
    with pytest.raises(NotReady) as refused:
        runs.start(YEAR, today=date(2026, 1, 5))
    assert len(refused.value.missing) == 5  # three roles and two categories
    assert session.exec(select(func.count()).select_from(Cycle)).one() == 0

    cli("district", "import", str(EXAMPLES / "district.yaml"))
    cli("people", "import", str(EXAMPLES / "people.csv"))
    cli("units", "import", str(EXAMPLES / "units.csv"), "--by", CLERK)
    assert "可以启动" in cli("check", str(YEAR), "--today", "2026-01-05")

    runs.start(YEAR, today=date(2026, 1, 5))
    cycle = get_cycle(session, YEAR)
    assert cycle.stage is Stage.DRAFT
    with pytest.raises(GateRefused, match="不在领导小组名单中"):
        runs.approve(session, YEAR, Decision(gate=Gate.SCHEME, decision="approve", by=CLERK),
                     today=date(2026, 1, 7))
    runs.approve(session, YEAR, Decision(gate=Gate.SCHEME, decision="approve", by=LEADER,
                                         comment="同意印发"), today=date(2026, 1, 7))
    session.expire_all()
    assert get_cycle(session, YEAR).stage is Stage.SELF_CHECK

    # Every unit fills in its form, one criterion short of full marks.
    inbox = Path(get_settings().out_dir) / "inbox"
    points = scheme_points(session, cycle.id)
    lines = regular_criteria(session, cycle.id)
    units = session.exec(select(Unit).order_by(Unit.id)).all()
    forms = self_check.write_self_check_forms(session, year=YEAR, out_dir=inbox)
    for unit, path in zip(units, forms, strict=True):
        scores = {line.ref: points[line.ref] for line in lines[unit.category]}
        scores[lines[unit.category][0].ref] -= Decimal("0.5")
        fill_self_check_form(path, scores)
    report = self_check.import_self_checks(session, year=YEAR, files=forms, received_on=date(2026, 1, 14))
    assert not report.problems
    runs.resume(session, YEAR, today=date(2026, 1, 14))
    session.expire_all()
    assert get_cycle(session, YEAR).stage is Stage.GROUP_ASSESSMENT

    # The group deducts one criterion of every other unit; those units must rectify.
    path = score_workbook_path(YEAR)
    fill_score_workbook(path, {
        unit.name: [(lines[unit.category][1].ref, points[lines[unit.category][1].ref],
                     "政策解读材料未与文件同步发布", "实地核查")] if i % 2 == 0 else []
        for i, unit in enumerate(units)})
    report = score_workbook.import_score_workbook(session, cycle_id=cycle.id, path=path, by="韩子墨")
    assert not report.problems and not report.unscored
    runs.resume(session, YEAR, today=date(2026, 1, 28))
    session.expire_all()
    assert get_cycle(session, YEAR).stage is Stage.GROUP_ASSESSMENT  # scored, but not confirmed yet
    confirm_scores(session, cycle_id=cycle.id, by="韩子墨", on=date(2026, 1, 28))  # type: ignore[arg-type]
    runs.resume(session, YEAR, today=date(2026, 1, 28))
    runs.approve(session, YEAR, Decision(gate=Gate.OFFICE_REVIEW, decision="approve", by=CLERK),
                 today=date(2026, 1, 29))
    runs.approve(session, YEAR, Decision(gate=Gate.LEADING_GROUP, decision="approve", by=LEADER),
                 today=date(2026, 1, 30))
    session.expire_all()
    assert get_cycle(session, YEAR).stage is Stage.RECTIFICATION
    for item in lifecycle.list_items(session, year=YEAR):
        lifecycle.receive_plan(session, year=YEAR, unit_name=item.unit, on=date(2026, 2, 9),
                                   file=unit_reply_file(inbox, item.unit, "整改方案"))
        lifecycle.receive_report(session, year=YEAR, unit_name=item.unit, on=date(2026, 3, 2),
                                     file=unit_reply_file(inbox, item.unit, "整改报告"))
        lifecycle.verify(session, year=YEAR, unit_name=item.unit, by=CLERK, on=date(2026, 3, 2))
    runs.resume(session, YEAR, today=date(2026, 3, 2))
    session.expire_all()
    assert get_cycle(session, YEAR).stage is Stage.CLOSED

    documents = session.exec(select(IssuedDocument).where(IssuedDocument.cycle_id == cycle.id)).all()
    numbered = [d for d in documents if d.number]
    assert {d.number.split("〔")[0] for d in numbered} == {"云府公开办", "云公开组"}
    out = Path(get_settings().out_dir)
    for document in documents:
        text = document_text(out / document.path)
        assert not [d for d in DEFAULTS if d in text], document.path
        if document.number:
            assert document.number in text and "云溪区政务公开工作领导小组" in text, document.path
    notice = next(d for d in documents if d.doc_type == "scheme_notice")
    assert "《云溪区政务公开工作考核办法（试行）》" in document_text(out / notice.path)
    page = next(out.glob(f"{YEAR}/05-通报公布/*.html")).read_text("utf-8")
    assert "云溪区" in page and "乌当" not in page

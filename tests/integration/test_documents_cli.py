"""``zwgk documents …`` as office staff use it."""

import json
from pathlib import Path

from sqlmodel import Session
from typer.testing import CliRunner

from tests.integration.documents_fixtures import Scored, issue_everything, scored  # noqa: F401
from zwgk.cli.documents import app


def test_list_shows_the_years_register_as_json(session: Session, scored: Scored,  # noqa: F811
                                               db_url: str, tmp_path: Path) -> None:
    issued = issue_everything(session, scored, tmp_path / "out")
    result = CliRunner().invoke(app, ["list", "2025", "--db", db_url, "--json"])
    assert result.exit_code == 0, result.output
    rows = json.loads(result.output)
    assert len(rows) == sum(len(docs) for docs in issued.values())
    circular = next(r for r in rows if r["doc_type"] == "results_circular")
    assert circular["number"] == issued["results_circular"][0].number
    assert circular["path"].startswith("2025/05-通报公布/") and len(circular["sha256"]) == 64


def test_issue_returns_the_same_number_when_run_twice(session: Session, scored: Scored,  # noqa: F811
                                                      db_url: str, tmp_path: Path) -> None:
    args = ["issue", "2025", "group-notice", "--on", "2026-03-02", "--db", db_url,
            "--out", str(tmp_path / "out")]
    first = CliRunner().invoke(app, args)
    second = CliRunner().invoke(app, args)
    assert first.exit_code == 0, first.output
    assert "乌府公开办〔2026〕1号" in first.output and first.output == second.output


def test_portal_refuses_before_the_circular_is_issued(session: Session, scored: Scored,  # noqa: F811
                                                      db_url: str, tmp_path: Path) -> None:
    result = CliRunner().invoke(app, ["portal", "2025", "--db", db_url, "--out", str(tmp_path)])
    assert result.exit_code == 1 and "通报尚未印发" in result.output

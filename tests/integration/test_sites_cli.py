"""``zwgk sites …`` end to end on loopback sites: import, list, probe, check, findings (--json with
exactly its keys), confirm, report; read-only commands start without Prefect, docx or httpx."""

import json
import subprocess
import sys
from datetime import date
from pathlib import Path

import pytest
from sqlmodel import Session
from typer.testing import CliRunner

from models.cycle import Cycle
from tests.integration.sites_server import (
    OFFICE_CLERK,
    Site,
    document,
    fast_monitoring,
    government_site,
    page,
    register_csv,
    site_rows,
)
from zwgk.cli.app import app
from zwgk.sites.findings import JSON_KEYS

from .test_cli_imports import loaded_after

DAY = date(2025, 11, 20)
TOWN = "青岚镇（演示）"


def run(*args: str) -> str:
    result = CliRunner().invoke(app, list(args), catch_exceptions=False)
    assert result.exit_code == 0, result.output
    return result.output


def test_the_office_runs_monitoring_from_the_command_line(session: Session, demo_cycle: Cycle, db_url: str,
                                                          tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    fast_monitoring(monkeypatch, tmp_path / "out")
    pages = government_site(DAY)
    pages["/xxgk/"] = page(document("<p>暂无信息</p>"))
    pages["/zcjd/2026/jd1.html"] = page(document("<h1>解读</h1>"))
    db = ["--db", db_url]
    with Site(pages) as site:
        path = tmp_path / "pages.csv"
        path.write_text(register_csv(site_rows(TOWN, site)), encoding="utf-8")
        assert "新增 7 个栏目" in run("sites", "import", str(path), "--by", OFFICE_CLERK, *db)
        listed = json.loads(run("sites", "list", "--json", *db))
        assert listed[0] == {"unit": TOWN, "column": "首页", "kind": "首页", "url": site.url("/"), "active": True}
        assert "1 个单位" in run("sites", "probe", "--today", DAY.isoformat(), *db)
        checked = json.loads(run("sites", "check", "--today", DAY.isoformat(), "--json", *db))
        assert (checked["units"], checked["opened"]) == (1, 2)
    found = json.loads(run("sites", "findings", "--json", *db))
    assert all(tuple(f) == JSON_KEYS for f in found)
    assert sorted((f["rule"], f["severity"], f["column"]) for f in found) == [
        ("blank_column", "problem", "政府信息公开"), ("interpretation_unlinked", "problem", "政策解读")]
    assert {f["first_seen"] for f in found} == {"2025-11-20"} and all(len(f["evidence_sha256"]) == 64 for f in found)
    table = run("sites", "findings", *db)
    assert "空白栏目" in table and "未确认" in table
    refused = CliRunner().invoke(app, ["sites", "confirm", "1", "--points", "0.5", "--by", "张明远", *db])
    assert refused.exit_code == 1 and "无权办理网站监测" in refused.output
    assert "日常考核记录第" in run("sites", "confirm", "1", "2", "--points", "0.5", "--by", OFFICE_CLERK, *db)
    assert "日常监测" in run("daily", "list", "2025", *db)
    issued = json.loads(run("sites", "report", "--month", "2025-11", "--on", "2025-12-01", "--by", OFFICE_CLERK,
                            "--json", *db))
    assert issued["number"] == "乌府公开办〔2025〕1号" and (tmp_path / "out" / issued["path"]).is_file()
    assert json.loads(run("sites", "findings", "--today", "2025-11-19", "--json", *db)) == []


def test_reading_findings_and_the_register_starts_without_prefect_docx_or_httpx(db_url: str, session: Session,
                                                                               demo_cycle: Cycle) -> None:
    for command in (["sites", "list"], ["sites", "findings"]):
        assert loaded_after(*command, "--db", db_url) == [], command
    code = ("import sys\nfrom zwgk.cli.app import app\n"
            f"app(['sites', 'findings', '--db', {db_url!r}], standalone_mode=False)\n"
            "print([m for m in ('httpx', 'selectolax') if m in sys.modules])")
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120)
    assert done.stdout.strip().splitlines()[-1] == "[]", done.stderr

"""The intake commands as office staff run them: forms out, filled forms in, scores, exports."""

import json
from collections.abc import Iterator
from decimal import Decimal
from pathlib import Path

import pytest
import typer
from openpyxl import load_workbook
from sqlmodel import Session
from typer.testing import CliRunner

from models.cycle import Cycle
from zwgk.cli.daily import daily_app
from zwgk.cli.export import export_app
from zwgk.cli.scores import scores_app
from zwgk.cli.self_check import self_check_app
from zwgk.cli.special import special_app
from zwgk.core.settings import get_settings
from zwgk.demo.filler import fill_score_workbook, fill_self_check_form
from zwgk.intake.self_check import form_path
from zwgk.results.ranking import compute_results

app = typer.Typer()
for name, sub in [("self-check", self_check_app), ("scores", scores_app), ("daily", daily_app),
                  ("special", special_app), ("export", export_app)]:
    app.add_typer(sub, name=name)
runner = CliRunner()
TOWN = "青岚镇（演示）"


def _run(db_url: str, *args: str) -> tuple[int, str]:
    result = runner.invoke(app, [*args, "--db", db_url])
    return result.exit_code, f"{result.output}{result.exception or ''}"  # a refusal as `zwgk` prints it


@pytest.fixture(autouse=True)
def _documents_in_tmp(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    monkeypatch.setenv("ZWGK_OUT_DIR", str(tmp_path / "out"))
    get_settings.cache_clear()
    yield
    get_settings.cache_clear()


def test_a_year_through_the_intake_commands(db_url: str, session: Session, demo_cycle: Cycle, tmp_path: Path) -> None:
    code, out = _run(db_url, "self-check", "forms", "2025", "--out", str(tmp_path / "forms"))
    assert code == 0, out
    assert len(list((tmp_path / "forms").glob("*.xlsx"))) == 40
    assert list((tmp_path / "forms").rglob("*.docx"))  # the Word 自查评分表 beside them
    form = form_path(tmp_path / "forms", 2025, TOWN)
    book = load_workbook(form)
    refs = [r[1] for r in book["自查评分表"].iter_rows(min_row=5, values_only=True) if str(r[1] or "").startswith("T")]
    fill_self_check_form(form, {ref: Decimal("0.5") for ref in refs})
    code, out = _run(db_url, "self-check", "import", "2025", str(form), "--received", "2025-12-01")
    assert code == 0 and "已导入自查评分表 1 个单位" in out, out

    broken = form.with_name("坏.xlsx")
    broken.write_bytes(b"")
    code, out = _run(db_url, "self-check", "import", "2025", str(broken))
    assert code == 1 and "坏.xlsx：文件为空" in out

    code, out = _run(db_url, "daily", "add", "2025", TOWN, "--criterion", "T033", "--points", "0.5",
                     "--method", "随机抽查", "--finding", "解读栏目未更新", "--on", "2025-06-01")
    assert code == 0, out
    code, out = _run(db_url, "daily", "list", "2025", "--json")
    assert [r["finding"] for r in json.loads(out)] == ["解读栏目未更新"]
    code, out = _run(db_url, "daily", "add", "2025", TOWN, "--criterion", "T033", "--points", "9",
                     "--method", "随机抽查", "--finding", "x")
    assert code == 1 and "扣分 9.0 应在 0 至指标 T033 的分值 2.3 之间" in out

    workbook = tmp_path / "评分.xlsx"
    assert _run(db_url, "scores", "sheet", "2025", "--out", str(workbook))[0] == 0
    fill_score_workbook(workbook, {TOWN: [("T001", Decimal("1.4"), "未专题听取汇报", "座谈会")]})
    code, out = _run(db_url, "scores", "import", "2025", str(workbook), "--by", "王五")
    assert code == 1 and "“王五”（不在人员名单中或没有相应角色）无权办理考核评分" in out
    code, out = _run(db_url, "scores", "import", "2025", str(workbook), "--by", "周海宁")
    assert code == 0, out
    code, out = _run(db_url, "scores", "show", "2025", "--json")
    row = next(r for r in json.loads(out) if r["unit"] == TOWN)
    assert row["self_score"] is not None and row["flagged"] == []  # self 0.5 on T001 is below the group's 0

    code, out = _run(db_url, "special", "add", "2025", TOWN, "--kind", "falsification", "--reason", "虚报材料",
                     "--by", "王晓岚")
    assert code == 0 and "通报批评" in out, out
    assert list((tmp_path / "out").rglob("通报批评*.docx"))
    code, out = _run(db_url, "export", "target-performance", "2025", "--out", str(tmp_path / "绩效.xlsx"))
    assert code == 1 and "考核结果尚未计算" in out

    compute_results(session, cycle_id=demo_cycle.id)  # type: ignore[arg-type]  # the group flow's step
    code, out = _run(db_url, "export", "target-performance", "2025", "--out", str(tmp_path / "绩效.xlsx"))
    assert code == 0 and (tmp_path / "绩效.xlsx").exists(), out
    code, out = _run(db_url, "export", "commendation", "2025", "--json")
    proposed = {c["unit"] for c in json.loads(out) if c["proposed"]}
    assert TOWN not in proposed and len(proposed) == 39

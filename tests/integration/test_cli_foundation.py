"""The foundation's commands as a user runs them (the installed `zwgk` script)."""

import json
import subprocess
import sys
from pathlib import Path

import yaml

ZWGK = str(Path(sys.executable).with_name("zwgk"))
DATA = Path(__file__).parents[2] / "models" / "data"


def run(*args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run([ZWGK, *args], cwd=cwd, capture_output=True, text=True, timeout=120)


def test_catalog_json_lists_every_criterion_in_order(tmp_path: Path) -> None:
    for category in ("township", "department"):
        result = run("catalog", "show", "--category", category, "--json", cwd=tmp_path)
        assert result.returncode == 0, result.stderr
        items = json.loads(result.stdout)
        shipped = yaml.safe_load((DATA / f"catalog_{category}.yaml").read_text("utf-8"))["criteria"]
        assert [(i["area"], i["level1"], i["text"], i["kind"]) for i in items] == [
            (c["area"], c["level1"], c["text"], c["kind"]) for c in shipped]
        assert set(items[0]) >= {"area", "level1", "text", "kind", "points"}


def test_init_demo_is_idempotent_and_lists_units(tmp_path: Path) -> None:
    db = f"sqlite:///{tmp_path / 'z.db'}"
    assert run("init", "--demo", "--db", db, cwd=tmp_path).returncode == 0
    assert run("init", "--demo", "--db", db, cwd=tmp_path).returncode == 0
    units = json.loads(run("units", "list", "--json", "--db", db, cwd=tmp_path).stdout)
    assert len(units) == 40
    assert sum(u["category"] == "township" for u in units) == 12


def test_bad_units_file_exits_nonzero_naming_row_and_field(tmp_path: Path) -> None:
    bad = tmp_path / "units.csv"
    bad.write_text("单位名称,类别\n青岚镇,街道\n", encoding="utf-8")
    result = run("units", "import", str(bad), "--db", f"sqlite:///{tmp_path / 'z.db'}", cwd=tmp_path)
    assert result.returncode == 2
    assert "units.csv" in result.stderr and "第 2 行 category" in result.stderr


def test_status_of_unknown_year_is_a_clear_error(tmp_path: Path) -> None:
    result = run("cycle", "status", "2031", "--db", f"sqlite:///{tmp_path / 'z.db'}", cwd=tmp_path)
    assert result.returncode == 2
    assert "2031" in result.stderr


def test_audit_verify_fails_on_tampering(tmp_path: Path) -> None:
    import sqlite3

    from models.cycle import transition
    from models.stages import Stage
    from zwgk.cli.common import open_session
    from zwgk.cycle.steps import start_cycle
    from zwgk.demo.district import load_demo

    db = f"sqlite:///{tmp_path / 'z.db'}"
    with open_session(db) as session:
        load_demo(session)
        cycle = start_cycle(session=session, year=2025, actor="王晓岚")
        transition(session=session, cycle_id=cycle.id, to=Stage.SCHEME_APPROVED, actor="张明远")
    assert run("audit", "verify", "--db", db, cwd=tmp_path).returncode == 0
    with sqlite3.connect(tmp_path / "z.db") as conn:
        conn.execute("UPDATE audit_log SET comment = 'x' WHERE id = 1")
    result = run("audit", "verify", "--db", db, cwd=tmp_path)
    assert result.returncode == 1
    assert "第 1 条" in result.stderr

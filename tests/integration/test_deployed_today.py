"""`zwgk approve --today` cannot reach a deployed run: it is refused before anything is recorded."""

import subprocess
import sys
from pathlib import Path

from sqlmodel import Session, select

from models.cycle import GateDecision
from zwgk.adapters.db import get_engine, init_schema
from zwgk.cycle.steps import attach_run, start_cycle
from zwgk.demo.district import load_demo

ZWGK = str(Path(sys.executable).with_name("zwgk"))


def test_approve_with_today_on_a_deployed_run_is_refused_and_records_nothing(db_url: str, tmp_path: Path) -> None:
    engine = get_engine(db_url)
    init_schema(engine)
    with Session(engine) as session:
        load_demo(session)
        cycle = start_cycle(session=session, year=2025, actor="测试")
        attach_run(session=session, cycle_id=cycle.id, flow_run_id="0b5e3c1e-0000-4000-8000-000000000001")  # type: ignore[arg-type]
    done = subprocess.run([ZWGK, "approve", "2025", "scheme", "--decision", "approve", "--by", "张明远",
                           "--today", "2026-01-07", "--db", db_url],
                          env={"PATH": "/usr/bin:/bin", "PREFECT_API_URL": "http://127.0.0.1:9/api",
                               "PREFECT_HOME": str(tmp_path / "prefect")},
                          capture_output=True, text=True, timeout=120)
    assert done.returncode == 2 and "--today 对已部署的年度考核运行无效" in done.stderr, done.stderr
    with Session(engine) as session:
        assert session.exec(select(GateDecision)).all() == []

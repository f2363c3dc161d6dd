"""Two sweeps started at the same moment in two processes send each reminder once."""

import multiprocessing
from datetime import date
from pathlib import Path
from typing import Any

from sqlmodel import Session, select

from models.cycle import Cycle
from models.deadlines import Reminder
from models.units import Unit
from zwgk.deadlines.rows import open_self_check_deadlines

from .smtp_sink import OFFICE, smtp_server

BEFORE_3 = date(2025, 9, 29)  # the 3-days-before slot of the deadline due 2025-10-10


def sweep_in_process(url: str, port: int, out_dir: str, barrier: Any, results: Any) -> None:
    """Child process: wait for the others, then sweep (runs under spawn: imports inside)."""
    from zwgk.adapters.db import get_engine
    from zwgk.adapters.mail import Mailer
    from zwgk.deadlines.sweep import run_sweep

    from .smtp_sink import smtp_settings

    engine = get_engine(url)
    with Session(engine, expire_on_commit=False) as session:
        barrier.wait()
        report = run_sweep(session, today=BEFORE_3, out_dir=Path(out_dir),
                           mailer=Mailer(smtp_settings(port), sleep=lambda _s: None))
    results.put((len(report.sent), len(report.to_call), len(report.failed)))


def test_two_sweeps_at_the_same_moment_send_each_reminder_once(
    session: Session, demo_cycle: Cycle, db_url: str, tmp_path: Path
) -> None:
    assert demo_cycle.id is not None
    open_self_check_deadlines(session, cycle_id=demo_cycle.id, notice_on=date(2025, 9, 19))
    emails = {u.contact_email for u in session.exec(select(Unit)).all() if u.contact_email}
    units = len(session.exec(select(Unit)).all())

    ctx = multiprocessing.get_context("spawn")
    barrier, results = ctx.Barrier(2), ctx.Queue()
    with smtp_server() as (sink, port):
        procs = [ctx.Process(target=sweep_in_process,
                             args=(db_url, port, str(tmp_path), barrier, results))
                 for _ in range(2)]
        for p in procs:
            p.start()
        outcomes = [results.get(timeout=120) for _ in procs]
        for p in procs:
            p.join(timeout=60)
            assert p.exitcode == 0
        messages = sink.take()

    to_units = [m["To"] for m in messages if m["To"] != OFFICE]
    assert sorted(to_units) == sorted(emails)  # every unit with an address, once
    assert sum(sent for sent, _, _ in outcomes) == len(emails)
    assert sum(call for _, call, _ in outcomes) == units - len(emails)
    assert all(failed == 0 for _, _, failed in outcomes)
    rows = session.exec(select(Reminder)).all()
    assert len(rows) == units and {r.slot for r in rows} == {"before-3"}

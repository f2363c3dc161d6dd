"""Benchmark: one reminder sweep over N open deadlines.

Usage: ``python bench/sweep.py --deadlines 10000 [--db URL]``. Progress goes to stderr, one
JSON object to stdout.

N synthetic units, each with one open self-check deadline. Due dates are spread one a working
day apart in blocks, from 2 to 201 working days after the sweep day, so that on the sweep day
about one deadline in a hundred has a reminder slot due (the "3 working days before" one): the
sweep judges those only (their stored next-action day has come) and issues a notice for each
(催办通知, no SMTP configured: issued, not emailed). A second sweep on the same day must find
nothing to do (idempotent).
``queries`` counts every SQL statement of the first sweep (``before_cursor_execute``).
"""

import argparse
import json
import os
import sys
import tempfile
import time
from datetime import date
from pathlib import Path
from typing import Any

YEAR = 2025
TODAY = date(2026, 3, 2)  # a Monday, inside the holiday data's years
SPREAD = 200  # working days over which the due dates are spread


def log(text: str) -> None:
    """Progress on stderr (stdout carries the JSON alone)."""
    print(text, file=sys.stderr, flush=True)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--deadlines", type=int, default=10000)
    parser.add_argument("--db", help="SQLAlchemy URL (default: a SQLite file in a temp folder)")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="zwgk-sweep-") as temp:
        db = args.db or f"sqlite:///{Path(temp) / 'sweep.db'}"
        os.environ["ZWGK_DATABASE_URL"] = db
        os.environ["ZWGK_OUT_DIR"] = str(Path(temp) / "out")
        result = run(args.deadlines, db, Path(temp) / "out")
    print(json.dumps(result, ensure_ascii=False, indent=2))


def run(count: int, db: str, out: Path) -> dict[str, Any]:
    """Set up ``count`` deadlines, sweep twice, measure the first sweep; the JSON result."""
    from sqlalchemy import event
    from sqlmodel import Session, col, select

    from models.calendar import load_calendar
    from models.deadlines import DEADLINE_BASIS, Deadline, DeadlineKind
    from models.reminders import next_action_on
    from models.units import Category, Unit
    from zwgk.adapters.db import get_engine, init_schema
    from zwgk.cycle.steps import start_cycle
    from zwgk.deadlines.sweep import run_sweep
    from zwgk.setup.units import upsert_units

    engine = get_engine(db)
    init_schema(engine)
    with Session(engine, expire_on_commit=False) as session:
        log(f"setting up {count} deadlines")
        upsert_units(session, [Unit(name=f"合成单位{i:05d}", category=list(Category)[i % 3 != 0],
                                    contact_person=f"联系人{i:05d}") for i in range(count)])
        cycle = start_cycle(session=session, year=YEAR, actor="基准测试")
        calendar = load_calendar(session)
        due = [calendar.add_workdays(TODAY, 2 + n) for n in range(SPREAD)]
        unit_ids = session.exec(select(Unit.id).order_by(col(Unit.id))).all()
        # As zwgk.deadlines.rows.open_deadlines stores them: with the day their first slot fires.
        starts_on, policy = date(2026, 1, 5), cycle.scheme.reminders
        first = [next_action_on(current=None, due_on=on, policy=policy, calendar=calendar,
                                period=calendar.workdays_between(starts_on, on)) for on in due]
        session.add_all(Deadline(cycle_id=cycle.id, unit_id=uid, kind=DeadlineKind.SELF_CHECK,
                                 starts_on=starts_on, due_on=due[n % SPREAD],
                                 basis=DEADLINE_BASIS[DeadlineKind.SELF_CHECK], next_action_on=first[n % SPREAD])
                        for n, uid in enumerate(unit_ids))
        session.commit()

        statements = 0

        def count_statement(*_: Any) -> None:
            nonlocal statements
            statements += 1

        event.listen(engine, "before_cursor_execute", count_statement)
        log("sweep 1")
        begin = time.perf_counter()
        first = run_sweep(session, today=TODAY, out_dir=out)
        wall = time.perf_counter() - begin
        event.remove(engine, "before_cursor_execute", count_statement)
        queries = statements
        begin = time.perf_counter()
        second = run_sweep(session, today=TODAY, out_dir=out)
        again = time.perf_counter() - begin
    notices = len(first.sent) + len(first.not_emailed) + len(first.to_call)
    return {
        "deadlines": count,
        "wall_s": round(wall, 3),
        "queries": queries,
        "notices_issued": notices,
        "queries_per_notice": round(queries / notices, 1) if notices else None,
        "second_sweep_wall_s": round(again, 3),
        "second_sweep_notices": len(second.sent) + len(second.not_emailed) + len(second.to_call),
    }


if __name__ == "__main__":
    main()

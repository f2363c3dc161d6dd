"""The sweep's database work grows with the reminders it sends, not with the open deadlines."""

from datetime import date
from pathlib import Path

from sqlalchemy import event
from sqlalchemy.engine import Engine
from sqlmodel import Session, select

from models.cycle import Cycle
from models.deadlines import DEADLINE_BASIS, Deadline, DeadlineKind
from models.units import Unit
from zwgk.adapters.mail import Mailer
from zwgk.core.settings import Settings
from zwgk.deadlines.sweep import run_sweep

QUIET_DAY = date(2025, 9, 23)  # no slot of a deadline due 2025-10-10 fires on this day
SLOT_DAY = date(2025, 9, 29)


def open_rounds(session: Session, cycle_id: int, rounds: range) -> None:
    units = session.exec(select(Unit.id)).all()
    session.add_all(Deadline(cycle_id=cycle_id, unit_id=uid, kind=DeadlineKind.RECTIFICATION_DONE,
                             round=r, starts_on=date(2025, 9, 19), due_on=date(2025, 10, 10),
                             basis=DEADLINE_BASIS[DeadlineKind.RECTIFICATION_DONE])
                    for uid in units for r in rounds)
    session.commit()


def statements(engine: Engine, session: Session, day: date, out_dir: Path, dry_run: bool) -> int:
    count = 0

    def tick(*_args: object) -> None:
        nonlocal count
        count += 1

    event.listen(engine, "before_cursor_execute", tick)
    try:
        run_sweep(session, today=day, dry_run=dry_run, out_dir=out_dir,
                  mailer=Mailer(Settings(smtp_host=None)))
    finally:
        event.remove(engine, "before_cursor_execute", tick)
    return count


def test_statement_count_does_not_grow_with_open_deadlines(
    engine: Engine, session: Session, demo_cycle: Cycle, tmp_path: Path
) -> None:
    assert demo_cycle.id is not None
    open_rounds(session, demo_cycle.id, range(1, 2))
    small = [statements(engine, session, d, tmp_path, dry) for d, dry in
             ((QUIET_DAY, False), (SLOT_DAY, True))]
    open_rounds(session, demo_cycle.id, range(2, 21))  # 20 times as many open deadlines
    large = [statements(engine, session, d, tmp_path, dry) for d, dry in
             ((QUIET_DAY, False), (SLOT_DAY, True))]
    assert large == small
    assert max(large) < 15

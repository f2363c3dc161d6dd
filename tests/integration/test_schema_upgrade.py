"""A database created before a column was added gets it (and its index) from init_schema."""

from datetime import date

from sqlalchemy import inspect, text
from sqlalchemy.engine import Engine
from sqlmodel import Session, select

from models.catalog import Criterion
from models.cycle import Cycle
from models.deadlines import DEADLINE_BASIS, Deadline, DeadlineKind
from models.units import Unit
from zwgk.adapters.db import init_schema

# Columns later releases added: one nullable and indexed, one with a default (rows keep it).
ADDED_COLUMNS = [Deadline.__table__.c.next_action_on, Unit.__table__.c.retired]  # type: ignore[attr-defined]


def test_init_schema_adds_new_columns_to_an_existing_table_keeping_its_rows(
        engine: Engine, session: Session, demo_cycle: Cycle) -> None:
    session.add(Deadline(cycle_id=demo_cycle.id, kind=DeadlineKind.GROUP_SCORING, starts_on=date(2026, 2, 2),
                         due_on=date(2026, 2, 16), basis=DEADLINE_BASIS[DeadlineKind.GROUP_SCORING]))
    session.commit()
    session.close()
    with engine.begin() as connection:  # the tables as an older release created them
        for column in ADDED_COLUMNS:
            for index in column.table.indexes:
                if column.name in index.columns:
                    connection.execute(text(f"DROP INDEX {index.name}"))
            connection.execute(text(f"ALTER TABLE {column.table.name} DROP COLUMN {column.name}"))
    init_schema(engine)
    init_schema(engine)  # idempotent
    inspector = inspect(engine)
    for column in ADDED_COLUMNS:
        assert column.name in {c["name"] for c in inspector.get_columns(column.table.name)}
        if column.index:
            assert any(column.name in i["column_names"] for i in inspector.get_indexes(column.table.name))
    with Session(engine) as fresh:
        assert fresh.exec(select(Deadline.due_on, Deadline.next_action_on)).one() == (date(2026, 2, 16), None)
        assert len(fresh.exec(select(Unit.id).where(Unit.retired == False)).all()) == 40  # noqa: E712


def test_init_schema_turns_stored_enum_names_into_category_keys(
        engine: Engine, session: Session, demo_cycle: Cycle) -> None:
    session.close()
    statutory = "category IN ('township', 'department')"
    with engine.begin() as connection:  # as releases before article 16 stored them
        connection.execute(text(f"UPDATE unit SET category = upper(category) WHERE {statutory}"))
        connection.execute(text(f"UPDATE criterion SET category = upper(category) WHERE {statutory}"))
    init_schema(engine)
    with Session(engine) as fresh:
        keys = {"township", "department", "enterprise"}  # the demo's imported category is untouched
        assert set(fresh.exec(select(Unit.category)).all()) == keys
        assert set(fresh.exec(select(Criterion.category)).all()) == keys

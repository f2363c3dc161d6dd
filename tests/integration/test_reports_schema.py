"""A PostgreSQL database created before annual reports learns the new deadline kind: its enum
columns are native types that create_all never alters."""

import os

import pytest
from sqlalchemy import text
from sqlalchemy.engine import Engine
from sqlmodel import Session

from models.cycle import Cycle
from models.deadlines import DeadlineKind
from zwgk.adapters.db import init_schema
from zwgk.reports.due import open_report_deadlines

pytestmark = pytest.mark.skipif(not os.environ.get("ZWGK_TEST_DATABASE_URL", "").startswith("postgresql"),
                                reason="needs PostgreSQL (native enum types)")


def test_a_database_from_before_annual_reports_learns_the_new_deadline_kind(
        engine: Engine, session: Session, demo_cycle: Cycle) -> None:
    session.close()
    before = ", ".join(f"'{kind.name}'" for kind in DeadlineKind if kind is not DeadlineKind.ANNUAL_REPORT)
    with engine.begin() as connection:  # the type as the release before annual reports created it
        connection.execute(text("ALTER TABLE deadline ALTER COLUMN kind TYPE VARCHAR"))
        connection.execute(text("DROP TYPE deadlinekind"))
        connection.execute(text(f"CREATE TYPE deadlinekind AS ENUM ({before})"))
        connection.execute(text("ALTER TABLE deadline ALTER COLUMN kind TYPE deadlinekind USING kind::deadlinekind"))
    init_schema(engine)
    init_schema(engine)  # idempotent
    with Session(engine) as fresh:
        assert open_report_deadlines(fresh, year=2025, by="刘静怡").added == 37

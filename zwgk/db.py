"""The one place that builds database engines and creates the schema."""

from collections.abc import Iterator
from contextlib import contextmanager
from functools import lru_cache

from sqlalchemy import Column, event, inspect, text
from sqlalchemy.engine import Engine
from sqlalchemy.exc import DBAPIError
from sqlmodel import Session, SQLModel, create_engine

import models  # noqa: F401  (registers every table on SQLModel.metadata)
from models.deadlines import Deadline
from zwgk.settings import get_settings

#: Columns added to a table after databases with that table were in use. ``create_all`` only
#: creates missing tables, so ``init_schema`` adds these (all nullable) and their indexes.
ADDED_COLUMNS: list[Column] = [Deadline.__table__.c.next_action_on]  # type: ignore[attr-defined]


@lru_cache(maxsize=8)
def get_engine(url: str | None = None) -> Engine:
    """The engine for ``url`` (default: the configured database), built once per process."""
    url = url or get_settings().database_url
    if url.startswith("sqlite"):
        engine = create_engine(url, connect_args={"timeout": 30})
        event.listen(engine, "connect", _sqlite_pragmas)
    else:
        engine = create_engine(url, pool_pre_ping=True)
    return engine


def _sqlite_pragmas(dbapi_connection, _record) -> None:  # type: ignore[no-untyped-def]
    # WAL lets readers run beside one writer; the busy timeout makes concurrent
    # processes queue for the write lock instead of failing at once. In WAL mode NORMAL
    # syncs at checkpoints, not at every commit (documents are registered in batches);
    # the database stays consistent, only the last commits may be lost on a power cut.
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.execute("PRAGMA busy_timeout=30000")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.close()


def init_schema(engine: Engine) -> None:
    """Create every table that does not exist yet, and add ``ADDED_COLUMNS`` to older tables
    (idempotent)."""
    SQLModel.metadata.create_all(engine)
    _add_columns(engine)


def _add_columns(engine: Engine) -> None:
    inspector = inspect(engine)
    for column in ADDED_COLUMNS:
        table = column.table
        if column.name not in {c["name"] for c in inspector.get_columns(table.name)}:
            kind = column.type.compile(dialect=engine.dialect)
            try:
                with engine.begin() as connection:
                    connection.execute(text(f"ALTER TABLE {table.name} ADD COLUMN {column.name} {kind}"))
            except DBAPIError:
                # Another process added it at the same moment; anything else is a real error.
                if column.name not in {c["name"] for c in inspect(engine).get_columns(table.name)}:
                    raise
        for index in table.indexes:
            if column.name in index.columns:
                index.create(engine, checkfirst=True)


@contextmanager
def session_scope(url: str | None = None) -> Iterator[Session]:
    """A session on the configured (or given) database, closed on exit."""
    with Session(get_engine(url), expire_on_commit=False) as session:
        yield session

"""The one place that builds database engines and creates the schema, and inserting rows that
another process may have inserted first."""

import time
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from functools import lru_cache

from sqlalchemy import Column, Enum, event, func, inspect, literal, text, update
from sqlalchemy import column as sql_column
from sqlalchemy import table as sql_table
from sqlalchemy.engine import Engine
from sqlalchemy.exc import DBAPIError, DisconnectionError, IntegrityError
from sqlmodel import Session, SQLModel, create_engine

import models  # noqa: F401  (registers every table on SQLModel.metadata)
from models.catalog import seed_categories
from zwgk.adapters import witness
from zwgk.core.settings import get_settings

witness.install()  # every process that opens the database witnesses its audit commits


def get_engine(url: str | None = None) -> Engine:
    """The engine for ``url`` (default: the database configured now), built once per process.

    The default is resolved before the cache, so a process that switches databases
    (zwgk.cli.common.use_database) never gets the engine of the previous one.
    """
    return _engine_for(url or get_settings().database_url)


def forget_engines() -> None:
    """Drop every cached engine (a test that dropped its database)."""
    _engine_for.cache_clear()


# As many connections as the workbench has request threads (anyio's default of 40), so that a
# burst of requests waits for the database itself, never for a connection of the pool (whose
# 30-second wait would end in an error). Idle ones beyond POOL_SIZE are closed.
POOL_SIZE, POOL_OVERFLOW = 10, 30


@lru_cache(maxsize=8)
def _engine_for(url: str) -> Engine:
    if url.startswith("sqlite"):
        engine = create_engine(url, connect_args={"timeout": 30}, pool_size=POOL_SIZE, max_overflow=POOL_OVERFLOW)
        event.listen(engine, "connect", _sqlite_pragmas)
    else:
        engine = create_engine(url, pool_size=POOL_SIZE, max_overflow=POOL_OVERFLOW)
        event.listen(engine, "checkin", _mark_idle)
        event.listen(engine, "checkout", _ping_if_idle)
    return engine


# A connection unused this long is tried before it is handed out (the server may have closed it);
# one used a moment ago is not: pinging at every checkout cost a round trip a request.
PING_AFTER_IDLE_S = 30.0


def _mark_idle(_dbapi_connection, record) -> None:  # type: ignore[no-untyped-def]
    record.info["idle_since"] = time.monotonic()


def _ping_if_idle(dbapi_connection, record, _proxy) -> None:  # type: ignore[no-untyped-def]
    if time.monotonic() - record.info.get("idle_since", 0.0) < PING_AFTER_IDLE_S:
        return
    try:
        cursor = dbapi_connection.cursor()
        cursor.execute("SELECT 1")
        cursor.close()
    except Exception as exc:  # noqa: BLE001 (any failure means: replace the connection)
        raise DisconnectionError() from exc  # the pool retries with a new connection


def _sqlite_pragmas(dbapi_connection, _record) -> None:  # type: ignore[no-untyped-def]
    # WAL lets readers run beside one writer; the busy timeout makes concurrent
    # processes queue for the write lock instead of failing at once. FULL syncs the WAL at
    # every commit, so a committed change (a document number handed out) survives a power
    # cut. Measured: bench/cycle.py --units 200 run side by side, NORMAL 229.6 s, FULL 227.0 s
    # (documents are registered in batches, so commits are few): no cost worth the risk.
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA synchronous=FULL")
    cursor.execute("PRAGMA busy_timeout=30000")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.close()


def init_schema(engine: Engine) -> None:
    """Create every table that does not exist yet and add the columns a newer release
    defines to tables an older one created, with their indexes (idempotent)."""
    SQLModel.metadata.create_all(engine)
    _add_missing_columns(engine)
    _add_missing_enum_values(engine)
    _category_keys(engine)
    with Session(engine) as session:
        seed_categories(session)


def _add_missing_columns(engine: Engine) -> None:
    # create_all never alters an existing table. A column added later is nullable or has a
    # default, so ADD COLUMN (with that default as a literal) keeps old rows valid.
    inspector = inspect(engine)
    for table in SQLModel.metadata.sorted_tables:
        if not inspector.has_table(table.name):
            continue
        have = {c["name"] for c in inspector.get_columns(table.name)}
        for column in (c for c in table.columns if c.name not in have):
            _add_column(engine, column)
            for index in table.indexes:
                if column.name in index.columns:
                    index.create(engine, checkfirst=True)


def _add_missing_enum_values(engine: Engine) -> None:
    # create_all never alters a type either. On PostgreSQL an enum column is a native type that
    # must learn the members a later release added (a new deadline kind) before rows can hold them.
    if engine.dialect.name != "postgresql":
        return
    wanted = {column.type.name: column.type.enums for table in SQLModel.metadata.sorted_tables
              for column in table.columns if isinstance(column.type, Enum) and column.type.native_enum}
    with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as connection:
        have = {(name, label) for name, label in connection.execute(text(
            "SELECT t.typname, e.enumlabel FROM pg_enum e JOIN pg_type t ON t.oid = e.enumtypid"))}
        for name, values in wanted.items():
            for value in (v for v in values if (name, v) not in have):
                connection.execute(text(f'ALTER TYPE "{name}" ADD VALUE IF NOT EXISTS \'{value}\''))


def _category_keys(engine: Engine) -> None:
    # Releases before article 16 stored the category as an enum: its member NAME
    # ('TOWNSHIP'), on PostgreSQL in a native enum type. Categories are keys now ('township').
    with engine.begin() as connection:
        for table in ("unit", "criterion"):
            if engine.dialect.name == "postgresql":
                kind = connection.execute(text(
                    "SELECT data_type FROM information_schema.columns "
                    "WHERE table_name = :t AND column_name = 'category'"), {"t": table}).scalar()
                if kind == "USER-DEFINED":
                    connection.execute(text(f'ALTER TABLE "{table}" ALTER COLUMN category TYPE VARCHAR '
                                            "USING category::text"))
            category = sql_column("category")
            connection.execute(update(sql_table(table, category)).values(category=func.lower(category))
                               .where(category.in_(["TOWNSHIP", "DEPARTMENT"])))


def _add_column(engine: Engine, column: Column) -> None:  # type: ignore[type-arg]
    kind = column.type.compile(dialect=engine.dialect)
    default = column.default.arg if column.default is not None else None
    clause = "" if default is None or callable(default) else " DEFAULT " + str(
        literal(default, column.type).compile(engine, compile_kwargs={"literal_binds": True}))
    try:
        with engine.begin() as connection:
            connection.execute(text(f'ALTER TABLE "{column.table.name}" ADD COLUMN "{column.name}" {kind}{clause}'))
    except DBAPIError:
        # Another process added it at the same moment; anything else is a real error.
        if column.name not in {c["name"] for c in inspect(engine).get_columns(column.table.name)}:
            raise


@contextmanager
def session_scope(url: str | None = None) -> Iterator[Session]:
    """A session on the configured (or given) database, closed on exit."""
    with Session(get_engine(url), expire_on_commit=False) as session:
        yield session


def add_unique_rows(session: Session, make_rows: Callable[[], Sequence[SQLModel]]) -> None:
    """Insert the rows ``make_rows`` builds, skipping any that collide with a unique key; commits.

    The common case is one batched insert. Only when another process wrote some of the same
    keys first (IntegrityError) are the rows added one by one, each in a savepoint, keeping
    the other process's rows. ``make_rows`` is called again for that retry because a rolled
    back session discards the objects it was given.
    """
    session.add_all(make_rows())
    try:
        session.commit()
        return
    except IntegrityError:
        session.rollback()
    for row in make_rows():
        try:
            with session.begin_nested():
                session.add(row)
        except IntegrityError:
            pass
    session.commit()

"""Shared fixtures: a fresh database per test (SQLite, or PostgreSQL when
ZWGK_TEST_DATABASE_URL is set) and the demo district with a 2025 cycle."""

import os
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import text
from sqlalchemy.engine import Engine
from sqlmodel import Session, create_engine

from models.cycle import Cycle
from zwgk.adapters.db import forget_engines, get_engine, init_schema
from zwgk.core.settings import get_settings
from zwgk.cycle.steps import start_cycle
from zwgk.demo.district import load_demo

os.environ.setdefault("PREFECT_SERVER_ANALYTICS_ENABLED", "false")
# The local Prefect servers the tests' commands start (one per Prefect home) stop soon after.
os.environ.setdefault("ZWGK_LOCAL_SERVER_IDLE_MIN", "2")


@pytest.fixture(autouse=True)
def own_database_setting(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """A command run in-process with --db makes that database the process's (ZWGK_DATABASE_URL):
    undo it after each test, so a later test's subprocess never inherits a database that a
    finished test dropped."""
    monkeypatch.delenv("ZWGK_DATABASE_URL", raising=False)
    # Commands name the person acting (--by, else ZWGK_ACTOR): by default the demo district's
    # office head, who may do the office's work; tests of other rosters name their own person.
    monkeypatch.setenv("ZWGK_ACTOR", os.environ.get("ZWGK_TEST_ACTOR", "王晓岚"))
    yield
    monkeypatch.undo()
    get_settings.cache_clear()


@pytest.fixture(scope="session", autouse=True)
def session_audit_witness(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    """The audit witness of what session-wide fixtures write (never the repository's)."""
    path = tmp_path_factory.mktemp("witness") / "audit-witness.jsonl"
    before = os.environ.get("ZWGK_AUDIT_WITNESS")
    os.environ["ZWGK_AUDIT_WITNESS"] = str(path)
    get_settings.cache_clear()
    yield path
    if before is None:
        os.environ.pop("ZWGK_AUDIT_WITNESS", None)
    else:
        os.environ["ZWGK_AUDIT_WITNESS"] = before
    get_settings.cache_clear()


@pytest.fixture(autouse=True)
def own_audit_witness(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Iterator[Path]:
    """Each test's audit witness in its own folder (inherited by the commands it runs), never
    beside the repository's output folder."""
    path = tmp_path / "audit-witness.jsonl"
    monkeypatch.setenv("ZWGK_AUDIT_WITNESS", str(path))
    get_settings.cache_clear()
    yield path
    monkeypatch.undo()
    get_settings.cache_clear()


@pytest.fixture
def db_url(tmp_path: Path) -> Iterator[str]:
    """URL of an empty database of its own for this test."""
    base = os.environ.get("ZWGK_TEST_DATABASE_URL")
    if not base:
        yield f"sqlite:///{tmp_path / 'zwgk.db'}"
        return
    name = f"zwgk_test_{uuid.uuid4().hex[:12]}"
    admin = create_engine(base, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    url = base.rsplit("/", 1)[0] + "/" + name
    yield url
    get_engine(url).dispose()
    forget_engines()
    with admin.connect() as conn:
        conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    admin.dispose()


@pytest.fixture
def engine(db_url: str) -> Engine:
    """The engine of this test's database, with the schema created."""
    engine = get_engine(db_url)
    init_schema(engine)
    return engine


@pytest.fixture
def session(engine: Engine) -> Iterator[Session]:
    with Session(engine, expire_on_commit=False) as session:
        yield session


@pytest.fixture
def demo_cycle(session: Session) -> Cycle:
    """The demo district loaded and its 2025 cycle created (stage draft)."""
    load_demo(session)
    return start_cycle(session=session, year=2025, actor="测试")

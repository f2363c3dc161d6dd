"""The workbench on a test database: the demo district, its 2025 cycle and one account per role,
served by uvicorn on a loopback port and driven over HTTP. A database connection taken on the
server's event loop fails the test: an async route or dependency must never touch the database."""

import os
import re
import shutil
from collections.abc import Iterator
from pathlib import Path

# As zwgk.cli sets them for `zwgk web` (before Prefect reads its settings): the gate tests run
# flows on Prefect's temporary server, whose first start takes long on a busy machine.
os.environ.setdefault("PREFECT_SERVER_EPHEMERAL_STARTUP_TIMEOUT_SECONDS", "120")
os.environ.setdefault("PREFECT_LOGGING_LEVEL", "WARNING")
# argon2's cheapest parameters: the tests log in hundreds of times (inherited by `zwgk web` subprocesses).
os.environ.setdefault("ZWGK_PASSWORD_HASH", "fast")

import httpx  # noqa: E402
import pytest  # noqa: E402
from sqlalchemy import event  # noqa: E402
from sqlalchemy.pool import Pool  # noqa: E402
from sqlmodel import Session, create_engine, select  # noqa: E402

from models.cycle import Cycle, transition
from models.stages import Stage
from models.units import Member, Unit
from tests.web.serving import LOOP_CHECKOUTS, Browser, Served, on_checkout, raw_post, serve_process  # noqa: F401
from zwgk.adapters.db import forget_engines, init_schema
from zwgk.cli.common import use_database
from zwgk.core.settings import get_settings
from zwgk.cycle.steps import start_cycle
from zwgk.demo.district import load_demo
from zwgk.setup.accounts import create_account
from zwgk.web.app import create_app
from zwgk.web.background import CycleRunner

PASSWORD = "correct-horse-1"
LEADER, OFFICE, ASSESSOR = "张明远", "刘静怡", "考核员甲"  # 刘静怡: office staff only
# login → (person, unit name)
ACCOUNTS = {"leader": (LEADER, None), "office": (OFFICE, None), "assessor": (ASSESSOR, None),
            "unit1": (None, "青岚镇（演示）"), "unit2": (None, "云雾镇（演示）")}


def _populate(session: Session) -> None:
    """The demo district, its 2025 cycle (draft), an assessor who is nothing else, and the
    accounts of ACCOUNTS, all with PASSWORD."""
    load_demo(session)
    start_cycle(session=session, year=2025, actor="测试")
    session.add(Member(name=ASSESSOR, from_unit="区司法局（演示）", assessor=True))
    session.commit()
    for login, (person, unit) in ACCOUNTS.items():
        create_account(session, login=login, person=person, unit=unit, password=PASSWORD, actor="测试")


@pytest.fixture(scope="session")
def demo_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A SQLite file with what ``_populate`` makes, built once, and beside it the audit witness
    of its chain; each test works on a copy of both."""
    path = tmp_path_factory.mktemp("workbench") / "template.db"
    own = os.environ.get("ZWGK_AUDIT_WITNESS")  # the first test's, already set
    os.environ["ZWGK_AUDIT_WITNESS"] = str(path.with_suffix(".witness.jsonl"))
    get_settings.cache_clear()
    engine = create_engine(f"sqlite:///{path}")
    init_schema(engine)
    with Session(engine) as session:
        _populate(session)
    engine.dispose()
    if own is not None:
        os.environ["ZWGK_AUDIT_WITNESS"] = own
    get_settings.cache_clear()
    return path


@pytest.fixture
def db_url(db_url: str, request: pytest.FixtureRequest, own_audit_witness: Path) -> str:
    """This test's database: on SQLite a copy of the template (with the witness of its audit
    chain), on PostgreSQL empty (filled by ``demo_cycle``)."""
    if db_url.startswith("sqlite:///"):
        template = request.getfixturevalue("demo_template")
        shutil.copyfile(template, db_url.removeprefix("sqlite:///"))
        shutil.copyfile(template.with_suffix(".witness.jsonl"), own_audit_witness)
    return db_url


@pytest.fixture
def demo_cycle(session: Session) -> Cycle:
    """The demo district's 2025 cycle (draft), with ``_populate``'s people and accounts."""
    cycle = session.exec(select(Cycle)).first()
    if cycle is None:
        _populate(session)
        cycle = session.exec(select(Cycle)).one()
    return cycle


@pytest.fixture
def workbench(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, db_url: str, session: Session,
              demo_cycle: Cycle) -> Iterator[Session]:
    """The demo database of ``demo_cycle``; this process's settings point at it."""
    monkeypatch.setenv("ZWGK_OUT_DIR", str(tmp_path / "out"))
    monkeypatch.setenv("ZWGK_SECRET_KEY", "test-secret")
    get_settings.cache_clear()
    forget_engines()
    use_database(db_url)
    yield session
    get_settings.cache_clear()
    forget_engines()


@pytest.fixture(scope="session", autouse=True)
def database_guard() -> Iterator[None]:
    """Every pool checkout in this process is watched (tests.web.serving.on_checkout)."""
    event.listen(Pool, "checkout", on_checkout)
    yield
    event.remove(Pool, "checkout", on_checkout)


@pytest.fixture(autouse=True)
def no_database_on_the_event_loop(database_guard: None) -> Iterator[None]:
    """Fail the test when an async route or dependency took a database connection on the loop."""
    LOOP_CHECKOUTS.clear()
    yield
    assert not LOOP_CHECKOUTS, "database used on the event loop:\n" + LOOP_CHECKOUTS[0]


@pytest.fixture
def served(workbench: Session) -> Iterator[Served]:
    """The workbench (acting as of 2026-01-08, in the demo's self-check time) served on loopback."""
    from datetime import date

    server = Served(create_app(today=date(2026, 1, 8)))
    yield server
    server.close()


@pytest.fixture
def client(served: Served) -> Iterator[Browser]:
    """A browser without a session."""
    with served.browser() as browser:
        yield browser


def csrf_of(html: str) -> str:
    """The CSRF token of the first form on a page."""
    match = re.search(r'name="csrf_token" value="([^"]+)"', html)
    assert match, html[:500]
    return match.group(1)


def log_in(client: httpx.Client, login: str, password: str = PASSWORD) -> str:
    """Log ``client`` in; the CSRF token of the new session."""
    token = csrf_of(client.get("/login").text)
    response = client.post("/login", data={"username": login, "password": password, "csrf_token": token})
    assert response.status_code == 303, response.text
    return csrf_of(client.get("/password").text)


def unit_id(session: Session, name: str) -> int:
    return session.exec(select(Unit.id).where(Unit.name == name)).one()  # type: ignore[return-value]


def open_self_check(session: Session, cycle: Cycle) -> None:
    """Move the cycle to the self-check stage without running the flow (no documents)."""
    assert cycle.id is not None
    transition(session=session, cycle_id=cycle.id, to=Stage.SCHEME_APPROVED, actor="测试")
    transition(session=session, cycle_id=cycle.id, to=Stage.SELF_CHECK, actor="测试")


def runner_of(client: Browser) -> CycleRunner:
    """The background runner of the client's workbench."""
    return client.app.state.runner  # type: ignore[attr-defined,no-any-return]

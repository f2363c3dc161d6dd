"""Nothing tells logins apart: an unknown login, a wrong password, a disabled account and one that
must wait are refused with the same page after the same work (argon2 at production cost)."""

import random
import statistics
import time
from collections.abc import Iterator
from datetime import date, timedelta

import pytest
from sqlalchemy import delete
from sqlmodel import Session, col

from models.accounts import LoginAttempt
from models.types import utcnow
from tests.web.conftest import PASSWORD, Served, csrf_of
from zwgk.core.settings import get_settings
from zwgk.setup import accounts, logins
from zwgk.web.app import create_app

ROUNDS = 20
# Generous against a loaded test machine; measured medians differ by a few per cent (README).
TOLERANCE = 0.20


@pytest.fixture
def production_cost(workbench: Session, monkeypatch: pytest.MonkeyPatch) -> Iterator[Served]:
    """Accounts hashed at argon2's recommended cost and the workbench serving them: ``real``,
    ``stopped`` (disabled) and ``waiting`` (failures a moment ago: it must wait)."""
    monkeypatch.setenv("ZWGK_PASSWORD_HASH", "recommended")
    get_settings.cache_clear()
    for login in ("real", "stopped", "waiting"):
        accounts.create_account(workbench, login=login, person="张明远", password=PASSWORD, actor="测试")
    accounts.disable_account(workbench, login="stopped", actor="测试")
    soon = utcnow() + timedelta(hours=1)  # failures stamped ahead: the wait outlasts the test
    workbench.add_all([LoginAttempt(login="waiting", at=soon, outcome="failed", source="10.1.1.1")
                       for _ in range(5)])
    workbench.commit()
    server = Served(create_app(today=date(2026, 1, 8)))
    yield server
    server.close()


def test_refusals_read_alike_and_take_as_long(production_cost: Served, workbench: Session) -> None:
    cases = {"unknown": ("nobody-of-that-name", PASSWORD), "wrong": ("real", "not-the-password-9"),
             "disabled": ("stopped", PASSWORD), "waiting": ("waiting", PASSWORD), "invisible": ("re\u200bal", PASSWORD)}
    rounds: list[dict[str, float]] = []
    pages: dict[str, set[str]] = {case: set() for case in cases}
    with production_cost.browser() as browser:
        token = csrf_of(browser.get("/login").text)
        for round_ in range(ROUNDS + 1):
            took: dict[str, float] = {}
            for case in random.sample(list(cases), len(cases)):
                # Keep every case what it is: only ``waiting`` may wait.
                workbench.execute(delete(LoginAttempt).where(col(LoginAttempt.login) != "waiting"))
                workbench.commit()
                login, password = cases[case]
                start = time.perf_counter()
                response = browser.post("/login", data={"username": login, "password": password, "csrf_token": token})
                elapsed = time.perf_counter() - start
                assert response.status_code == 401, (case, response.text[-500:])
                pages[case].add(response.text.replace(f'value="{login}"', 'value=""'))
                took[case] = elapsed
            if round_:  # the first round warms up (the dummy hash is made once)
                rounds.append(took)
    assert len(set().union(*pages.values())) == 1  # one page, word for word
    assert logins.REFUSED in next(iter(pages["unknown"]))
    # Each case against its round's mean (measured within seconds of each other), so that the
    # machine's load, which changes over the test, weighs on every case alike.
    relative = {case: statistics.median(r[case] / statistics.mean(r.values()) for r in rounds) for case in cases}
    medians = {case: round(statistics.median(r[case] for r in rounds) * 1000) for case in cases}
    spread = max(relative.values()) / min(relative.values()) - 1
    assert spread <= TOLERANCE, (spread, medians)

"""Password hashes are computed a few at a time: fifty logins at once at argon2's production cost
keep the workbench under 500 MB, and its pages answer meanwhile."""

import threading
from pathlib import Path

import httpx
import pytest
from sqlmodel import Session

from tests.web.conftest import PASSWORD, csrf_of, serve_process
from zwgk.core.settings import get_settings
from zwgk.setup import accounts

LOGINS = 50
LIMIT_MB = 500


def peak_rss_mb(pid: int) -> float:
    """The process's peak resident memory so far (VmHWM), in MB."""
    status = Path(f"/proc/{pid}/status").read_text()
    return int(next(line.split()[1] for line in status.splitlines() if line.startswith("VmHWM"))) / 1024


def log_in_once(base: str, login: str, password: str, source: str) -> int:
    with httpx.Client(base_url=base, timeout=300, headers={"X-Forwarded-For": source}) as browser:
        token = csrf_of(browser.get("/login").text)
        return browser.post("/login", data={"username": login, "password": password, "csrf_token": token}).status_code


def test_fifty_logins_at_once_stay_in_memory_and_pages_keep_answering(
        tmp_path: Path, workbench: Session, db_url: str, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("ZWGK_PASSWORD_HASH", "recommended")
    get_settings.cache_clear()
    for n in range(5):
        accounts.create_account(workbench, login=f"clerk{n}", person="刘静怡", password=PASSWORD, actor="测试")
    # One process: the bound is on each of the workbench's processes.
    with serve_process(tmp_path, db_url, "--workers", "1", ZWGK_PASSWORD_HASH="recommended") as (server, base):
        before = peak_rss_mb(server.pid)
        outcomes: list[int] = []
        answered_during: list[int] = []
        done = threading.Event()

        def login(n: int) -> None:
            login, password = (f"clerk{n}", PASSWORD) if n < 5 else (f"stranger{n}", "some-guess-12345")
            outcomes.append(log_in_once(base, login, password, f"10.2.{n}.1"))

        reader = httpx.Client(base_url=base, timeout=300, headers={"X-Forwarded-For": "10.3.0.1"})
        token = csrf_of(reader.get("/login").text)
        assert reader.post("/login", data={"username": "office", "password": PASSWORD,
                                           "csrf_token": token}).status_code == 303

        def browse() -> None:  # the login page, and a page that reads the database
            while not done.is_set():
                if reader.get("/login").status_code == 200 and reader.get("/cycles/2025").status_code == 200:
                    answered_during.append(1)

        pages = threading.Thread(target=browse)
        pages.start()
        crowd = [threading.Thread(target=login, args=(n,)) for n in range(LOGINS)]
        for thread in crowd:
            thread.start()
        for thread in crowd:
            thread.join()
        done.set()
        pages.join()
        reader.close()
        peak = peak_rss_mb(server.pid)
    assert sorted(outcomes) == [303] * 5 + [401] * (LOGINS - 5)
    assert peak < LIMIT_MB, (before, peak)
    assert len(answered_during) >= 5  # pages answered while the crowd waited for its hashes

"""A deadline-day burst over HTTP: every unit sends its form and evidence at once, some twice,
some wrongly; each accepted upload is stored and imported exactly once, a refused one leaves
nothing, no upload waits for its import, and the login page answers throughout. (Timings are
bench/burst.py's; this test checks what is kept.) Also: the guard that fails any test in which an
async route or dependency touches the database does catch one."""

import os
import threading
from collections import Counter
from decimal import Decimal
from pathlib import Path

import httpx
from fastapi import Depends, FastAPI
from fastapi.concurrency import run_in_threadpool
from sqlalchemy import func
from sqlmodel import Session, col, select

from models.accounts import Account
from models.assessment import Assessment, SelfCheckStatus
from models.audit import AuditEntry
from models.cycle import Cycle
from models.units import Unit
from models.uploads import Upload, UploadKind
from tests.web.conftest import PASSWORD, csrf_of, open_self_check
from tests.web.serving import LOOP_CHECKOUTS, Browser, Served, serve_process
from zwgk.adapters.db import get_engine
from zwgk.core.settings import get_settings
from zwgk.demo.filler import fill_self_check_form
from zwgk.intake.forms import regular_criteria
from zwgk.intake.self_check import form_path, write_self_check_forms
from zwgk.results.sealing import verify_trail
from zwgk.setup.accounts import create_account

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
WRONG_FORM, WRONG_TYPE, TWICE = range(0, 4), range(4, 7), range(7, 17)  # unit positions


def _units_with_accounts(session: Session) -> list[Unit]:
    units = list(session.exec(select(Unit).order_by(col(Unit.id))).all())
    have = set(session.exec(select(Account.unit_id)).all())
    for n, unit in enumerate(units):
        if unit.id not in have:
            create_account(session, login=f"u{n:03d}", unit=unit.name, password=PASSWORD, actor="测试")
    return units


def _forms(session: Session, cycle: Cycle, folder: Path, units: list[Unit]) -> tuple[list[bytes], list[str]]:
    """Each unit's filled form (too many points in WRONG_FORM's), and a criterion of its category."""
    write_self_check_forms(session, year=2025, out_dir=folder)
    lines = regular_criteria(session, cycle.id)  # type: ignore[arg-type]
    forms = []
    for n, unit in enumerate(units):
        path = form_path(folder, 2025, unit.name)
        points = {line.ref: line.points for line in lines[unit.category]}
        if n in WRONG_FORM:
            points[lines[unit.category][1].ref] += Decimal("5")  # more than the criterion's points
        fill_self_check_form(path, points)
        forms.append(path.read_bytes())
    return forms, [lines[unit.category][0].ref for unit in units]


def _browser(served: "Served | WorkerProcesses", session: Session, unit: Unit) -> tuple[httpx.Client, str]:
    login = session.exec(select(Account.login).where(Account.unit_id == unit.id)).one()
    browser = served.browser(**{"X-Forwarded-For": f"10.4.{unit.id}.1"})
    token = csrf_of(browser.get("/login").text)
    assert browser.post("/login", data={"username": login, "password": PASSWORD, "csrf_token": token}).status_code == 303
    return browser, csrf_of(browser.get("/password").text)


def _send_all(served: "Served | WorkerProcesses", jobs: list[tuple[httpx.Client, str, dict[str, str], tuple[str, bytes, str]]]
              ) -> tuple[list[httpx.Response], int]:
    """Every job at the same moment; the answers, and how often the login page answered meanwhile."""
    start = threading.Barrier(len(jobs) + 1)
    answers: list[httpx.Response] = []
    done = threading.Event()
    login_answers = [0]

    def send(browser: httpx.Client, path: str, data: dict[str, str], file: tuple[str, bytes, str]) -> None:
        start.wait()
        answers.append(browser.post(path, data=data, files={"file": file}))

    def watch() -> None:
        with served.browser() as watcher:
            while not done.is_set():
                login_answers[0] += watcher.get("/login").status_code == 200

    threads = [threading.Thread(target=send, args=job) for job in jobs]
    for thread in threads:
        thread.start()
    watcher = threading.Thread(target=watch)
    watcher.start()
    start.wait()
    for thread in threads:
        thread.join()
    done.set()
    watcher.join()
    return answers, login_answers[0]


class WorkerProcesses:
    """`zwgk web --workers N` in processes of its own, reached as ``Served`` is."""

    def __init__(self, url: str) -> None:
        self.url = url

    def browser(self, **headers: str) -> Browser:
        return Browser(base_url=self.url, follow_redirects=False, timeout=120, headers=headers)


def test_a_burst_of_uploads_keeps_each_exactly_once(served: Served, workbench: Session, tmp_path: Path) -> None:
    _burst_keeps_each_upload_once(served, workbench, tmp_path)


def _cpu_seconds(pid: int) -> float:
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def test_worker_processes_share_the_burst_and_keep_each_upload_once(workbench: Session, tmp_path: Path) -> None:
    """Sessions, the throttle, the locks and the exactly-once rule hold across the workbench's
    processes: the burst is answered by both, each from the database they share."""
    url = workbench.get_bind().url.render_as_string(hide_password=False)
    with serve_process(tmp_path, url, "--today", "2026-01-08", "--workers", "2") as (server, base):
        children = [int(child) for task in Path(f"/proc/{server.pid}/task").glob("*/children")
                    for child in task.read_text().split()]
        # uvicorn's worker processes (multiprocessing also starts a resource tracker)
        workers = [pid for pid in children if b"spawn_main" in Path(f"/proc/{pid}/cmdline").read_bytes()]
        assert len(workers) == 2, [Path(f"/proc/{pid}/cmdline").read_bytes() for pid in children]
        before = [_cpu_seconds(pid) for pid in workers]
        _burst_keeps_each_upload_once(WorkerProcesses(base), workbench, tmp_path)
        worked = [_cpu_seconds(pid) - was for pid, was in zip(workers, before, strict=True)]
    assert min(worked) > 0.2, worked  # each process answered part of the burst


def _burst_keeps_each_upload_once(served: Served | WorkerProcesses, workbench: Session, tmp_path: Path) -> None:
    cycle = workbench.exec(select(Cycle)).one()
    open_self_check(workbench, cycle)
    units = _units_with_accounts(workbench)
    forms, criteria = _forms(workbench, cycle, tmp_path / "forms", units)
    browsers = [_browser(served, workbench, unit) for unit in units]
    jobs = []
    for n, (unit, form, (browser, token)) in enumerate(zip(units, forms, browsers, strict=True)):
        sent_form = (f"{unit.name}.xlsx", form, "application/octet-stream")
        jobs += [(browser, f"/units/{unit.id}/self-check", {"csrf_token": token}, sent_form)] * (2 if n in TWICE else 1)
        evidence = ("程序.pdf", b"MZ\x90\x00 a program", "application/pdf") if n in WRONG_TYPE else \
            ("佐证.pdf", PDF + str(n).encode(), "application/pdf")
        jobs.append((browser, f"/units/{unit.id}/evidence", {"csrf_token": token, "criterion": criteria[n]}, evidence))
    answers, login_answers = _send_all(served, jobs)

    assert Counter(a.status_code for a in answers) == {303: len(jobs) - len(WRONG_FORM) - len(WRONG_TYPE),
                                                       422: len(WRONG_FORM) + len(WRONG_TYPE)}
    assert login_answers > 0
    workbench.expire_all()
    kept = Counter((u.unit_id, u.kind) for u in workbench.exec(select(Upload)).all())
    good = [u.id for n, u in enumerate(units) if n not in WRONG_FORM]
    assert kept == Counter({**{(uid, UploadKind.SELF_CHECK_FORM): 1 for uid in good},
                            **{(u.id, UploadKind.EVIDENCE): 1 for n, u in enumerate(units) if n not in WRONG_TYPE}})
    status = dict(workbench.exec(select(Assessment.unit_id, Assessment.self_check_status)).all())
    assert {uid for uid, s in status.items() if s is SelfCheckStatus.RECEIVED} == set(good)  # no upload without import
    actions = Counter(workbench.exec(select(AuditEntry.action)).all())
    assert actions["upload.self_check_form"] == actions["self_check.import"] == len(good)
    assert actions["upload.evidence"] == len(units) - len(WRONG_TYPE)
    stored = {Path(u.path).name for u in workbench.exec(select(Upload)).all()}
    uploads = get_settings().out_dir / "uploads"
    assert {p.name for p in uploads.rglob("*") if p.is_file()} == stored  # nothing refused left behind
    assert verify_trail(workbench) is None

    # The same forms sent again (a retry after a timeout): recognised, nothing new kept.
    again, _ = _send_all(served, [(browser, f"/units/{unit.id}/self-check", {"csrf_token": token},
                                   (f"{unit.name}.xlsx", form, "application/octet-stream"))
                                  for n, (unit, form, (browser, token)) in enumerate(zip(units, forms, browsers,
                                                                                         strict=True))
                                  if n not in WRONG_FORM])
    assert {a.headers["location"].split("?")[1] for a in again} == {"done=repeat"}
    assert workbench.exec(select(func.count()).select_from(Upload)).one() == sum(kept.values())
    for browser, _token in browsers:
        browser.close()


def test_the_guard_fails_a_test_whose_async_code_touches_the_database(workbench: Session) -> None:
    def read() -> int:
        with Session(get_engine()) as session:
            return len(session.exec(select(Unit)).all())

    async def async_dependency() -> int:
        return read()  # on the event loop: what the guard is for

    app = FastAPI()

    @app.get("/loop")
    async def on_the_loop() -> dict[str, int]:
        return {"units": read()}

    @app.get("/dependency")
    async def through_a_dependency(units: int = Depends(async_dependency)) -> dict[str, int]:
        return {"units": units}

    @app.get("/thread")
    async def in_a_thread() -> dict[str, int]:
        return {"units": await run_in_threadpool(read)}

    server = Served(app)
    try:
        with server.browser() as browser:
            assert browser.get("/thread").status_code == 200 and not LOOP_CHECKOUTS
        for path in ("/loop", "/dependency"):
            with server.browser() as browser:  # a new connection: the server closes one after an error
                assert browser.get(path).status_code == 500
            assert LOOP_CHECKOUTS, path
            LOOP_CHECKOUTS.clear()  # caught: this test's own request, not a defect
    finally:
        server.close()

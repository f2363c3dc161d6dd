"""Benchmark: a deadline-day burst on the workbench. N units, each logged in under its own
account, send their filled self-check form and a file of evidence in the same second (2N
uploads over real HTTP to `zwgk web` on loopback), then send the same form again (a retry);
meanwhile the login page is asked for every 100 ms.

Usage: ``python bench/burst.py [--units 200] [--evidence-kb 1024] [--db URL]``. Progress on
stderr, one JSON object on stdout (see bench/README.md). Without ``--db`` a SQLite file in a
temporary folder; a given database must be empty. Accounts use argon2's cheapest cost
(ZWGK_PASSWORD_HASH=fast): the logins happen before the burst, which measures the uploads.
"""

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request
from decimal import Decimal
from pathlib import Path
from typing import Any

import httpx

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))
YEAR = 2025
PASSWORD = "burst-bench-pass-1"
PDF_HEAD = b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n"


def log(text: str) -> None:
    """Progress on stderr (stdout carries the JSON alone)."""
    print(text, file=sys.stderr, flush=True)


def build(db: str, units: int, inbox: Path) -> dict[str, tuple[int, Path]]:
    """The district, its cycle in the self-check stage, one account per unit and each unit's
    filled form; login → (unit id, form)."""
    from sqlmodel import Session, select

    from models.cycle import get_cycle, transition
    from models.stages import Stage
    from models.units import Category, Member, Unit
    from zwgk.adapters.db import get_engine, init_schema
    from zwgk.cycle.steps import start_cycle
    from zwgk.demo.filler import fill_self_check_form
    from zwgk.intake.forms import regular_criteria
    from zwgk.intake.self_check import form_path, write_self_check_forms
    from zwgk.setup.accounts import create_account
    from zwgk.setup.units import upsert_units

    engine = get_engine(db)
    init_schema(engine)
    with Session(engine, expire_on_commit=False) as session:
        townships = units // 3
        upsert_units(session, [Unit(name=f"合成乡镇{i:04d}" if i < townships else f"合成部门{i - townships:04d}",
                                    category=Category.TOWNSHIP if i < townships else Category.DEPARTMENT)
                               for i in range(units)])
        # One more unit that never sends: the cycle keeps waiting, so no run carries it on in the
        # middle of the measure (the last form would start it in the background).
        upsert_units(session, [Unit(name="合成部门（未报送）", category=Category.DEPARTMENT)])
        session.add_all([Member(name="基准组长", from_unit="区人民政府", leading_group_role="组长"),
                         Member(name="基准办公室", from_unit="区政府办", office_staff=True),
                         Member(name="基准考核员", from_unit="区司法局", assessor=True)])
        session.commit()
        cycle = start_cycle(session=session, year=YEAR, actor="基准")
        for stage in (Stage.SCHEME_APPROVED, Stage.SELF_CHECK):
            transition(session=session, cycle_id=cycle.id, to=stage, actor="基准")  # type: ignore[arg-type]
        write_self_check_forms(session, year=YEAR, out_dir=inbox)
        lines = regular_criteria(session, get_cycle(session, YEAR).id)  # type: ignore[arg-type]
        accounts = {}
        for n, unit in enumerate(session.exec(select(Unit).where(Unit.name != "合成部门（未报送）")
                                              .order_by(Unit.id)).all()):
            login = f"unit{n:04d}"
            create_account(session, login=login, unit=unit.name, password=PASSWORD, actor="基准")
            form = form_path(inbox, YEAR, unit.name)
            fill_self_check_form(form, {line.ref: line.points - (Decimal("0.5") if n % 7 == 0 else 0)
                                        for line in lines[unit.category]})
            accounts[login] = (unit.id, form)
    engine.dispose()
    return accounts  # type: ignore[return-value]


def serve(db: str, folder: Path, workers: int) -> tuple[subprocess.Popen[bytes], str]:
    """`zwgk web --workers N` on a free loopback port, once it answers."""
    import socket

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    env = dict(os.environ, ZWGK_OUT_DIR=str(folder / "out"), ZWGK_PASSWORD_HASH="fast",
               ZWGK_AUDIT_WITNESS=str(folder / "witness.jsonl"), PREFECT_HOME=str(folder / "prefect"),
               PREFECT_SERVER_ANALYTICS_ENABLED="false")
    server = subprocess.Popen([sys.executable, "-c", "from zwgk.cli.app import main; main()", "web", "--port", str(port), "--db", db,
                               "--today", "2026-01-08", "--workers", str(workers)], env=env, cwd=REPO,
                              stdout=(folder / "web.log").open("wb"), stderr=subprocess.STDOUT)
    base = f"http://127.0.0.1:{port}"
    for _ in range(600):
        try:
            urllib.request.urlopen(f"{base}/login", timeout=2).close()
            return server, base
        except OSError:
            time.sleep(0.2)
    server.kill()
    raise SystemExit((folder / "web.log").read_text()[-2000:])


def _token(page: str) -> str:
    return page.split('name="csrf_token" value="')[1].split('"')[0]


def log_in(base: str, login: str) -> tuple[httpx.Client, str]:
    """A logged-in browser of ``login`` and its session's form token."""
    # A connection idle since the login is not reused: the server may be closing it just then.
    client = httpx.Client(base_url=base, timeout=120, limits=httpx.Limits(keepalive_expiry=1), headers={"X-Forwarded-For": f"10.9.{hash(login) % 250}.1"})
    answer = client.post("/login", data={"username": login, "password": PASSWORD,
                                         "csrf_token": _token(client.get("/login").text)})
    assert answer.status_code == 303, answer.text[-500:]
    return client, _token(client.get("/password").text)  # a new session has a new token


def multipart(fields: dict[str, str], name: str, content: bytes, media_type: str) -> tuple[str, bytes]:
    """A form with one file, encoded beforehand (the content type and the body), so that the
    burst measures the workbench, not this process encoding 200 MB on the same processors."""
    boundary = "zwgk-burst-boundary-7f3a"
    parts = [f'--{boundary}\r\nContent-Disposition: form-data; name="{key}"\r\n\r\n{value}\r\n'.encode()
             for key, value in fields.items()]
    parts.append(f'--{boundary}\r\nContent-Disposition: form-data; name="file"; filename="{name}"\r\n'
                 f"Content-Type: {media_type}\r\n\r\n".encode() + content + b"\r\n")
    return f"multipart/form-data; boundary={boundary}", b"".join(parts) + f"--{boundary}--\r\n".encode()


def burst(base: str, sessions: dict[str, tuple[httpx.Client, str, int, Path]], evidence: bytes,
          with_evidence: bool) -> tuple[list[float], list[str], list[float]]:
    """Every unit's form (and evidence) at once; latencies, errors, and /login latencies meanwhile."""
    jobs = []
    for login, (client, token, unit, form) in sessions.items():
        jobs.append((client, f"/units/{unit}/self-check",
                     multipart({"csrf_token": token, "year": str(YEAR)}, "form.xlsx", form.read_bytes(),
                               "application/octet-stream"),
                     login))
        if with_evidence:
            criterion = "T001" if "乡镇" in form.name else "D001"
            jobs.append((client, f"/units/{unit}/evidence",
                         multipart({"csrf_token": token, "criterion": criterion, "year": str(YEAR)},
                                   "evidence.pdf", evidence, "application/pdf"), login))
    start = threading.Barrier(len(jobs) + 1)
    latencies: list[float] = []
    errors: list[str] = []
    stop = threading.Event()
    login_latencies: list[float] = []

    def send(client: httpx.Client, path: str, form: tuple[str, bytes], login: str) -> None:
        start.wait()
        began = time.perf_counter()
        try:
            answer = client.post(path, content=form[1], headers={"Content-Type": form[0]})
            if answer.status_code != 303:
                errors.append(f"{login} {path}: {answer.status_code} {answer.text[-200:]}")
        except httpx.HTTPError as exc:
            errors.append(f"{login} {path}: {type(exc).__name__} {exc}")
        latencies.append(time.perf_counter() - began)

    def watch_login() -> None:
        with httpx.Client(base_url=base, timeout=120) as watcher:
            while not stop.is_set():
                began = time.perf_counter()
                watcher.get("/login")
                login_latencies.append(time.perf_counter() - began)
                time.sleep(0.1)

    # The clients of one unit share a connection pool; each job sends from a thread of its own.
    threads = [threading.Thread(target=send, args=job) for job in jobs]
    for thread in threads:
        thread.start()
    watcher = threading.Thread(target=watch_login)
    watcher.start()
    start.wait()
    for thread in threads:
        thread.join()
    stop.set()
    watcher.join()
    return latencies, errors, login_latencies


def check(db: str, units: int, with_evidence: bool) -> dict[str, Any]:
    """What the database holds after the bursts: every upload exactly once, every form imported."""
    from sqlalchemy import func
    from sqlmodel import Session, select

    from models.assessment import Assessment, SelfCheckStatus
    from models.uploads import Upload, UploadKind
    from zwgk.adapters.db import get_engine

    with Session(get_engine(db)) as session:
        counts = dict(session.exec(select(Upload.kind, func.count()).group_by(Upload.kind)).all())
        received = session.exec(select(func.count()).select_from(Assessment).where(
            Assessment.self_check_status == SelfCheckStatus.RECEIVED)).one()
    return {"forms_kept": counts.get(UploadKind.SELF_CHECK_FORM, 0), "evidence_kept": counts.get(UploadKind.EVIDENCE, 0),
            "forms_imported": received, "exactly_once": counts.get(UploadKind.SELF_CHECK_FORM, 0) == units == received
            and counts.get(UploadKind.EVIDENCE, 0) == (units if with_evidence else 0)}


def figures(latencies: list[float]) -> dict[str, float]:
    ordered = sorted(latencies)
    return {"median_s": round(statistics.median(ordered), 3),
            "p95_s": round(ordered[max(0, int(len(ordered) * 0.95) - 1)], 3), "worst_s": round(ordered[-1], 3)}


def tree(pid: int) -> list[int]:
    """The process and its descendants (the workbench's worker processes)."""
    found, pending = [], [pid]
    while pending:
        current = pending.pop()
        found.append(current)
        for task in Path(f"/proc/{current}/task").glob("*/children"):
            pending += [int(child) for child in task.read_text().split()]
    return found


def cpu_seconds(pid: int) -> float:
    """User and system processor time the process and its descendants have used so far."""
    total = 0
    for member in tree(pid):
        fields = Path(f"/proc/{member}/stat").read_text().rsplit(")", 1)[1].split()
        total += int(fields[11]) + int(fields[12])
    return total / os.sysconf("SC_CLK_TCK")


def peak_rss_mb(pid: int) -> float:
    """The largest peak resident memory (VmHWM) among the process and its descendants."""
    def peak(member: int) -> int:
        status = Path(f"/proc/{member}/status").read_text()
        return int(next(line.split()[1] for line in status.splitlines() if line.startswith("VmHWM")))
    return round(max(peak(member) for member in tree(pid)) / 1024, 1)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--units", type=int, default=200)
    parser.add_argument("--evidence-kb", type=int, default=1024)
    parser.add_argument("--db", help="an empty database (default: SQLite in a temporary folder)")
    parser.add_argument("--workers", type=int, default=min(4, os.cpu_count() or 1),
                        help="the workbench's processes (default: one per processor, at most 4)")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="zwgk-burst-") as temp:
        folder = Path(temp)
        db = args.db or f"sqlite:///{folder / 'zwgk.db'}"
        os.environ.update(ZWGK_OUT_DIR=str(folder / "out"), ZWGK_PASSWORD_HASH="fast",
                          ZWGK_AUDIT_WITNESS=str(folder / "witness.jsonl"))
        log(f"setting up {args.units} units on {db.split(':')[0]} …")
        accounts = build(db, args.units, folder / "forms")
        server, base = serve(db, folder, args.workers)
        try:
            log("logging every unit in …")
            sessions = {}
            for login, (unit, form) in accounts.items():
                client, token = log_in(base, login)
                sessions[login] = (client, token, unit, form)
            evidence = PDF_HEAD + os.urandom(args.evidence_kb * 1024) + b"\n%%EOF\n"
            log(f"burst: {2 * args.units} uploads at once …")
            cpu_before, wall_before = cpu_seconds(server.pid), time.perf_counter()
            latencies, errors, logins = burst(base, sessions, evidence, with_evidence=True)
            server_cpu = cpu_seconds(server.pid) - cpu_before
            wall = time.perf_counter() - wall_before
            log("the same forms again …")
            again, again_errors, _ = burst(base, sessions, evidence, with_evidence=False)
            result = {"database": db.split(":")[0], "workers": args.workers, "units": args.units, "uploads": len(latencies),
                      "evidence_kb": args.evidence_kb, **figures(latencies), "errors": len(errors),
                      "first_errors": errors[:5], "login_page_worst_s": round(max(logins), 3),
                      "login_page_asked": len(logins), "burst_wall_s": round(wall, 2),
                      "server_cpu_s": round(server_cpu, 2), "repeat": {**figures(again), "errors": len(again_errors)},
                      "peak_rss_mb": peak_rss_mb(server.pid), **check(db, args.units, with_evidence=True)}
            for client, *_ in sessions.values():
                client.close()
            if errors or again_errors:
                log("the workbench's log ends:\n" + (folder / "web.log").read_text()[-4000:])
        finally:
            server.terminate()
            server.wait(timeout=60)
    print(json.dumps(result, ensure_ascii=False))


if __name__ == "__main__":
    main()

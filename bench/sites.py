"""Benchmark: one website check round over N units of 10 registered pages each, on loopback.

Usage: ``python bench/sites.py --units 25 --units 100 [--pages 10] [--items 15]``. A child process
serves one healthy government site per unit (tests/integration/sites_server.py), each on its own
loopback port, so each unit is a host of its own as the monitor sees it; every list shows
``--items`` entries. For each size, a fresh process registers the units' pages
(``zwgk sites import``'s function), runs ``rounds.run_check`` once with the shipped settings
(politeness pause, hosts side by side, link sample) and reports its wall time, the requests the
sites answered, and its resident memory sampled every 0.1 s: ``rss_start_mb`` once the
registration is done, ``rss_peak_mb`` the highest during the round. Memory is flat when the
peak does not grow with the number of units. One JSON object on stdout (see bench/README.md).
"""

import argparse
import json
import multiprocessing
import os
import resource
import subprocess
import sys
import tempfile
import threading
import time
from datetime import date
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))  # the loopback sites of the tests

TODAY = date(2026, 11, 25)
# Beyond government_site's seven columns: 栏目名称, 栏目类型, its path, and the list it copies.
EXTRA_COLUMNS = (("部门动态", "动态要闻", "/bmdt/", "/news/"), ("镇村动态", "动态要闻", "/zcdt/", "/news/"),
                 ("人事信息", "信息公开", "/rsxx/", "/xxgk/"))


def log(text: str) -> None:
    """Progress on stderr (stdout carries the JSON alone)."""
    print(text, file=sys.stderr, flush=True)


def serve(units: int, items: int, ready: Any, stop: Any) -> None:
    """Serve ``units`` healthy sites until ``stop`` is set; put their ports and request counts in ``ready``."""
    from tests.integration.sites_server import Site, government_site

    pages = government_site(TODAY, items=items)
    for _, _, path, copied in EXTRA_COLUMNS:
        pages[path] = pages[copied]
    served = [Site(pages).start() for _ in range(units)]
    ready.put([site.port for site in served])
    stop.wait()
    ready.put(sum(len(site.requests) for site in served))
    for site in served:
        site.stop()


def rows(ports: list[int], pages: int) -> list[tuple[str, str, str, str]]:
    """The register rows: ``pages`` pages of each unit's site."""
    from tests.integration.sites_server import COLUMNS

    columns = list(COLUMNS) + [(name, kind, path) for name, kind, path, _ in EXTRA_COLUMNS]
    return [(f"合成单位{i:04d}", name, kind, f"http://127.0.0.1:{port}{path}")
            for i, port in enumerate(ports, start=1) for name, kind, path in columns[:pages]]


def rss_mb() -> float:
    """This process's resident memory now."""
    with open("/proc/self/statm") as statm:
        return int(statm.read().split()[1]) * os.sysconf("SC_PAGE_SIZE") / 1048576


def check(units: int, pages: int, ports: list[int], folder: Path) -> dict[str, Any]:
    """Register and check (run in a fresh process, so each size starts from the same memory)."""
    from sqlmodel import Session

    from models.units import Unit
    from tests.integration.sites_server import register_csv
    from zwgk.adapters.db import get_engine, init_schema
    from zwgk.core.permissions import Actor
    from zwgk.core.settings import get_settings
    from zwgk.setup.units import upsert_units
    from zwgk.sites.findings import list_findings
    from zwgk.sites.registry import import_pages

    engine = get_engine(f"sqlite:///{folder / 'sites.db'}")
    init_schema(engine)
    with Session(engine, expire_on_commit=False) as session:
        upsert_units(session, [Unit(name=f"合成单位{i:04d}", category="township" if i % 3 else "department")
                               for i in range(1, units + 1)])
        register = folder / "pages.csv"
        register.write_text(register_csv(rows(ports[:units], pages)), encoding="utf-8")
        import_pages(session, register, actor=Actor("基准", office=True), day=TODAY)
        from zwgk.sites.rounds import run_check

        start_rss, peak, done = rss_mb(), [0.0], threading.Event()

        def sample() -> None:
            while not done.wait(0.1):
                peak[0] = max(peak[0], rss_mb())

        sampler = threading.Thread(target=sample, daemon=True)
        sampler.start()
        started = time.perf_counter()
        report = run_check(session, day=TODAY)
        wall = time.perf_counter() - started
        done.set()
        sampler.join()
        settings = get_settings()
        return {"units": units, "pages": pages, "registered_pages": units * pages, "wall_s": round(wall, 2),
                "pages_read": report.pages, "failed": len(report.failed), "findings": len(list_findings(session)),
                "rss_start_mb": round(start_rss, 1), "rss_peak_mb": round(max(peak[0], rss_mb()), 1),
                "ru_maxrss_mb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1),
                "settings": {k: getattr(settings, k) for k in ("site_pause_s", "site_parallel", "site_timeout_s",
                                                               "site_max_links", "site_max_items", "site_max_pages")}}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--units", type=int, action="append", help="units per run (repeatable; default 25 and 100)")
    parser.add_argument("--pages", type=int, default=10, help="registered pages per unit (at most 10)")
    parser.add_argument("--items", type=int, default=15, help="entries in every list")
    parser.add_argument("--child", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:  # one size, in a process of its own
        units, pages, folder, ports = json.loads(args.child)
        print(json.dumps(check(units, pages, ports, Path(folder))))
        return
    sizes = args.units or [25, 100]
    ready, stop = multiprocessing.Queue(), multiprocessing.Event()
    server = multiprocessing.Process(target=serve, args=(max(sizes), args.items, ready, stop), daemon=True)
    server.start()
    ports = ready.get(timeout=120)
    log(f"{len(ports)} sites served on loopback")
    runs = []
    with tempfile.TemporaryDirectory(prefix="zwgk-sites-") as temp:
        for units in sizes:
            folder = Path(temp) / f"run-{units}"
            folder.mkdir()
            env = dict(os.environ, ZWGK_OUT_DIR=str(folder / "out"))
            done = subprocess.run([sys.executable, __file__, "--child",
                                   json.dumps([units, min(args.pages, 10), str(folder), ports])],
                                  capture_output=True, text=True, env=env, timeout=1800, check=False)
            if done.returncode != 0:
                raise SystemExit(done.stderr[-3000:])
            runs.append(json.loads(done.stdout.strip().splitlines()[-1]))
            log(f"{units} units: {runs[-1]['wall_s']} s, peak {runs[-1]['rss_peak_mb']} MB")
    stop.set()
    requests = ready.get(timeout=60)
    server.join(timeout=30)
    print(json.dumps({"day": TODAY.isoformat(), "runs": runs, "requests_answered": requests,
                      "cpus": os.cpu_count(), "load_average": os.getloadavg()[0]}, ensure_ascii=False, indent=2))


if __name__ == "__main__":
    main()

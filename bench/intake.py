"""Benchmark: peak memory of one self-check import, for batches of different sizes.

Usage: ``python bench/intake.py --files 100 --files 10000``. For each size a synthetic district
of that many units gets its forms written; the first form of each category is filled (as in
bench/cycle.py) and its filled sheet copied into the other forms of the category (the sheet
holds no unit's name: that is in the shared strings and the identification sheet), which keeps
preparing 10,000 forms quick. Then a fresh process imports the whole batch through
``selfcheck.import_self_checks`` and reports its own peak resident memory, so nothing of the
preparation counts. One JSON object on stdout (see bench/README.md).
"""

import argparse
import json
import resource
import subprocess
import sys
import tempfile
import time
from datetime import date
from pathlib import Path
from typing import Any
from zipfile import ZIP_DEFLATED, ZipFile

from cycle import YEAR, build_district, log


def prepare(units: int, folder: Path) -> str:
    """A database with ``units`` units, their 2025 cycle, and every form filled in ``folder``."""
    from sqlmodel import Session, select

    from models.units import Unit
    from zwgk.adapters.db import get_engine, init_schema
    from zwgk.cycle.steps import start_cycle
    from zwgk.demo.filler import fill_self_check_form
    from zwgk.intake.forms import regular_criteria
    from zwgk.intake.self_check import form_path, write_self_check_forms

    url = f"sqlite:///{folder / 'intake.db'}"
    engine = get_engine(url)
    init_schema(engine)
    inbox = folder / "inbox"
    with Session(engine, expire_on_commit=False) as session:
        build_district(session, units)
        cycle = start_cycle(session=session, year=YEAR, actor="基准")
        assert cycle.id is not None
        write_self_check_forms(session, year=YEAR, out_dir=inbox)
        lines = regular_criteria(session, cycle.id)
        filled: dict[object, bytes] = {}
        for unit in session.exec(select(Unit).order_by(Unit.id)).all():  # type: ignore[arg-type]
            path = form_path(inbox, YEAR, unit.name)
            if unit.category not in filled:
                fill_self_check_form(path, {line.ref: line.points for line in lines[unit.category]})
                with ZipFile(path) as archive:
                    filled[unit.category] = archive.read(SHEET_PART)
            else:
                _replace_part(path, SHEET_PART, filled[unit.category])
    return url


SHEET_PART = "xl/worksheets/sheet1.xml"  # the form's only visible sheet, as xlsxwriter names it


def _replace_part(path: Path, name: str, data: bytes) -> None:
    """Rewrite the .xlsx at ``path`` with its part ``name`` replaced by ``data``."""
    with ZipFile(path) as source:
        parts = {part: source.read(part) for part in source.namelist()}
    parts[name] = data
    with ZipFile(path, "w", ZIP_DEFLATED) as target:
        for part, content in parts.items():
            target.writestr(part, content)


def import_batch(url: str, inbox: Path) -> dict[str, Any]:
    """Import every form of ``inbox`` in one batch (run in a fresh process); time and peak."""
    from sqlmodel import Session

    from zwgk.adapters.db import get_engine
    from zwgk.intake.self_check import import_self_checks

    files = sorted(inbox.glob("*.xlsx"))
    begin = time.perf_counter()
    with Session(get_engine(url), expire_on_commit=False) as session:
        report = import_self_checks(session, year=YEAR, files=files, received_on=date(2026, 1, 16))
    assert report.ok and len(report.stored) == len(files), report.problems[:3]
    return {"files": len(files), "import_s": round(time.perf_counter() - begin, 2),
            "peak_rss_mb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1)}


def measure(units: int) -> dict[str, Any]:
    """Prepare a batch of ``units`` forms, then import it in a child process."""
    with tempfile.TemporaryDirectory(prefix="zwgk-intake-") as temp:
        folder = Path(temp)
        begin = time.perf_counter()
        url = prepare(units, folder)
        log(f"  {units} forms written and filled in {time.perf_counter() - begin:.1f} s")
        child = subprocess.run([sys.executable, __file__, "--child", url, str(folder / "inbox")],
                               capture_output=True, text=True, check=True)
        result = json.loads(child.stdout)
        log(f"  imported in {result['import_s']} s, peak {result['peak_rss_mb']} MB")
        return result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--files", type=int, action="append", help="batch size (repeat for several)")
    parser.add_argument("--child", nargs=2, metavar=("URL", "INBOX"), help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        print(json.dumps(import_batch(args.child[0], Path(args.child[1]))))
        return
    sizes = sorted(args.files or [100, 10000])
    runs = [measure(n) for n in sizes]
    print(json.dumps({"runs": runs, "peak_ratio": round(runs[-1]["peak_rss_mb"] / runs[0]["peak_rss_mb"], 2)},
                     indent=2))


if __name__ == "__main__":
    main()

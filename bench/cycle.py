"""Benchmark: a whole annual cycle for a synthetic district of N units, in embedded mode.

Usage: ``python bench/cycle.py --units 1000 [--db URL] [--out DIR]``. Progress goes to stderr,
one JSON object to stdout (see bench/README.md for what every figure means).

The district is synthetic (合成乡镇0001 …, 合成部门0001 …; one township to two departments).
Scripted behaviour, deterministic by unit position: every unit fills its self-check form
(its cells written into the .xlsx, as a unit would) and the office imports it through the
real import; every 25th unit sends it late and every 100th never; the office has daily records on every 40th unit;
the group fills its score workbook and the office imports it; every unit with problems sends
its rectification plan and report, every 30th only after the sweep has reminded it.
"""

import argparse
import json
import os
import resource
import sys
import tempfile
import time
import zlib
from collections import defaultdict
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager, redirect_stdout
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import Any

YEAR = 2025
START = date(2026, 1, 5)
SCHEME_ON = date(2026, 1, 7)
ON_TIME = date(2026, 1, 16)
LATE_SWEEP_ON = date(2026, 1, 21)
LATE_ON = date(2026, 1, 22)
SCORES_ON = date(2026, 2, 5)
REVIEW_ON = date(2026, 2, 9)
APPROVE_ON = date(2026, 2, 10)
PLANS_ON = date(2026, 2, 27)
LATE_PLAN_SWEEP_ON = date(2026, 3, 5)
REPORTS_ON = date(2026, 3, 20)
LEADER, OFFICE_HEAD, ASSESSOR = "基准组长", "基准办公室主任", "基准考核员0"
# The per-unit notice whose cost is compared with the rendering floor.
NOTICE = "问题反馈及整改通知书.docx"


def log(text: str) -> None:
    """Progress on stderr (stdout carries the JSON alone)."""
    print(text, file=sys.stderr, flush=True)


def peak_rss_mb() -> float:
    """Peak resident memory of this process and its children, in MB (Linux reports KiB)."""
    own = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    children = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    return round((own + children) / 1024, 1)


@dataclass
class Recorder:
    """Wraps the register's render call: per-template time, and every context kept compressed
    (so that the same documents can be rendered again in a plain loop without holding them)."""

    render_s: dict[str, float] = field(default_factory=lambda: defaultdict(float))
    count: dict[str, int] = field(default_factory=lambda: defaultdict(int))
    contexts: list[tuple[str, type, bytes]] = field(default_factory=list)

    def wrap(self, render: Callable[..., bytes]) -> Callable[..., bytes]:
        def recorded(template: str, context: Any, templates_dir: Path | None = None) -> bytes:
            begin = time.perf_counter()
            data = render(template, context, templates_dir)
            self.render_s[template] += time.perf_counter() - begin
            self.count[template] += 1
            self.contexts.append((template, type(context),
                                  zlib.compress(context.model_dump_json().encode("utf-8"))))
            return data
        return recorded


@dataclass
class Timer:
    """Seconds per stage of the script, and the total spent inside flow runs and sweeps."""

    stages: dict[str, float] = field(default_factory=dict)
    issue_s: dict[str, float] = field(default_factory=lambda: defaultdict(float))
    people_s: float = 0.0

    @contextmanager
    def stage(self, name: str) -> Iterator[None]:
        begin = time.perf_counter()
        yield
        self.stages[name] = round(self.stages.get(name, 0.0) + time.perf_counter() - begin, 3)
        log(f"  {name}: {self.stages[name]:.1f} s, peak {peak_rss_mb():.0f} MB")

    def people(self, fill: Callable[..., None]) -> Callable[..., None]:
        """Time a scripted person's filling of a form or workbook (not the system's work)."""
        def timed(*args: Any) -> None:
            begin = time.perf_counter()
            fill(*args)
            self.people_s += time.perf_counter() - begin
        return timed

    def wrap(self, name: str, issue: Callable[..., list[Any]]) -> Callable[..., list[Any]]:
        """Time one per-unit issuing function (register, number, render, save) inside the flow."""
        def timed(**kwargs: Any) -> list[Any]:
            begin = time.perf_counter()
            docs = issue(**kwargs)
            self.issue_s[name] += time.perf_counter() - begin
            return docs
        return timed


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--units", type=int, default=1000)
    parser.add_argument("--db", help="SQLAlchemy URL (default: a SQLite file in a temp folder)")
    parser.add_argument("--out", type=Path, help="output folder (default: a temp folder)")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="zwgk-bench-") as temp:
        out = (args.out or Path(temp) / "out").resolve()
        out.mkdir(parents=True, exist_ok=True)
        db = args.db or f"sqlite:///{Path(temp) / 'bench.db'}"
        # Before zwgk reads its settings: the flows' tasks open sessions on this database.
        os.environ["ZWGK_DATABASE_URL"] = db
        os.environ["ZWGK_OUT_DIR"] = str(out)
        # The cycle's work is measured by wrapping functions in this process: its runs stay here.
        os.environ["ZWGK_WARM_RUNNER"] = "false"
        with redirect_stdout(sys.stderr):
            result = run(args.units, db, out, Path(temp))
    print(json.dumps(result, ensure_ascii=False, indent=2))


def run(units: int, db: str, out: Path, temp: Path) -> dict[str, Any]:
    """Build the district, run the scripted cycle, measure; the JSON result."""
    from zwgk.documents import register
    from zwgk.documents.issue import rectification as rectification_documents

    recorder, timer = Recorder(), Timer()
    register.render_docx = recorder.wrap(register.render_docx)  # type: ignore[assignment]
    rectification_documents.issue_rectification_notices = timer.wrap(  # type: ignore[assignment]
        NOTICE, rectification_documents.issue_rectification_notices)
    log(f"zwgk bench: {units} units, db {db.split('@')[-1]}, out {out}")
    begin = time.perf_counter()
    stage = cycle_script(units, db, out, temp, timer)
    wall = time.perf_counter() - begin
    notices = recorder.count[NOTICE]
    per_document_ms = timer.issue_s[NOTICE] * 1000 / notices
    floor_ms = floor(recorder)
    plain_s = plain_loop(recorder, temp / "plain")
    workbooks_s = workbooks_floor(db, temp / "plain")
    documents = sum(recorder.count.values())
    system = wall - timer.people_s
    return {
        "units": units,
        "documents": documents,
        "final_stage": stage,
        "wall_s": round(wall, 2),
        "people_s": round(timer.people_s, 2),
        "system_s": round(system, 2),
        "floor_s": round(plain_s + workbooks_s, 2),
        "overhead": round(system / (plain_s + workbooks_s), 2),
        "flow_s": round(sum(timer.stages[s] for s in FLOW_STAGES), 2),
        "peak_rss_mb": peak_rss_mb(),
        "per_document_ms": round(per_document_ms, 2),
        "per_document_template": NOTICE,
        "per_document_count": notices,
        "floor_ms": round(floor_ms, 2),
        "floor_ratio": round(per_document_ms / floor_ms, 2),
        "plain_render_s": round(plain_s, 2),
        "plain_workbooks_s": round(workbooks_s, 2),
        "render_ms_by_template": {t: round(recorder.render_s[t] * 1000 / n, 2)
                                  for t, n in sorted(recorder.count.items())},
        "documents_by_template": dict(sorted(recorder.count.items())),
        "stages_s": timer.stages,
    }


# Stages of the script that are the office's system at work (flow runs and sweeps), as
# opposed to the scripted units and group filling their workbooks and the office importing them.
FLOW_STAGES = ("start", "scheme", "close_self_check", "finish_scoring", "review_approve",
               "leading_group_approve", "sweeps", "close_cycle")


def cycle_script(units: int, db: str, out: Path, temp: Path, timer: Timer) -> str:
    """The scripted year, stage by stage; the cycle's final stage."""
    from sqlmodel import Session, select

    from models.assessment import DailyMethod
    from models.cycle import Gate, get_cycle
    from models.units import Unit
    from zwgk.adapters.db import get_engine, init_schema
    from zwgk.assessment import daily_records
    from zwgk.core.paths import score_workbook_path
    from zwgk.cycle.gates import Decision
    from zwgk.deadlines import sweep
    from zwgk.demo.filler import fill_score_workbook, fill_self_check_form
    from zwgk.demo.script import unit_reply_file
    from zwgk.intake import score_workbook, self_check
    from zwgk.rectification import lifecycle
    from zwgk.results import confirmation
    from zwgk.runner import runs

    inbox = temp / "inbox"
    engine = get_engine(db)
    with Session(engine, expire_on_commit=False) as session:
        with timer.stage("district"):
            init_schema(engine)
            build_district(session, units)
            names = [u.name for u in session.exec(select(Unit).order_by(Unit.id)).all()]  # type: ignore[arg-type]

        def flow(name: str, step: Callable[[], runs.RunInfo]) -> None:
            with timer.stage(name):
                info = step()
            session.expire_all()  # the flow changed rows behind this session's back
            log(f"    → {info.outcome}")

        def decide(gate: Gate, by: str, on: date, comment: str) -> runs.RunInfo:
            return runs.approve(session, YEAR, Decision(gate=gate, decision="approve", by=by, comment=comment),
                                today=on)

        def sweeps(*days: date) -> None:
            with timer.stage("sweeps"):
                for day in days:
                    report = sweep.run_sweep(session, today=day, out_dir=out)
                    log(f"    sweep {day}: {len(report.sent) + len(report.not_emailed) + len(report.to_call)}"
                        f" reminders, {len(report.escalated)} escalations")
            session.expire_all()

        flow("start", lambda: runs.start(YEAR, today=START))
        with timer.stage("daily_records"):
            for index, name in enumerate(names):
                if index % 40 == 7:
                    daily_records.add_daily_record(session, year=YEAR, unit_name=name, criterion_ref=daily_ref(name),
                                           points=Decimal("0.5"), method=DailyMethod.SPOT_CHECK,
                                           finding="政府信息公开指南超过一年未更新（合成数据）",
                                           by=OFFICE_HEAD, on=date(2025, 6, 1 + index % 28))
        flow("scheme", lambda: decide(Gate.SCHEME, LEADER, SCHEME_ON, "同意印发实施方案"))
        with timer.stage("units_fill_self_checks"):
            forms = filled_forms(session, inbox, self_check, timer.people(fill_self_check_form))
        late = [n for i, n in enumerate(names) if i % 25 == 3]
        silent = {n for i, n in enumerate(names) if i % 100 == 11}
        with timer.stage("import_self_checks"):
            imported = self_check.import_self_checks(
                session, year=YEAR, files=[forms[n] for n in names if n not in silent and n not in late],
                received_on=ON_TIME)
            assert not imported.problems, imported.problems[:3]
        sweeps(LATE_SWEEP_ON)
        with timer.stage("import_self_checks"):
            imported = self_check.import_self_checks(
                session, year=YEAR, files=[forms[n] for n in late if n not in silent], received_on=LATE_ON)
            assert not imported.problems, imported.problems[:3]
        sweeps(LATE_ON)
        flow("close_self_check", lambda: runs.resume(session, YEAR, today=LATE_ON))
        cycle_id = get_cycle(session, YEAR).id
        assert cycle_id is not None
        path = score_workbook_path(YEAR)
        with timer.stage("group_fill_scores"):  # the workbook the flow handed out
            timer.people(fill_score_workbook)(path, group_deductions(session, cycle_id))
        with timer.stage("import_scores"):
            report = score_workbook.import_score_workbook(session, cycle_id=cycle_id, path=path, by=ASSESSOR)
            assert not report.problems and not report.unscored, report.problems[:3]
            confirmation.confirm_scores(session, cycle_id=cycle_id, by=ASSESSOR, on=SCORES_ON)
        flow("finish_scoring", lambda: runs.resume(session, YEAR, today=SCORES_ON))
        flow("review_approve", lambda: decide(Gate.OFFICE_REVIEW, OFFICE_HEAD, REVIEW_ON, "审核无误"))
        flow("leading_group_approve", lambda: decide(Gate.LEADING_GROUP, LEADER, APPROVE_ON, "同意通报"))
        rectifying = [row.unit for row in lifecycle.list_items(session, year=YEAR)]
        late_rectifiers = set(rectifying[3::30])
        with timer.stage("rectification_intake"):
            for name in rectifying:
                if name not in late_rectifiers:
                    lifecycle.receive_plan(session, year=YEAR, unit_name=name, on=PLANS_ON,
                                               file=unit_reply_file(inbox, name, "整改方案"))
        sweeps(LATE_PLAN_SWEEP_ON)
        with timer.stage("rectification_intake"):
            for name in rectifying:
                if name in late_rectifiers:
                    lifecycle.receive_plan(session, year=YEAR, unit_name=name, on=LATE_PLAN_SWEEP_ON,
                                               file=unit_reply_file(inbox, name, "整改方案"))
                lifecycle.receive_report(session, year=YEAR, unit_name=name, on=REPORTS_ON,
                                             file=unit_reply_file(inbox, name, "整改报告"))
                lifecycle.verify(session, year=YEAR, unit_name=name, by=OFFICE_HEAD, on=REPORTS_ON)
        flow("close_cycle", lambda: runs.resume(session, YEAR, today=REPORTS_ON))
        return str(get_cycle(session, YEAR).stage)


def build_district(session: Any, units: int) -> None:
    """N synthetic units (one township to two departments) and the people who decide."""
    from models.units import Category, Member, Unit
    from zwgk.setup.units import upsert_units

    townships = units // 3
    upsert_units(session, [
        Unit(name=f"合成乡镇{i:05d}" if i < townships else f"合成部门{i - townships:05d}",
             category=Category.TOWNSHIP if i < townships else Category.DEPARTMENT,
             contact_person=f"联系人{i:05d}")
        for i in range(units)])
    people = [Member(name=LEADER, from_unit="区人民政府（合成）", position="副区长", leading_group_role="组长"),
              Member(name=OFFICE_HEAD, from_unit="区人民政府办公室（合成）", position="副主任",
                     office_staff=True)]
    people += [Member(name=f"基准考核员{i}", from_unit=f"成员单位{i}（合成）", leading_group_role="成员",
                      assessor=True) for i in range(4)]
    session.add_all(people)
    session.commit()


def daily_ref(unit_name: str) -> str:
    """A criterion the office checks daily, of the unit's category (T… townships, D… departments)."""
    return "T039" if unit_name.startswith("合成乡镇") else "D056"


def filled_forms(session: Any, inbox: Path, self_check: Any,
                 fill: Callable[[Path, Mapping[str, Decimal]], None]) -> dict[str, Path]:
    """Every unit's self-check form, filled: full marks except one criterion in nine."""
    from sqlmodel import select

    from models.cycle import get_cycle, scheme_points
    from models.units import Unit
    from zwgk.intake.forms import regular_criteria

    cycle_id = get_cycle(session, YEAR).id
    points = scheme_points(session, cycle_id)
    lines = regular_criteria(session, cycle_id)
    paths = self_check.write_self_check_forms(session, year=YEAR, out_dir=inbox)
    units = session.exec(select(Unit).order_by(Unit.id)).all()
    forms = {}
    for index, (unit, path) in enumerate(zip(units, paths, strict=True)):
        fill(path, {line.ref: max(points[line.ref] - (Decimal("0.5") if (index + n) % 9 == 0 else 0),
                                  Decimal("0.0"))
                    for n, line in enumerate(lines[unit.category])})
        forms[unit.name] = path
    return forms


def group_deductions(session: Any, cycle_id: int) -> dict[str, list[tuple[str, Decimal, str, str]]]:
    """The group's deductions: units differ from one criterion in four to none at all."""
    from sqlmodel import select

    from models.assessment import GroupMethod
    from models.cycle import scheme_points
    from models.units import Unit
    from zwgk.intake.forms import regular_criteria

    points = scheme_points(session, cycle_id)
    lines = regular_criteria(session, cycle_id)
    methods = [m.value for m in GroupMethod if m is not GroupMethod.DAILY]
    found: dict[str, list[tuple[str, Decimal, str, str]]] = {}
    for index, unit in enumerate(session.exec(select(Unit).order_by(Unit.id)).all()):
        if index % 7 == 0:
            found[unit.name] = []  # no problems found (无扣分): no rectification for this unit
            continue
        every = 4 + (index % 9) * 3
        found[unit.name] = [
            (line.ref, points[line.ref], f"{line.text[:18]}……落实不到位", methods[(index + n) % len(methods)])
            for n, line in enumerate(lines[unit.category])
            if (index + n) % every == 0 and line.ref != daily_ref(unit.name)]
    return found


def floor(recorder: Recorder, repeat: int = 50) -> float:
    """Milliseconds per notice rendered by jinja2 straight into the .docx zip (in memory), on the
    cycle's own notice contexts with the template already prepared."""
    from zwgk.documents.render import as_context, prepare

    prepared = prepare(NOTICE)
    samples = [(kind, blob) for template, kind, blob in recorder.contexts if template == NOTICE][:repeat]
    values = [as_context(kind.model_validate_json(zlib.decompress(blob))) for kind, blob in samples]
    prepared.render(values[0])  # warm
    begin = time.perf_counter()
    for value in values:
        prepared.render(value)
    return (time.perf_counter() - begin) * 1000 / len(values)


def workbooks_floor(db: str, folder: Path) -> float:
    """Seconds to write the cycle's workbooks again in a plain loop with the same library
    (xlsxwriter) and the same sheet-building code: every unit's self-check form (one template per
    category, copied with the unit's texts) and the group's score workbook. Their inputs are read
    from the database before the clock starts."""
    from functools import partial

    from sqlmodel import Session

    from models.assessment import assessed_units
    from models.cycle import get_cycle
    from models.units import category_labels
    from zwgk.adapters.db import get_engine
    from zwgk.adapters.spreadsheets.xlsx import (
        add_styles,
        new_workbook,
        save_filled,
        template_parts,
    )
    from zwgk.intake import score_workbook, self_check
    from zwgk.intake.forms import criteria_checksum, regular_criteria, write_identity

    with Session(get_engine(db), expire_on_commit=False) as session:
        cycle = get_cycle(session, YEAR)
        assert cycle.id is not None
        lines, units = regular_criteria(session, cycle.id), assessed_units(session, cycle.id)
        labels = category_labels(session)
    folder.mkdir(parents=True, exist_ok=True)
    begin = time.perf_counter()
    templates = {category: template_parts(partial(self_check._template, year=YEAR, label=labels[category], lines=rows),
                                          lock_structure=True) for category, rows in lines.items()}
    for number, (_, unit) in enumerate(units):
        save_filled(templates[unit.category], folder / f"form{number}.xlsx",
                    {"{zwgk:unit}": unit.name, "{zwgk:note}": "", "{zwgk:checksum}": ""})
    workbook = new_workbook(folder / "scores.xlsx", streaming=True)
    styles = add_styles(workbook)
    for number, (assessment, unit) in enumerate(units):
        sheet = workbook.add_worksheet(f"单位{number}")
        score_workbook._unit_sheet(sheet, YEAR, assessment, unit, labels[unit.category], lines[unit.category], {}, [], "",
                                 styles)
        sheet._opt_close()
    write_identity(workbook, "score-workbook", YEAR,
                   [(f"单位{n}", unit.name, criteria_checksum(YEAR, unit.name, lines[unit.category]))
                    for n, (_, unit) in enumerate(units)])
    workbook.close()
    return time.perf_counter() - begin


def plain_loop(recorder: Recorder, folder: Path) -> float:
    """Seconds to render and save every document of the cycle again in a plain loop (contexts
    decompressed outside the timed part, one at a time, so memory stays flat)."""
    from zwgk.documents.render import render_docx

    folder.mkdir(parents=True, exist_ok=True)
    spent = 0.0
    for number, (template, kind, blob) in enumerate(recorder.contexts):
        context = kind.model_validate_json(zlib.decompress(blob))
        begin = time.perf_counter()
        (folder / f"{number}.docx").write_bytes(render_docx(template, context))
        spent += time.perf_counter() - begin
    return spent


if __name__ == "__main__":
    main()

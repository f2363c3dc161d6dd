"""`zwgk demo`: a whole annual cycle on the fictional demo district, scripted and deterministic.

Assessment year 2025, run in the first half of 2026 (every date is covered by the holiday
data). Scripted people and units in three categories (the third, public enterprises and
institutions, assessed by reference under article 16 with a catalog imported from a file):
the leading group approves the scheme; two units send their self-check late and one never;
one unit is found to have falsified its self-check; the office returns the first scores to
the group; one unit is late with its rectification and is escalated. The group records an
on-site check, a third-party evaluation (weighted 10% in the scheme) and a survey (for
reference) are imported, and the results go to the cadre department and the discipline
inspection organ at the end. Every step is idempotent, so `zwgk demo --keep` after an
interruption carries on and ends in the same state as an uninterrupted run.
"""

import json
import shutil
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal
from pathlib import Path

from rich.console import Console
from rich.table import Table
from sqlmodel import Session, select

from models.assessment import DailyMethod, GroupMethod
from models.calendar import WorkCalendar
from models.cycle import Cycle, Gate, GateDecision, get_cycle, scheme_points
from models.documents import IssuedDocument
from models.stages import Stage
from models.units import Unit, category_labels
from zwgk.adapters.db import get_engine, init_schema
from zwgk.assessment import daily_records, evaluations, group_records, special_items
from zwgk.core.paths import score_workbook_path
from zwgk.cycle.gates import Decision, decision_ids
from zwgk.deadlines import sweep
from zwgk.demo.district import load_demo
from zwgk.demo.filler import fill_score_workbook, fill_self_check_form
from zwgk.documents.contexts import cn_date
from zwgk.intake import score_workbook, self_check
from zwgk.intake.forms import regular_criteria
from zwgk.intake.self_check import form_path
from zwgk.rectification import lifecycle
from zwgk.results import cadre, confirmation, ranking
from zwgk.runner import runs

YEAR = 2025
START = date(2026, 1, 5)
SCHEME_APPROVED_ON = date(2026, 1, 7)
ON_TIME_SELF_CHECK = date(2026, 1, 16)
LATE_SELF_CHECK = date(2026, 1, 22)
ON_SITE_CHECK_ON = date(2026, 2, 3)
FALSIFICATION_ON = date(2026, 2, 4)
SCORES_ON = date(2026, 2, 5)
OFFICE_RETURN_ON = date(2026, 2, 9)
RESCORED_ON = date(2026, 2, 11)
OFFICE_APPROVE_ON = date(2026, 2, 12)
LEADING_GROUP_ON = date(2026, 2, 13)
PLANS_ON = date(2026, 2, 27)
REPORTS_ON = date(2026, 3, 20)
LATE_REPORT_ON = date(2026, 4, 24)
CADRE_EXPORT_ON = date(2026, 4, 27)
LEADER, OFFICE_HEAD = "张明远", "王晓岚"
ASSESSORS = ["周海宁", "吴佳琪"]
THIRD_PARTY_WEIGHT = Decimal("10")

# Which units behave badly, by their position in the demo district.
LATE_UNITS = ("白鹭乡（演示）", "区民政局（演示）")
SILENT_UNIT = "区统计局（演示）"
FALSIFIED_UNIT = "区商务局（演示）"
LATE_RECTIFIER = "云雾镇（演示）"
DISPUTED_UNIT = "青岚镇（演示）"


@dataclass(frozen=True)
class DemoResult:
    """What the demo leaves behind."""

    stage: Stage
    documents: int
    out_dir: Path


def run_demo(*, db_url: str, out_dir: Path, fresh: bool, console: Console) -> DemoResult:
    """Run the scripted cycle end to end; ``fresh`` starts from an empty database and folder.

    The script is a list of steps, each idempotent and dated. Finished steps are noted in
    ``out/demo-progress.json``; a run with ``fresh=False`` skips them and repeats the
    interrupted one whole, so every flow run happens on the same scripted date as before.
    """
    if fresh:
        _reset(db_url, out_dir)
    engine = get_engine(db_url)
    init_schema(engine)
    with Session(engine, expire_on_commit=False) as session:
        load_demo(session)
        step = _Stepper(session, console, WorkCalendar(), out_dir)
        for name, action in SCRIPT:
            step.perform(name, action)
        cycle = get_cycle(session, YEAR)
        _print_summary(session, cycle, console)
        documents = len(session.exec(select(IssuedDocument.id)).all())
        return DemoResult(stage=cycle.stage, documents=documents, out_dir=out_dir)


def _start(step: "_Stepper") -> None:
    step.say(START, "启动年度考核，拟定实施方案报领导小组审定")
    step.run(START)
    _daily_records(step.session)
    scheme = evaluations.set_weight(step.session, year=YEAR, source="第三方评估", weight=THIRD_PARTY_WEIGHT,
                                    by=OFFICE_HEAD)
    step.say(START, f"方案拟定：{scheme.outside_rule()}")


def _approve_scheme(step: "_Stepper") -> None:
    step.decide(SCHEME_APPROVED_ON, Gate.SCHEME, LEADER, "approve", "同意印发实施方案")


def _self_checks_on_time(step: "_Stepper") -> None:
    forms = _write_forms(step.session, step.inbox)
    step.sweeps(SCHEME_APPROVED_ON + timedelta(days=1), ON_TIME_SELF_CHECK)
    on_time = [name for name in forms if name not in (*LATE_UNITS, SILENT_UNIT)]
    step.say(ON_TIME_SELF_CHECK, f"{len(on_time)} 个单位按时报送自查材料")
    step.import_self_checks(ON_TIME_SELF_CHECK, [forms[name] for name in on_time])


def _self_checks_late(step: "_Stepper") -> None:
    step.sweeps(ON_TIME_SELF_CHECK + timedelta(days=1), LATE_SELF_CHECK - timedelta(days=1))
    step.say(LATE_SELF_CHECK, "两个单位逾期报送自查材料，一个单位始终未报送")
    step.import_self_checks(LATE_SELF_CHECK, [form_path(step.inbox, YEAR, name) for name in LATE_UNITS])
    step.sweeps(LATE_SELF_CHECK, LATE_SELF_CHECK)
    step.run(LATE_SELF_CHECK)


def _falsification(step: "_Stepper") -> None:
    step.sweeps(LATE_SELF_CHECK + timedelta(days=1), FALSIFICATION_ON - timedelta(days=1))
    minutes = step.inbox / f"{FALSIFIED_UNIT}-实地核查纪要.txt"
    minutes.parent.mkdir(parents=True, exist_ok=True)
    minutes.write_text(f"{cn_date(ON_SITE_CHECK_ON)}考核组实地核查{FALSIFIED_UNIT}：依申请公开工作制度文件"
                       "落款日期为2025年3月，电子文档创建于2026年1月。\n", encoding="utf-8")
    activity, _ = group_records.record_activity(
        step.session, year=YEAR, unit_name=FALSIFIED_UNIT, kind="实地核查", held_on=ON_SITE_CHECK_ON,
        members=ASSESSORS, minutes=minutes, out_dir=step.out_dir,
        findings=[group_records.FindingInput(criterion=ON_SITE_REF, points=Decimal("0.7"),
                                             text="依申请公开工作制度系考核期间补制并倒签日期")])
    step.say(ON_SITE_CHECK_ON, f"考核组实地核查 {FALSIFIED_UNIT}（记录第 {activity.id} 号，纪要已存档）")
    step.say(FALSIFICATION_ON, f"发现 {FALSIFIED_UNIT} 自查材料弄虚作假（第十四条）")
    special_items.record_falsification(
        step.session, year=YEAR, unit_name=FALSIFIED_UNIT, by=OFFICE_HEAD, on=FALSIFICATION_ON,
        reason="自查材料称已建立依申请公开工作制度，经实地核查系考核期间补制并倒签日期",
        evidence="实地核查记录（考核组，2026年2月3日）")


def _first_scores(step: "_Stepper") -> None:
    step.sweeps(FALSIFICATION_ON, SCORES_ON)
    _outside_evaluations(step)
    step.score(SCORES_ON, disputed=True)
    step.run(SCORES_ON)


def _office_returns(step: "_Stepper") -> None:
    step.decide(OFFICE_RETURN_ON, Gate.OFFICE_REVIEW, OFFICE_HEAD, "return",
                f"{DISPUTED_UNIT}“政务微博、微信信息每日更新”扣分依据不足，请考核组复核")


def _rescored(step: "_Stepper") -> None:
    step.score(RESCORED_ON, disputed=False)
    step.run(RESCORED_ON)


def _office_approves(step: "_Stepper") -> None:
    step.decide(OFFICE_APPROVE_ON, Gate.OFFICE_REVIEW, OFFICE_HEAD, "approve", "复核后结果无误")


def _leading_group_approves(step: "_Stepper") -> None:
    step.decide(LEADING_GROUP_ON, Gate.LEADING_GROUP, LEADER, "approve", "同意通报")


def _plans(step: "_Stepper") -> None:
    step.sweeps(LEADING_GROUP_ON + timedelta(days=1), PLANS_ON - timedelta(days=1))
    items = _rectifying_units(step.session)
    step.say(PLANS_ON, f"{len(items)} 个单位报送整改方案")
    for name in items:
        lifecycle.receive_plan(step.session, year=YEAR, unit_name=name, on=PLANS_ON,
                                   file=unit_reply_file(step.inbox, name, "整改方案"))


def _reports(step: "_Stepper") -> None:
    step.sweeps(PLANS_ON + timedelta(days=1), REPORTS_ON - timedelta(days=1))
    on_time = [name for name in _rectifying_units(step.session) if name != LATE_RECTIFIER]
    step.say(REPORTS_ON, f"{len(on_time)} 个单位报送整改报告，办公室核验")
    for name in on_time:
        step.report_and_verify(REPORTS_ON, name)


def _outside_evaluations(step: "_Stepper") -> None:
    """A third-party evaluation (weighted in the scheme) and a survey (for reference only)."""
    units = step.session.exec(select(Unit.name).order_by(Unit.id)).all()  # type: ignore[arg-type]
    files = {
        "第三方评估": ("单位名称,得分,样本量,评估机构", lambda i: f"{80 + i * 7 % 20},{40 + i % 5 * 10},某政务评估研究院"),
        "民意调查": ("单位名称,满意率,样本量,调查机构", lambda i: f"{85 + i * 3 % 15}%,{200 + i % 4 * 50},某社会调查中心"),
    }
    for source, (header, row) in files.items():
        path = step.inbox / f"{YEAR}年度{source}结果.csv"
        path.write_text("\n".join([header, *(f"{name},{row(i)}" for i, name in enumerate(units))]) + "\n",
                        encoding="utf-8")
        report = evaluations.import_evaluations(step.session, year=YEAR, path=path, source=source, by=OFFICE_HEAD)
        if report.problems:
            raise RuntimeError(f"演示{source}结果被拒收：" + "; ".join(map(str, report.problems)))
    step.say(SCORES_ON, f"导入第三方评估和民意调查结果（{len(units)} 个单位）")


def _cadre_export(step: "_Stepper") -> None:
    path = step.out_dir / str(YEAR) / "08-结果运用" / f"{YEAR}年度政务公开工作考核结果（干部主管部门、纪检监察机关）.xlsx"
    result = cadre.export_cadre(step.session, year=YEAR, path=path, on=CADRE_EXPORT_ON, by=OFFICE_HEAD,
                                out_dir=step.out_dir)
    step.say(CADRE_EXPORT_ON, f"函送干部主管部门和纪检监察机关：{result.letter.number}，{path.name}")


def _late_report(step: "_Stepper") -> None:
    step.sweeps(REPORTS_ON + timedelta(days=1), LATE_REPORT_ON - timedelta(days=1))
    if LATE_RECTIFIER in _rectifying_units(step.session):
        step.say(LATE_REPORT_ON, f"{LATE_RECTIFIER} 经督办后报送整改报告，办公室核验")
        step.report_and_verify(LATE_REPORT_ON, LATE_RECTIFIER)
    step.run(LATE_REPORT_ON)


SCRIPT = [
    ("start", _start),
    ("approve-scheme", _approve_scheme),
    ("self-checks-on-time", _self_checks_on_time),
    ("self-checks-late", _self_checks_late),
    ("falsification", _falsification),
    ("first-scores", _first_scores),
    ("office-returns", _office_returns),
    ("rescored", _rescored),
    ("office-approves", _office_approves),
    ("leading-group-approves", _leading_group_approves),
    ("rectification-plans", _plans),
    ("rectification-reports", _reports),
    ("late-report", _late_report),
    ("cadre-export", _cadre_export),
]


class _Stepper:
    """The scripted office: runs the flow, decides at gates, sweeps each working day."""

    def __init__(self, session: Session, console: Console, calendar: WorkCalendar, out_dir: Path) -> None:
        self.session, self.console, self.calendar, self.out_dir = session, console, calendar, out_dir
        self.inbox = out_dir / "demo-inbox"
        self.progress = out_dir / "demo-progress.json"

    def perform(self, name: str, action: Callable[["_Stepper"], None]) -> None:
        """Run a step of the script unless an earlier run finished it."""
        done = json.loads(self.progress.read_text("utf-8")) if self.progress.exists() else []
        if name in done:
            return
        action(self)
        self.session.expire_all()
        self.progress.write_text(json.dumps([*done, name]), encoding="utf-8")

    def report_and_verify(self, day: date, unit: str) -> None:
        """A unit sends its completion report and the office verifies it the same day."""
        lifecycle.receive_report(self.session, year=YEAR, unit_name=unit, on=day,
                                     file=unit_reply_file(self.inbox, unit, "整改报告"))
        lifecycle.verify(self.session, year=YEAR, unit_name=unit, by=OFFICE_HEAD, on=day)

    def say(self, day: date, text: str) -> None:
        self.console.print(f"[cyan]{day:%Y-%m-%d}[/cyan] {text}")

    def run(self, day: date) -> None:
        info = runs.resume(self.session, YEAR, today=day) if _has_cycle(self.session) else \
            runs.start(YEAR, today=day)
        self.session.expire_all()  # the flow changed rows behind this session's back
        self.console.print(f"           年度考核运行至：{info.outcome}")

    def decide(self, day: date, gate: Gate, by: str, decision: str, comment: str) -> None:
        """Decide at ``gate``; if the decision is already on record (the step was interrupted
        after it), only let the run carry on."""
        cycle = get_cycle(self.session, YEAR)
        assert cycle.id is not None
        taken = [self.session.get(GateDecision, i) for i in decision_ids(self.session, cycle_id=cycle.id, gate=gate)]
        if any(d is not None and (d.decided_by, d.decision, d.comment) == (by, decision, comment) for d in taken):
            self.run(day)
            return
        verb = "同意" if decision == "approve" else "退回"
        self.say(day, f"{by}：{verb}（{comment}）")
        info = runs.approve(self.session, YEAR, Decision(gate=gate, decision=decision, by=by,
                                                         comment=comment), today=day)
        self.session.expire_all()
        self.console.print(f"           年度考核运行至：{info.outcome}")

    def sweeps(self, first: date, last: date) -> None:
        """The daily sweep on every working day from ``first`` to ``last``."""
        for day in _days(first, last):
            if not self.calendar.is_workday(day):
                continue
            report = sweep.run_sweep(self.session, today=day, out_dir=self.out_dir)
            reminded = len(report.sent) + len(report.not_emailed) + len(report.to_call)
            if reminded or report.escalated:
                self.say(day, f"催办通知 {reminded} 件（其中需电话通知 {len(report.to_call)} 个单位），"
                              f"督办 {len(report.escalated)} 件")

    def import_self_checks(self, day: date, files: list[Path]) -> None:
        report = self_check.import_self_checks(self.session, year=YEAR, files=files, received_on=day)
        if report.problems:
            raise RuntimeError("演示数据的自查表被拒收：" + "; ".join(map(str, report.problems)))

    def score(self, day: date, *, disputed: bool) -> None:
        """The group fills its workbook (the first time with a deduction it must later drop)."""
        units = list(self.session.exec(select(Unit).order_by(Unit.id)).all())  # type: ignore[arg-type]
        cycle = get_cycle(self.session, YEAR)
        assert cycle.id is not None
        path = score_workbook_path(YEAR)
        score_workbook.write_score_workbook(self.session, cycle_id=cycle.id, path=path)
        fill_score_workbook(path, _group_deductions(self.session, cycle.id, units, disputed))
        report = score_workbook.import_score_workbook(self.session, cycle_id=cycle.id, path=path, by=ASSESSORS[0])
        if report.problems or report.unscored:
            raise RuntimeError("演示评分工作簿被拒收或有单位未评分："
                               + "; ".join([*map(str, report.problems), *report.unscored]))
        confirmation.confirm_scores(self.session, cycle_id=cycle.id, by=ASSESSORS[0], on=day)
        self.say(day, "考核组完成评分并确认" + ("（首次）" if disputed else "（复核后）"))



def _rectifying_units(session: Session) -> list[str]:
    return [row.unit for row in lifecycle.list_items(session, year=YEAR)]


def _has_cycle(session: Session) -> bool:
    return session.exec(select(Cycle.id).where(Cycle.year == YEAR)).first() is not None


def _days(first: date, last: date) -> Iterator[date]:
    day = first
    while day <= last:
        yield day
        day += timedelta(days=1)


def _reset(db_url: str, out_dir: Path) -> None:
    """Start from nothing: the demo database and the demo's output folder."""
    if db_url.startswith("sqlite:///"):
        for suffix in ("", "-wal", "-shm"):
            Path(db_url.removeprefix("sqlite:///") + suffix).unlink(missing_ok=True)
    shutil.rmtree(out_dir / str(YEAR), ignore_errors=True)
    shutil.rmtree(out_dir / "demo-inbox", ignore_errors=True)
    (out_dir / "demo-progress.json").unlink(missing_ok=True)


DAILY_FINDINGS = [  # unit, criterion, points, method, found on, finding
    ("松涛镇（演示）", "T039", "1.0", DailyMethod.SPOT_CHECK, date(2025, 5, 14),
     "政府信息公开指南超过一年未更新"),
    ("区教育局（演示）", "D043", "1.0", DailyMethod.SPECIAL_INSPECTION, date(2025, 8, 20),
     "招生入学政策未在规定时限内主动公开"),
    ("区住房和城乡建设局（演示）", "D056", "0.5", DailyMethod.DAILY_RECORD, date(2025, 10, 9),
     "依申请公开答复超过法定期限"),
]
# The criterion of the on-site check's finding at the falsified unit.
ON_SITE_REF = "D012"
# The group leaves these criteria to the daily records and the on-site finding already
# pre-filled in its workbook.
PREFILLED_REFS = {ref for _, ref, *_ in DAILY_FINDINGS} | {ON_SITE_REF}


def _daily_records(session: Session) -> None:
    """Problems the office found during 2025 (article 10(1)); idempotent."""
    for unit, ref, points, method, found_on, finding in DAILY_FINDINGS:
        daily_records.add_daily_record(session, year=YEAR, unit_name=unit, criterion_ref=ref,
                               points=Decimal(points), method=method, finding=finding,
                               by=OFFICE_HEAD, on=found_on)


def _write_forms(session: Session, inbox: Path) -> dict[str, Path]:
    """Each unit's filled self-check form: full marks except a few criteria (deterministic)."""
    cycle = get_cycle(session, YEAR)
    assert cycle.id is not None
    points = scheme_points(session, cycle.id)
    paths = self_check.write_self_check_forms(session, year=YEAR, out_dir=inbox)
    units = session.exec(select(Unit).order_by(Unit.id)).all()  # type: ignore[arg-type]
    lines = regular_criteria(session, cycle.id)
    forms = {}
    for index, (unit, path) in enumerate(zip(units, paths, strict=True)):
        scores = {line.ref: points[line.ref] - (Decimal("0.5") if (index + n) % 9 == 0 else 0)
                  for n, line in enumerate(lines[unit.category])}
        fill_self_check_form(path, {ref: max(v, Decimal("0.0")) for ref, v in scores.items()})
        forms[unit.name] = path
    return forms


def _group_deductions(session: Session, cycle_id: int, units: list[Unit],
                      disputed: bool) -> dict[str, list[tuple[str, Decimal, str, str]]]:
    """The group's deductions per unit (deterministic), by one of the six methods."""
    points = scheme_points(session, cycle_id)
    lines = regular_criteria(session, cycle_id)
    methods = [m.value for m in GroupMethod if m is not GroupMethod.DAILY]
    deductions: dict[str, list[tuple[str, Decimal, str, str]]] = {}
    for index, unit in enumerate(units):
        # Units differ in how much the group finds: from one criterion in four to one in 28.
        every = 4 + (index % 9) * 3
        silent = unit.name == SILENT_UNIT
        chosen = [line for n, line in enumerate(lines[unit.category])
                  if (index + n) % every == 0 and line.ref not in PREFILLED_REFS
                  and not (silent and line.area == "组织领导")]
        deductions[unit.name] = [
            (line.ref, points[line.ref],
             f"{line.text[:18]}……落实不到位", methods[(index + n) % len(methods)])
            for n, line in enumerate(chosen)]
        if silent:
            # No self-check, no evidence of the organisation's work: the group takes the
            # archived record of the missing self-check into account on that whole area.
            deductions[unit.name] += [
                (line.ref, points[line.ref], "未按期报送年度自查材料，经催办、督办仍未报送，"
                 "组织领导情况无法核实", GroupMethod.DAILY.value)
                for line in lines[unit.category] if line.area == "组织领导"]
        if disputed and unit.name == DISPUTED_UNIT:
            ref = next(line.ref for line in lines[unit.category] if line.text == "政务微博、微信信息每日更新。")
            deductions[unit.name].append((ref, points[ref], "政务微博有连续多日未更新的情况", GroupMethod.THIRD_PARTY.value))
    return deductions


def unit_reply_file(inbox: Path, unit: str, kind: str) -> Path:
    """The file a scripted unit sends in (a short text; the office stores its SHA-256).

    Shared with bench/cycle.py, which scripts its synthetic units the same way."""
    path = inbox / f"{unit}-{kind}.txt"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(f"{unit}关于{YEAR}年度政务公开工作考核反馈问题的{kind}。\n", encoding="utf-8")
    return path


def _print_summary(session: Session, cycle: Cycle, console: Console) -> None:
    assert cycle.id is not None
    console.print(f"\n[bold]{YEAR} 年度考核结束：阶段 {cycle.stage}[/bold]")
    rows = ranking.results_table(session, cycle_id=cycle.id)
    for category, label in category_labels(session).items():
        table = Table(title=f"{label} 考核结果")
        for col in ("名次", "单位", "自评分", "得分", "等次"):
            table.add_column(col)
        for r in sorted((r for r in rows if r.category == category), key=lambda r: (r.rank or 999, r.unit)):
            table.add_row(str(r.rank or "—"), r.unit, str(r.self_score or "—"), str(r.score), r.grade)
        console.print(table)
    docs = session.exec(select(IssuedDocument).where(IssuedDocument.cycle_id == cycle.id)
                        .order_by(IssuedDocument.id)).all()  # type: ignore[arg-type]
    table = Table(title=f"已发文件（{len(docs)} 件，见 out/{YEAR}/）")
    for col in ("文号", "标题", "文件"):
        table.add_column(col, overflow="fold")
    for d in docs:
        if d.number:
            table.add_row(d.number, d.title, d.path)
    console.print(table)
    console.print(f"另有未编号的表格类文件 {sum(1 for d in docs if not d.number)} 件（自查评分表、考核评分表等）。")


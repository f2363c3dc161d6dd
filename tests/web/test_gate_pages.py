"""The gate pages show what is decided; a decision's run carries on in the background."""

import threading
from datetime import date
from decimal import Decimal

import pytest
from sqlmodel import Session, col, select

from models.assessment import Assessment
from models.cycle import Cycle, scheme_points, transition
from models.stages import Stage
from models.units import Unit
from tests.flows.conftest import wait_until
from tests.web.conftest import Browser, log_in, runner_of
from zwgk.documents.issue.review import issue_review_request
from zwgk.runner import runs


def test_scheme_gate_shows_the_draft_scheme(client: Browser, workbench: Session, demo_cycle: Cycle) -> None:
    log_in(client, "leader")
    page = client.get("/cycles/2025/gates/scheme").text
    assert "实施方案（送审稿）" in page
    assert "乡(镇)人民政府、社区服务中心（" in page and "区直部门（" in page and "青岚镇（演示）" in page  # the units
    assert "公共企事业单位（" in page and "区人民医院（演示）" in page  # the category assessed by reference
    assert "优秀" in page and "分（含）以上" in page  # the grade bands
    assert "单位自查" in page and "个工作日内" in page  # the periods
    points = scheme_points(workbench, demo_cycle.id)  # type: ignore[arg-type]
    assert f'data-label="分值" class="pair nowrap">{points["T001"]:.1f}</td>' in page  # the year's points
    assert page.count("<details") == 3  # one indicator table per category


def test_review_gates_show_the_request_with_proposed_ranks(client: Browser, workbench: Session,
                                                          demo_cycle: Cycle) -> None:
    assert demo_cycle.id is not None
    for stage in (Stage.SCHEME_APPROVED, Stage.SELF_CHECK, Stage.GROUP_ASSESSMENT, Stage.OFFICE_REVIEW):
        transition(session=workbench, cycle_id=demo_cycle.id, to=stage, actor="测试")
    pairs = workbench.exec(select(Assessment, Unit).join(Unit, col(Unit.id) == Assessment.unit_id)
                           .where(Assessment.cycle_id == demo_cycle.id).order_by(col(Unit.id))).all()
    for rank, (assessment, _unit) in enumerate(pairs[:2], start=1):
        assessment.score, assessment.grade, assessment.rank = Decimal("95.0") - rank, "优秀", rank
        workbench.add(assessment)
    workbench.commit()
    request = issue_review_request(session=workbench, cycle_id=demo_cycle.id, on=date(2026, 3, 2))
    log_in(client, "office")
    page = client.get("/cycles/2025/gates/office-review").text
    assert "拟定名次" in page and "考核等次为优秀2个" in page
    first = pairs[0][1].name
    assert f'<td data-label="名次" class="pair">1</td><td data-label="单位" class="pair">{first}</td>' in page
    assert f"/documents/{request.id}.docx" in page and 'name="decision"' in page
    assert "考核等次为优秀2个" in client.get("/cycles/2025/gates/leading-group").text


def test_runs_carry_on_one_at_a_time_per_cycle(client: Browser, workbench: Session,
                                               monkeypatch: pytest.MonkeyPatch) -> None:
    """A second request while the run goes on is not run beside it but once more after it."""
    release, calls = threading.Event(), []

    def resume(_session: Session, year: int, **_kwargs: object) -> None:
        calls.append(year)
        release.wait(30)
        if len(calls) == 2:
            raise RuntimeError("模拟故障")

    monkeypatch.setattr(runs, "resume", resume)
    runner = runner_of(client)
    assert runner.carry_on(2025).startswith("已记录")
    assert runner.carry_on(2025).startswith("已记录")
    assert runner.running(2025) and calls == [2025]
    log_in(client, "leader")
    page = client.get("/cycles/2025").text
    assert "年度考核正在继续办理" in page and 'http-equiv="refresh"' in page
    release.set()
    wait_until(lambda: not runner.running(2025), timeout=30, what="the background run")
    assert calls == [2025, 2025]
    page = client.get("/cycles/2025").text
    assert "年度考核未能继续办理" in page and "模拟故障" in page and "refresh" not in page

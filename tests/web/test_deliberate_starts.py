"""Starting a cycle on the workbench is deliberate (a page says what will happen, a year that
cannot be due is refused), a cycle started by mistake can be withdrawn before its scheme is
approved, and a unit's page shows every cycle that still asks something of it."""

from datetime import date

from fastapi.testclient import TestClient
from sqlmodel import Session, col, func, select

from models.assessment import Assessment
from models.calendar import load_calendar
from models.cycle import Cycle, transition
from models.deadlines import Deadline, DeadlineKind, DeadlineState
from models.documents import IssuedDocument
from models.rectification import RectificationItem
from models.stages import Stage
from models.units import Unit
from tests.web.conftest import log_in, open_self_check, unit_id
from zwgk.cycle.steps import set_waiting, start_cycle

DAY = date(2026, 1, 8)  # the workbench's day in these tests
PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def cycles(session: Session) -> list[int]:
    session.expire_all()
    return list(session.exec(select(Cycle.year).order_by(col(Cycle.year))).all())


def test_a_year_that_cannot_be_due_is_refused_with_no_button(client: TestClient, workbench: Session) -> None:
    token = log_in(client, "office")
    for year in (2099, 2024):
        page = client.get(f"/cycles/{year}").text
        assert "只能启动上一年度（2025）或本年度（2026）的考核" in page
        assert f'href="/cycles/{year}/start"' not in page and 'type="submit">确认启动' not in page
        response = client.post(f"/cycles/{year}/start", data={"csrf_token": token, "confirm": str(year)})
        assert response.status_code == 422 and "只能启动上一年度" in response.text
    assert cycles(workbench) == [2025]


def test_the_start_page_says_what_will_happen_and_asks_for_confirmation(
        client: TestClient, workbench: Session) -> None:
    token = log_in(client, "office")
    assert 'href="/cycles/2026/start"' in client.get("/cycles/2026").text
    page = client.get("/cycles/2026/start").text
    units = workbench.exec(select(func.count()).select_from(Unit).where(col(Unit.retired).is_(False))).one()
    due = load_calendar(workbench).add_workdays(DAY, 10)
    assert f"通知\n  {units} 个被考核单位" in page
    assert f"10 个工作日内报送（如今日 {DAY} 审定，截止 {due}）" in page
    assert "审定人：组长、副组长" in page and 'name="confirm" value="2026" required' in page
    response = client.post("/cycles/2026/start", data={"csrf_token": token})  # not confirmed
    assert response.status_code == 422 and "请勾选确认后再启动" in response.text
    assert cycles(workbench) == [2025]
    assert client.get("/cycles/2025/start").text.count("已经启动") == 1  # a running cycle is not started twice


def test_office_withdraws_a_cycle_before_its_scheme_is_approved(client: TestClient, workbench: Session) -> None:
    cycle = workbench.exec(select(Cycle).where(Cycle.year == 2025)).one()
    numbered = IssuedDocument(doc_key=f"{cycle.id}:scheme::scheme_notice:0", cycle_id=cycle.id, stage="scheme",
                              doc_type="scheme_notice", organ="office", year=2026, seq=1, number="乌府公开办〔2026〕1号",
                              title="关于印发《2025年度政务公开工作考核实施方案》的通知", issued_on=DAY,
                              path="2025/scheme/x.docx")
    workbench.add(numbered)
    workbench.add(Deadline(cycle_id=cycle.id, unit_id=None, kind=DeadlineKind.SELF_CHECK, starts_on=DAY, due_on=DAY,
                           basis="第十条第（三）项"))
    workbench.commit()
    set_waiting(session=workbench, cycle_id=cycle.id, waiting_for="gate:scheme")  # type: ignore[arg-type]
    leader = TestClient(client.app, follow_redirects=False)
    log_in(leader, "leader")
    assert "2025 年度：待您决定" in leader.get("/").text  # the run waits for the leading group
    token = log_in(client, "office")
    page = client.get("/cycles/2025").text
    assert 'action="/cycles/2025/withdraw"' in page
    response = client.post("/cycles/2025/withdraw", data={"csrf_token": token, "reason": "  "})
    assert response.status_code == 422 and "须写明理由" in response.text
    response = client.post("/cycles/2025/withdraw", data={"csrf_token": token, "reason": "年度输错，重新启动"})
    assert response.status_code == 303, response.text
    workbench.expire_all()
    assert workbench.get(Cycle, cycle.id).stage is Stage.WITHDRAWN  # type: ignore[union-attr]
    assert {d.state for d in workbench.exec(select(Deadline))} == {DeadlineState.WAIVED}
    kept = workbench.get(IssuedDocument, numbered.id)
    assert kept is not None and kept.number == "乌府公开办〔2026〕1号" and kept.withdrawn_reason == "年度输错，重新启动"
    page = client.get("/cycles/2025").text
    assert "已撤销" in page and "年度输错，重新启动" in page and "刘静怡" in page  # the history says who and why
    assert 'href="/cycles/2025/start"' in page  # it can be started again, deliberately
    assert 'action="/cycles/2025/withdraw"' not in page

    assert "待您决定" not in leader.get("/").text
    unit = TestClient(client.app, follow_redirects=False)
    log_in(unit, "unit1")
    assert "目前没有需要本单位办理的年度考核事项" in unit.get(f"/units/{unit_id(workbench, '青岚镇（演示）')}").text


def test_a_decided_scheme_cannot_be_withdrawn(client: TestClient, workbench: Session) -> None:
    open_self_check(workbench, workbench.exec(select(Cycle)).one())
    token = log_in(client, "office")
    assert 'action="/cycles/2025/withdraw"' not in client.get("/cycles/2025").text
    response = client.post("/cycles/2025/withdraw", data={"csrf_token": token, "reason": "误操作"})
    assert response.status_code == 422 and "不能再撤销" in response.text
    workbench.expire_all()
    assert workbench.exec(select(Cycle)).one().stage is Stage.SELF_CHECK


def test_a_unit_page_shows_every_cycle_that_asks_something_newest_first(
        client: TestClient, workbench: Session) -> None:
    older = workbench.exec(select(Cycle)).one()
    for stage in (Stage.SCHEME_APPROVED, Stage.SELF_CHECK, Stage.GROUP_ASSESSMENT, Stage.OFFICE_REVIEW,
                  Stage.LEADING_GROUP_APPROVAL, Stage.PUBLISHED, Stage.RECTIFICATION):
        transition(session=workbench, cycle_id=older.id, to=stage, actor="测试")  # type: ignore[arg-type]
    town, other = unit_id(workbench, "青岚镇（演示）"), unit_id(workbench, "云雾镇（演示）")
    assessment = workbench.exec(select(Assessment).where(Assessment.cycle_id == older.id,
                                                         Assessment.unit_id == town)).one()
    workbench.add(RectificationItem(assessment_id=assessment.id, problems="政策解读不同步", feedback_on=DAY))  # type: ignore[arg-type]
    workbench.commit()
    newer = start_cycle(session=workbench, year=2026, actor="测试")
    open_self_check(workbench, newer)

    token = log_in(client, "unit1")
    page = client.get(f"/units/{town}").text
    assert page.index("2026 年度考核") < page.index("2025 年度考核")
    assert "政策解读不同步" in page and page.count('name="year" value="2025"') == 2  # plan and report
    # The plan goes to the cycle the form names, not to the newest one.
    response = client.post(f"/units/{town}/rectification/plan", data={"csrf_token": token, "year": "2025"},
                           files={"file": ("整改方案.pdf", PDF, "application/pdf")})
    assert response.status_code == 303, response.text
    workbench.expire_all()
    assert workbench.exec(select(RectificationItem)).one().plan_received_on == DAY
    response = client.post(f"/units/{town}/rectification/plan", data={"csrf_token": token, "year": "2024"},
                           files={"file": ("整改方案.pdf", PDF, "application/pdf")})
    assert response.status_code == 404

    other_client = TestClient(client.app, follow_redirects=False)
    log_in(other_client, "unit2")
    page = other_client.get(f"/units/{other}").text
    assert "2026 年度考核" in page and "2025 年度考核" not in page  # 2025 asks nothing more of it

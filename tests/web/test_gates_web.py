"""A leading-group member's decision on the workbench runs the cycle on, as `zwgk approve` does."""


from sqlmodel import Session, select
from typer.testing import CliRunner

from models.accounts import Account
from models.cycle import Cycle, GateDecision
from models.stages import Stage
from models.units import Member
from tests.flows.conftest import wait_until
from tests.web.conftest import LEADER, Browser, log_in, runner_of
from zwgk.cli.app import app


def test_leader_approves_the_scheme_on_the_web_and_the_cycle_opens_self_checks(
        client: Browser, workbench: Session) -> None:
    token = log_in(client, "leader")
    page = client.get("/cycles/2025/gates/scheme")
    assert page.status_code == 200 and 'name="decision"' in page.text and "return_to" not in page.text
    response = client.post("/cycles/2025/gates/scheme",
                           data={"decision": "approve", "comment": "同意印发", "csrf_token": token})
    assert response.status_code == 303, response.text
    assert "已记录，年度考核正在继续办理" in client.get("/cycles/2025").text  # at once, the run goes on
    wait_until(lambda: not runner_of(client).running(2025), timeout=300, what="the background run")
    assert runner_of(client).last_error(2025) is None
    workbench.expire_all()
    cycle = workbench.exec(select(Cycle)).one()
    assert cycle.stage is Stage.SELF_CHECK
    decision = workbench.exec(select(GateDecision)).one()
    assert (decision.decided_by, decision.decision, decision.comment) == (LEADER, "approve", "同意印发")
    dashboard = client.get("/cycles/2025").text
    assert "单位自查" in dashboard and "考核实施方案" in dashboard
    assert client.get("/cycles/2025/gates/scheme").text.count('name="decision"') == 0  # decided


def test_office_starts_a_cycle_on_the_web_and_the_run_goes_on_in_the_background(
        client: Browser, workbench: Session) -> None:
    token = log_in(client, "office")
    assert 'href="/cycles/2026/start"' in client.get("/cycles/2026").text
    response = client.post("/cycles/2026/start", data={"csrf_token": token, "confirm": "2026"})
    assert response.status_code == 303, response.text
    starting = client.get("/cycles/2026").text  # the request did not wait for the run
    assert "年度考核正在启动" in starting and 'http-equiv="refresh"' in starting
    assert 'action="/cycles/2026/start"' not in starting  # no second start while it runs
    wait_until(lambda: not runner_of(client).running(2026), timeout=300, what="the background start")
    assert runner_of(client).last_error(2026) is None
    workbench.expire_all()
    cycle = workbench.exec(select(Cycle).where(Cycle.year == 2026)).one()
    assert cycle.waiting_for == "gate:scheme"
    assert "实施方案" in client.get("/cycles/2026").text


def test_a_district_not_ready_is_told_what_is_missing_and_nothing_starts(
        client: Browser, workbench: Session) -> None:
    for member in workbench.exec(select(Member).where(Member.assessor == True)):  # noqa: E712
        member.assessor = False
        workbench.add(member)
    workbench.commit()
    token = log_in(client, "office")
    page = client.get("/cycles/2026/start").text  # the confirmation page says it first, with no button
    assert "考核组成员" in page and 'action="/cycles/2026/start"' not in page
    response = client.post("/cycles/2026/start", data={"csrf_token": token, "confirm": "2026"})
    assert response.status_code == 422 and "不能启动 2026 年度考核" in response.text
    assert "考核组成员" in response.text
    assert not runner_of(client).running(2026)
    assert workbench.exec(select(Cycle).where(Cycle.year == 2026)).first() is None


def test_accounts_commands(workbench: Session, db_url: str) -> None:
    runner = CliRunner()
    result = runner.invoke(app, ["accounts", "create", "zhang", "--person", LEADER, "--db", db_url])
    assert result.exit_code == 0 and "一次性密码" in result.output
    result = runner.invoke(app, ["accounts", "create", "town", "--unit", "青岚镇（演示）", "--password-stdin",
                                 "--db", db_url], input="a-long-password\n")
    assert result.exit_code == 0 and "一次性密码" not in result.output
    result = runner.invoke(app, ["accounts", "create", "ghost", "--person", "查无此人", "--db", db_url])
    assert result.exit_code != 0
    assert runner.invoke(app, ["accounts", "disable", "town", "--db", db_url]).exit_code == 0
    assert "一次性密码" in runner.invoke(app, ["accounts", "reset", "zhang", "--db", db_url]).output
    listing = runner.invoke(app, ["accounts", "list", "--json", "--db", db_url]).output
    assert '"login": "town"' in listing and '"disabled": true' in listing
    workbench.expire_all()
    assert workbench.exec(select(Account).where(Account.login == "zhang")).one().must_change_password

"""The group confirms its scores on its workbench page: the preview with its flags, a confirmation
by an assessor only, and only of the figures the page showed."""

from fastapi.testclient import TestClient
from sqlmodel import Session, select

from models.assessment import Assessment, ScoreConfirmation
from models.cycle import Cycle, transition
from models.stages import Stage
from tests.web.conftest import csrf_of, log_in
from zwgk.results.confirmation import FLAG_NO_DEDUCTION, score_preview


def _scoring(session: Session, *, scored: bool) -> Cycle:
    cycle = session.exec(select(Cycle)).one()
    for stage in (Stage.SCHEME_APPROVED, Stage.SELF_CHECK, Stage.GROUP_ASSESSMENT):
        transition(session=session, cycle_id=cycle.id, to=stage, actor="测试")  # type: ignore[arg-type]
    for number, assessment in enumerate(session.exec(select(Assessment)).all()):
        assessment.scored = scored or number > 0  # with scored=False, the first unit is not scored
        session.add(assessment)
    session.commit()
    return cycle


def test_an_assessor_confirms_the_figures_the_page_shows(client: TestClient, workbench: Session) -> None:
    cycle = _scoring(workbench, scored=True)
    office = TestClient(client.app, follow_redirects=False)
    office_token = log_in(office, "office")
    page = office.get("/cycles/2025/group").text
    assert "评分预览" in page and FLAG_NO_DEDUCTION in page and 'action="/cycles/2025/group/confirm"' not in page
    digest = score_preview(workbench, cycle_id=cycle.id).digest  # type: ignore[arg-type]
    refused = office.post("/cycles/2025/group/confirm", data={"csrf_token": office_token, "digest": digest})
    assert refused.status_code == 403

    log_in(client, "assessor")
    page = client.get("/cycles/2025/group").text
    assert f'name="digest" value="{digest}"' in page and "以 考核员甲 的名义确认评分" in page
    stale = client.post("/cycles/2025/group/confirm", data={"csrf_token": csrf_of(page), "digest": "0" * 64})
    assert stale.status_code == 422 and "评分在您查看之后又有变动" in stale.text
    assert workbench.exec(select(ScoreConfirmation)).first() is None
    done = client.post("/cycles/2025/group/confirm", data={"csrf_token": csrf_of(page), "digest": digest})
    assert done.status_code == 303, done.text
    page = client.get(done.headers["location"]).text
    assert "评分已确认" in page and "考核员甲 已于" in page and 'action="/cycles/2025/group/confirm"' not in page
    workbench.expire_all()
    assert workbench.exec(select(ScoreConfirmation)).one().confirmed_by == "考核员甲"


def test_no_confirmation_while_a_unit_is_unscored(client: TestClient, workbench: Session) -> None:
    _scoring(workbench, scored=False)
    log_in(client, "assessor")
    page = client.get("/cycles/2025/group").text
    assert "还有 1 个单位尚未评分" in page and 'action="/cycles/2025/group/confirm"' not in page
    refused = client.post("/cycles/2025/group/confirm", data={"csrf_token": csrf_of(page), "digest": ""})
    assert refused.status_code == 422 and "尚未评分" in refused.text

"""Website monitoring in the workbench: the office's page with its charts (server-rendered SVG, no
script, no inline style), confirming findings and issuing the circular; each unit sees its own
findings on its page and nobody else's; evidence downloads as a file, to whom it concerns."""

import hashlib
import re
from datetime import date, timedelta

from fastapi.testclient import TestClient
from sqlmodel import Session, select

from models.assessment import DailyMethod, DailyRecord
from models.sites import (
    ColumnKind,
    FindingRule,
    Severity,
    SiteEvidence,
    SiteFinding,
    SiteObservation,
    SitePage,
    SiteProbe,
)
from models.types import utcnow
from tests.web.conftest import csrf_of, log_in, unit_id
from zwgk.core.settings import get_settings

TODAY = date(2026, 1, 8)  # the day the test workbench acts on
TOWN, VILLAGE = "青岚镇（演示）", "云雾镇（演示）"


def seed(session: Session, today: date = TODAY) -> dict[str, int]:
    """Two monitored units with 30 days of probes and homepage checks, and open findings (the
    town's blank column with its evidence page, the village's unreachable homepage); the
    finding ids by unit."""
    ids = {}
    for name, failing in ((TOWN, 0), (VILLAGE, 4)):
        uid = unit_id(session, name)
        home = SitePage(unit_id=uid, column="首页", kind=ColumnKind.HOMEPAGE, url=f"http://{uid}.gov.cn/")
        blank = SitePage(unit_id=uid, column="政府信息公开", kind=ColumnKind.DISCLOSURE, url=f"http://{uid}.gov.cn/xxgk/")
        session.add_all([home, blank])
        session.flush()
        for n in range(30):
            day = today - timedelta(days=n)
            session.add_all(SiteProbe(page_id=home.id, day=day, ok=not (failing and n < 2 and i < failing),  # type: ignore[arg-type]
                                      status=200, elapsed_ms=120) for i in range(48))
            session.add(SiteObservation(page_id=home.id, day=day, status=200, items=10,  # type: ignore[arg-type]
                                        latest=None if failing and n == 0 else day - timedelta(days=n % 12)))
        body = f"<html><body><p>暂无信息</p><script>alert('{name}')</script></body></html>".encode()
        sha = hashlib.sha256(body).hexdigest()
        path = get_settings().out_dir / "sites" / sha[:2] / f"{sha}.html"
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(body)
        session.add(SiteEvidence(sha256=sha, url=blank.url, fetched_at=utcnow(), status=200, size=len(body),
                                 path=f"sites/{sha[:2]}/{sha}.html"))
        rule, severity, page = ((FindingRule.BLANK_COLUMN, Severity.PROBLEM, blank) if not failing
                                else (FindingRule.UNREACHABLE, Severity.VETO, home))
        finding = SiteFinding(unit_id=uid, page_id=page.id, rule=rule, severity=severity, column=page.column,
                              url=page.url, detail=f"{name}的问题说明", evidence_sha256=sha if not failing else "",
                              first_seen=date(2025, 12, 20), last_seen=today, open_key=f"{uid}|{rule}")
        session.add(finding)
        session.commit()
        ids[name] = finding.id  # type: ignore[assignment]
    return ids


def test_the_office_page_charts_every_unit_without_scripts_or_inline_styles(client: TestClient,
                                                                           workbench: Session) -> None:
    seed(workbench)
    log_in(client, "office")
    html = client.get("/sites").text
    assert html.count("<svg") == 4 and "<script" not in html and "<style" not in html and "style=" not in html
    figures = re.findall(r'<span class="figure">([^<]*)</span>', html)
    # The town: every probe opened, its homepage updated today; the village: 8 of its 1,440
    # probes failed, and its homepage showed nothing dated today.
    assert figures == ["100.0%", "0 天", "99.4%", "无日期"]
    assert html.count('name="finding"') == 2 and "确认勾选的问题" in html and "印发网站监测情况通报" in html
    bar = re.search(r'<rect [^>]*fill="(#[0-9a-f]+)"><title>2026-01-08 可访问 44/48 次', html)
    assert bar is not None and bar.group(1) == "#a8201a"  # 8.3 % failed that day: past the veto line


def test_the_leading_group_reads_the_page_but_confirms_nothing(client: TestClient, workbench: Session) -> None:
    ids = seed(workbench)
    token = log_in(client, "leader")
    html = client.get("/sites").text
    assert "问题说明" in html and 'name="finding"' not in html
    refused = client.post("/sites/confirm", data={"finding": ids[TOWN], "points": "0.5", "csrf_token": token})
    assert refused.status_code == 403


def test_a_unit_sees_its_own_findings_on_its_page_and_no_one_else_s(client: TestClient, workbench: Session) -> None:
    ids = seed(workbench)
    log_in(client, "unit1")
    assert client.get("/sites").status_code == 403
    own = client.get(f"/units/{unit_id(workbench, TOWN)}").text
    assert "网站日常监测" in own and f"{TOWN}的问题说明" in own and f"{VILLAGE}的问题说明" not in own
    assert own.count("<svg") == 2 and 'name="finding"' not in own
    assert client.get(f"/units/{unit_id(workbench, VILLAGE)}").status_code == 404
    town_evidence = workbench.get(SiteFinding, ids[TOWN]).evidence_sha256  # type: ignore[union-attr]
    download = client.get(f"/sites/evidence/{town_evidence}.html")
    assert download.status_code == 200 and download.headers["x-content-type-options"] == "nosniff"
    assert "attachment" in download.headers["content-disposition"] and b"<script>" in download.content
    other = workbench.exec(select(SiteEvidence.sha256)).all()
    assert client.get(f"/sites/evidence/{[s for s in other if s != town_evidence][0]}.html").status_code == 404
    assert client.get("/sites/evidence/not-a-hash.html").status_code == 404


def test_the_office_confirms_findings_into_daily_records(client: TestClient, workbench: Session) -> None:
    ids = seed(workbench)
    token = log_in(client, "office")
    for data, message in (({"points": "0.5"}, "请先勾选"), ({"finding": ids[TOWN], "points": "半分"}, "不是数字")):
        refused = client.post("/sites/confirm", data={**data, "csrf_token": token})
        assert refused.status_code == 422 and message in refused.text
    done = client.post("/sites/confirm", data={"finding": [ids[TOWN], ids[VILLAGE]], "points": "0.5", "csrf_token": token})
    assert done.status_code == 303
    page = client.get("/sites").text
    assert "已确认为日常考核记录" in page and "T045" in page and page.count("已记录第") == 2
    records = workbench.exec(select(DailyRecord)).all()
    assert {(r.year, r.method, r.found_on) for r in records} == {(2025, DailyMethod.MONITORING, date(2025, 12, 20))}
    again = client.post("/sites/confirm", data={"finding": ids[TOWN], "points": "0.5", "csrf_token": token})
    assert again.status_code == 422 and "已确认" in again.text


def test_the_office_issues_the_month_s_circular_from_the_page(client: TestClient, workbench: Session) -> None:
    seed(workbench)
    token = log_in(client, "office")
    assert 'value="2025-12"' in client.get("/sites").text  # the month before the workbench's day
    assert client.post("/sites/report", data={"month": "2025-12", "csrf_token": token}).status_code == 303
    page = client.get("/sites").text
    assert "已印发：乌府公开办〔2026〕1号 关于2025年12月政府网站日常监测情况的通报" in page
    link = re.search(r'href="(/documents/\d+\.docx)"', page)
    assert link is not None and client.get(link.group(1)).status_code == 200
    assert client.post("/sites/report", data={"month": "2026-13", "csrf_token": csrf_of(page)}).status_code == 422

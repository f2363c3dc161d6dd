"""Annual reports on the workbench: a unit hands in its report and sees its findings at once; the
office sees the district's table and confirms findings; nobody sees another unit's report."""

import re
from pathlib import Path

from fastapi.testclient import TestClient
from sqlmodel import Session, select

from models.assessment import DailyRecord
from models.cycle import Cycle
from models.deadlines import Deadline, DeadlineKind
from models.reports import ReportVersion
from tests.reports_builder import Report, build_docx, build_html, with_t3
from tests.web.conftest import log_in, unit_id
from zwgk.reports import format as f

TOWN, OTHER = "青岚镇（演示）", "云雾镇（演示）"
DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


def upload(client: TestClient, unit: int, token: str, path: Path, year: int = 2025):  # type: ignore[no-untyped-def]
    return client.post(f"/units/{unit}/reports", data={"csrf_token": token, "year": str(year)},
                       files={"file": (path.name, path.read_bytes(), DOCX)})


def test_a_unit_hands_in_its_report_and_sees_the_findings_at_once(client: TestClient, workbench: Session,
                                                                   demo_cycle: Cycle, tmp_path: Path) -> None:
    town = unit_id(workbench, TOWN)
    token = log_in(client, "unit1")
    page = client.get(f"/units/{town}/reports")
    assert page.status_code == 200 and "2025 年度政府信息公开工作年度报告" in page.text and "2026-01-31" in page.text
    assert f'/units/{town}/reports' in client.get(f"/units/{town}").text

    wrong = build_docx(tmp_path / "青岚镇2025年报.docx", with_t3(Report(), f.GRANTED, f.NATURAL, 6))
    response = upload(client, town, token, wrong)
    assert response.status_code == 303 and response.headers["location"] == f"/units/{town}/reports?year=2025"
    page = client.get(response.headers["location"]).text
    assert "已收到第 1 版，发现 2 个问题" in page
    assert "表三 三（七）总计 × 自然人：各项之和 12 ≠ 总计 11" in page and "青岚镇2025年报.docx" in page
    version = workbench.exec(select(ReportVersion)).one()
    assert version.uploaded_by == "unit1"
    download = client.get(f"/reports/versions/{version.id}/file")
    assert download.status_code == 200 and download.content == wrong.read_bytes()
    assert download.headers["content-disposition"].startswith("attachment")

    right = build_docx(tmp_path / "更正.docx", Report())
    page = client.get(upload(client, town, token, right).headers["location"]).text
    assert "已收到第 2 版，发现 0 个问题" in page and "没有发现问题" in page
    deadline = workbench.exec(select(Deadline).where(Deadline.kind == DeadlineKind.ANNUAL_REPORT,
                                                     Deadline.unit_id == town)).one()
    assert deadline.state == "met"


def test_a_file_that_is_not_the_units_report_is_refused_with_its_name(client: TestClient, workbench: Session,
                                                                      demo_cycle: Cycle, tmp_path: Path) -> None:
    town = unit_id(workbench, TOWN)
    token = log_in(client, "unit1")
    response = upload(client, town, token, build_docx(tmp_path / "云雾镇.docx", Report(unit_title="云雾镇人民政府")))
    assert response.status_code == 422
    assert "未接收：云雾镇.docx：这是“云雾镇（演示）”的报告" in response.text
    page = tmp_path / "page.html"
    page.write_bytes(b"<html><body><p>\xe4\xbd\xa0\xe5\xa5\xbd</p></body></html>")
    response = upload(client, town, token, page)
    assert response.status_code == 422 and "不是政府信息公开工作年度报告" in response.text
    assert workbench.exec(select(ReportVersion)).all() == []


def test_another_units_reports_are_out_of_reach(client: TestClient, workbench: Session, demo_cycle: Cycle,
                                                tmp_path: Path) -> None:
    other = unit_id(workbench, OTHER)
    token = log_in(client, "unit2")
    html = build_html(tmp_path / "云雾镇.html", Report(unit_title="云雾镇人民政府", seed=4),
                      extra_head="<script>alert(1)</script>")
    assert upload(client, other, token, html).status_code == 303
    version = workbench.exec(select(ReportVersion)).one()
    download = client.get(f"/reports/versions/{version.id}/file")
    assert download.headers["content-type"] == "application/octet-stream"  # a page handed in is never shown
    assert download.headers["x-content-type-options"] == "nosniff"

    token = log_in(client, "unit1")
    for path in (f"/units/{other}/reports", f"/reports/versions/{version.id}/file", "/reports/2025"):
        assert client.get(path).status_code in (403, 404), path
    assert upload(client, other, token, html).status_code == 404
    assert client.post("/reports/2025/confirm", data={"csrf_token": token, "finding": "1"}).status_code == 403


def test_the_office_sees_the_district_and_confirms_findings(client: TestClient, workbench: Session,
                                                            demo_cycle: Cycle, tmp_path: Path) -> None:
    town = unit_id(workbench, TOWN)
    token = log_in(client, "unit1")
    upload(client, town, token, build_docx(tmp_path / "a.docx", with_t3(Report(), f.GRANTED, f.NATURAL, 6)))
    token = log_in(client, "office")
    page = client.get("/reports/2025")
    assert page.status_code == 200
    assert "应报送 37 个单位，已报送 1 个" in page.text and "按时报送" in page.text and "未报送" in page.text
    ids = re.findall(r'name="finding" value="(\d+)"', page.text)
    assert len(ids) == 2
    done = client.post("/reports/2025/confirm", data={"csrf_token": token, "finding": ids[:1], "points": "0"})
    assert done.status_code == 303
    page = client.get("/reports/2025").text
    assert "已将 1 个问题记入日常考核记录" in page and "已记入（刘静怡）" in page
    assert re.findall(r'name="finding" value="(\d+)"', page) == ids[1:]
    assert len(workbench.exec(select(DailyRecord)).all()) == 1
    refused = client.post("/reports/2025/confirm", data={"csrf_token": token, "finding": ids[1:], "points": "x"})
    assert refused.status_code == 422 and "不是数字" in refused.text

    opened = client.post("/reports/2025/deadlines", data={"csrf_token": token})
    assert opened.status_code == 303
    issued = client.post("/reports/2025/circular", data={"csrf_token": token})
    assert issued.status_code == 303
    page = client.get("/reports/2025").text
    link = re.search(r'href="(/documents/\d+\.docx)">关于2025年度政府信息公开工作年度报告审查情况的通报', page)
    assert link is not None
    token = log_in(client, "unit2")  # every unit may read the circular addressed to all of them
    assert client.get(link.group(1)).status_code == 200


def test_the_leading_group_reads_but_does_not_confirm(client: TestClient, workbench: Session,
                                                      demo_cycle: Cycle) -> None:
    token = log_in(client, "leader")
    page = client.get("/reports/2025")
    assert page.status_code == 200 and 'action="/reports/2025/confirm"' not in page.text
    assert client.post("/reports/2025/deadlines", data={"csrf_token": token}).status_code == 403

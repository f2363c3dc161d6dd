"""A unit's page on the workbench: confinement to its own unit, roles, uploads and validation."""

import io
import zipfile
from decimal import Decimal
from pathlib import Path

import pytest
from sqlalchemy import update
from sqlmodel import Session, col, select

from models.assessment import Assessment, SelfCheckStatus
from models.cycle import Cycle
from models.stages import STAGE_LABELS, Stage
from models.units import Category
from models.uploads import Upload, UploadKind
from tests.web.conftest import (
    Browser,
    csrf_of,
    log_in,
    open_self_check,
    raw_post,
    unit_id,
)
from zwgk.core.settings import get_settings
from zwgk.demo.filler import fill_self_check_form
from zwgk.intake.forms import regular_criteria

TOWN, OTHER = "青岚镇（演示）", "云雾镇（演示）"
PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


@pytest.fixture
def self_check(workbench: Session, demo_cycle: Cycle) -> Cycle:
    open_self_check(workbench, demo_cycle)
    return demo_cycle


def _form(client: Browser, unit: int, tmp_path: Path, scores: dict[str, Decimal]) -> bytes:
    response = client.get(f"/units/{unit}/self-check-form.xlsx")
    assert response.status_code == 200
    path = tmp_path / "form.xlsx"
    path.write_bytes(response.content)
    fill_self_check_form(path, scores, {"T001": "见会议纪要"})
    return path.read_bytes()


def _kept_files() -> list[str]:
    """The files kept under the upload folder (none half-received left behind either)."""
    root = get_settings().out_dir / "uploads"
    return sorted(p.name for p in root.rglob("*") if p.is_file()) if root.is_dir() else []


def _full_marks(session: Session, cycle: Cycle) -> dict[str, Decimal]:
    return {line.ref: line.points for line in regular_criteria(session, cycle.id)[Category.TOWNSHIP]}  # type: ignore[arg-type]


def test_unit_contact_sees_only_its_own_unit(client: Browser, workbench: Session, self_check: Cycle) -> None:
    own, other = unit_id(workbench, TOWN), unit_id(workbench, OTHER)
    log_in(client, "unit1")
    assert client.get("/").headers["location"] == f"/units/{own}"
    assert TOWN in client.get(f"/units/{own}").text
    for path in (f"/units/{other}", f"/units/{other}/self-check-form.xlsx", "/units/99999"):
        response = client.get(path)
        assert response.status_code == 404, path
        assert OTHER not in response.text
    # A unit that does not exist and one that does answer alike.
    assert client.get("/units/99999").text == client.get(f"/units/{other}").text
    for path in ("/cycles/2025", "/cycles/2025/gates/scheme", "/cycles/2025/group"):
        assert client.get(path).status_code == 403, path


def test_unit_cannot_upload_for_another_unit(client: Browser, workbench: Session, self_check: Cycle) -> None:
    other = unit_id(workbench, OTHER)
    token = log_in(client, "unit1")
    response = client.post(f"/units/{other}/evidence", data={"csrf_token": token, "criterion": "T001"},
                           files={"file": ("a.pdf", PDF, "application/pdf")})
    assert response.status_code == 404
    assert workbench.exec(select(Upload)).all() == []


def test_roles_from_the_roster(client: Browser, workbench: Session, self_check: Cycle) -> None:
    log_in(client, "assessor")
    assert client.get(f"/units/{unit_id(workbench, OTHER)}").status_code == 200
    assert client.get("/cycles/2025/group").status_code == 200
    assert client.get("/cycles/2025").status_code == 403
    log_in(client, "leader")
    assert client.get("/cycles/2025").status_code == 200
    assert client.get("/cycles/2025/group").status_code == 403
    log_in(client, "office")
    assert client.get("/cycles/2025/group").status_code == 200
    token = csrf_of(client.get("/cycles/2025").text)
    response = client.post("/cycles/2025/gates/scheme", data={"decision": "approve", "csrf_token": token})
    assert response.status_code == 403  # the scheme is the leading group's decision


def test_form_with_an_error_is_refused_whole_and_shown_by_row(client: Browser, workbench: Session,
                                                              self_check: Cycle, tmp_path: Path) -> None:
    own = unit_id(workbench, TOWN)
    token = log_in(client, "unit1")
    scores = _full_marks(workbench, self_check)
    scores["T002"] = scores["T002"] + 5
    response = client.post(f"/units/{own}/self-check", data={"csrf_token": token},
                           files={"file": ("我的表.xlsx", _form(client, own, tmp_path, scores), "application/octet-stream")})
    assert response.status_code == 422
    assert "未导入" in response.text and 'class="bad"' in response.text and "第 6 行" in response.text
    status = workbench.exec(select(Assessment.self_check_status).where(Assessment.unit_id == own)).one()
    assert status is SelfCheckStatus.PENDING
    # A refused upload leaves nothing behind: no row, no file.
    assert workbench.exec(select(Upload)).all() == []
    assert _kept_files() == []

    response = client.post(f"/units/{own}/self-check", data={"csrf_token": token},
                           files={"file": ("我的表.xlsx", _form(client, own, tmp_path, _full_marks(workbench, self_check)),
                                           "application/octet-stream")})
    assert response.status_code == 303
    workbench.expire_all()
    status = workbench.exec(select(Assessment.self_check_status).where(Assessment.unit_id == own)).one()
    assert status is SelfCheckStatus.RECEIVED
    assert "见会议纪要" in client.get(f"/units/{own}").text
    upload = workbench.exec(select(Upload)).one()
    assert upload.accepted and upload.original_name == "我的表.xlsx"
    assert _kept_files() == [f"{upload.sha256}.xlsx"]


def test_form_of_another_unit_is_refused(client: Browser, workbench: Session, self_check: Cycle,
                                         tmp_path: Path) -> None:
    own, other = unit_id(workbench, TOWN), unit_id(workbench, OTHER)
    log_in(client, "office")
    form = _form(client, other, tmp_path, _full_marks(workbench, self_check))
    token = log_in(client, "unit1")
    response = client.post(f"/units/{own}/self-check", data={"csrf_token": token},
                           files={"file": ("x.xlsx", form, "application/octet-stream")})
    assert response.status_code == 422 and "只能报送" in response.text


def _zip(content_types: str) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("[Content_Types].xml", content_types)
    return buffer.getvalue()


@pytest.mark.parametrize(("name", "content", "accepted"), [
    ("证明.pdf", PDF, True),
    ("照片.png", b"\x89PNG\r\n\x1a\n" + b"0" * 64, True),
    ("纪要.docx", _zip('<Types><Override ContentType="application/vnd.openxmlformats-officedocument.'
                       'wordprocessingml.document.main+xml"/></Types>'), True),
    ("伪装.pdf", b"MZ\x90\x00 this is a program", False),
    ("压缩包.docx", _zip("<Types/>"), False),
    ("空.pdf", b"", False),
])
def test_evidence_is_type_checked_by_content(client: Browser, workbench: Session, self_check: Cycle,
                                              name: str, content: bytes, accepted: bool) -> None:
    own = unit_id(workbench, TOWN)
    token = log_in(client, "unit1")
    response = client.post(f"/units/{own}/evidence", data={"csrf_token": token, "criterion": "t001"},
                           files={"file": (name, content, "application/pdf")})
    assert response.status_code == (303 if accepted else 422)
    uploads = workbench.exec(select(Upload).where(Upload.kind == UploadKind.EVIDENCE)).all()
    assert len(uploads) == (1 if accepted else 0)
    if accepted:
        assert uploads[0].uploaded_by == "unit1"
        page = client.get(f"/units/{own}").text
        assert name in page
        assert client.get(f"/uploads/{uploads[0].id}").content == content
        log_in(client, "unit2")
        assert client.get(f"/uploads/{uploads[0].id}").status_code == 404


def test_evidence_for_a_criterion_of_the_other_category_is_refused(client: Browser, workbench: Session,
                                                                     self_check: Cycle) -> None:
    own = unit_id(workbench, TOWN)
    token = log_in(client, "unit1")
    response = client.post(f"/units/{own}/evidence", data={"csrf_token": token, "criterion": "D001"},
                           files={"file": ("a.pdf", PDF, "application/pdf")})
    assert response.status_code == 422 and "D001" in response.text


def test_files_over_the_limit_are_refused_with_a_clear_message(client: Browser, workbench: Session,
                                                                self_check: Cycle,
                                                                monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("ZWGK_UPLOAD_MAX_MB", "1")
    get_settings.cache_clear()
    own = unit_id(workbench, TOWN)
    token = log_in(client, "unit1")
    head = (b"--b\r\nContent-Disposition: form-data; name=\"csrf_token\"\r\n\r\n" + token.encode()
            + b"\r\n--b\r\nContent-Disposition: form-data; name=\"criterion\"\r\n\r\nT001"
            + b"\r\n--b\r\nContent-Disposition: form-data; name=\"file\"; filename=\"big.pdf\"\r\n"
            b"Content-Type: application/pdf\r\n\r\n" + PDF)
    parts = [head] + [b"0" * 65536] * 40 + [b"\r\n--b--\r\n"]
    # With a Content-Length over the limit the answer comes before the body is read; without one
    # (chunked), the limit holds while the body streams in.
    for length in (sum(map(len, parts)), None):
        status, page = raw_post(client, f"/units/{own}/evidence", "multipart/form-data; boundary=b", parts, length)
        assert status == 413 and "超过 1 MB" in page and "返回工作台" in page
    assert workbench.exec(select(Upload)).all() == []
    assert _kept_files() == []


@pytest.mark.parametrize("stage", [Stage.OFFICE_REVIEW, Stage.PUBLISHED, Stage.WITHDRAWN])
def test_forms_and_evidence_are_received_only_while_the_cycle_takes_them(
        client: Browser, workbench: Session, demo_cycle: Cycle, tmp_path: Path, stage: Stage) -> None:
    """Once the group's scores are confirmed (or the cycle withdrawn), a form or a file of
    evidence posted anyway (an old page, a crafted request) is refused and nothing is kept."""
    open_self_check(workbench, demo_cycle)
    own = unit_id(workbench, TOWN)
    token = log_in(client, "unit1")
    form = _form(client, own, tmp_path, _full_marks(workbench, demo_cycle))
    # Set straight in the table: how the cycle got there is not what is tested.
    workbench.exec(update(Cycle).where(col(Cycle.id) == demo_cycle.id).values(stage=stage))  # type: ignore[call-overload]
    workbench.commit()
    # A withdrawn year no longer asks the unit anything; a later stage says why it refuses.
    refused = (404, "该单位没有 2025 年度考核") if stage is Stage.WITHDRAWN else (422, f"当前处于“{STAGE_LABELS[stage]}”阶段，不再接收")
    sent = client.post(f"/units/{own}/self-check", data={"csrf_token": token, "year": "2025"},
                       files={"file": ("自查.xlsx", form, "application/octet-stream")})
    assert sent.status_code == refused[0] and refused[1] in sent.text
    sent = client.post(f"/units/{own}/evidence", data={"csrf_token": token, "criterion": "T001", "year": "2025"},
                       files={"file": ("a.pdf", PDF, "application/pdf")})
    assert sent.status_code == refused[0] and refused[1] in sent.text
    assert workbench.exec(select(Upload)).all() == [] and _kept_files() == []
    assessment = workbench.exec(select(Assessment).where(Assessment.unit_id == own)).one()
    assert assessment.self_check_status is SelfCheckStatus.PENDING and assessment.self_score is None

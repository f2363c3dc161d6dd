"""`zwgk cycle status` for people: the latest documents, and where to find them all."""

from rich.console import Console

from zwgk.cli.cycle import LATEST_DOCUMENTS, render_status


def _report(documents: int) -> dict[str, object]:
    return {"year": 2025, "stage": "rectification", "stage_label": "问题反馈与整改", "waiting_for": "",
            "waiting_label": "", "units": 40, "self_check_missing": [], "not_scored": [], "deadlines": {},
            "documents": [{"number": f"乌府公开办〔2026〕{n}号", "title": f"文件{n}", "issued_on": "2026-02-01",
                           "path": f"2025/{n}.docx"} for n in range(1, documents + 1)]}


def _printed(report: dict[str, object]) -> str:
    console = Console(record=True, width=200)
    render_status(report, console)
    return console.export_text()


def test_a_long_register_shows_the_latest_documents_and_the_command_for_all() -> None:
    text = _printed(_report(LATEST_DOCUMENTS + 5))
    assert f"已发文件（{LATEST_DOCUMENTS + 5} 件，最近 {LATEST_DOCUMENTS} 件）" in text
    assert "〔2026〕6号" in text and "〔2026〕5号" not in text and "〔2026〕15号" in text
    assert "zwgk documents list 2025" in text


def test_a_short_register_is_shown_whole() -> None:
    text = _printed(_report(3))
    assert "已发文件（3 件）" in text and "〔2026〕1号" in text and "documents list" not in text

"""PDF copies through LibreOffice: every document type converts; a clear message without it."""

from pathlib import Path

import pytest
from sqlmodel import Session
from typer.testing import CliRunner

from tests.integration.documents_fixtures import Scored, issue_everything, scored  # noqa: F401
from zwgk.cli.documents import app
from zwgk.documents import pdf
from zwgk.documents.register import document_path


@pytest.mark.skipif(pdf.soffice() is None,
                    reason="未安装 LibreOffice（apt-get install libreoffice-writer-nogui fonts-noto-cjk），跳过 PDF 转换检查")
def test_one_document_of_every_type_converts_to_pdf(session: Session, scored: Scored,  # noqa: F811
                                                    tmp_path: Path) -> None:
    issued = issue_everything(session, scored, tmp_path / "out")
    sources = [document_path(docs[0], tmp_path / "out") for docs in issued.values()]
    made = pdf.convert_to_pdf(sources)  # one LibreOffice run for all of them
    assert [p.with_suffix(".docx") for p in made] == sources
    for file in made:
        data = file.read_bytes()
        assert data.startswith(b"%PDF") and len(data) > 5_000, file.name


def test_without_libreoffice_the_message_says_what_to_install(
        monkeypatch: pytest.MonkeyPatch, session: Session, scored: Scored,  # noqa: F811
        db_url: str, tmp_path: Path) -> None:
    monkeypatch.setattr(pdf.shutil, "which", lambda _name: None)
    with pytest.raises(pdf.PdfUnavailable, match="未安装 LibreOffice"):
        pdf.convert_to_pdf([tmp_path / "x.docx"])
    issue_everything(session, scored, tmp_path / "out")
    result = CliRunner().invoke(app, ["pdf", "2025", "--db", db_url, "--out", str(tmp_path / "out")])
    assert result.exit_code == 1
    assert "未安装 LibreOffice" in result.output

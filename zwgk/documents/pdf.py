"""Optional PDF copies of issued documents, made by LibreOffice when it is installed."""

import shutil
import subprocess
import tempfile
from collections.abc import Sequence
from pathlib import Path

INSTALL_HINT = ("未安装 LibreOffice（找不到 soffice 命令），无法转换为 PDF；请安装 LibreOffice"
                "（Debian/Ubuntu：apt-get install libreoffice-writer-nogui fonts-noto-cjk），"
                "或在 Word/WPS 中打开 .docx 另存为 PDF (LibreOffice is not installed)")


class PdfUnavailable(RuntimeError):
    """LibreOffice is not installed, or it failed to convert a document."""


def soffice() -> str | None:
    """The LibreOffice command, if installed."""
    return shutil.which("soffice") or shutil.which("libreoffice")


def _batches(files: Sequence[Path]) -> list[list[Path]]:
    """Split into batches whose file stems are unique (one output folder per call)."""
    batches: list[list[Path]] = []
    for file in files:
        for batch in batches:
            if all(other.stem != file.stem for other in batch):
                batch.append(file)
                break
        else:
            batches.append([file])
    return batches


def convert_to_pdf(files: Sequence[Path], timeout: float = 600) -> list[Path]:
    """Convert .docx files to PDF next to each source (``x.docx`` → ``x.pdf``); returns the PDFs.

    All files go through one LibreOffice run (starting it costs seconds), with a throw-away
    profile so that it neither needs nor touches a user's LibreOffice settings.
    """
    command = soffice()
    if command is None:
        raise PdfUnavailable(INSTALL_HINT)
    results: list[Path] = []
    for batch in _batches([Path(f).resolve() for f in files]):
        with tempfile.TemporaryDirectory(prefix="zwgk-pdf-") as work:
            work_dir = Path(work)
            completed = subprocess.run(
                [command, f"-env:UserInstallation={(work_dir / 'profile').as_uri()}", "--headless",
                 "--norestore", "--convert-to", "pdf", "--outdir", str(work_dir / "pdf"),
                 *map(str, batch)],
                capture_output=True, text=True, timeout=timeout, check=False)
            for source in batch:
                made = work_dir / "pdf" / f"{source.stem}.pdf"
                if not made.is_file():
                    raise PdfUnavailable(
                        f"LibreOffice 未能把 {source.name} 转换为 PDF (conversion failed): "
                        f"{completed.stderr.strip() or completed.stdout.strip()}")
                target = source.with_suffix(".pdf")
                shutil.move(made, target)
                results.append(target)
    return results

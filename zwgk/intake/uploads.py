"""Keeping uploaded files: size limit, type checked by content, SHA-256, uploader and time.

Files go under ``<out>/uploads/<first two hex>/<sha256><ext>``: named by their content, so a
file is never overwritten by other content, and the user's file name is kept only as text. A
file is read and checked aside (``received``), then recorded and placed in the transaction that
also imports it (zwgk.intake.submissions), so an upload is kept exactly when it is accepted.
"""

import hashlib
import os
import tempfile
import zipfile
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO

from sqlmodel import Session, col, select

from models.audit import record
from models.text import TextRefused, clean_text
from models.uploads import UPLOAD_LABELS, Upload, UploadKind
from zwgk.core.settings import get_settings

CHUNK = 1024 * 1024
TYPE_LABELS = {"pdf": "PDF", "png": "PNG 图片", "jpeg": "JPEG 图片", "docx": "Word 文档 (.docx)",
               "xlsx": "Excel 表格 (.xlsx)", "ole": "Word/Excel 97-2003 文件 (.doc/.xls)"}
EXTENSIONS = {"pdf": ".pdf", "png": ".png", "jpeg": ".jpg", "docx": ".docx", "xlsx": ".xlsx", "ole": ".doc"}
MEDIA_TYPES = {"pdf": "application/pdf", "png": "image/png", "jpeg": "image/jpeg",
               "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
               "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
               "ole": "application/octet-stream"}
_DOCUMENTS = frozenset({"pdf", "png", "jpeg", "docx", "xlsx", "ole"})
ALLOWED: dict[UploadKind, frozenset[str]] = {
    UploadKind.SELF_CHECK_FORM: frozenset({"xlsx"}),
    UploadKind.SCORE_WORKBOOK: frozenset({"xlsx"}),
    UploadKind.EVIDENCE: _DOCUMENTS,
    UploadKind.RECTIFICATION_PLAN: _DOCUMENTS,
    UploadKind.RECTIFICATION_REPORT: _DOCUMENTS,
}
# [Content_Types].xml names the main part of an Office Open XML package.
_OOXML_MAIN = {"docx": b"wordprocessingml.document.main+xml", "xlsx": b"spreadsheetml.sheet.main+xml"}


class UploadRefused(ValueError):
    """A file that is too large or of a type the upload does not take (message in Chinese)."""


def max_bytes() -> int:
    """The largest file accepted (ZWGK_UPLOAD_MAX_MB)."""
    return get_settings().upload_max_mb * 1024 * 1024


def too_large_message() -> str:
    """What a person is told about a file over the limit."""
    mb = get_settings().upload_max_mb
    return f"文件超过 {mb} MB 上限，未保存；请压缩或拆分后再上传 (file larger than {mb} MB)"


def sniff(path: Path) -> str | None:
    """The file's type from its content (magic bytes; for a zip, its [Content_Types]), or None."""
    with path.open("rb") as f:
        head = f.read(8)
    if head.startswith(b"%PDF-"):
        return "pdf"
    if head.startswith(b"\x89PNG\r\n\x1a\n"):
        return "png"
    if head.startswith(b"\xff\xd8\xff"):
        return "jpeg"
    if head == b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1":
        return "ole"
    if head.startswith(b"PK\x03\x04"):
        try:
            with zipfile.ZipFile(path) as archive:
                types = archive.read("[Content_Types].xml")
        except (zipfile.BadZipFile, KeyError):
            return None
        return next((kind for kind, main in _OOXML_MAIN.items() if main in types), None)
    return None


def shown_name(original_name: str) -> str:
    """The name a browser sent with a file, for display only (the file is kept under its
    SHA-256): its last path part, normalised; UploadRefused when it holds a control or
    direction character (a right-to-left override makes evil[U+202E]gpj.exe read as evilexe.jpg)."""
    last = original_name.replace("\\", "/").rsplit("/", 1)[-1]
    try:
        return clean_text(last[:200], where="文件名 (file name)")
    except TextRefused as exc:
        raise UploadRefused(str(exc)) from None


@dataclass(frozen=True)
class Received:
    """A file handed in and checked, kept aside until the transaction that records it commits."""

    temp: Path
    original_name: str
    file_type: str
    size: int
    sha256: str

    @property
    def relative(self) -> Path:
        """Where it is kept, relative to the output folder: named by its content."""
        return Path("uploads") / self.sha256[:2] / f"{self.sha256}{EXTENSIONS[self.file_type]}"

    def place(self) -> None:
        """Put the file where uploads are kept, just before the commit that records it (a file of
        the same content already there is this file). A refused upload never gets here, so it
        leaves nothing behind; should the commit fail after this, an unrecorded copy of content
        somebody sent stays, which harms nothing."""
        target = get_settings().out_dir / self.relative
        target.parent.mkdir(parents=True, exist_ok=True)
        if not target.exists():
            os.replace(self.temp, target)


@contextmanager
def received(source: BinaryIO, original_name: str, kind: UploadKind) -> Iterator[Received]:
    """Read the file from ``source`` into a file of its own and check it; UploadRefused, with
    nothing kept, when it is empty, larger than the limit, not of a type ``kind`` takes, or its
    name holds an invisible control or direction character (a name is only ever shown). The
    file is removed on leaving unless it was placed."""
    original_name = shown_name(original_name)
    incoming = get_settings().out_dir / "uploads" / ".incoming"
    incoming.mkdir(parents=True, exist_ok=True)
    digest, size, limit = hashlib.sha256(), 0, max_bytes()
    fd, temp_name = tempfile.mkstemp(dir=incoming)
    temp = Path(temp_name)
    try:
        with os.fdopen(fd, "wb") as out:
            while chunk := source.read(CHUNK):
                size += len(chunk)
                if size > limit:
                    raise UploadRefused(too_large_message())
                digest.update(chunk)
                out.write(chunk)
        if size == 0:
            raise UploadRefused("文件是空的 (empty file)")
        file_type = sniff(temp)
        if file_type not in ALLOWED[kind]:
            allowed = "、".join(TYPE_LABELS[t] for t in sorted(ALLOWED[kind]))
            raise UploadRefused(f"“{original_name}”不是可接受的{UPLOAD_LABELS[kind]}文件类型（按文件内容识别），"
                                f"可接受：{allowed} (file type not accepted)")
        yield Received(temp, original_name, file_type, size, digest.hexdigest())
    finally:
        temp.unlink(missing_ok=True)


def same_upload(session: Session, *, kind: UploadKind, cycle_id: int, unit_id: int | None,
                criterion_id: int | None, sha256: str) -> Upload | None:
    """The upload that a file of ``sha256`` sent again repeats, or None: evidence already
    attached to the criterion, or the same file as the unit's (the group's) latest of its kind."""
    query = select(Upload).where(Upload.kind == kind, Upload.cycle_id == cycle_id, col(Upload.accepted),
                                 col(Upload.unit_id).is_(None) if unit_id is None else Upload.unit_id == unit_id)
    if kind is UploadKind.EVIDENCE:
        return session.exec(query.where(Upload.criterion_id == criterion_id, Upload.sha256 == sha256)).first()
    latest = session.exec(query.order_by(col(Upload.id).desc())).first()
    return latest if latest is not None and latest.sha256 == sha256 else None


def record_upload(session: Session, file: Received, *, kind: UploadKind, cycle_id: int, uploaded_by: str,
                  unit_id: int | None = None, criterion_id: int | None = None) -> Upload:
    """Record the upload and audit it, in the caller's transaction (the caller places the file
    and commits)."""
    upload = Upload(kind=kind, cycle_id=cycle_id, unit_id=unit_id, criterion_id=criterion_id,
                    original_name=file.original_name, file_type=file.file_type, size=file.size, sha256=file.sha256,
                    path=file.relative.as_posix(), uploaded_by=uploaded_by)
    session.add(upload)
    record(session, actor=uploaded_by, action=f"upload.{kind.value}", cycle_id=cycle_id,
           detail={"file": file.original_name, "bytes": file.size, "sha256": file.sha256})
    return upload


def upload_file(upload: Upload) -> Path:
    """Where the upload's file is kept."""
    return get_settings().out_dir / upload.path


def uploads_of(session: Session, *, cycle_id: int, unit_id: int | None = None,
               kind: UploadKind | None = None) -> list[Upload]:
    """The uploads of a cycle (of one unit, of one kind), oldest first."""
    query = select(Upload).where(Upload.cycle_id == cycle_id)
    if unit_id is not None:
        query = query.where(Upload.unit_id == unit_id)
    if kind is not None:
        query = query.where(Upload.kind == kind)
    return list(session.exec(query.order_by(col(Upload.id))).all())

"""Keeping uploaded files: size limit, type checked by content, SHA-256, uploader and time.

Files go under ``<out>/uploads/<first two hex>/<sha256><ext>``: named by their content, so a
file is never overwritten by other content, and the user's file name is kept only as text.
"""

import hashlib
import os
import tempfile
import zipfile
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


def store_upload(session: Session, *, source: BinaryIO, original_name: str, kind: UploadKind, cycle_id: int,
                 uploaded_by: str, unit_id: int | None = None, criterion_id: int | None = None) -> Upload:
    """Keep the file read from ``source`` and record it (audited; commits); UploadRefused, with
    nothing kept, when it is larger than the limit or not of a type ``kind`` takes, or when its
    name holds an invisible control or direction character (a name is only ever shown)."""
    original_name = shown_name(original_name)
    root = get_settings().out_dir / "uploads"
    incoming = root / ".incoming"
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
        sha = digest.hexdigest()
        relative = Path("uploads") / sha[:2] / f"{sha}{EXTENSIONS[file_type]}"
        target = get_settings().out_dir / relative
        target.parent.mkdir(parents=True, exist_ok=True)
        if not target.exists():  # the same content is already kept otherwise
            os.replace(temp, target)
    finally:
        temp.unlink(missing_ok=True)
    upload = Upload(kind=kind, cycle_id=cycle_id, unit_id=unit_id, criterion_id=criterion_id,
                    original_name=original_name, file_type=file_type, size=size, sha256=sha,
                    path=relative.as_posix(), uploaded_by=uploaded_by)
    session.add(upload)
    record(session, actor=uploaded_by, action=f"upload.{kind.value}", cycle_id=cycle_id,
           detail={"file": original_name, "bytes": size, "sha256": sha})
    session.commit()
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


def mark_rejected(session: Session, upload: Upload) -> None:
    """Record that the file was kept but its content was not accepted (commits)."""
    upload.accepted = False
    session.add(upload)
    session.commit()

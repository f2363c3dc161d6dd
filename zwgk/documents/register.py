"""The document register: numbers (发文字号) and idempotent, crash-safe issuing.

A number comes from one sequence per issuing organ and year, incremented with a single
``UPDATE … SET last = last + 1 RETURNING last`` in the same short transaction that inserts the
register row. The database's row lock (PostgreSQL) or write lock (SQLite) serialises concurrent
issuers, and a failed insert rolls the increment back, so a number is never skipped, reused or
given twice. The document is rendered inside that transaction (it needs the number) and the row
stored with the file's SHA-256, so issuing costs one commit; the file is written only after the
commit (to a temporary name, then renamed): a crash in between leaves a row whose file is missing
or differs, and issuing the same key again re-renders it under the same number.
"""

import hashlib
import os
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from pydantic import BaseModel
from sqlalchemy import update
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, select

from models.documents import DocumentSequence, IssuedDocument
from zwgk.documents.contexts import Template
from zwgk.documents.render import render_docx
from zwgk.settings import get_settings


@dataclass(frozen=True)
class DocKey:
    """What makes a document the same document when issued again."""

    cycle_id: int | None
    stage: str
    unit_id: int | None
    doc_type: str
    revision: str = "0"

    def text(self) -> str:
        """The register's ``doc_key``: cycle:stage:unit:type:revision (``-`` for none)."""
        cycle = "-" if self.cycle_id is None else str(self.cycle_id)
        unit = "-" if self.unit_id is None else str(self.unit_id)
        return f"{cycle}:{self.stage}:{unit}:{self.doc_type}:{self.revision}"


def format_number(prefix: str, year: int, seq: int) -> str:
    """A document number as GB/T 9704 writes it: 乌府公开办〔2026〕3号."""
    return f"{prefix}〔{year}〕{seq}号"


def allocate_seq(session: Session, *, organ: str, year: int) -> int:
    """Take the next number of ``organ`` in ``year`` inside the session's open transaction.

    Must be the first write of the transaction: creating the sequence row on first use commits
    on its own (and tolerates another process creating it at the same moment).
    """
    bump = (
        update(DocumentSequence)
        .where(DocumentSequence.organ == organ, DocumentSequence.year == year)  # type: ignore[arg-type]
        .values(last=DocumentSequence.last + 1)
        .returning(DocumentSequence.last)
    )
    while True:
        seq = session.execute(bump).scalar_one_or_none()
        if seq is not None:
            return int(seq)
        session.rollback()
        try:
            session.add(DocumentSequence(organ=organ, year=year, last=0))
            session.commit()
        except IntegrityError:
            session.rollback()


def find(session: Session, key: DocKey) -> IssuedDocument | None:
    """The register row of ``key``, if it was issued."""
    return session.exec(select(IssuedDocument).where(IssuedDocument.doc_key == key.text())).first()


def resolve_out_dir(out_dir: Path | None) -> Path:
    """The output folder: the one given, else the configured ``out_dir``."""
    return Path(out_dir) if out_dir is not None else get_settings().out_dir


def document_path(document: IssuedDocument, out_dir: Path | None = None) -> Path:
    """The absolute file of a register row (its ``path`` is relative to the output folder)."""
    return (resolve_out_dir(out_dir) / document.path).resolve()


def sha256_of(path: Path) -> str:
    """SHA-256 of a file, '' when it does not exist."""
    try:
        return hashlib.sha256(path.read_bytes()).hexdigest()
    except FileNotFoundError:
        return ""


def write_atomically(path: Path, data: bytes) -> None:
    """Write ``data`` to ``path`` so that readers see the old file or the new one, never half."""
    path.parent.mkdir(parents=True, exist_ok=True)
    temp = path.with_name(f".{path.name}.{uuid.uuid4().hex}.tmp")
    try:
        temp.write_bytes(data)
        os.replace(temp, path)
    finally:
        temp.unlink(missing_ok=True)


@dataclass(frozen=True)
class Issue:
    """Everything needed to register and render one document."""

    key: DocKey
    organ: str | None  # organ key in settings.organs; None for forms without a number
    year: int  # the assessment year (the folder); the number's year is the issue date's
    title: str
    issued_on: date
    addressees: str
    path: str  # relative to the output folder, POSIX separators
    template: Template
    build: Callable[[str], BaseModel]  # document number → the template's context


def issue(session: Session, spec: Issue, out_dir: Path | None = None) -> IssuedDocument:
    """Register and write one document; issuing the same key again returns the same row.

    The file is (re-)rendered under the registered number when it is missing or its hash
    differs from the register's (a crash between commit and write, or a damaged file).
    """
    root = resolve_out_dir(out_dir)
    row = find(session, spec.key)
    if row is None:
        row, data = _register(session, spec)
        if data is not None:
            write_atomically(root / row.path, data)
            return row
    target = root / row.path
    if not row.sha256 or sha256_of(target) != row.sha256:
        data = render_docx(spec.template, spec.build(row.number))
        write_atomically(target, data)
        digest = hashlib.sha256(data).hexdigest()
        if digest != row.sha256:
            session.execute(
                update(IssuedDocument).where(IssuedDocument.id == row.id).values(sha256=digest)  # type: ignore[arg-type]
            )
            session.commit()
            session.refresh(row)
    return row


def _register(session: Session, spec: Issue) -> tuple[IssuedDocument, bytes | None]:
    """Insert the register row (with a fresh number when numbered) in one short transaction,
    with the rendered file's hash; the row and the file's bytes (None when another process
    registered the key first: its row is returned)."""
    # Issuing commits: commit the caller's pending work now, so that the rollback-and-retry
    # below (sequence row created on first use, lost race for the key) can never discard it.
    session.commit()
    number, seq, organ_key = "", None, ""
    if spec.organ is not None:
        organ_key = spec.organ
        organ = get_settings().organs[organ_key]
        seq = allocate_seq(session, organ=organ_key, year=spec.issued_on.year)
        number = format_number(organ.prefix, spec.issued_on.year, seq)
    try:
        data = render_docx(spec.template, spec.build(number))
    except BaseException:
        session.rollback()  # gives the number back and releases the lock at once
        raise
    row = IssuedDocument(
        doc_key=spec.key.text(), cycle_id=spec.key.cycle_id, stage=spec.key.stage,
        unit_id=spec.key.unit_id, doc_type=spec.key.doc_type, organ=organ_key,
        year=spec.issued_on.year if seq is not None else spec.year, seq=seq, number=number,
        title=spec.title, issued_on=spec.issued_on, addressees=spec.addressees, path=spec.path,
        sha256=hashlib.sha256(data).hexdigest(),
    )
    session.add(row)
    try:
        session.commit()
    except IntegrityError:
        # Another process registered the same key first: the increment is rolled back with
        # the insert, and its row is the one to use.
        session.rollback()
        existing = find(session, spec.key)
        if existing is None:
            raise RuntimeError(
                f"文件名 {spec.path} 已被另一份公文占用 (path already registered for another document)"
            ) from None
        return existing, None
    return row, data

"""The document register: numbers (发文字号) and idempotent, crash-safe issuing.

Documents are issued in batches (one document is a batch of one). The register rows of all keys
are looked up in one query; the missing documents get their numbers from one sequence per issuing
organ and year, a block of n at once with a single ``UPDATE … SET last = last + n RETURNING last``
in the same short transaction that inserts their rows. The database's row lock (PostgreSQL) or
write lock (SQLite) serialises concurrent issuers, and a failed insert rolls the increment back,
so a number is never skipped, reused or given twice. The documents are rendered inside that
transaction (they need their numbers), each written to a hidden temporary file as soon as it is
rendered (so a batch of thousands holds one document in memory at a time), and the rows stored
with the files' SHA-256, so a batch costs one commit. Only after the commit are the temporary
files renamed to their names: a crash in between leaves rows whose files are missing (and hidden
temporary files), and issuing the same keys again re-renders them under the same numbers; a
rolled-back batch deletes its temporary files.
"""

from collections import Counter
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from pydantic import BaseModel
from sqlalchemy import update
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, col, select

from models.audit import anchor_head, record
from models.district import district_profile
from models.documents import DocumentSequence, IssuedDocument
from zwgk.adapters.files import (
    file_sha256,
    move_into_place,
    sha256_hex,
    write_atomically,
    write_temporary,
)
from zwgk.core.actors import OFFICE_ACTOR
from zwgk.core.settings import get_settings
from zwgk.documents.contexts import Template
from zwgk.documents.render import render_docx


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


def allocate_seqs(session: Session,
                  counts: Mapping[tuple[str, int], int]) -> dict[tuple[str, int], int]:
    """Take ``counts[(organ, year)]`` consecutive numbers of each organ and year inside the
    session's open transaction; the first number of each block.

    Must be the first write of the transaction: a sequence used for the first time is created
    beforehand and committed on its own.
    """
    _create_sequences(session, counts)
    firsts: dict[tuple[str, int], int] = {}
    # Sequences locked in one order everywhere, so two batches cannot deadlock.
    for organ, year in sorted(counts):
        count = counts[(organ, year)]
        last = session.execute(
            update(DocumentSequence)
            .where(DocumentSequence.organ == organ, DocumentSequence.year == year)  # type: ignore[arg-type]
            .values(last=DocumentSequence.last + count)
            .returning(DocumentSequence.last)
        ).scalar_one()
        firsts[(organ, year)] = int(last) - count + 1
    return firsts


def _create_sequences(session: Session, keys: Iterable[tuple[str, int]]) -> None:
    """Create the missing sequence rows of ``keys``, each committed (another process creating
    the same row at the same moment is fine). Looked up first, so that the usual case rolls
    nothing back: a rollback would expire every object the caller's session holds."""
    wanted = set(keys)
    have = set(session.exec(select(DocumentSequence.organ, DocumentSequence.year).where(
        col(DocumentSequence.organ).in_({organ for organ, _ in wanted}),
        col(DocumentSequence.year).in_({year for _, year in wanted}))).all())
    for organ, year in sorted(wanted - have):
        session.add(DocumentSequence(organ=organ, year=year, last=0))
        try:
            session.commit()
        except IntegrityError:
            session.rollback()


def resolve_out_dir(out_dir: Path | None) -> Path:
    """The output folder: the one given, else the configured ``out_dir``."""
    return Path(out_dir) if out_dir is not None else get_settings().out_dir


def document_path(document: IssuedDocument, out_dir: Path | None = None) -> Path:
    """The absolute file of a register row (its ``path`` is relative to the output folder)."""
    return (resolve_out_dir(out_dir) / document.path).resolve()


WITHDRAWN_FOLDER = "已撤销"


def withdraw_documents(session: Session, *, cycle_id: int, on: date, reason: str,
                       out_dir: Path | None = None) -> list[IssuedDocument]:
    """Mark every document of a withdrawn cycle withdrawn in the register (flushed, not
    committed): its number stays taken, and its key and file move aside (into a 已撤销 folder
    beside it), so that the cycle started again issues new documents under new numbers."""
    root = resolve_out_dir(out_dir)
    rows = list(session.exec(select(IssuedDocument).where(
        IssuedDocument.cycle_id == cycle_id, col(IssuedDocument.withdrawn_on).is_(None))).all())
    for row in rows:
        old = Path(row.path)
        row.path = (old.parent / WITHDRAWN_FOLDER / old.name).as_posix()
        row.doc_key = f"withdrawn:{row.id}:{row.doc_key}"
        row.withdrawn_on, row.withdrawn_reason = on, reason
        session.add(row)
        for suffix in (old.suffix, ".pdf"):
            source = root / old.with_suffix(suffix)
            if source.is_file():
                target = root / Path(row.path).with_suffix(suffix)
                target.parent.mkdir(parents=True, exist_ok=True)
                source.replace(target)
    session.flush()
    return rows


@dataclass(frozen=True)
class Issue:
    """Everything needed to register and render one document."""

    key: DocKey
    organ: str | None  # organ key (models.district.OrganKey); None for forms without a number
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
    return issue_many(session, [spec], out_dir)[0]


def issue_many(session: Session, specs: Sequence[Issue],
               out_dir: Path | None = None) -> list[IssuedDocument]:
    """Register and write documents in one batch; the register rows in the order of ``specs``.

    One lookup for all keys, one block of numbers per organ and year, one commit for all new
    rows; then the new files are written. Keys already registered keep their rows and numbers,
    and their files are rendered again when missing or differing from the register's hash. A
    key given twice is one document.
    """
    root = resolve_out_dir(out_dir)
    wanted: dict[str, Issue] = {}
    for spec in specs:
        wanted.setdefault(spec.key.text(), spec)
    rows, fresh = _register(session, wanted, root)
    try:
        for key, temp in fresh.items():
            move_into_place(temp, root / wanted[key].path)
    finally:
        for temp in fresh.values():  # left by a failed rename (the next issue repairs those keys)
            temp.unlink(missing_ok=True)
    _repair(session, [(spec, rows[key]) for key, spec in wanted.items() if key not in fresh],
            root)
    return [rows[spec.key.text()] for spec in specs]


def _register(session: Session, wanted: Mapping[str, Issue],
              root: Path) -> tuple[dict[str, IssuedDocument], dict[str, Path]]:
    """The register row of every wanted key, inserting the missing ones (numbered, with their
    files' hashes) in one short transaction; and the temporary files rendered for them.

    Losing a race for some keys (another process registered them first) rolls the whole insert
    back, numbers included, and tries again with the keys still missing.
    """
    failure: IntegrityError | None = None
    failed_with = 0
    while True:
        rows = {row.doc_key: row for row in session.exec(
            select(IssuedDocument).where(col(IssuedDocument.doc_key).in_(list(wanted))))}
        new = [spec for key, spec in wanted.items() if key not in rows]
        if not new:
            return rows, {}
        if failure is not None and len(new) == failed_with:  # not a lost race for a key
            clash = _clashing_paths(session, new)
            if clash:
                raise RuntimeError(f"文件名 {'、'.join(clash)} 已被另一份公文占用 "
                                   f"(path already registered for another document)") from failure
            raise failure
        # Issuing commits: commit the caller's pending work now, so that the rollbacks below
        # (sequence row created on first use, lost race) can never discard it; this also ends
        # the lookup's read, so that the sequence update opens a fresh write transaction.
        session.commit()
        try:
            inserted = _insert(session, new, root)
        except IntegrityError as error:
            session.rollback()
            failure, failed_with = error, len(new)
            continue
        fresh = {}
        for spec, (row, temp) in zip(new, inserted, strict=True):
            rows[spec.key.text()] = row
            fresh[spec.key.text()] = temp
        return rows, fresh


def _insert(session: Session, new: Sequence[Issue], root: Path) -> list[tuple[IssuedDocument, Path]]:
    """Number, render and insert ``new`` in one transaction, committed; the rows and their files
    under temporary names (deleted if the transaction does not commit)."""
    profile = district_profile(session)
    next_seq = allocate_seqs(session, Counter(
        (spec.organ, spec.issued_on.year) for spec in new if spec.organ is not None))
    inserted: list[tuple[IssuedDocument, Path]] = []
    try:
        for spec in new:
            number, seq = "", None
            if spec.organ is not None:
                seq = next_seq[(spec.organ, spec.issued_on.year)]
                next_seq[(spec.organ, spec.issued_on.year)] += 1
                number = format_number(profile.organ(spec.organ).prefix, spec.issued_on.year, seq)
            data = render_docx(spec.template, spec.build(number))
            inserted.append((IssuedDocument(
                doc_key=spec.key.text(), cycle_id=spec.key.cycle_id, stage=spec.key.stage,
                unit_id=spec.key.unit_id, doc_type=spec.key.doc_type, organ=spec.organ or "",
                year=spec.issued_on.year if seq is not None else spec.year, seq=seq, number=number,
                title=spec.title, issued_on=spec.issued_on, addressees=spec.addressees,
                path=spec.path, sha256=sha256_hex(data)),
                write_temporary(root / spec.path, data)))
        session.add_all(row for row, _ in inserted)
        # One audit row per batch, and the chain's head kept beside the register: the register
        # outlives the log, so a log whose tail was cut no longer matches it.
        record(session, actor=OFFICE_ACTOR, action="documents.issue",
               cycle_id=inserted[0][0].cycle_id if inserted else None,
               detail={"documents": [[row.number or row.doc_key, row.path, row.sha256] for row, _ in inserted]})
        anchor_head(session, source="register")
        session.commit()
    except BaseException:
        session.rollback()  # gives the numbers back and releases the lock at once
        for _, temp in inserted:
            temp.unlink(missing_ok=True)
        raise
    return inserted


def _clashing_paths(session: Session, new: Sequence[Issue]) -> list[str]:
    """File names of ``new`` already registered under other keys or given twice in the batch."""
    paths = Counter(spec.path for spec in new)
    taken = set(session.exec(
        select(IssuedDocument.path).where(col(IssuedDocument.path).in_(list(paths)))))
    return sorted(taken | {path for path, n in paths.items() if n > 1})


def _repair(session: Session, issued: Sequence[tuple[Issue, IssuedDocument]], root: Path) -> None:
    """Render again, under its registered number, every file that is missing or differs from
    the register's hash (a crash between commit and write, or a damaged file); one commit for
    the hashes that change."""
    changed = False
    for spec, row in issued:
        target = root / row.path
        if row.sha256 and target.is_file() and file_sha256(target) == row.sha256:
            continue
        data = render_docx(spec.template, spec.build(row.number))
        write_atomically(target, data)
        digest = sha256_hex(data)
        if digest != row.sha256:
            row.sha256 = digest
            changed = True
    if changed:
        session.commit()

"""The append-only, hash-chained audit log.

Each row carries the hash of the previous row and a hash over its own content, so an altered
or deleted row breaks the chain and ``verify_chain`` names the first broken row. ``prev_hash``
is unique: two writers that raced for the same predecessor cannot both append (the loser
retries), so the chain stays a single line on every database.
"""

import hashlib
import json
from datetime import datetime
from typing import Any

from sqlalchemy import text
from sqlalchemy.exc import IntegrityError
from sqlmodel import Field, Session, SQLModel, select

from models.types import utcnow

GENESIS = "0" * 64
CHAIN_LOCK = 0x7A77676B5F617564  # the advisory lock that queues appenders on PostgreSQL ("zwgk_aud")
CHAIN_LOCKED = "zwgk.chain_locked"  # session.info: the transaction that holds it
# A session's ``info`` holds (id, hash) of the last entry it appended: its commit then tells the
# audit witness (zwgk.adapters.witness) the new head, outside the database.
APPENDED = "zwgk.audit_appended"
# The action of the row that seals a cycle's approved results (zwgk.results.sealing); the
# public results page prints its hash.
SEAL = "results.seal"


class AuditEntry(SQLModel, table=True):
    """Who did what, when, to which cycle."""

    __tablename__ = "audit_log"
    id: int | None = Field(default=None, primary_key=True)
    at: datetime = Field(default_factory=utcnow)
    actor: str
    action: str
    cycle_id: int | None = Field(default=None, index=True)
    from_stage: str = ""
    to_stage: str = ""
    comment: str = ""
    prev_hash: str = Field(unique=True)
    hash: str


class AuditAnchor(SQLModel, table=True):
    """The chain's head as it was when a document batch was registered, a sweep ran or a backup
    was taken: a log whose tail was cut no longer holds the row an anchor names."""

    __tablename__ = "audit_anchor"
    id: int | None = Field(default=None, primary_key=True)
    at: datetime = Field(default_factory=utcnow)
    source: str = Field(description="register, sweep or backup")
    audit_id: int
    hash: str


def anchor_head(session: Session, *, source: str) -> AuditAnchor | None:
    """Record the chain's current head (the caller commits); None while the log is empty."""
    head = session.exec(select(AuditEntry).order_by(AuditEntry.id.desc()).limit(1)).first()  # type: ignore[union-attr]
    if head is None:
        return None
    assert head.id is not None
    anchor = AuditAnchor(source=source, audit_id=head.id, hash=head.hash)
    session.add(anchor)
    return anchor


def cut_anchor(session: Session) -> AuditAnchor | None:
    """The first anchor whose row is gone or differs (the log's tail cut or rewritten), or None."""
    for anchor in session.exec(select(AuditAnchor).order_by(AuditAnchor.id)):  # type: ignore[arg-type]
        held = session.exec(select(AuditEntry.hash).where(AuditEntry.id == anchor.audit_id)).first()
        if held != anchor.hash:
            return anchor
    return None


def _digest(entry: AuditEntry) -> str:
    payload = json.dumps(
        [entry.at.isoformat(timespec="microseconds"), entry.actor,
         entry.action, entry.cycle_id, entry.from_stage, entry.to_stage, entry.comment,
         entry.prev_hash],
        ensure_ascii=False,
    )
    return hashlib.sha256(payload.encode("utf-8")).hexdigest()


def _next_entry(session: Session, actor: str, action: str, cycle_id: int | None, from_stage: str,
                to_stage: str, comment: str) -> AuditEntry:
    """The entry that follows the chain's tail as read now, with its hash."""
    last = session.exec(select(AuditEntry.hash).order_by(AuditEntry.id.desc()).limit(1)).first()  # type: ignore[union-attr]
    entry = AuditEntry(at=utcnow(), actor=actor, action=action, cycle_id=cycle_id, from_stage=from_stage,
                       to_stage=to_stage, comment=comment, prev_hash=last or GENESIS, hash="")
    entry.hash = _digest(entry)
    return entry


def append_audit(
    session: Session,
    *,
    actor: str,
    action: str,
    cycle_id: int | None = None,
    from_stage: str = "",
    to_stage: str = "",
    comment: str = "",
) -> AuditEntry:
    """Append one entry to the chain and flush it (the caller commits).

    On PostgreSQL appenders queue on a transaction-level advisory lock, held to the commit, so
    the tail read is the tail written after: a second appender would wait for the first one's
    commit anyway (the unique ``prev_hash``), but then lose and retry, and a crowd of them (a
    deadline-day burst of uploads) ran out of retries. On SQLite, where the tail may be read
    before the writer lock is taken, a savepoint lets the loser of a race retry without undoing
    the caller's other work in the same transaction.
    """
    if session.get_bind().dialect.name == "postgresql":
        transaction = session.get_transaction()
        if session.info.get(CHAIN_LOCKED) is not transaction:
            session.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": CHAIN_LOCK})
            session.info[CHAIN_LOCKED] = transaction  # held until this transaction ends
        entry = _next_entry(session, actor, action, cycle_id, from_stage, to_stage, comment)
        session.add(entry)
        session.flush()
        session.info[APPENDED] = (entry.id, entry.hash)
        return entry
    for _ in range(20):
        entry = _next_entry(session, actor, action, cycle_id, from_stage, to_stage, comment)
        try:
            with session.begin_nested():
                session.add(entry)
            session.info[APPENDED] = (entry.id, entry.hash)
            return entry
        except IntegrityError:
            session.expire_all()
    raise RuntimeError("audit log is too contended to append (审计日志写入冲突)")


def record(session: Session, *, actor: str, action: str, detail: str | dict[str, Any] = "",
           cycle_id: int | None = None) -> AuditEntry:
    """Record one state-changing action in the chain (the caller commits, with its change).

    ``detail`` says what changed: a text, or a mapping stored as canonical JSON (sorted keys)
    so that the same change always reads the same.
    """
    text = detail if isinstance(detail, str) else json.dumps(detail, ensure_ascii=False, sort_keys=True,
                                                             default=str)
    return append_audit(session, actor=actor, action=action, cycle_id=cycle_id, comment=text)


def latest_entry(session: Session, *, action: str, cycle_id: int) -> AuditEntry | None:
    """The newest entry of ``action`` for the cycle (e.g. the results as last sealed)."""
    return session.exec(select(AuditEntry).where(AuditEntry.action == action, AuditEntry.cycle_id == cycle_id)
                        .order_by(AuditEntry.id.desc())).first()  # type: ignore[union-attr]


def verify_chain(session: Session) -> AuditEntry | None:
    """Return None when the chain is intact, else the first row whose link or content is broken.

    A deleted row shows up as a broken link in the row after it.
    """
    prev = GENESIS
    for entry in session.exec(select(AuditEntry).order_by(AuditEntry.id)):  # type: ignore[arg-type]
        if entry.prev_hash != prev:
            return entry
        if _digest(entry) != entry.hash:
            return entry
        prev = entry.hash
    return None

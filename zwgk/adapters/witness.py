"""The audit witness: the audit chain's head, kept outside the database.

Whoever can delete rows of the audit log can delete whatever the same database says about them,
so every commit that appended audit rows also appends the chain's new head to an append-only
file (``ZWGK_AUDIT_WITNESS``, by default beside the output folder), flushed and fsynced before
the commit returns. A line is JSON: the chain it belongs to (the hash of the chain's first row,
so that several databases may share one file), the head's id and hash, and the time.
``zwgk audit verify`` (zwgk.results.sealing) compares the chain with it: rows missing after the
last head a line names are a cut tail, a head whose hash differs a rewritten chain.

Several processes append at once: each line is written by one ``write`` on a descriptor opened
with O_APPEND, under an exclusive lock of the file where the system has one, so lines never
interleave.
"""

import json
import os
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from sqlalchemy import event
from sqlalchemy.orm import Session
from sqlmodel import col, select

try:
    import fcntl
except ImportError:  # Windows: no advisory locks; O_APPEND writes of one short line stay whole
    fcntl = None  # type: ignore[assignment]

from models.audit import APPENDED, AuditEntry
from models.types import utcnow
from zwgk.core.settings import get_settings

_HEAD = "zwgk.witness_head"


@dataclass(frozen=True)
class Head:
    """One line of the witness: a chain's head at a commit."""

    chain: str
    id: int
    hash: str
    at: datetime


@dataclass(frozen=True)
class Witness:
    """What a witness file holds: its heads in order, and how many lines could not be read."""

    heads: list[Head]
    unreadable: int


def _note_head(session: Session) -> None:
    """Before a commit that appended audit rows: the head it makes durable, the last entry this
    session appended, and the chain it belongs to."""
    if session.in_nested_transaction():  # a savepoint: nothing is durable yet
        return
    appended = session.info.pop(APPENDED, None)
    if appended is None:
        return
    root = session.execute(select(AuditEntry.hash).order_by(col(AuditEntry.id)).limit(1)).scalar()
    session.info[_HEAD] = (root, *appended)


def _write_head(session: Session) -> None:
    """After the commit: append the head to the witness."""
    if session.in_nested_transaction():
        return
    head = session.info.pop(_HEAD, None)
    if head is not None:
        append(get_settings().witness_path, chain=head[0], head_id=head[1], head_hash=head[2])


def _forget(session: Session) -> None:
    """After a rollback of the whole transaction: what the session appended is gone. (A
    savepoint rolled back undoes only what was appended inside it, and append_audit notes an
    entry only once its own savepoint is released.)"""
    if session.in_nested_transaction():
        return
    session.info.pop(APPENDED, None)
    session.info.pop(_HEAD, None)


def install() -> None:
    """Witness every commit of every session of this process (idempotent)."""
    if not event.contains(Session, "before_commit", _note_head):
        event.listen(Session, "before_commit", _note_head)
        event.listen(Session, "after_commit", _write_head)
        event.listen(Session, "after_rollback", _forget)


def append(path: Path, *, chain: str, head_id: int, head_hash: str) -> None:
    """Append one head to the witness at ``path``, on disk when this returns."""
    path.parent.mkdir(parents=True, exist_ok=True)
    line = json.dumps({"chain": chain, "id": head_id, "hash": head_hash, "at": utcnow().isoformat()}) + "\n"
    fd = os.open(path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o640)
    try:
        if fcntl is not None:
            fcntl.flock(fd, fcntl.LOCK_EX)
        os.write(fd, line.encode("utf-8"))
        os.fsync(fd)
    finally:
        os.close(fd)  # releases the lock


def copy(source: Path, target: Path) -> None:
    """Copy the witness at ``source`` to ``target`` as it stands (no line half written)."""
    with source.open("rb") as held:
        if fcntl is not None:
            fcntl.flock(held.fileno(), fcntl.LOCK_SH)
        target.write_bytes(held.read())


def read(path: Path) -> Witness | None:
    """The witness at ``path``, or None when there is no such file."""
    if not path.is_file():
        return None
    heads, unreadable = [], 0
    for line in path.read_text(encoding="utf-8", errors="replace").splitlines():
        try:
            item = json.loads(line)
            heads.append(Head(str(item["chain"]), int(item["id"]), str(item["hash"]),
                              datetime.fromisoformat(str(item["at"]))))
        except (ValueError, KeyError, TypeError):
            unreadable += 1
    return Witness(heads, unreadable)

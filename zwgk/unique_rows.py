"""Adding rows that a unique key may already hold, safely under concurrent writers."""

from collections.abc import Callable, Sequence

from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, SQLModel


def add_unique_rows(session: Session, make_rows: Callable[[], Sequence[SQLModel]]) -> None:
    """Insert the rows ``make_rows`` builds, skipping any that collide with a unique key; commits.

    The common case is one batched insert. Only when another process wrote some of the same
    keys first (IntegrityError) are the rows added one by one, each in a savepoint, keeping
    the other process's rows. ``make_rows`` is called again for that retry because a rolled
    back session discards the objects it was given.
    """
    session.add_all(make_rows())
    try:
        session.commit()
        return
    except IntegrityError:
        session.rollback()
    for row in make_rows():
        try:
            with session.begin_nested():
                session.add(row)
        except IntegrityError:
            pass
    session.commit()

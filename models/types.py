"""Column types shared by the tables: points as exact one-decimal Decimals."""

from datetime import UTC, datetime
from decimal import ROUND_HALF_UP, Decimal

from sqlalchemy.engine import Dialect
from sqlalchemy.types import Integer, TypeDecorator

ONE_PLACE = Decimal("0.1")


def to_points(value: Decimal | int | str | float) -> Decimal:
    """A value as a Decimal with one decimal place, rounded half up (2.25 → 2.3)."""
    return Decimal(str(value)).quantize(ONE_PLACE, rounding=ROUND_HALF_UP)


def utcnow() -> datetime:
    """The current time, timezone-aware in UTC."""
    return datetime.now(UTC)


class Points(TypeDecorator[Decimal]):
    """A one-decimal Decimal stored as an integer count of tenths.

    Stored as an integer so that neither SQLite (which keeps NUMERIC as REAL) nor any
    other database ever holds a float; the value read back is exactly the one written.
    """

    impl = Integer
    cache_ok = True

    def process_bind_param(self, value: Decimal | None, dialect: Dialect) -> int | None:
        if value is None:
            return None
        return int(to_points(value) * 10)

    def process_result_value(self, value: int | None, dialect: Dialect) -> Decimal | None:
        if value is None:
            return None
        return (Decimal(value) / 10).quantize(ONE_PLACE)

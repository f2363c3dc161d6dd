"""The one retry policy: a call that fails for a passing reason (a mail server or a work-chat
robot that does not answer, a Prefect server whose database is busy) is tried again after short
waits, then given up with the last error, never raised for the passing kinds."""

import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Generic, TypeVar

T = TypeVar("T")

#: Waits between tries: three tries in all, 1.5 s at most in waiting.
SHORT_WAITS: tuple[float, ...] = (0.5, 1.0)


class TryAgain(Exception):
    """A refusal that asks to be tried again, after ``wait`` seconds when the server said how
    long (an HTTP Retry-After)."""

    def __init__(self, message: str, wait: float | None = None) -> None:
        super().__init__(message)
        self.wait = wait


@dataclass(frozen=True)
class Tried(Generic[T]):
    """How a retried call ended: its value, or the last passing error; and how many tries."""

    value: T | None
    attempts: int
    error: BaseException | None = None

    @property
    def ok(self) -> bool:
        """Whether a try succeeded."""
        return self.error is None


@dataclass(frozen=True)
class Retry:
    """Try at most ``len(waits) + 1`` times, waiting ``waits[i]`` after the (i+1)-th failure
    (or what a TryAgain asks for). ``sleep`` is injectable so that tests need not wait."""

    waits: Sequence[float] = SHORT_WAITS
    sleep: Callable[[float], None] = time.sleep

    def run(self, call: Callable[[], T], *, passing: tuple[type[BaseException], ...]) -> Tried[T]:
        """Call ``call`` until it returns; exceptions of ``passing`` (and TryAgain) are retried and
        the last one is returned in ``Tried.error``; any other exception propagates at once."""
        error: BaseException | None = None
        for attempt in range(1, len(self.waits) + 2):
            try:
                return Tried(call(), attempt)
            except (TryAgain, *passing) as exc:
                error = exc
            if attempt <= len(self.waits):
                asked = error.wait if isinstance(error, TryAgain) else None
                self.sleep(self.waits[attempt - 1] if asked is None else asked)
        return Tried(None, len(self.waits) + 1, error)

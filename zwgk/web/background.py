"""Letting a cycle's run carry on after a request has recorded a decision or an import.

In embedded mode the annual flow runs in this process and takes many seconds, so the request
only records (as ``zwgk approve`` and the imports do) and the run carries on in a worker thread:
one at a time per cycle, and once more if another request asked while it ran (that request's
submission may complete what the running flow already found missing). With a Prefect server
configured, resuming the suspended run is quick and is done in the request; the server's worker
does the rest.
"""

import logging
import threading
from dataclasses import dataclass
from datetime import date

from fastapi import Request
from sqlmodel import Session

from zwgk import runs
from zwgk.db import session_scope
from zwgk.wakeup import ready_years

log = logging.getLogger(__name__)

RUNNING = "已记录，年度考核正在继续办理…… (recorded; the annual run carries on)"
RESUMED = "已记录，年度考核已恢复运行 (recorded; the annual run resumed)"


@dataclass
class _CycleRun:
    """The worker of one cycle: whether it runs, whether to run again, how it last ended."""

    running: bool = False
    again: bool = False
    error: str | None = None


class CycleRunner:
    """Carries cycles' runs on in the background, one worker thread at a time per year."""

    def __init__(self, today: date | None) -> None:
        self.today = today  # ``zwgk web --today``: the day embedded runs act on
        self._lock = threading.Lock()
        self._cycles: dict[int, _CycleRun] = {}

    def carry_on(self, year: int, *, run_input: dict[str, str] | None = None) -> str:
        """Let the run of ``year`` carry on; the message to show the user."""
        if runs.server_configured():
            with session_scope() as session:
                runs.resume(session, year, today=self.today, run_input=run_input)
            return RESUMED
        with self._lock:
            cycle = self._cycles.setdefault(year, _CycleRun())
            if cycle.running:
                cycle.again = True
                return RUNNING
            cycle.running, cycle.error = True, None
        # Not a daemon: a run that has begun is finished before the process exits.
        threading.Thread(target=self._work, args=(year, cycle), name=f"zwgk-run-{year}").start()
        return RUNNING

    def running(self, year: int) -> bool:
        """Whether the run of ``year`` is being carried on now."""
        with self._lock:
            return year in self._cycles and self._cycles[year].running

    def last_error(self, year: int) -> str | None:
        """Why the last background run of ``year`` failed, if it did."""
        with self._lock:
            return self._cycles[year].error if year in self._cycles else None

    def _work(self, year: int, cycle: _CycleRun) -> None:
        while True:
            try:
                with session_scope() as session:
                    runs.resume(session, year, today=self.today)
            except Exception as exc:  # noqa: BLE001 (shown on the cycle page; the run can be resumed again)
                log.exception("background run of %s failed", year)
                with self._lock:
                    cycle.error = f"{type(exc).__name__}: {exc}"
            with self._lock:
                if not cycle.again:
                    cycle.running = False
                    return
                cycle.again = False

    def carry_on_ready(self, session: Session, *, day: date) -> None:
        """Like the command line after an import: let every run whose wait for units is over carry on."""
        for year in ready_years(session, today=day):
            self.carry_on(year)


def runner(request: Request) -> CycleRunner:
    """The workbench's runner (one per application)."""
    return request.app.state.runner  # type: ignore[no-any-return]

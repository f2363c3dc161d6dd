"""Starting a cycle's run, and letting it carry on after a request has recorded a decision or
an import.

In embedded mode the annual flow runs in this process and takes many seconds, so the request
only checks and records (as ``zwgk cycle start``, ``zwgk approve`` and the imports do) and the
run goes on in a worker thread: one at a time per cycle, and once more if another request asked
while it ran (that request's submission may complete what the running flow already found
missing). With a Prefect server configured, starting or resuming the run is quick and is done in
the request; the server's worker does the rest.
"""

import logging
import threading
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from functools import partial

from fastapi import Request
from sqlmodel import Session

from zwgk.adapters.db import session_scope
from zwgk.cycle.waits import ready_years
from zwgk.runner import runs

log = logging.getLogger(__name__)

RUNNING = "已记录，年度考核正在继续办理…… (recorded; the annual run carries on)"
STARTING = "年度考核正在启动（拟定实施方案）…… (the annual run is starting)"
STARTED = "年度考核已启动，由 Prefect 服务器运行 (started on the Prefect server)"
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

    def start(self, year: int, *, started_by: str) -> str:
        """Start the annual run of ``year``; the message to show the user. A district not ready
        raises NotReady here, in the request, before anything is created."""
        if runs.server_configured():
            runs.start(year, today=self.today, started_by=started_by)
            return STARTED
        runs.ensure_ready(year, today=self.today)
        self._launch(year, partial(runs.start, year, today=self.today, started_by=started_by))
        return STARTING

    def carry_on(self, year: int, *, run_input: dict[str, str] | None = None) -> str:
        """Let the run of ``year`` carry on; the message to show the user."""
        if runs.server_configured():
            with session_scope() as session:
                runs.resume(session, year, today=self.today, run_input=run_input)
            return RESUMED
        self._launch(year, partial(self._resume, year))
        return RUNNING

    def _launch(self, year: int, action: Callable[[], object]) -> None:
        """Run ``action`` in the year's worker thread, or have the running worker resume once more."""
        with self._lock:
            cycle = self._cycles.setdefault(year, _CycleRun())
            if cycle.running:
                cycle.again = True
                return
            cycle.running, cycle.error = True, None
        # Not a daemon: a run that has begun is finished before the process exits.
        threading.Thread(target=self._work, args=(year, cycle, action), name=f"zwgk-run-{year}").start()

    def running(self, year: int) -> bool:
        """Whether the run of ``year`` is being carried on now, by this process or another one
        on the machine (the workbench's other processes, a command)."""
        with self._lock:
            here = year in self._cycles and self._cycles[year].running
        return here or runs.running_on_this_machine(year)

    def last_error(self, year: int) -> str | None:
        """Why the last background run of ``year`` failed, if it did."""
        with self._lock:
            return self._cycles[year].error if year in self._cycles else None

    def _work(self, year: int, cycle: _CycleRun, action: Callable[[], object]) -> None:
        while True:
            try:
                action()
            except Exception as exc:  # noqa: BLE001 (shown on the cycle page; the run can be resumed again)
                log.exception("background run of %s failed", year)
                with self._lock:
                    cycle.error = f"{type(exc).__name__}: {exc}"
            with self._lock:
                if not cycle.again:
                    cycle.running = False
                    return
                cycle.again = False
            action = partial(self._resume, year)  # what another request asked meanwhile

    def _resume(self, year: int) -> None:
        with session_scope() as session:
            runs.resume(session, year, today=self.today)

    def carry_on_ready(self, session: Session, *, day: date) -> None:
        """Like the command line after an import: let every run whose wait for units is over carry on."""
        for year in ready_years(session, today=day):
            self.carry_on(year)


def runner(request: Request) -> CycleRunner:
    """The workbench's runner (one per application)."""
    return request.app.state.runner  # type: ignore[no-any-return]

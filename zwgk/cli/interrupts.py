"""Ctrl-C and SIGTERM: stop within seconds, the database left as its last commit left it.

Every change zwgk makes is a transaction (documents are written after their register rows
commit, to a temporary name and renamed, and re-rendered when missing), so stopping at any
instant loses at most the transaction in flight. SIGTERM is turned into KeyboardInterrupt so
that both unwind the same way (open transactions rolled back, files closed). What can take
long is what comes after: a flow run interrupted mid-way reports its crash to the Prefect API,
and its client retries for minutes when that server does not answer. So the first signal also
starts a clock: after ``GRACE_SECONDS`` the process stops its own child processes and exits at
once; a second signal exits at once. The shared local Prefect server (zwgk.runner.local_server)
is not a child: it serves other processes and stops by itself when idle. The next command or
sweep resumes a run left waiting (zwgk.runner.wake).
"""

import os
import signal
import threading
from pathlib import Path
from types import FrameType

GRACE_SECONDS = 3.0
EXIT_CODE = 130  # the shell's code for a process ended by Ctrl-C
STOP_SIGNALS = (signal.SIGINT, signal.SIGTERM)

_signals_seen = 0
_lock = threading.Lock()


def install() -> None:
    """Handle SIGINT and SIGTERM in this (main) process as described above.

    During a flow run Prefect puts its own SIGTERM handler in place (it reports the crash
    before passing the signal on), so the clock is started by a thread that learns of every
    signal through the interpreter's wake-up file descriptor, whichever handler runs.
    """
    signal.signal(signal.SIGINT, _interrupted)
    signal.signal(signal.SIGTERM, _interrupted)
    if os.name == "posix":
        read, write = os.pipe()
        os.set_blocking(write, False)
        signal.set_wakeup_fd(write, warn_on_full_buffer=False)
        threading.Thread(target=_watch, args=(read,), daemon=True, name="zwgk-interrupts").start()


def _interrupted(signum: int, _frame: FrameType | None) -> None:
    if os.name != "posix":
        _seen()
    raise KeyboardInterrupt(f"signal {signal.Signals(signum).name}")


def _watch(fd: int) -> None:
    while data := os.read(fd, 64):
        for signum in data:
            if signum in STOP_SIGNALS:
                _seen()


def _seen() -> None:
    """Count a stop signal: the first starts the clock, the second ends the process at once."""
    global _signals_seen
    with _lock:
        _signals_seen += 1
        first = _signals_seen == 1
    if not first:
        _exit_now()
    timer = threading.Timer(GRACE_SECONDS, _exit_now)
    timer.daemon = True
    timer.start()


def _exit_now() -> None:
    for pid in _children():
        try:
            os.kill(pid, signal.SIGTERM)
        except ProcessLookupError:
            continue
    os._exit(EXIT_CODE)


def _children() -> list[int]:
    """This process's direct children (Linux /proc; elsewhere none are known)."""
    me = str(os.getpid())
    found = []
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if fields[1] == me:
            found.append(int(stat.parent.name))
    return found

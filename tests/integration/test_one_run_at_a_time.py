"""One run of a year's cycle at a time on one machine: the workbench's processes, a clerk's
command and the sweep may want to carry the same cycle on at once (zwgk.runner.runs)."""

import threading
import time
from datetime import date
from pathlib import Path

import pytest

from zwgk.runner import runs, warm


def test_runs_of_one_year_wait_for_each_other_and_other_years_do_not(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PREFECT_HOME", str(tmp_path / "prefect"))
    monkeypatch.setattr(runs, "ensure_server", lambda: "http://127.0.0.1:9/api")
    spans: list[tuple[int, float, float]] = []
    other_year_ran = threading.Event()

    def run(_api: str, year: int, _today: date | None, _by: str) -> warm.Ran:
        begun = time.monotonic()
        assert runs.running_on_this_machine(year)  # what every process's cycle page asks
        if year == 2024:
            other_year_ran.set()
        else:  # 2024's run happens while this one holds 2025's lock, or never
            assert other_year_ran.wait(30)
            time.sleep(0.2)
        spans.append((year, begun, time.monotonic()))
        return warm.Ran("run", "waiting:gate:scheme")

    monkeypatch.setattr(warm, "run", run)
    threads = [threading.Thread(target=runs._run_here, args=(year, None, "测试")) for year in (2025, 2025, 2024)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    (_, _, first_end), (_, second_begun, _) = sorted(span for span in spans if span[0] == 2025)
    assert second_begun >= first_end  # the second run of 2025 began after the first ended
    assert len(spans) == 3
    assert not runs.running_on_this_machine(2025) and not runs.running_on_this_machine(2024)

"""The benchmarks still run: each reaches into the code it measures (the cycle's floor calls the
form and sheet builders), so a change there must not leave `make bench` broken. Tiny sizes, no
timings judged: figures are read from `make bench`, never asserted."""

import json
import subprocess
import sys
from pathlib import Path
from typing import Any

BENCH = Path(__file__).parents[2] / "bench"


def run_bench(script: str, *args: str) -> dict[str, Any]:
    """Run one benchmark script and return the JSON object it prints on stdout."""
    done = subprocess.run([sys.executable, str(BENCH / script), *args], capture_output=True, text=True,
                          timeout=300, check=False)
    assert done.returncode == 0, done.stderr[-3000:]
    result: dict[str, Any] = json.loads(done.stdout)
    return result


def test_cycle_benchmark_runs_a_small_district_to_the_end() -> None:
    result = run_bench("cycle.py", "--units", "4")
    assert result["final_stage"] == "closed"
    assert result["documents_by_template"]["自查评分表.docx"] == 4
    assert result["plain_workbooks_s"] > 0 and result["plain_render_s"] > 0


def test_sweep_and_intake_benchmarks_run() -> None:
    sweep = run_bench("sweep.py", "--deadlines", "50")
    assert sweep["deadlines"] == 50 and sweep["second_sweep_notices"] == 0
    intake = run_bench("intake.py", "--files", "3")
    assert [run["files"] for run in intake["runs"]] == [3]

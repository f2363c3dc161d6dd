"""bench/sites.py still runs (it reaches into the rounds it measures): two tiny sites, no pause.
Figures are read from the benchmark, never asserted."""

import json
import os
import subprocess
import sys
from pathlib import Path

BENCH = Path(__file__).parents[2] / "bench" / "sites.py"


def test_the_site_check_benchmark_runs_a_small_district() -> None:
    env = dict(os.environ, ZWGK_SITE_PAUSE_S="0")
    done = subprocess.run([sys.executable, str(BENCH), "--units", "2", "--pages", "4", "--items", "3"],
                          capture_output=True, text=True, timeout=300, env=env, check=False)
    assert done.returncode == 0, done.stderr[-3000:]
    [run] = json.loads(done.stdout)["runs"]
    assert (run["registered_pages"], run["failed"], run["findings"]) == (8, 0, 0)
    assert run["pages_read"] >= run["registered_pages"] and run["rss_peak_mb"] > 0

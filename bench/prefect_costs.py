"""Benchmark: what each Prefect feature zwgk uses costs, in embedded mode.

Usage: ``python bench/prefect_costs.py [--repeat 20]``. Progress goes to stderr, one JSON
object to stdout.

Every figure is a difference measured in this one process, a minute apart at most, so the
machine's load inflates them alike: an empty flow run against a process without Prefect's
temporary server, a flow with ``repeat`` empty subflows (or tasks, artifacts…) against an
empty flow, divided by ``repeat``. The flows do nothing else, so what is left is Prefect's own
work (API calls to the temporary server, state changes, logging).
"""

import argparse
import json
import os
import statistics
import sys
import time
from collections.abc import Callable
from typing import Any


def log(text: str) -> None:
    """Progress on stderr (stdout carries the JSON alone)."""
    print(text, file=sys.stderr, flush=True)


def timed(call: Callable[[], Any], times: int = 3) -> float:
    """Median wall seconds of ``times`` calls."""
    spans = []
    for _ in range(times):
        begin = time.perf_counter()
        call()
        spans.append(time.perf_counter() - begin)
    return statistics.median(spans)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=20, help="subflows, tasks… per measuring flow")
    args = parser.parse_args()
    # As `zwgk` itself runs: the user's Prefect home, a patient start of the temporary server.
    os.environ.setdefault("PREFECT_SERVER_EPHEMERAL_STARTUP_TIMEOUT_SECONDS", "120")
    os.environ.setdefault("PREFECT_SERVER_ANALYTICS_ENABLED", "false")
    os.environ.setdefault("PREFECT_LOGGING_LEVEL", "WARNING")
    print(json.dumps(measure(args.repeat), indent=2))


def measure(n: int) -> dict[str, Any]:
    """Seconds per feature; see the module's docstring."""
    begin = time.perf_counter()
    from prefect import flow, task
    from prefect.artifacts import create_markdown_artifact
    from prefect.cache_policies import NO_CACHE
    import_s = time.perf_counter() - begin

    @task(cache_policy=NO_CACHE)
    def plain_task() -> int:
        return 1

    @task(persist_result=True, cache_key_fn=lambda *_: None)
    def persisted_task() -> int:
        return 1

    @task(cache_policy=NO_CACHE)
    def artifact_task(i: int) -> None:
        create_markdown_artifact(key=f"bench-{i}", markdown="| a |\n|---|\n| 1 |")

    @flow
    def empty() -> None:
        pass

    @flow
    def child() -> None:
        pass

    @flow
    def subflows() -> None:
        for _ in range(n):
            child()

    @flow
    def tasks() -> None:
        for _ in range(n):
            plain_task()

    @flow
    def persisted() -> None:
        for _ in range(n):
            persisted_task()

    @flow
    def artifacts() -> None:
        for i in range(n):
            artifact_task(i)

    log("first flow run (starts the temporary server)")
    begin = time.perf_counter()
    empty()
    first = time.perf_counter() - begin
    base = timed(empty)
    log("subflows, tasks, persisted results, artifacts")
    per = {name: (timed(body) - base) / n for name, body in
           (("subflow_run_s", subflows), ("task_run_s", tasks), ("persisted_task_run_s", persisted),
            ("artifact_task_run_s", artifacts))}
    return {
        "repeat": n,
        "import_prefect_s": round(import_s, 3),
        "temporary_server_start_s": round(first - base, 3),
        "flow_run_s": round(base, 3),
        **{name: round(value, 4) for name, value in per.items()},
        "result_persistence_s": round(per["persisted_task_run_s"] - per["task_run_s"], 4),
        "artifact_s": round(per["artifact_task_run_s"] - per["task_run_s"], 4),
    }


if __name__ == "__main__":
    main()

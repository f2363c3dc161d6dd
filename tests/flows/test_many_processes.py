"""Six `zwgk demo` at once, each in its own folder, three sharing one Prefect home and three with
homes of their own: every one ends closed with the same rows and the same documents (none of
them reaches another's Prefect server or fails because another started or stopped)."""

import os
import threading
from pathlib import Path

from tests.flows.test_crash_safety import final_state, run_demo


def test_six_demos_at_once_all_close_with_the_same_documents(tmp_path: Path) -> None:
    shared = tmp_path / "shared-prefect-home"
    roots = [tmp_path / f"demo-{n}" for n in range(6)]
    outcomes: dict[Path, int] = {}

    def demo(root: Path, home: Path | None) -> None:
        if home is not None:  # run_demo gives each root a home of its own unless told otherwise
            (root / "prefect").parent.mkdir(parents=True, exist_ok=True)
            os.symlink(home, root / "prefect")
        outcomes[root] = run_demo(root)

    shared.mkdir()
    threads = [threading.Thread(target=demo, args=(root, shared if n < 3 else None)) for n, root in enumerate(roots)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    for root in roots:
        assert outcomes[root] == 0, (root / "demo.log").read_text()[-3000:]
    expected = final_state(roots[0])
    assert expected["stage"] == [("CLOSED",)]  # SQLAlchemy stores enum names
    for root in roots[1:]:
        actual = final_state(root)
        assert actual == expected, {k: (expected[k], actual[k]) for k in expected if expected[k] != actual[k]}

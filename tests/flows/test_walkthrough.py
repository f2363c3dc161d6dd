"""The README's walk-through, word for word: every document is dated as typed, and the cycle
waits where the procedure says (the real day, months later, changes nothing)."""

import os
import re
import shlex
import sqlite3
import subprocess
import sys
from pathlib import Path

REPO = Path(__file__).parents[2]
ZWGK = str(Path(sys.executable).with_name("zwgk"))


def walkthrough() -> list[list[str]]:
    """The commands of the README's "Try it on a scratch database" block."""
    readme = (REPO / "README.md").read_text("utf-8")
    block = re.search(r"Try it on a scratch database:\s*```sh\n(.*?)```", readme, re.S)
    assert block, "the README's walk-through is missing"
    return [shlex.split(line) for line in block.group(1).splitlines() if line.strip()]


def test_the_readme_walkthrough_issues_documents_dated_as_typed(tmp_path: Path) -> None:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("ZWGK_", "PREFECT_API"))}
    env.update(PREFECT_HOME=str(tmp_path / "prefect"), ZWGK_OUT_DIR=str(tmp_path / "out"))
    (tmp_path / "examples").symlink_to(REPO / "examples")
    commands = walkthrough()
    assert [c[:3] for c in commands][-2:] == [["zwgk", "cycle", "start"], ["zwgk", "approve", "2025"]]
    for command in commands:
        done = subprocess.run([ZWGK, *command[1:]], cwd=tmp_path, env=env, capture_output=True, text=True,
                              timeout=600)
        assert done.returncode == 0, (command, done.stdout, done.stderr)
    typed = {d for command in commands for d in re.findall(r"\d{4}-\d{2}-\d{2}", " ".join(command))}
    with sqlite3.connect(tmp_path / "scratch.db") as db:
        issued = db.execute("SELECT doc_type, number, issued_on FROM document_register").fetchall()
        stage, waiting = db.execute("SELECT stage, waiting_for FROM cycle WHERE year = 2025").fetchone()
    assert {issued_on for _, _, issued_on in issued} <= typed
    kinds = {doc_type for doc_type, _, _ in issued}
    assert {"scheme_notice", "self_check_notice", "self_check_form"} <= kinds
    assert "group_notice" not in kinds  # the self-check period of January 2026 is not over as typed
    assert (stage, waiting) == ("SELF_CHECK", "units:self_check")  # the enum member as SQLAlchemy stores it

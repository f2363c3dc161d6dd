"""Files users hand in: the checks every file passes before it is read, and how a refused
import is shown (the first problems and a count of the rest, never 200,000 lines)."""

import hashlib
from collections.abc import Iterable, Sequence
from pathlib import Path

from zwgk.documents.filenames import safe_name
from zwgk.settings import get_settings


class ImportRejected(ValueError):
    """A file refused whole; ``problems`` lists every problem found."""

    def __init__(self, problems: list[str]) -> None:
        super().__init__("\n".join(shown_problems(problems)))
        self.problems = problems


def file_sha256(path: Path) -> str:
    """The SHA-256 of a handed-in file's bytes, as kept in the audit log and beside its rows."""
    return hashlib.sha256(path.read_bytes()).hexdigest()


def input_problem(path: Path) -> str | None:
    """Why ``path`` cannot be imported at all (missing, empty, over the size limit), or None."""
    if not path.is_file():
        return "文件不存在 (file not found)"
    size = path.stat().st_size
    if size == 0:
        return "文件为空 (empty file)"
    limit = get_settings().max_input_bytes
    if size > limit:
        return (f"文件大小 {size / 1048576:.1f} MB 超过上限 {limit / 1048576:.1f} MB，请拆分后导入，"
                f"或由管理员调整 ZWGK_MAX_INPUT_BYTES (file larger than the limit)")
    return None


def checked_input(path: Path) -> Path:
    """``path`` when it may be read; otherwise ImportRejected naming the file and why not."""
    why = input_problem(path)
    if why is not None:
        raise ImportRejected([f"{path.name}: {why}"])
    return path


def shown_problems(problems: Sequence[object]) -> list[str]:
    """The problems as display lines: the first ``problems_shown`` of them, then how many more."""
    limit = get_settings().problems_shown
    lines = [str(p) for p in problems[:limit]]
    if len(problems) > limit:
        lines.append(f"……另有 {len(problems) - limit} 处问题未列出 ({len(problems) - limit} more problems)")
    return lines


def other_unit_named(file_name: str, unit: str, units: Iterable[str]) -> str | None:
    """The unit a file's name names when it is not ``unit`` (whose form the file holds), else
    None. Names are compared as they are and as file names write them; the longest wins, so
    that 区教育局 is not taken for 教育局."""
    def named(name: str) -> bool:
        return name in file_name or safe_name(name) in file_name

    if named(unit):
        return None
    return max((name for name in units if name != unit and named(name)), key=len, default=None)

"""What goes wrong with what people enter or hand in: the errors that carry a Chinese message
for the user, and how a refused import lists its problems (file, sheet, row, column)."""

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from zwgk.core.settings import get_settings


class IntakeError(ValueError):
    """Input the office entered that the measures or the register do not allow (message in Chinese)."""


class ImportRejected(ValueError):
    """A file refused whole; ``problems`` lists every problem found."""

    def __init__(self, problems: list[str]) -> None:
        super().__init__("\n".join(shown_problems(problems)))
        self.problems = problems


def shown_problems(problems: Sequence[object]) -> list[str]:
    """The problems as display lines: the first ``problems_shown`` of them, then how many more."""
    limit = get_settings().problems_shown
    lines = [str(p) for p in problems[:limit]]
    if len(problems) > limit:
        lines.append(f"……另有 {len(problems) - limit} 处问题未列出 ({len(problems) - limit} more problems)")
    return lines


@dataclass(frozen=True)
class Problem:
    """One thing wrong with an imported file, located as precisely as the file allows."""

    file: str
    message: str
    sheet: str = ""
    row: int | None = None
    column: str = ""

    def __str__(self) -> str:
        where = [self.file]
        if self.sheet:
            where.append(f"工作表“{self.sheet}”")
        if self.row is not None:
            where.append(f"第 {self.row} 行")
        if self.column:
            where.append(f"{self.column} 列")
        return " ".join(where) + "：" + self.message


@dataclass
class ImportReport:
    """What an import did: units stored, units whose file was already stored, and problems.

    When ``problems`` is not empty nothing was written.
    """

    stored: list[str] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)
    late: list[str] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)  # imported, but worth a second look
    unscored: list[str] = field(default_factory=list)  # score sheets imported without a conclusion

    @property
    def ok(self) -> bool:
        return not self.problems

    def to_dict(self) -> dict[str, Any]:
        """A JSON-ready view with stable keys."""
        return {
            "ok": self.ok,
            "stored": self.stored,
            "unchanged": self.unchanged,
            "late": self.late,
            "warnings": self.warnings,
            "unscored": self.unscored,
            "problems": [
                {"file": p.file, "sheet": p.sheet, "row": p.row, "column": p.column,
                 "message": p.message, "text": str(p)}
                for p in self.problems
            ],
        }

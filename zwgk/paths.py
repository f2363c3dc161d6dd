"""Where zwgk writes the files that are not registered documents."""

from pathlib import Path

from models.cycle import Cycle
from zwgk.db import session_scope
from zwgk.settings import get_settings


def score_workbook_path(cycle_id: int) -> Path:
    """The group's score workbook of a cycle: out/<year>/03-考核组/考核评分工作簿.xlsx."""
    with session_scope() as session:
        cycle = session.get(Cycle, cycle_id)
        assert cycle is not None
        year = cycle.year
    return get_settings().out_dir / str(year) / "03-考核组" / f"{year}年度考核评分工作簿.xlsx"

"""Where zwgk writes the files that are not registered documents."""

from pathlib import Path

from zwgk.core.settings import get_settings


def score_workbook_path(year: int) -> Path:
    """The group's score workbook of the year's cycle: out/<year>/03-考核组/<year>年度考核评分工作簿.xlsx."""
    return get_settings().out_dir / str(year) / "03-考核组" / f"{year}年度考核评分工作簿.xlsx"

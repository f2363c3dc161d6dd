"""File names from titles and unit names: safe everywhere, and never two texts on one name."""

import re

from hypothesis import given
from hypothesis import strategies as st

from zwgk.core.filenames import MAX_CHARS, join_name, safe_name

WINDOWS_FORBIDDEN = re.compile(r'[<>:"/\\|?*\x00-\x1f]')


def test_ordinary_chinese_names_are_kept_as_they_are() -> None:
    assert safe_name("青岚镇（演示）") == "青岚镇（演示）"
    assert safe_name("关于印发《2025年度政务公开工作考核实施方案》的通知") == (
        "关于印发《2025年度政务公开工作考核实施方案》的通知")
    assert join_name("考核评分表", "区财政局", "", suffix=".docx") == "考核评分表-区财政局.docx"


def test_separators_traversal_and_windows_characters_are_neutralised() -> None:
    for text in ("../../etc/passwd", "a/b", "a\\b", 'x:"y"?*', "..", "CON", "nul.txt", " 名称. "):
        name = safe_name(text)
        assert not WINDOWS_FORBIDDEN.search(name), name
        assert name not in {"", ".", ".."} and not name.endswith((".", " ")), name
        assert not re.match(r"(?i)^(con|prn|aux|nul|com\d|lpt\d)(\.|$)", name), name


def test_long_titles_are_cut() -> None:
    assert len(safe_name("很长" * 100)) <= MAX_CHARS + 9


@given(st.text(min_size=1, max_size=120))
def test_any_text_gives_a_safe_name(text: str) -> None:
    name = safe_name(text)
    assert name and not WINDOWS_FORBIDDEN.search(name)
    assert name not in {".", ".."} and len(name.encode("utf-8")) < 255


@given(st.text(min_size=1, max_size=80), st.text(min_size=1, max_size=80))
def test_different_texts_never_share_a_name(a: str, b: str) -> None:
    if a != b:
        assert safe_name(a) != safe_name(b)

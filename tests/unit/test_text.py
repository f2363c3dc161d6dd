"""The text boundary: NFC and trimming, refusal of invisible characters, CSV encodings."""

import unicodedata

import pytest
from hypothesis import given
from hypothesis import strategies as st

from models.text import REFUSED, TextRefused, clean_text, decode_csv
from zwgk.core.filenames import safe_name


def test_text_is_nfc_and_trimmed() -> None:
    decomposed = "e\u0301局"  # é as e + combining accent, as macOS writes it
    assert clean_text(f"  {decomposed}\u3000", where="x") == "\u00e9局"


@pytest.mark.parametrize("char", ["\x00", "\t", "\n", "\r", "\x1b", "\x7f", "\x85", "\x9f", "\u200b",
                                  "\u200d", "\u200e", "\u200f", "\u202a", "\u202e", "\u2066", "\u2069",
                                  "\u2028", "\u2060", "\ufeff", "\u061c"])
def test_every_invisible_class_is_refused_with_its_place(char: str) -> None:
    with pytest.raises(TextRefused) as info:
        clean_text(f"区教{char}育局", where="units.csv 第 3 行 单位名称 列")
    message = str(info.value)
    assert message.startswith("units.csv 第 3 行 单位名称 列")
    assert f"U+{ord(char):04X}" in message and "第 3 个字符" in message


def test_overlong_text_is_refused() -> None:
    with pytest.raises(TextRefused, match="超过上限"):
        clean_text("局" * 501, where="x")


def test_csv_encodings_are_detected_and_named() -> None:
    text = "单位名称,类别\n区教育局,部门\n"
    assert decode_csv(text.encode("utf-8"), name="a.csv") == (text, "UTF-8")
    assert decode_csv(b"\xef\xbb\xbf" + text.encode("utf-8"), name="a.csv") == (text, "UTF-8")
    assert decode_csv(text.encode("gbk"), name="a.csv") == (text, "GB18030/GBK")
    assert decode_csv("𠀀镇,乡镇\n".encode("gb18030"), name="a.csv")[1] == "GB18030/GBK"
    with pytest.raises(TextRefused, match="a.csv"):
        decode_csv(b"\x80\xff", name="a.csv")


def test_a_direction_override_never_reaches_a_file_name() -> None:
    name = safe_name("区教育局\u202excod.exe")
    assert not REFUSED.search(name)
    assert name != safe_name("区教育局excod.exe")  # the two names stay apart


@given(st.text())
def test_clean_text_accepts_only_visible_nfc_text(value: str) -> None:
    try:
        cleaned = clean_text(value, where="x")
    except TextRefused as exc:
        assert str(exc).startswith("x：")
        return
    assert cleaned == unicodedata.normalize("NFC", cleaned) == cleaned.strip()
    assert not REFUSED.search(cleaned) and len(cleaned) <= 500


@given(st.binary(max_size=400))
def test_decode_csv_never_fails_otherwise(data: bytes) -> None:
    try:
        text, encoding = decode_csv(data, name="f.csv")
    except TextRefused as exc:
        assert "f.csv" in str(exc)
        return
    assert encoding in ("UTF-8", "GB18030/GBK") and isinstance(text, str)

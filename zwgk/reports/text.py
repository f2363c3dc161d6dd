"""Reading the words and numbers of a report as units write them.

Labels are compared after ``label_key``: Unicode NFKC (full-width letters, digits and brackets
become half-width), then only letters, digits and CJK characters kept, so that "（三） 不予
公开" and "(三)不予公开" are one label and “三安全一稳定” matches "三安全一稳定". Numbers are
read from half- or full-width digits and from Chinese numerals (十二, 一百零五, 两千); a blank cell
or a dash or slash means 0, as the format's instructions allow.
"""

import re
import unicodedata
from decimal import Decimal, InvalidOperation

# Letters, digits and CJK ideographs (with 〇): what a label is compared on.
_LABEL_DROP = re.compile(r"[^0-9A-Za-z\u3007\u4e00-\u9fff]+")
_SPACE = re.compile(r"\s+")
# What a cell holds when its number is zero: nothing, a dash, a slash, 无.
ZERO_MARKS = frozenset({"", "-", "--", "—", "——", "–", "―", "－", "/", "\\", "无", "0", "〇", "零"})
CN_DIGITS = {"零": 0, "〇": 0, "一": 1, "二": 2, "两": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7,
             "八": 8, "九": 9}
CN_UNITS = {"十": 10, "百": 100, "千": 1000}
CN_NUMBER = "[零〇一二两三四五六七八九十百千万]+"
# A number in a cell, possibly followed by its unit.
_CELL_NUMBER = re.compile(r"([+-]?\d+(?:\.\d+)?)(件|项|个|条|次|宗|人|万元|元)?")
_NUMBERING = re.compile(r"^[(]?\s*([0-9]{1,2})\s*[).、]")


def plain(text: str) -> str:
    """``text`` in NFKC with runs of white space made one space, trimmed."""
    return _SPACE.sub(" ", unicodedata.normalize("NFKC", text)).strip()


def label_key(text: str) -> str:
    """A label as compared: NFKC, only letters, digits and CJK characters."""
    return _LABEL_DROP.sub("", unicodedata.normalize("NFKC", text))


def arabic_numbering(text: str) -> int | None:
    """The Arabic number a label starts with: 3 for "3.其他", "（3）其他", "３、其他"; None
    without one (headings are numbered in Chinese: 三、 （三）)."""
    match = _NUMBERING.match(plain(text))
    return None if match is None else int(match.group(1))


def cn_number(text: str) -> int | None:
    """A Chinese numeral as an integer (十二 → 12, 一百零五 → 105, 二〇二五 → 2025), or None."""
    if not text or any(ch not in CN_DIGITS and ch not in CN_UNITS and ch != "万" for ch in text):
        return None
    if all(ch in CN_DIGITS for ch in text):  # digit by digit, as years are written
        return int("".join(str(CN_DIGITS[ch]) for ch in text))
    if "万" in text:
        high, _, low = text.rpartition("万")
        above = cn_number(high) if high else 1
        below = cn_number(low) if low else 0
        return None if above is None or below is None else above * 10000 + below
    total, digit = 0, None
    for ch in text:
        if ch in CN_DIGITS:
            digit = CN_DIGITS[ch]
        else:
            total += (1 if digit is None else digit) * CN_UNITS[ch]
            digit = None
    return total + (digit or 0)


def number_of(text: str) -> Decimal | None:
    """A number written in Arabic or Chinese numerals ("12", "１２", "十二", "3.5"), or None."""
    token = plain(text).replace(",", "")
    if re.fullmatch(r"[+-]?\d+(\.\d+)?", token):
        return Decimal(token)
    value = cn_number(token)
    return None if value is None else Decimal(value)


def cell_value(text: str) -> tuple[Decimal | None, str]:
    """A table cell's number and the unit written with it ('' without one).

    Blank, dashes, slashes and 无 are 0; "12件" is 12 with unit 件; a cell that holds anything
    else gives None (the caller notes it).
    """
    token = plain(text).replace(" ", "").replace(",", "")
    if token in ZERO_MARKS:
        return Decimal(0), ""
    match = _CELL_NUMBER.fullmatch(token)
    if match is not None:
        try:
            return Decimal(match.group(1)), match.group(2) or ""
        except InvalidOperation:
            return None, ""
    value = cn_number(token.removesuffix("件").removesuffix("项"))
    return (None, "") if value is None else (Decimal(value), "")


def show(value: Decimal) -> str:
    """A number as findings print it: 12, 3.5 (no exponent, no trailing zeros)."""
    text = format(value.normalize(), "f")
    return text if "." not in text else text.rstrip("0").rstrip(".")


def mask_digits(text: str) -> str:
    """``text`` with every digit replaced by #, same length: similarity must not depend on the
    year's numbers (a report copied from last year's with new numbers is still a copy)."""
    return re.sub(r"\d", "#", text)

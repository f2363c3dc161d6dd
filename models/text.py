"""Text that crosses a boundary (files, command-line options): one normalisation, one refusal.

Every text field is normalised to Unicode NFC and trimmed, then refused when it holds a
character nobody can see or that changes how the text around it is displayed: C0/C1 control
characters (a tab or line break pasted from a cell included: every field is one line),
zero-width characters, bidirectional marks, embeddings, overrides and isolates, and a byte
order mark inside the text. Such characters make two names look alike, reorder what a file
name shows (U+202E) or break the spreadsheets and documents written from the text later.
"""

import re
import unicodedata

# C0 controls, DEL and C1 controls; zero-width space/joiners and LRM/RLM (U+200B–U+200F);
# line/paragraph separators; embeddings and overrides (U+202A–U+202E); word joiner and
# invisible operators (U+2060–U+2064); isolates (U+2066–U+2069); Arabic letter mark; BOM.
REFUSED = re.compile("[\x00-\x1f\x7f-\x9f\u200b-\u200f\u2028-\u202e\u2060-\u2064\u2066-\u2069\u061c\ufeff]")
MAX_LENGTH = 500
# What a CSV may be encoded in, tried in this order: UTF-8 (Excel's "CSV UTF-8", with a BOM)
# and GB18030, the superset of GBK that Excel writes by default on a Chinese Windows.
CSV_ENCODINGS = (("utf-8-sig", "UTF-8"), ("gb18030", "GB18030/GBK"))


class TextRefused(ValueError):
    """A text field that cannot be accepted; the message names where it came from."""


def clean_text(value: str, *, where: str, max_length: int = MAX_LENGTH) -> str:
    """``value`` in NFC without surrounding white space, or TextRefused naming ``where``
    (file, row and column, or the option) and the offending character."""
    text = unicodedata.normalize("NFC", value).strip()
    found = REFUSED.search(text)
    if found is not None:
        code = ord(found.group())
        raise TextRefused(f"{where}：第 {found.start() + 1} 个字符是不可见的控制或方向字符 U+{code:04X}"
                          f"（{unicodedata.name(found.group(), 'control')}），请删除后重新输入 "
                          f"(invisible control or bidi character U+{code:04X})")
    if len(text) > max_length:
        raise TextRefused(f"{where}：长度 {len(text)} 超过上限 {max_length} 个字符 (text too long)")
    return text


def decode_csv(data: bytes, *, name: str) -> tuple[str, str]:
    """The text of a CSV file and the label of the encoding it was read in.

    UTF-8 is tried first (with or without a BOM): text in GB18030 is almost never valid UTF-8,
    while UTF-8 text would also decode, wrongly, as GB18030.
    """
    for encoding, label in CSV_ENCODINGS:
        try:
            return data.decode(encoding), label
        except UnicodeDecodeError:
            continue
    raise TextRefused(f"{name}：既不是 UTF-8 也不是 GB18030/GBK 编码的 CSV，请在 Excel/WPS 中另存为"
                      "“CSV UTF-8”后重新导入 (neither UTF-8 nor GB18030/GBK)")

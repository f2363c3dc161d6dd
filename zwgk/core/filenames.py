"""File names derived from titles and unit names, safe on Linux, macOS and Windows."""

import hashlib
import re
import unicodedata

from models.text import REFUSED

# Characters Windows refuses in a name, path separators, and the control and direction
# characters no text field may hold (a U+202E in a stored name must not reorder a file name).
_FORBIDDEN = re.compile(r'[<>:"/\\|?*]|' + REFUSED.pattern)
_RESERVED = re.compile(r"^(con|prn|aux|nul|com[0-9]|lpt[0-9])(\..*)?$", re.IGNORECASE)
# Components stay well under the 255-byte limit of common file systems (3 bytes a Chinese
# character in UTF-8), leaving room for the suffix and the extension.
MAX_CHARS = 60


def safe_name(text: str) -> str:
    """A file-name component for ``text`` (without extension).

    Unchanged when ``text`` is already safe. Otherwise forbidden characters become ``_``,
    leading/trailing dots and spaces go, long names are cut, and a short hash of the original
    text is appended, so two different texts never end up with the same name.
    """
    normalized = unicodedata.normalize("NFC", text)
    cleaned = _FORBIDDEN.sub("_", normalized).strip(" .")
    if len(cleaned) > MAX_CHARS:
        cleaned = cleaned[:MAX_CHARS].rstrip(" .")
    if not cleaned or _RESERVED.match(cleaned):
        cleaned = f"_{cleaned}"
    if cleaned == text:
        return cleaned
    digest = hashlib.sha256(text.encode("utf-8")).hexdigest()[:8]
    return f"{cleaned}-{digest}"


def join_name(*parts: str, suffix: str) -> str:
    """``safe_name`` of the parts joined with ``-``, plus ``suffix`` (e.g. ``.docx``)."""
    return "-".join(safe_name(part) for part in parts if part) + suffix

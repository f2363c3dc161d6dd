"""What a handed-in report must pass before it is parsed, and what kind of file it is.

A .docx is a zip archive of XML parts, and every byte of it is untrusted, as with the .xlsx
files of ``zwgk.xlsx_safety``: the expanded size is checked from the archive's directory and again
while decompressing (a forged directory lies), XML that declares a DOCTYPE or entities is refused,
and a file of another kind renamed .docx is named for what it is. The main document part is taken
from the decompression that checked it, so it is read once. A saved web page is decoded (UTF-8,
or the GB2312/GBK older portals still serve) and refused when its elements nest deeper than any
page does: the HTML parser's cost grows with the square of the depth.
"""

import re
import zipfile
import zlib
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from zwgk.core.settings import get_settings
from zwgk.intake.uploads import sniff

CHUNK = 1 << 20
MB = 1 << 20
#: A report's text and tables take a few hundred KB of XML; a hundredfold margin.
MAX_DOCUMENT_XML = 32 * MB
#: No page nests its elements this deep; lexbor's parse time grows with the square of the depth.
MAX_HTML_DEPTH = 2000
DECLARATIONS = (b"<!DOCTYPE", b"<!ENTITY")
OVERLAP = 16
WORD_TYPES = (b"wordprocessingml.document.main", b"wordprocessingml.template.main")
OTHER_TYPES = {b"spreadsheetml.sheet.main": "Excel 工作簿（.xlsx）",
               b"presentationml.presentation.main": "PowerPoint 演示文稿（.pptx）",
               b"ms-word.document.macroEnabled.main": "含宏的 Word 文档（.docm）"}
OFFICE_DOCUMENT = re.compile(rb'Type="[^"]*/officeDocument"[^>]*?Target="/?([^"]+)"|'
                             rb'Target="/?([^"]+)"[^>]*?Type="[^"]*/officeDocument"')
KNOWN = {"pdf": "PDF 文件", "png": "PNG 图片", "jpeg": "JPEG 图片", "xlsx": "Excel 工作簿（.xlsx）",
         "ole": "Word/Excel 97-2003 文件（.doc/.xls/.wps）或加密的文档"}
HTML_START = re.compile(rb"^\s*(<\?xml[^>]*>\s*)?(<!--.*?-->\s*)*<(!doctype\s+html|html|head|body|meta|title|div|p|table|h[1-6])\b",
                        re.IGNORECASE | re.DOTALL)
CHARSET = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?\s*([A-Za-z0-9_\-]+)""", re.IGNORECASE)
# Tags that never nest (void elements) or that the parser closes by itself (p, li, td …).
FLAT_TAGS = frozenset({"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "param",
                       "source", "track", "wbr", "p", "li", "dt", "dd", "td", "th", "tr", "option"})
TAG = re.compile(r"<(/?)([A-Za-z][A-Za-z0-9]*)[^>]*?(/?)>")

BROKEN = "文件已损坏或不完整，不是有效的 .docx 文件，请用 Word/WPS 重新保存后报送 (corrupt or truncated .docx)"


class ReportFileRefused(ValueError):
    """A file that must not be parsed as a report; the message says why, without the file name."""


@dataclass(frozen=True)
class ReportFile:
    """A handed-in file ready to read: its kind and the bytes the reader needs (the main XML
    part of a .docx, or the decoded text of a web page)."""

    kind: str  # docx or html
    docx_xml: bytes = b""
    html: str = ""


def open_report_file(path: Path) -> ReportFile:
    """The checked content of a .docx or a saved web page; ReportFileRefused saying why not.

    The kind is judged by content, never by the file's name.
    """
    kind = sniff(path)
    if kind == "docx":
        return ReportFile("docx", docx_xml=_docx_document(path))
    if kind is not None:
        raise ReportFileRefused(f"这是{KNOWN.get(kind, kind)}，不是 Word 文档（.docx）或网页（.html）"
                                "，可能是改了扩展名；.doc 请另存为 .docx 后报送 (not a .docx or .html file)")
    head = path.read_bytes()[:4096]
    if head.startswith(b"PK\x03\x04"):
        return ReportFile("docx", docx_xml=_docx_document(path))  # a zip sniff could not place
    if HTML_START.match(head.removeprefix(b"\xef\xbb\xbf")):
        return ReportFile("html", html=_html_text(path.read_bytes()))
    raise ReportFileRefused("无法识别的文件类型，请报送 Word 文档（.docx）或年报网页另存的 .html "
                            "(neither a .docx nor an .html file)")


def _docx_document(path: Path) -> bytes:
    try:
        with zipfile.ZipFile(path) as archive:
            return _check(archive)
    except ReportFileRefused:
        raise
    except (zipfile.BadZipFile, zipfile.LargeZipFile, zlib.error, EOFError, OSError, NotImplementedError,
            RuntimeError, ValueError, KeyError):  # bad CRC or header, truncated, encrypted, unknown method
        raise ReportFileRefused(BROKEN) from None


def _check(archive: zipfile.ZipFile) -> bytes:
    """Every part decompressed within the budget and free of declarations; the main part's bytes."""
    limit = get_settings().max_expanded_bytes
    infos = archive.infolist()
    declared = sum(info.file_size for info in infos)
    if declared > limit:
        raise ReportFileRefused(_too_big(declared))
    names = {info.filename for info in infos}
    if "[Content_Types].xml" not in names:
        raise ReportFileRefused("不是 Word 文档（压缩包中没有 [Content_Types].xml），请另存为 .docx (not a .docx)")
    types = _read(archive, archive.getinfo("[Content_Types].xml"), limit)
    if not any(word in types for word in WORD_TYPES):
        other = next((label for key, label in OTHER_TYPES.items() if key in types), "其他类型的文件")
        raise ReportFileRefused(f"这是{other}，不是 Word 文档（.docx），可能是改了扩展名 (not a .docx document)")
    main = _main_part(archive, names, limit)
    if main not in names:
        raise ReportFileRefused(f"Word 文档缺少正文部分 {main}，文件不完整 (document part missing)")
    budget, document = limit - len(types), b""
    for info in infos:
        if info.is_dir() or info.filename == "[Content_Types].xml":
            continue
        if info.filename == main:
            document = _read(archive, info, min(budget, MAX_DOCUMENT_XML))
            budget -= len(document)
        else:  # checked and counted, not kept: images may be large
            budget -= _scan(archive, info, budget)
    return document


def _main_part(archive: zipfile.ZipFile, names: set[str], limit: int) -> str:
    """The main document part as _rels/.rels names it (word/document.xml in nearly every file)."""
    if "_rels/.rels" in names:
        match = OFFICE_DOCUMENT.search(_read(archive, archive.getinfo("_rels/.rels"), min(limit, MB)))
        if match:
            return (match.group(1) or match.group(2)).decode("utf-8", "replace")
    return "word/document.xml"


def _read(archive: zipfile.ZipFile, info: zipfile.ZipInfo, budget: int) -> bytes:
    """One part decompressed and kept (see ``_scan``)."""
    chunks: list[bytes] = []
    _scan(archive, info, budget, chunks.append)
    return b"".join(chunks)


def _scan(archive: zipfile.ZipFile, info: zipfile.ZipInfo, budget: int,
          keep: Callable[[bytes], object] | None = None) -> int:
    """Decompress one part, refused as soon as it passes ``budget`` (whatever the directory
    declared) or declares a DOCTYPE or an entity; its real size. ``keep`` receives the chunks."""
    produced, tail = 0, b""
    xml = info.filename.endswith((".xml", ".rels"))
    with archive.open(info) as stream:
        while chunk := stream.read(CHUNK):
            produced += len(chunk)
            if produced > budget:
                raise ReportFileRefused(_too_big(None))
            if xml and any(marker in tail + chunk for marker in DECLARATIONS):
                raise ReportFileRefused(f"{info.filename} 含有 DOCTYPE/ENTITY 声明（XML 实体扩展），拒绝读取 "
                                        "(XML entity declarations refused)")
            tail = chunk[-OVERLAP:]
            if keep is not None:
                keep(chunk)
    return produced


def _too_big(declared: int | None) -> str:
    how = "解压时已超过" if declared is None else f"解压后共 {declared / MB:.0f} MB，超过"
    return (f"{how}上限（可能是压缩炸弹），拒绝读取；如确需报送请由管理员调整 ZWGK_MAX_EXPANDED_BYTES "
            f"(expands beyond the limit: zip bomb?)")


def _html_text(data: bytes) -> str:
    """A saved web page decoded as its BOM or meta tag says, else UTF-8, else GB18030 (a
    superset of GB2312 and GBK); refused when its elements nest too deep to parse."""
    text = _decode(data)
    depth = deepest = 0
    for closing, name, self_closing in TAG.findall(text):
        if name.lower() in FLAT_TAGS or self_closing:
            continue
        depth = max(depth - 1, 0) if closing else depth + 1
        deepest = max(deepest, depth)
        if deepest > MAX_HTML_DEPTH:
            raise ReportFileRefused(f"网页元素嵌套超过 {MAX_HTML_DEPTH} 层，不是正常的网页，拒绝读取 "
                                    "(HTML nested too deep)")
    return text


def _decode(data: bytes) -> str:
    """UTF-8 when the bytes are valid UTF-8 (a page re-saved by a browser keeps its old meta
    charset), else the charset the page declares, else GB18030."""
    if data.startswith(b"\xef\xbb\xbf"):
        data = data[3:]
    declared = CHARSET.search(data[:4096])
    candidates = [declared.group(1).decode("ascii").lower()] if declared else []
    for encoding in ("utf-8", *candidates, "gb18030"):
        if encoding in ("gb2312", "gbk", "x-gbk"):
            encoding = "gb18030"
        try:
            return data.decode(encoding)
        except (LookupError, UnicodeDecodeError):
            continue
    return data.decode("gb18030", "replace")

"""A .docx report as blocks: its paragraphs and its tables' grids, in document order.

Read from the main XML part with lxml (no entity resolution, no network, libxml2's depth limit),
by local names so that Word's transitional and strict namespaces read alike. Cells merged across
columns (gridSpan, or the legacy hMerge) and down rows (vMerge) become one cell covering its
positions; empty grid positions before a row (gridBefore) stay empty. A table holding tables is
a layout table: its cells are read as the flow they contain. Deleted text (tracked changes) and
field codes are not text; the fallback copies of text boxes are skipped, so nothing reads twice.
"""

from collections.abc import Iterator

from lxml import etree

from zwgk.reports.safety import ReportFileRefused
from zwgk.reports.tables import Grid, GridBuilder, RawCell

PARSER = etree.XMLParser(resolve_entities=False, no_network=True, huge_tree=False, remove_comments=True,
                         remove_pis=True)
_RUNS = etree.XPath(".//*[local-name()='r'][not(ancestor::*[local-name()='Fallback'])]")
_PARAGRAPHS = etree.XPath(".//*[local-name()='p'][not(ancestor::*[local-name()='Fallback'])]"
                          "[not(ancestor::*[local-name()='txbxContent'])]")


def _name(element: etree._Element) -> str:
    tag = element.tag
    return tag.rpartition("}")[2] if isinstance(tag, str) else ""


def _attr(element: etree._Element | None, name: str) -> str | None:
    """An attribute by local name (w:val), whatever its namespace."""
    if element is None:
        return None
    return next((value for key, value in element.attrib.items() if key.rpartition("}")[2] == name), None)


def _child(element: etree._Element, *names: str) -> etree._Element | None:
    """The first descendant along a path of local names (tcPr, gridSpan), or None."""
    for name in names:
        element = next((c for c in element if _name(c) == name), None)
        if element is None:
            return None
    return element


def paragraph_text(paragraph: etree._Element) -> str:
    """The text of a w:p: its runs' text, tabs and breaks as spaces."""
    pieces = []
    for run in _RUNS(paragraph):
        for child in run:
            name = _name(child)
            if name == "t":
                pieces.append(child.text or "")
            elif name in ("tab", "br", "cr", "ptab"):
                pieces.append(" ")
            elif name == "noBreakHyphen":
                pieces.append("-")
    return "".join(pieces)


def docx_blocks(xml: bytes, builder: GridBuilder) -> list[str | Grid]:
    """The paragraphs (as text) and tables (as grids) of a main document part, in order."""
    try:
        root = etree.fromstring(xml, PARSER)
    except etree.XMLSyntaxError:
        raise ReportFileRefused("Word 文档的正文无法解析，文件可能已损坏，请用 Word/WPS 重新保存后报送 "
                                "(document.xml is not well-formed)") from None
    body = _child(root, "body")
    if body is None:
        raise ReportFileRefused("Word 文档没有正文 (no document body)")
    return list(_flow(body, builder))


def _flow(container: etree._Element, builder: GridBuilder) -> Iterator[str | Grid]:
    """Paragraphs and tables of a container, descending into content controls and layout tables
    with an explicit stack (a hostile file cannot exhaust the interpreter's recursion)."""
    stack: list[Iterator[etree._Element]] = [iter(container)]
    while stack:
        element = next(stack[-1], None)
        if element is None:
            stack.pop()
            continue
        name = _name(element)
        if name == "p":
            yield paragraph_text(element)
        elif name == "tbl":
            nested = any(True for _ in element.iterdescendants("{*}tbl"))
            if not nested:
                yield builder.grid(_row(tr) for tr in element if _name(tr) == "tr")
            else:  # a layout table: its cells' content is the flow
                stack.append(c for tr in element if _name(tr) == "tr" for tc in tr if _name(tc) == "tc" for c in tc)
        elif name in ("sdt", "customXml"):
            content = _child(element, "sdtContent") if name == "sdt" else element
            if content is not None:
                stack.append(iter(content))


def _row(tr: etree._Element) -> list[RawCell]:
    """A w:tr's cells as laid out: gridBefore positions, then each cell with its spans."""
    cells = []
    before = _attr(_child(tr, "trPr", "gridBefore"), "val")
    if before and before.isdigit() and int(before):
        cells.append(RawCell("", colspan=int(before), skip=True))
    for tc in _cells(tr):
        span = _attr(_child(tc, "tcPr", "gridSpan"), "val")
        v_merge = _child(tc, "tcPr", "vMerge")
        h_merge = _attr(_child(tc, "tcPr", "hMerge"), "val")
        text = "\n".join(paragraph_text(p) for p in _PARAGRAPHS(tc))
        cells.append(RawCell(
            text, colspan=int(span) if span and span.isdigit() else 1,
            merged_above=v_merge is not None and _attr(v_merge, "val") in (None, "continue"),
            merged_left=h_merge == "continue"))
    return cells


def _cells(tr: etree._Element) -> Iterator[etree._Element]:
    """The w:tc of a row, also those wrapped in content controls or custom XML."""
    for child in tr:
        name = _name(child)
        if name == "tc":
            yield child
        elif name in ("sdt", "customXml"):
            content = _child(child, "sdtContent") if name == "sdt" else child
            if content is not None:
                yield from (tc for tc in content if _name(tc) == "tc")

"""A report's web page (saved as .html) as blocks: its text blocks and its tables' grids, in order.

Parsed with lexbor (selectolax); nothing in the page is run or fetched. Scripts, styles, frames and
form controls are dropped before anything is read. Tables holding tables are the page's layout:
only the innermost tables are data, read with their rowspan and colspan; each is replaced in the
page by a marker, so that the text around it and the table keep their order.
"""

import re

from selectolax.lexbor import LexborHTMLParser, LexborNode

from zwgk.reports.tables import MAX_COLUMNS, Grid, GridBuilder, RawCell

DROPPED = "script, style, noscript, template, iframe, frame, object, embed, svg, select, textarea, button"
BLOCK_TAGS = frozenset({"p", "div", "h1", "h2", "h3", "h4", "h5", "h6", "li", "ul", "ol", "section", "article",
                        "header", "footer", "nav", "aside", "main", "blockquote", "pre", "dl", "dt", "dd",
                        "center", "address", "figure", "figcaption", "hr", "br", "title", "form", "body"})
# Private-use characters mark where a table stood; any in the page itself are removed first.
OPEN, CLOSE = "\ue000", "\ue001"
MARKER = re.compile(f"{OPEN}(\\d+){CLOSE}")


def html_blocks(text: str, builder: GridBuilder) -> list[str | Grid]:
    """The text blocks and table grids of a page, in document order."""
    parser = LexborHTMLParser(text.replace(OPEN, "").replace(CLOSE, ""))
    for node in parser.css(DROPPED):
        node.decompose()
    grids: list[Grid] = []
    for table in parser.css("table"):
        if len(table.css("table")) > 1:
            continue  # a layout table: its inner tables are the data
        grids.append(builder.grid(_row(tr) for tr in table.css("tr")))
        table.replace_with(f"{OPEN}{len(grids) - 1}{CLOSE}")
    blocks: list[str | Grid] = []
    for block in _text_blocks(parser):
        position = 0
        for match in MARKER.finditer(block):
            blocks.append(block[position:match.start()])
            blocks.append(grids[int(match.group(1))])
            position = match.end()
        blocks.append(block[position:])
    return [block for block in blocks if not isinstance(block, str) or block.strip()]


def _text_blocks(parser: LexborHTMLParser) -> list[str]:
    """The page's text cut at every block element (a paragraph, a heading, a line break …)."""
    blocks: list[str] = []
    current: list[str] = []
    root = parser.root
    if root is None:
        return blocks
    for node in root.traverse(include_text=True):
        if node.tag == "-text":
            current.append(node.text(deep=False))
        elif node.tag in BLOCK_TAGS and current:
            blocks.append("".join(current))
            current = []
    if current:
        blocks.append("".join(current))
    return blocks


def _span(node: LexborNode, name: str, limit: int) -> int:
    value = (node.attributes.get(name) or "1").strip()
    return max(1, min(int(value), limit)) if value.isdigit() else 1


def _row(tr: LexborNode) -> list[RawCell]:
    return [RawCell(cell.text(separator="\n"), colspan=_span(cell, "colspan", MAX_COLUMNS),
                    rowspan=_span(cell, "rowspan", 10_000))
            for cell in tr.iter() if cell.tag in ("td", "th")]

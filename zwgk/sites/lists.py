"""The list items of a page: which links are entries of a list, and the date of each. Pure.

Government sites show what a column holds as lists in many shapes — ``<li><a>…</a><span>2026-11-20
</span></li>``, table rows, ``<dl>``, plain text lines with ``<br>`` (even straight in ``<body>``),
dates before or after the title, whole rows as links, ``[11-20]`` without the year, calendar-like
dates over two elements — so items are found from the page's structure rather than from one
template: every date in the text goes to the link it shares the deepest ancestor with; in a row
holding one date, to the row's longest link (the title, not an attachment); in a flat block, to
the link on its line, the one before it first. Page furniture (``nav``, ``header``, ``footer``,
``aside`` and elements whose class or id says nav, menu, footer, logo…) holds no items.
"""

from bisect import bisect_left, bisect_right
from collections import Counter
from dataclasses import dataclass, field
from datetime import date

from selectolax.lexbor import LexborNode

from zwgk.sites.dates import publication_dates, split_date
from zwgk.sites.urls import is_root, resolve

_SKIP_TAGS = {"script", "style", "noscript", "template", "select", "option", "textarea", "head", "title"}
_CHROME_TAGS = {"nav", "header", "footer", "aside"}
_CHROME_WORDS = ("nav", "menu", "header", "footer", "sidebar", "breadcrumb", "crumb", "copyright",
                 "daohang", "logo", "banner", "location", "position")
_CHROME_EXACT = {"top", "head", "foot", "bottom", "side", "dh", "dqwz"}
_EMPTY_WORDS = ("暂无信息", "暂无数据", "暂无内容", "暂无记录", "暂无相关", "没有记录", "没有信息", "没有数据",
                "无相关信息", "栏目建设中", "正在建设中", "敬请期待")
# An undated link is a list item only when its text reads like a title, not like a menu entry.
_TITLE_CHARS = 8
_WINDOW = 6  # links considered on either side of a date, in document order


@dataclass(frozen=True)
class Item:
    """One entry of a list: its link, title, publication date (None: none shown) and row text."""

    url: str
    title: str
    day: date | None
    text: str


@dataclass(frozen=True)
class Lists:
    """What a page lists: its items, the newest date given to no item (an article page's own
    date), the links of its content (address and text; not the furniture's), and whether it
    says it holds nothing (暂无信息)."""

    items: tuple[Item, ...]
    own_date: date | None
    content_links: tuple[tuple[str, str], ...]
    says_empty: bool


def read_lists(body: LexborNode, base: str, today: date) -> Lists:
    """The lists of a page's ``body`` as of ``today``, links resolved against ``base``."""
    tokens = _tokenise(body, base, today)
    paired = _pair(tokens)
    given = {id(d) for dates in paired.values() for d in dates}
    own = [d.day for d in tokens.dates if id(d) not in given and d.standalone]
    return Lists(items=tuple(_items(tokens, paired, base)), own_date=max(own, default=None),
                 content_links=tuple((link.url, link.text) for link in tokens.links),
                 says_empty=any(word in text for text in tokens.texts.values() for word in _EMPTY_WORDS))


@dataclass(frozen=True)
class _LinkToken:
    index: int
    url: str
    text: str
    path: tuple[int, ...]  # ids of the ancestors, from body down to the link itself


@dataclass(frozen=True)
class _DateToken:
    index: int
    day: date
    standalone: bool  # the text is a date field, not a date mentioned inside a title
    path: tuple[int, ...]  # ids of the ancestors of the text


@dataclass
class _Tokens:
    """The page's content in document order: links, dates, line breaks, texts (with the path of
    each); elements by id."""

    links: list[_LinkToken] = field(default_factory=list)
    dates: list[_DateToken] = field(default_factory=list)
    breaks: list[int] = field(default_factory=list)
    texts: dict[int, str] = field(default_factory=dict)
    text_paths: dict[int, tuple[int, ...]] = field(default_factory=dict)
    nodes: dict[int, LexborNode] = field(default_factory=dict)


def _is_chrome(node: LexborNode) -> bool:
    if node.tag in _CHROME_TAGS:
        return True
    attrs = node.attributes
    words = f"{attrs.get('class') or ''} {attrs.get('id') or ''}".lower().split()
    return any(w in _CHROME_EXACT or w.startswith(_CHROME_WORDS) for w in words)


def _tokenise(body: LexborNode, base: str, today: date) -> _Tokens:
    """Walk the content (page furniture and scripts left out) in document order."""
    tokens, index = _Tokens(), 0
    stack: list[tuple[LexborNode, tuple[int, ...]]] = [(body, ())]
    while stack:
        node, path = stack.pop()
        tag = node.tag
        if tag == "-text":
            text = (node.text(deep=False) or "").strip()
            if text:
                tokens.texts[index], tokens.text_paths[index] = text, path
                tokens.dates += [_DateToken(index, day, standalone, path)
                                 for day, standalone in publication_dates(text, today)]
                index += 1
            continue
        if not node.is_element_node or tag in _SKIP_TAGS or _is_chrome(node):
            continue
        if tag in ("br", "hr"):
            tokens.breaks.append(index)
            index += 1
            continue
        here = (*path, node.mem_id)
        tokens.nodes[node.mem_id] = node
        href = node.attributes.get("href") if tag == "a" else None
        target = resolve(base, href) if href else None
        if target is not None:
            title = " ".join((node.text(deep=True) or node.attributes.get("title") or "").split())
            tokens.links.append(_LinkToken(index, target, title, here))
            index += 1
        stack.extend((child, here) for child in reversed(list(node.iter(include_text=True))))
    _add_split_dates(tokens, today)
    return tokens


def _add_split_dates(tokens: _Tokens, today: date) -> None:
    """Dates drawn as two neighbouring texts ("20" then "2026-11"), sharing their elements' path."""
    dated = {d.index for d in tokens.dates}
    for i in sorted(tokens.texts):
        if i + 1 in tokens.texts and not {i, i + 1} & dated:
            day = split_date(tokens.texts[i], tokens.texts[i + 1], today)
            if day is not None:
                path = tokens.text_paths[i][:_depth(tokens.text_paths[i], tokens.text_paths[i + 1])]
                tokens.dates.append(_DateToken(i, day, True, path))
    tokens.dates.sort(key=lambda d: d.index)


def _depth(a: tuple[int, ...], b: tuple[int, ...]) -> int:
    """How many ancestors two tokens share."""
    n = 0
    for x, y in zip(a, b, strict=False):
        if x != y:
            break
        n += 1
    return n


def _breaks_between(breaks: list[int], a: int, b: int) -> int:
    low, high = min(a, b), max(a, b)
    return bisect_right(breaks, high) - bisect_right(breaks, low)


def _pair(tokens: _Tokens) -> dict[int, list[_DateToken]]:
    """Each date given to one link (by position in ``tokens.links``), as the module says. A date
    sharing nothing but ``<body>`` with any link goes only to a link next to it on its line."""
    per_node = Counter(node for d in tokens.dates for node in d.path)
    positions = [link.index for link in tokens.links]
    paired: dict[int, list[_DateToken]] = {}
    for d in tokens.dates:
        at = bisect_left(positions, d.index)
        window = range(max(0, at - _WINDOW), min(len(positions), at + _WINDOW))
        if not window:
            continue
        best = max(_depth(tokens.links[i].path, d.path) for i in window)
        near = [i for i in window if _depth(tokens.links[i].path, d.path) == best]
        if best < 2:  # a flat page: only a neighbour on the same line
            near = [i for i in (at - 1, at) if 0 <= i < len(positions)
                    and not _breaks_between(tokens.breaks, positions[i], d.index)]
            if not near:
                continue
        if best >= 2 and per_node[d.path[best - 1]] == 1:
            chosen = max(near, key=lambda i: (len(tokens.links[i].text), -abs(positions[i] - d.index)))
        else:
            chosen = min(near, key=lambda i: (_breaks_between(tokens.breaks, positions[i], d.index) > 0,
                                              positions[i] > d.index, abs(positions[i] - d.index)))
        paired.setdefault(chosen, []).append(d)
    return paired


def _items(tokens: _Tokens, paired: dict[int, list[_DateToken]], base: str) -> list[Item]:
    """The list items: links given a date, and undated links whose text reads like a title (not
    the site's root, not the page itself)."""
    rows = {i: tokens.links[i].path[max(1, _depth(tokens.links[i].path, dates[0].path)) - 1]
            for i, dates in paired.items()}
    per_row = Counter(rows.values())
    items = []
    for i, link in enumerate(tokens.links):
        dates = paired.get(i)
        if dates:
            standalone = [d.day for d in dates if d.standalone]
            text = _row_text(tokens, i, rows[i] if per_row[rows[i]] == 1 else None)
            items.append(Item(link.url, link.text, min(standalone or [d.day for d in dates]), text))
        elif len(link.text) >= _TITLE_CHARS and link.url != base and not is_root(link.url):
            items.append(Item(link.url, link.text, None, _row_text(tokens, i, None)))
    return items


def _row_text(tokens: _Tokens, link: int, row: int | None) -> str:
    """The text of a link's row: the row element's whole text when it holds this item alone,
    else the texts from the link up to the next link or line break."""
    if row is not None and row in tokens.nodes:
        return " ".join((tokens.nodes[row].text(deep=True, separator=" ") or "").split())[:300]
    start = tokens.links[link].index
    end = tokens.links[link + 1].index if link + 1 < len(tokens.links) else start + 50
    cut = bisect_right(tokens.breaks, start)
    if cut < len(tokens.breaks):
        end = min(end, tokens.breaks[cut])
    return " ".join(tokens.texts[i] for i in range(start, end) if i in tokens.texts)[:300]

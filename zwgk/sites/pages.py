"""Reading one fetched page of a government website: its text in the right charset, the
《政府网站发展指引》 meta tags (PubDate, ColumnType, SiteIDCode…), its list items (``lists``), its
links, the next page of a paged list, and where a stub page sends the browser. Pure: bytes or
text in, plain data out (selectolax parses)."""

import codecs
import re
from dataclasses import dataclass
from datetime import date

from selectolax.lexbor import LexborHTMLParser

from zwgk.sites.dates import find_dates
from zwgk.sites.lists import Item, read_lists
from zwgk.sites.urls import resolve, site_of

__all__ = ["Item", "Link", "Page", "decode_html", "parse_page"]

# A page's text in the charset its header names, else its meta tag's, else UTF-8, else GB18030
# (which reads GB2312 and GBK, the charsets older government sites still use).
_META_CHARSET = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?\s*([A-Za-z0-9_:.\-]+)""", re.I)
_CHARSET_PARAM = re.compile(r"charset\s*=\s*[\"']?\s*([A-Za-z0-9_:.\-]+)", re.I)
_GB = {"gb2312", "gbk", "gb18030", "cp936", "euc_cn", "hz", "x-gbk", "gb_2312", "gb_2312-80"}
# Charsets servers name by default whatever the page holds.
_WEAK = {"latin_1", "iso8859-1", "ascii", "cp1252"}
_NEXT_WORDS = {"下一页", "下页", "后一页", "下一頁", "next", "nextpage", ">", "›", "»", ">>"}
_TRS_PAGER = re.compile(r"createPageHTML\(\s*(\d+)\s*,\s*(\d+)\s*,\s*[\"']([^\"']+)[\"']\s*,\s*[\"']([^\"']+)[\"']")
# Front pages that only send the browser on: <meta http-equiv="refresh" content="0;url=…"> or
# a script setting location.
_REFRESH = re.compile(r"url\s*=\s*['\"]?([^'\";]+)", re.I)
_SCRIPT_GO = re.compile(r"location(?:\.href)?\s*=\s*['\"]([^'\"]+)['\"]|location\.replace\(\s*['\"]([^'\"]+)['\"]")
_STUB_CHARS = 200  # a page with less text than this and no list is a stub when it sends on


@dataclass(frozen=True)
class Link:
    """A link on the page (absolute, without fragment) and its text."""

    url: str
    text: str


@dataclass(frozen=True)
class Page:
    """What a page shows: meta tags (lower-case names), its PubDate, list items, the newest date
    given to no item (an article's own), every link to its own site (furniture included), the
    links of its content (any site), the next page of its list, where a stub page sends on,
    whether it says it holds nothing."""

    url: str
    meta: dict[str, str]
    pub_date: date | None
    items: tuple[Item, ...]
    own_date: date | None
    links: tuple[Link, ...]
    content_links: tuple[Link, ...]
    next_url: str | None
    refresh_url: str | None
    says_empty: bool

    @property
    def latest(self) -> date | None:
        """The most recent date among the dated items."""
        return max((i.day for i in self.items if i.day is not None), default=None)


def decode_html(body: bytes, content_type: str = "") -> str:
    """The page's text: the charset of its HTTP header, else of its meta tag, else UTF-8, else
    GB18030; the first that reads the bytes without error (a header may lie). A header naming
    latin-1 or ASCII, as servers do by default, is tried last."""
    if body.startswith(b"\xef\xbb\xbf"):
        return body[3:].decode("utf-8", "replace")
    header = _codec(m.group(1) if (m := _CHARSET_PARAM.search(content_type or "")) else "")
    meta = _codec(m.group(1).decode("ascii", "ignore") if (m := _META_CHARSET.search(body[:4096])) else "")
    order = [header, meta, "utf-8", "gb18030"] if header not in _WEAK else [meta, "utf-8", "gb18030", header]
    for codec in order:
        if codec:
            try:
                return body.decode(codec)
            except UnicodeDecodeError:
                continue
    return body.decode("gb18030", "replace")


def _codec(name: str) -> str | None:
    name = name.strip().lower()
    if not name:
        return None
    if name in _GB:
        return "gb18030"
    try:
        return codecs.lookup(name).name
    except LookupError:
        return None


def parse_page(html: str, url: str, today: date) -> Page:
    """Read one page fetched from ``url`` (its address after redirects) as of ``today``."""
    tree = LexborHTMLParser(html)
    base_node = tree.css_first("base[href]")
    base = (resolve(url, base_node.attributes.get("href") or "") if base_node is not None else None) or url
    meta = {(m.attributes.get("name") or "").strip().lower(): (m.attributes.get("content") or "").strip()
            for m in tree.css("meta[name]")}
    found = find_dates(meta.get("pubdate", ""))
    lists = read_lists(tree.body, base, today) if tree.body is not None else None
    items = lists.items if lists else ()
    return Page(url=url, meta=meta, pub_date=found[0] if found else None, items=items,
                own_date=lists.own_date if lists else None, links=_site_links(tree, base, site_of(url)),
                content_links=tuple(Link(u, t[:100]) for u, t in lists.content_links) if lists else (),
                next_url=_next_page(tree, html, base, url),
                refresh_url=None if items else _refresh(tree, base, url),
                says_empty=bool(lists and lists.says_empty))


def _site_links(tree: LexborHTMLParser, base: str, site: tuple[str, int | None]) -> tuple[Link, ...]:
    """Every link to the page's own site, once each, in page order."""
    own: dict[str, Link] = {}
    for a in tree.css("a[href]"):
        target = resolve(base, a.attributes.get("href") or "")
        if target is not None and target not in own and site_of(target) == site:
            own[target] = Link(url=target, text=" ".join((a.text(deep=True) or "").split())[:100])
    return tuple(own.values())


def _next_page(tree: LexborHTMLParser, html: str, base: str, url: str) -> str | None:
    """The next page of a paged list: a link labelled 下一页 (or rel=next, or ›, »), or the page
    TRS's ``createPageHTML(count, current, "index", "html")`` script would link to."""
    for node in tree.css("a[href], link[rel]"):
        label = "".join((node.text(deep=True) or "").split()).lower()
        rel = (node.attributes.get("rel") or "").lower()
        if label in _NEXT_WORDS or "下一页" in label or rel == "next":
            target = resolve(base, node.attributes.get("href") or "")
            if target is not None and target != url:
                return target
    pager = _TRS_PAGER.search(html)
    if pager is not None:
        count, current, name, ext = int(pager.group(1)), int(pager.group(2)), pager.group(3), pager.group(4)
        if current + 1 < count:
            return resolve(base, f"{name}_{current + 1}.{ext}")
    return None


def _refresh(tree: LexborHTMLParser, base: str, url: str) -> str | None:
    """Where a stub page (little text, no list) sends the browser: its refresh meta tag, or a
    script setting ``location``."""
    for node in tree.css("meta[http-equiv]"):
        if (node.attributes.get("http-equiv") or "").lower() == "refresh":
            m = _REFRESH.search(node.attributes.get("content") or "")
            target = resolve(base, m.group(1)) if m else None
            if target is not None and target != url:
                return target
    body_text = (tree.body.text(deep=True) if tree.body is not None else "") or ""
    if len(body_text.strip()) > _STUB_CHARS:
        return None
    for script in tree.css("script"):
        m = _SCRIPT_GO.search(script.text(deep=True) or "")
        target = resolve(base, m.group(1) or m.group(2)) if m else None
        if target is not None and target != url:
            return target
    return None

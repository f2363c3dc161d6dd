"""Addresses on government websites: resolving links, telling sites apart. Pure."""

from urllib.parse import urljoin, urlsplit, urlunsplit

_NOT_PAGES = ("javascript:", "mailto:", "tel:", "data:", "#")


def resolve(base: str, href: str) -> str | None:
    """``href`` as an absolute http(s) address without fragment, or None (javascript:, mailto:…)."""
    href = href.strip().replace("\n", "").replace("\r", "").replace("\t", "")
    if not href or href.lower().startswith(_NOT_PAGES):
        return None
    try:
        parts = urlsplit(urljoin(base, href))
    except ValueError:
        return None
    if parts.scheme not in ("http", "https") or not parts.hostname:
        return None
    return urlunsplit((parts.scheme, parts.netloc, parts.path or "/", parts.query, ""))


def site_of(url: str) -> tuple[str, int | None]:
    """Which site an address belongs to: its host, and its port unless the scheme's default
    (so that http:// and https:// of one host are one site)."""
    parts = urlsplit(url)
    try:
        port = parts.port
    except ValueError:
        port = None
    return (parts.hostname or "").lower(), None if port in (None, 80, 443) else port


def is_root(url: str) -> bool:
    """Whether ``url`` is the front page of its site."""
    return urlsplit(url).path in ("", "/") and not urlsplit(url).query


def bare(url: str) -> str:
    """An address without its scheme (http:// and https:// of a page are the same page)."""
    return url.split("://", 1)[-1]


def folder(url: str) -> str | None:
    """The folder of an address, without scheme (a column's documents usually live below it),
    or None when it is the site's root (every page would be below it)."""
    parts = urlsplit(f"//{bare(url)}")
    path = parts.path.rsplit("/", 1)[0] + "/"
    return None if path == "/" else f"{parts.netloc}{path}"

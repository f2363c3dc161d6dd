"""One unit's round on the web: probing its homepage, or checking all its registered pages.

A check reads every registered page (following the pagination of 政策文件, 政策解读 and 互动交流
columns), keeps each page read as evidence, opens the newest 政策解读 items to see whether they link
to the unit's 政策文件 pages, and looks at links on the registered pages to the same site: those
found dead before, then a sample that changes from day to day (``ZWGK_SITE_MAX_LINKS`` a round),
so that a large site is covered over a few days without a flood of requests. What it saw goes to
``rules.judge`` as plain data.
"""

import dataclasses
import hashlib
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from pathlib import Path

from models.sites import ColumnKind
from zwgk.core.settings import Settings
from zwgk.sites.fetch import Fetched, Fetcher, Kept, keep_page
from zwgk.sites.pages import Item, Page, decode_html, parse_page
from zwgk.sites.rules import (
    ColumnSeen,
    InterpretationSeen,
    LinkSeen,
    MessageSeen,
    UnitSeen,
)
from zwgk.sites.urls import bare, folder

# Columns whose older pages matter: policy files that interpretations link to, interpretations
# to follow, messages of the past year.
PAGED = frozenset({ColumnKind.POLICY, ColumnKind.INTERPRETATION, ColumnKind.INTERACTION})
_NOT_HTML = ("application/pdf", "image/", "application/msword", "application/vnd", "application/zip",
             "application/octet-stream")


@dataclass(frozen=True)
class PagePlan:
    """A registered page to look at."""

    page_id: int
    column: str
    kind: ColumnKind
    url: str


@dataclass(frozen=True)
class UnitPlan:
    """One unit's registered pages, and the links found dead before (looked at again first)."""

    unit_id: int
    unit: str
    pages: tuple[PagePlan, ...]
    dead_links: frozenset[str] = frozenset()

    @property
    def homepage(self) -> PagePlan | None:
        """The registered homepage, if any."""
        return next((p for p in self.pages if p.kind is ColumnKind.HOMEPAGE), None)


@dataclass(frozen=True)
class ProbeResult:
    """Whether a homepage opened in time."""

    page_id: int
    at: datetime
    ok: bool
    status: int | None
    elapsed_ms: int
    error: str

    @classmethod
    def of(cls, page_id: int, fetched: Fetched) -> "ProbeResult":
        """The probe a fetch of the homepage amounts to."""
        error = fetched.error or ("" if fetched.ok else f"HTTP {fetched.status}")
        return cls(page_id, fetched.at, fetched.ok, fetched.status, fetched.elapsed_ms, error)


@dataclass(frozen=True)
class UnitSurvey:
    """What one unit's check saw, with the pages kept and the homepage's probe; ``error`` says
    why the check stopped short (then nothing was judged)."""

    plan: UnitPlan
    probe: ProbeResult | None
    seen: UnitSeen
    kept: tuple[Kept, ...]
    error: str = ""


async def probe_homepage(fetcher: Fetcher, page: PagePlan) -> ProbeResult:
    """Open a homepage once (its body read, as a visitor would)."""
    return ProbeResult.of(page.page_id, await fetcher.get(page.url))


async def survey_unit(fetcher: Fetcher, plan: UnitPlan, *, today: date, settings: Settings,
                      out_dir: Path) -> UnitSurvey:
    """Check one unit's registered pages as of ``today``."""
    return await _UnitRound(fetcher, plan, today, settings, out_dir).run()


@dataclass(frozen=True)
class _Read:
    """A page read: parsed, with the SHA-256 of the bytes kept."""

    page: Page
    evidence: str


class _UnitRound:
    def __init__(self, fetcher: Fetcher, plan: UnitPlan, today: date, settings: Settings, out_dir: Path) -> None:
        self.fetcher, self.plan, self.today, self.settings, self.out_dir = fetcher, plan, today, settings, out_dir
        self.kept: list[Kept] = []
        self.answers: dict[str, Fetched] = {}  # every address asked this round, bodies dropped
        self.read: dict[int, list[_Read]] = {}  # registered page id → its pages read, first page first
        self.probe: ProbeResult | None = None

    async def run(self) -> UnitSurvey:
        columns = [await self._column(page) for page in self.plan.pages]
        interpretations, judged = await self._interpretations()
        links, unchecked = await self._links(columns)
        seen = UnitSeen(columns=tuple(columns), links=links, unchecked_links=unchecked,
                        interpretations=interpretations, interpretations_judged=judged,
                        messages=self._messages())
        return UnitSurvey(self.plan, self.probe, seen, tuple(self.kept))

    async def _fetch(self, url: str, *, read: bool = True) -> tuple[Fetched, str]:
        """GET ``url``, remember the answer, keep the page; the answer and the page's SHA-256."""
        fetched = await self.fetcher.get(url, read=read)
        answer = dataclasses.replace(fetched, body=b"")
        self.answers[url] = self.answers[fetched.final_url] = answer
        if fetched.status is None or not read:
            return fetched, ""
        kept = keep_page(fetched, self.out_dir)
        self.kept.append(kept)
        return fetched, kept.sha256

    def _parse(self, fetched: Fetched) -> Page | None:
        if fetched.content_type.lower().startswith(_NOT_HTML):
            return None
        return parse_page(decode_html(fetched.body, fetched.content_type), fetched.final_url, self.today)

    async def _follow(self, fetched: Fetched, evidence: str) -> tuple[Fetched, str, Page | None]:
        """The page a fetch shows, after the stubs that only send the browser on (a refresh
        tag or a script), at most ``site_max_redirects`` of them."""
        page = self._parse(fetched) if fetched.ok else None
        seen = {fetched.url, fetched.final_url}
        for _ in range(self.settings.site_max_redirects):
            if page is None or page.items or page.refresh_url is None or page.refresh_url in seen:
                break
            seen.add(page.refresh_url)
            fetched, evidence = await self._fetch(page.refresh_url)
            page = self._parse(fetched) if fetched.ok else None
        return fetched, evidence, page

    async def _column(self, plan: PagePlan) -> ColumnSeen:
        """Read a registered page (and the next pages of a paged column)."""
        fetched, evidence = await self._fetch(plan.url)
        if plan.kind is ColumnKind.HOMEPAGE:
            self.probe = ProbeResult.of(plan.page_id, fetched)
        fetched, evidence, first = await self._follow(fetched, evidence)
        base = ColumnSeen(plan.page_id, plan.column, plan.kind, plan.url, fetched.status, fetched.error,
                          evidence=evidence)
        if first is None:
            return base
        read = [_Read(first, evidence)]
        visited = {plan.url, fetched.final_url}
        depth = self.settings.site_max_pages if plan.kind in PAGED else 1
        while len(read) < depth and (after := read[-1].page.next_url) and after not in visited:
            visited.add(after)
            more, more_evidence = await self._fetch(after)
            page = self._parse(more) if more.ok else None
            if page is None:
                break
            read.append(_Read(page, more_evidence))
        self.read[plan.page_id] = read
        return self._judged(base, plan, read)

    def _judged(self, base: ColumnSeen, plan: PagePlan, read: list["_Read"]) -> ColumnSeen:
        """What the column's pages say of its freshness: the homepage by its dated items alone
        (items without a date count as not updated); a column also by its own PubDate meta tag
        (《政府网站发展指引》) or, listing nothing, by the date the page itself shows."""
        first = read[0].page
        items = [item for r in read for item in r.page.items]
        dated = [item.day for item in items if item.day is not None]
        own = first.pub_date or (first.own_date if not items else None)
        own = own if own is not None and own <= self.today + timedelta(days=1) else None
        dates = dated if plan.kind is ColumnKind.HOMEPAGE else [*dated, *([own] if own else [])]
        blank = (not items and own is None) or (first.says_empty and not dated)
        return dataclasses.replace(base, latest=max(dates, default=None), items=len(items),
                                   dated_items=len(dated), blank=blank)

    def _pages_of(self, kind: ColumnKind) -> list[tuple[PagePlan, list[_Read]]]:
        return [(p, self.read[p.page_id]) for p in self.plan.pages if p.kind is kind and p.page_id in self.read]

    async def _interpretations(self) -> tuple[tuple[InterpretationSeen, ...], bool]:
        """The newest 政策解读 items and whether each links to a 政策文件 page of the unit; False
        when the unit's 政策文件 columns could not be read (nothing to judge against)."""
        policy = self._pages_of(ColumnKind.POLICY)
        if not policy:
            return (), not any(p.kind is ColumnKind.POLICY for p in self.plan.pages)
        files = {bare(item.url) for _, read in policy for r in read for item in r.page.items if item.url}
        columns = {bare(url) for plan, read in policy for url in (plan.url, *(r.page.url for r in read))}
        folders = {f for url in columns if (f := folder(url)) is not None}

        def is_policy(url: str) -> bool:
            """A policy document of the unit: listed in its 政策文件 column, or kept below it."""
            address = bare(url)
            return address in files or (address not in columns and any(address.startswith(f) for f in folders))

        seen = []
        for plan, read in self._pages_of(ColumnKind.INTERPRETATION):
            for item in _newest([item for r in read for item in r.page.items], self.settings.site_max_items):
                fetched, evidence = await self._fetch(item.url)
                page = self._parse(fetched) if fetched.ok else None
                if page is not None:  # its text links the policy's page, or a link labelled 原文 (the original)
                    linked = any(is_policy(link.url) or "原文" in link.text for link in page.content_links)
                    seen.append(InterpretationSeen(plan.page_id, plan.column, item.url, item.title, linked, evidence))
        return tuple(seen), True

    async def _links(self, columns: list[ColumnSeen]) -> tuple[tuple[LinkSeen, ...], frozenset[str]]:
        """Links on the registered pages to their own site: the dead ones of before and a daily
        sample looked at; the rest are left for another day (``unchecked``)."""
        registered = {p.url for p in self.plan.pages} | {c.url for c in columns}
        where: dict[str, tuple[ColumnSeen, str]] = {}
        for column in columns:
            read = self.read.get(column.page_id)
            for link in read[0].page.links if read else ():
                if link.url not in registered:
                    where.setdefault(link.url, (column, link.text))
        again = [url for url in where if url in self.plan.dead_links]
        fresh = sorted((url for url in where if url not in self.answers and url not in self.plan.dead_links),
                       key=lambda url: hashlib.sha1(f"{self.today}|{url}".encode(), usedforsecurity=False).hexdigest())
        for url in again + fresh[:self.settings.site_max_links]:
            if url not in self.answers:
                await self._fetch(url, read=False)
        links = tuple(LinkSeen(column.page_id, column.column, url, text, answer.status, answer.error,
                               column.evidence)
                      for url, (column, text) in where.items()
                      if (answer := self.answers.get(url)) is not None and not answer.skipped)
        return links, frozenset(where) - {link.url for link in links}

    def _messages(self) -> tuple[MessageSeen, ...]:
        """The dated messages listed in the 互动交流 columns (the rule reads their status)."""
        return tuple(MessageSeen(plan.page_id, plan.column, item.url, item.title, item.day, item.text, r.evidence)
                     for plan, read in self._pages_of(ColumnKind.INTERACTION) for r in read for item in r.page.items
                     if item.day is not None)


def _newest(items: list[Item], limit: int) -> list[Item]:
    """The dated items, newest first (or, on a list without dates, its items), at most ``limit``."""
    dated = sorted((i for i in items if i.day is not None), key=lambda i: i.day, reverse=True)  # type: ignore[arg-type,return-value]
    chosen: dict[str, Item] = {}
    for item in dated or items:
        chosen.setdefault(item.url, item)
    return list(chosen.values())[:limit]

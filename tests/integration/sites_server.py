"""Government websites served on loopback for the monitoring tests and bench/sites.py.

Each ``Site`` is a real HTTP server on 127.0.0.1 with a port of its own (so a host of its own, as
the monitor sees it), serving pages that tests may change between rounds. It records what it
was asked, with the User-Agent, and how many requests it had in flight at once. The page
builders write lists in the shapes government sites use: dates in spans or table cells, plain
text with line breaks, month-day dates, whole rows as links, paged lists, GBK pages.
"""

import html as html_text
import socket
import threading
import time
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import date, timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any


@dataclass
class Response:
    """What a path answers: body, status, headers, and a delay before answering."""

    body: bytes = b""
    status: int = 200
    headers: dict[str, str] = field(default_factory=dict)
    delay: float = 0.0


def page(html: str, *, charset: str = "utf-8", header_charset: bool = True, status: int = 200,
         delay: float = 0.0) -> Response:
    """An HTML page in ``charset``, named in the Content-Type header or only in its meta tag."""
    content_type = f"text/html; charset={charset}" if header_charset else "text/html"
    return Response(html.encode(charset), status, {"Content-Type": content_type}, delay)


def redirect(location: str, status: int = 302) -> Response:
    return Response(b"", status, {"Location": location})


class Tracker:
    """Requests in flight across several sites: the most sites answering at the same moment."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._busy: dict[int, int] = {}
        self.most_sites_at_once = 0

    def enter(self, site: int) -> None:
        with self._lock:
            self._busy[site] = self._busy.get(site, 0) + 1
            self.most_sites_at_once = max(self.most_sites_at_once, sum(1 for n in self._busy.values() if n))

    def leave(self, site: int) -> None:
        with self._lock:
            self._busy[site] -= 1


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    block_on_close = False
    site: "Site"

    def handle_error(self, request: Any, client_address: Any) -> None:
        pass  # a client that gave up on a slow page closed its socket: not the test's concern


class _Handler(BaseHTTPRequestHandler):
    server: _Server
    protocol_version = "HTTP/1.1"
    disable_nagle_algorithm = True  # headers and body go in two writes: no 40 ms wait between them

    def do_GET(self) -> None:  # noqa: N802 (the standard library's name)
        self.server.site.answer(self)

    def log_message(self, format: str, *args: Any) -> None:  # noqa: A002
        pass


class Site:
    """One website on its own loopback port; ``pages`` maps a path (with its query) to a response."""

    def __init__(self, pages: dict[str, Response] | None = None, *, tracker: Tracker | None = None) -> None:
        self.pages: dict[str, Response] = pages if pages is not None else {}  # tests change it between rounds
        self.tracker = tracker
        self.requests: list[str] = []
        self.user_agents: set[str] = set()
        self.in_flight = self.most_in_flight = 0
        self.arrivals: list[float] = []  # when each request arrived (time.monotonic)
        self._lock = threading.Lock()
        self._server = _Server(("127.0.0.1", 0), _Handler)
        self._server.site = self
        self.port = self._server.server_address[1]
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)

    def start(self) -> "Site":
        self._thread.start()
        return self

    def stop(self) -> None:
        self._server.shutdown()
        self._server.server_close()

    def __enter__(self) -> "Site":
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    def url(self, path: str = "/") -> str:
        return f"http://127.0.0.1:{self.port}{path}"

    def answer(self, handler: BaseHTTPRequestHandler) -> None:
        with self._lock:
            self.in_flight += 1
            self.most_in_flight = max(self.most_in_flight, self.in_flight)
            self.arrivals.append(time.monotonic())
            self.requests.append(handler.path)
            # The header arrives as latin-1 text; the office's name in it was sent as UTF-8.
            self.user_agents.add(handler.headers.get("User-Agent", "").encode("latin-1").decode("utf-8", "replace"))
        if self.tracker:
            self.tracker.enter(self.port)
        done = False
        try:
            response = self.pages.get(handler.path) or Response(b"<h1>404</h1>", 404, {"Content-Type": "text/html"})
            time.sleep(response.delay)
            handler.send_response(response.status)
            for name, value in response.headers.items():
                handler.send_header(name, value)
            handler.send_header("Content-Length", str(len(response.body)))
            handler.end_headers()
            # Out of flight before the last bytes go: once the client has them it may ask again at
            # once, before this thread gets to run, and that is one request after another, not two
            # at a time.
            self._leave()
            done = True
            handler.wfile.write(response.body)
        finally:
            if not done:
                self._leave()

    def _leave(self) -> None:
        if self.tracker:
            self.tracker.leave(self.port)
        with self._lock:
            self.in_flight -= 1


@contextmanager
def sites(*all_pages: dict[str, Response], tracker: Tracker | None = None) -> Iterator[list[Site]]:
    """Several sites at once, each with its pages."""
    started = [Site(p, tracker=tracker).start() for p in all_pages]
    try:
        yield started
    finally:
        for site in started:
            site.stop()


def closed_url() -> str:
    """The address of a port nothing listens on: a site that is down (connection refused)."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    return f"http://127.0.0.1:{port}/"


# ---------------------------------------------------------------- pages in the shapes of real sites

Entry = tuple[str, str, date | None]  # href, title, date (None: no date shown)


def document(body: str, *, title: str = "某某镇人民政府", meta: dict[str, str] | None = None,
             charset: str = "utf-8", nav: bool = True) -> str:
    """A whole page: head with charset and meta tags, a navigation bar and footer around ``body``."""
    metas = "".join(f'<meta name="{k}" content="{html_text.escape(v)}">' for k, v in (meta or {}).items())
    header = ('<div class="header"><a href="/"><img src="/logo.png" alt="logo">某某镇人民政府门户网站</a>'
              '<span>今天是2026年11月25日 星期三</span></div>'
              '<div class="nav"><a href="/">首页</a><a href="/news/">要闻动态</a><a href="/zcwj/">政策文件</a>'
              '<a href="/hd/">互动交流</a></div>') if nav else ""
    footer = ('<div class="footer">主办：某某镇人民政府 版权所有 网站标识码 5201120001 '
              '<a href="/sitemap.html">网站地图</a></div>') if nav else ""
    return (f'<!DOCTYPE html><html><head><meta charset="{charset}"><title>{title}</title>{metas}</head>'
            f"<body>{header}<div class=\"main\">{body}</div>{footer}</body></html>")


def list_html(entries: Sequence[Entry], shape: str = "span") -> str:
    """A list of entries: ``span`` (li with a date span after the title), ``before`` (date first),
    ``table`` (table rows, date in a cell), ``text`` (plain text lines with <br>), ``mmdd``
    ([11-20] without the year), ``rowlink`` (the whole row is the link), ``cn`` (2026年11月20日)."""
    def when(day: date | None, style: str = "iso") -> str:
        if day is None:
            return ""
        return {"iso": day.isoformat(), "slash": day.strftime("%Y/%m/%d"), "dot": day.strftime("%Y.%m.%d"),
                "cn": f"{day.year}年{day.month}月{day.day}日", "mmdd": day.strftime("[%m-%d]")}[style]

    rows = []
    for i, (href, title, day) in enumerate(entries, start=1):
        a = f'<a href="{href}" title="{title}">{title}</a>'
        rows.append({
            "span": f"<li>{a}<span class=\"date\">{when(day)}</span></li>",
            "before": f"<li><span>{when(day, 'slash')}</span>{a}</li>",
            "table": f"<tr><td>{i}</td><td>{a}</td><td>{when(day, 'dot')} 09:30</td></tr>",
            "text": f"{a}&nbsp;&nbsp;({when(day)})<br>",
            "mmdd": f"<li>{a}<em>{when(day, 'mmdd')}</em></li>",
            "rowlink": f'<li><a href="{href}"><span class="t">{title}</span><span class="d">{when(day)}</span></a></li>',
            "cn": f"<li>{a}<span>发布日期：{when(day, 'cn')}</span></li>",
        }[shape])
    inner = "".join(rows)
    if shape == "table":
        return f"<table class=\"list\"><tr><th>序号</th><th>标题</th><th>发布日期</th></tr>{inner}</table>"
    if shape == "text":
        return f"<div class=\"list\">{inner}</div>"
    return f"<ul class=\"list\">{inner}</ul>"


def messages_html(rows: Sequence[tuple[str, str, date, str]]) -> str:
    """A 互动交流 table: href, title, date asked, status (已回复, 未回复, 处理中…)."""
    body = "".join(f'<tr><td><a href="{href}">{title}</a></td><td>{asked.isoformat()}</td><td>{status}</td></tr>'
                   for href, title, asked, status in rows)
    return f"<table class=\"list\"><tr><th>标题</th><th>留言时间</th><th>状态</th></tr>{body}</table>"


def article(title: str, day: date, links: Sequence[tuple[str, str]] = (), charset: str = "utf-8") -> str:
    """An article page with the 《政府网站发展指引》 meta tags and links (href, text) in its body."""
    body = "".join(f'<p><a href="{href}">{text}</a></p>' for href, text in links)
    return document(f"<h1>{title}</h1><p>正文……</p>{body}", title=title, charset=charset,
                    meta={"SiteIDCode": "5201120001", "ColumnType": "政策解读", "ArticleTitle": title,
                          "PubDate": f"{day.isoformat()} 10:30"})


def ago(today: date, days: int) -> date:
    return today - timedelta(days=days)


# The columns of ``government_site``: 栏目名称, 栏目类型, path.
COLUMNS = (("首页", "首页", "/"), ("要闻动态", "动态要闻", "/news/"), ("通知公告", "通知公告", "/tzgg/"),
           ("政策文件", "政策文件", "/zcwj/"), ("政策解读", "政策解读", "/zcjd/"),
           ("政府信息公开", "信息公开", "/xxgk/"), ("互动交流", "互动交流", "/hd/"))


def government_site(today: date, *, shape: str = "span", charset: str = "utf-8", header_charset: bool = True,
                    items: int = 4) -> dict[str, Response]:
    """A healthy township site as of ``today``: every column recently updated, every link alive,
    each interpretation linked to its policy document, every message answered."""
    def entries(folder: str, title: str, step: int) -> list[Entry]:
        return [(f"/{folder}/2026/t{i}.html", f"{title}第{i}号工作安排", today - timedelta(days=1 + i * step))
                for i in range(1, items + 1)]

    lists = {"news": entries("news", "某某镇召开安全生产专题会议", 1), "tzgg": entries("tzgg", "关于做好冬季防火工作的通知", 7),
             "zcwj": entries("zcwj", "某某镇人民政府关于印发实施方案的通知", 20),
             "xxgk": entries("xxgk", "某某镇财政预算信息公开", 30)}
    lists["zcjd"] = [(f"/zcjd/2026/jd{i}.html", f"《实施方案》政策解读第{i}号", day)
                     for i, (_, _, day) in enumerate(lists["zcwj"], start=1)]
    pages: dict[str, Response] = {}

    def add(path: str, html: str) -> None:
        pages[path] = page(html, charset=charset, header_charset=header_charset)

    home = "".join(f"<div class=\"box\"><h2>{name}</h2>{list_html(lists[key][:3], shape)}</div>"
                   for key, name in (("news", "要闻动态"), ("tzgg", "通知公告")))
    add("/", document(home, charset=charset))
    for key, title in (("news", "要闻动态"), ("tzgg", "通知公告"), ("zcwj", "政策文件"), ("zcjd", "政策解读"),
                       ("xxgk", "政府信息公开")):
        add(f"/{key}/", document(f"<h1>{title}</h1>{list_html(lists[key], shape)}", charset=charset))
    for key in ("news", "tzgg", "zcwj", "xxgk"):
        for href, title, day in lists[key]:
            add(href, article(title, day or today, charset=charset))
    for i, (href, title, day) in enumerate(lists["zcjd"], start=1):
        add(href, article(title, day or today, [(lists["zcwj"][i - 1][0], "政策原文")], charset=charset))
    asked = [(f"/hd/{i}.html", f"关于某某问题的咨询{i}", today - timedelta(days=10 * i), "已回复") for i in range(1, 4)]
    add("/hd/", document(messages_html(asked + [("/hd/9.html", "关于道路维修的咨询", today - timedelta(days=2), "处理中")]),
                         charset=charset))
    for href, title, *_ in asked + [("/hd/9.html", "关于道路维修的咨询")]:
        add(href, document(f"<h1>{title}</h1>", charset=charset))
    add("/sitemap.html", document("<h1>网站地图</h1>", charset=charset))
    return pages


def register_csv(rows: Sequence[tuple[str, str, str, str]]) -> str:
    """A pages file's text: 单位名称,栏目名称,栏目类型,地址 then the rows."""
    return "单位名称,栏目名称,栏目类型,地址\n" + "".join(",".join(row) + "\n" for row in rows)


def site_rows(unit: str, site: Site) -> list[tuple[str, str, str, str]]:
    """The register rows of a ``government_site`` served by ``site`` for ``unit``."""
    return [(unit, name, kind, site.url(path)) for name, kind, path in COLUMNS]


# ---------------------------------------------------------------- the monitor, set up for tests

OFFICE_CLERK = "刘静怡"  # office staff of the demo district


def fast_monitoring(monkeypatch: Any, out_dir: Any, **settings: str) -> None:
    """Settings for monitoring on loopback within seconds: no pause, a short timeout, output in
    ``out_dir``; ``settings`` overrides more (as ZWGK_SITE_… values)."""
    from zwgk.core.settings import get_settings

    values = {"ZWGK_OUT_DIR": str(out_dir), "ZWGK_SITE_PAUSE_S": "0", "ZWGK_SITE_TIMEOUT_S": "2",
              **{f"ZWGK_{k.upper()}": v for k, v in settings.items()}}
    for key, value in values.items():
        monkeypatch.setenv(key, value)
    get_settings.cache_clear()


def register(session: Any, folder: Any, rows: Sequence[tuple[str, str, str, str]], today: date) -> Any:
    """Register ``rows`` (单位名称, 栏目名称, 栏目类型, 地址) through a CSV import by the office."""
    from pathlib import Path

    from zwgk.core.permissions import Actor
    from zwgk.sites.registry import import_pages

    path = Path(folder) / "pages.csv"
    path.write_text(register_csv(rows), encoding="utf-8")
    return import_pages(session, path, actor=Actor(OFFICE_CLERK, office=True), day=today)

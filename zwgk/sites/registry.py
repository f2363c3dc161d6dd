"""The monitored pages: imported from a file and listed.

The file (.csv in UTF-8 or GBK, or .xlsx) has the columns 单位名称,栏目名称,栏目类型,地址: one row
per monitored page, 栏目类型 one of 首页, 动态要闻, 通知公告, 政策文件, 政策解读, 信息公开, 互动交流. Any
bad row rejects the whole file, each problem named by row and column. A unit's rows are its whole
register: importing again adds, updates (type or address) and stops monitoring the pages of the
units it names, and lists each change; units it does not name are left as they are.
"""

from dataclasses import dataclass
from datetime import date
from pathlib import Path
from urllib.parse import urlsplit

from sqlmodel import Session, col, select

from models.audit import record
from models.sites import ColumnKind, SitePage
from models.types import utcnow
from models.units import Unit
from zwgk.adapters.files import file_sha256
from zwgk.adapters.spreadsheets.tables import read_rows
from zwgk.core.errors import ImportRejected
from zwgk.core.permissions import Actor
from zwgk.sites.findings import close_findings_of_page
from zwgk.sites.staff import require_monitor

HEADERS = {"单位名称": "unit", "单位": "unit", "栏目名称": "column", "栏目": "column", "栏目类型": "kind",
           "类型": "kind", "地址": "url", "网址": "url", "URL": "url", "url": "url"}
COLUMN_LABELS = {"unit": "单位名称", "column": "栏目名称", "kind": "栏目类型", "url": "地址"}
KINDS = "、".join(k.value for k in ColumnKind)


@dataclass(frozen=True)
class PageRow:
    """One valid row of a pages file."""

    unit_id: int
    unit: str
    column: str
    kind: ColumnKind
    url: str


@dataclass(frozen=True)
class PagesImported:
    """What an import changed, one line per change, and the CSV's encoding."""

    rows: int
    added: list[str]
    updated: list[str]
    stopped: list[str]
    encoding: str | None


@dataclass(frozen=True)
class PageView:
    """A registered page as listed."""

    id: int
    unit_id: int
    unit: str
    column: str
    kind: ColumnKind
    url: str
    active: bool


def url_problem(url: str) -> str | None:
    """Why ``url`` cannot be monitored (not an http(s) address of a host), or None."""
    if not url:
        return "不能为空"
    if any(ch.isspace() for ch in url):
        return f"“{url}”中有空格"
    try:
        parts = urlsplit(url)
        parts.port  # noqa: B018  (raises ValueError for a bad port)
    except ValueError:
        return f"“{url}”不是有效的网址"
    if parts.scheme.lower() not in ("http", "https"):
        return f"“{url}”应以 http:// 或 https:// 开头"
    if not parts.hostname:
        return f"“{url}”缺少网站域名"
    return None


def parse_pages(session: Session, path: Path) -> tuple[list[PageRow], str | None]:
    """Read and validate a pages file; ImportRejected listing every bad row and column."""
    table = read_rows(path, HEADERS)
    units = {u.name: u for u in session.exec(select(Unit)).all()}
    problems = [f"{path.name}: 第 1 行缺少“{label}”列 (missing column)" for key, label in COLUMN_LABELS.items()
                if table.rows and all(key not in row.cells for row in table.rows)]
    found: list[PageRow] = []
    seen: dict[tuple[str, str, str], int] = {}
    for row in table.rows:
        where = f"{path.name} [{table.sheet}] 第 {row.number} 行"
        cells = {key: row.cells.get(key, "") for key in COLUMN_LABELS}
        wrong = {key: why for key, why in _row_problems(cells, units).items() if why}
        for key, why in _repeats(cells, row.number, seen).items():
            wrong.setdefault(key, why)
        problems += [f"{where} {COLUMN_LABELS[key]}列：{why}" for key, why in wrong.items()]
        if not wrong:
            unit = units[cells["unit"]]
            found.append(PageRow(unit.id, unit.name, cells["column"], ColumnKind(cells["kind"]), cells["url"]))  # type: ignore[arg-type]
    if not table.rows:
        problems.append(f"{path.name}: 没有数据行 (no data rows)")
    if problems:
        raise ImportRejected(problems)
    return found, table.encoding


def _row_problems(cells: dict[str, str], units: dict[str, Unit]) -> dict[str, str | None]:
    unit = units.get(cells["unit"])
    return {
        "unit": "不能为空" if not cells["unit"] else
        f"“{cells['unit']}”不在被考核单位名册中（请用 zwgk units list 查看）" if unit is None else
        f"“{cells['unit']}”已撤销" if unit.retired else None,
        "column": "不能为空" if not cells["column"] else None,
        "kind": None if cells["kind"] in ColumnKind._value2member_map_ else f"“{cells['kind']}”应为 {KINDS} 之一",
        "url": url_problem(cells["url"]),
    }


def _repeats(cells: dict[str, str], number: int, seen: dict[tuple[str, str, str], int]) -> dict[str, str]:
    """What row ``number`` repeats of an earlier row of the same unit: a column name, an
    address, or a second homepage (``seen`` remembers the first row of each)."""
    repeats = {}
    checks = (("column", cells["column"], "与第 {} 行的栏目名称重复"), ("url", cells["url"], "与第 {} 行的地址重复"),
              ("kind", "homepage" if cells["kind"] == ColumnKind.HOMEPAGE else "", "同一单位只能有一个首页（第 {} 行已有）"))
    for key, value, says in checks:
        if value:
            first = seen.setdefault((cells["unit"], key, value), number)
            if first != number:
                repeats[key] = says.format(first)
    return repeats


def import_pages(session: Session, path: Path, *, actor: Actor, day: date) -> PagesImported:
    """Import a pages file (all or nothing; audited with the file's SHA-256; commits). Pages
    no longer listed for a unit in the file stop being monitored and their findings close."""
    require_monitor(actor)
    rows, encoding = parse_pages(session, path)
    unit_ids = {r.unit_id for r in rows}
    existing = {(p.unit_id, p.column): p for p in session.exec(
        select(SitePage).where(col(SitePage.unit_id).in_(unit_ids))).all()}
    added, updated, stopped = [], [], []
    for r in rows:
        page = existing.get((r.unit_id, r.column))
        if page is None:
            session.add(SitePage(unit_id=r.unit_id, column=r.column, kind=r.kind, url=r.url))
            added.append(f"{r.unit} {r.column}（{r.kind.value}）{r.url}")
            continue
        diffs = ([f"类型 {page.kind.value} → {r.kind.value}"] if page.kind != r.kind else []) + \
            ([f"地址 {page.url} → {r.url}"] if page.url != r.url else []) + ([] if page.active else ["恢复监测"])
        if diffs:
            page.kind, page.url, page.active, page.updated_at = r.kind, r.url, True, utcnow()
            session.add(page)
            updated.append(f"{r.unit} {r.column}：{'；'.join(diffs)}")
    listed = {(r.unit_id, r.column) for r in rows}
    names = {r.unit_id: r.unit for r in rows}
    for key, page in existing.items():
        if page.active and key not in listed:
            page.active, page.updated_at = False, utcnow()
            session.add(page)
            closed = close_findings_of_page(session, page_id=page.id, day=day)  # type: ignore[arg-type]
            stopped.append(f"{names[page.unit_id]} {page.column}（{page.url}）" + (f"，关闭问题 {closed} 个" if closed else ""))
    if added or updated or stopped:
        record(session, actor=actor.name, action="sites.import",
               detail={"file": path.name, "sha256": file_sha256(path), "added": added, "updated": updated,
                       "stopped": stopped})
    session.commit()
    return PagesImported(rows=len(rows), added=added, updated=updated, stopped=stopped, encoding=encoding)


def list_pages(session: Session, *, include_stopped: bool = False) -> list[PageView]:
    """The registered pages by unit (register order), the homepage first."""
    query = select(SitePage, Unit.name).join(Unit, col(Unit.id) == SitePage.unit_id)
    if not include_stopped:
        query = query.where(col(SitePage.active).is_(True))
    views = [PageView(id=p.id, unit_id=p.unit_id, unit=name, column=p.column, kind=p.kind, url=p.url,  # type: ignore[arg-type]
                      active=p.active) for p, name in session.exec(query).all()]
    return sorted(views, key=lambda v: (v.unit_id, v.kind is not ColumnKind.HOMEPAGE, v.id))

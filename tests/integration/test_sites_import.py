"""Registering the monitored pages: CSV (UTF-8 or GBK) or .xlsx, all or nothing with every problem
named by row and column, re-imports listing their changes, and only the office may do it."""

from datetime import date
from pathlib import Path

import pytest
import xlsxwriter
from sqlmodel import Session, col, select

from models.audit import AuditEntry
from models.sites import ColumnKind, FindingRule, Severity, SiteFinding, SitePage
from models.units import Unit
from tests.integration.sites_server import OFFICE_CLERK, register_csv
from zwgk.core.errors import ImportRejected, IntakeError
from zwgk.core.permissions import Actor
from zwgk.demo.district import load_demo
from zwgk.setup.units import retire_unit
from zwgk.sites.registry import import_pages, list_pages

TODAY = date(2026, 11, 25)
OFFICE = Actor(OFFICE_CLERK, office=True)
ROWS = [("青岚镇（演示）", "首页", "首页", "http://www.qinglan.gov.cn/"),
        ("青岚镇（演示）", "要闻动态", "动态要闻", "http://www.qinglan.gov.cn/news/"),
        ("区教育局（演示）", "通知公告", "通知公告", "https://jyj.example.gov.cn/tzgg/index.html")]


@pytest.fixture
def demo(session: Session) -> Session:
    load_demo(session)
    return session


def write_csv(tmp_path: Path, rows: list[tuple[str, str, str, str]], encoding: str = "utf-8") -> Path:
    path = tmp_path / "pages.csv"
    path.write_bytes(register_csv(rows).encode(encoding))
    return path


def test_a_csv_in_utf8_or_gbk_and_an_xlsx_register_the_same_pages(demo: Session, tmp_path: Path) -> None:
    done = import_pages(demo, write_csv(tmp_path, ROWS, "gbk"), actor=OFFICE, day=TODAY)
    assert (done.rows, len(done.added), done.encoding) == (3, 3, "GB18030/GBK")
    assert [(p.unit, p.column, p.kind, p.url) for p in list_pages(demo)] == [
        ("青岚镇（演示）", "首页", ColumnKind.HOMEPAGE, "http://www.qinglan.gov.cn/"),
        ("青岚镇（演示）", "要闻动态", ColumnKind.NEWS, "http://www.qinglan.gov.cn/news/"),
        ("区教育局（演示）", "通知公告", ColumnKind.NOTICE, "https://jyj.example.gov.cn/tzgg/index.html")]
    workbook_path = tmp_path / "pages.xlsx"
    workbook = xlsxwriter.Workbook(workbook_path)
    sheet = workbook.add_worksheet("监测栏目")
    for r, row in enumerate([("单位名称", "栏目名称", "栏目类型", "地址"), *ROWS]):
        sheet.write_row(r, 0, row)
    workbook.close()
    again = import_pages(demo, workbook_path, actor=OFFICE, day=TODAY)
    assert (again.added, again.updated, again.stopped) == ([], [], [])


def test_any_bad_row_rejects_the_whole_file_naming_row_and_column(demo: Session, tmp_path: Path) -> None:
    retire_unit(demo, name="云雾镇（演示）", actor="测试")
    bad = [*ROWS,
           ("不存在的单位", "首页", "首页", "http://a.gov.cn/"),
           ("云雾镇（演示）", "首页", "首页", "http://b.gov.cn/"),
           ("青岚镇（演示）", "", "通知公告", "http://www.qinglan.gov.cn/tzgg/"),
           ("青岚镇（演示）", "办事服务", "服务", "http://www.qinglan.gov.cn/bs/"),
           ("青岚镇（演示）", "政策文件", "政策文件", "www.qinglan.gov.cn/zcwj/"),
           ("青岚镇（演示）", "政策解读", "政策解读", "ftp://www.qinglan.gov.cn/zcjd/"),
           ("青岚镇（演示）", "要闻动态", "动态要闻", "http://www.qinglan.gov.cn/yw/"),
           ("青岚镇（演示）", "互动交流", "互动交流", "http://www.qinglan.gov.cn/news/"),
           ("青岚镇（演示）", "门户首页", "首页", "http://www.qinglan.gov.cn/index.html")]
    with pytest.raises(ImportRejected) as refused:
        import_pages(demo, write_csv(tmp_path, bad), actor=OFFICE, day=TODAY)
    problems = refused.value.problems
    expected = [("第 5 行 单位名称列", "不在被考核单位名册中"), ("第 6 行 单位名称列", "已撤销"),
                ("第 7 行 栏目名称列", "不能为空"), ("第 8 行 栏目类型列", "应为 首页、动态要闻"),
                ("第 9 行 地址列", "应以 http:// 或 https:// 开头"), ("第 10 行 地址列", "应以 http://"),
                ("第 11 行 栏目名称列", "与第 3 行的栏目名称重复"), ("第 12 行 地址列", "与第 3 行的地址重复"),
                ("第 13 行 栏目类型列", "同一单位只能有一个首页（第 2 行已有）")]
    assert len(problems) == len(expected)
    for problem, (where, why) in zip(problems, expected, strict=True):
        assert where in problem and why in problem, problem
    assert demo.exec(select(SitePage)).all() == []


def test_a_file_without_an_address_column_is_refused(demo: Session, tmp_path: Path) -> None:
    path = tmp_path / "pages.csv"
    path.write_text("单位名称,栏目名称,栏目类型\n青岚镇（演示）,首页,首页\n", encoding="utf-8")
    with pytest.raises(ImportRejected, match="缺少“地址”列"):
        import_pages(demo, path, actor=OFFICE, day=TODAY)


def test_importing_again_lists_what_changed_and_stops_pages_no_longer_listed(demo: Session, tmp_path: Path) -> None:
    import_pages(demo, write_csv(tmp_path, ROWS), actor=OFFICE, day=TODAY)
    news = demo.exec(select(SitePage).where(SitePage.column == "要闻动态")).one()
    demo.add(SiteFinding(unit_id=news.unit_id, page_id=news.id, rule=FindingRule.COLUMN_STALE,
                         severity=Severity.PROBLEM, column="要闻动态", url=news.url, detail="未更新",
                         first_seen=TODAY, last_seen=TODAY, open_key="x"))
    demo.commit()
    changed = [ROWS[0], ("青岚镇（演示）", "通知公告", "通知公告", "http://www.qinglan.gov.cn/tzgg/"),
               ("区教育局（演示）", "通知公告", "政策文件", "https://jyj.example.gov.cn/zcwj/")]
    done = import_pages(demo, write_csv(tmp_path, changed), actor=OFFICE, day=TODAY)
    assert done.added == ["青岚镇（演示） 通知公告（通知公告）http://www.qinglan.gov.cn/tzgg/"]
    assert done.updated == ["区教育局（演示） 通知公告：类型 通知公告 → 政策文件；地址 "
                            "https://jyj.example.gov.cn/tzgg/index.html → https://jyj.example.gov.cn/zcwj/"]
    assert done.stopped == ["青岚镇（演示） 要闻动态（http://www.qinglan.gov.cn/news/），关闭问题 1 个"]
    assert demo.exec(select(SiteFinding.closed_on)).one() == TODAY
    assert [p.column for p in list_pages(demo)] == ["首页", "通知公告", "通知公告"]
    assert [p.active for p in list_pages(demo, include_stopped=True) if p.column == "要闻动态"] == [False]
    restored = import_pages(demo, write_csv(tmp_path, [*changed, ROWS[1]]), actor=OFFICE, day=TODAY)
    assert restored.updated == ["青岚镇（演示） 要闻动态：恢复监测"]
    audit = demo.exec(select(AuditEntry).where(AuditEntry.action == "sites.import").order_by(col(AuditEntry.id))).all()
    assert len(audit) == 3 and all(a.actor == OFFICE_CLERK and '"sha256"' in a.comment for a in audit)


def test_only_the_office_registers_pages(demo: Session, tmp_path: Path) -> None:
    unit_id = demo.exec(select(Unit.id).where(Unit.name == "青岚镇（演示）")).one()
    for actor in (Actor("张明远", leading_group=True), Actor("qinglan", unit_id=unit_id), Actor("考核员", assessor=True)):
        with pytest.raises(IntakeError, match="无权办理网站监测"):
            import_pages(demo, write_csv(tmp_path, ROWS), actor=actor, day=TODAY)
    assert demo.exec(select(SitePage)).all() == []

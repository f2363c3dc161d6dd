"""Checking real websites served on loopback: healthy sites in every list shape and encoding give
no finding; stale, blank, undated, dead, down, slow, unlinked and unanswered ones give the
findings the national rules say; fixed problems close; evidence is kept; the monitor is polite."""

from datetime import date, timedelta
from pathlib import Path

import pytest
from sqlmodel import Session, col, select

from models.sites import (
    FindingRule,
    Severity,
    SiteEvidence,
    SiteFinding,
    SiteObservation,
    SiteProbe,
)
from tests.integration.sites_server import (
    Response,
    Site,
    Tracker,
    ago,
    closed_url,
    document,
    fast_monitoring,
    government_site,
    list_html,
    messages_html,
    page,
    redirect,
    register,
    site_rows,
    sites,
)
from zwgk.core.settings import get_settings
from zwgk.demo.district import load_demo
from zwgk.sites.findings import list_findings
from zwgk.sites.rounds import NothingToMonitor, run_check, run_probe

TODAY = date(2026, 11, 25)
TOWN, VILLAGE = "青岚镇（演示）", "云雾镇（演示）"


@pytest.fixture
def monitor(session: Session, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Session:
    """The demo district, monitoring set up to run on loopback within seconds."""
    load_demo(session)
    fast_monitoring(monkeypatch, tmp_path / "out")
    return session


def findings(session: Session) -> set[tuple[str, FindingRule, Severity, str]]:
    """Open findings as (unit, rule, severity, column)."""
    return {(f.unit, f.rule, f.severity, f.column) for f in list_findings(session)}


@pytest.mark.parametrize("shape, charset, header", [
    ("span", "utf-8", True), ("before", "utf-8", True), ("table", "gbk", True), ("text", "gb2312", False),
    ("mmdd", "utf-8", True), ("rowlink", "gbk", False), ("cn", "utf-8", True)])
def test_a_healthy_site_gives_no_finding_whatever_its_shape_and_encoding(
        monitor: Session, tmp_path: Path, shape: str, charset: str, header: bool) -> None:
    with Site(government_site(TODAY, shape=shape, charset=charset, header_charset=header)) as site:
        register(monitor, tmp_path, site_rows(TOWN, site), TODAY)
        report = run_check(monitor, day=TODAY)
        probe = run_probe(monitor, day=TODAY)
    assert findings(monitor) == set() and report.failed == [] and probe.failed == []
    assert report.pages == 7 + 4  # the registered pages and the interpretations opened
    observed = monitor.exec(select(SiteObservation)).all()
    assert len(observed) == 7 and all(o.latest is not None and o.items > 0 for o in observed)


def test_every_page_read_is_kept_by_its_sha256_with_address_and_time(monitor: Session, tmp_path: Path) -> None:
    with Site(government_site(TODAY)) as site:
        register(monitor, tmp_path, site_rows(TOWN, site), TODAY)
        run_check(monitor, day=TODAY)
        home = site.pages["/"].body
    kept = monitor.exec(select(SiteEvidence).where(SiteEvidence.url == site.url("/"))).one()
    import hashlib

    assert kept.sha256 == hashlib.sha256(home).hexdigest() and kept.status == 200 and kept.fetched_at is not None
    assert (tmp_path / "out" / kept.path).read_bytes() == home
    assert kept.path == f"sites/{kept.sha256[:2]}/{kept.sha256}.html"


def test_the_monitor_is_polite_one_request_at_a_time_per_host_naming_the_office(monitor: Session, tmp_path: Path) -> None:
    tracker = Tracker()
    slow = {path: Response(r.body, r.status, r.headers, delay=0.02) for path, r in government_site(TODAY).items()}
    with sites(slow, dict(slow), tracker=tracker) as (town, village):
        register(monitor, tmp_path, site_rows(TOWN, town) + site_rows(VILLAGE, village), TODAY)
        run_check(monitor, day=TODAY)
    assert town.most_in_flight == village.most_in_flight == 1
    assert tracker.most_sites_at_once == 2  # the two hosts were asked side by side
    assert all("乌当区政务公开工作领导小组办公室" in agent for agent in town.user_agents | village.user_agents)


def test_stale_columns_and_an_undated_homepage_give_findings_that_close_once_fixed(monitor: Session,
                                                                                  tmp_path: Path) -> None:
    pages = government_site(TODAY)
    healthy = dict(pages)
    stale_news = [(f"/news/2026/t{i}.html", f"某某镇召开安全生产专题会议第{i}号工作安排", ago(TODAY, 20 + i))
                  for i in range(1, 5)]
    pages["/news/"] = page(document(list_html(stale_news)))
    pages["/"] = page(document(list_html([(h, t, None) for h, t, _ in stale_news])))  # no dates at all
    with Site(pages) as site:
        register(monitor, tmp_path, site_rows(TOWN, site), TODAY)
        run_check(monitor, day=TODAY)
        assert findings(monitor) == {(TOWN, FindingRule.HOMEPAGE_STALE, Severity.VETO, "首页"),
                                     (TOWN, FindingRule.COLUMN_STALE, Severity.PROBLEM, "要闻动态")}
        site.pages.update(healthy)
        report = run_check(monitor, day=TODAY + timedelta(days=1))
    assert findings(monitor) == set() and report.closed == 2
    closed = monitor.exec(select(SiteFinding)).all()
    assert {(f.first_seen, f.closed_on) for f in closed} == {(TODAY, TODAY + timedelta(days=1))}


def test_five_stale_news_columns_are_each_a_veto(monitor: Session, tmp_path: Path) -> None:
    pages = government_site(TODAY)
    stale = page(document(list_html([("/news/2026/t1.html", "某某镇召开安全生产专题会议", ago(TODAY, 15))])))
    rows = []
    with Site(pages) as site:
        for i in range(1, 6):
            pages[f"/news{i}/"] = stale
            rows.append((TOWN, f"动态{i}", "动态要闻", site.url(f"/news{i}/")))
        register(monitor, tmp_path, rows, TODAY)
        run_check(monitor, day=TODAY)
    assert findings(monitor) == {(TOWN, FindingRule.COLUMN_STALE, Severity.VETO, f"动态{i}") for i in range(1, 6)}


def test_a_column_that_lists_nothing_is_blank(monitor: Session, tmp_path: Path) -> None:
    pages = government_site(TODAY)
    pages["/xxgk/"] = page(document('<h1>政府信息公开</h1><ul class="list"></ul><p>暂无信息</p>'))
    with Site(pages) as site:
        register(monitor, tmp_path, site_rows(TOWN, site), TODAY)
        run_check(monitor, day=TODAY)
    assert findings(monitor) == {(TOWN, FindingRule.BLANK_COLUMN, Severity.PROBLEM, "政府信息公开")}


def test_links_to_the_same_site_that_fail_are_dead_other_sites_are_not_checked(monitor: Session,
                                                                              tmp_path: Path) -> None:
    pages = government_site(TODAY)
    extra = ('<div class="links"><a href="/gone.html">已删除的文章</a><a href="broken/">出错的页面</a>'
             f'<a href="{closed_url()}elsewhere.html">外单位网站</a><a href="/loop">循环跳转</a></div>')
    home = pages["/"].body.decode().replace('<div class="footer">', extra + '<div class="footer">')
    pages.update({"/": page(home), "/broken/": Response(b"error", 500), "/news/broken/": Response(b"error", 500),
                  "/loop": redirect("/loop")})
    with Site(pages) as site:
        register(monitor, tmp_path, site_rows(TOWN, site), TODAY)
        run_check(monitor, day=TODAY)
        dead = {f.url: f.detail for f in list_findings(monitor)}
        assert set(dead) == {site.url("/gone.html"), site.url("/broken/"), site.url("/loop")}
        assert "HTTP 404" in dead[site.url("/gone.html")] and "HTTP 500" in dead[site.url("/broken/")]
        assert "重定向次数过多" in dead[site.url("/loop")]
        # Fixed on the homepage; a relative link of the news page is resolved against that page.
        pages["/news/"] = page(pages["/news/"].body.decode().replace("</ul>", '<li><a href="broken/">坏链接</a></li></ul>'))
        pages["/"] = government_site(TODAY)["/"]
        run_check(monitor, day=TODAY + timedelta(days=1))
        assert {(f.url, f.column) for f in list_findings(monitor)} == {(site.url("/news/broken/"), "要闻动态")}


def test_a_site_that_is_down_is_unreachable_and_nothing_else_is_judged(monitor: Session, tmp_path: Path) -> None:
    down = closed_url()
    rows = [(VILLAGE, "首页", "首页", down), (VILLAGE, "要闻动态", "动态要闻", f"{down}news/")]
    with Site(government_site(TODAY)) as healthy:
        register(monitor, tmp_path, rows + site_rows(TOWN, healthy), TODAY)
        report = run_check(monitor, day=TODAY)
        run_probe(monitor, day=TODAY)
    assert findings(monitor) == {(VILLAGE, FindingRule.UNREACHABLE, Severity.VETO, "首页")}
    assert len(report.failed) == 2 and all(VILLAGE in line for line in report.failed)
    probes = monitor.exec(select(SiteProbe.source, SiteProbe.ok)).all()
    assert sorted(probes) == [("check", False), ("check", True), ("probe", False), ("probe", True)]


def test_a_slow_homepage_fails_its_probe_without_holding_up_the_others(monitor: Session, tmp_path: Path,
                                                                       monkeypatch: pytest.MonkeyPatch) -> None:
    fast_monitoring(monkeypatch, tmp_path / "out", site_timeout_s="1")
    tracker = Tracker()
    slow = government_site(TODAY)
    slow["/"] = Response(slow["/"].body, 200, slow["/"].headers, delay=2.5)
    quick = {path: Response(r.body, r.status, r.headers, delay=0.05) for path, r in government_site(TODAY).items()}
    with sites(slow, quick, tracker=tracker) as (slow_site, quick_site):
        register(monitor, tmp_path, [(VILLAGE, "首页", "首页", slow_site.url("/")),
                                     (TOWN, "首页", "首页", quick_site.url("/"))], TODAY)
        report = run_probe(monitor, day=TODAY)
    assert [line.split(" ")[0] for line in report.failed] == [VILLAGE]
    assert "1 秒内未打开" in report.failed[0]
    assert tracker.most_sites_at_once == 2  # the quick site was answered while the slow one kept its probe waiting
    assert findings(monitor) == {(VILLAGE, FindingRule.UNREACHABLE, Severity.VETO, "首页")}


def test_availability_is_the_share_of_a_weeks_probes(monitor: Session, tmp_path: Path) -> None:
    pages = government_site(TODAY)
    with Site(pages) as site:
        register(monitor, tmp_path, site_rows(TOWN, site), TODAY)
        for _ in range(19):
            run_probe(monitor, day=TODAY)
        pages["/"] = Response(b"maintenance", 503)
        run_probe(monitor, day=TODAY)  # 1 of 20 failed: 5 %
        assert findings(monitor) == {(TOWN, FindingRule.UNREACHABLE, Severity.VETO, "首页")}
        pages["/"] = government_site(TODAY)["/"]
        for _ in range(14):
            run_probe(monitor, day=TODAY)  # 1 of 34: 2.9 %, below the warning
    assert findings(monitor) == set()


def test_an_interpretation_that_links_no_policy_file_is_found(monitor: Session, tmp_path: Path) -> None:
    pages = government_site(TODAY)
    pages["/zcjd/2026/jd2.html"] = page(document("<h1>《实施方案》政策解读第2号</h1><p>解读正文，未附原文链接。</p>"))
    # Relative links and a link to the policy column's folder count as linked.
    pages["/zcjd/2026/jd3.html"] = page(document('<a href="../../zcwj/2026/t3.html">原文</a>'))
    pages["/zcjd/2026/jd4.html"] = page(document('<a href="/zcwj/2025/old.html">政策原文</a>'))
    # A policy file in the sidebar does not link the interpretation to it.
    pages["/zcjd/2026/jd1.html"] = page(document('<p>解读正文</p><div class="sidebar"><a href="/zcwj/2026/t1.html">'
                                                 '最新文件</a></div>'))
    with Site(pages) as site:
        register(monitor, tmp_path, site_rows(TOWN, site), TODAY)
        run_check(monitor, day=TODAY)
        found = list_findings(monitor)
    assert {(f.rule, f.severity, f.url) for f in found} == {
        (FindingRule.INTERPRETATION_UNLINKED, Severity.PROBLEM, site.url(f"/zcjd/2026/jd{i}.html")) for i in (1, 2)}
    finding = next(f for f in found if f.url.endswith("jd2.html"))
    kept = monitor.exec(select(SiteEvidence).where(SiteEvidence.url == finding.url)).one()
    assert finding.evidence_sha256 == kept.sha256


def test_unanswered_messages_are_found_on_later_pages_of_the_list(monitor: Session, tmp_path: Path) -> None:
    pages = government_site(TODAY)
    answered = [("/hd/1.html", "关于某某问题的咨询1", ago(TODAY, 10), "已回复")]
    pages["/hd/"] = page(document(messages_html(answered) + '<div class="page"><a href="index_1.html">下一页</a></div>'))
    pages["/hd/index_1.html"] = page(document(messages_html([
        ("/hd/7.html", "关于学校招生的咨询", ago(TODAY, 100), "未回复"),
        ("/hd/8.html", "关于路灯维修的咨询", ago(TODAY, 70), "待回复"),
        ("/hd/1.html", "关于某某问题的咨询1", ago(TODAY, 10), "已回复")])))
    for path in ("/hd/7.html", "/hd/8.html"):
        pages[path] = page(document("<h1>留言</h1>"))
    with Site(pages) as site:
        register(monitor, tmp_path, site_rows(TOWN, site), TODAY)
        run_check(monitor, day=TODAY)
        found = {(f.url, f.severity) for f in list_findings(monitor)}
    assert found == {(site.url("/hd/7.html"), Severity.VETO), (site.url("/hd/8.html"), Severity.WARNING)}


def test_redirected_pages_are_followed_and_judged_where_they_land(monitor: Session, tmp_path: Path) -> None:
    pages = government_site(TODAY)
    pages["/old/"] = redirect("/", 301)
    pages["/news/index.jsp"] = redirect("/news/")
    pages["/portal/"] = page('<html><head><meta http-equiv="refresh" content="0;url=/"></head><body></body></html>')
    with Site(pages) as site:
        register(monitor, tmp_path, [(TOWN, "首页", "首页", site.url("/old/")),
                                     (TOWN, "要闻动态", "动态要闻", site.url("/news/index.jsp")),
                                     (VILLAGE, "首页", "首页", site.url("/portal/"))], TODAY)
        run_check(monitor, day=TODAY)
    assert findings(monitor) == set()
    assert monitor.exec(select(SiteObservation.status)).all() == [200, 200, 200]


def test_a_huge_page_is_read_only_up_to_the_limit(monitor: Session, tmp_path: Path,
                                                  monkeypatch: pytest.MonkeyPatch) -> None:
    fast_monitoring(monkeypatch, tmp_path / "out", site_max_page_bytes="65536")
    pages = government_site(TODAY)
    pages["/"] = page(pages["/"].body.decode() + "<!--" + "x" * 3_000_000 + "-->")
    with Site(pages) as site:
        register(monitor, tmp_path, [(TOWN, "首页", "首页", site.url("/"))], TODAY)
        run_check(monitor, day=TODAY)
    kept = monitor.exec(select(SiteEvidence)).one()
    assert kept.size == get_settings().site_max_page_bytes == 65536
    assert findings(monitor) == set()  # the lists came before the cut


def test_a_round_without_registered_pages_says_what_to_do(monitor: Session) -> None:
    with pytest.raises(NothingToMonitor, match="zwgk sites import"):
        run_check(monitor, day=TODAY)


def test_two_rounds_at_once_keep_one_open_row_per_problem(monitor: Session, tmp_path: Path) -> None:
    pages = government_site(TODAY)
    pages["/xxgk/"] = page(document("<p>暂无信息</p>"))
    with Site(pages) as site:
        register(monitor, tmp_path, site_rows(TOWN, site), TODAY)
        run_check(monitor, day=TODAY)
        run_check(monitor, day=TODAY)
    rows = monitor.exec(select(SiteFinding).where(col(SiteFinding.closed_on).is_(None))).all()
    assert len(rows) == 1 and rows[0].first_seen == rows[0].last_seen == TODAY


def test_a_unit_whose_check_breaks_does_not_stop_the_others(monitor: Session, tmp_path: Path,
                                                            monkeypatch: pytest.MonkeyPatch) -> None:
    from zwgk.sites import survey

    real = survey.parse_page

    def fragile(html: str, url: str, today: date):  # type: ignore[no-untyped-def]
        if "broken" in url:
            raise ValueError("无法解析")
        return real(html, url, today)

    monkeypatch.setattr(survey, "parse_page", fragile)
    pages = government_site(TODAY)
    pages["/xxgk/"] = page(document("<p>暂无信息</p>"))
    pages["/broken/"] = pages["/"]
    with Site(pages) as site:
        register(monitor, tmp_path, site_rows(TOWN, site) + [(VILLAGE, "首页", "首页", site.url("/broken/"))], TODAY)
        report = run_check(monitor, day=TODAY)
    assert report.failed == [f"{VILLAGE}：检查中断，本轮未判断 (ValueError: 无法解析)"]
    assert findings(monitor) == {(TOWN, FindingRule.BLANK_COLUMN, Severity.PROBLEM, "政府信息公开")}


def test_requests_to_one_host_are_spaced_by_the_pause(monitor: Session, tmp_path: Path,
                                                      monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("ZWGK_SITE_PAUSE_S", "0.25")
    monkeypatch.setenv("ZWGK_SITE_MAX_ITEMS", "0")  # fewer requests: the registered pages suffice
    monkeypatch.setenv("ZWGK_SITE_MAX_LINKS", "0")
    get_settings.cache_clear()
    with Site(government_site(TODAY)) as site:
        register(monitor, tmp_path, site_rows(TOWN, site), TODAY)
        run_check(monitor, day=TODAY)
    gaps = [later - earlier for earlier, later in zip(site.arrivals, site.arrivals[1:], strict=False)]
    assert len(gaps) >= 6 and min(gaps) >= 0.25 * 0.95, gaps


def test_a_columns_pubdate_meta_tag_is_its_publication_date(monitor: Session, tmp_path: Path) -> None:
    """《政府网站发展指引》's PubDate tag dates a column whose list shows only older items."""
    pages = government_site(TODAY)
    stale = [(f"/news/2026/t{i}.html", f"某某镇召开安全生产专题会议第{i}号工作安排", ago(TODAY, 20 + i))
             for i in range(1, 5)]
    pages["/news/"] = page(document(list_html(stale), meta={"PubDate": f"{ago(TODAY, 2):%Y-%m-%d} 09:30"}))
    with Site(pages) as site:
        register(monitor, tmp_path, site_rows(TOWN, site), TODAY)
        run_check(monitor, day=TODAY)
        assert findings(monitor) == set()
        pages["/news/"] = page(document(list_html(stale)))  # the same list without the tag
        run_check(monitor, day=TODAY + timedelta(days=1))
    assert findings(monitor) == {(TOWN, FindingRule.COLUMN_STALE, Severity.PROBLEM, "要闻动态")}


def test_each_probe_records_its_status_and_time(monitor: Session, tmp_path: Path) -> None:
    assert type(get_settings()).model_fields["site_timeout_s"].default == 15  # the national line
    pages = government_site(TODAY)
    pages["/"] = page(pages["/"].body.decode(), delay=0.15)
    with Site(pages) as site:
        register(monitor, tmp_path, site_rows(TOWN, site), TODAY)
        run_probe(monitor, day=TODAY)
        pages["/"] = Response(b"maintenance", 503)
        run_probe(monitor, day=TODAY)
    ok, down = monitor.exec(select(SiteProbe).where(SiteProbe.source == "probe").order_by(col(SiteProbe.id))).all()
    assert (ok.ok, ok.status, ok.day) == (True, 200, TODAY) and 150 <= ok.elapsed_ms < 2000
    assert (down.ok, down.status) == (False, 503) and down.at >= ok.at

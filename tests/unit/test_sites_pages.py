"""Reading pages of government websites: dates in every way they are written, list items in the
shapes sites use, encodings, links, pagination and the 《政府网站发展指引》 meta tags."""

from datetime import date

import pytest

from tests.integration.sites_server import document, list_html, messages_html
from zwgk.sites.dates import find_dates, short_date
from zwgk.sites.pages import decode_html, parse_page
from zwgk.sites.urls import resolve, site_of

TODAY = date(2026, 11, 25)
URL = "http://www.example.gov.cn/col/index.html"
ENTRIES = [("/a/1.html", "关于开展冬季安全生产检查的通知", date(2026, 11, 20)),
           ("a/2.html", "某某镇召开脱贫攻坚工作推进会", date(2026, 10, 3)),
           ("../b/3.html", "某某镇人民政府关于印发实施方案的通知", date(2025, 12, 30))]


@pytest.mark.parametrize("text", ["2026-11-20", "2026/11/20", "2026年11月20日", "2026.11.20", "2026-11-20 10:30",
                                  "发布时间：2026年11月20日 10:30:05", "２０２６－１１－２０", "2026年 11 月 20 日",
                                  "[2026-11-20]"])
def test_a_date_is_read_however_it_is_written(text: str) -> None:
    assert find_dates(text) == [date(2026, 11, 20)]


@pytest.mark.parametrize("text", ["2026-13-01", "2026-02-30", "12026-11-20", "1.2026.11.20", "2026-11", "v2026.1"])
def test_what_is_not_a_date_is_not_read_as_one(text: str) -> None:
    assert find_dates(text) == []


def test_a_date_without_its_year_is_the_latest_such_day_not_after_today() -> None:
    assert short_date("[11-20]", TODAY) == date(2026, 11, 20)
    assert short_date("12-30", TODAY) == date(2025, 12, 30)
    assert short_date("11月20日", TODAY) == date(2026, 11, 20)
    assert short_date("关于11-20会议", TODAY) is None  # only as the whole text of an element


@pytest.mark.parametrize("shape", ["span", "before", "table", "text", "mmdd", "rowlink", "cn"])
def test_every_list_shape_gives_each_item_its_own_date_and_link(shape: str) -> None:
    page = parse_page(document(list_html(ENTRIES, shape)), URL, TODAY)
    assert [(i.url, i.day) for i in page.items] == [
        ("http://www.example.gov.cn/a/1.html", date(2026, 11, 20)),
        ("http://www.example.gov.cn/col/a/2.html", date(2026, 10, 3)),
        ("http://www.example.gov.cn/b/3.html", date(2025, 12, 30))]
    assert page.latest == date(2026, 11, 20)


def test_a_date_inside_a_title_does_not_date_the_item_and_an_attachment_does_not_take_its_date() -> None:
    html = document('<table><tr><td><a href="/t/1.html">关于2026年12月1日起调整公交线路的通告</a></td>'
                    '<td><a href="/t/1.pdf">附件</a></td><td>2026-10-09</td></tr></table>')
    [item] = [i for i in parse_page(html, URL, TODAY).items if i.day]
    assert (item.url, item.day) == ("http://www.example.gov.cn/t/1.html", date(2026, 10, 9))


def test_the_page_furniture_a_header_clock_and_future_dates_make_no_item() -> None:
    html = document('<div class="sidebar"><a href="/x.html">最新动态最新动态最新动态</a><span>2026-11-24</span></div>'
                    '<ul><li><a href="/e.html">关于召开年度总结会议的预告</a><span>2027-01-05</span></li></ul>')
    page = parse_page(html, URL, TODAY)
    assert [i.day for i in page.items] == [None]  # the announcement, undated: its date lies ahead
    assert page.latest is None


def test_an_empty_column_says_so_and_lists_nothing() -> None:
    page = parse_page(document('<h1>政策解读</h1><ul class="list"></ul><p>暂无信息</p>'), URL, TODAY)
    assert page.items == () and page.says_empty


def test_undated_entries_are_items_without_a_date() -> None:
    page = parse_page(document(list_html([(h, t, None) for h, t, _ in ENTRIES])), URL, TODAY)
    assert len(page.items) == 3 and all(i.day is None for i in page.items) and page.latest is None


def test_meta_tags_of_the_development_guide_are_read() -> None:
    html = document("<p>正文</p>", meta={"SiteIDCode": "5201120001", "ColumnType": "政策文件",
                                       "PubDate": "2026-11-18 09:30"})
    page = parse_page(html, URL, TODAY)
    assert page.pub_date == date(2026, 11, 18)
    assert page.meta["siteidcode"] == "5201120001" and page.meta["columntype"] == "政策文件"


def test_a_message_row_keeps_its_status_text() -> None:
    html = document(messages_html([("/hd/1.html", "关于社保缴费的咨询", date(2026, 6, 1), "未回复"),
                                   ("/hd/2.html", "关于公积金的咨询", date(2026, 6, 2), "已回复")]))
    items = parse_page(html, URL, TODAY).items
    assert [("未回复" in i.text, "已回复" in i.text, i.day) for i in items] == [
        (True, False, date(2026, 6, 1)), (False, True, date(2026, 6, 2))]


@pytest.mark.parametrize("pager, expected", [
    ('<div class="page"><a href="index_1.html">下一页</a></div>', "http://www.example.gov.cn/col/index_1.html"),
    ('<a href="?page=2" rel="next">›</a>', "http://www.example.gov.cn/col/index.html?page=2"),
    ('<script>createPageHTML(6, 0, "index", "shtml");</script>', "http://www.example.gov.cn/col/index_1.shtml"),
    ('<script>createPageHTML(2, 1, "index", "html");</script>', None),
    ('<a href="javascript:void(0)">下一页</a>', None),
])
def test_the_next_page_of_a_list_is_found(pager: str, expected: str | None) -> None:
    assert parse_page(document(list_html(ENTRIES) + pager), URL, TODAY).next_url == expected


def test_links_are_resolved_against_the_base_and_kept_to_the_same_site() -> None:
    html = ('<html><head><base href="http://www.example.gov.cn/zwgk/"></head><body>'
            '<a href="a.html">相对</a><a href="https://www.example.gov.cn/b.html#top">同站</a>'
            '<a href="http://other.gov.cn/c.html">外站</a><a href="mailto:x@example.gov.cn">信箱</a></body></html>')
    page = parse_page(html, URL, TODAY)
    assert [link.url for link in page.links] == ["http://www.example.gov.cn/zwgk/a.html",
                                                 "https://www.example.gov.cn/b.html"]
    assert "http://other.gov.cn/c.html" in [link.url for link in page.content_links]
    assert site_of("https://www.example.gov.cn/x") == site_of("http://WWW.example.gov.cn:80/y")
    assert site_of("http://127.0.0.1:8001/") != site_of("http://127.0.0.1:8002/")
    assert resolve(URL, "javascript:void(0)") is None


def test_a_page_is_read_in_the_charset_its_header_or_meta_tag_names() -> None:
    text = "<p>政务公开</p>"
    assert decode_html(text.encode("gbk"), "text/html; charset=GBK") == text
    assert decode_html(f'<meta charset="gb2312">{text}'.encode("gb2312"), "text/html") == f'<meta charset="gb2312">{text}'
    assert decode_html(text.encode("gbk"), "text/html; charset=utf-8") == text  # a header that lies
    assert decode_html(text.encode("gbk"), "text/html; charset=iso-8859-1") == text
    assert decode_html(b"\xef\xbb\xbf" + text.encode(), "") == text


@pytest.mark.parametrize("html", [
    '<ul><li><a href="/a/1.html">某某镇召开安全生产会议</a><div class="date"><b>20</b><i>2026-11</i></div></li></ul>',
    '<ul><li><div class="date"><b>2026.11</b><b>20</b></div><a href="/a/1.html">某某镇召开安全生产会议</a></li></ul>',
    '<dl><dt><a href="/a/1.html">某某镇召开安全生产会议</a></dt><dd>2026-11-20</dd>'
    '<dt><a href="/a/2.html">某某镇召开脱贫攻坚会议</a></dt><dd>2026-10-03</dd></dl>',
    '<ul><li><a href="/a/1.html">某某镇召开安全生产会议 [11-20]</a></li></ul>',
    '<ul><li><a href="/a/1.html">某某镇召开安全生产会议</a><span>2026年11月20日 星期五</span></li></ul>',
])
def test_more_shapes_of_dated_lists(html: str) -> None:
    page = parse_page(f"<html><body><div class=\"list\">{html}</div></body></html>", URL, TODAY)
    assert page.items[0].url == "http://www.example.gov.cn/a/1.html" and page.latest == date(2026, 11, 20)


def test_a_list_written_straight_into_the_body_pairs_each_line() -> None:
    html = ('<html><body><a href="/a/1.html">某某镇召开安全生产会议</a> 2026-11-20<br>'
            '<a href="/a/2.html">某某镇召开脱贫攻坚会议</a> 2026-10-03<br></body></html>')
    assert [i.day for i in parse_page(html, URL, TODAY).items] == [date(2026, 11, 20), date(2026, 10, 3)]


def test_an_article_page_registered_as_a_column_is_dated_by_its_own_date() -> None:
    page = parse_page(document("<h1>政府信息公开指南</h1><p>发布时间：2026-03-01</p><p>正文……</p>"), URL, TODAY)
    assert page.items == () and page.own_date == date(2026, 3, 1)


@pytest.mark.parametrize("stub", [
    '<html><head><meta http-equiv="refresh" content="0; url=/index.shtml"></head><body></body></html>',
    '<html><body><script>window.location.href = "index.shtml";</script></body></html>',
])
def test_a_front_page_that_only_sends_the_browser_on_says_where(stub: str) -> None:
    page = parse_page(stub, "http://www.example.gov.cn/", TODAY)
    assert page.refresh_url == "http://www.example.gov.cn/index.shtml"

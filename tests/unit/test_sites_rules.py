"""The monitoring rules against the lines of 国办秘函〔2019〕19号 and the warnings below them."""

from datetime import date, timedelta

import pytest

from models.sites import ColumnKind, FindingRule, Severity
from zwgk.core.settings import SiteLines
from zwgk.sites.rules import (
    ColumnSeen,
    InterpretationSeen,
    LinkSeen,
    MessageSeen,
    UnitSeen,
    judge,
    months_before,
    unreachable,
)

TODAY = date(2026, 11, 25)
LINES = SiteLines()


def column(page_id: int, kind: ColumnKind, latest: date | None, *, status: int | None = 200, blank: bool = False,
           items: int = 5) -> ColumnSeen:
    return ColumnSeen(page_id, f"栏目{page_id}", kind, f"http://x.gov.cn/c{page_id}/", status, latest=latest,
                      items=0 if blank else items, blank=blank, evidence=f"sha{page_id}")


def days_ago(n: int) -> date:
    return TODAY - timedelta(days=n)


def found(seen: UnitSeen, lines: SiteLines = LINES) -> list[tuple[FindingRule, Severity, int | None]]:
    return sorted((f.rule, f.severity, f.page_id) for f in judge(seen, TODAY, lines).findings)


def test_a_healthy_site_gives_no_finding() -> None:
    seen = UnitSeen(columns=(column(1, ColumnKind.HOMEPAGE, days_ago(1)), column(2, ColumnKind.NEWS, days_ago(3)),
                             column(3, ColumnKind.NOTICE, days_ago(100)), column(4, ColumnKind.POLICY, days_ago(150)),
                             column(5, ColumnKind.INTERPRETATION, days_ago(300)),
                             column(6, ColumnKind.DISCLOSURE, days_ago(300)),
                             column(7, ColumnKind.INTERACTION, days_ago(400))),
                    links=(LinkSeen(2, "栏目2", "http://x.gov.cn/a.html", "文章", 200, "", "sha2"),),
                    interpretations=(InterpretationSeen(5, "栏目5", "http://x.gov.cn/jd.html", "解读", True, "s"),),
                    messages=(MessageSeen(7, "栏目7", "http://x.gov.cn/m.html", "咨询", days_ago(200), "已回复", "s"),
                              MessageSeen(7, "栏目7", "http://x.gov.cn/n.html", "咨询", days_ago(20), "处理中", "s")))
    assert found(seen) == []


@pytest.mark.parametrize("age, severity", [(9, None), (10, Severity.WARNING), (13, Severity.WARNING),
                                           (14, Severity.VETO), (60, Severity.VETO)])
def test_the_homepage_is_vetoed_after_two_weeks_and_warned_after_ten_days(age: int, severity: Severity | None) -> None:
    result = found(UnitSeen(columns=(column(1, ColumnKind.HOMEPAGE, days_ago(age)),)))
    assert result == ([] if severity is None else [(FindingRule.HOMEPAGE_STALE, severity, 1)])


def test_a_homepage_whose_items_have_no_date_counts_as_not_updated() -> None:
    [finding] = judge(UnitSeen(columns=(column(1, ColumnKind.HOMEPAGE, None),)), TODAY, LINES).findings
    assert (finding.rule, finding.severity) == (FindingRule.HOMEPAGE_STALE, Severity.VETO)
    assert "无发布日期" in finding.detail


@pytest.mark.parametrize("kind, fresh, warned, stale", [
    (ColumnKind.NEWS, days_ago(9), days_ago(10), days_ago(14)),
    (ColumnKind.NOTICE, months_before(TODAY, 5) + timedelta(days=1), months_before(TODAY, 5), months_before(TODAY, 6)),
    (ColumnKind.POLICY, months_before(TODAY, 5) + timedelta(days=1), months_before(TODAY, 5), months_before(TODAY, 6)),
    (ColumnKind.DISCLOSURE, months_before(TODAY, 11) + timedelta(days=1), months_before(TODAY, 11),
     months_before(TODAY, 12)),
])
def test_each_kind_of_column_is_stale_after_its_own_period(kind: ColumnKind, fresh: date, warned: date,
                                                           stale: date) -> None:
    def severity(latest: date) -> list[Severity]:
        return [s for _, s, _ in found(UnitSeen(columns=(column(2, kind, latest),)))]

    assert severity(fresh) == []
    assert severity(warned) == [Severity.WARNING]
    assert severity(stale) == [Severity.PROBLEM]  # one stale column: below the line


def test_five_stale_news_columns_are_each_a_veto_four_are_problems() -> None:
    four = tuple(column(i, ColumnKind.NEWS, days_ago(30)) for i in range(1, 5))
    assert {s for _, s, _ in found(UnitSeen(columns=four))} == {Severity.PROBLEM}
    five = (*four, column(5, ColumnKind.NEWS, None))  # undated counts as not updated
    assert found(UnitSeen(columns=five)) == [(FindingRule.COLUMN_STALE, Severity.VETO, i) for i in range(1, 6)]


def test_stale_columns_of_different_kinds_are_counted_apart() -> None:
    mixed = tuple(column(i, ColumnKind.NEWS, days_ago(30)) for i in range(1, 4)) + \
        tuple(column(i, ColumnKind.NOTICE, days_ago(400)) for i in range(4, 6))
    assert {s for _, s, _ in found(UnitSeen(columns=mixed))} == {Severity.PROBLEM}


def test_ten_long_stale_columns_are_a_veto() -> None:
    nine = tuple(column(i, ColumnKind.DISCLOSURE, days_ago(400)) for i in range(1, 10))
    assert {s for _, s, _ in found(UnitSeen(columns=nine))} == {Severity.PROBLEM}
    ten = (*nine, column(10, ColumnKind.INTERPRETATION, days_ago(500)))
    assert {s for _, s, _ in found(UnitSeen(columns=ten))} == {Severity.VETO}


def test_five_blank_columns_are_each_a_veto_and_a_blank_column_is_not_also_stale() -> None:
    blank = tuple(column(i, ColumnKind.NOTICE, None, blank=True) for i in range(1, 5))
    assert found(UnitSeen(columns=blank)) == [(FindingRule.BLANK_COLUMN, Severity.PROBLEM, i) for i in range(1, 5)]
    blank += (column(5, ColumnKind.INTERACTION, None, blank=True),)
    assert found(UnitSeen(columns=blank)) == [(FindingRule.BLANK_COLUMN, Severity.VETO, i) for i in range(1, 6)]


def test_an_interaction_column_is_judged_by_its_messages_not_its_dates() -> None:
    seen = UnitSeen(columns=(column(7, ColumnKind.INTERACTION, days_ago(700)),), messages=(
        MessageSeen(7, "留言", "http://x.gov.cn/m1.html", "咨询一", days_ago(100), "状态：未回复", "s"),
        MessageSeen(7, "留言", "http://x.gov.cn/m2.html", "咨询二", days_ago(70), "待回复", "s"),
        MessageSeen(7, "留言", "http://x.gov.cn/m3.html", "咨询三", days_ago(50), "处理中", "s"),
        MessageSeen(7, "留言", "http://x.gov.cn/m4.html", "咨询四", days_ago(400), "未回复", "s"),  # over a year
        MessageSeen(7, "留言", "http://x.gov.cn/m5.html", "咨询五", days_ago(200), "已回复", "s"),
        MessageSeen(7, "留言", "http://x.gov.cn/m6.html", "污水处理中心的咨询", days_ago(200), "污水处理中心的咨询 已办结",
                    "s")))
    assert [(f.url, f.severity) for f in judge(seen, TODAY, LINES).findings] == [
        ("http://x.gov.cn/m1.html", Severity.VETO), ("http://x.gov.cn/m2.html", Severity.WARNING)]


def test_dead_links_a_dead_registered_page_and_unlinked_interpretations_are_problems() -> None:
    seen = UnitSeen(columns=(column(1, ColumnKind.HOMEPAGE, days_ago(1)), column(2, ColumnKind.NEWS, None, status=404)),
                    links=(LinkSeen(1, "首页", "http://x.gov.cn/gone.html", "旧文章", 404, "", "sha1"),
                           LinkSeen(1, "首页", "http://x.gov.cn/slow.html", "", None, "2 秒内未打开", "sha1"),
                           LinkSeen(1, "首页", "http://x.gov.cn/ok.html", "", 200, "", "sha1")),
                    interpretations=(InterpretationSeen(3, "解读", "http://x.gov.cn/jd.html", "解读", False, "sha3"),))
    assert found(seen) == [(FindingRule.DEAD_LINK, Severity.PROBLEM, 1), (FindingRule.DEAD_LINK, Severity.PROBLEM, 1),
                           (FindingRule.DEAD_LINK, Severity.PROBLEM, 2),
                           (FindingRule.INTERPRETATION_UNLINKED, Severity.PROBLEM, 3)]


def test_a_round_judges_only_what_it_could_open() -> None:
    judged = judge(UnitSeen(columns=(column(1, ColumnKind.HOMEPAGE, None, status=None),
                                     column(2, ColumnKind.NEWS, days_ago(1), status=503),
                                     column(3, ColumnKind.INTERPRETATION, days_ago(1))),
                            unchecked_links=frozenset({"http://x.gov.cn/later.html"}),
                            interpretations_judged=False), TODAY, LINES)
    assert judged.judged == {(FindingRule.DEAD_LINK, 2), (FindingRule.DEAD_LINK, 3),
                             (FindingRule.COLUMN_STALE, 3), (FindingRule.BLANK_COLUMN, 3)}
    assert judged.unknown_urls == {"http://x.gov.cn/later.html"}


@pytest.mark.parametrize("failed, severity", [(0, None), (5, None), (6, Severity.WARNING), (9, Severity.WARNING),
                                              (10, Severity.VETO)])
def test_unreachable_is_a_share_of_the_weeks_probes(failed: int, severity: Severity | None) -> None:
    assert unreachable(failed, 200, LINES) is severity  # 3 % is 6 of 200, 5 % is 10
    assert unreachable(0, 0, LINES) is None


def test_the_lines_are_settings() -> None:
    stricter = SiteLines(homepage_warn_days=5, homepage_veto_days=7)
    assert found(UnitSeen(columns=(column(1, ColumnKind.HOMEPAGE, days_ago(7)),)), stricter) == [
        (FindingRule.HOMEPAGE_STALE, Severity.VETO, 1)]


def test_months_before_keeps_the_day_or_takes_the_months_last() -> None:
    assert months_before(date(2026, 8, 31), 6) == date(2026, 2, 28)
    assert months_before(date(2026, 3, 15), 3) == date(2025, 12, 15)

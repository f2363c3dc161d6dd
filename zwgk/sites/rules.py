"""The monitoring rules: what a unit's pages showed → findings, each with its severity.

Pure. The lines are those of 国办秘函〔2019〕19号《政府网站与政务新媒体检查指标》 (single-veto items)
with the warnings below them, all in ``zwgk.settings.SiteLines``:

- unreachable: the homepage failed to open in 5 % or more of the probes of the last week → veto;
  3 % or more → warning;
- homepage_stale: nothing new on the homepage for 14 days (items without a date count as not
  updated) → veto; 10 days → warning;
- column_stale: a 动态要闻 column not updated for 2 weeks, a 通知公告/政策文件 column for 6 months,
  another column that should be updated (政策解读, 信息公开) for a year; 5 or more of the first
  kind, or of the second, or 10 or more of the third → every one of them veto, fewer → problem;
  10 days / 5 months / 11 months → warning;
- blank_column: a column that lists nothing; 5 or more → every one veto, fewer → problem;
- message_unanswered: a message of the past year shown as not answered (未回复, 待回复, 处理中…)
  for more than 3 months → veto, 2 months → warning;
- dead_link (a link to the site, or a registered page, that fails or answers 4xx/5xx) and
  interpretation_unlinked (a 政策解读 that links to no 政策文件 page of the unit) → problem.

A round also says what it judged (``Judgement.judged``): open findings of those rules and pages
that the round did not see again are closed; what a round could not look at stays as it was.
"""

from calendar import monthrange
from dataclasses import dataclass, field
from datetime import date, timedelta

from models.sites import ColumnKind, FindingRule, Severity
from zwgk.core.settings import SiteLines

# Row texts that say a message has not been answered yet, and that it has.
UNANSWERED_WORDS = ("未回复", "待回复", "未答复", "待答复", "未办结", "未处理", "待处理", "处理中", "办理中",
                    "正在处理", "正在办理", "待办理", "受理中", "已受理", "未反馈")
ANSWERED_WORDS = ("已回复", "已答复", "已办结", "已处理", "已反馈")
# Which columns must be updated, and how often (the kinds of the national rule); 互动交流 columns
# are judged by their messages and the homepage by its own rule.
STALE_GROUPS: dict[ColumnKind, str] = {ColumnKind.NEWS: "news", ColumnKind.NOTICE: "notice",
                                       ColumnKind.POLICY: "notice", ColumnKind.INTERPRETATION: "other",
                                       ColumnKind.DISCLOSURE: "other"}


@dataclass(frozen=True)
class ColumnSeen:
    """What a check saw on one registered page. ``status`` None: no answer (nothing judged)."""

    page_id: int
    column: str
    kind: ColumnKind
    url: str
    status: int | None
    error: str = ""
    latest: date | None = None
    items: int = 0
    dated_items: int = 0
    blank: bool = False
    evidence: str = ""

    @property
    def opened(self) -> bool:
        """The page answered with content (not an error status)."""
        return self.status is not None and self.status < 400


@dataclass(frozen=True)
class LinkSeen:
    """A link on a registered page, looked at this round: its answer, or why there was none."""

    page_id: int
    column: str
    url: str
    text: str
    status: int | None
    error: str
    evidence: str  # the page holding the link

    @property
    def dead(self) -> bool:
        """Failed, or answered 4xx/5xx."""
        return self.status is None or self.status >= 400


@dataclass(frozen=True)
class InterpretationSeen:
    """One 政策解读 item: whether its page links to a 政策文件 page of the unit."""

    page_id: int
    column: str
    url: str
    title: str
    linked: bool
    evidence: str  # the interpretation's own page


@dataclass(frozen=True)
class MessageSeen:
    """One message listed in a 互动交流 column: when it was left and its row's text."""

    page_id: int
    column: str
    url: str
    title: str
    asked: date
    text: str
    evidence: str


@dataclass(frozen=True)
class UnitSeen:
    """Everything one check saw of one unit's site."""

    columns: tuple[ColumnSeen, ...] = ()
    links: tuple[LinkSeen, ...] = ()
    unchecked_links: frozenset[str] = frozenset()  # on the pages, but not looked at this round
    interpretations: tuple[InterpretationSeen, ...] = ()
    interpretations_judged: bool = True  # False: the unit's 政策文件 columns could not be read
    messages: tuple[MessageSeen, ...] = ()


@dataclass(frozen=True)
class Finding:
    """A problem seen: the rule, its severity, where (page, column, address), what, the evidence."""

    rule: FindingRule
    severity: Severity
    page_id: int | None
    column: str
    url: str
    detail: str
    evidence: str = ""

    @property
    def key(self) -> str:
        """What makes it the same problem from one round to the next."""
        return f"{self.rule.value}|{self.page_id or ''}|{self.url}"


@dataclass(frozen=True)
class Judgement:
    """A round's findings for one unit, and what the round judged: (rule, page) pairs whose open
    findings it may close, except dead links it could not look at (``unknown_urls``)."""

    findings: tuple[Finding, ...]
    judged: frozenset[tuple[FindingRule, int | None]]
    unknown_urls: frozenset[str] = field(default_factory=frozenset)


def months_before(day: date, months: int) -> date:
    """The same day ``months`` calendar months earlier (the month's last day when it is shorter)."""
    year, month = divmod(day.year * 12 + day.month - 1 - months, 12)
    return date(year, month + 1, min(day.day, monthrange(year, month + 1)[1]))


def unanswered_word(status: str) -> str | None:
    """The word of a message's status text that says it is not answered yet, or None (also
    when the text says it was answered)."""
    if any(word in status for word in ANSWERED_WORDS):
        return None
    return next((word for word in UNANSWERED_WORDS if word in status), None)


def unreachable(failed: int, total: int, lines: SiteLines) -> Severity | None:
    """The severity of ``failed`` homepage probes out of ``total`` (None: below the warning)."""
    if total == 0:
        return None
    share = 100 * failed / total
    if share >= lines.unreachable_veto_pct:
        return Severity.VETO
    return Severity.WARNING if share >= lines.unreachable_warn_pct else None


def unreachable_finding(page_id: int, column: str, url: str, failed: int, total: int,
                        lines: SiteLines) -> Finding | None:
    """The unreachable finding of a homepage probed ``total`` times in the window, or None."""
    severity = unreachable(failed, total, lines)
    if severity is None:
        return None
    detail = (f"近 {lines.window_days} 天首页监测 {total} 次，{failed} 次未能在时限内打开（{100 * failed / total:.1f}%；"
              f"达到 {lines.unreachable_veto_pct:g}% 即单项否决）")
    return Finding(FindingRule.UNREACHABLE, severity, page_id, column, url, detail)


def judge(seen: UnitSeen, today: date, lines: SiteLines) -> Judgement:
    """Every content finding of one unit's check (all rules but unreachable)."""
    findings: list[Finding] = []
    judged: set[tuple[FindingRule, int | None]] = set()
    opened = [c for c in seen.columns if c.opened]
    for column in seen.columns:
        if column.status is not None:
            judged.add((FindingRule.DEAD_LINK, column.page_id))
            if not column.opened:
                findings.append(Finding(FindingRule.DEAD_LINK, Severity.PROBLEM, column.page_id, column.column,
                                        column.url, f"登记的栏目页面无法打开（HTTP {column.status}）"))
    for column in opened:
        if column.kind is ColumnKind.HOMEPAGE:
            judged.add((FindingRule.HOMEPAGE_STALE, column.page_id))
            findings.extend(_homepage(column, today, lines))
        else:
            judged.update({(FindingRule.COLUMN_STALE, column.page_id), (FindingRule.BLANK_COLUMN, column.page_id)})
        if column.kind is ColumnKind.INTERPRETATION and seen.interpretations_judged:
            judged.add((FindingRule.INTERPRETATION_UNLINKED, column.page_id))
        if column.kind is ColumnKind.INTERACTION:
            judged.add((FindingRule.MESSAGE_UNANSWERED, column.page_id))
    findings += _columns([c for c in opened if c.kind is not ColumnKind.HOMEPAGE], today, lines)
    findings += [_dead_link(link) for link in seen.links if link.dead]
    findings += [Finding(FindingRule.INTERPRETATION_UNLINKED, Severity.PROBLEM, i.page_id, i.column, i.url,
                         f"政策解读“{i.title}”未链接本单位的政策文件（解读与文件应相互链接）", i.evidence)
                 for i in seen.interpretations if not i.linked]
    findings += [f for m in seen.messages if (f := _message(m, today, lines)) is not None]
    return Judgement(tuple(findings), frozenset(judged), frozenset(seen.unchecked_links))


def _homepage(column: ColumnSeen, today: date, lines: SiteLines) -> list[Finding]:
    if column.latest is None:
        return [Finding(FindingRule.HOMEPAGE_STALE, Severity.VETO, column.page_id, column.column, column.url,
                        "首页信息均无发布日期，视为未更新（国办秘函〔2019〕19号：无日期的信息视为未更新）",
                        column.evidence)]
    days = (today - column.latest).days
    if days >= lines.homepage_veto_days:
        severity = Severity.VETO
    elif days >= lines.homepage_warn_days:
        severity = Severity.WARNING
    else:
        return []
    return [Finding(FindingRule.HOMEPAGE_STALE, severity, column.page_id, column.column, column.url,
                    f"首页最近一条信息发布于 {column.latest}，已 {days} 天未更新"
                    f"（{lines.homepage_veto_days} 天未更新即单项否决）", column.evidence)]


def _staleness(column: ColumnSeen, today: date, lines: SiteLines) -> tuple[str, str] | None:
    """("stale" or "warn", the rule in words) for a column that should be updated, else None."""
    group = STALE_GROUPS[column.kind]
    if group == "news":
        stale_on, warn_on = today - timedelta(days=lines.news_veto_days), today - timedelta(days=lines.news_warn_days)
        words = f"{column.kind.value}类栏目 {lines.news_veto_days} 天未更新即为不更新"
    else:
        veto, warn = ((lines.notice_veto_months, lines.notice_warn_months) if group == "notice"
                      else (lines.other_veto_months, lines.other_warn_months))
        stale_on, warn_on = months_before(today, veto), months_before(today, warn)
        words = f"{column.kind.value}类栏目 {veto} 个月未更新即为不更新"
    if column.latest is None or column.latest <= stale_on:
        return "stale", words
    return ("warn", words) if column.latest <= warn_on else None


def _columns(columns: list[ColumnSeen], today: date, lines: SiteLines) -> list[Finding]:
    """Blank and stale columns, each veto when its kind's count reaches the national line."""
    blank = [c for c in columns if c.blank]
    states = {c.page_id: s for c in columns if not c.blank and c.kind in STALE_GROUPS
              and (s := _staleness(c, today, lines)) is not None}
    stale_groups = [STALE_GROUPS[c.kind] for c in columns if states.get(c.page_id, ("",))[0] == "stale"]
    line = {"news": lines.stale_columns_veto, "notice": lines.stale_columns_veto, "other": lines.long_stale_columns_veto}
    blank_severity = Severity.VETO if len(blank) >= lines.blank_columns_veto else Severity.PROBLEM
    findings = [Finding(FindingRule.BLANK_COLUMN, blank_severity, c.page_id, c.column, c.url,
                        f"栏目“{c.column}”没有任何信息（空白栏目，本单位共 {len(blank)} 个；"
                        f"达到 {lines.blank_columns_veto} 个即单项否决）", c.evidence) for c in blank]
    for c in columns:
        if c.page_id not in states:
            continue
        state, words = states[c.page_id]
        group = STALE_GROUPS[c.kind]
        count = stale_groups.count(group)
        since = "信息均无发布日期，视为未更新" if c.latest is None else \
            f"最近一条信息发布于 {c.latest}，已 {(today - c.latest).days} 天未更新"
        if state == "warn":
            severity, tail = Severity.WARNING, f"（{words}）"
        else:
            severity = Severity.VETO if count >= line[group] else Severity.PROBLEM
            tail = f"（{words}；本单位此类不更新栏目 {count} 个，达到 {line[group]} 个即单项否决）"
        findings.append(Finding(FindingRule.COLUMN_STALE, severity, c.page_id, c.column, c.url,
                                f"栏目“{c.column}”{since}{tail}", c.evidence))
    return findings


def _dead_link(link: LinkSeen) -> Finding:
    answer = f"HTTP {link.status}" if link.status is not None else (link.error or "无法连接")
    label = f"“{link.text}”" if link.text else ""
    return Finding(FindingRule.DEAD_LINK, Severity.PROBLEM, link.page_id, link.column, link.url,
                   f"栏目“{link.column}”页面上的链接{label}无法打开（{answer}）", link.evidence)


def _message(message: MessageSeen, today: date, lines: SiteLines) -> Finding | None:
    # The row's text without the title: a message about a 污水处理中心 is not 处理中.
    word = unanswered_word(message.text.replace(message.title, " "))
    if word is None or message.asked <= months_before(today, lines.message_window_months):
        return None
    if message.asked < months_before(today, lines.message_veto_months):
        severity, months = Severity.VETO, lines.message_veto_months
    elif message.asked < months_before(today, lines.message_warn_months):
        severity, months = Severity.WARNING, lines.message_warn_months
    else:
        return None
    return Finding(FindingRule.MESSAGE_UNANSWERED, severity, message.page_id, message.column, message.url,
                   f"留言“{message.title}”（{message.asked}）显示“{word}”，超过 {months} 个月未回复"
                   f"（{lines.message_veto_months} 个月未回复即单项否决）", message.evidence)

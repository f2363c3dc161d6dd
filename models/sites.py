"""Website monitoring (日常监测): the pages monitored, what each round saw, and the findings.

A unit's public website is registered as pages (its homepage and its columns, 栏目). Probes
record whether the homepage opened; checks record, per page and day, what the page showed, keep
the fetched page as evidence (by SHA-256) and open or close findings against the national lines
of 国办秘函〔2019〕19号. A finding stays open while checks keep seeing it; the office may confirm it
into a daily-assessment record (article 10(1)). Imports neither prefect nor docx nor httpx.
"""

from datetime import date, datetime
from enum import StrEnum

from sqlalchemy import Index, UniqueConstraint
from sqlmodel import Field, SQLModel

from models.types import utcnow


class ColumnKind(StrEnum):
    """What a monitored page is (栏目类型); decides which rules apply to it."""

    HOMEPAGE = "首页"
    NEWS = "动态要闻"
    NOTICE = "通知公告"
    POLICY = "政策文件"
    INTERPRETATION = "政策解读"
    DISCLOSURE = "信息公开"
    INTERACTION = "互动交流"


class SitePage(SQLModel, table=True):
    """One monitored page of a unit's website: its homepage or one of its columns."""

    __tablename__ = "site_page"
    __table_args__ = (UniqueConstraint("unit_id", "column"),)
    id: int | None = Field(default=None, primary_key=True)
    unit_id: int = Field(foreign_key="unit.id", index=True)
    column: str = Field(description="栏目名称")
    kind: ColumnKind = Field(description="栏目类型")
    url: str = Field(description="地址（http 或 https）")
    active: bool = Field(default=True, description="在监测中；重新导入时未列出的栏目停止监测")
    updated_at: datetime = Field(default_factory=utcnow)


class SiteProbe(SQLModel, table=True):
    """One attempt to open a unit's homepage: by a probe round, or by a check."""

    __tablename__ = "site_probe"
    __table_args__ = (Index("ix_site_probe_page_day", "page_id", "day"),)
    id: int | None = Field(default=None, primary_key=True)
    page_id: int = Field(foreign_key="site_page.id")
    day: date = Field(description="监测日期（北京时间）")
    at: datetime = Field(default_factory=utcnow)
    ok: bool = Field(description="在时限内打开")
    status: int | None = Field(default=None, description="HTTP 状态码；无应答时为空")
    elapsed_ms: int
    error: str = ""
    source: str = Field(default="probe", description="probe 可访问性监测，check 内容检查")


class SiteEvidence(SQLModel, table=True):
    """A fetched page kept as evidence: the file is named by its SHA-256 under the output folder."""

    __tablename__ = "site_evidence"
    id: int | None = Field(default=None, primary_key=True)
    sha256: str = Field(index=True)
    url: str
    fetched_at: datetime = Field(default_factory=utcnow)
    status: int
    content_type: str = ""
    size: int
    path: str = Field(description="相对输出文件夹的路径")


class SiteObservation(SQLModel, table=True):
    """What one check saw on one page on one day (a later check the same day replaces it)."""

    __tablename__ = "site_observation"
    __table_args__ = (UniqueConstraint("page_id", "day"),)
    id: int | None = Field(default=None, primary_key=True)
    page_id: int = Field(foreign_key="site_page.id", index=True)
    day: date
    checked_at: datetime = Field(default_factory=utcnow)
    status: int | None = None
    error: str = ""
    latest: date | None = Field(default=None, description="最近一条信息的发布日期")
    items: int = Field(default=0, description="列出的信息条数")
    dated_items: int = Field(default=0, description="其中有日期的条数")
    evidence_sha256: str = ""


class FindingRule(StrEnum):
    """The rules checked automatically."""

    UNREACHABLE = "unreachable"
    HOMEPAGE_STALE = "homepage_stale"
    COLUMN_STALE = "column_stale"
    BLANK_COLUMN = "blank_column"
    DEAD_LINK = "dead_link"
    INTERPRETATION_UNLINKED = "interpretation_unlinked"
    MESSAGE_UNANSWERED = "message_unanswered"


RULE_LABELS: dict[FindingRule, str] = {
    FindingRule.UNREACHABLE: "站点无法访问",
    FindingRule.HOMEPAGE_STALE: "首页不更新",
    FindingRule.COLUMN_STALE: "栏目不更新",
    FindingRule.BLANK_COLUMN: "空白栏目",
    FindingRule.DEAD_LINK: "错链断链",
    FindingRule.INTERPRETATION_UNLINKED: "政策解读未关联政策文件",
    FindingRule.MESSAGE_UNANSWERED: "留言未回复",
}


class Severity(StrEnum):
    """How grave a finding is: a national single-veto line crossed, approaching one, or a defect."""

    VETO = "veto"
    WARNING = "warning"
    PROBLEM = "problem"


SEVERITY_LABELS: dict[Severity, str] = {Severity.VETO: "单项否决", Severity.WARNING: "预警",
                                        Severity.PROBLEM: "问题"}


class SiteFinding(SQLModel, table=True):
    """A problem a check or probe saw on a unit's site, open from ``first_seen`` until a later
    round no longer sees it (``closed_on``). ``open_key`` is set while open, so one problem is
    one open row even when two rounds run at once."""

    __tablename__ = "site_finding"
    id: int | None = Field(default=None, primary_key=True)
    unit_id: int = Field(foreign_key="unit.id", index=True)
    page_id: int | None = Field(default=None, foreign_key="site_page.id")
    rule: FindingRule
    severity: Severity
    column: str = Field(default="", description="栏目名称")
    url: str
    detail: str
    evidence_sha256: str = ""
    first_seen: date
    last_seen: date
    closed_on: date | None = Field(default=None, index=True)
    open_key: str | None = Field(default=None, unique=True)
    daily_record_id: int | None = Field(default=None, foreign_key="daily_record.id")


class SiteNotice(SQLModel, table=True):
    """A warning or a new veto told to its unit (email and work chat), once: ``key`` is the finding
    and its severity. ``tries`` is also the claim: a sender raises it from the value it read."""

    __tablename__ = "site_notice"
    id: int | None = Field(default=None, primary_key=True)
    key: str = Field(unique=True)
    finding_id: int = Field(foreign_key="site_finding.id", index=True)
    unit_id: int = Field(foreign_key="unit.id")
    severity: Severity
    mail_done: bool = Field(default=False, description="邮件已发出，或无需发送（无邮箱或未配置邮件服务器）")
    chat_done: bool = Field(default=False, description="工作群消息已发出，或无需发送")
    tries: int = 0
    last_error: str = ""
    sent_at: datetime | None = None

"""The contract of every template: one pydantic model per document type.

A template may use exactly the top-level names of its model (checked by a test with docxtpl's
``get_undeclared_template_variables``), so a staff edit that breaks a placeholder is caught.
Values are ready to print: dates as 2026年3月1日, points as one-decimal strings.
"""

from datetime import date
from decimal import Decimal
from enum import StrEnum

from pydantic import BaseModel, ConfigDict


def cn_date(day: date) -> str:
    """A date as official documents write it: Arabic numerals without leading zeros."""
    return f"{day.year}年{day.month}月{day.day}日"


def pts(value: Decimal | None) -> str:
    """Points as printed: one decimal place, '' when not scored yet."""
    return "" if value is None else f"{value:.1f}"


class Row(BaseModel):
    """Base of table rows and list items: immutable values."""

    model_config = ConfigDict(frozen=True)


class Context(Row):
    """Base of every template's context: the title and the year of the assessment."""

    title: str
    year: int


class OfficialDocument(Context):
    """What every numbered official document carries (GB/T 9704 elements), and the district's
    names its body text cites (from the district profile)."""

    measures: str  # 考核办法全称，模板加书名号
    office: str  # 领导小组办公室全称
    leading_group: str  # 领导小组全称
    level: str  # 区/县/市，如“区直各部门”“全区”

    organ_mark: str  # 发文机关标志（红头）
    organ_name: str  # 署名
    number: str  # 发文字号
    addressees: str  # 主送机关，模板在后面加全角冒号
    date_text: str  # 成文日期
    cc: str  # 抄送
    print_organ: str  # 印发机关
    print_date_text: str  # 印发日期


class Attachment(Row):
    """One line of the attachment note: 附件：1.… then aligned lines 2.…"""

    lead: str
    label: str


class IndicatorRow(Row):
    """A criterion of an indicator table; area and level-1 are blank when repeated."""

    seq: int
    area: str
    level1: str
    text: str
    points: str


class TimetableRow(Row):
    step: str
    due: str
    content: str


class GradeBandRow(Row):
    grade: str
    range_text: str


class SchemeCategory(Row):
    """One category of the scheme: its assessed units and its indicator table as an annex."""

    heading: str  # （一）乡（镇）人民政府、社区服务中心
    units: str
    annex_number: int
    annex_title: str
    rows: list[IndicatorRow]


class SchemeNotice(OfficialDocument):
    """关于印发《{year}年度政务公开工作考核实施方案》的通知 with every category's indicator table."""

    attachments: list[Attachment]
    district: str
    township_count: int
    department_count: int
    by_reference: str  # "，以及参照本办法考核的…（n个）" for the categories of article 16, or ""
    annex_refs: str  # 附件1、附件2
    categories: list[SchemeCategory]
    timetable: list[TimetableRow]
    methods: str
    outside_rule: str  # how outside evaluations count (a weight, or for reference only)
    grade_bands: list[GradeBandRow]
    weight_text: str


class SelfCheckNotice(OfficialDocument):
    """关于开展{year}年度政务公开工作自查的通知."""

    unit_count: int
    self_check_days: int
    due_text: str
    scheme_number: str  # the scheme notice's number, '' when it was not issued through zwgk


class SelfCheckForm(Context):
    """One unit's pre-filled 自查评分表: criteria and points, empty self-score column."""

    unit_name: str
    category_label: str
    due_text: str
    total_points: str
    rows: list[IndicatorRow]


class MemberRow(Row):
    seq: int
    name: str
    from_unit: str
    position: str


class GroupNotice(OfficialDocument):
    """关于成立{year}年度政务公开工作考核组的通知."""

    members: list[MemberRow]
    member_count: int
    unit_count: int


class ScoreRow(Row):
    seq: int
    area: str
    level1: str
    text: str
    points: str
    deducted: str
    score: str


class DeductionRow(Row):
    seq: int
    criterion: str
    points: str
    reason: str
    method: str


class SpecialRow(Row):
    kind: str
    points: str
    reason: str


class ScoreSheet(Context):
    """One unit's 考核评分表: criteria, points, deductions, special items, score and grade."""

    unit_name: str
    category_label: str
    revision_note: str
    rows: list[ScoreRow]
    deductions: list[DeductionRow]
    specials: list[SpecialRow]
    self_score: str
    score: str
    grade: str
    rank: str
    date_text: str


class SummaryRow(Row):
    rank: str
    unit: str
    self_score: str
    score: str
    grade: str
    note: str


class SummaryCategory(Row):
    label: str
    rows: list[SummaryRow]


class ResultsSummary(Context):
    """考核结果汇总表: per category, proposed rank, self score, group score, grade."""

    revision_note: str
    categories: list[SummaryCategory]
    date_text: str


class ReviewRequest(OfficialDocument):
    """关于{year}年度政务公开工作考核结果的请示 (office to the leading group)."""

    attachments: list[Attachment]
    unit_count: int
    resubmission: str
    grade_counts: str
    categories: list[SummaryCategory]


class ApprovalOpinion(OfficialDocument):
    """审定意见: a recorded gate decision."""

    subject: str
    request_title: str
    request_number: str
    gate_label: str
    decision: str
    decided_by: str
    comment: str


class ResultRow(Row):
    rank: str
    unit: str
    score: str
    grade: str


class ResultCategory(Row):
    label: str
    rows: list[ResultRow]


class ResultsCircular(OfficialDocument):
    """关于{year}年度政务公开工作考核结果的通报."""

    categories: list[ResultCategory]
    commended: str
    criticised: str
    plan_days: int
    done_days: int
    weight_text: str


class RectificationNotice(OfficialDocument):
    """A unit's 问题反馈及整改通知书."""

    unit_name: str
    problems: list[str]
    plan_days: int
    plan_due_text: str
    done_days: int
    done_due_text: str


class ReminderNotice(OfficialDocument):
    """催办通知 (before or after the due date) and 督办通知 (escalation) for one deadline."""

    unit_name: str
    task: str
    basis: str
    due_text: str
    status_text: str


class Criticism(OfficialDocument):
    """通报批评 for a falsification finding (article 14)."""

    unit_name: str
    reason: str


class DailyRow(Row):
    seq: int
    unit: str
    date_text: str
    method: str
    finding: str
    points: str


class DailyCircular(OfficialDocument):
    """日常考核情况通报: the year's daily-assessment findings."""

    period_text: str
    record_count: int
    unit_count: int
    method_counts: str
    rows: list[DailyRow]


class SiteReportRow(Row):
    """One unit's line of the monthly monitoring circular."""

    seq: int
    unit: str
    availability: str  # 99.5%, or — without probes
    homepage_days: str  # days since the homepage was updated, 无日期, or —
    stale: int
    blank: int
    dead: int
    other: int  # interpretations without links, unanswered messages
    findings: str  # 否决/预警/问题 counts, as 1/2/3


class SiteFindingRow(Row):
    """A finding open at the end of the month."""

    seq: int
    unit: str
    rule: str
    severity: str
    column: str
    detail: str
    first_seen: str


class SiteReport(OfficialDocument):
    """网站监测情况通报: a month of website monitoring (日常监测), per unit and per open finding."""

    period_text: str
    unit_count: int
    page_count: int
    summary: str
    rows: list[SiteReportRow]
    findings: list[SiteFindingRow]


class CadreRow(Row):
    """One unit's line of the results sent to the cadre and discipline organs (article 13(3))."""

    category: str
    unit: str
    score: str
    grade: str
    rank: str
    falsification: str


class CadreLetter(OfficialDocument):
    """关于函送{year}年度政务公开工作考核结果的函: to the cadre department and the discipline
    inspection organ, with every unit's result (article 13(3))."""

    attachments: list[Attachment]
    circular_number: str  # the results circular's number, '' when it was not issued through zwgk
    unit_count: int
    falsified_count: int
    rectifying_count: int
    rows: list[CadreRow]


class FindingRow(Row):
    seq: int
    criterion: str
    finding: str
    points: str


class GroupRecordForm(Context):
    """A record of one of the group's activities at a unit (座谈会记录表, 自查汇报记录表,
    实地核查记录表; article 10(4)): who, when, the minutes kept and the findings."""

    unit_name: str
    category_label: str
    kind: str
    held_on_text: str
    members: str
    minutes: str  # file name and SHA-256, or '无'
    findings: list[FindingRow]
    recorded_text: str


class ReportReviewRow(Row):
    """One unit's line of the 年报审查情况通报: when it handed in its report, and its problems."""

    seq: int
    unit: str
    handed_text: str  # 2026年1月20日, or 未报送
    status: str  # 按时报送, 逾期报送, 未报送
    problem_count: int


class ReportProblemRow(Row):
    """One confirmed problem of a unit's annual report."""

    seq: int
    unit: str
    kind: str  # 表内数字不平衡, 正文数字与表格不一致 …
    detail: str


class ReportCircular(OfficialDocument):
    """关于{year}年度政府信息公开工作年度报告审查情况的通报: who handed in the report and when, and
    the problems the office confirmed."""

    due_text: str
    unit_count: int
    handed_count: int
    on_time_count: int
    late_count: int
    late_units: str
    missing_count: int
    missing_units: str
    problem_unit_count: int
    problem_count: int
    rows: list[ReportReviewRow]
    problems: list[ReportProblemRow]


class Template(StrEnum):
    """Every document template, by file name in ``doc_templates/``."""

    SCHEME_NOTICE = "关于印发年度政务公开工作考核实施方案的通知.docx"
    SELF_CHECK_NOTICE = "关于开展年度政务公开工作自查的通知.docx"
    SELF_CHECK_FORM = "自查评分表.docx"
    GROUP_NOTICE = "关于成立年度政务公开工作考核组的通知.docx"
    SCORE_SHEET = "考核评分表.docx"
    RESULTS_SUMMARY = "考核结果汇总表.docx"
    REVIEW_REQUEST = "关于年度政务公开工作考核结果的请示.docx"
    APPROVAL_OPINION = "审定意见.docx"
    RESULTS_CIRCULAR = "关于年度政务公开工作考核结果的通报.docx"
    RECTIFICATION_NOTICE = "问题反馈及整改通知书.docx"
    REMINDER = "催办通知.docx"
    ESCALATION = "督办通知.docx"
    CRITICISM = "通报批评.docx"
    DAILY_CIRCULAR = "日常考核情况通报.docx"
    CADRE_LETTER = "关于函送年度政务公开工作考核结果的函.docx"
    GROUP_RECORD = "考核组工作记录表.docx"
    REPORT_CIRCULAR = "年报审查情况通报.docx"
    SITE_REPORT = "网站监测情况通报.docx"


CONTEXTS: dict[Template, type[Context]] = {
    Template.SCHEME_NOTICE: SchemeNotice,
    Template.SELF_CHECK_NOTICE: SelfCheckNotice,
    Template.SELF_CHECK_FORM: SelfCheckForm,
    Template.GROUP_NOTICE: GroupNotice,
    Template.SCORE_SHEET: ScoreSheet,
    Template.RESULTS_SUMMARY: ResultsSummary,
    Template.REVIEW_REQUEST: ReviewRequest,
    Template.APPROVAL_OPINION: ApprovalOpinion,
    Template.RESULTS_CIRCULAR: ResultsCircular,
    Template.RECTIFICATION_NOTICE: RectificationNotice,
    Template.REMINDER: ReminderNotice,
    Template.ESCALATION: ReminderNotice,
    Template.CRITICISM: Criticism,
    Template.DAILY_CIRCULAR: DailyCircular,
    Template.CADRE_LETTER: CadreLetter,
    Template.GROUP_RECORD: GroupRecordForm,
    Template.REPORT_CIRCULAR: ReportCircular,
    Template.SITE_REPORT: SiteReport,
}

PORTAL_TEMPLATE = "考核结果公示.html.j2"

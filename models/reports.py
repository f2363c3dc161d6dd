"""Annual reports on government information disclosure (政府信息公开工作年度报告): every version a
unit handed in, the figures read from its three tables, and the findings of the checks.

The statute (《中华人民共和国政府信息公开条例》第四十九条、第五十条) makes the report a duty of every
department, due 1月31日 for the past year, in the national format of 国办公开办函〔2021〕30号. A
report is for one unit and one year (the year it reports on, which is the assessment year whose
cycle judges it). Nothing is ever overwritten: a corrected report is a new version, and the
findings are refreshed from the latest version while a confirmed finding keeps its record.
"""

import re
from datetime import date, datetime
from enum import StrEnum
from typing import Any

from sqlalchemy import JSON, Column, Text, UniqueConstraint
from sqlmodel import Field, SQLModel

from models.types import utcnow

NUMBER = re.compile(r"-?\d+(\.\d+)?")


class ReportRule(StrEnum):
    """What a finding is about (the ``rule`` of ``zwgk reports findings --json``)."""

    TABLE_SUM = "table_sum"  # 表内数字不平衡
    CARRY_OVER = "carry_over"  # 与上年报告不衔接
    TEXT_MISMATCH = "text_mismatch"  # 正文数字与表格不一致
    MISSING_PART = "missing_part"  # 缺少部分、表格或表格行
    WRONG_YEAR = "wrong_year"  # 年度或单位名称不符
    SIMILAR_TEXT = "similar_text"  # 文字与其他报告雷同
    LATE = "late"  # 逾期报送
    MISSING = "missing"  # 到期未报送


RULE_LABELS: dict[ReportRule, str] = {
    ReportRule.TABLE_SUM: "表内数字不平衡",
    ReportRule.CARRY_OVER: "与上年报告不衔接",
    ReportRule.TEXT_MISMATCH: "正文数字与表格不一致",
    ReportRule.MISSING_PART: "缺少部分或表格内容",
    ReportRule.WRONG_YEAR: "年度或单位名称不符",
    ReportRule.SIMILAR_TEXT: "文字雷同",
    ReportRule.LATE: "逾期报送",
    ReportRule.MISSING: "未报送",
}


class FindingLevel(StrEnum):
    ERROR = "error"  # 错误：报告本身有误
    WARNING = "warning"  # 提示：可能有误，需人工核实（如文件到期失效导致现行有效件数不衔接）


class ReportVersion(SQLModel, table=True):
    """One file a unit handed in as its annual report for ``year`` (the year reported on).

    The file is kept under the output folder named by its SHA-256; ``original_name`` is only
    shown. ``text`` is the report's text outside its tables (paragraphs, one a line), kept so that
    the text checks and the similarity between reports can be run again without the file.
    """

    __tablename__ = "report_version"
    # The same file is one version (two hand-ins at the same moment included).
    __table_args__ = (UniqueConstraint("year", "unit_id", "seq"), UniqueConstraint("year", "unit_id", "sha256"))
    id: int | None = Field(default=None, primary_key=True)
    year: int = Field(index=True, description="报告所属年度（上一年度）")
    unit_id: int = Field(foreign_key="unit.id", index=True)
    seq: int = Field(description="本单位本年度的第几版，从 1 起")
    sha256: str = Field(index=True)
    size: int
    file_type: str = Field(description="按内容识别的类型：docx 或 html")
    original_name: str = Field(description="报送时的文件名（仅显示）")
    path: str = Field(description="文件路径，相对于输出文件夹（POSIX）")
    uploaded_by: str = Field(description="报送人或导入人（单位账户或办公室人员）")
    uploaded_at: datetime = Field(default_factory=utcnow)
    handed_in_on: date = Field(description="报送日期（北京时间；补录时为实际收到日期）")
    title: str = Field(default="", description="报告标题")
    text: str = Field(default="", sa_column=Column(Text, nullable=False), description="表格以外的正文")
    parts: list[str] = Field(default_factory=list, sa_column=Column(JSON, nullable=False),
                             description="找到的部分：一、二 … 六")
    notes: list[str] = Field(default_factory=list, sa_column=Column(JSON, nullable=False),
                             description="读取说明（如无法识别的单元格、换算的金额单位）")


class ReportFigure(SQLModel, table=True):
    """One number read from a report's tables: 表三 × 三（七）总计 × 自然人 = 12.

    ``value`` is a decimal text ("12", "3.5"): SQLite would keep a NUMERIC as a float. A row
    the report lacks has no figure at all; a blank cell (or "—") is read as 0.
    """

    __tablename__ = "report_figure"
    __table_args__ = (UniqueConstraint("version_id", "table", "row", "column"),)
    id: int | None = Field(default=None, primary_key=True)
    version_id: int = Field(foreign_key="report_version.id", index=True)
    table: str = Field(description="表二、表三、表四")
    row: str
    column: str
    value: str


class ReportFinding(SQLModel, table=True):
    """A problem found in a unit's report of ``year`` (or with its hand-in: late, missing).

    ``key`` names the problem itself (rule, table, row, column and, for text or similarity, what
    it concerns), so that refreshing the findings after a new version keeps the row, and its
    confirmation, of a problem that persists; a problem that is gone is kept with ``current``
    False. ``expected`` and ``found`` are texts (numbers, dates or percentages).
    """

    __tablename__ = "report_finding"
    __table_args__ = (UniqueConstraint("year", "unit_id", "key"),)
    id: int | None = Field(default=None, primary_key=True)
    year: int = Field(index=True)
    unit_id: int = Field(foreign_key="unit.id", index=True)
    version_id: int | None = Field(default=None, foreign_key="report_version.id")
    key: str = Field(description="同一问题的标识：规则|表|行|列|对象")
    position: int = Field(default=0, description="在本单位问题中的顺序")
    rule: ReportRule
    level: FindingLevel = FindingLevel.ERROR
    table: str = ""
    row: str = ""
    column: str = ""
    expected: str = ""
    found: str = ""
    detail: str = ""
    current: bool = Field(default=True, index=True, description="最新一版报告仍有此问题")
    refreshed_at: datetime = Field(default_factory=utcnow, description="最近一次内容变化或不再存在的时间")
    confirmed_by: str = Field(default="", description="确认记入日常考核的办公室人员")
    confirmed_at: datetime | None = None
    daily_record_id: int | None = Field(default=None, foreign_key="daily_record.id")

    def as_json(self, unit: str) -> dict[str, Any]:
        """The finding as ``zwgk reports findings --json`` prints it (numbers as numbers)."""
        return {"unit": unit, "rule": self.rule.value, "table": self.table, "row": self.row,
                "column": self.column, "expected": json_value(self.expected),
                "found": json_value(self.found), "detail": self.detail}


def json_value(text: str) -> int | float | str | None:
    """A stored value for JSON: '' → null, an integral number → int, a decimal → float, else text."""
    if text == "":
        return None
    if NUMBER.fullmatch(text) is None:
        return text
    return int(text) if "." not in text else float(text)

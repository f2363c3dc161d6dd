"""Problems fed back to units and their rectification (article 11)."""

from datetime import date
from enum import StrEnum

from sqlmodel import Field, SQLModel


class RectificationState(StrEnum):
    FEEDBACK_ISSUED = "feedback_issued"  # 已反馈问题
    PLAN_RECEIVED = "plan_received"  # 已报整改方案
    REPORT_RECEIVED = "report_received"  # 已报整改报告
    VERIFIED = "verified"  # 办公室核验通过
    REOPENED = "reopened"  # 核验未通过，重新整改


class RectificationItem(SQLModel, table=True):
    """One unit's rectification in one cycle: the problems and where it stands."""

    __tablename__ = "rectification_item"
    id: int | None = Field(default=None, primary_key=True)
    assessment_id: int = Field(foreign_key="assessment.id", unique=True)
    problems: str = Field(description="反馈的问题，每行一条")
    state: RectificationState = RectificationState.FEEDBACK_ISSUED
    round: int = 1
    feedback_on: date
    plan_sha256: str = ""
    plan_received_on: date | None = None
    report_sha256: str = ""
    report_received_on: date | None = None
    verified_by: str = ""
    comment: str = ""

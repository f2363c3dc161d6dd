"""Files people upload through the workbench, kept with their SHA-256, uploader and time."""

from datetime import datetime
from enum import StrEnum

from sqlmodel import Field, SQLModel

from models.types import utcnow


class UploadKind(StrEnum):
    SELF_CHECK_FORM = "self_check_form"  # 自查评分表
    EVIDENCE = "evidence"  # 佐证材料
    SCORE_WORKBOOK = "score_workbook"  # 考核评分工作簿
    RECTIFICATION_PLAN = "rectification_plan"  # 整改方案
    RECTIFICATION_REPORT = "rectification_report"  # 整改报告


UPLOAD_LABELS: dict[UploadKind, str] = {
    UploadKind.SELF_CHECK_FORM: "自查评分表",
    UploadKind.EVIDENCE: "佐证材料",
    UploadKind.SCORE_WORKBOOK: "考核评分工作簿",
    UploadKind.RECTIFICATION_PLAN: "整改方案",
    UploadKind.RECTIFICATION_REPORT: "整改报告",
}


class Upload(SQLModel, table=True):
    """One uploaded file. Every upload is a row of its own; the file lives under the output
    folder at a path named by its SHA-256, so nothing is ever overwritten by other content and
    the name the user gave is only shown, never used as a path."""

    id: int | None = Field(default=None, primary_key=True)
    kind: UploadKind = Field(index=True)
    cycle_id: int = Field(foreign_key="cycle.id", index=True)
    unit_id: int | None = Field(default=None, foreign_key="unit.id", index=True)
    criterion_id: int | None = Field(default=None, foreign_key="criterion.id")
    original_name: str = Field(description="用户的文件名（仅显示）")
    file_type: str = Field(description="按内容识别的类型：pdf、png、jpeg、docx、xlsx、ole")
    size: int
    sha256: str = Field(index=True)
    path: str = Field(description="path relative to the output folder (POSIX)")
    uploaded_by: str
    uploaded_at: datetime = Field(default_factory=utcnow)
    accepted: bool = Field(default=True, description="表格导入未通过校验时为 False")

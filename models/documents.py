"""The document register: every document issued, with its number (发文字号)."""

from datetime import date, datetime

from sqlalchemy import UniqueConstraint
from sqlmodel import Field, SQLModel

from models.types import utcnow


class IssuedDocument(SQLModel, table=True):
    """One issued document. ``doc_key`` (cycle, stage, unit, type, revision) makes issuing
    idempotent; (organ, year, seq) unique makes a number impossible to hand out twice."""

    __tablename__ = "document_register"
    __table_args__ = (UniqueConstraint("organ", "year", "seq"),)
    id: int | None = Field(default=None, primary_key=True)
    doc_key: str = Field(unique=True, description="cycle:stage:unit:type:revision")
    cycle_id: int | None = Field(default=None, foreign_key="cycle.id", index=True)
    stage: str
    unit_id: int | None = Field(default=None, foreign_key="unit.id")
    doc_type: str
    organ: str = Field(description="issuing organ key, '' for forms without a number")
    year: int
    seq: int | None = Field(default=None, description="number in the organ's yearly sequence")
    number: str = Field(default="", description="发文字号，如 乌府公开办〔2026〕3号")
    title: str
    issued_on: date
    addressees: str = ""
    path: str = Field(unique=True, description="file path relative to the output folder (POSIX)")
    sha256: str = Field(default="", description="SHA-256 of the file; '' until it is written")
    created_at: datetime = Field(default_factory=utcnow)
    withdrawn_on: date | None = Field(default=None, description="撤销日期：其年度考核被撤销（文号不再使用）")
    withdrawn_reason: str = ""


class DocumentSequence(SQLModel, table=True):
    """The last number an issuing organ handed out in a year (one row per organ and year)."""

    __tablename__ = "document_sequence"
    organ: str = Field(primary_key=True)
    year: int = Field(primary_key=True)
    last: int = 0

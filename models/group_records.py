"""What the assessment group did at a unit and what it found there (article 10(4)).

The group forms its scores "through symposiums, hearing self-check reports, on-site
verification, third-party evaluation and public-opinion surveys, combined with the daily
assessment". The first three are activities at the unit, recorded here with who took part,
the minutes kept and the findings; a finding is a *proposed* deduction that the group's score
workbook shows pre-filled, and only what the group imports from that workbook counts.
"""

from datetime import date, datetime
from decimal import Decimal

from sqlmodel import Field, SQLModel

from models.assessment import GroupMethod
from models.types import Points, utcnow

#: The activities the group holds at a unit (the other three methods have records of their own:
#: outside evaluations are imported, daily records are the office's).
ACTIVITY_KINDS = (GroupMethod.SYMPOSIUM, GroupMethod.SELF_CHECK_REPORT, GroupMethod.ON_SITE)

#: The record form of each activity.
FORM_TITLES: dict[GroupMethod, str] = {
    GroupMethod.SYMPOSIUM: "座谈会记录表",
    GroupMethod.SELF_CHECK_REPORT: "自查汇报记录表",
    GroupMethod.ON_SITE: "实地核查记录表",
}


class GroupActivity(SQLModel, table=True):
    """One symposium, self-check report hearing or on-site check at one unit."""

    __tablename__ = "group_activity"
    id: int | None = Field(default=None, primary_key=True)
    cycle_id: int = Field(foreign_key="cycle.id", index=True)
    unit_id: int = Field(foreign_key="unit.id", index=True)
    kind: GroupMethod
    held_on: date
    members: str = Field(description="考核组参加人员，以“、”分隔")
    minutes_name: str = Field(default="", description="记录材料（纪要、照片等）的文件名")
    minutes_sha256: str = ""
    minutes_path: str = Field(default="", description="保存的记录材料，相对于输出文件夹")
    recorded_at: datetime = Field(default_factory=utcnow)
    source_key: str = Field(unique=True, description="the same activity entered again adds no row")


class GroupFinding(SQLModel, table=True):
    """A problem the group found at an activity: a proposed deduction on one criterion."""

    __tablename__ = "group_finding"
    id: int | None = Field(default=None, primary_key=True)
    activity_id: int = Field(foreign_key="group_activity.id", index=True)
    criterion_id: int = Field(foreign_key="criterion.id")
    points: Decimal = Field(sa_type=Points)
    finding: str

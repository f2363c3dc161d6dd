"""The district profile: its name, its measures' title and its two issuing organs.

One row in the database, so every process and every worker machine sees the same letterheads.
A database without a row uses the Wudang defaults (the measures this tool was built from).
"""

from enum import StrEnum

from pydantic import BaseModel, ConfigDict
from sqlmodel import Field, Session, SQLModel


class OrganKey(StrEnum):
    """The two issuing organs of the procedure."""

    LEADING_GROUP = "leading_group"  # 领导小组: its decisions (审定意见)
    OFFICE = "office"  # 领导小组办公室: every other document


class Organ(BaseModel):
    """An issuing organ: its full name, its red letterhead mark and its document-number prefix."""

    model_config = ConfigDict(frozen=True)

    name: str  # 机关全称
    mark: str  # 发文机关标志（红头）
    prefix: str  # 发文字号机关代字，如 乌府公开办


#: The roles of the leading group (领导小组职务), in order.
LEADING_GROUP_POSITIONS = ("组长", "副组长", "成员")
#: Who decides for the leading group unless the district says otherwise: its head and deputies
#: (the measures have the leading group 审定; its other members may add an opinion).
DEFAULT_DECIDERS = ("组长", "副组长")


class Profile(BaseModel):
    """What documents, pages and emails say about the district, and who decides for its
    leading group."""

    model_config = ConfigDict(frozen=True)

    district: str
    measures: str  # 考核办法全称，不带书名号
    organs: dict[OrganKey, Organ]
    deciders: tuple[str, ...] = DEFAULT_DECIDERS  # the leading-group roles that decide at its gates
    is_default: bool = False

    def organ(self, key: str) -> Organ:
        """The issuing organ ``key`` (leading_group or office)."""
        return self.organs[OrganKey(key)]


DEFAULT_PROFILE = Profile(
    district="乌当区",
    measures="乌当区政务公开工作考核办法（试行）",
    organs={
        OrganKey.LEADING_GROUP: Organ(name="乌当区政务公开工作领导小组",
                                      mark="乌当区政务公开工作领导小组文件", prefix="乌公开组"),
        OrganKey.OFFICE: Organ(name="乌当区政务公开工作领导小组办公室",
                               mark="乌当区政务公开工作领导小组办公室文件", prefix="乌府公开办"),
    },
    is_default=True,
)


class DistrictProfile(SQLModel, table=True):
    """The stored profile (at most one row, id 1)."""

    __tablename__ = "district_profile"
    id: int = Field(default=1, primary_key=True)
    district: str
    measures: str
    leading_group_name: str
    leading_group_mark: str
    leading_group_prefix: str
    office_name: str
    office_mark: str
    office_prefix: str
    deciders: str = Field(default="、".join(DEFAULT_DECIDERS), description="领导小组中作出审定决定的职务，以“、”分隔")

    def profile(self) -> Profile:
        """The row as the value documents use."""
        return Profile(district=self.district, measures=self.measures, organs={
            key: Organ(name=getattr(self, f"{key}_name"), mark=getattr(self, f"{key}_mark"),
                       prefix=getattr(self, f"{key}_prefix")) for key in OrganKey},
            deciders=tuple(self.deciders.split("、")))

    @classmethod
    def from_profile(cls, profile: Profile) -> "DistrictProfile":
        """The row that stores ``profile``."""
        fields: dict[str, str] = {"district": profile.district, "measures": profile.measures,
                                  "deciders": "、".join(profile.deciders)}
        for key, organ in profile.organs.items():
            fields.update({f"{key}_name": organ.name, f"{key}_mark": organ.mark,
                           f"{key}_prefix": organ.prefix})
        return cls(**fields)


def district_profile(session: Session) -> Profile:
    """The stored profile, or the Wudang defaults (``is_default``) when none was imported."""
    row = session.get(DistrictProfile, 1)
    return row.profile() if row is not None else DEFAULT_PROFILE

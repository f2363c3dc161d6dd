"""Assessed units and the people of the leading group, the office and the assessment group."""

from enum import StrEnum

from sqlmodel import Field, Session, SQLModel, col, select


class Category(StrEnum):
    """The two statutory categories, assessed and ranked separately (article 7). Further
    categories (article 16) are rows of UnitCategory, imported with their catalog."""

    TOWNSHIP = "township"  # 乡(镇)人民政府、社区服务中心, annex 1
    DEPARTMENT = "department"  # 区直部门, annex 2


STATUTORY_LABELS: dict[Category, str] = {
    Category.TOWNSHIP: "乡(镇)人民政府、社区服务中心",
    Category.DEPARTMENT: "区直部门",
}


class UnitCategory(SQLModel, table=True):
    """A category of assessed units with its own catalog and its own ranking table: the two
    statutory ones and those assessed "with reference to these measures" (article 16)."""

    key: str = Field(primary_key=True, description="township、department 或导入时给定的键")
    label: str = Field(unique=True, description="类别名称")
    title: str = Field(description="考核内容明细表标题")
    seq: int = Field(description="各类别表格的先后")
    statutory: bool = Field(default=False, description="考核办法附件所列类别")


def list_categories(session: Session) -> list[UnitCategory]:
    """Every category, in the order their tables are printed."""
    return list(session.exec(select(UnitCategory).order_by(col(UnitCategory.seq))).all())


def category_labels(session: Session) -> dict[str, str]:
    """Category key → label, in table order."""
    return {c.key: c.label for c in list_categories(session)}


class UnitBase(SQLModel):
    name: str = Field(index=True, unique=True, description="单位名称")
    category: str = Field(description="类别键：township、department 或导入的类别")
    contact_person: str = Field(default="", description="联系人")
    contact_email: str = Field(default="", description="联系邮箱")
    openness_leader: str = Field(default="", description="分管政务公开工作的领导")


class Unit(UnitBase, table=True):
    """An assessed unit (被考核单位). A retired unit keeps its past results and is not
    assessed by cycles started after it was retired."""

    id: int | None = Field(default=None, primary_key=True)
    is_demo: bool = Field(default=False, description="演示数据")
    retired: bool = Field(default=False, description="已撤销，不再参加以后年度的考核")


class MemberBase(SQLModel):
    name: str = Field(index=True, unique=True, description="姓名")
    from_unit: str = Field(description="所在单位（领导小组成员单位）")
    position: str = Field(default="", description="职务")
    leading_group_role: str = Field(default="", description="领导小组职务：组长/副组长/成员，空为非成员")
    office_staff: bool = Field(default=False, description="领导小组办公室工作人员")
    assessor: bool = Field(default=False, description="抽调参加考核组")
    phone: str = Field(default="", description="手机")
    email: str = Field(default="", description="邮箱")


class Member(MemberBase, table=True):
    """A person of the leading group, its office, or the assessment group."""

    id: int | None = Field(default=None, primary_key=True)
    is_demo: bool = False

    @property
    def on_leading_group(self) -> bool:
        return bool(self.leading_group_role)

    @property
    def roles(self) -> list[str]:
        """The person's roles as the people file writes them (领导小组组长, 办公室, 考核组)."""
        roles = [f"领导小组{self.leading_group_role}"] if self.leading_group_role else []
        return roles + [label for flag, label in ((self.office_staff, ROLE_OFFICE),
                                                  (self.assessor, ROLE_ASSESSOR)) if flag]


ROLE_OFFICE, ROLE_ASSESSOR = "办公室", "考核组"
# 角色 in the people file → the leading-group position it gives ('' for the other roles).
LEADING_GROUP_ROLES: dict[str, str] = {"领导小组组长": "组长", "领导小组副组长": "副组长",
                                       "领导小组成员": "成员"}
ROLE_WORDS = (*LEADING_GROUP_ROLES, ROLE_OFFICE, ROLE_ASSESSOR)

"""Who may do what: the one rule the workbench and the command line ask (DESIGN.md §9).

Roles come from the roster (``Member``) or from a unit account; who of the leading group decides
at its gates is a district setting (``Profile.deciders``: by default the 组长 and 副组长; the
other members may add an opinion). Nothing else in zwgk decides whether a person may act: routes
ask ``may`` (through zwgk.web.auth.ensure), commands and application functions ``require``.
"""

from collections.abc import Iterable
from dataclasses import dataclass
from enum import StrEnum
from typing import Protocol

from sqlmodel import Session, select

from models.cycle import Gate
from models.district import district_profile
from models.units import Member


class Action(StrEnum):
    READ_DASHBOARD = "dashboard.read"  # the cycle page, the register, the public page
    RUN_OFFICE = "office.run"  # start a cycle, preview a sweep, office work
    DECIDE = "gate.decide"  # obj: the Gate
    GIVE_OPINION = "gate.opinion"  # obj: the Gate; a leading-group member's opinion, shown to who decides
    READ_UNIT = "unit.read"  # obj: the unit id
    SUBMIT_FOR_UNIT = "unit.submit"  # obj: the unit id (form, evidence, rectification uploads)
    READ_SELF_CHECKS = "self_checks.read"  # every unit's self-scores and evidence
    SCORE = "scores.work"  # the group's score workbook
    TAKE_PART_IN_GROUP = "group.take_part"  # be named among the group at a unit (assessors only)
    READ_DOCUMENT = "document.read"  # obj: the document (an IssuedDocument or a line of the register)
    REVIEW_REPORTS = "reports.review"  # annual reports: open their deadlines, confirm findings, issue the circular
    MONITOR_SITES = "sites.monitor"  # register monitored pages, confirm findings, issue the monthly circular


class Addressed(Protocol):
    """What decides who may read a document: the unit it is for (None: not one unit's) and its type."""

    unit_id: int | None
    doc_type: str


# Documents addressed to every unit (no unit of their own) that a unit's contact may read.
DOCUMENTS_FOR_ALL_UNITS = frozenset({"scheme_notice", "self_check_notice", "results_circular",
                                     "report_circular"})
# A unit's own documents that stay inside the procedure (the group's working sheets).
INTERNAL_DOCUMENTS = frozenset({"score_sheet"})


@dataclass(frozen=True)
class Actor:
    """A person or a unit acting in the procedure, as the audit log names them."""

    name: str  # the person's name, or the unit account's login
    leading_group: bool = False
    office: bool = False
    assessor: bool = False
    unit_id: int | None = None  # set for a unit's contact only
    decides: bool = False  # decides for the leading group (the district's deciders)

    @classmethod
    def of_member(cls, member: Member, deciders: Iterable[str]) -> "Actor":
        """The roster's roles of ``member``; ``deciders`` are the leading-group roles that decide."""
        return cls(name=member.name, leading_group=member.on_leading_group, office=member.office_staff,
                   assessor=member.assessor, decides=member.leading_group_role in set(deciders))

    @property
    def role_labels(self) -> list[str]:
        """The roles in words, for the page header."""
        return [label for flag, label in ((self.leading_group, "领导小组"), (self.office, "办公室"),
                                          (self.assessor, "考核组"), (self.unit_id is not None, "单位联系人"))
                if flag]


def person(session: Session, name: str) -> Actor:
    """The person called ``name`` with the roles the roster gives them today; no role at all
    when nobody of that name is on the roster."""
    member = session.exec(select(Member).where(Member.name == name.strip())).first()
    if member is None:
        return Actor(name=name.strip())
    return Actor.of_member(member, district_profile(session).deciders)


class NotAllowed(ValueError):
    """A person who may not do what they asked (the message names them and the action)."""


#: What each action is, in the words of a refusal.
ACTION_WORDS: dict[Action, str] = {
    Action.READ_DASHBOARD: "查看年度考核", Action.RUN_OFFICE: "办理办公室事项（须为领导小组办公室工作人员）",
    Action.DECIDE: "作出审定决定", Action.GIVE_OPINION: "提出审定意见（须为领导小组成员）",
    Action.READ_UNIT: "查看该单位", Action.SUBMIT_FOR_UNIT: "代该单位报送", Action.READ_SELF_CHECKS: "查看自查材料",
    Action.SCORE: "办理考核评分（须为考核组成员）", Action.TAKE_PART_IN_GROUP: "作为考核组成员参加",
    Action.READ_DOCUMENT: "查看该公文", Action.REVIEW_REPORTS: "办理年报审查（须为领导小组办公室工作人员）",
    Action.MONITOR_SITES: "办理网站监测（须为领导小组办公室工作人员）",
}


def require(session: Session, name: str, action: Action, obj: object = None) -> Actor:
    """The person called ``name`` when the one rule lets them do ``action``; NotAllowed otherwise.

    While the roster has no office staff at all (a district being set up), the office's work
    is open to whoever runs the command: somebody must import the first roster.
    """
    actor = person(session, name)
    if may(actor, action, obj):
        return actor
    if action is Action.RUN_OFFICE and session.exec(
            select(Member.id).where(Member.office_staff == True)).first() is None:
        return actor
    raise NotAllowed(refusal(actor, action) + "; 请用 --by 写明有权办理的人员姓名或设置 ZWGK_ACTOR")


def refusal(actor: Actor, action: Action) -> str:
    """Why ``actor`` may not do ``action``, in the words every refusal uses."""
    known = "" if actor.leading_group or actor.office or actor.assessor else "（不在人员名单中或没有相应角色）"
    return f"“{actor.name}”{known}无权{ACTION_WORDS[action]} ({actor.name} may not do {action.value})"


def may(actor: Actor, action: Action, obj: object = None) -> bool:
    """True when ``actor`` may do ``action`` (to ``obj``, for the actions that take one)."""
    if action in (Action.TAKE_PART_IN_GROUP, Action.SCORE):  # the group's own work, not the office's
        return actor.assessor
    if action is Action.DECIDE:
        if Gate(obj) is Gate.OFFICE_REVIEW:  # type: ignore[arg-type]
            return actor.office
        return actor.decides
    if action is Action.GIVE_OPINION:
        return actor.leading_group and Gate(obj) is not Gate.OFFICE_REVIEW  # type: ignore[arg-type]
    if actor.office:
        return True
    if action is Action.READ_DASHBOARD:
        return actor.leading_group
    if action is Action.READ_SELF_CHECKS:
        return actor.assessor
    if action is Action.READ_UNIT:
        return actor.assessor or (actor.unit_id is not None and actor.unit_id == obj)
    if action is Action.SUBMIT_FOR_UNIT:
        return actor.unit_id is not None and actor.unit_id == obj
    if action is Action.READ_DOCUMENT:
        assert obj is not None
        document: Addressed = obj  # type: ignore[assignment]
        if actor.leading_group or actor.assessor:
            return True
        if actor.unit_id is None:
            return False
        if document.unit_id is None:
            return document.doc_type in DOCUMENTS_FOR_ALL_UNITS
        return document.unit_id == actor.unit_id and document.doc_type not in INTERNAL_DOCUMENTS
    return False

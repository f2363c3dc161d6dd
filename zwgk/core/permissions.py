"""Who may do what: the one rule the workbench and the command line ask (DESIGN.md §9).

Roles come from the roster (``Member``) or from a unit account. Nothing else in zwgk decides
whether a person may act: routes and commands build an ``Actor`` and call ``may``.
"""

from dataclasses import dataclass
from enum import StrEnum
from typing import Protocol

from sqlmodel import Session, select

from models.cycle import Gate
from models.units import Member


class Action(StrEnum):
    READ_DASHBOARD = "dashboard.read"  # the cycle page, the register, the public page
    RUN_OFFICE = "office.run"  # start a cycle, preview a sweep, office work
    DECIDE = "gate.decide"  # obj: the Gate
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

    @classmethod
    def of_member(cls, member: Member) -> "Actor":
        """The roster's roles of ``member``."""
        return cls(name=member.name, leading_group=member.on_leading_group, office=member.office_staff,
                   assessor=member.assessor)

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
    return Actor.of_member(member) if member is not None else Actor(name=name.strip())


def may(actor: Actor, action: Action, obj: object = None) -> bool:
    """True when ``actor`` may do ``action`` (to ``obj``, for the actions that take one)."""
    if action is Action.TAKE_PART_IN_GROUP:
        return actor.assessor
    if action is Action.DECIDE:
        if Gate(obj) is Gate.OFFICE_REVIEW:  # type: ignore[arg-type]
            return actor.office
        return actor.leading_group
    if actor.office:
        return True
    if action is Action.READ_DASHBOARD:
        return actor.leading_group
    if action in (Action.SCORE, Action.READ_SELF_CHECKS):
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

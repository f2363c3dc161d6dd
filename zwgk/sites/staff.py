"""Who may act on website monitoring: the one rule of zwgk.permissions, asked by every command
and route that changes something (register pages, confirm findings, issue the circular)."""

from sqlmodel import Session, select

from models.units import Member
from zwgk.core.errors import IntakeError
from zwgk.core.permissions import Action, Actor, may


def require(actor: Actor) -> None:
    """Go on only when ``actor`` may do the office's monitoring work; IntakeError otherwise."""
    if not may(actor, Action.MONITOR_SITES):
        raise IntakeError(f"{actor.name} 不是领导小组办公室工作人员，不能办理网站监测事项 "
                          f"({actor.name} is not office staff)")


def office_actor(session: Session, name: str) -> Actor:
    """The person called ``name`` on the roster, if they may do the office's monitoring work
    (a command's ``--by``); IntakeError otherwise."""
    member = session.exec(select(Member).where(Member.name == name.strip())).first()
    actor = Actor.of_member(member) if member is not None else Actor(name=name.strip())
    require(actor)
    return actor

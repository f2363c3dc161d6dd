"""Who may act on website monitoring: the one rule of zwgk.core.permissions, asked by every
command and route that changes something (register pages, confirm findings, issue the circular)."""

from sqlmodel import Session

from zwgk.core.errors import IntakeError
from zwgk.core.permissions import Action, Actor, NotAllowed, may, refusal, require


def require_monitor(actor: Actor) -> None:
    """Go on only when ``actor`` may do the office's monitoring work; IntakeError otherwise."""
    if not may(actor, Action.MONITOR_SITES):
        raise IntakeError(refusal(actor, Action.MONITOR_SITES))


def office_actor(session: Session, name: str) -> Actor:
    """The person called ``name`` on the roster, if they may do the office's monitoring work
    (a command's ``--by``); IntakeError otherwise."""
    try:
        return require(session, name, Action.MONITOR_SITES)
    except NotAllowed as refused:
        raise IntakeError(str(refused)) from None

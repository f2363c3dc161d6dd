"""Scheme stage (articles 8, 10(2)): the office proposes, the leading group approves, the
office issues the year's implementation scheme."""

from datetime import date

from models.stages import Stage
from tasks import dashboard, documents
from tasks.cycle import advance
from zwgk.core.actors import OFFICE_ACTOR


def propose_scheme(cycle_id: int) -> None:
    """Show the proposed scheme (points per category, units) on the dashboard for review."""
    dashboard.publish_documents(cycle_id)


def issue_scheme(cycle_id: int, today: date) -> None:
    """Issue the approved scheme with both indicator tables as annexes, then open self-checks."""
    documents.issue_scheme_notice(cycle_id, today)
    advance(cycle_id, Stage.SCHEME_APPROVED, Stage.SELF_CHECK, OFFICE_ACTOR, "印发实施方案")
    # No dashboard here: the self-check stage follows at once and publishes the documents.

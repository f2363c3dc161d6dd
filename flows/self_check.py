"""Self-check stage (article 10(3)): every unit checks itself against the indicator table."""

from datetime import date

from models.stages import Stage
from tasks import dashboard, documents
from tasks.cycle import advance, close_self_check
from tasks.deadlines import open_self_check_deadlines
from zwgk.core.actors import OFFICE_ACTOR


def open_self_check(cycle_id: int, today: date) -> date:
    """Open the deadlines, issue the notice and one pre-filled form per unit; the due date."""
    due_on = open_self_check_deadlines(cycle_id, today)
    documents.issue_self_check_notice(cycle_id, today, due_on)
    documents.issue_self_check_forms(cycle_id, today)
    dashboard.publish_self_check_table(cycle_id)
    dashboard.publish_documents(cycle_id)
    return due_on


def close_self_checks(cycle_id: int, today: date) -> list[int]:
    """Record units that never sent their self-check, then hand over to the group."""
    missing = close_self_check(cycle_id, today)
    advance(cycle_id, Stage.SELF_CHECK, Stage.GROUP_ASSESSMENT, OFFICE_ACTOR, "自查截止")
    dashboard.publish_self_check_table(cycle_id)
    return missing

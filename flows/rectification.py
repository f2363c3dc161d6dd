"""Feedback and rectification (article 11): problems fed back, rectified by a deadline."""

from datetime import date

from models.stages import Stage
from tasks import dashboard, documents
from tasks.cycle import advance, open_rectification
from tasks.deadlines import open_rectification_deadlines
from zwgk.core.actors import OFFICE_ACTOR


def open_feedback(cycle_id: int, today: date) -> None:
    """One rectification item and notice per unit with problems, with its deadlines."""
    open_rectification(cycle_id, today)
    open_rectification_deadlines(cycle_id, today)
    documents.issue_rectification_notices(cycle_id, today)
    advance(cycle_id, Stage.PUBLISHED, Stage.RECTIFICATION, OFFICE_ACTOR, "反馈问题，督促整改")
    dashboard.publish_documents(cycle_id)


def close_cycle(cycle_id: int) -> None:
    """Close the year's cycle."""
    advance(cycle_id, Stage.RECTIFICATION, Stage.CLOSED, OFFICE_ACTOR, "整改核验完毕")
    dashboard.publish_documents(cycle_id)

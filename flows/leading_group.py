"""Leading-group approval stage (article 10(4)): the leading group approves or sends back."""

from datetime import date

from tasks import dashboard, documents
from tasks.cycle import leading_group_decisions


def record_approvals(cycle_id: int, today: date) -> None:
    """Issue the 审定意见 of every leading-group decision (already issued ones are kept)."""
    for decision_id in leading_group_decisions(cycle_id):
        documents.issue_approval_opinion(cycle_id, decision_id, today)
    dashboard.publish_documents(cycle_id)

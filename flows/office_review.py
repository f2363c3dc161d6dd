"""Office review stage (article 10(4)): the office reviews the scores and proposed ranks."""

from datetime import date

from tasks import dashboard, documents


def office_review(cycle_id: int, today: date, revision: int) -> None:
    """Prepare the request to the leading group; the office then approves or returns it."""
    documents.issue_review_request(cycle_id, today, revision)
    dashboard.publish_documents(cycle_id)

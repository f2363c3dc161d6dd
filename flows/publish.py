"""Circulate and publish (article 12): results circulated in the office's name and published."""

from datetime import date

from tasks import dashboard, documents


def circulate_and_publish(cycle_id: int, today: date) -> None:
    """Issue the circular and write the public results page."""
    documents.issue_results_circular(cycle_id, today)
    documents.publish_results_page(cycle_id)
    dashboard.publish_results_table(cycle_id)
    dashboard.publish_documents(cycle_id)

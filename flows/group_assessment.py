"""Assessment-group stage (articles 10(2) and 10(4)): the group scores every unit."""

from datetime import date

from models.stages import Stage
from tasks import dashboard, documents, results
from tasks.cycle import advance
from tasks.deadlines import open_group_deadline


def open_group_assessment(cycle_id: int, today: date) -> None:
    """Form the group, circulate the year's daily-assessment findings, hand out the workbook."""
    documents.issue_group_notice(cycle_id, today)
    documents.issue_daily_circular(cycle_id, today)
    results.write_score_workbook(cycle_id)
    open_group_deadline(cycle_id, today)
    dashboard.publish_documents(cycle_id)


def finish_group_assessment(cycle_id: int, today: date, revision: int) -> None:
    """Compute scores, grades and ranks, issue the score sheets and the summary table."""
    results.compute_results(cycle_id)
    documents.issue_score_sheets(cycle_id, today, revision)
    documents.issue_results_summary(cycle_id, today, revision)
    advance(cycle_id, Stage.GROUP_ASSESSMENT, Stage.OFFICE_REVIEW, "考核组", "报送考核结果")
    dashboard.publish_results_table(cycle_id)
    dashboard.publish_documents(cycle_id)

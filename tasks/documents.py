"""Tasks that issue the procedure's documents: thin wrappers over zwgk.documents.issue.

Each writes register rows and files and returns register ids (or the page's path); each is
idempotent, so a re-run returns the documents already issued, under the same numbers.
"""

from datetime import date
from pathlib import Path

from prefect import task
from prefect.cache_policies import NO_CACHE

from models.cycle import cycle_by_id
from zwgk.adapters.db import session_scope
from zwgk.documents.issue import (
    daily,
    group,
    publish,
    rectification,
    review,
    scheme,
    self_check,
)


@task(cache_policy=NO_CACHE)
def issue_scheme_notice(cycle_id: int, on: date) -> int:
    """关于印发《…年度政务公开工作考核实施方案》的通知."""
    with session_scope() as session:
        return scheme.issue_scheme_notice(session=session, cycle_id=cycle_id, on=on).id  # type: ignore[return-value]


@task(cache_policy=NO_CACHE)
def issue_self_check_notice(cycle_id: int, on: date, due_on: date) -> int:
    """关于开展…年度政务公开工作自查的通知."""
    with session_scope() as session:
        return self_check.issue_self_check_notice(
            session=session, cycle_id=cycle_id, on=on, due_on=due_on).id  # type: ignore[return-value]


@task(cache_policy=NO_CACHE)
def issue_self_check_forms(cycle_id: int, on: date) -> list[int]:
    """One 自查评分表 per assessed unit."""
    with session_scope() as session:
        docs = self_check.issue_self_check_forms(session=session, cycle_id=cycle_id, on=on)
        return [d.id for d in docs]  # type: ignore[misc]


@task(cache_policy=NO_CACHE)
def issue_group_notice(cycle_id: int, on: date) -> int:
    """关于成立…年度政务公开工作考核组的通知."""
    with session_scope() as session:
        return group.issue_group_notice(session=session, cycle_id=cycle_id, on=on).id  # type: ignore[return-value]


@task(cache_policy=NO_CACHE)
def issue_daily_circular(cycle_id: int, on: date) -> int:
    """日常考核情况通报 of the cycle's year."""
    with session_scope() as session:
        cycle = cycle_by_id(session, cycle_id)
        return daily.issue_daily_circular(
            session=session, year=cycle.year, on=on, cycle_id=cycle_id).id  # type: ignore[return-value]


@task(cache_policy=NO_CACHE)
def issue_score_sheets(cycle_id: int, on: date, revision: int = 0) -> list[int]:
    """Per unit 考核评分表 (revision counts the send-backs)."""
    with session_scope() as session:
        docs = group.issue_score_sheets(session=session, cycle_id=cycle_id, on=on,
                                            revision=revision)
        return [d.id for d in docs]  # type: ignore[misc]


@task(cache_policy=NO_CACHE)
def issue_results_summary(cycle_id: int, on: date, revision: int = 0) -> int:
    """考核结果汇总表."""
    with session_scope() as session:
        return group.issue_results_summary(
            session=session, cycle_id=cycle_id, on=on, revision=revision).id  # type: ignore[return-value]


@task(cache_policy=NO_CACHE)
def issue_review_request(cycle_id: int, on: date, revision: int = 0) -> int:
    """关于…年度政务公开工作考核结果的请示."""
    with session_scope() as session:
        return review.issue_review_request(
            session=session, cycle_id=cycle_id, on=on, revision=revision).id  # type: ignore[return-value]


@task(cache_policy=NO_CACHE)
def issue_approval_opinion(cycle_id: int, decision_id: int, on: date) -> int:
    """审定意见 (审核意见) recording one gate decision."""
    with session_scope() as session:
        return review.issue_approval_opinion(
            session=session, cycle_id=cycle_id, decision_id=decision_id, on=on).id  # type: ignore[return-value]


@task(cache_policy=NO_CACHE)
def issue_results_circular(cycle_id: int, on: date) -> int:
    """关于…年度政务公开工作考核结果的通报."""
    with session_scope() as session:
        return publish.issue_results_circular(session=session, cycle_id=cycle_id, on=on).id  # type: ignore[return-value]


@task(cache_policy=NO_CACHE)
def publish_results_page(cycle_id: int) -> Path:
    """The public results page for the district portal."""
    with session_scope() as session:
        return publish.publish_results_page(session=session, cycle_id=cycle_id)


@task(cache_policy=NO_CACHE)
def issue_rectification_notices(cycle_id: int, on: date) -> list[int]:
    """Per unit 问题反馈及整改通知书."""
    with session_scope() as session:
        docs = rectification.issue_rectification_notices(session=session, cycle_id=cycle_id, on=on)
        return [d.id for d in docs]  # type: ignore[misc]



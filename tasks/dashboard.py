"""Prefect artifacts: the office's dashboard of a cycle in the Prefect UI."""

from prefect import task
from prefect.artifacts import create_markdown_artifact, create_table_artifact
from prefect.cache_policies import NO_CACHE
from sqlmodel import select

from models.assessment import SELF_CHECK_LABELS, assessed_units
from models.cycle import cycle_by_id
from models.documents import IssuedDocument
from models.stages import STAGE_LABELS
from models.units import category_labels
from zwgk.adapters.db import session_scope
from zwgk.results import ranking


@task(cache_policy=NO_CACHE)
def publish_self_check_table(cycle_id: int) -> None:
    """Each unit's self-check status."""
    with session_scope() as session:
        cycle = cycle_by_id(session, cycle_id)
        rows = assessed_units(session, cycle_id)
        labels = category_labels(session)
    create_table_artifact(
        key=f"zwgk-{cycle.year}-self-check",
        table=[{"单位": u.name, "类别": labels[u.category], "自查材料": SELF_CHECK_LABELS[a.self_check_status],
                "报送日期": a.self_check_received_on.isoformat() if a.self_check_received_on else ""}
               for a, u in rows],
        description=f"{cycle.year} 年度各单位自查材料报送情况",
    )


@task(cache_policy=NO_CACHE)
def publish_results_table(cycle_id: int) -> None:
    """Scores, grades and ranks per category, with the self-score beside the group's."""
    with session_scope() as session:
        cycle = cycle_by_id(session, cycle_id)
        table = ranking.results_table(session, cycle_id=cycle_id)
        labels = category_labels(session)
    create_table_artifact(
        key=f"zwgk-{cycle.year}-results",
        table=[{"类别": labels[r.category], "名次": r.rank, "单位": r.unit,
                "自评分": str(r.self_score or ""), "考核得分": str(r.score), "等次": r.grade,
                "需核查指标": "、".join(r.flagged)} for r in table],
        description=f"{cycle.year} 年度考核得分与名次（分类别排名）",
    )


@task(cache_policy=NO_CACHE)
def publish_documents(cycle_id: int) -> None:
    """The stage the cycle is in and every document issued so far."""
    with session_scope() as session:
        cycle = cycle_by_id(session, cycle_id)
        docs = session.exec(select(IssuedDocument).where(IssuedDocument.cycle_id == cycle_id)
                            .order_by(IssuedDocument.id)).all()  # type: ignore[arg-type]
    lines = [f"# {cycle.year} 年度政务公开工作考核", "",
             f"当前阶段：**{STAGE_LABELS[cycle.stage]}**（{cycle.stage}）", "",
             "| 文号 | 标题 | 日期 | 文件 |", "|---|---|---|---|"]
    lines += [f"| {d.number or '—'} | {d.title} | {d.issued_on} | `{d.path}` |" for d in docs]
    create_markdown_artifact(key=f"zwgk-{cycle.year}-documents", markdown="\n".join(lines),
                             description=f"{cycle.year} 年度考核已发文件")

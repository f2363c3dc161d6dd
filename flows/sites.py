"""Website monitoring on a schedule (prefect.yaml: ``site-probe`` every half hour, ``site-check``
every morning; also runnable by hand with ``zwgk sites probe`` and ``zwgk sites check``)."""

from datetime import date
from typing import Annotated, Any

from prefect import flow
from pydantic import Field

from tasks.sites import check_round, probe_round
from zwgk.core.clock import office_today

Today = Annotated[date | None, Field(description="按哪一天记录（默认今天，北京时间）")]


@flow(name="site-probe", description="网站可访问性监测：访问一轮各单位网站首页，记录能否在时限内打开")
def site_probe(today: Today = None) -> dict[str, Any]:
    """One round of homepage probes (the national rule asks for at least 20 a day)."""
    return probe_round(today or office_today())


@flow(name="site-check", description="网站内容检查：各单位登记的栏目是否更新、空白、错链，政策解读是否关联，留言是否回复")
def site_check(today: Today = None) -> dict[str, Any]:
    """Check every registered page once (daily)."""
    return check_round(today or office_today())

"""The two monitoring deployments of prefect.yaml: `site-probe` at least 20 times a day (the
national rule) and `site-check` daily, each running its flow, which records a round."""

import asyncio
from datetime import date, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from prefect.server.schemas.schedules import CronSchedule
from sqlmodel import Session, select

from models.sites import SiteObservation, SiteProbe
from tests.integration.sites_server import (
    Site,
    fast_monitoring,
    government_site,
    register,
    site_rows,
)
from zwgk.adapters.db import forget_engines, get_engine, init_schema
from zwgk.demo.district import load_demo
from zwgk.runner.local_server import ensure_server
from zwgk.runner.serve import build_deployments, deployment_specs

TODAY = date(2026, 11, 25)
SHANGHAI = ZoneInfo("Asia/Shanghai")


def runs_a_day(spec: dict[str, object]) -> int:
    """How many times the deployment's schedules start it on one day in Beijing."""
    start = datetime(2026, 12, 7, tzinfo=SHANGHAI)
    total = 0
    for schedule in spec["schedules"]:  # type: ignore[attr-defined]
        cron = CronSchedule(cron=schedule["cron"], timezone=schedule["timezone"])
        dates = asyncio.run(cron.get_dates(n=1000, start=start, end=start + timedelta(days=1, seconds=-1)))
        total += len(dates)
    return total


def test_the_probe_runs_at_least_20_times_a_day_and_the_check_daily() -> None:
    specs = {spec["name"]: spec for spec in deployment_specs()}
    assert runs_a_day(specs["site-probe"]) >= 20
    assert runs_a_day(specs["site-check"]) == 1
    built = {d.name: d for d in build_deployments([specs["site-probe"], specs["site-check"]])}
    assert set(built) == {"site-probe", "site-check"} and all(d.schedules for d in built.values())


def test_each_deployment_runs_its_round(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from prefect.settings import PREFECT_API_URL, temporary_settings

    from flows.sites import site_check, site_probe

    url = f"sqlite:///{tmp_path / 'zwgk.db'}"
    monkeypatch.setenv("ZWGK_DATABASE_URL", url)
    monkeypatch.setenv("PREFECT_HOME", str(tmp_path / "prefect"))
    fast_monitoring(monkeypatch, tmp_path / "out")
    engine = get_engine(url)
    init_schema(engine)
    with Session(engine) as session, Site(government_site(TODAY)) as site:
        load_demo(session)
        register(session, tmp_path, site_rows("青岚镇（演示）", site), TODAY)
        with temporary_settings({PREFECT_API_URL: ensure_server()}):
            probed = site_probe(today=TODAY)
            checked = site_check(today=TODAY)
        assert probed["units"] == checked["units"] == 1
        assert len(session.exec(select(SiteProbe).where(SiteProbe.source == "probe")).all()) == 1
        assert session.exec(select(SiteObservation)).all()
    forget_engines()

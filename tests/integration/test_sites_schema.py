"""A database made before website monitoring gets what it needs from init_schema: its tables,
and on PostgreSQL the 日常监测 label in the enum type of daily-record methods."""

from datetime import date
from decimal import Decimal

from sqlalchemy import inspect, text
from sqlmodel import Session

from models.assessment import DailyMethod, DailyRecord
from models.units import Unit
from zwgk.adapters.db import get_engine, init_schema


def test_an_older_database_gains_the_monitoring_tables_and_method(db_url: str) -> None:
    engine = get_engine(db_url)
    if engine.dialect.name == "postgresql":  # the type as releases before website monitoring made it
        with engine.begin() as connection:
            connection.execute(text("CREATE TYPE dailymethod AS ENUM ('SPOT_CHECK', 'SPECIAL_INSPECTION', "
                                    "'DAILY_RECORD')"))
    init_schema(engine)
    init_schema(engine)  # idempotent
    assert {"site_page", "site_probe", "site_evidence", "site_observation", "site_finding",
            "site_notice"} <= set(inspect(engine).get_table_names())
    with Session(engine) as session:
        unit = Unit(name="测试单位", category="township")
        session.add(unit)
        session.flush()
        session.add(DailyRecord(year=2026, unit_id=unit.id, points=Decimal("0.5"), method=DailyMethod.MONITORING,  # type: ignore[arg-type]
                                finding="网站日常监测", found_on=date(2026, 11, 20), recorded_by="测试"))
        session.commit()  # refused on PostgreSQL if the label were missing from the type

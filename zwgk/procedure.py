"""The procedure's steps as plain functions over the database (no Prefect, no documents).

Tasks in ``tasks/`` wrap these; each is idempotent so a re-run after a crash is harmless.
"""

from sqlalchemy import func
from sqlmodel import Session, select

from models.assessment import Assessment
from models.cycle import Cycle, create_cycle
from models.scheme import SchemeConfig
from models.units import Unit


def start_cycle(
    *, session: Session, year: int, actor: str, config: SchemeConfig | None = None
) -> Cycle:
    """Create the cycle of ``year`` (stage draft) with one assessment per unit (idempotent).

    Every unit in the register at the time of creation is assessed (article 2: the list is
    fixed in the year's scheme); units added later are not pulled into a running cycle.
    """
    cycle = create_cycle(session=session, year=year, config=config or SchemeConfig(), actor=actor)
    have = session.exec(
        select(func.count()).select_from(Assessment).where(Assessment.cycle_id == cycle.id)
    ).one()
    if have == 0:
        unit_ids = session.exec(select(Unit.id).order_by(Unit.id)).all()  # type: ignore[arg-type]
        session.add_all(Assessment(cycle_id=cycle.id, unit_id=uid) for uid in unit_ids)  # type: ignore[misc]
        session.commit()
    return cycle

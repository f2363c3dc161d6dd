"""What starting a year's cycle will do, said before it is done: the workbench's confirmation
page shows it, and refuses a year that cannot be started (zwgk.cycle.steps.check_startable)."""

from dataclasses import dataclass, field
from datetime import date

from sqlmodel import Session, col, func, select

from models.calendar import CalendarNotCovered, load_calendar
from models.cycle import Cycle
from models.district import district_profile
from models.scheme import SchemeConfig
from models.stages import Stage
from models.units import Unit, UnitCategory
from zwgk.cycle.steps import CycleRefused, check_startable
from zwgk.setup.readiness import missing_for_cycle


@dataclass(frozen=True)
class StartPreview:
    """The consequences of starting ``year`` on ``day``, or why it cannot be started."""

    year: int
    day: date
    refusal: str = ""
    missing: list[str] = field(default_factory=list)
    restart: bool = False  # a withdrawn cycle is started again
    units: list[tuple[str, int]] = field(default_factory=list)  # (category label, count)
    self_check_days: int = 0
    self_check_due: date | None = None  # if the scheme were approved on ``day``
    deciders: str = ""

    @property
    def unit_count(self) -> int:
        """How many units the cycle will assess (and notify)."""
        return sum(count for _, count in self.units)


def start_preview(session: Session, *, year: int, day: date) -> StartPreview:
    """What a start of ``year`` on ``day`` would create and send, to whom and by when."""
    existing = session.exec(select(Cycle).where(Cycle.year == year)).first()
    if existing is not None and existing.stage is not Stage.WITHDRAWN:
        return StartPreview(year=year, day=day, refusal=f"{year} 年度考核已经启动 (already started)")
    try:
        check_startable(year, day)
    except CycleRefused as exc:
        return StartPreview(year=year, day=day, refusal=str(exc))
    counts = dict(session.exec(select(Unit.category, func.count()).where(col(Unit.retired).is_(False))
                               .group_by(col(Unit.category))).all())
    categories = session.exec(select(UnitCategory).order_by(col(UnitCategory.seq))).all()
    days = SchemeConfig().periods.self_check_days
    try:
        due: date | None = load_calendar(session).add_workdays(day, days)
    except CalendarNotCovered:
        due = None
    return StartPreview(
        year=year, day=day, restart=existing is not None,
        missing=[] if existing is not None else missing_for_cycle(session, year=year, today=day),
        units=[(c.label, counts[c.key]) for c in categories if counts.get(c.key)],
        self_check_days=days, self_check_due=due, deciders="、".join(district_profile(session).deciders))

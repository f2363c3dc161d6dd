"""The fictional demo district: its categories assessed by reference, units and people, loaded
from models/data/demo_district.yaml."""

import yaml
from sqlmodel import Session, select

from models.audit import record
from models.catalog import DATA_DIR
from models.units import Member, Unit, UnitCategory
from zwgk.core.actors import OFFICE_ACTOR
from zwgk.setup.categories import import_catalog
from zwgk.setup.units import upsert_units


def load_demo(session: Session) -> tuple[int, int]:
    """Load the fictional demo district (its article-16 categories, units and people;
    idempotent). Returns the counts of units and people."""
    data = yaml.safe_load((DATA_DIR / "demo_district.yaml").read_text("utf-8"))
    for raw in data["categories"]:
        if session.get(UnitCategory, raw["key"]) is None:
            import_catalog(session, path=DATA_DIR / raw["catalog"], key=raw["key"], label=raw["label"])
    changed = sum(upsert_units(session, [Unit.model_validate(u) for u in data["units"]], is_demo=True,
                               commit=False))
    known = {m.name for m in session.exec(select(Member)).all()}
    for raw in data["members"]:
        if raw["name"] not in known:
            session.add(Member.model_validate({**raw, "is_demo": True}))
            changed += 1
    if changed:
        session.flush()
        record(session, actor=OFFICE_ACTOR, action="demo.load",
               detail={"units": len(data["units"]), "members": len(data["members"])})
    session.commit()
    return len(data["units"]), len(data["members"])

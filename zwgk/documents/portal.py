"""The public results page for the district portal (article 12).

It carries only what the circular makes public: per category the unit, score, grade and rank,
and the circular's number and date. Deduction evidence, comments and contact details never reach
its context, so the template cannot show them by mistake. It also prints where the results were
sealed in the audit chain (row and hash): once published, that head is kept outside the
database by everyone who saved the page, and ``zwgk audit verify`` finds a chain that lost it.
"""

from datetime import date
from functools import lru_cache
from pathlib import Path

from jinja2 import Environment, FileSystemLoader, StrictUndefined, Template

from models.audit import AuditEntry
from models.district import Profile
from zwgk.adapters.files import write_atomically
from zwgk.core.settings import get_settings
from zwgk.documents.contexts import PORTAL_TEMPLATE, ResultCategory, cn_date


@lru_cache(maxsize=4)
def _template(templates_dir: Path) -> Template:
    env = Environment(loader=FileSystemLoader(templates_dir), autoescape=True,
                      undefined=StrictUndefined)
    return env.get_template(PORTAL_TEMPLATE)


def render_results_page(*, profile: Profile, year: int, number: str, issued_on: date,
                        categories: list[ResultCategory], seal: AuditEntry | None = None,
                        templates_dir: Path | None = None) -> str:
    """The page's HTML, in the name of the district's office, with the seal's row and hash."""
    return _template(templates_dir or get_settings().templates_dir).render(
        year=year, district=profile.district, publisher=profile.organ("office").name,
        number=number, date_text=cn_date(issued_on), categories=categories,
        seal={"id": seal.id, "hash": seal.hash} if seal else None)


def write_results_page(target: Path, *, profile: Profile, year: int, number: str, issued_on: date,
                       categories: list[ResultCategory], seal: AuditEntry | None) -> Path:
    """Write the page to ``target`` atomically and return its absolute path."""
    html = render_results_page(profile=profile, year=year, number=number, issued_on=issued_on,
                               categories=categories, seal=seal)
    write_atomically(target, html.encode("utf-8"))
    return target.resolve()

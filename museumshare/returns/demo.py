"""The demo's collection round: the most recent reporting year that has ended, open for returns."""

from datetime import date, timedelta

from museumshare.core import years
from museumshare.core.services import System
from museumshare.returns import services
from museumshare.returns.models import ReportingYear


def load_demo_round(today: date | None = None) -> ReportingYear | None:
    """Open the last whole reporting year for the national museums' returns, once; None if any year exists."""
    if ReportingYear.objects.exists():
        return None
    today = today or date.today()
    demo = System("demo")
    year = services.year_create(actor=demo, year=years.of(today) - 1, deadline=today + timedelta(days=45))
    services.year_open(year=year, actor=demo)
    return year

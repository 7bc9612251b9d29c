"""Two people accepting the last place at once, on a real PostgreSQL server: exactly one gets it."""

import threading
from datetime import date, timedelta
from pathlib import Path

import pytest
from django.db import connection, connections

from museumshare.conftest import PASSWORD, write_sample
from museumshare.core.services import Refused
from museumshare.organisations.demo import ensure_cast
from museumshare.organisations.importer import import_organisations
from museumshare.organisations.models import Organisation
from museumshare.programmes import services
from museumshare.programmes.models import Application, ApplicationStatus, Opportunity, OpportunityStatus

pytestmark = pytest.mark.skipif(connection.vendor != "postgresql", reason="needs PostgreSQL's row locks")


@pytest.mark.django_db(transaction=True)
def test_two_acceptances_of_the_last_place_let_exactly_one_through(tmp_path: Path) -> None:
    import_organisations(path=write_sample(tmp_path / "register.csv", {"mm.domus.SE444", "mm.domus.NE026"}))
    cast = ensure_cast(PASSWORD)
    gallery = Organisation.objects.get(external_id="mm.domus.SE444")
    laing = Organisation.objects.get(external_id="mm.domus.NE026")
    start = date.today() + timedelta(days=90)
    opportunity = services.opportunity_create(
        actor=cast["alice"],
        data={
            "host": gallery,
            "kind": "paid_internship",
            "title": "Paid internship in interpretation",
            "description": "Six months with the interpretation team.",
            "skills_area": "curatorial",
            "places": 1,
            "start_date": start,
            "paid": True,
            "pay": "£13.85 an hour",
            "eligibility": "open",
            "closing_date": start - timedelta(days=30),
            "status": OpportunityStatus.OPEN,
        },
    )
    applications = []
    for name, home in (("bob", laing), ("charlie", None)):
        application = services.application_submit(
            opportunity=opportunity, actor=cast[name], organisation=home, statement="I would love to.", notify=False
        )
        services.application_move(application=application, actor=cast["alice"], to=ApplicationStatus.OFFERED)
        applications.append((name, application))
    outcomes: list[str] = []
    ready = threading.Barrier(2)

    def accept(name: str, application: Application) -> None:
        try:
            ready.wait()
            services.application_move(application=application, actor=cast[name], to=ApplicationStatus.ACCEPTED)
            outcomes.append("accepted")
        except Refused as refused:
            outcomes.append(refused.messages[0])
        finally:
            connections.close_all()

    threads = [threading.Thread(target=accept, args=pair) for pair in applications]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)

    assert sorted(outcomes) == ["The only place on this opportunity has been taken.", "accepted"]
    opportunity.refresh_from_db()
    assert opportunity.participations.count() == 1
    assert opportunity.status == OpportunityStatus.FILLED
    assert Application.objects.filter(status=ApplicationStatus.ACCEPTED).count() == 1
    assert Opportunity.objects.get().activity.participants == 1  # type: ignore[union-attr]

"""What tests of programmes share: a programme led by alice's National Portrait Gallery with bob's
Laing Art Gallery as a member, and open opportunities made through the services. Test modules
that need a programme of another shape define their own."""

from datetime import date, timedelta
from typing import Any

import pytest

from museumshare.accounts.models import User
from museumshare.organisations.models import Organisation
from museumshare.programmes import services
from museumshare.programmes.models import MemberRole, Opportunity, OpportunityStatus, Programme

PROGRAMME = "National Skills Sharing Partnership"
INTERNSHIP = "Paid internship in portrait interpretation"


def open_opportunity(programme: Programme, host: Organisation, actor: User, **data: Any) -> Opportunity:
    start = date.today() + timedelta(days=120)
    defaults = {
        "programme": programme,
        "host": host,
        "kind": "paid_internship",
        "description": "Six months writing labels and guides with the interpretation team.",
        "skills_area": "curatorial",
        "places": 1,
        "start_date": start,
        "end_date": start + timedelta(days=180),
        "paid": True,
        "pay": "£13.85 an hour (London Living Wage)",
        "eligibility": "uk_museums",
        "closing_date": date.today() + timedelta(days=30),
        "status": OpportunityStatus.OPEN,
    }
    return services.opportunity_create(actor=actor, data=defaults | data)


@pytest.fixture
def programme(alice: User, portrait_gallery: Organisation, laing: Organisation) -> Programme:
    return services.programme_create(
        actor=alice,
        data={
            "name": PROGRAMME,
            "lead": portrait_gallery,
            "theme": "What is a Portrait?",
            "summary": "Museums across the UK sharing skills and knowledge.",
            "start_date": date(2020, 4, 1),
        },
        members=[(laing, MemberRole.PARTNER, date(2021, 4, 1))],
    )


@pytest.fixture
def internship(programme: Programme, portrait_gallery: Organisation, alice: User) -> Opportunity:
    return open_opportunity(programme, portrait_gallery, alice, title=INTERNSHIP)

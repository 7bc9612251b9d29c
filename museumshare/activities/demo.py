"""Demo activities for `make run`: made-up work between real organisations of the register.

The skills-sharing programme's placements, events and co-produced display are recorded by the
programmes demo, through the programmes services, so they are counted once.
"""

from datetime import date

from museumshare.activities.models import Activity, Kind, Status, Visibility
from museumshare.activities.services import PlaceSpec, activity_create
from museumshare.core.services import Actor, System
from museumshare.organisations.demo import NATIONAL_PORTRAIT_GALLERY
from museumshare.organisations.models import Organisation

DEMO = System("demo")


def load_demo_activities(actor: Actor = DEMO) -> int:
    """Record the demo activities once; returns how many were recorded."""
    if Activity.objects.filter(external_ref__startswith="demo-").exists():
        return 0
    gallery = Organisation.objects.filter(external_id=NATIONAL_PORTRAIT_GALLERY).first()
    if gallery is None:
        return 0
    demo = "Demo record: made up to show museumshare, between real museums."
    activity_create(
        actor=actor,
        data={
            "title": "Planning a touring exhibition to Wales",
            "kind": Kind.TOURING_EXHIBITION,
            "lead": gallery,
            "start_date": date(2026, 4, 1),
            "status": Status.PLANNED,
            "visibility": Visibility.PRIVATE,
            "description": demo,
            "external_ref": "demo-wales-tour",
        },
        places=[PlaceSpec(district_code="W06000011")],
    )
    return 1

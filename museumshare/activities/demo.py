"""Demo activities for `make run`: made-up work between real organisations of the register."""

from datetime import date
from typing import Any

from museumshare.activities.models import Activity, Kind, PartnerRole, Status, Visibility
from museumshare.activities.services import PlaceSpec, activity_create
from museumshare.organisations.demo import LAING_ART_GALLERY, NATIONAL_PORTRAIT_GALLERY
from museumshare.organisations.models import Organisation

# The partners of the National Portrait Gallery's National Skills Sharing Partnership that are in
# the register (Hay Castle is not).
SKILLS_PARTNERS = (
    "mm.domus.SW024",  # The Box, Plymouth
    "mm.domus.EM016",  # Nottingham Castle Museum and Art Gallery
    "mm.domus.SE281",  # Gainsborough's House, Sudbury
    "mm.domus.NI017",  # Ulster Museum, Belfast
    "mm.domus.WM123",  # Compton Verney
    LAING_ART_GALLERY,
    "mm.domus.SE159",  # Watts Gallery
    "mm.domus.WA034",  # Glynn Vivian Art Gallery, Swansea
    "mm.domus.SE214",  # The Beaney House of Art and Knowledge, Canterbury
    "mm.domus.EM084",  # Northampton Museum and Art Gallery
    "mm.domus.EM034",  # Derby Museum and Art Gallery
)


def load_demo_activities(actor: Any = None) -> int:
    """Record the demo activities once; returns how many were recorded."""
    if Activity.objects.filter(external_ref__startswith="demo-").exists():
        return 0
    wanted = [*SKILLS_PARTNERS, NATIONAL_PORTRAIT_GALLERY]
    orgs = {o.external_id: o for o in Organisation.objects.filter(external_id__in=wanted)}
    gallery, laing = orgs.get(NATIONAL_PORTRAIT_GALLERY), orgs.get(LAING_ART_GALLERY)
    if gallery is None or laing is None:
        return 0
    demo = "Demo record: made up to show museumshare, between real museums."
    activity_create(
        actor=actor,
        data={
            "title": "National Skills Sharing Partnership",
            "kind": Kind.PEER_KNOWLEDGE_EXCHANGE,
            "lead": gallery,
            "start_date": date(2021, 4, 1),
            "status": Status.ACTIVE,
            "visibility": Visibility.PUBLIC,
            "themes": "What is a Portrait?",
            "description": "Staff placements, mentoring, paid internships, peer-to-peer knowledge exchanges "
            "and seminars between thirteen museums. " + demo,
            "external_ref": "demo-nssp",
        },
        partners=[(org, PartnerRole.PARTNER) for ref, org in orgs.items() if ref in SKILLS_PARTNERS],
    )
    activity_create(
        actor=actor,
        data={
            "title": "What is a Portrait? A co-produced display",
            "kind": Kind.CO_PRODUCED_EXHIBITION,
            "lead": gallery,
            "start_date": date(2022, 5, 6),
            "end_date": date(2022, 9, 25),
            "status": Status.COMPLETED,
            "visibility": Visibility.PARTNERS,
            "objects_count": 12,
            "description": demo,
            "external_ref": "demo-portrait-display",
        },
        partners=[(laing, PartnerRole.HOST)],
        places=[PlaceSpec(organisation=laing)],
    )
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
    return 3

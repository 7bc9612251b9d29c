"""Demo needs and offers for `make run`: made up to show museumshare, between real museums of the
register, each titled "(demo)" and marked as demo wherever it appears."""

from datetime import date

from museumshare.core.services import Actor, System
from museumshare.needs import services
from museumshare.needs.models import Kind, Need, Offer, Visibility
from museumshare.organisations.demo import LAING_ART_GALLERY, NATIONAL_PORTRAIT_GALLERY
from museumshare.organisations.models import Organisation
from museumshare.programmes.models import SkillsArea

GLYNN_VIVIAN = "mm.domus.WA034"  # Glynn Vivian Art Gallery, Swansea
ULSTER_MUSEUM = "mm.domus.NI017"  # Ulster Museum, Belfast
GAINSBOROUGHS_HOUSE = "mm.domus.SE281"  # Gainsborough's House, Sudbury
FINE_ART = "Arts-Fine_and_decorative_arts"
DEMO = "Demo: made up to show museumshare, between real museums."
DEMO_ACTOR = System("demo")


def load_demo_needs(actor: Actor = DEMO_ACTOR) -> int:
    """Post the demo needs and offers once; returns how many needs were posted."""
    if Need.objects.filter(is_demo=True).exists() or Offer.objects.filter(is_demo=True).exists():
        return 0
    refs = [NATIONAL_PORTRAIT_GALLERY, LAING_ART_GALLERY, GLYNN_VIVIAN, ULSTER_MUSEUM, GAINSBOROUGHS_HOUSE]
    orgs = {o.external_id: o for o in Organisation.objects.filter(external_id__in=refs)}
    gallery = orgs.get(NATIONAL_PORTRAIT_GALLERY)
    if gallery is None:
        return 0
    services.offer_create(
        actor=actor,
        is_demo=True,
        data={
            "organisation": gallery,
            "kind": Kind.LOANS,
            "subjects": [FINE_ART, "Personality-Art"],
            "title": "Portraits for exhibitions across the UK (demo)",
            "description": f"Loans of paintings, drawings and photographs from the Collection to accredited "
            f"museums for exhibitions and long-term display. {DEMO}",
            "capacity": 60,
            "visibility": Visibility.PUBLIC,
        },
    )
    services.offer_create(
        actor=actor,
        is_demo=True,
        data={
            "organisation": gallery,
            "kind": Kind.PLACEMENT,
            "skills_area": SkillsArea.CURATORIAL,
            "title": "Curatorial placements with the Collections team (demo)",
            "description": f"Four-week placements for curators from partner museums. {DEMO}",
            "capacity": 4,
            "visibility": Visibility.PUBLIC,
        },
    )
    if ULSTER_MUSEUM in orgs:
        services.offer_create(
            actor=actor,
            is_demo=True,
            data={
                "organisation": orgs[ULSTER_MUSEUM],
                "kind": Kind.ADVICE,
                "skills_area": SkillsArea.CONSERVATION,
                "title": "Advice on caring for textiles (demo)",
                "description": f"Our conservators answer questions from museums in Northern Ireland. {DEMO}",
                "regions": ["N92000002"],
                "visibility": Visibility.PUBLIC,
            },
        )
    needs = [
        (
            LAING_ART_GALLERY,
            Kind.LOANS,
            [FINE_ART],
            "",
            "Borrow portraits of Tyneside sitters for a 2027 exhibition (demo)",
            date(2027, 3, 1),
            date(2027, 9, 30),
        ),
        (
            GLYNN_VIVIAN,
            Kind.PLACEMENT,
            [],
            SkillsArea.CURATORIAL,
            "A curatorial placement for an assistant curator (demo)",
            date(2026, 10, 1),
            None,
        ),
        (
            GAINSBOROUGHS_HOUSE,
            Kind.PROJECT_PARTNER,
            ["Personality-Art"],
            "",
            "A partner for a funding bid on Gainsborough's drawings (demo)",
            None,
            date(2027, 1, 31),
        ),
    ]
    # A register without some of these museums (a test's sample) gets the needs of those it has.
    needs = [need for need in needs if need[0] in orgs]
    for ref, kind, subjects, skills_area, title, starts, ends in needs:
        services.need_create(
            actor=actor,
            is_demo=True,
            data={
                "organisation": orgs[ref],
                "kind": kind,
                "subjects": subjects,
                "skills_area": skills_area,
                "title": title,
                "description": DEMO,
                "starts": starts,
                "ends": ends,
                "visibility": Visibility.PUBLIC,
            },
        )
    return len(needs)

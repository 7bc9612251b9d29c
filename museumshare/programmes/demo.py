"""The National Skills Sharing Partnership as demo data for `make run`.

The programme and its thirteen partners are real (the National Portrait Gallery's published
account of it); its opportunities, applicants, participants, mentoring, events, minutes and
resources are made up to show museumshare, and are marked as demo wherever they appear.
"""

from datetime import date, datetime, time, timedelta
from pathlib import Path
from typing import Any

from django.utils import timezone

from museumshare.accounts.models import User
from museumshare.core.services import Actor, System
from museumshare.organisations.demo import LAING_ART_GALLERY, NATIONAL_PORTRAIT_GALLERY
from museumshare.organisations.importer import import_organisations
from museumshare.organisations.models import Organisation
from museumshare.programmes import services
from museumshare.programmes.models import (
    Audience,
    EventKind,
    MemberRole,
    OpportunityKind,
    OpportunityStatus,
    Outcome,
    Programme,
    ResourceKind,
    SkillsArea,
)

NAME = "National Skills Sharing Partnership"
HAY_CASTLE_FILE = Path(__file__).parent / "data" / "hay_castle_trust.csv"
HAY_CASTLE_TRUST = "museumshare.hay-castle-trust"
# The date the four initiating partners began is not published; the demo takes the start of 2020/21.
INITIATING_JOINED = date(2020, 4, 1)
MORE_JOINED = date(2021, 4, 1)
INITIATING = (
    "mm.domus.SW024",  # The Box, Plymouth
    "mm.domus.EM016",  # Nottingham Castle Museum and Art Gallery
    "mm.domus.SE281",  # Gainsborough's House, Sudbury
    "mm.domus.NI017",  # Ulster Museum, Belfast
)
JOINED_APRIL_2021 = (
    "mm.domus.WM123",  # Compton Verney
    LAING_ART_GALLERY,
    "mm.domus.SE159",  # Watts Gallery
    HAY_CASTLE_TRUST,
    "mm.domus.WA034",  # Glynn Vivian Art Gallery, Swansea
    "mm.domus.SE214",  # The Beaney House of Art and Knowledge, Canterbury
    "mm.domus.EM084",  # Northampton Museum and Art Gallery
    "mm.domus.EM034",  # Derby Museum and Art Gallery
)
DEMO = "Demo: made up to show museumshare."
DEMO_ACTOR = System("demo")


def _at(day: date, hour: int, minute: int = 0) -> datetime:
    return timezone.make_aware(datetime.combine(day, time(hour, minute)))


def load_demo_programme(actor: Actor = DEMO_ACTOR, today: date | None = None) -> Programme | None:
    """Record the programme and its demo work once; None when it is there already or the register lacks its lead."""
    if Programme.objects.filter(name=NAME).exists():
        return None
    if not Organisation.objects.filter(external_id=HAY_CASTLE_TRUST).exists():
        import_organisations(path=HAY_CASTLE_FILE, actor=actor)
    refs = [NATIONAL_PORTRAIT_GALLERY, *INITIATING, *JOINED_APRIL_2021]
    orgs = {o.external_id: o for o in Organisation.objects.filter(external_id__in=refs)}
    gallery = orgs.get(NATIONAL_PORTRAIT_GALLERY)
    if gallery is None:
        return None
    members = [(orgs[ref], MemberRole.INITIATING, INITIATING_JOINED) for ref in INITIATING if ref in orgs]
    members += [(orgs[ref], MemberRole.PARTNER, MORE_JOINED) for ref in JOINED_APRIL_2021 if ref in orgs]
    programme = services.programme_create(
        actor=actor,
        data={
            "name": NAME,
            "lead": gallery,
            "theme": "What is a Portrait?",
            "summary": "Twelve museums and galleries from across the UK and the National Portrait Gallery "
            "sharing skills and knowledge.",
            "aims": "Development opportunities for staff from all thirteen partners: staff placements, mentoring, "
            "paid internships, peer-to-peer knowledge exchanges and seminars. Partners also co-produce displays "
            "and exhibitions at each venue, exploring identity and representation in portraits.",
            "start_date": INITIATING_JOINED,
        },
        members=[(gallery, MemberRole.LEAD, INITIATING_JOINED), *members],
    )
    _demo_work(programme, orgs, actor, today or date.today())
    return programme


def _demo_work(programme: Programme, orgs: dict[str | None, Organisation], actor: Actor, today: date) -> None:
    gallery = programme.lead
    laing = orgs.get(LAING_ART_GALLERY)
    others = [org for ref, org in orgs.items() if org != gallery and org != laing]

    def offer(host: Organisation, **data: Any) -> Any:
        defaults = {
            "programme": programme,
            "host": host,
            "places": 1,
            "eligibility": "members",
            "status": OpportunityStatus.OPEN,
            "location": host.town,
        }
        data["description"] = f"{data['description']} {DEMO}"
        return services.opportunity_create(actor=actor, data=defaults | data, is_demo=True)

    offer(
        gallery,
        kind=OpportunityKind.PAID_INTERNSHIP,
        title="Paid internship: interpreting portraits for new audiences (demo)",
        description="Six months in the Gallery's interpretation team, writing and testing labels and digital "
        "guides on the theme 'What is a Portrait?'.",
        skills_area=SkillsArea.CURATORIAL,
        places=2,
        start_date=today + timedelta(days=100),
        end_date=today + timedelta(days=280),
        duration="6 months, full time",
        paid=True,
        pay="£13.85 an hour (London Living Wage)",
        eligibility="uk_museums",
        closing_date=today + timedelta(days=40),
    )
    if laing is not None:
        placement = offer(
            laing,
            kind=OpportunityKind.PLACEMENT,
            title="Collections care placement at the Laing (demo)",
            description="Four weeks alongside the Laing's collections team: environmental monitoring, "
            "condition checking and packing for loans.",
            skills_area=SkillsArea.COLLECTIONS_CARE,
            start_date=today + timedelta(days=60),
            end_date=today + timedelta(days=88),
            duration="4 weeks",
            eligibility="open",
            closing_date=today + timedelta(days=25),
        )
        charlie = User.objects.filter(email="charlie@example.org").first()
        if charlie is not None:
            services.application_submit(
                opportunity=placement,
                actor=charlie,
                organisation=None,
                statement=f"I volunteer at a local history museum and want to learn how loans are prepared. {DEMO}",
                notify=False,
            )
    if others:
        offer(
            others[0],
            kind=OpportunityKind.PEER_KNOWLEDGE_EXCHANGE,
            title="Peer exchange: digitising portrait collections (demo)",
            description="Three online sessions comparing how partners photograph, catalogue and publish portraits.",
            skills_area=SkillsArea.DIGITAL,
            places=8,
            start_date=today + timedelta(days=30),
            duration="3 sessions of 2 hours",
            online=True,
            location="",
            closing_date=today + timedelta(days=10),
        )
    _past_internship(programme, gallery, orgs, actor, today)
    _mentoring(programme, gallery, others, actor, today)
    _events(programme, gallery, actor, today)
    if laing is not None:
        services.display_create(
            programme=programme,
            actor=actor,
            data={
                "title": "What is a Portrait? (demo)",
                "host": laing,
                "description": f"Portraits from the national collection shown beside the Laing's own. {DEMO}",
                "opens": date(2022, 5, 6),
                "closes": date(2022, 9, 25),
                "visitors": 18250,
            },
            partners=[gallery],
        )
    for title, kind, topic, area in (
        ("Handling and packing portraits for loan (demo film)", ResourceKind.FILM, "Loans", SkillsArea.REGISTRATION),
        ("Writing labels that ask 'What is a Portrait?' (demo guide)", ResourceKind.GUIDE, "Interpretation",
         SkillsArea.LEARNING),
        ("Hosting a paid intern: a toolkit for small museums (demo)", ResourceKind.TOOLKIT, "Internships",
         SkillsArea.LEADERSHIP),
    ):  # fmt: skip
        services.resource_create(
            actor=actor,
            data={
                "title": title,
                "kind": kind,
                "description": f"Made by the partnership for knowledge exchange across the sector. {DEMO}",
                "topic": topic,
                "skills_area": area,
                "url": "https://www.npg.org.uk/",
                "programme": programme,
                "organisation": gallery,
            },
            is_demo=True,
        )


def _past_internship(
    programme: Programme, gallery: Organisation, orgs: dict[str | None, Organisation], actor: Actor, today: date
) -> None:
    """Last year's interns, evaluated, one with a published story."""
    start = date(today.year - 1, 4, 6)
    internship = services.opportunity_create(
        actor=actor,
        data={
            "programme": programme,
            "host": gallery,
            "kind": OpportunityKind.PAID_INTERNSHIP,
            "title": f"Paid internship in collections and learning, {start.year} (demo)",
            "description": f"Six months between the Gallery's collections and learning teams. {DEMO}",
            "skills_area": SkillsArea.LEARNING,
            "places": 2,
            "start_date": start,
            "end_date": start + timedelta(days=180),
            "paid": True,
            "pay": "£13.15 an hour (London Living Wage)",
            "eligibility": "uk_museums",
            "closing_date": start - timedelta(days=60),
            "status": OpportunityStatus.FILLED,
            "location": gallery.town,
        },
        is_demo=True,
    )
    refs = ("mm.domus.WA034", "mm.domus.EM034", *JOINED_APRIL_2021)
    homes = [home for home in (orgs.get(ref) for ref in refs) if home is not None][:2]
    for n, home in enumerate(homes, start=1):
        story = {}
        if n == 1:
            story = {
                "story": f"I came from {home} wanting to know how a national gallery talks to families. Six months "
                f"later I have written labels, run a workshop and taken what I learnt home. {DEMO}",
                "story_consent": True,
                "story_published_at": timezone.now(),
            }
        services.participation_record(
            opportunity=internship,
            actor=actor,
            data={
                "name": f"Demo intern {n}",
                "home": home,
                "start_date": internship.start_date,
                "end_date": internship.end_date,
                "outcome": Outcome.COMPLETED,
                "skills_gained": "Writing for visitors, planning a learning session, handling objects.",
                "confidence_before": 2,
                "confidence_after": 4 + n % 2,
                "would_recommend": True,
                "evaluated_at": timezone.now(),
                "host_feedback": "Thoughtful and quick to learn; ran a family session on their own.",
                "host_rating": 5,
                "host_evaluated_at": timezone.now(),
            }
            | story,
            is_demo=True,
        )


def _mentoring(
    programme: Programme, gallery: Organisation, others: list[Organisation], actor: Actor, today: date
) -> None:
    if not others:
        return
    pair = services.pair_create(
        actor=actor,
        data={
            "programme": programme,
            "mentor_name": "Demo mentor (Head of Learning)",
            "mentor_organisation": gallery,
            "mentee_name": "Demo mentee (Learning Officer)",
            "mentee_organisation": others[-1],
            "goals": f"Plan a schools programme around portraits in the mentee's collection. {DEMO}",
            "start_date": today - timedelta(days=120),
        },
        is_demo=True,
    )
    for days_ago in (110, 60, 14):
        services.meeting_log(
            pair=pair,
            actor=actor,
            data={"date": today - timedelta(days=days_ago), "minutes": 60, "online": True, "notes": DEMO},
        )


def _events(programme: Programme, gallery: Organisation, actor: Actor, today: date) -> None:
    """The partnership leads meet three times a year and hold an annual exchange event."""
    year = today.year
    meetings = [date(year, 3, 10), date(year, 7, 7), date(year, 12, 8)]
    for day in meetings:
        event = services.event_create(
            actor=actor,
            data={
                "programme": programme,
                "organiser": gallery,
                "kind": EventKind.LEADS_MEETING,
                "title": f"Partnership leads' meeting, {day:%B %Y} (demo)",
                "description": DEMO,
                "starts_at": _at(day, 10, 30),
                "ends_at": _at(day, 13),
                "online_link": "https://meet.example.org/nssp-leads",
                "agenda": "1. Updates from partners\n2. Placements and internships\n3. The exchange event",
                "audience": Audience.MEMBERS,
            },
            is_demo=True,
        )
        if day < today:
            services.event_update(
                event=event,
                actor=actor,
                data={"minutes": f"Partners shared updates; internship recruitment agreed. {DEMO}"},
            )
            services.action_create(
                event=event,
                actor=actor,
                data={
                    "description": "Circulate the internship timetable to partners",
                    "owner_name": "Programme manager (demo)",
                    "due_date": day + timedelta(days=21),
                    "done": day < today - timedelta(days=180),
                },
            )
    exchange = date(year + 1, 2, 16)
    services.event_create(
        actor=actor,
        data={
            "programme": programme,
            "organiser": gallery,
            "kind": EventKind.EXCHANGE_EVENT,
            "title": f"Annual professional exchange event {exchange.year} (demo)",
            "description": f"A day of talks and workshops for staff of all thirteen partners. {DEMO}",
            "starts_at": _at(exchange, 10),
            "ends_at": _at(exchange, 16, 30),
            "location": f"{gallery.name}, {gallery.town}",
            "capacity": 80,
            "audience": Audience.MEMBERS,
        },
        is_demo=True,
    )
    services.event_create(
        actor=actor,
        data={
            "programme": programme,
            "organiser": gallery,
            "kind": EventKind.WEBINAR,
            "title": "Webinar: caring for portrait miniatures (demo)",
            "description": f"An hour with the Gallery's conservators, open to anyone in the sector. {DEMO}",
            "starts_at": _at(today + timedelta(days=21), 14),
            "ends_at": _at(today + timedelta(days=21), 15),
            "online_link": "https://meet.example.org/miniatures",
            "capacity": 100,
            "audience": Audience.OPEN,
        },
        is_demo=True,
    )

"""Who could meet a need, and which needs an offer could meet: ranked, each with its reasons in words.

For a need, the candidates are the organisations that

- have an open offer of the kind needed (that serves the need's region),
- have led work of that kind in the register (the busiest `CANDIDATES` of them),
- have done that work with organisations within `NEARBY_KM` of the need, or
- are within `NEARBY_KM` and have one of the need's subjects in the register.

Each candidate scores points for what `WEIGHTS` lists, and the best `SHOWN` are suggested with a
sentence for each point it scored ("Offers loans on Arts: Fine and decorative arts", "Has lent to 3
museums within 50 km of you", "Already a partner of yours"). An organisation never suggests
itself, and a closed one is never suggested.

Everything counts only what the reader may see: offers and needs by `visible_to` (a private one
only to its own organisation's people, analysts and administrators), past work and partnerships
by `Activity.objects.visible_to` and `Loan.objects.visible_to`. The counting is a handful of
GROUP BY queries whatever the size of the register; only the bounded candidate set is scored in
Python.
"""

import math
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Count

from museumshare.activities.models import Activity, Partner, PartnerRole
from museumshare.activities.models import Status as ActivityStatus
from museumshare.core.geography import distance_km
from museumshare.loans.models import Loan
from museumshare.loans.models import Status as LoanStatus
from museumshare.needs import subjects
from museumshare.needs.models import ACTIVITY_KINDS, Kind, Need, Offer
from museumshare.organisations.models import Organisation

# Every weight in one place; docs/needs.md explains them. A suggestion's score is the sum of the
# points it earns, so the weights say how much each kind of evidence is worth against the others.
WEIGHTS: dict[str, float] = {
    # It has an open offer of the kind needed, serving the need's region: the strongest sign.
    "offer": 40,
    # ...and that offer is about one of the need's subjects,
    "offer_subject": 20,
    # ...or in the need's skills area.
    "offer_skills": 10,
    # Its own subject in the register is one of the need's (a portrait gallery, for portraits).
    "subject": 15,
    # For each activity of the kind it has led in the register, up to `past_work_cap` of them.
    "past_work": 2,
    "past_work_cap": 10,
    # For each organisation within NEARBY_KM of the need it has done that work with, up to the cap.
    "nearby_work": 4,
    "nearby_work_cap": 5,
    # Nearness: all of it at the same place, none at DISTANCE_SCALE_KM or further, in a straight line.
    "distance": 20,
    # Already partners: an activity together, or a loan between them.
    "relationship": 10,
}
NEARBY_KM = 50
DISTANCE_SCALE_KM = 400
# The most organisations taken from past work, and needs taken for an offer, before scoring.
CANDIDATES = 200
SHOWN = 10
KM_PER_DEGREE = 111.2

# "Offers loans on Arts: Fine and decorative arts"; "Needs advice and expertise".
KIND_WORDS: dict[str, str] = {
    Kind.LOANS: "loans",
    Kind.SKILLS: "skills and training",
    Kind.ADVICE: "advice and expertise",
    Kind.PROJECT_PARTNER: "a partner for projects and funding bids",
    Kind.PLACEMENT: "placements and mentoring",
    Kind.SHARED_SERVICES: "shared services",
}
# "Has led 1 loan or touring exhibition", "Has led 12 loans and touring exhibitions"
PAST_WORK_WORDS: dict[str, tuple[str, str]] = {
    Kind.LOANS: ("loan or touring exhibition", "loans and touring exhibitions"),
    Kind.SKILLS: ("training session or knowledge exchange", "training sessions and knowledge exchanges"),
    Kind.ADVICE: ("piece of advice or specialist network", "pieces of advice and specialist networks"),
    Kind.PROJECT_PARTNER: ("joint project", "joint projects"),
    Kind.PLACEMENT: ("placement, mentoring pair or internship", "placements, mentoring pairs and internships"),
    Kind.SHARED_SERVICES: ("shared service", "shared services"),
}


@dataclass
class Suggestion:
    """An organisation that could meet a need, and why."""

    organisation_id: int
    name: str
    slug: str
    town: str
    score: float = 0
    reasons: list[str] = field(default_factory=list)
    distance_km: float | None = None
    offer_id: int | None = None


@dataclass
class Match:
    """A need an offer could meet, and why."""

    need: Need
    score: float = 0
    reasons: list[str] = field(default_factory=list)
    distance_km: float | None = None


def _plural(n: int, one: str, many: str | None = None) -> str:
    return f"{n:,} {one if n == 1 else (many or one + 's')}"


def _subject_words(values: Iterable[str]) -> str:
    labels = [subjects.label(value) for value in values]
    return labels[0] if len(labels) == 1 else ", ".join(labels[:-1]) + " and " + labels[-1]


def _closeness(km: float | None) -> float:
    if km is None:
        return 0
    return WEIGHTS["distance"] * max(0.0, 1 - km / DISTANCE_SCALE_KM)


def _km(a: tuple[float | None, float | None], b: tuple[float | None, float | None]) -> float | None:
    if None in a or None in b:
        return None
    return distance_km(a[0], a[1], b[0], b[1])  # type: ignore[arg-type]


def _counted_activities(user: Any) -> Any:
    return Activity.objects.visible_to(user).exclude(status=ActivityStatus.CANCELLED)


def partners_of(organisation: Organisation | int, user: Any) -> tuple[Counter[int], Counter[int]]:
    """(activities together, loans between them) by the other organisation's id, as `user` sees them."""
    together = _counted_activities(user).filter(partners__organisation=organisation).values("pk")
    activity_rows = (
        Partner.objects.filter(activity__in=together)
        .exclude(organisation=organisation)
        .values("organisation_id")
        .annotate(n=Count("activity_id", distinct=True))
        .order_by()
    )
    activities = Counter({row["organisation_id"]: row["n"] for row in activity_rows})
    loan_rows = (
        Loan.objects.visible_to(user)
        .involving(organisation)
        .exclude(status=LoanStatus.DRAFT)
        .values("lender_id", "borrower_id")
        .annotate(n=Count("pk"))
        .order_by()
    )
    own = organisation if isinstance(organisation, int) else organisation.pk
    loans: Counter[int] = Counter()
    for row in loan_rows:
        other = row["borrower_id"] if row["lender_id"] == own else row["lender_id"]
        if other != own:
            loans[other] += row["n"]
    return activities, loans


def _relationship(activities: int, loans: int) -> str:
    parts = []
    if activities:
        parts.append(_plural(activities, "activity", "activities") + " together")
    if loans:
        parts.append(_plural(loans, "loan") + " between you")
    return "Already a partner of yours: " + " and ".join(parts)


def _nearby(organisation: Organisation) -> dict[int, tuple[float, str]]:
    """Open organisations within NEARBY_KM of `organisation`: (km, subject) by id. One query over a
    box of latitude and longitude, then the great-circle distance to keep only those in the circle."""
    if not organisation.has_point:
        return {}
    lat, lon = float(organisation.latitude), float(organisation.longitude)  # type: ignore[arg-type]
    dlat = NEARBY_KM / KM_PER_DEGREE
    dlon = NEARBY_KM / (KM_PER_DEGREE * max(math.cos(math.radians(lat)), 0.01))
    rows = (
        Organisation.objects.open()
        .filter(latitude__range=(lat - dlat, lat + dlat), longitude__range=(lon - dlon, lon + dlon))
        .exclude(pk=organisation.pk)
        .values_list("pk", "latitude", "longitude", "subject")
    )
    found = {}
    for pk, other_lat, other_lon, subject in rows:
        km = distance_km(lat, lon, float(other_lat or 0), float(other_lon or 0))
        if km <= NEARBY_KM:
            found[pk] = (km, subject)
    return found


def for_need(need: Need, user: Any, *, shown: int = SHOWN) -> list[Suggestion]:
    """The organisations most likely to meet `need`, best first, as `user` may see the evidence."""
    home = need.organisation
    wanted = set(need.subjects)
    kinds = ACTIVITY_KINDS[need.kind]

    # Open offers of the kind, from others, that serve the need's region.
    offers: dict[int, Offer] = {}
    for open_offer in (
        Offer.objects.visible_to(user).open().filter(kind=need.kind).exclude(organisation=home).order_by("-created_at")
    ):
        if open_offer.serves(home.region_code) or not home.region_code:
            current = offers.get(open_offer.organisation_id)
            if current is None or (wanted & set(open_offer.subjects) and not wanted & set(current.subjects)):
                offers[open_offer.organisation_id] = open_offer

    # Past work of the kind in the register: the busiest leads.
    past = dict(
        _counted_activities(user)
        .filter(kind__in=kinds)
        .exclude(lead=home)
        .values("lead_id")
        .annotate(n=Count("pk"))
        .order_by("-n", "lead_id")
        .values_list("lead_id", "n")[:CANDIDATES]
    )

    # Work of the kind with organisations near the need: how many of them each lead worked with.
    nearby = _nearby(home)
    near_work: dict[int, int] = {}
    if nearby:
        near_work = dict(
            Partner.objects.filter(
                activity__in=_counted_activities(user).filter(kind__in=kinds).values("pk"),
                organisation_id__in=list(nearby),
            )
            .exclude(role=PartnerRole.LEAD)
            .exclude(activity__lead=home)
            .values("activity__lead_id")
            .annotate(n=Count("organisation_id", distinct=True))
            .order_by()
            .values_list("activity__lead_id", "n")
        )
    alike_nearby = {pk for pk, (_, subject) in nearby.items() if subject in wanted}

    together, loans = partners_of(home, user)

    candidates = (set(offers) | set(past) | set(near_work) | alike_nearby) - {home.pk}
    organisations = (
        Organisation.objects.open()
        .filter(pk__in=candidates)
        .only("name", "slug", "town", "subject", "latitude", "longitude")
    )
    found = []
    for org in organisations:
        suggestion = Suggestion(org.pk, org.name, org.slug, org.town)
        reasons = suggestion.reasons
        offer = offers.get(org.pk)
        if offer is not None:
            suggestion.offer_id = offer.pk
            suggestion.score += WEIGHTS["offer"]
            shared = [s for s in offer.subjects if s in wanted]
            words = f"Offers {KIND_WORDS[offer.kind]}"
            if shared:
                suggestion.score += WEIGHTS["offer_subject"]
                words += f" on {_subject_words(shared)}"
            elif need.skills_area and offer.skills_area == need.skills_area:
                suggestion.score += WEIGHTS["offer_skills"]
                words += f" in {offer.get_skills_area_display().lower()}"
            reasons.append(f"{words}: ‘{offer.title}’")
        if org.subject and org.subject in wanted:
            suggestion.score += WEIGHTS["subject"]
            reasons.append(f"Its collection is about {subjects.label(org.subject)}")
        if together[org.pk] or loans[org.pk]:
            suggestion.score += WEIGHTS["relationship"]
            reasons.append(_relationship(together[org.pk], loans[org.pk]))
        if past.get(org.pk):
            n = past[org.pk]
            suggestion.score += WEIGHTS["past_work"] * min(n, WEIGHTS["past_work_cap"])
            reasons.append(f"Has led {_plural(n, *PAST_WORK_WORDS[need.kind])} in the register")
        if near_work.get(org.pk):
            n = near_work[org.pk]
            suggestion.score += WEIGHTS["nearby_work"] * min(n, WEIGHTS["nearby_work_cap"])
            what = "lent to" if need.kind == Kind.LOANS else "done this with"
            noun = "museum" if need.kind == Kind.LOANS else "organisation"
            reasons.append(f"Has {what} {_plural(n, noun)} within {NEARBY_KM} km of you")
        suggestion.distance_km = _km((home.latitude, home.longitude), (org.latitude, org.longitude))
        suggestion.score += _closeness(suggestion.distance_km)
        if suggestion.distance_km is not None:
            reasons.append(f"{suggestion.distance_km:,.0f} km away")
        found.append(suggestion)
    far = float("inf")
    found.sort(key=lambda s: (-s.score, s.distance_km if s.distance_km is not None else far, s.name))
    return found[:shown]


def for_offer(offer: Offer, user: Any, *, shown: int = SHOWN) -> list[Match]:
    """The unmet needs `offer` could meet, best first: those of its kind that `user` may see, from
    the regions it serves, scored on subject, skills area, distance and partnership as for a need."""
    home = offer.organisation
    needs = (
        Need.objects.visible_to(user)
        .unmet()
        .filter(kind=offer.kind)
        .exclude(organisation=home)
        .filter(organisation__year_closed__isnull=True)
        .select_related("organisation")
        .order_by("-created_at", "-id")[:CANDIDATES]
    )
    together, loans = partners_of(home, user)
    offered = set(offer.subjects)
    found = []
    for need in needs:
        org = need.organisation
        if not offer.serves(org.region_code):
            continue
        match = Match(need=need, score=WEIGHTS["offer"])
        shared = [s for s in need.subjects if s in offered]
        if shared:
            match.score += WEIGHTS["offer_subject"]
            match.reasons.append(f"Needs {KIND_WORDS[need.kind]} on {_subject_words(shared)}")
        elif need.skills_area and need.skills_area == offer.skills_area:
            match.score += WEIGHTS["offer_skills"]
            match.reasons.append(f"Needs {KIND_WORDS[need.kind]} in {need.get_skills_area_display().lower()}")
        else:
            match.reasons.append(f"Needs {KIND_WORDS[need.kind]}")
        if offer.regions and org.region_name:
            match.reasons.append(f"In {org.region_name}, which this offer serves")
        if together[org.pk] or loans[org.pk]:
            match.score += WEIGHTS["relationship"]
            match.reasons.append(_relationship(together[org.pk], loans[org.pk]))
        match.distance_km = _km((home.latitude, home.longitude), (org.latitude, org.longitude))
        match.score += _closeness(match.distance_km)
        if match.distance_km is not None:
            match.reasons.append(f"{match.distance_km:,.0f} km away")
        found.append(match)
    far = float("inf")
    found.sort(key=lambda m: (-m.score, m.distance_km if m.distance_km is not None else far, -m.need.pk))
    return found[:shown]

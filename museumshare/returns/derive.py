"""The rules that derive a first value for each indicator from the register.

A museum M (with its sites, for a national body) and a reporting year Y: every rule counts what
the register holds of M's work in Y, once. Loans are counted from the loans (and, for loans the
register holds only as activities, from those activities); everything else from the activities,
which loans, programmes and imports all record. "In Y" means a period overlapping Y. UK means a
place with a UK nation; the Channel Islands and the Isle of Man count as international.
"""

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import date
from functools import cached_property

from django.db.models import Count, Q, QuerySet, Sum
from django.db.models.functions import Coalesce, Greatest

from museumshare.activities.models import Activity, Kind, NetworkMembership, Partner, Place, first_met
from museumshare.activities.models import Status as ActivityStatus
from museumshare.core import years
from museumshare.loans.models import COMMITTED, DISPLAY_PURPOSES, LONG_LOAN_MONTHS, Loan, Purpose, Status
from museumshare.organisations.models import Kind as OrganisationKind
from museumshare.organisations.models import Organisation

# Loans that went ahead (or are going ahead): the ones a return counts.
COUNTED = (*COMMITTED, Status.RETURNED, Status.CLOSED)
LOAN_KINDS: dict[str, str] = {
    Kind.LOAN_DISPLAY_UK: Purpose.EXHIBITION,
    Kind.LOAN_DISPLAY_INTERNATIONAL: Purpose.EXHIBITION,
    Kind.LONG_TERM_LOAN: Purpose.LONG_TERM_DISPLAY,
    Kind.RESEARCH_LOAN: Purpose.RESEARCH,
}


@dataclass(frozen=True)
class LoanRow:
    """A loan as the return counts it, whether the register holds it as a loan or only as an activity."""

    purpose: str
    uk: bool
    country: str
    venue: str
    borrower: str
    objects: int
    visitors: int
    long: bool
    end: date | None

    @property
    def for_display(self) -> bool:
        return self.purpose in DISPLAY_PURPOSES


def _months(start: date, end: date) -> int:
    months = (end.year - start.year) * 12 + end.month - start.month
    return months if end.day >= start.day else months - 1


class Scope:
    """What the rules share for one museum and one year, each read once."""

    def __init__(self, organisation: Organisation, year: int) -> None:
        self.organisation = organisation
        self.year = year
        self.start, self.end = years.start(year), years.end(year)
        sites = Organisation.objects.filter(national_group=organisation).values_list("pk", flat=True)
        self.ids = [organisation.pk, *sites]

    def _loans(self, side: str) -> QuerySet[Loan]:
        return (
            Loan.objects.filter(**{f"{side}__in": self.ids}, status__in=COUNTED)
            .annotate(first=Coalesce("agreed_start", "requested_start"), last=Coalesce("agreed_end", "requested_end"))
            .filter(first__lte=self.end, last__gte=self.start)
        )

    def _rows(self, loans: QuerySet[Loan], other: str) -> list[LoanRow]:
        """`other` is the side whose place counts: the borrower for loans out, the lender for loans in."""
        values = loans.annotate(object_count=Count("loan_objects")).values(
            "purpose", "object_count", "visitors", "first", "last", "venue_id", "venue__nation", "venue__country",
            f"{other}_id", f"{other}__nation", f"{other}__country",
        )  # fmt: skip
        rows = []
        for v in values:
            at_venue = v["venue_id"] is not None and other == "borrower"
            nation = v["venue__nation"] if at_venue else v[f"{other}__nation"]
            country = v["venue__country"] if at_venue else v[f"{other}__country"]
            rows.append(
                LoanRow(
                    purpose=v["purpose"],
                    uk=bool(nation),
                    country=str(country or ""),
                    venue=f"venue:{v['venue_id']}" if at_venue else f"organisation:{v[f'{other}_id']}",
                    borrower=f"organisation:{v[f'{other}_id']}",
                    objects=v["object_count"],
                    visitors=v["visitors"] or 0,
                    long=_months(v["first"], v["last"]) >= LONG_LOAN_MONTHS,
                    end=v["last"],
                )
            )
        return rows

    @cached_property
    def loans_out(self) -> list[LoanRow]:
        rows = self._rows(self._loans("lender"), "borrower")
        # Loans the register holds only as activities (imported from a spreadsheet, say).
        activities = self.led.filter(kind__in=LOAN_KINDS, loan__isnull=True).prefetch_related("places", "partners")
        for activity in activities:
            place = next(iter(activity.places.all()), None)
            borrower = next((p for p in activity.partners.all() if p.organisation_id not in self.ids), None)
            uk = place.is_uk if place else activity.kind != Kind.LOAN_DISPLAY_INTERNATIONAL
            rows.append(
                LoanRow(
                    purpose=LOAN_KINDS[activity.kind],
                    uk=uk,
                    country=place.country if place else ("GB" if uk else ""),
                    venue=_place_key(place) if place else f"activity:{activity.pk}",
                    borrower=f"organisation:{borrower.organisation_id}" if borrower else f"activity:{activity.pk}",
                    objects=activity.objects_count or 0,
                    visitors=activity.visitors or 0,
                    long=activity.kind == Kind.LONG_TERM_LOAN
                    or bool(activity.end_date and _months(activity.start_date, activity.end_date) >= LONG_LOAN_MONTHS),
                    end=activity.end_date,
                )
            )
        return rows

    @cached_property
    def loans_in(self) -> list[LoanRow]:
        return self._rows(self._loans("borrower"), "lender")

    @cached_property
    def involving(self) -> QuerySet[Activity]:
        """Activities in the year with M as lead or partner of any role (cancelled work did not happen)."""
        partnered = Partner.objects.filter(organisation__in=self.ids).values("activity_id")
        return Activity.objects.in_year(self.year).filter(pk__in=partnered).exclude(status=ActivityStatus.CANCELLED)

    @cached_property
    def led(self) -> QuerySet[Activity]:
        return Activity.objects.in_year(self.year).filter(lead__in=self.ids).exclude(status=ActivityStatus.CANCELLED)

    def ended_in_year(self, end: date | None) -> bool:
        return end is not None and self.start <= end <= self.end

    def touring(self, uk: bool) -> list[tuple[Activity, set[str]]]:
        """M's touring exhibitions in the year with a venue in (or outside) the UK, with those venues."""
        found = []
        for activity in self.led.filter(kind=Kind.TOURING_EXHIBITION).prefetch_related("places"):
            venues = {_place_key(place) for place in activity.places.all() if place.is_uk == uk}
            if venues:
                found.append((activity, venues))
        return found


def _place_key(place: Place) -> str:
    if place.venue_id:
        return f"venue:{place.venue_id}"
    if place.organisation_id:
        return f"organisation:{place.organisation_id}"
    return f"place:{place.district_code or place.country}:{place.name}"


Rule = Callable[[Scope], int]
RULES: dict[str, Rule] = {}


def rule(*codes: str) -> Callable[[Rule], Rule]:
    def register(function: Rule) -> Rule:
        for code in codes:
            RULES[code] = function
        return function

    return register


def _display(scope: Scope, uk: bool | None = None) -> list[LoanRow]:
    return [row for row in scope.loans_out if row.for_display and (uk is None or row.uk == uk)]


# Sharing collections


@rule("display_loans")
def display_loans(scope: Scope) -> int:
    return len(_display(scope))


@rule("display_objects")
def display_objects(scope: Scope) -> int:
    return sum(row.objects for row in _display(scope))


@rule("display_venues")
def display_venues(scope: Scope) -> int:
    return len({row.venue for row in _display(scope)})


@rule("uk_display_loans")
def uk_display_loans(scope: Scope) -> int:
    return len(_display(scope, uk=True))


@rule("uk_display_objects")
def uk_display_objects(scope: Scope) -> int:
    return sum(row.objects for row in _display(scope, uk=True))


@rule("uk_loan_venues")
def uk_loan_venues(scope: Scope) -> int:
    return len({row.venue for row in scope.loans_out if row.uk})


@rule("long_loans_uk")
def long_loans_uk(scope: Scope) -> int:
    return sum(1 for row in _display(scope, uk=True) if row.long)


@rule("international_display_loans")
def international_display_loans(scope: Scope) -> int:
    return len(_display(scope, uk=False))


@rule("international_display_objects")
def international_display_objects(scope: Scope) -> int:
    return sum(row.objects for row in _display(scope, uk=False))


@rule("international_countries")
def international_countries(scope: Scope) -> int:
    return len({row.country for row in _display(scope, uk=False) if row.country})


@rule("uk_touring_exhibitions")
def uk_touring_exhibitions(scope: Scope) -> int:
    return len(scope.touring(uk=True))


@rule("uk_touring_venues")
def uk_touring_venues(scope: Scope) -> int:
    return len(set().union(*(venues for _, venues in scope.touring(uk=True))))


@rule("international_touring_exhibitions")
def international_touring_exhibitions(scope: Scope) -> int:
    return len(scope.touring(uk=False))


@rule("international_touring_venues")
def international_touring_venues(scope: Scope) -> int:
    return len(set().union(*(venues for _, venues in scope.touring(uk=False))))


def _audience(scope: Scope, uk: bool) -> int:
    """The register holds one visitor figure for a touring exhibition: one that toured both in and
    outside the UK counts its visitors once, in the UK."""
    loans = sum(row.visitors for row in _display(scope, uk=uk) if scope.ended_in_year(row.end))
    in_uk = {activity.pk for activity, _ in scope.touring(uk=True)}
    tours = [a for a, _ in scope.touring(uk=uk) if uk or a.pk not in in_uk]
    return loans + sum(a.visitors or 0 for a in tours if scope.ended_in_year(a.end_date))


@rule("audience_uk")
def audience_uk(scope: Scope) -> int:
    return _audience(scope, uk=True)


@rule("audience_international")
def audience_international(scope: Scope) -> int:
    return _audience(scope, uk=False)


def _research(scope: Scope) -> list[LoanRow]:
    return [row for row in scope.loans_out if row.purpose == Purpose.RESEARCH]


@rule("research_objects")
def research_objects(scope: Scope) -> int:
    return sum(row.objects for row in _research(scope))


@rule("research_institutions")
def research_institutions(scope: Scope) -> int:
    return len({row.borrower for row in _research(scope)})


@rule("acquisitions_supported")
def acquisitions_supported(scope: Scope) -> int:
    found = scope.involving.filter(kind=Kind.ACQUISITION_SUPPORT).aggregate(n=Sum("objects_count"))
    return int(found["n"] or 0)


@rule("objects_borrowed_uk")
def objects_borrowed_uk(scope: Scope) -> int:
    return sum(row.objects for row in scope.loans_in if row.uk)


@rule("objects_borrowed_international")
def objects_borrowed_international(scope: Scope) -> int:
    return sum(row.objects for row in scope.loans_in if not row.uk)


# Sharing knowledge and skills: people are counted from each activity's participants (at least one)


def _people(activities: QuerySet[Activity]) -> int:
    return int(activities.aggregate(n=Sum(Greatest(Coalesce("participants", 1), 1)))["n"] or 0)


def _count(activities: QuerySet[Activity]) -> int:
    return activities.count()


@rule("formal_networks")
def formal_networks(scope: Scope) -> int:
    memberships = NetworkMembership.objects.filter(organisation__in=scope.ids, year=scope.year)
    return memberships.values("network_id").distinct().count()


@rule("staff_exchanges")
def staff_exchanges(scope: Scope) -> int:
    return _people(scope.involving.filter(kind=Kind.STAFF_EXCHANGE))


@rule("placements")
def placements(scope: Scope) -> int:
    return _people(scope.involving.filter(kind=Kind.PLACEMENT))


@rule("mentoring_pairs")
def mentoring_pairs(scope: Scope) -> int:
    return _people(scope.involving.filter(kind=Kind.MENTORING))


@rule("internships")
def internships(scope: Scope) -> int:
    return _people(scope.led.filter(kind=Kind.INTERNSHIP))


@rule("apprenticeships")
def apprenticeships(scope: Scope) -> int:
    return _people(scope.involving.filter(kind=Kind.APPRENTICESHIP))


@rule("sector_training_events")
def sector_training_events(scope: Scope) -> int:
    return _count(scope.led.filter(kind=Kind.SECTOR_TRAINING))


@rule("sector_training_participants")
def sector_training_participants(scope: Scope) -> int:
    found = scope.led.filter(kind=Kind.SECTOR_TRAINING).aggregate(n=Sum("participants"))
    return int(found["n"] or 0)


@rule("knowledge_exchanges")
def knowledge_exchanges(scope: Scope) -> int:
    return _count(scope.involving.filter(kind__in=(Kind.PEER_KNOWLEDGE_EXCHANGE, Kind.ADVICE)))


# Research


@rule("research_projects")
def research_projects(scope: Scope) -> int:
    return _count(scope.involving.filter(kind=Kind.RESEARCH_PROJECT))


@rule("doctoral_students")
def doctoral_students(scope: Scope) -> int:
    return _people(scope.involving.filter(kind=Kind.DOCTORAL_STUDENTSHIP))


@rule("academic_partnerships")
def academic_partnerships(scope: Scope) -> int:
    partners = Partner.objects.filter(activity__in=scope.involving, organisation__kind=OrganisationKind.UNIVERSITY)
    return partners.exclude(organisation__in=scope.ids).values("organisation_id").distinct().count()


# Audiences and outreach


@rule("learning_participants")
def learning_participants(scope: Scope) -> int:
    found = scope.led.filter(kind=Kind.LEARNING_PROGRAMME).aggregate(n=Sum("participants"))
    return int(found["n"] or 0)


@rule("community_partnerships")
def community_partnerships(scope: Scope) -> int:
    return _count(scope.involving.filter(kind=Kind.COMMUNITY_PARTNERSHIP))


@rule("health_wellbeing_programmes")
def health_wellbeing_programmes(scope: Scope) -> int:
    return _count(scope.involving.filter(kind=Kind.HEALTH_WELLBEING))


@rule("digital_projects")
def digital_projects(scope: Scope) -> int:
    return _count(scope.involving.filter(Q(digital=True) | Q(kind=Kind.DIGITAL_PROJECT)))


@rule("shared_services")
def shared_services(scope: Scope) -> int:
    return _count(scope.involving.filter(kind=Kind.SHARED_SERVICES))


# Partners and resilience


def _new_partners(scope: Scope) -> QuerySet[Organisation]:
    return first_met(scope.ids, scope.involving, scope.start)


@rule("new_partners_uk")
def new_partners_uk(scope: Scope) -> int:
    return _new_partners(scope).exclude(nation="").count()


@rule("new_partners_international")
def new_partners_international(scope: Scope) -> int:
    return _new_partners(scope).filter(nation="").count()


@rule("unplanned_activities")
def unplanned_activities(scope: Scope) -> int:
    starting = scope.involving.filter(start_date__gte=scope.start, start_date__lte=scope.end)
    return _count(starting.filter(not_pre_planned=True))


def derive(organisation: Organisation, year: int, codes: Iterable[str] | None = None) -> dict[str, int]:
    """The value each rule gives for `organisation` in `year`, by indicator code (all rules, or `codes`)."""
    scope = Scope(organisation, year)
    wanted = RULES if codes is None else {code: RULES[code] for code in codes if code in RULES}
    return {code: function(scope) for code, function in wanted.items()}

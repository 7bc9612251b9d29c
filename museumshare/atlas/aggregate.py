"""The map of partnership activity: figures by area of the UK and by country abroad, loans as flows
from lender to venue, the places where work happened, and the districts the work does not reach.

Every figure counts only what the user may see (`Activity.objects.visible_to`,
`Loan.objects.visible_to`). Each is one or two GROUP BY queries on the ONS codes the register
copies onto every place, venue and organisation when it is recorded: no geometry is touched.

An activity counts in an area when one of its places is there, and in a period when its dates
overlap it; cancelled work did not happen. A loan counts when it went ahead (the statuses a
return counts) and its period overlaps, and it counts where its venue is, or its borrower when
it names no venue.
"""

from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, replace
from datetime import date
from functools import wraps
from typing import Any, ParamSpec, TypeVar

from django.db import connection, transaction
from django.db.models import Case, Count, F, Q, QuerySet, Sum, When
from django.db.models.functions import Coalesce
from django_countries import countries as country_names

from museumshare.activities.models import Activity, Partner, Place
from museumshare.activities.models import Status as ActivityStatus
from museumshare.core import geography, years
from museumshare.loans.models import Loan
from museumshare.organisations.models import Kind as OrganisationKind
from museumshare.organisations.models import Organisation
from museumshare.returns.derive import COUNTED

LEVELS = ("nation", "region", "upper_tier", "district")
MEASURES = {
    "activities": "Activities",
    "loans": "Loans",
    "objects": "Objects lent",
    "audience": "Audience",
    "participants": "Participants",
    "partners": "Partner organisations",
}
SCOPES = ("all", "uk", "international")
# "activities" is the same as "activity": the map page's word for it.
COLD_SPOT_BASES = ("loans", "activity", "activities")
MUSEUM_KINDS = (OrganisationKind.MUSEUM, OrganisationKind.GALLERY, OrganisationKind.HISTORIC_HOUSE)
# Beyond this a browser draws more markers or lines than anyone can read; the largest come first.
POINTS_SHOWN = 2000
FLOWS_SHOWN = 2000

# The field of a place, venue or organisation that names its area at each level. Nations are
# stored by name (England); `areas` gives them by their GSS codes (E92000001) like the others.
AREA_FIELD = {"nation": "nation", "region": "region_code", "upper_tier": "upper_tier_code", "district": "district_code"}
# Places abroad: the Channel Islands and the Isle of Man are among them, with no nation.
NOT_A_COUNTRY_ABROAD = ("", "GB")


P = ParamSpec("P")
R = TypeVar("R")


def without_jit(function: Callable[P, R]) -> Callable[P, R]:
    """Runs `function` with PostgreSQL's JIT compiler off.

    The permission rule's OR of subqueries makes PostgreSQL overestimate these queries a
    hundredfold, so by default it spends about half a second compiling one that runs in a tenth.
    """

    @wraps(function)
    def run(*args: P.args, **kwargs: P.kwargs) -> R:
        if connection.vendor != "postgresql":
            return function(*args, **kwargs)
        if connection.in_atomic_block:
            # Lasts until the end of the caller's transaction, which a refusal here leaves usable.
            _jit_off()
            return function(*args, **kwargs)
        with transaction.atomic():
            _jit_off()
            return function(*args, **kwargs)

    return run


def _jit_off() -> None:
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL jit = off")


@dataclass(frozen=True)
class Filters:
    year_from: int | None = None
    year_to: int | None = None
    kind: str = ""
    organisation: Organisation | None = None
    scope: str = "all"


@dataclass(frozen=True)
class Area:
    """A UK area by its GSS code: E92000001 for England, E12000001 for the North East, E08000021…"""

    code: str
    name: str
    value: int


@dataclass(frozen=True)
class Country:
    """A country outside the UK by its ISO 3166 code."""

    code: str
    name: str
    value: int


@dataclass(frozen=True)
class Flow:
    lender: str
    lender_lat: float
    lender_lon: float
    venue: str
    venue_lat: float
    venue_lon: float
    loans: int
    objects: int


@dataclass(frozen=True)
class Point:
    name: str
    lat: float
    lon: float
    activities: int
    loans: int


@dataclass(frozen=True)
class ColdSpot:
    code: str
    name: str
    museums: int


@without_jit
def areas(*, user: Any, level: str, measure: str, filters: Filters) -> list[Area]:
    """Every area of `level` where `measure` is above 0, largest first, then by name."""
    if level not in LEVELS:
        raise ValueError(f"No such level: {level!r}.")
    _check(measure, filters)
    if filters.scope == "international":
        return []
    names = geography.area_names(level)
    totals = _tally(user, measure, filters, AREA_FIELD[level])
    if level == "nation":
        code_of = {name: code for code, name in names.items()}
        totals = Counter({code_of[name]: value for name, value in totals.items() if name in code_of})
    # A code that is not a 2025 area cannot be drawn; the register locates everything in 2025's.
    found = [Area(code, names[code], value) for code, value in totals.items() if value > 0 and code in names]
    return sorted(found, key=lambda area: (-area.value, area.name))


@without_jit
def countries(*, user: Any, measure: str, filters: Filters) -> list[Country]:
    """Every country outside the UK where `measure` is above 0, largest first, then by name."""
    _check(measure, filters)
    if filters.scope == "uk":
        return []
    totals = _tally(user, measure, filters, "country")
    found = [Country(code, country_names.name(code) or code, value) for code, value in totals.items() if value > 0]
    return sorted(found, key=lambda country: (-country.value, country.name))


@without_jit
def flows(*, user: Any, filters: Filters) -> list[Flow]:
    """Loans from lender to venue, one flow for each pair, the most objects first.

    Only loans whose lender and venue both have a point can be drawn.
    """
    _check("loans", filters)
    loans = _in_scope(_loans(user, filters), filters).annotate(
        to_name=_went("name"), to_latitude=_went("latitude"), to_longitude=_went("longitude")
    )
    rows = (
        loans.filter(
            lender__latitude__isnull=False,
            lender__longitude__isnull=False,
            to_latitude__isnull=False,
            to_longitude__isnull=False,
        )
        .values(
            "lender_id",
            "lender__name",
            "lender__latitude",
            "lender__longitude",
            "to_name",
            "to_latitude",
            "to_longitude",
        )
        .annotate(loan_count=Count("pk", distinct=True), object_count=Count("loan_objects"))
        .order_by("-object_count", "-loan_count", "lender__name", "to_name")[:FLOWS_SHOWN]
    )
    return [
        Flow(
            lender=row["lender__name"],
            lender_lat=row["lender__latitude"],
            lender_lon=row["lender__longitude"],
            venue=row["to_name"],
            venue_lat=row["to_latitude"],
            venue_lon=row["to_longitude"],
            loans=row["loan_count"],
            objects=row["object_count"],
        )
        for row in rows
    ]


@without_jit
def points(*, user: Any, filters: Filters) -> list[Point]:
    """The places with a point where activities happened or loans went, the busiest first.

    A place and a loan's venue at the same point with the same name are one point.
    """
    _check("activities", filters)
    places = _places(user, filters).filter(latitude__isnull=False, longitude__isnull=False)
    if filters.scope == "uk":
        places = places.exclude(nation="")
    elif filters.scope == "international":
        places = places.filter(nation="")
    activity_rows = (
        places.values("name", "latitude", "longitude")
        .annotate(count=Count("activity_id", distinct=True))
        .order_by("-count", "name")[:POINTS_SHOWN]
    )
    loans = _in_scope(_loans(user, filters), filters).annotate(
        at_name=_went("name"), at_latitude=_went("latitude"), at_longitude=_went("longitude")
    )
    loan_rows = (
        loans.filter(at_latitude__isnull=False, at_longitude__isnull=False)
        .values("at_name", "at_latitude", "at_longitude")
        .annotate(count=Count("pk"))
        .order_by("-count", "at_name")[:POINTS_SHOWN]
    )
    found: dict[tuple[str, float, float], Point] = {}
    for row in activity_rows:
        point = Point(row["name"], row["latitude"], row["longitude"], activities=row["count"], loans=0)
        found[_point_key(point)] = point
    for row in loan_rows:
        point = Point(row["at_name"], row["at_latitude"], row["at_longitude"], activities=0, loans=row["count"])
        same = found.get(_point_key(point))
        found[_point_key(point)] = replace(same, loans=point.loans) if same else point
    listed = sorted(found.values(), key=lambda point: (-(point.activities + point.loans), point.name))
    return listed[:POINTS_SHOWN]


@without_jit
def cold_spots(*, user: Any, filters: Filters, basis: str = "loans") -> list[ColdSpot]:
    """Districts with museums that no loan reached ("loans") or no activity took place in ("activity").

    Museums are the open museums, galleries and historic houses of the register that are not
    national museums. "loans" means loans from the national museums, or from the organisation
    filtered on (with its sites); "activity" means any activity the filters keep. Most museums
    first, then by name. UK areas only: none when the scope is international.
    """
    if basis not in COLD_SPOT_BASES:
        raise ValueError(f"No such basis for cold spots: {basis!r}.")
    _check("activities", filters)
    if filters.scope == "international":
        return []
    reached: QuerySet[Any]
    if basis == "loans":
        loans = _loans(user, filters)
        if filters.organisation is None:
            loans = loans.filter(lender__is_national=True)
        reached = loans.annotate(at_district_code=_went("district_code")).values("at_district_code")
    else:
        reached = _places(user, filters).exclude(district_code="").values("district_code")
    museums = (
        Organisation.objects.open()
        .filter(kind__in=MUSEUM_KINDS, is_national=False)
        .exclude(district_code="")
        .exclude(district_code__in=reached)
        .values("district_code")
        .annotate(museums=Count("pk"))
        .order_by()
    )
    names = geography.area_names("district")
    found = [
        ColdSpot(r["district_code"], names[r["district_code"]], r["museums"])
        for r in museums
        if r["district_code"] in names
    ]
    return sorted(found, key=lambda spot: (-spot.museums, spot.name))


def _check(measure: str, filters: Filters) -> None:
    if measure not in MEASURES:
        raise ValueError(f"No such measure: {measure!r}.")
    if filters.scope not in SCOPES:
        raise ValueError(f"No such scope: {filters.scope!r}.")


def _period(filters: Filters) -> tuple[date | None, date | None]:
    first = years.start(filters.year_from) if filters.year_from is not None else None
    last = years.end(filters.year_to) if filters.year_to is not None else None
    return first, last


def _with_sites(organisation: Organisation) -> QuerySet[Organisation, Any]:
    """The organisation and, for a national body, its sites: as a subquery, never read on its own."""
    return Organisation.objects.filter(Q(pk=organisation.pk) | Q(national_group=organisation.pk)).values("pk")


def _activities(user: Any, filters: Filters) -> QuerySet[Activity]:
    """Activities the user may see that the filters keep: in the period, of the kind, involving the organisation."""
    activities = Activity.objects.visible_to(user).exclude(status=ActivityStatus.CANCELLED)
    first, last = _period(filters)
    if last is not None:
        activities = activities.filter(start_date__lte=last)
    if first is not None:
        activities = activities.filter(Q(end_date__isnull=True) | Q(end_date__gte=first))
    if filters.kind:
        activities = activities.filter(kind=filters.kind)
    if filters.organisation is not None:
        ids = _with_sites(filters.organisation)
        partnered = Partner.objects.filter(organisation__in=ids).values("activity_id")
        activities = activities.filter(Q(lead__in=ids) | Q(pk__in=partnered))
    return activities


def _places(user: Any, filters: Filters) -> QuerySet[Place]:
    return Place.objects.filter(activity__in=_activities(user, filters).values("pk"))


def _loans(user: Any, filters: Filters) -> QuerySet[Loan]:
    """Loans the user may see that went ahead in the period, lent by the organisation (with its sites).

    The kind of activity does not narrow loans: a loan's purpose is not a kind.
    """
    loans = Loan.objects.visible_to(user).filter(status__in=COUNTED)
    first, last = _period(filters)
    if last is not None:
        loans = loans.alias(first_day=Coalesce("agreed_start", "requested_start")).filter(first_day__lte=last)
    if first is not None:
        loans = loans.alias(last_day=Coalesce("agreed_end", "requested_end")).filter(last_day__gte=first)
    if filters.organisation is not None:
        loans = loans.filter(lender__in=_with_sites(filters.organisation))
    return loans


def _went(field: str) -> Case:
    """A loan's venue's `field`, or its borrower's when it names no venue: where the objects went."""
    return Case(When(venue__isnull=False, then=F(f"venue__{field}")), default=F(f"borrower__{field}"))


def _in_scope(loans: QuerySet[Loan], filters: Filters) -> QuerySet[Loan]:
    if filters.scope == "all":
        return loans
    loans = loans.alias(scope_nation=_went("nation"))
    return loans.filter(scope_nation="") if filters.scope == "international" else loans.exclude(scope_nation="")


def _located(field: str, value: str, nation: str) -> Q:
    """Rows whose `value` (the lookup of the place's `field`) is set: a UK area, or for `country` a
    country abroad, where the place has no `nation`."""
    if field == "country":
        return Q(**{nation: ""}) & ~Q(**{f"{value}__in": NOT_A_COUNTRY_ABROAD})
    return ~Q(**{value: ""})


def _tally(user: Any, measure: str, filters: Filters, field: str) -> Counter[str]:
    """`measure` by the value of `field` (a code, a nation's name or a country) of where things happened."""
    totals: Counter[str] = Counter()
    if measure in ("activities", "participants", "audience"):
        places = _places(user, filters).filter(_located(field, field, "nation"))
        if measure == "audience" and not filters.kind:
            # A loan that went ahead is also in the register as an activity, with the same visitors:
            # counted once, as the loan. With a kind, audience is that of the activities of the kind.
            counted = _loans(user, filters).filter(activity__isnull=False).values("activity_id")
            places = places.exclude(activity__in=counted)
        # An activity with two places in one area counts there once.
        if measure == "activities":
            rows = places.values(field).annotate(value=Count("activity_id", distinct=True)).order_by()
            totals.update({row[field]: row["value"] for row in rows})
        else:
            column = "activity__participants" if measure == "participants" else "activity__visitors"
            totals.update(_sum_once_per_activity(places, field, column))
    if measure in ("loans", "objects") or (measure == "audience" and not filters.kind):
        loans = _loans(user, filters).annotate(area=_went(field)).alias(at_nation=_went("nation"))
        figure = {"loans": Count("pk"), "objects": Count("loan_objects"), "audience": Sum("visitors")}[measure]
        rows = loans.filter(_located(field, "area", "at_nation")).values("area").annotate(value=figure).order_by()
        totals.update({row["area"]: row["value"] or 0 for row in rows})
    if measure == "partners":
        partners = Partner.objects.filter(activity__in=_activities(user, filters).values("pk"))
        if filters.organisation is not None:
            # Its partners: the organisation itself is not one of them.
            partners = partners.exclude(organisation__in=_with_sites(filters.organisation))
        rows = (
            partners.filter(_located(field, f"organisation__{field}", "organisation__nation"))
            .values(f"organisation__{field}")
            .annotate(value=Count("organisation_id", distinct=True))
            .order_by()
        )
        totals.update({row[f"organisation__{field}"]: row["value"] for row in rows})
    return totals


def _sum_once_per_activity(places: QuerySet[Place], field: str, figure: str) -> dict[str, int]:
    """The sum of `figure` by `field` over the places, taking each activity once in each area.

    The ORM cannot aggregate over a subquery, so the distinct (area, activity) pairs it selects
    are summed by a query around it: one query, whose answer has a row for each area.
    """
    pairs = places.annotate(area=F(field), value=F(figure)).values("area", "activity_id", "value").distinct()
    sql, params = pairs.order_by().query.sql_with_params()
    with connection.cursor() as cursor:
        # The ORM's own compiled query, its values still parameters.
        cursor.execute(f"SELECT area, SUM(value) FROM ({sql}) pairs GROUP BY area", params)  # noqa: S608
        return {area: int(total or 0) for area, total in cursor.fetchall()}


def _point_key(point: Point) -> tuple[str, float, float]:
    # A site's venue and its own entry in the register may differ in the last decimals of a point.
    return point.name, round(point.lat, 5), round(point.lon, 5)

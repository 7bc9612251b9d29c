"""The report's breakdowns: the national museums' partnership work by museum, place, kind and partner.

Each breakdown is a list of rows (a label, a code where there is one, and counts) that a GROUP BY
in the database computes, so the whole set costs the same fifteen queries however large the
register. Where two breakdowns share a query (partners by kind and by governance), or a row gathers
several groups (the local authorities after the top twenty), Python adds up a few groups that
count nothing twice between them.

"The national museums" of a year are the organisations asked for a return that year (before the
year is set up, the national bodies the report covers), each with its sites folded in. The
register is read as the returns read it (`returns.derive`): loans that went ahead and whose period
overlaps the year, placed at their venue, or at the borrower when they have none; activities
whose period overlaps the year, leaving out cancelled work; UK means a place with a UK nation, so
the Channel Islands and the Isle of Man are abroad.
"""

from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.db.models import Case, Count, Exists, F, IntegerField, OuterRef, Q, QuerySet, Subquery, Sum, Value, When
from django.db.models.functions import Coalesce, ExtractDay, ExtractMonth, ExtractYear
from django_countries import countries

from museumshare.activities.models import AREA_OF_KIND, Activity, Kind, Partner, Place, first_met
from museumshare.activities.models import Status as ActivityStatus
from museumshare.core import geography, years
from museumshare.loans.models import DISPLAY_PURPOSES, LONG_LOAN_MONTHS, Loan, LoanObject
from museumshare.organisations.models import Governance, Organisation
from museumshare.organisations.models import Kind as OrganisationKind
from museumshare.returns.derive import COUNTED
from museumshare.returns.models import FINAL, ReportingYear, Return, ReturnValue

# The returns' figures shown for each museum.
HEADLINE_CODES = (
    "display_loans",
    "display_objects",
    "audience_uk",
    "formal_networks",
    "placements",
    "internships",
    "apprenticeships",
    "new_partners_uk",
)
TOP_LOCAL_AUTHORITIES = 20
MAP_VENUES = 500
# The Mapping Museums register's museums, whose governance it records.
MUSEUM_KINDS = (OrganisationKind.MUSEUM, OrganisationKind.GALLERY, OrganisationKind.HISTORIC_HOUSE)
NOT_RECORDED = "Not recorded"

Row = dict[str, Any]


@dataclass(frozen=True)
class NationalMuseums:
    """The year's national museums: `bodies` by pk (name, slug), and the body each pk counts for."""

    bodies: dict[int, tuple[str, str]]
    body_of: dict[int, int]

    @property
    def ids(self) -> list[int]:
        """The bodies and their sites."""
        return list(self.body_of)

    def body(self, field: str = "organisation") -> Case:
        """An expression for the body that the organisation in `field` counts for."""
        return Case(
            When(**{f"{field}__in": list(self.bodies)}, then=F(f"{field}_id")),
            default=F(f"{field}__national_group_id"),
        )


def national_museums(year: int) -> NationalMuseums:
    if ReportingYear.objects.filter(year=year).exists():
        asked = Organisation.objects.filter(reporting_years__year=year)
    else:
        asked = Organisation.objects.national_bodies().filter(partnership_report=True)
    rows = (
        Organisation.objects.filter(Q(pk__in=asked.values("pk")) | Q(national_group__in=asked.values("pk")))
        .annotate(asked=Exists(asked.filter(pk=OuterRef("pk"))))
        .values_list("pk", "name", "slug", "national_group_id", "asked")
        .order_by()
    )
    bodies: dict[int, tuple[str, str]] = {}
    body_of: dict[int, int] = {}
    for pk, name, slug, group, is_asked in rows:
        if is_asked:
            bodies[pk] = (name, slug)
        body_of[pk] = pk if is_asked else group
    return NationalMuseums(bodies=bodies, body_of=body_of)


def _number(value: Decimal | None) -> int | float | None:
    if value is None:
        return None
    return int(value) if value == value.to_integral_value() else float(value)


def by_museum(museums: NationalMuseums, year: int) -> list[Row]:
    """Each museum's headline figures from its approved or locked return; `returned` says whether it has one."""
    returns = Return.objects.filter(year__year=year, status__in=FINAL, organisation__in=museums.ids)
    returned = set(returns.values_list(museums.body(), flat=True).distinct().order_by())
    values = (
        ReturnValue.objects.filter(annual_return__in=returns, indicator__code__in=HEADLINE_CODES)
        .values_list(museums.body("annual_return__organisation"), "indicator__code")
        .annotate(total=Sum("value"))
        .order_by()
    )
    figures = {(body, code): total for body, code, total in values}
    rows = [
        {"label": name, "code": slug, "returned": pk in returned}
        | {code: _number(figures.get((pk, code))) for code in HEADLINE_CODES}
        for pk, (name, slug) in museums.bodies.items()
    ]
    return sorted(rows, key=lambda row: row["label"])


# Loans out


def loans_out(museums: NationalMuseums, year: int) -> QuerySet[Loan]:
    """The national museums' loans out in the year that count in a return."""
    return (
        Loan.objects.filter(lender__in=museums.ids, status__in=COUNTED)
        .annotate(first=Coalesce("agreed_start", "requested_start"), last=Coalesce("agreed_end", "requested_end"))
        .filter(first__lte=years.end(year), last__gte=years.start(year))
        .order_by()
    )


def at_venue(field: str) -> Case:
    """The loan's venue's `field`, or the borrower's when the loan has no venue."""
    return Case(When(venue__isnull=True, then=F(f"borrower__{field}")), default=F(f"venue__{field}"))


def objects_lent() -> Subquery:
    """The number of objects on the loan: a subquery, so that counting loans needs no DISTINCT."""
    on_loan = LoanObject.objects.filter(loan=OuterRef("pk")).order_by().values("loan").annotate(n=Count("pk"))
    return Subquery(on_loan.values("n"), output_field=IntegerField())


def _loan_counts() -> dict[str, Any]:
    return {
        "loans": Count("pk"),
        "objects": Sum(objects_lent()),
        # A loan goes to a venue, or to the borrower itself when it names none: both are venues.
        "venues": Count("venue", distinct=True) + Count("borrower", distinct=True, filter=Q(venue__isnull=True)),
    }


def _counts(row: dict[str, Any], names: tuple[str, ...]) -> Row:
    return {name: int(row.get(name) or 0) for name in names}


LOAN_COUNTS = ("loans", "objects", "venues")


def _nations() -> dict[str, str]:
    """Each UK nation's GSS code, by name, in the register's order."""
    codes = {d.nation: d.nation_code for d in geography.districts_by_code().values()}
    return {nation: codes[nation] for nation in geography.NATIONS}


def _regions() -> dict[str, str]:
    """Each English region's and each other nation's name by GSS code: where the ONS lookup puts districts."""
    return {d.region_code: d.region_name for d in geography.districts_by_code().values()}


def _by_nation(found: dict[str, Row], names: tuple[str, ...]) -> list[Row]:
    """Every UK nation, in order, with its counts (none where nothing was found)."""
    return [
        {"label": nation, "code": code} | _counts(found.get(nation, {}), names) for nation, code in _nations().items()
    ]


def _by_region(found: dict[str, Row], names: tuple[str, ...]) -> list[Row]:
    """Every region (and nation outside England), most first, then what had no region recorded."""
    rows: list[Row] = [
        {"label": name, "code": code} | _counts(found.get(code, {}), names) for code, name in _regions().items()
    ]
    rows.sort(key=lambda row: (-row[names[0]], row["label"]))
    if "" in found:
        rows.append({"label": NOT_RECORDED, "code": None} | _counts(found[""], names))
    return rows


def loans_by_nation(loans: QuerySet[Loan]) -> list[Row]:
    found = loans.values(nation=at_venue("nation")).annotate(**_loan_counts())
    return _by_nation({row["nation"]: row for row in found if row["nation"]}, LOAN_COUNTS)


def loans_by_region(loans: QuerySet[Loan]) -> list[Row]:
    uk = loans.annotate(nation=at_venue("nation")).exclude(nation="")
    found = uk.values(region=at_venue("region_code")).annotate(**_loan_counts())
    return _by_region({row["region"]: row for row in found}, LOAN_COUNTS)


def loans_by_local_authority(loans: QuerySet[Loan]) -> list[Row]:
    """The local authority districts borrowing most, then the rest together (`local_authorities` of them)."""
    uk = loans.annotate(nation=at_venue("nation")).exclude(nation="")
    found: list[Row] = list(
        uk.values(
            code=at_venue("district_code"), name=at_venue("district_name"), region=at_venue("region_name")
        ).annotate(**_loan_counts())
    )
    found.sort(key=lambda row: (-row["loans"], row["name"]))
    named = [row for row in found if row["code"]]
    top, rest = named[:TOP_LOCAL_AUTHORITIES], named[TOP_LOCAL_AUTHORITIES:]
    rows = [
        {"label": row["name"], "code": row["code"], "region": row["region"], "local_authorities": 1}
        | _counts(row, LOAN_COUNTS)
        for row in top
    ]
    if rest:
        # A venue is in one district, so the rest's venues add up without counting one twice.
        rows.append(
            {"label": "Other local authorities", "code": None, "region": None, "local_authorities": len(rest)}
            | {name: sum(row[name] for row in rest) for name in LOAN_COUNTS}
        )
    for row in found:
        if not row["code"]:
            rows.append(
                {"label": NOT_RECORDED, "code": None, "region": None, "local_authorities": 0}
                | _counts(row, LOAN_COUNTS)
            )
    return rows


def loan_lengths(loans: QuerySet[Loan]) -> list[Row]:
    """Loans for display, short (under 18 months) and long (18 months or more), as `Loan.months` counts."""
    months = (
        (ExtractYear("last") - ExtractYear("first")) * 12
        + ExtractMonth("last")
        - ExtractMonth("first")
        - Case(When(last_day__lt=F("first_day"), then=Value(1)), default=Value(0), output_field=IntegerField())
    )
    display = (
        loans.filter(purpose__in=DISPLAY_PURPOSES)
        .annotate(first_day=ExtractDay("first"), last_day=ExtractDay("last"))
        .annotate(length=months)
        .annotate(long=Case(When(length__gte=LONG_LOAN_MONTHS, then=Value(1)), default=Value(0)))
    )
    # One pass, grouped by short or long: each loan's length worked out and its objects counted once.
    counts = {"loans": Count("pk"), "objects": Sum(objects_lent())}  # "objects" by name: it is a manager's too
    found = {row["long"]: row for row in display.values("long").annotate(**counts)}
    short, long = found.get(0, {}), found.get(1, {})
    return [
        {"label": "Short loans (under 18 months)", "code": "short"}
        | {"loans": short.get("loans", 0), "objects": short.get("objects") or 0},
        {"label": "Long loans (18 months or more)", "code": "long"}
        | {"loans": long.get("loans", 0), "objects": long.get("objects") or 0},
    ]


def map_venues(loans: QuerySet[Loan]) -> list[Row]:
    """The UK venues of the loans with a point, most loans first: at most `MAP_VENUES` of them."""
    placed = loans.annotate(
        nation=at_venue("nation"), lat=at_venue("latitude"), lon=at_venue("longitude"), name=at_venue("name")
    ).filter(lat__isnull=False, lon__isnull=False)
    found = (
        placed.exclude(nation="")
        .values(
            "venue_id",
            "name",
            "lat",
            "lon",
            organisation=Case(
                When(venue__isnull=True, then=F("borrower_id")), default=Value(None), output_field=IntegerField()
            ),
        )
        .annotate(loans=Count("pk"))
        .order_by("-loans", "name", "venue_id", "organisation")[:MAP_VENUES]
    )
    return [
        {
            "label": row["name"],
            "name": row["name"],
            "code": f"venue:{row['venue_id']}" if row["venue_id"] else f"organisation:{row['organisation']}",
            "lat": row["lat"],
            "lon": row["lon"],
            "loans": row["loans"],
        }
        for row in found
    ]


# The register's activities


def activities_involving(museums: NationalMuseums, year: int) -> QuerySet[Activity]:
    """Activities in the year with a national museum as lead or partner of any role."""
    partnered = Partner.objects.filter(organisation__in=museums.ids).values("activity_id")
    return Activity.objects.in_year(year).filter(pk__in=partnered).exclude(status=ActivityStatus.CANCELLED).order_by()


def places(activities: QuerySet[Activity]) -> list[Row]:
    """Activities with a place in each nation, or each country abroad: an activity in two counts in both."""
    abroad = Case(When(nation="", then=F("country")), default=Value(""))
    return list(
        Place.objects.filter(activity__in=activities)
        .values("nation", abroad=abroad)
        .annotate(activities=Count("activity", distinct=True))
        .order_by()
    )


def places_by_nation(placed: list[Row]) -> list[Row]:
    return _by_nation({row["nation"]: row for row in placed if row["nation"]}, ("activities",))


def places_by_region(activities: QuerySet[Activity]) -> list[Row]:
    found = (
        Place.objects.filter(activity__in=activities)
        .exclude(nation="")
        .values(region=F("region_code"))
        .annotate(activities=Count("activity", distinct=True))
        .order_by()
    )
    return _by_region({row["region"]: row for row in found}, ("activities",))


def international_by_country(loans: QuerySet[Loan], placed: list[Row]) -> list[Row]:
    """Loans for display with a venue abroad, and activities with a place abroad, by country."""
    lent = (
        loans.filter(purpose__in=DISPLAY_PURPOSES)
        .annotate(nation=at_venue("nation"))
        .filter(nation="")
        .values(abroad=at_venue("country"))
        .annotate(**{"loans": Count("pk"), "objects": Sum(objects_lent())})
    )
    found: dict[str, Row] = {}
    for row in [*lent, *(row for row in placed if not row["nation"])]:
        found.setdefault(str(row["abroad"] or ""), {}).update(row)
    rows = [
        {"label": str(countries.name(code) or code) if code else NOT_RECORDED, "code": code or None}
        | _counts(row, ("loans", "objects", "activities"))
        for code, row in found.items()
    ]
    return sorted(rows, key=lambda row: (-row["loans"], -row["activities"], row["label"]))


def by_activity_kind(activities: QuerySet[Activity]) -> list[Row]:
    """Activities of each kind, in the order of the report's areas and kinds."""
    found = {
        row["kind"]: row
        for row in activities.values("kind").annotate(
            activities=Count("pk"),
            participants=Coalesce(Sum("participants"), 0),
            visitors=Coalesce(Sum("visitors"), 0),
        )
    }
    return [
        {
            "label": str(kind.label),
            "code": kind.value,
            "area": AREA_OF_KIND[kind].value,
            "area_label": str(AREA_OF_KIND[kind].label),
        }
        | _counts(found[kind], ("activities", "participants", "visitors"))
        for kind in Kind
        if kind in found
    ]


def partner_organisations(museums: NationalMuseums, activities: QuerySet[Activity]) -> list[Row]:
    """The national museums' partners in the year (never the national museums), by kind and governance.

    Each organisation has one kind and one governance, so the kinds' and governances' counts are
    sums over these groups that count no organisation twice."""
    partnered = Partner.objects.filter(activity__in=activities).values("organisation_id")
    return list(
        Organisation.objects.filter(pk__in=partnered)
        .exclude(pk__in=museums.ids)
        .values("kind", "governance")
        .annotate(organisations=Count("pk"))
        .order_by()
    )


def by_partner_kind(partners: list[Row]) -> list[Row]:
    """The partner organisations by kind, most first."""
    totals: dict[str, int] = {}
    for row in partners:
        totals[row["kind"]] = totals.get(row["kind"], 0) + row["organisations"]
    labels = dict(OrganisationKind.choices)
    rows = [{"label": str(labels.get(kind, kind)), "code": kind, "organisations": n} for kind, n in totals.items()]
    return sorted(rows, key=lambda row: (-row["organisations"], row["label"]))


def by_partner_governance(partners: list[Row]) -> list[Row]:
    """The partner museums (and galleries and historic houses) by governance, most first."""
    totals: dict[str, int] = {}
    for row in partners:
        if row["kind"] in MUSEUM_KINDS:
            totals[row["governance"]] = totals.get(row["governance"], 0) + row["organisations"]
    labels = dict(Governance.choices)
    rows = [
        {"label": str(labels.get(code, code)) if code else NOT_RECORDED, "code": code or None, "organisations": n}
        for code, n in totals.items()
    ]
    return sorted(rows, key=lambda row: (-row["organisations"], row["label"]))


def new_partners(museums: NationalMuseums, activities: QuerySet[Activity], year: int) -> list[Row]:
    """Organisations first worked with in the year: partners this year of a national museum and never
    before of any of them, by nation, then those outside the UK. Each is counted once however many
    national museums worked with it."""
    found = (
        first_met(museums.ids, activities, years.start(year))
        .values("nation")
        .annotate(organisations=Count("pk"))
        .order_by()
    )
    by_nation = {row["nation"]: row for row in found}
    abroad = {"label": "Outside the UK", "code": None} | _counts(by_nation.get("", {}), ("organisations",))
    return [*_by_nation(by_nation, ("organisations",)), abroad]


def breakdowns(year: int) -> dict[str, Any]:
    """Every breakdown of reporting year `year` (2020 for 2020/21), as plain data for JSON."""
    museums = national_museums(year)
    loans = loans_out(museums, year)
    activities = activities_involving(museums, year)
    placed = places(activities)
    partners = partner_organisations(museums, activities)
    return {
        "by_museum": by_museum(museums, year),
        "loans_by_nation": loans_by_nation(loans),
        "loans_by_region": loans_by_region(loans),
        "loans_by_local_authority": loans_by_local_authority(loans),
        "places_by_nation": places_by_nation(placed),
        "places_by_region": places_by_region(activities),
        "international_by_country": international_by_country(loans, placed),
        "by_activity_kind": by_activity_kind(activities),
        "by_partner_kind": by_partner_kind(partners),
        "by_partner_governance": by_partner_governance(partners),
        "new_partners": new_partners(museums, activities, year),
        "loan_lengths": loan_lengths(loans),
        "map_venues": map_venues(loans),
    }

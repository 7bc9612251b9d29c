"""The report's breakdowns: the national museums' partnership work by museum, place, kind and partner.

Each breakdown is a list of rows (a label, a code where there is one, and counts) that GROUP BYs
in the database compute, so the whole set costs the same ten queries however large the register:
one pass over the year's loans by where they went, one over the places of the year's activities,
one over their partners, one over the activities by kind, and a few small ones. Python adds up
the groups each pass returns into the breakdowns that share it (nations, regions and local
authorities from the loans' places; kinds, governances and new partners from the partners),
only ever adding groups that count nothing twice between them.

"The national museums" of a year are the organisations asked for a return that year (before the
year is set up, the national bodies the report covers), each with its sites folded in. The
register is read as the returns read it (`returns.derive`): loans that went ahead and whose period
overlaps the year, placed at their venue, or at the borrower when they have none; activities
whose period overlaps the year, leaving out cancelled work; UK means a place with a UK nation, so
the Channel Islands and the Isle of Man are abroad.

Disclosure control, as ONS tables do it: a count by place or by partner that rests on fewer than
three organisations, or on an activity that is not public, is shown as "[c]" (`disclose`), in the
data itself, so that every presenter prints the same; totals are never held back. Rows with a held
back count come after the others, by name, so that their place in the order tells nothing either.
"""

from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal
from operator import itemgetter
from typing import Any

from django.db.backends.base.base import BaseDatabaseWrapper
from django.db.models import (
    Case,
    Count,
    Exists,
    F,
    Func,
    IntegerField,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Sum,
    Value,
    When,
)
from django.db.models.functions import Coalesce
from django.db.models.sql.compiler import SQLCompiler
from django_countries import countries

from museumshare.activities.models import AREA_OF_KIND, Activity, Kind, Partner, Place, Visibility, met_before
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
# Disclosure control: what a held-back count shows, and how few organisations a count may rest on.
SUPPRESSED = "[c]"
FEWEST_ORGANISATIONS = 3

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


LOAN_COUNTS = ("loans", "objects", "venues")


def _nations() -> dict[str, str]:
    """Each UK nation's GSS code, by name, in the register's order."""
    codes = {d.nation: d.nation_code for d in geography.districts_by_code().values()}
    return {nation: codes[nation] for nation in geography.NATIONS}


def _regions() -> dict[str, str]:
    """Each English region's and each other nation's name by GSS code: where the ONS lookup puts districts."""
    return {d.region_code: d.region_name for d in geography.districts_by_code().values()}


def disclose(row: Row, names: tuple[str, ...], *, organisations: int, hidden: int = 0, control: bool = True) -> Row:
    """`row` with its counts `names` held back ("[c]") when they rest on one or two organisations
    (none is nothing to disclose) or on any activity that is not public; as it is without `control`."""
    if control and (hidden or 0 < organisations < FEWEST_ORGANISATIONS):
        return row | dict.fromkeys(names, SUPPRESSED)
    return row


def held_back_last(rows: list[Row]) -> list[Row]:
    """The rows in their order, those with a count held back after the others, by name."""
    shown = [row for row in rows if SUPPRESSED not in row.values()]
    held = [row for row in rows if SUPPRESSED in row.values()]
    return shown + sorted(held, key=lambda row: str(row["label"]))


def _counts(row: dict[str, Any], names: tuple[str, ...]) -> Row:
    return {name: int(row.get(name) or 0) for name in names}


def _total(rows: list[Row], names: tuple[str, ...]) -> Row:
    """`rows`' counts added up, as one row."""
    return {name: sum(int(row[name] or 0) for row in rows) for name in names}


def _add(rows: list[Row], key: Callable[[Row], Any], names: tuple[str, ...]) -> dict[Any, Row]:
    """`rows`' counts added up by `key`: for groups that count nothing twice between them."""
    found: dict[Any, Row] = {}
    for row in rows:
        total = found.setdefault(key(row), dict.fromkeys(names, 0))
        for name in names:
            total[name] += int(row[name] or 0)
    return found


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


class MonthDay(Func):
    """A date as (year × 12 + month) × 100 + day: a later date is 18 whole months or more after an
    earlier one, as `Loan.months` counts months, when the difference is 1800 or more.

    In the database's own arithmetic: on SQLite, Django's date functions call back into Python for
    every row, and a year's loans would spend most of their time there."""

    arity = 1
    output_field = IntegerField()
    template = (
        "((EXTRACT(YEAR FROM %(expressions)s) * 12 + EXTRACT(MONTH FROM %(expressions)s)) * 100"
        " + EXTRACT(DAY FROM %(expressions)s))"
    )

    def as_sql(
        self,
        compiler: SQLCompiler,
        connection: BaseDatabaseWrapper,
        function: str | None = None,
        template: str | None = None,
        arg_joiner: str | None = None,
        **extra_context: Any,
    ) -> tuple[str, tuple[Any, ...]]:
        sql, params = super().as_sql(compiler, connection, function, template, arg_joiner, **extra_context)
        return sql, (*params, *params, *params)  # the date is written three times

    def as_sqlite(
        self, compiler: SQLCompiler, connection: BaseDatabaseWrapper, **extra_context: Any
    ) -> tuple[str, tuple[Any, ...]]:
        part = "CAST(strftime('%%%%{0}', %(expressions)s) AS INTEGER)"  # '%%' in the SQL Django runs
        template = f"(({part.format('Y')} * 12 + {part.format('m')}) * 100 + {part.format('d')})"
        return self.as_sql(compiler, connection, template=template, **extra_context)


def loan_places(loans: QuerySet[Loan]) -> list[Row]:
    """The loans, their objects and venues by the place of the venue (nation, region, district and
    country), with the loans for display among them, and the long ones among those.

    One grouped pass that every loan breakdown adds up from: a venue has one place, so its group's
    distinct venues add up across groups without counting a venue twice. A loan's length is worked
    out as `Loan.months` counts it."""
    display = Q(purpose__in=DISPLAY_PURPOSES)
    long = display & Q(length__gte=LONG_LOAN_MONTHS * 100)
    measured = loans.annotate(length=MonthDay("last") - MonthDay("first"))
    on_loan = objects_lent()
    counts = {  # a dict: "objects" is a manager's name too
        "loans": Count("pk"),
        "objects": Coalesce(Sum(on_loan), 0),
        # A loan goes to a venue, or to the borrower itself when it names none: both are venues.
        "venues": Count("venue", distinct=True) + Count("borrower", distinct=True, filter=Q(venue__isnull=True)),
        "display_loans": Count("pk", filter=display),
        "display_objects": Coalesce(Sum(on_loan, filter=display), 0),
        "long_loans": Count("pk", filter=long),
        "long_objects": Coalesce(Sum(on_loan, filter=long), 0),
    }
    return list(
        measured.values(
            nation=at_venue("nation"),
            region=at_venue("region_code"),
            region_name=at_venue("region_name"),
            district=at_venue("district_code"),
            district_name=at_venue("district_name"),
            country=at_venue("country"),
        ).annotate(**counts)
    )


def loan_borrowers(loans: QuerySet[Loan]) -> list[Row]:
    """Each borrower by the places of the venues it borrowed for, and whether for display: the
    organisations each loan breakdown's counts rest on, for disclosure control."""
    found = loans.values(
        nation=at_venue("nation"),
        region=at_venue("region_code"),
        district=at_venue("district_code"),
        country=at_venue("country"),
        display=Case(When(purpose__in=DISPLAY_PURPOSES, then=Value(True)), default=Value(False)),
        organisation=F("borrower_id"),
    ).distinct()
    return [dict(row) for row in found]


def _who(borrowers: list[Row], key: Callable[[Row], Any]) -> dict[Any, set[int]]:
    """The borrowers by `key`."""
    found: dict[Any, set[int]] = {}
    for row in borrowers:
        found.setdefault(key(row), set()).add(row["organisation"])
    return found


def _lent_in_the_uk(lent: list[Row]) -> list[Row]:
    return [row for row in lent if row["nation"]]


def loans_by_nation(lent: list[Row], borrowers: list[Row], control: bool = True) -> list[Row]:
    who = _who(_lent_in_the_uk(borrowers), itemgetter("nation"))
    rows = _by_nation(_add(_lent_in_the_uk(lent), itemgetter("nation"), LOAN_COUNTS), LOAN_COUNTS)
    return [disclose(row, LOAN_COUNTS, organisations=len(who.get(row["label"], ())), control=control) for row in rows]


def loans_by_region(lent: list[Row], borrowers: list[Row], control: bool = True) -> list[Row]:
    who = _who(_lent_in_the_uk(borrowers), lambda row: row["region"] or "")
    rows = _by_region(_add(_lent_in_the_uk(lent), itemgetter("region"), LOAN_COUNTS), LOAN_COUNTS)
    return held_back_last(
        [disclose(row, LOAN_COUNTS, organisations=len(who.get(row["code"] or "", ())), control=control) for row in rows]
    )


def loans_by_local_authority(lent: list[Row], borrowers: list[Row], control: bool = True) -> list[Row]:
    """The local authority districts borrowing most, then the rest together (`local_authorities` of them)."""
    who = _who(_lent_in_the_uk(borrowers), lambda row: row["district"] or "")

    def among(codes: list[str]) -> int:
        return len(set().union(*(who.get(code or "", set()) for code in codes)))

    district = itemgetter("district", "district_name", "region_name")
    found = [
        {"code": code, "name": name, "region": region} | counts
        for (code, name, region), counts in _add(_lent_in_the_uk(lent), district, LOAN_COUNTS).items()
    ]
    found.sort(key=lambda row: (-row["loans"], row["name"]))
    named = [row for row in found if row["code"]]
    top, rest = named[:TOP_LOCAL_AUTHORITIES], named[TOP_LOCAL_AUTHORITIES:]
    rows = held_back_last(
        [
            disclose(
                {"label": row["name"], "code": row["code"], "region": row["region"], "local_authorities": 1}
                | _counts(row, LOAN_COUNTS),
                LOAN_COUNTS,
                organisations=among([row["code"]]),
                control=control,
            )
            for row in top
        ]
    )
    if rest:
        rows.append(
            disclose(
                {"label": "Other local authorities", "code": None, "region": None, "local_authorities": len(rest)}
                | _total(rest, LOAN_COUNTS),
                LOAN_COUNTS,
                organisations=among([row["code"] for row in rest]),
                control=control,
            )
        )
    unrecorded = [row for row in found if not row["code"]]
    if unrecorded:
        rows.append(
            disclose(
                {"label": NOT_RECORDED, "code": None, "region": None, "local_authorities": 0}
                | _total(unrecorded, LOAN_COUNTS),
                LOAN_COUNTS,
                organisations=among([""]),
                control=control,
            )
        )
    return rows


def loan_lengths(lent: list[Row]) -> list[Row]:
    """Loans for display, short (under 18 months) and long (18 months or more)."""
    total = _total(lent, ("display_loans", "display_objects", "long_loans", "long_objects"))
    return [
        {"label": "Short loans (under 18 months)", "code": "short"}
        | {
            "loans": total["display_loans"] - total["long_loans"],
            "objects": total["display_objects"] - total["long_objects"],
        },
        {"label": "Long loans (18 months or more)", "code": "long"}
        | {"loans": total["long_loans"], "objects": total["long_objects"]},
    ]


def map_venues(loans: QuerySet[Loan], control: bool = True) -> list[Row]:
    """The UK venues of the loans with a point, by name: at most `MAP_VENUES` of them, those with most
    loans. Each is one organisation's, so its number of loans is held back."""
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
            "loans": SUPPRESSED if control else row["loans"],
        }
        for row in sorted(found, key=lambda row: (str(row["name"]), row["venue_id"] or 0))
    ]


# The register's activities


def activities_involving(museums: NationalMuseums, year: int) -> QuerySet[Activity]:
    """Activities in the year with a national museum as lead or partner of any role."""
    partnered = Partner.objects.filter(organisation__in=museums.ids).values("activity_id")
    return Activity.objects.in_year(year).filter(pk__in=partnered).exclude(status=ActivityStatus.CANCELLED).order_by()


def _reached() -> dict[str, tuple[str, Q]]:
    """Each UK nation and region (and no region recorded, ""), by the name of its count: its label and
    the places in it."""
    uk = ~Q(nation="")
    nations = {f"nation_{i}": (nation, Q(nation=nation)) for i, nation in enumerate(geography.NATIONS)}
    regions = {f"region_{code or 'none'}": (code, uk & Q(region_code=code)) for code in [*_regions(), ""]}
    return nations | regions


def places(activities: QuerySet[Activity]) -> list[Row]:
    """Activities with a place in each UK nation and region, and in each country abroad.

    An activity in two places counts once in each nation, region or country it reached: distinct
    counts, one for each nation and region, in one pass grouped by the country abroad ("" for
    the UK, where the nations' and regions' counts are)."""
    not_public = ~Q(activity__visibility=Visibility.PUBLIC)
    organisations = "activity__partners__organisation"
    counts: dict[str, Count] = {}
    for name, (_, there) in _reached().items():
        counts[name] = Count("activity", distinct=True, filter=there)
        counts[f"{name}_organisations"] = Count(organisations, distinct=True, filter=there)
        counts[f"{name}_hidden"] = Count("activity", distinct=True, filter=there & not_public)
    return list(
        Place.objects.filter(activity__in=activities)
        .values(
            where=Case(When(nation="", then=Value("abroad")), default=Value("uk")),
            abroad=Case(When(nation="", then=F("country")), default=Value("")),
        )
        .annotate(
            activities=Count("activity", distinct=True),
            organisations=Count(organisations, distinct=True),
            hidden=Count("activity", distinct=True, filter=not_public),
            **counts,
        )
        .order_by()
    )


def _in_the_uk(placed: list[Row], prefix: str) -> dict[str, Row]:
    """The UK's counts by nation or region ("nation" or "region" for `prefix`)."""
    uk = next((row for row in placed if row["where"] == "uk"), {})
    return {
        label: {
            "activities": uk.get(name, 0),
            "organisations": uk.get(f"{name}_organisations", 0),
            "hidden": uk.get(f"{name}_hidden", 0),
        }
        for name, (label, _) in _reached().items()
        if name.startswith(prefix)
    }


def _disclosed_places(row: Row, found: Row, control: bool = True) -> Row:
    return disclose(
        row,
        ("activities",),
        organisations=found.get("organisations", 0),
        hidden=found.get("hidden", 0),
        control=control,
    )


def places_by_nation(placed: list[Row], control: bool = True) -> list[Row]:
    found = _in_the_uk(placed, "nation")
    return [_disclosed_places(row, found.get(row["label"], {}), control) for row in _by_nation(found, ("activities",))]


def places_by_region(placed: list[Row], control: bool = True) -> list[Row]:
    found = _in_the_uk(placed, "region")
    if not found.get("", {}).get("activities"):
        found.pop("", None)
    rows = _by_region(found, ("activities",))
    return held_back_last([_disclosed_places(row, found.get(row["code"] or "", {}), control) for row in rows])


def international_by_country(
    lent: list[Row], placed: list[Row], borrowers: list[Row], control: bool = True
) -> list[Row]:
    """Loans for display with a venue abroad, and activities with a place abroad, by country."""
    who = _who([row for row in borrowers if not row["nation"] and row["display"]], lambda row: row["country"] or "")
    activities_abroad = {str(row["abroad"] or ""): row for row in placed if row["where"] == "abroad"}
    abroad = _add(
        [row for row in lent if not row["nation"] and row["display_loans"]],
        lambda row: row["country"] or "",
        ("display_loans", "display_objects"),
    )
    found: dict[str, Row] = {
        code: {"loans": row["display_loans"], "objects": row["display_objects"]} for code, row in abroad.items()
    }
    for row in placed:
        if row["where"] == "abroad":
            found.setdefault(str(row["abroad"] or ""), {})["activities"] = row["activities"]
    rows: list[Row] = [
        {"label": str(countries.name(code) or code) if code else NOT_RECORDED, "code": code or None}
        | _counts(row, ("loans", "objects", "activities"))
        for code, row in found.items()
    ]
    rows.sort(key=lambda row: (-int(row["loans"]), -int(row["activities"]), str(row["label"])))
    for row in rows:
        code = row["code"] or ""
        placed_there = activities_abroad.get(code, {})
        row |= disclose(row, ("loans", "objects"), organisations=len(who.get(code, ())), control=control)
        row |= _disclosed_places({"activities": row["activities"]}, placed_there, control)
    return held_back_last(rows)


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


def partner_organisations(museums: NationalMuseums, activities: QuerySet[Activity], year: int) -> list[Row]:
    """The national museums' partners in the year (never the national museums) by kind, governance
    and nation, and how many of them (`new`) none of them had worked with before the year
    (`activities.first_met`'s rule): one pass for the partners by kind and governance and the new ones.

    Each organisation has one kind, governance and nation, so counts added up across these groups
    count no organisation twice."""
    partnered = Partner.objects.filter(activity__in=activities).values("organisation_id")
    in_public = Partner.objects.filter(activity__in=activities.filter(visibility=Visibility.PUBLIC))
    # Known only from activities that are not public: for disclosure control.
    hidden = ~Q(pk__in=in_public.values("organisation_id"))
    met = met_before(museums.ids, years.start(year))
    return list(
        Organisation.objects.filter(pk__in=partnered)
        .exclude(pk__in=museums.ids)
        .values("kind", "governance", "nation")
        .annotate(
            organisations=Count("pk"),
            hidden=Count("pk", filter=hidden),
            new=Count("pk", filter=~Q(met)),
            new_hidden=Count("pk", filter=~Q(met) & hidden),
        )
        .order_by()
    )


def by_partner_kind(partners: list[Row], control: bool = True) -> list[Row]:
    """The partner organisations by kind, most first."""
    totals = _add(partners, itemgetter("kind"), ("organisations", "hidden"))
    labels = dict(OrganisationKind.choices)
    rows = [{"label": str(labels.get(kind, kind)), "code": kind} | found for kind, found in totals.items()]
    rows.sort(key=lambda row: (-int(row["organisations"]), str(row["label"])))
    return held_back_last([_disclosed_partners(row, control) for row in rows])


def _disclosed_partners(row: Row, control: bool = True) -> Row:
    """A row counting `organisations` partners, `hidden` of them known only from activities that are
    not public, held back as `disclose` says (and without `hidden`)."""
    shown = {key: value for key, value in row.items() if key != "hidden"}
    n = row["organisations"]
    return disclose(shown, ("organisations",), organisations=n, hidden=row["hidden"], control=control)


def by_partner_governance(partners: list[Row], control: bool = True) -> list[Row]:
    """The partner museums (and galleries and historic houses) by governance, most first."""
    museums = [row for row in partners if row["kind"] in MUSEUM_KINDS]
    totals = _add(museums, itemgetter("governance"), ("organisations", "hidden"))
    labels = dict(Governance.choices)
    rows: list[Row] = [
        {"label": str(labels.get(code, code)) if code else NOT_RECORDED, "code": code or None} | found
        for code, found in totals.items()
    ]
    rows.sort(key=lambda row: (-int(row["organisations"]), str(row["label"])))
    return held_back_last([_disclosed_partners(row, control) for row in rows])


def new_partners(partners: list[Row], control: bool = True) -> list[Row]:
    """Organisations first worked with in the year: partners this year of a national museum and never
    before of any of them, by nation, then those outside the UK. Each is counted once however many
    national museums worked with it."""
    by_nation = {
        nation: {"organisations": row["new"], "hidden": row["new_hidden"]}
        for nation, row in _add(partners, itemgetter("nation"), ("new", "new_hidden")).items()
    }
    nothing = {"organisations": 0, "hidden": 0}
    rows = [
        *_by_nation(by_nation, ("organisations",)),
        {"label": "Outside the UK", "code": None, "nation": ""},
    ]
    return [
        _disclosed_partners(
            {key: value for key, value in row.items() if key not in ("nation", "organisations")}
            | by_nation.get(row.get("nation", row["label"]), nothing),
            control,
        )
        for row in rows
    ]


def breakdowns(year: int, *, control: bool = True) -> dict[str, Any]:
    """Every breakdown of reporting year `year` (2020 for 2020/21), as plain data for JSON; with
    disclosure control unless `control` is off (the exact counts, for the tests of the counting)."""
    museums = national_museums(year)
    loans = loans_out(museums, year)
    lent = loan_places(loans)
    borrowers = loan_borrowers(loans)
    activities = activities_involving(museums, year)
    placed = places(activities)
    partners = partner_organisations(museums, activities, year)
    return {
        "by_museum": by_museum(museums, year),
        "loans_by_nation": loans_by_nation(lent, borrowers, control=control),
        "loans_by_region": loans_by_region(lent, borrowers, control=control),
        "loans_by_local_authority": loans_by_local_authority(lent, borrowers, control=control),
        "places_by_nation": places_by_nation(placed, control=control),
        "places_by_region": places_by_region(placed, control=control),
        "international_by_country": international_by_country(lent, placed, borrowers, control=control),
        "by_activity_kind": by_activity_kind(activities),
        "by_partner_kind": by_partner_kind(partners, control=control),
        "by_partner_governance": by_partner_governance(partners, control=control),
        "new_partners": new_partners(partners, control=control),
        "loan_lengths": loan_lengths(lent),
        "map_venues": map_venues(loans, control=control),
    }

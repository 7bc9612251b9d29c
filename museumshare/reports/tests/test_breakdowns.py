"""The report's breakdowns of the register, for 2020/21 (1 April 2020 to 31 March 2021).

The national museums asked that year are the National Portrait Gallery and the Science Museum
Group (with its sites) unless a test says otherwise. Each test records only the work it needs and
checks figures that would be wrong if the breakdown counted the wrong things.
"""

import json
from collections.abc import Callable, Sequence
from datetime import date
from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from museumshare.accounts.models import User
from museumshare.activities.models import Activity, Kind, PartnerRole
from museumshare.activities.models import Status as ActivityStatus
from museumshare.activities.services import PlaceSpec, activity_create
from museumshare.core import geography
from museumshare.core.services import System
from museumshare.loans.models import CollectionObject, Loan, LoanObject, Purpose, Status
from museumshare.organisations.models import Governance, Organisation, Venue
from museumshare.organisations.models import Kind as OrganisationKind
from museumshare.reports.breakdowns import breakdowns
from museumshare.reports.compute import compute
from museumshare.returns.derive import COUNTED
from museumshare.returns.importer import import_returns_content
from museumshare.returns.models import ReportingYear
from museumshare.returns.services import year_create

COMMAND_LINE = System("command-line import")

YEAR = 2020
BEFORE = date(2019, 6, 1)  # in 2019/20
DURING = date(2020, 6, 1)  # in 2020/21
AFTER = date(2021, 6, 1)  # in 2021/22
NEWCASTLE, NORTH_EAST = "E08000021", "E12000001"
CARDIFF, WALES = "W06000015", "W92000004"

Record = Callable[..., Activity]


def lend(
    lender: Organisation,
    borrower: Organisation,
    objects: int = 1,
    *,
    status: str = Status.ON_LOAN,
    purpose: str = Purpose.EXHIBITION,
    start: date = DURING,
    end: date = date(2020, 9, 30),
    venue: Venue | None = None,
) -> Loan:
    """A loan as the loans procedure leaves it in `status`, with `objects` of the lender's objects."""
    loan = Loan.objects.create(
        reference=f"LO-{Loan.objects.count() + 1:04d}",
        lender=lender,
        borrower=borrower,
        venue=venue,
        purpose=purpose,
        requested_start=start,
        requested_end=end,
        agreed_start=start,
        agreed_end=end,
        status=status,
    )
    for n in range(1, objects + 1):
        item = CollectionObject.objects.create(owner=lender, accession_number=f"{loan.reference}/{n}", title="Study")
        LoanObject.objects.create(loan=loan, object=item)
    return loan


def venue_in(organisation: Organisation, district_code: str, *, point: bool = True) -> Venue:
    """A venue of `organisation` in the local authority district `district_code`."""
    district = geography.districts_by_code()[district_code]
    return Venue.objects.create(
        organisation=organisation,
        name=f"{organisation.name} at {district.name}",
        nation=district.nation,
        region_code=district.region_code,
        region_name=district.region_name,
        district_code=district.code,
        district_name=district.name,
        latitude=52.0 if point else None,
        longitude=-1.5 if point else None,
    )


def organisation(
    name: str, *, country: str = "GB", nation: str = "England", kind: str = OrganisationKind.OTHER
) -> Organisation:
    slug = name.lower().replace(" ", "-")
    return Organisation.objects.create(name=name, slug=slug, country=country, nation=nation, kind=kind)


def row(rows: list[dict[str, Any]], label: str) -> dict[str, Any]:
    return next(r for r in rows if r["label"] == label)


def counts(rows: list[dict[str, Any]], *names: str) -> dict[str, tuple[Any, ...]]:
    """Each row with anything in it, as label: (names...)."""
    return {r["label"]: tuple(r[n] for n in names) for r in rows if any(r[n] for n in names)}


@pytest.fixture
def science_museum_group(register: dict[str, Organisation]) -> Organisation:
    return Organisation.objects.get(external_id="national:science-museum-group")


@pytest.fixture
def science_museum(science_museum_group: Organisation) -> Organisation:
    """The Science Museum, one of the Science Museum Group's sites."""
    site = Organisation.objects.get(external_id="mm.domus.SE507")
    assert site.national_group == science_museum_group
    return site


@pytest.fixture
def kew(register: dict[str, Organisation]) -> Organisation:
    """Royal Botanic Gardens, Kew: a national body the report does not cover."""
    body = Organisation.objects.get(external_id="national:royal-botanic-gardens-kew")
    assert body.is_national_body
    assert not body.partnership_report
    return body


@pytest.fixture
def boathouse(register: dict[str, Organisation]) -> Organisation:
    """Dylan Thomas Boathouse, Laugharne, in Wales."""
    return register["mm.wiki.435"]


@pytest.fixture
def guernsey(register: dict[str, Organisation]) -> Organisation:
    """The Royal Guernsey Light Infantry Regimental Museum: in the Channel Islands, so abroad."""
    museum = register["mm.New.88"]
    assert (museum.country, museum.nation) == ("GG", "")
    return museum


@pytest.fixture
def louvre(db: None) -> Organisation:
    return organisation("Musée du Louvre", country="FR", nation="", kind=OrganisationKind.MUSEUM)


@pytest.fixture
def newcastle_laing(laing: Organisation) -> Organisation:
    assert (laing.nation, laing.region_code, laing.district_code) == ("England", NORTH_EAST, NEWCASTLE)
    return laing


@pytest.fixture
def asked(portrait_gallery: Organisation, science_museum_group: Organisation) -> ReportingYear:
    return year_create(actor=COMMAND_LINE, year=YEAR, organisations=[portrait_gallery, science_museum_group])


@pytest.fixture
def record(alice: User, portrait_gallery: Organisation) -> Record:
    """alice records a piece of work (the gallery's, unless another lead is given) through the summer of 2020."""

    def make(
        kind: str = Kind.PLACEMENT,
        *,
        lead: Organisation | None = None,
        partners: Sequence[Organisation] = (),
        places: Sequence[PlaceSpec] = (),
        start: date = DURING,
        end: date | None = date(2020, 9, 30),
        **extra: Any,
    ) -> Activity:
        data = {"title": f"{Kind(kind).label} {Activity.objects.count() + 1}", "kind": kind}
        return activity_create(
            # Another lead's work is recorded as its import would: alice records only for the gallery.
            actor=alice if lead is None else COMMAND_LINE,
            data=data | {"lead": lead or portrait_gallery, "start_date": start, "end_date": end} | extra,
            partners=[(partner, PartnerRole.PARTNER) for partner in partners],
            places=places,
        )

    return make


# The national museums


def test_by_museum_shows_each_museums_approved_return_and_says_which_have_none(
    asked: ReportingYear, portrait_gallery: Organisation, science_museum_group: Organisation
) -> None:
    lines = ["organisation,year,indicator,value"]
    for code, value in [("display_loans", 12), ("apprenticeships", 3)]:
        lines.append(f"{portrait_gallery.external_id},2020/21,{code},{value}")
    import_returns_content(name="npg.csv", content="\n".join(lines).encode(), actor=COMMAND_LINE)
    submitted = f"organisation,year,indicator,value\n{science_museum_group.external_id},2020/21,display_loans,40"
    import_returns_content(name="smg.csv", content=submitted.encode(), status="submitted", actor=COMMAND_LINE)

    rows = breakdowns(YEAR, control=False)["by_museum"]

    assert [r["label"] for r in rows] == ["National Portrait Gallery", "Science Museum Group"]
    gallery, group = rows
    assert (gallery["code"], gallery["returned"]) == (portrait_gallery.slug, True)
    assert (gallery["display_loans"], gallery["apprenticeships"], gallery["placements"]) == (12, 3, None)
    # A submitted return is not yet approved: its figures are not the report's.
    assert (group["returned"], group["display_loans"]) == (False, None)


def test_without_a_reporting_year_the_national_museums_are_the_bodies_the_report_covers(
    portrait_gallery: Organisation, kew: Organisation, newcastle_laing: Organisation
) -> None:
    lend(portrait_gallery, newcastle_laing, 2)
    lend(kew, newcastle_laing, 5)

    found = breakdowns(YEAR, control=False)

    museums = {r["label"] for r in found["by_museum"]}
    assert "National Portrait Gallery" in museums
    assert kew.name not in museums
    assert row(found["loans_by_nation"], "England")["objects"] == 2


def test_a_reporting_year_asks_only_its_organisations(
    portrait_gallery: Organisation, science_museum: Organisation, newcastle_laing: Organisation
) -> None:
    year_create(actor=COMMAND_LINE, year=YEAR, organisations=[portrait_gallery])
    lend(portrait_gallery, newcastle_laing, 2)
    lend(science_museum, newcastle_laing, 7)

    found = breakdowns(YEAR, control=False)

    assert [r["label"] for r in found["by_museum"]] == ["National Portrait Gallery"]
    assert row(found["loans_by_nation"], "England")["objects"] == 2


# Loans out, by where they went


def test_loans_count_where_their_venue_is_and_only_loans_that_went_ahead_in_the_year(
    asked: ReportingYear,
    portrait_gallery: Organisation,
    science_museum: Organisation,
    kew: Organisation,
    newcastle_laing: Organisation,
    boathouse: Organisation,
) -> None:
    lend(portrait_gallery, newcastle_laing, 2)
    lend(portrait_gallery, newcastle_laing, 3, venue=venue_in(newcastle_laing, CARDIFF))  # in Wales
    lend(science_museum, boathouse, 1)  # a site's loan counts for its body
    lend(portrait_gallery, newcastle_laing, 4, status=Status.DECLINED)
    lend(portrait_gallery, newcastle_laing, 4, status=Status.REQUESTED)
    lend(portrait_gallery, newcastle_laing, 4, start=BEFORE, end=date(2020, 3, 31))
    lend(portrait_gallery, newcastle_laing, 4, start=AFTER, end=date(2021, 9, 30))
    lend(kew, newcastle_laing, 4)  # not a national museum of the report
    lend(newcastle_laing, boathouse, 4)

    rows = breakdowns(YEAR, control=False)["loans_by_nation"]

    assert [(r["label"], r["code"]) for r in rows] == [
        ("England", "E92000001"),
        ("Scotland", "S92000003"),
        ("Wales", WALES),
        ("Northern Ireland", "N92000002"),
    ]
    assert counts(rows, "loans", "objects", "venues") == {"England": (1, 2, 1), "Wales": (2, 4, 2)}


def test_a_loan_that_began_before_the_year_and_runs_into_it_counts(
    asked: ReportingYear, portrait_gallery: Organisation, newcastle_laing: Organisation
) -> None:
    lend(portrait_gallery, newcastle_laing, 2, start=BEFORE, end=date(2020, 4, 1))
    lend(portrait_gallery, newcastle_laing, 1, start=date(2021, 3, 31), end=AFTER, status=Status.RETURNED)

    assert row(breakdowns(YEAR, control=False)["loans_by_nation"], "England")["loans"] == 2


def test_regions_count_each_venue_once_and_list_every_region(
    asked: ReportingYear, portrait_gallery: Organisation, science_museum: Organisation, newcastle_laing: Organisation
) -> None:
    hexham = venue_in(newcastle_laing, "E06000057")  # Northumberland, also in the North East
    lend(portrait_gallery, newcastle_laing, 1)
    lend(science_museum, newcastle_laing, 2)
    lend(portrait_gallery, newcastle_laing, 3, venue=hexham)
    lend(science_museum, newcastle_laing, 1, venue=hexham)

    rows = breakdowns(YEAR, control=False)["loans_by_region"]

    assert len(rows) == 12  # nine English regions, Scotland, Wales and Northern Ireland
    assert rows[0] == {"label": "North East", "code": NORTH_EAST, "loans": 4, "objects": 7, "venues": 2}
    assert all(r["loans"] == 0 for r in rows[1:])


def test_local_authorities_are_the_top_twenty_and_the_rest_together(
    asked: ReportingYear, portrait_gallery: Organisation, newcastle_laing: Organisation
) -> None:
    english = sorted(code for code in geography.districts_by_code() if code.startswith("E0") and code != NEWCASTLE)
    for code in english[:22]:
        lend(portrait_gallery, newcastle_laing, 1, venue=venue_in(newcastle_laing, code))
    lend(portrait_gallery, newcastle_laing, 2)
    lend(portrait_gallery, newcastle_laing, 1)

    rows = breakdowns(YEAR, control=False)["loans_by_local_authority"]

    assert len(rows) == 21
    assert rows[0] == {
        "label": "Newcastle upon Tyne",
        "code": NEWCASTLE,
        "region": "North East",
        "local_authorities": 1,
        "loans": 2,
        "objects": 3,
        "venues": 1,
    }
    assert rows[-1] == {
        "label": "Other local authorities",
        "code": None,
        "region": None,
        "local_authorities": 3,
        "loans": 3,
        "objects": 3,
        "venues": 3,
    }
    assert sum(r["loans"] for r in rows) == 24


def test_the_orm_counts_loans_by_region_as_a_query_written_by_hand_does(
    asked: ReportingYear,
    portrait_gallery: Organisation,
    science_museum: Organisation,
    science_museum_group: Organisation,
    kew: Organisation,
    newcastle_laing: Organisation,
    boathouse: Organisation,
    guernsey: Organisation,
) -> None:
    cardiff, hexham = venue_in(newcastle_laing, CARDIFF), venue_in(boathouse, "E06000057")
    lend(portrait_gallery, newcastle_laing, 3)
    lend(science_museum, newcastle_laing, 2, purpose=Purpose.RESEARCH)
    lend(science_museum_group, newcastle_laing, 1, venue=cardiff)
    lend(portrait_gallery, boathouse, 4, venue=cardiff)
    lend(portrait_gallery, boathouse, 2)
    lend(portrait_gallery, boathouse, 5, venue=hexham, status=Status.CLOSED)
    lend(portrait_gallery, guernsey, 6)
    lend(portrait_gallery, boathouse, 9, status=Status.WITHDRAWN)
    lend(portrait_gallery, boathouse, 9, start=AFTER, end=date(2021, 12, 1))
    lend(kew, boathouse, 9)
    statuses = ", ".join(["%s"] * len(COUNTED))
    # Each loan's place and objects first, then counted: another way to the same figures.
    sql = f"""
        SELECT place.region, COUNT(*), SUM(place.objects), COUNT(DISTINCT place.venue)
        FROM (
            SELECT
                CASE WHEN l.venue_id IS NULL THEN b.nation ELSE v.nation END AS nation,
                CASE WHEN l.venue_id IS NULL THEN b.region_code ELSE v.region_code END AS region,
                CASE WHEN l.venue_id IS NULL THEN 'organisation:' || l.borrower_id
                     ELSE 'venue:' || l.venue_id END AS venue,
                (SELECT COUNT(*) FROM loans_loanobject o WHERE o.loan_id = l.id) AS objects
            FROM loans_loan l
            JOIN organisations_organisation lender ON lender.id = l.lender_id
            JOIN organisations_organisation b ON b.id = l.borrower_id
            LEFT JOIN organisations_venue v ON v.id = l.venue_id
            WHERE l.status IN ({statuses})
              AND COALESCE(l.agreed_start, l.requested_start) <= %s
              AND COALESCE(l.agreed_end, l.requested_end) >= %s
              AND (
                  lender.id IN (SELECT a.organisation_id FROM returns_reportingyear_organisations a
                                JOIN returns_reportingyear y ON y.id = a.reportingyear_id WHERE y.year = %s)
                  OR lender.national_group_id IN (
                                SELECT a.organisation_id FROM returns_reportingyear_organisations a
                                JOIN returns_reportingyear y ON y.id = a.reportingyear_id WHERE y.year = %s)
              )
        ) AS place
        WHERE place.nation <> ''
        GROUP BY place.region
    """
    with connection.cursor() as cursor:
        cursor.execute(sql, [*COUNTED, date(2021, 3, 31), date(2020, 4, 1), YEAR, YEAR])
        by_hand = {region: (loans, int(objects), venues) for region, loans, objects, venues in cursor.fetchall()}

    rows = breakdowns(YEAR, control=False)["loans_by_region"]

    by_orm = {r["code"]: (r["loans"], r["objects"], r["venues"]) for r in rows if r["loans"]}
    assert by_orm == by_hand
    assert by_hand == {NORTH_EAST: (3, 10, 2), WALES: (3, 7, 2)}


def test_loan_lengths_split_loans_for_display_at_eighteen_months(
    asked: ReportingYear, portrait_gallery: Organisation, newcastle_laing: Organisation
) -> None:
    loans = [
        lend(portrait_gallery, newcastle_laing, 1, end=date(2021, 11, 30)),  # 17 months
        lend(portrait_gallery, newcastle_laing, 2, start=date(2020, 6, 15), end=date(2021, 12, 14)),  # a day short
        lend(portrait_gallery, newcastle_laing, 4, end=date(2021, 12, 1)),  # 18 months
        lend(portrait_gallery, newcastle_laing, 8, purpose=Purpose.LONG_TERM_DISPLAY, end=date(2025, 5, 31)),
        # From the last day of a month: to the end of a shorter month is not a whole month more.
        lend(portrait_gallery, newcastle_laing, 32, start=date(2020, 8, 31), end=date(2022, 2, 28)),  # 17 months
        lend(portrait_gallery, newcastle_laing, 64, start=date(2020, 8, 31), end=date(2022, 3, 1)),  # 18 months
    ]
    lend(portrait_gallery, newcastle_laing, 16, purpose=Purpose.RESEARCH, end=date(2025, 5, 31))
    assert [loan.is_long for loan in loans] == [False, False, True, True, False, True]

    assert breakdowns(YEAR, control=False)["loan_lengths"] == [
        {"label": "Short loans (under 18 months)", "code": "short", "loans": 3, "objects": 35},
        {"label": "Long loans (18 months or more)", "code": "long", "loans": 3, "objects": 76},
    ]


def test_the_map_shows_each_uk_venue_with_a_point_once_with_its_loans(
    asked: ReportingYear,
    portrait_gallery: Organisation,
    science_museum: Organisation,
    newcastle_laing: Organisation,
    louvre: Organisation,
) -> None:
    assert newcastle_laing.has_point
    lend(portrait_gallery, newcastle_laing, 1)
    lend(science_museum, newcastle_laing, 1, purpose=Purpose.RESEARCH)
    cardiff = venue_in(newcastle_laing, CARDIFF)
    lend(portrait_gallery, newcastle_laing, 1, venue=cardiff)
    lend(portrait_gallery, newcastle_laing, 1, venue=venue_in(newcastle_laing, "E06000057", point=False))
    lend(portrait_gallery, louvre, 1)
    lend(portrait_gallery, newcastle_laing, 1, status=Status.DECLINED)

    venues = breakdowns(YEAR, control=False)["map_venues"]

    assert venues == [
        {
            "label": newcastle_laing.name,
            "name": newcastle_laing.name,
            "code": f"organisation:{newcastle_laing.pk}",
            "lat": newcastle_laing.latitude,
            "lon": newcastle_laing.longitude,
            "loans": 2,
        },
        {
            "label": cardiff.name,
            "name": cardiff.name,
            "code": f"venue:{cardiff.pk}",
            "lat": 52.0,
            "lon": -1.5,
            "loans": 1,
        },
    ]


# Abroad


def test_international_counts_loans_for_display_and_activities_abroad_by_country(
    asked: ReportingYear,
    record: Record,
    portrait_gallery: Organisation,
    newcastle_laing: Organisation,
    louvre: Organisation,
    guernsey: Organisation,
) -> None:
    lend(portrait_gallery, louvre, 2)
    in_paris = Venue.objects.create(organisation=newcastle_laing, name="Laing Art Gallery in Paris", country="FR")
    lend(portrait_gallery, newcastle_laing, 3, venue=in_paris)  # the venue, not the borrower, is abroad
    lend(portrait_gallery, louvre, 5, purpose=Purpose.RESEARCH)
    lend(portrait_gallery, guernsey, 1)
    record(Kind.RESEARCH_PROJECT, places=[PlaceSpec(country="FR"), PlaceSpec(organisation=louvre)])
    record(Kind.MENTORING, places=[PlaceSpec(country="US")])
    record(Kind.MENTORING, lead=newcastle_laing, places=[PlaceSpec(country="DE")])  # no national museum

    rows = breakdowns(YEAR, control=False)["international_by_country"]

    assert rows == [
        {"label": "France", "code": "FR", "loans": 2, "objects": 5, "activities": 1},
        {"label": "Guernsey", "code": "GG", "loans": 1, "objects": 1, "activities": 0},
        {"label": "United States of America", "code": "US", "loans": 0, "objects": 0, "activities": 1},
    ]


# The register's activities


def test_places_count_each_activity_once_in_each_nation_and_region_it_reached(
    asked: ReportingYear,
    record: Record,
    science_museum: Organisation,
    newcastle_laing: Organisation,
    boathouse: Organisation,
) -> None:
    newcastle, northumberland = PlaceSpec(district_code=NEWCASTLE), PlaceSpec(district_code="E06000057")
    leeds = PlaceSpec(district_code="E08000035")
    record(places=[newcastle, northumberland])
    record(places=[newcastle, leeds, PlaceSpec(organisation=boathouse)])
    record(lead=newcastle_laing, partners=[science_museum], places=[leeds])  # a site as partner
    record(places=[newcastle], status=ActivityStatus.CANCELLED)
    record(places=[newcastle], start=BEFORE, end=date(2020, 3, 31))
    record(lead=newcastle_laing, partners=[boathouse], places=[newcastle])  # no national museum
    record(places=[PlaceSpec(country="FR")])

    found = breakdowns(YEAR, control=False)

    assert counts(found["places_by_nation"], "activities") == {"England": (3,), "Wales": (1,)}
    assert counts(found["places_by_region"], "activities") == {
        "North East": (2,),
        "Yorkshire and The Humber": (2,),
        "Wales": (1,),
    }
    assert [r["label"] for r in found["places_by_region"][:2]] == ["North East", "Yorkshire and The Humber"]


def test_activity_kinds_count_activities_and_add_up_their_reach(
    asked: ReportingYear, record: Record, newcastle_laing: Organisation, portrait_gallery: Organisation
) -> None:
    record(Kind.PLACEMENT, participants=3)
    record(Kind.PLACEMENT, lead=newcastle_laing, partners=[portrait_gallery])
    record(Kind.TOURING_EXHIBITION, visitors=12_000)
    record(Kind.PLACEMENT, lead=newcastle_laing, participants=50)  # no national museum
    record(Kind.TOURING_EXHIBITION, visitors=9_000, status=ActivityStatus.CANCELLED)

    rows = breakdowns(YEAR, control=False)["by_activity_kind"]

    assert rows == [
        {
            "label": "Touring exhibition",
            "code": "touring_exhibition",
            "area": "collections",
            "area_label": "Sharing collections",
            "activities": 1,
            "participants": 0,
            "visitors": 12_000,
        },
        {
            "label": "Staff placement or secondment",
            "code": "placement",
            "area": "skills",
            "area_label": "Sharing knowledge and skills",
            "activities": 2,
            "participants": 3,
            "visitors": 0,
        },
    ]


def test_partners_are_counted_once_by_kind_and_never_include_the_national_museums(
    asked: ReportingYear,
    record: Record,
    science_museum: Organisation,
    science_museum_group: Organisation,
    newcastle_laing: Organisation,
    boathouse: Organisation,
    kew: Organisation,
) -> None:
    newcastle_university = organisation("Newcastle University", kind=OrganisationKind.UNIVERSITY)
    record(partners=[newcastle_laing, newcastle_university, science_museum])
    record(lead=science_museum_group, partners=[newcastle_laing])
    record(lead=newcastle_laing, partners=[science_museum, boathouse, kew])
    record(lead=boathouse, partners=[organisation("Carmarthen School", kind=OrganisationKind.SCHOOL)])

    found = breakdowns(YEAR, control=False)

    # Never the Gallery, the Group or its sites; the Laing once, however often.
    assert [(r["label"], r["code"], r["organisations"]) for r in found["by_partner_kind"]] == [
        ("Museum", OrganisationKind.MUSEUM, 2),  # the Boathouse and Kew
        ("Gallery", OrganisationKind.GALLERY, 1),
        ("University", OrganisationKind.UNIVERSITY, 1),
    ]
    assert [(r["label"], r["code"], r["organisations"]) for r in found["by_partner_governance"]] == [
        ("Local authority", Governance.LOCAL_AUTHORITY, 2),  # the Laing is a gallery, a museum all the same
        ("National", Governance.NATIONAL, 1),
    ]


# The whole


def test_new_partners_are_those_no_national_museum_worked_with_before_the_year(
    asked: ReportingYear,
    record: Record,
    science_museum: Organisation,
    newcastle_laing: Organisation,
    boathouse: Organisation,
    kew: Organisation,
    louvre: Organisation,
) -> None:
    earlier = date(2019, 6, 1)
    # The Laing worked with the Science Museum (a site of the Group) the year before: not new to the report.
    record(lead=science_museum, partners=[newcastle_laing], start=earlier, end=date(2019, 9, 1))
    # Kew's only earlier work with a national museum was cancelled: new all the same.
    record(partners=[kew], start=earlier, end=date(2019, 9, 1), status="cancelled")
    # The Louvre worked with the Boathouse before, but with no national museum.
    record(lead=boathouse, partners=[louvre], start=earlier, end=date(2019, 9, 1))
    record(partners=[newcastle_laing, kew, louvre])
    record(lead=science_museum, partners=[boathouse, kew])  # Kew counted once, however many worked with it

    found = {r["label"]: r["organisations"] for r in breakdowns(YEAR, control=False)["new_partners"]}

    assert found == {"England": 1, "Scotland": 0, "Wales": 1, "Northern Ireland": 0, "Outside the UK": 1}


def test_the_breakdowns_are_plain_data_the_report_carries_as_json(
    asked: ReportingYear,
    record: Record,
    portrait_gallery: Organisation,
    newcastle_laing: Organisation,
    louvre: Organisation,
) -> None:
    lend(portrait_gallery, newcastle_laing, 2)
    lend(portrait_gallery, louvre, 1)
    record(partners=[newcastle_laing], places=[PlaceSpec(organisation=newcastle_laing)], participants=2)
    lines = f"organisation,year,indicator,value\n{portrait_gallery.external_id},2020/21,audience_uk,1300000"
    import_returns_content(name="npg.csv", content=lines.encode(), actor=COMMAND_LINE)

    data = compute(YEAR).as_json()

    assert json.loads(json.dumps(data["breakdowns"])) == data["breakdowns"]
    assert data["breakdowns"]["by_museum"][0]["audience_uk"] == 1_300_000
    assert all(isinstance(rows, list) for rows in data["breakdowns"].values())


def _queries(year: int) -> int:
    with CaptureQueriesContext(connection) as queries:
        breakdowns(year)
    return len(queries)


def test_the_breakdowns_cost_the_same_few_queries_however_much_the_register_holds(
    asked: ReportingYear,
    record: Record,
    django_assert_max_num_queries: Any,
    portrait_gallery: Organisation,
    science_museum: Organisation,
    newcastle_laing: Organisation,
    boathouse: Organisation,
    louvre: Organisation,
) -> None:
    lines = f"organisation,year,indicator,value\n{portrait_gallery.external_id},2020/21,display_loans,1"
    import_returns_content(name="npg.csv", content=lines.encode(), actor=COMMAND_LINE)
    lend(portrait_gallery, newcastle_laing, 1)
    record(partners=[newcastle_laing], places=[PlaceSpec(district_code=NEWCASTLE)])
    few = _queries(YEAR)

    for n in range(5):
        lend(science_museum, boathouse, 2, venue=venue_in(boathouse, CARDIFF))
        lend(portrait_gallery, louvre, 1)
        record(Kind.MENTORING, partners=[boathouse, louvre], places=[PlaceSpec(country="FR")], participants=n)

    assert _queries(YEAR) == few
    with django_assert_max_num_queries(10):  # one of them the borrowers, for disclosure control
        breakdowns(YEAR, control=False)


# Disclosure control


def test_a_region_whose_loans_went_to_two_organisations_is_held_back_and_the_total_is_exact(
    asked: ReportingYear, portrait_gallery: Organisation, newcastle_laing: Organisation, boathouse: Organisation
) -> None:
    lend(portrait_gallery, newcastle_laing, 2)
    lend(portrait_gallery, organisation("Hexham Old Gaol"), 1, venue=venue_in(newcastle_laing, "E06000057"))
    lend(portrait_gallery, boathouse, 1)

    report = compute(YEAR)

    north_east = row(report.breakdowns["loans_by_region"], "North East")
    assert (north_east["loans"], north_east["objects"], north_east["venues"]) == ("[c]", "[c]", "[c]")
    assert row(report.breakdowns["loans_by_nation"], "England")["loans"] == "[c]"
    # Held back rows come last, so their place in the order says nothing of their size.
    assert report.breakdowns["loans_by_region"][-1]["loans"] == "[c]"
    assert {venue["loans"] for venue in report.breakdowns["map_venues"]} == {"[c]"}
    assert "[c]" in report.as_json()["disclosure_control"]


def test_a_region_of_three_organisations_is_shown(
    asked: ReportingYear, portrait_gallery: Organisation, newcastle_laing: Organisation
) -> None:
    for name in ("Hexham Old Gaol", "Alnwick Castle", "Bede's World"):
        lend(portrait_gallery, organisation(name), 1, venue=venue_in(newcastle_laing, NEWCASTLE))

    rows = breakdowns(YEAR)["loans_by_region"]

    assert row(rows, "North East")["loans"] == 3


def test_a_place_with_a_partners_only_activity_is_held_back(
    asked: ReportingYear, record: Record, newcastle_laing: Organisation, boathouse: Organisation, louvre: Organisation
) -> None:
    newcastle = PlaceSpec(district_code=NEWCASTLE)
    partners = [newcastle_laing, boathouse, louvre]
    record(places=[newcastle], partners=partners, visibility="public")
    record(places=[newcastle], partners=partners, visibility="partners")
    record(places=[PlaceSpec(organisation=boathouse)], partners=partners, visibility="public")

    found = breakdowns(YEAR)

    assert row(found["places_by_region"], "North East")["activities"] == "[c]"
    assert row(found["places_by_region"], "Wales")["activities"] == 1
    assert row(found["places_by_nation"], "England")["activities"] == "[c]"


def test_partners_known_only_from_an_activity_that_is_not_public_are_held_back(
    asked: ReportingYear, record: Record, newcastle_laing: Organisation, boathouse: Organisation, louvre: Organisation
) -> None:
    record(partners=[newcastle_laing, boathouse, louvre], visibility="private")

    found = breakdowns(YEAR)

    assert {r["organisations"] for r in found["by_partner_kind"]} == {"[c]"}
    assert row(found["new_partners"], "England")["organisations"] == "[c]"
    assert row(found["new_partners"], "Scotland")["organisations"] == 0

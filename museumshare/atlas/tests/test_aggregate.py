"""The map's figures: what each measure counts, at each level, with each filter.

The work is spread so that a figure grouped at the wrong level, or counted twice, comes out
wrong: the Laing Art Gallery (Newcastle upon Tyne, E08000021, North East) and the Dylan Thomas
Boathouse (Carmarthenshire, Wales) borrow and host; Hampshire has national sites in two of its
districts; France and Guernsey are abroad. The analyst sees everything, so these tests are
about counting; test_permissions.py is about who sees what.
"""

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from museumshare.accounts.models import User
from museumshare.activities.models import Activity, Kind, PartnerRole, Visibility
from museumshare.activities.services import PlaceSpec, activity_create
from museumshare.atlas import aggregate
from museumshare.atlas.aggregate import Area, ColdSpot, Country, Filters, Flow
from museumshare.core.services import System
from museumshare.loans.models import CollectionObject, Loan, LoanObject, Purpose, Status
from museumshare.loans.services import loan_record_activity
from museumshare.organisations.models import Kind as OrganisationKind
from museumshare.organisations.models import Organisation, Venue

NEWCASTLE = "E08000021"
NORTH_EAST = "E12000001"
ENGLAND = "E92000001"
WALES = "W92000004"  # a nation, and a region of its own
SOUTH_EAST = "E12000008"
CARMARTHENSHIRE = "W06000010"
CAERPHILLY = "W06000018"
FIFE = "S12000047"
HAMPSHIRE = "E10000014"
GOSPORT = "E07000088"
WINCHESTER = "E07000094"
WESTMINSTER = "E09000033"
YEAR = Filters(year_from=2020, year_to=2020)
# On PostgreSQL each function also turns the JIT compiler off for its transaction (without_jit).
JIT_OFF = 1 if connection.vendor == "postgresql" else 0


@dataclass
class Register:
    """The organisations the tests use, from the real sample the fixtures import."""

    gallery: Organisation  # National Portrait Gallery, Westminster
    laing: Organisation
    boathouse: Organisation  # Carmarthenshire
    winding_house: Organisation  # Caerphilly
    laing_museum: Organisation  # Fife
    guernsey: Organisation  # a museum on Guernsey: abroad, with no point
    science: Organisation  # Science Museum Group, a body with sites
    railway: Organisation  # its National Railway Museum, York
    explosion: Organisation  # Hampshire: Gosport
    fort_nelson: Organisation  # Hampshire: Winchester


@pytest.fixture
def places(register: dict[str, Organisation], laing: Organisation, portrait_gallery: Organisation) -> Register:
    def named(name: str) -> Organisation:
        return Organisation.objects.get(name=name)

    return Register(
        gallery=portrait_gallery,
        laing=laing,
        boathouse=register["mm.wiki.435"],
        winding_house=register["mm.mald.160"],
        laing_museum=register["mm.domus.SC256"],
        guernsey=register["mm.New.88"],
        science=named("Science Museum Group"),
        railway=named("National Railway Museum"),
        explosion=named("Explosion! The Museum Of Naval Firepower"),
        fort_nelson=named("Royal Armouries (Fort Nelson)"),
    )


Record = Callable[..., Activity]
Lend = Callable[..., Loan]


@pytest.fixture
def record(alice: User, portrait_gallery: Organisation) -> Record:
    """An activity the National Portrait Gallery leads, public, in the summer of 2020 unless told."""

    def make(*places: PlaceSpec, partners: tuple[Organisation, ...] = (), **data: Any) -> Activity:
        # The register as an import fills it: whichever museum leads.
        return activity_create(
            actor=System("command-line import"),
            data={
                "title": "Portrait workshop",
                "kind": Kind.LEARNING_PROGRAMME,
                "lead": portrait_gallery,
                "start_date": date(2020, 6, 1),
                "end_date": date(2020, 8, 31),
                "visibility": Visibility.PUBLIC,
            }
            | data,
            partners=[(partner, PartnerRole.PARTNER) for partner in partners],
            places=list(places),
        )

    return make


@pytest.fixture
def lend(alice: User) -> Lend:
    """A loan with `objects` objects, on loan in the summer of 2020 unless told; `record` puts it in the
    register as an activity too, as the loans procedure does once a loan is approved."""

    def make(
        lender: Organisation,
        borrower: Organisation,
        objects: int = 1,
        record: bool = False,
        **data: Any,
    ) -> Loan:
        loan = Loan.objects.create(
            **{
                "reference": f"LO-{Loan.objects.count() + 1:04d}",
                "lender": lender,
                "borrower": borrower,
                "purpose": Purpose.EXHIBITION,
                "requested_start": date(2020, 6, 1),
                "requested_end": date(2020, 9, 30),
                "status": Status.ON_LOAN,
            }
            | data
        )
        for n in range(objects):
            item = CollectionObject.objects.create(
                owner=lender, accession_number=f"{loan.reference}/{n}", title="Study"
            )
            LoanObject.objects.create(loan=loan, object=item)
        if record:
            loan_record_activity(loan, System("command-line import"))
        return loan

    return make


def point(organisation: Organisation) -> tuple[str, float, float]:
    assert organisation.latitude is not None
    assert organisation.longitude is not None
    return organisation.name, organisation.latitude, organisation.longitude


def at(organisation: Organisation) -> PlaceSpec:
    return PlaceSpec(organisation=organisation)


def values(found: list[Area] | list[Country]) -> dict[str, int]:
    return {item.code: item.value for item in found}


def figures(user: User, level: str, measure: str, filters: Filters = YEAR) -> dict[str, int]:
    return values(aggregate.areas(user=user, level=level, measure=measure, filters=filters))


@pytest.fixture
def work(places: Register, record: Record, lend: Lend) -> Register:
    """Three activities and three loans in 2020/21, and some that are not."""
    # Two places in Newcastle count there once; France counts abroad.
    record(
        at(places.laing),
        PlaceSpec(district_code=NEWCASTLE),
        at(places.boathouse),
        PlaceSpec(country="FR"),
        partners=(places.laing, places.boathouse),
        participants=10,
        visitors=100,
    )
    record(at(places.laing), partners=(places.laing,), participants=5, visitors=50)
    record(at(places.winding_house), at(places.explosion), at(places.fort_nelson), participants=7, visitors=70)
    # Not in 2020/21, or did not happen.
    record(at(places.laing), start_date=date(2019, 4, 1), end_date=date(2020, 3, 31), participants=1000)
    record(at(places.laing), status="cancelled", participants=1000)
    # On loan to the Laing itself, and to a venue of the Laing's in Carmarthenshire: counted where the
    # objects went. The first is in the register as an activity too, with the same visitors.
    lend(places.gallery, places.laing, objects=3, visitors=1000, record=True)
    touring = Venue.objects.create(
        organisation=places.laing,
        name="Laing on tour",
        **{name: getattr(places.boathouse, name) for name in Venue.LOCATION_FIELDS},
    )
    lend(places.gallery, places.laing, objects=2, venue=touring, visitors=500)
    lend(places.railway, places.guernsey, objects=4, visitors=40)
    # Asked for but not agreed, or returned before the year began.
    lend(places.gallery, places.laing, objects=9, status=Status.REQUESTED)
    lend(places.gallery, places.laing, objects=9, requested_start=date(2019, 6, 1), requested_end=date(2020, 3, 31))
    return places


def test_activities_count_each_activity_once_in_each_area_it_took_place(work: Register, analyst: User) -> None:
    # The loan to the Laing is an activity in the register too.
    assert figures(analyst, "district", "activities") == {
        NEWCASTLE: 3,
        CARMARTHENSHIRE: 1,
        CAERPHILLY: 1,
        GOSPORT: 1,
        WINCHESTER: 1,
    }
    assert figures(analyst, "upper_tier", "activities") == {
        NEWCASTLE: 3,
        CARMARTHENSHIRE: 1,
        CAERPHILLY: 1,
        HAMPSHIRE: 1,
    }
    assert figures(analyst, "region", "activities") == {NORTH_EAST: 3, WALES: 2, SOUTH_EAST: 1}
    assert figures(analyst, "nation", "activities") == {ENGLAND: 4, WALES: 2}


def test_participants_add_up_each_activity_once_in_each_area(work: Register, analyst: User) -> None:
    assert figures(analyst, "district", "participants") == {
        NEWCASTLE: 15,
        CARMARTHENSHIRE: 10,
        CAERPHILLY: 7,
        GOSPORT: 7,
        WINCHESTER: 7,
    }
    assert figures(analyst, "upper_tier", "participants")[HAMPSHIRE] == 7
    assert figures(analyst, "region", "participants") == {NORTH_EAST: 15, WALES: 17, SOUTH_EAST: 7}
    assert figures(analyst, "nation", "participants") == {ENGLAND: 22, WALES: 17}


def test_loans_and_objects_count_where_the_objects_went(work: Register, analyst: User) -> None:
    assert figures(analyst, "district", "loans") == {NEWCASTLE: 1, CARMARTHENSHIRE: 1}
    assert figures(analyst, "district", "objects") == {NEWCASTLE: 3, CARMARTHENSHIRE: 2}
    assert figures(analyst, "region", "objects") == {NORTH_EAST: 3, WALES: 2}
    assert figures(analyst, "nation", "loans") == {ENGLAND: 1, WALES: 1}
    assert figures(analyst, "nation", "objects") == {ENGLAND: 3, WALES: 2}


def test_audience_adds_loans_visitors_to_activities_visitors_counting_a_recorded_loan_once(
    work: Register, analyst: User
) -> None:
    assert figures(analyst, "district", "audience") == {
        NEWCASTLE: 1000 + 100 + 50,
        CARMARTHENSHIRE: 500 + 100,
        CAERPHILLY: 70,
        GOSPORT: 70,
        WINCHESTER: 70,
    }
    assert figures(analyst, "nation", "audience") == {ENGLAND: 1000 + 100 + 50 + 70, WALES: 500 + 100 + 70}


def test_audience_for_a_kind_is_that_of_its_activities(work: Register, analyst: User) -> None:
    mentoring = Filters(year_from=2020, year_to=2020, kind=Kind.LEARNING_PROGRAMME)
    assert figures(analyst, "nation", "audience", mentoring) == {ENGLAND: 100 + 50 + 70, WALES: 100 + 70}


def test_partners_are_the_organisations_there_taking_part(work: Register, analyst: User) -> None:
    # The gallery leads all three; the Laing is a partner twice and the Boathouse once.
    assert figures(analyst, "district", "partners") == {WESTMINSTER: 1, NEWCASTLE: 1, CARMARTHENSHIRE: 1}
    assert figures(analyst, "nation", "partners") == {ENGLAND: 2, WALES: 1}
    # An organisation is not its own partner.
    its_own = Filters(year_from=2020, year_to=2020, organisation=work.gallery)
    assert figures(analyst, "district", "partners", its_own) == {NEWCASTLE: 1, CARMARTHENSHIRE: 1}


def test_areas_come_largest_first_then_by_name(work: Register, analyst: User) -> None:
    found = aggregate.areas(user=analyst, level="district", measure="participants", filters=YEAR)
    assert [area.name for area in found] == [
        "Newcastle upon Tyne",
        "Carmarthenshire",
        "Caerphilly",
        "Gosport",
        "Winchester",
    ]
    assert found[0] == Area(NEWCASTLE, "Newcastle upon Tyne", 15)


def test_countries_are_the_places_abroad(work: Register, analyst: User) -> None:
    def abroad(measure: str) -> dict[str, int]:
        return values(aggregate.countries(user=analyst, measure=measure, filters=YEAR))

    assert abroad("activities") == {"FR": 1}
    assert abroad("participants") == {"FR": 10}
    # Guernsey is outside the UK, as the annual report counts it.
    assert abroad("loans") == {"GG": 1}
    assert abroad("objects") == {"GG": 4}
    assert abroad("audience") == {"FR": 100, "GG": 40}
    assert aggregate.countries(user=analyst, measure="objects", filters=YEAR) == [Country("GG", "Guernsey", 4)]


def test_scope_keeps_the_uk_or_abroad(work: Register, analyst: User) -> None:
    uk = Filters(year_from=2020, year_to=2020, scope="uk")
    international = Filters(year_from=2020, year_to=2020, scope="international")
    assert aggregate.countries(user=analyst, measure="activities", filters=uk) == []
    assert aggregate.areas(user=analyst, level="nation", measure="activities", filters=international) == []
    assert figures(analyst, "nation", "activities", uk) == {ENGLAND: 4, WALES: 2}
    assert values(aggregate.countries(user=analyst, measure="loans", filters=international)) == {"GG": 1}


@pytest.mark.parametrize(
    ("first", "last", "expected"),
    [
        (2020, 2020, 1),
        (2019, 2019, 1),  # the loan returned on 31 March 2020
        (2019, 2020, 2),
        (2021, 2021, 0),
        (None, 2019, 1),
        (2020, None, 1),
        (None, None, 2),
    ],
)
def test_years_take_what_overlaps_them(
    places: Register, lend: Lend, analyst: User, first: int | None, last: int | None, expected: int
) -> None:
    lend(places.gallery, places.laing, requested_start=date(2020, 4, 1), requested_end=date(2020, 12, 31))
    lend(places.gallery, places.laing, requested_start=date(2019, 6, 1), requested_end=date(2020, 3, 31))
    found = figures(analyst, "district", "loans", Filters(year_from=first, year_to=last))
    assert found.get(NEWCASTLE, 0) == expected


def test_a_loans_agreed_dates_decide_its_year(places: Register, lend: Lend, analyst: User) -> None:
    lend(
        places.gallery,
        places.laing,
        requested_start=date(2020, 6, 1),
        requested_end=date(2020, 9, 30),
        agreed_start=date(2021, 4, 1),
        agreed_end=date(2021, 6, 30),
    )
    assert figures(analyst, "district", "loans") == {}
    assert figures(analyst, "district", "loans", Filters(year_from=2021, year_to=2021)) == {NEWCASTLE: 1}


def test_activities_on_the_first_and_last_day_of_a_year_are_in_it(
    places: Register, record: Record, analyst: User
) -> None:
    record(at(places.laing), start_date=date(2019, 4, 1), end_date=date(2020, 4, 1))
    record(at(places.laing), start_date=date(2021, 3, 31), end_date=None)
    record(at(places.laing), start_date=date(2021, 4, 1), end_date=None)
    assert figures(analyst, "district", "activities") == {NEWCASTLE: 2}
    assert figures(analyst, "district", "activities", Filters(year_from=2019, year_to=2019)) == {NEWCASTLE: 1}
    assert figures(analyst, "district", "activities", Filters(year_from=2021, year_to=2021)) == {NEWCASTLE: 2}


def test_a_kind_narrows_activities_but_not_loans(work: Register, record: Record, analyst: User) -> None:
    record(at(work.laing), kind=Kind.MENTORING, participants=2)
    mentoring = Filters(year_from=2020, year_to=2020, kind=Kind.MENTORING)
    assert figures(analyst, "district", "activities", mentoring) == {NEWCASTLE: 1}
    assert figures(analyst, "district", "participants", mentoring) == {NEWCASTLE: 2}
    assert figures(analyst, "district", "loans", mentoring) == {NEWCASTLE: 1, CARMARTHENSHIRE: 1}


def test_an_organisation_is_its_loans_out_and_the_activities_it_takes_part_in(
    work: Register, record: Record, analyst: User
) -> None:
    record(at(work.winding_house), lead=work.laing, partners=(work.boathouse,))
    laing = Filters(year_from=2020, year_to=2020, organisation=work.laing)
    # It leads one and is a partner in three (the loan it borrowed is one); it lends nothing.
    assert figures(analyst, "district", "activities", laing) == {NEWCASTLE: 3, CARMARTHENSHIRE: 1, CAERPHILLY: 1}
    assert figures(analyst, "district", "loans", laing) == {}


def test_a_national_body_brings_in_its_sites(work: Register, analyst: User) -> None:
    group = Filters(year_from=2020, year_to=2020, organisation=work.science)
    assert values(aggregate.countries(user=analyst, measure="objects", filters=group)) == {"GG": 4}
    assert [flow.lender for flow in aggregate.flows(user=analyst, filters=group)] == []  # Guernsey has no point
    site = Filters(year_from=2020, year_to=2020, organisation=work.railway)
    assert values(aggregate.countries(user=analyst, measure="objects", filters=site)) == {"GG": 4}
    gallery = Filters(year_from=2020, year_to=2020, organisation=work.gallery)
    assert aggregate.countries(user=analyst, measure="objects", filters=gallery) == []


def test_flows_group_loans_from_a_lender_to_a_venue_weighted_by_objects(
    places: Register, lend: Lend, analyst: User
) -> None:
    lend(places.gallery, places.laing, objects=3)
    lend(places.gallery, places.laing, objects=2)
    lend(places.gallery, places.boathouse, objects=1)
    lend(places.railway, places.laing, objects=7)
    lend(places.gallery, places.laing, objects=50, status=Status.DECLINED)
    gallery, laing, boathouse, railway = (
        point(o) for o in (places.gallery, places.laing, places.boathouse, places.railway)
    )
    assert aggregate.flows(user=analyst, filters=YEAR) == [
        Flow(*railway, *laing, loans=1, objects=7),
        Flow(*gallery, *laing, loans=2, objects=5),
        Flow(*gallery, *boathouse, loans=1, objects=1),
    ]
    # One lender, with its sites.
    science = Filters(year_from=2020, year_to=2020, organisation=places.science)
    assert [(flow.lender, flow.objects) for flow in aggregate.flows(user=analyst, filters=science)] == [
        (places.railway.name, 7)
    ]
    abroad = Filters(year_from=2020, year_to=2020, scope="international")
    assert aggregate.flows(user=analyst, filters=abroad) == []


def test_flows_go_to_the_venue_not_the_borrower(places: Register, lend: Lend, analyst: User) -> None:
    venue = Venue.objects.filter(organisation=places.science, site=places.railway).get()
    lend(places.gallery, places.science, objects=2, venue=venue)
    [flow] = aggregate.flows(user=analyst, filters=YEAR)
    assert (flow.venue, flow.venue_lat, flow.venue_lon) == (venue.name, venue.latitude, venue.longitude)
    assert (flow.venue_lat, flow.venue_lon) != (places.science.latitude, places.science.longitude)


def test_points_are_where_activities_happened_and_loans_went(work: Register, analyst: User) -> None:
    found = {point.name: (point.activities, point.loans) for point in aggregate.points(user=analyst, filters=YEAR)}
    # Places by a district or a country have no point.
    assert found == {
        "Laing Art Gallery": (3, 1),
        "Dylan Thomas Boathouse": (1, 0),
        "Laing on tour": (0, 1),
        "Winding House": (1, 0),
        work.explosion.name: (1, 0),
        work.fort_nelson.name: (1, 0),
    }
    first = aggregate.points(user=analyst, filters=YEAR)[0]
    assert (first.name, first.lat, first.lon) == ("Laing Art Gallery", work.laing.latitude, work.laing.longitude)


def test_points_are_capped_with_the_busiest_first(
    places: Register, record: Record, analyst: User, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(aggregate, "POINTS_SHOWN", 2)
    record(at(places.laing), at(places.boathouse), at(places.winding_house))
    record(at(places.laing), at(places.boathouse))
    record(at(places.laing))
    assert [point.name for point in aggregate.points(user=analyst, filters=YEAR)] == [
        "Laing Art Gallery",
        "Dylan Thomas Boathouse",
    ]


def test_cold_spots_are_districts_with_museums_no_national_loan_reached(
    places: Register, lend: Lend, analyst: User
) -> None:
    Organisation.objects.create(name="Cwmcarn Museum", slug="cwmcarn", **location_of(places.winding_house))
    Organisation.objects.create(
        name="Closed museum", slug="closed", year_closed=2001, **location_of(places.laing_museum)
    )
    Organisation.objects.create(
        name="A university", slug="uni", kind=OrganisationKind.UNIVERSITY, **location_of(places.laing_museum)
    )
    lend(places.gallery, places.laing)
    # A loan between two museums that are not national does not warm anywhere.
    lend(places.laing, places.boathouse)
    assert aggregate.cold_spots(user=analyst, filters=YEAR) == [
        ColdSpot(CAERPHILLY, "Caerphilly", 2),
        ColdSpot(CARMARTHENSHIRE, "Carmarthenshire", 1),
        ColdSpot(FIFE, "Fife", 1),
    ]
    # In another year, the Laing's district is cold too.
    later = Filters(year_from=2022, year_to=2022)
    assert NEWCASTLE in {spot.code for spot in aggregate.cold_spots(user=analyst, filters=later)}


def test_cold_spots_of_one_lender_are_where_it_did_not_lend(places: Register, lend: Lend, analyst: User) -> None:
    lend(places.gallery, places.laing)
    lend(places.railway, places.boathouse)
    science = Filters(year_from=2020, year_to=2020, organisation=places.science)
    cold = {spot.code for spot in aggregate.cold_spots(user=analyst, filters=science)}
    assert cold == {NEWCASTLE, CAERPHILLY, FIFE}


def test_cold_spots_for_activity_are_districts_with_museums_and_no_work(
    places: Register, record: Record, analyst: User
) -> None:
    record(at(places.laing))
    record(PlaceSpec(district_code=CAERPHILLY), kind=Kind.MENTORING)
    for basis in ("activity", "activities"):
        cold = aggregate.cold_spots(user=analyst, filters=YEAR, basis=basis)
        assert {spot.code for spot in cold} == {CARMARTHENSHIRE, FIFE}
    mentoring = Filters(year_from=2020, year_to=2020, kind=Kind.MENTORING)
    cold = aggregate.cold_spots(user=analyst, filters=mentoring, basis="activity")
    assert {spot.code for spot in cold} == {NEWCASTLE, CARMARTHENSHIRE, FIFE}
    abroad = Filters(scope="international")
    assert aggregate.cold_spots(user=analyst, filters=abroad, basis="activity") == []


def location_of(organisation: Organisation) -> dict[str, Any]:
    return {name: getattr(organisation, name) for name in Organisation.LOCATION_FIELDS}


def test_it_refuses_what_it_does_not_know(analyst: User) -> None:
    with pytest.raises(ValueError, match="level"):
        aggregate.areas(user=analyst, level="county", measure="loans", filters=YEAR)
    with pytest.raises(ValueError, match="measure"):
        aggregate.areas(user=analyst, level="district", measure="money", filters=YEAR)
    with pytest.raises(ValueError, match="scope"):
        aggregate.countries(user=analyst, measure="loans", filters=Filters(scope="europe"))
    with pytest.raises(ValueError, match="basis"):
        aggregate.cold_spots(user=analyst, filters=YEAR, basis="money")


def every_figure(user: Any, filters: Filters = YEAR) -> list[Any]:
    """Every function of the map, for every level and measure."""
    found: list[Any] = []
    for measure in aggregate.MEASURES:
        for level in aggregate.LEVELS:
            found.append(aggregate.areas(user=user, level=level, measure=measure, filters=filters))
        found.append(aggregate.countries(user=user, measure=measure, filters=filters))
    found.append(aggregate.flows(user=user, filters=filters))
    found.append(aggregate.points(user=user, filters=filters))
    for basis in ("loans", "activity"):
        found.append(aggregate.cold_spots(user=user, filters=filters, basis=basis))
    return found


def queries_of(call: Callable[[], object]) -> int:
    with CaptureQueriesContext(connection) as captured:
        call()
    return len(captured)


@pytest.mark.parametrize("measure", list(aggregate.MEASURES))
def test_an_area_figure_is_one_query_or_two_for_audience(
    work: Register, analyst: User, measure: str, django_assert_max_num_queries: Any
) -> None:
    analyst.group_names  # noqa: B018 (read once a request, by the permission check)
    with django_assert_max_num_queries((2 if measure == "audience" else 1) + JIT_OFF):
        aggregate.areas(user=analyst, level="district", measure=measure, filters=Filters(organisation=work.science))


def test_the_other_figures_are_a_query_or_two(work: Register, bob: User, django_assert_max_num_queries: Any) -> None:
    bob.group_names  # noqa: B018
    with django_assert_max_num_queries(1 + JIT_OFF):
        aggregate.flows(user=bob, filters=YEAR)
    with django_assert_max_num_queries(2 + JIT_OFF):
        aggregate.points(user=bob, filters=YEAR)
    with django_assert_max_num_queries(1 + JIT_OFF):
        aggregate.cold_spots(user=bob, filters=YEAR)
    with django_assert_max_num_queries(1 + JIT_OFF):
        aggregate.countries(user=bob, measure="objects", filters=YEAR)


def test_queries_do_not_grow_with_the_records(places: Register, record: Record, lend: Lend, analyst: User) -> None:
    def count() -> int:
        return queries_of(lambda: every_figure(analyst))

    analyst.group_names  # noqa: B018 (read once a request, by the permission check)
    record(at(places.laing))
    lend(places.gallery, places.laing)
    few = count()
    for organisation in (places.boathouse, places.winding_house, places.explosion, places.laing_museum):
        record(at(organisation), at(places.laing), PlaceSpec(country="FR"), partners=(organisation,))
        lend(places.gallery, organisation, objects=3)
        lend(places.railway, organisation, objects=2, record=True)
    assert count() == few

"""The map's figures in the API: /api/v1/atlas/areas/, as JSON and as GeoJSON on the boundaries.

What each figure counts is atlas.aggregate's to prove (atlas/tests); these check the parameters,
the two formats and the errors. In 2020/21 alice's National Portrait Gallery lends three objects to
bob's Laing Art Gallery in Newcastle upon Tyne (E08000021), and four to a museum on Guernsey.
"""

import json
from collections.abc import Callable
from datetime import date
from typing import Any

import pytest
from django.db import connection
from rest_framework.test import APIClient

from museumshare.activities.models import Kind, Visibility
from museumshare.activities.services import PlaceSpec, activity_create
from museumshare.loans.models import CollectionObject, Loan, LoanObject, Status
from museumshare.organisations.models import Organisation

AREAS = "/api/v1/atlas/areas/"
NEWCASTLE = "E08000021"


def lend(lender: Organisation, borrower: Organisation, objects: int, **dates: date) -> Loan:
    loan = Loan.objects.create(
        reference=f"LO-{Loan.objects.count() + 1:04d}",
        lender=lender,
        borrower=borrower,
        requested_start=dates.get("start", date(2020, 6, 1)),
        requested_end=dates.get("end", date(2020, 9, 30)),
        status=Status.ON_LOAN,
    )
    for n in range(objects):
        item = CollectionObject.objects.create(owner=lender, accession_number=f"{loan.reference}/{n}", title="Study")
        LoanObject.objects.create(loan=loan, object=item)
    return loan


@pytest.fixture
def loans(register: dict[str, Organisation], portrait_gallery: Organisation, laing: Organisation) -> None:
    lend(portrait_gallery, laing, 3)
    lend(portrait_gallery, register["mm.New.88"], 4)
    lend(portrait_gallery, laing, 5, start=date(2021, 6, 1), end=date(2021, 9, 30))


def get(client: APIClient, **params: str) -> Any:
    response = client.get(AREAS, params)
    assert response.status_code == 200, response.content
    return response.json()


def test_it_lists_the_areas_then_the_countries_abroad(loans: None, api_as: Callable[[str], APIClient]) -> None:
    found = get(api_as("analyst"), level="district", measure="objects", year="2020-21")
    assert found == [
        {"code": NEWCASTLE, "name": "Newcastle upon Tyne", "value": 3},
        {"code": "GG", "name": "Guernsey", "value": 4},
    ]


def test_scope_keeps_the_uk_or_the_countries_abroad(loans: None, api_as: Callable[[str], APIClient]) -> None:
    client = api_as("analyst")
    assert get(client, measure="loans", year="2020-21", scope="uk") == [
        {"code": NEWCASTLE, "name": "Newcastle upon Tyne", "value": 1}
    ]
    assert get(client, measure="loans", year="2020-21", scope="international") == [
        {"code": "GG", "name": "Guernsey", "value": 1}
    ]


def test_levels_group_by_their_own_codes(loans: None, api_as: Callable[[str], APIClient]) -> None:
    client = api_as("analyst")
    codes = {
        level: [row["code"] for row in get(client, level=level, measure="objects", scope="uk")]
        for level in ("nation", "region", "upper_tier", "district")
    }
    assert codes == {
        "nation": ["E92000001"],
        "region": ["E12000001"],
        "upper_tier": [NEWCASTLE],
        "district": [NEWCASTLE],
    }


def test_years_can_be_a_range(loans: None, api_as: Callable[[str], APIClient]) -> None:
    client = api_as("analyst")
    both = get(client, measure="objects", scope="uk", year_from="2020-21", year_to="2021-22")
    assert both == [{"code": NEWCASTLE, "name": "Newcastle upon Tyne", "value": 8}]
    since = get(client, measure="objects", scope="uk", year_from="2021-22")
    assert since == [{"code": NEWCASTLE, "name": "Newcastle upon Tyne", "value": 5}]
    # No years: every year; an empty parameter is one not given.
    assert get(client, measure="objects", scope="uk", year="", kind="") == both


def test_an_organisation_is_named_by_its_id_or_its_slug(
    loans: None, api_as: Callable[[str], APIClient], portrait_gallery: Organisation, laing: Organisation
) -> None:
    client = api_as("analyst")
    by_slug = get(client, measure="objects", year="2020-21", organisation=portrait_gallery.slug)
    assert by_slug == get(client, measure="objects", year="2020-21", organisation=str(portrait_gallery.pk))
    assert [row["value"] for row in by_slug] == [3, 4]
    assert get(client, measure="objects", year="2020-21", organisation=laing.slug) == []


def test_a_kind_narrows_activities(
    api_as: Callable[[str], APIClient], alice: Any, portrait_gallery: Organisation, laing: Organisation
) -> None:
    for kind in (Kind.MENTORING, Kind.MENTORING, Kind.ADVICE):
        activity_create(
            actor=alice,
            data={
                "title": "Help",
                "kind": kind,
                "lead": portrait_gallery,
                "start_date": date(2020, 6, 1),
                "visibility": Visibility.PUBLIC,
            },
            places=[PlaceSpec(organisation=laing)],
        )
    client = api_as("anonymous")
    assert get(client, kind="mentoring") == [{"code": NEWCASTLE, "name": "Newcastle upon Tyne", "value": 2}]
    assert get(client) == [{"code": NEWCASTLE, "name": "Newcastle upon Tyne", "value": 3}]


@pytest.mark.parametrize("path", [f"{AREAS}?format=geojson&", "/api/v1/atlas/areas.geojson?"])
def test_geojson_joins_the_figures_to_every_area_of_the_level(
    loans: None, api_as: Callable[[str], APIClient], path: str
) -> None:
    response = api_as("analyst").get(path + "level=district&measure=objects&year=2020-21")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/geo+json"
    collection = json.loads(response.content)
    assert collection["type"] == "FeatureCollection"
    assert len(collection["features"]) == 361
    values = {f["properties"]["code"]: f["properties"]["value"] for f in collection["features"]}
    assert values[NEWCASTLE] == 3
    assert sum(values.values()) == 3  # Guernsey is not a UK area
    newcastle = next(f for f in collection["features"] if f["properties"]["code"] == NEWCASTLE)
    assert newcastle["properties"] == {"code": NEWCASTLE, "name": "Newcastle upon Tyne", "value": 3}
    assert newcastle["geometry"]["type"] in ("Polygon", "MultiPolygon")


def test_json_can_be_asked_for_by_its_suffix(loans: None, api_as: Callable[[str], APIClient]) -> None:
    response = api_as("analyst").get("/api/v1/atlas/areas.json?measure=loans&scope=uk")
    assert response.json() == [{"code": NEWCASTLE, "name": "Newcastle upon Tyne", "value": 2}]


@pytest.mark.parametrize(
    ("params", "named"),
    [
        ({"level": "county"}, "level"),
        ({"measure": "money"}, "measure"),
        ({"year": "2020-22"}, "year"),
        ({"year": "next year"}, "year"),
        ({"year_from": "2020/2022"}, "year_from"),
        ({"year_from": "2021-22", "year_to": "2020-21"}, "year_to"),
        ({"year": "2020-21", "year_to": "2021-22"}, "year"),
        ({"kind": "exhibition"}, "kind"),
        ({"scope": "europe"}, "scope"),
        ({"organisation": "no-such-museum"}, "organisation"),
        ({"organisation": "99999999999999999999"}, "organisation"),
        ({"format": "csv"}, "format"),
        ({"format": "geojson", "measure": "money"}, "measure"),
    ],
)
def test_it_refuses_a_parameter_it_does_not_know_naming_it(
    api_as: Callable[[str], APIClient], params: dict[str, str], named: str
) -> None:
    response = api_as("anonymous").get(AREAS, params)
    assert response.status_code == 400
    assert response["Content-Type"] == "application/json"
    assert list(response.json()["errors"]) == [named]


def test_it_costs_a_few_queries_however_many_loans(
    loans: None,
    api_as: Callable[[str], APIClient],
    portrait_gallery: Organisation,
    laing: Organisation,
    django_assert_max_num_queries: Any,
) -> None:
    client = api_as("bob")
    for _ in range(5):
        lend(portrait_gallery, laing, 2)
    # Whether the address is locked out, the token and the user, bob's groups, the organisation, the
    # areas and the countries; on PostgreSQL, turning its JIT compiler off for each of the two.
    most = 7 + (2 if connection.vendor == "postgresql" else 0)
    with django_assert_max_num_queries(most):
        get(client, measure="objects", organisation=portrait_gallery.slug)
    with django_assert_max_num_queries(most):
        client.get(AREAS, {"measure": "audience", "format": "geojson"})

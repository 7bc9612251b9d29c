"""The map shows only what its reader may see, in every figure, list and download of it.

alice's National Portrait Gallery runs a private activity with the Laing Art Gallery and the
Dylan Thomas Boathouse, and lends to the Boathouse and to a museum on Guernsey. Nobody but
alice's colleagues (and the analysts) may see any of it: every figure the map has, and every
answer of the API, is the same for anonymous, charlie and bob with it as without it.
"""

import json
from collections.abc import Callable
from datetime import date
from typing import Any

import pytest
from django.contrib.auth.models import AnonymousUser
from rest_framework.test import APIClient

from museumshare.accounts.models import User
from museumshare.activities.models import Kind, PartnerRole, Visibility
from museumshare.activities.services import PlaceSpec, activity_create
from museumshare.atlas import aggregate
from museumshare.atlas.aggregate import Filters
from museumshare.loans.models import CollectionObject, Loan, LoanObject, Status
from museumshare.loans.services import loan_record_activity
from museumshare.organisations.models import Organisation

YEAR = Filters(year_from=2020, year_to=2020)
NEWCASTLE = "E08000021"
CARMARTHENSHIRE = "W06000010"


def every_figure(user: Any) -> list[Any]:
    """Every function of the map, for every level, measure and basis, with and without a lender."""
    found: list[Any] = []
    for filters in (YEAR, Filters(), Filters(organisation=Organisation.objects.get(name="National Portrait Gallery"))):
        for measure in aggregate.MEASURES:
            for level in aggregate.LEVELS:
                found.append(aggregate.areas(user=user, level=level, measure=measure, filters=filters))
            found.append(aggregate.countries(user=user, measure=measure, filters=filters))
        found.append(aggregate.flows(user=user, filters=filters))
        found.append(aggregate.points(user=user, filters=filters))
        for basis in ("loans", "activity"):
            found.append(aggregate.cold_spots(user=user, filters=filters, basis=basis))
    return found


def every_answer(client: APIClient) -> list[Any]:
    """Every figure of the API at every level, and as GeoJSON for the districts (the same join at each level)."""
    asked = [
        {"level": level, "measure": measure, "format": "json", "scope": scope}
        for measure in aggregate.MEASURES
        for level in aggregate.LEVELS
        for scope in ("all", "international")
    ]
    asked += [{"level": "district", "measure": measure, "format": "geojson"} for measure in aggregate.MEASURES]
    found = []
    for params in asked:
        response = client.get("/api/v1/atlas/areas/", params)
        assert response.status_code == 200
        found.append(json.loads(response.content))
    return found


@pytest.fixture
def api_as(cast: dict[str, User]) -> Callable[[str], APIClient]:
    """A client of the API for one of the cast, or for nobody ("anonymous")."""

    def client_for(person: str) -> APIClient:
        client = APIClient()
        if person != "anonymous":
            client.force_authenticate(cast[person])
        return client

    return client_for


@pytest.fixture
def public_work(alice: User, portrait_gallery: Organisation, register: dict[str, Organisation]) -> None:
    """A public activity in Caerphilly, so that the map is not empty for anyone."""
    activity_create(
        actor=alice,
        data={
            "title": "Open workshop",
            "kind": Kind.LEARNING_PROGRAMME,
            "lead": portrait_gallery,
            "start_date": date(2020, 6, 1),
            "participants": 4,
            "visibility": Visibility.PUBLIC,
        },
        places=[PlaceSpec(organisation=register["mm.mald.160"])],
    )


def hide_work(alice: User, gallery: Organisation, laing: Organisation, register: dict[str, Organisation]) -> None:
    boathouse, guernsey = register["mm.wiki.435"], register["mm.New.88"]
    activity_create(
        actor=alice,
        data={
            "title": "Private talks",
            "kind": Kind.LEARNING_PROGRAMME,
            "lead": gallery,
            "start_date": date(2020, 6, 1),
            "end_date": date(2020, 9, 30),
            "participants": 9,
            "visitors": 90,
            "visibility": Visibility.PRIVATE,
        },
        partners=[(laing, PartnerRole.PARTNER), (boathouse, PartnerRole.HOST)],
        places=[PlaceSpec(organisation=laing), PlaceSpec(organisation=boathouse), PlaceSpec(country="FR")],
    )
    for borrower, objects in ((boathouse, 2), (guernsey, 3)):
        loan = Loan.objects.create(
            reference=f"LO-{borrower.pk}",
            lender=gallery,
            borrower=borrower,
            requested_start=date(2020, 6, 1),
            requested_end=date(2020, 9, 30),
            status=Status.ON_LOAN,
            visitors=20,
        )
        for n in range(objects):
            item = CollectionObject.objects.create(
                owner=gallery, accession_number=f"{loan.reference}/{n}", title="Study"
            )
            LoanObject.objects.create(loan=loan, object=item)
        # In the register as an activity for partners only, as the loans procedure records it.
        loan_record_activity(loan, alice)


@pytest.fixture
def hide(
    alice: User, portrait_gallery: Organisation, laing: Organisation, register: dict[str, Organisation]
) -> Callable[[], None]:
    return lambda: hide_work(alice, portrait_gallery, laing, register)


@pytest.mark.parametrize("person", ["anonymous", "charlie", "bob"])
def test_what_they_may_not_see_is_in_no_figure(
    public_work: None, hide: Callable[[], None], cast: dict[str, User], person: str
) -> None:
    user = AnonymousUser() if person == "anonymous" else cast[person]
    before = every_figure(user)
    assert any(before), "the public activity shows"
    hide()
    assert every_figure(user) == before


@pytest.mark.parametrize("person", ["anonymous", "charlie", "bob"])
def test_what_they_may_not_see_is_in_no_answer_of_the_api(
    public_work: None, hide: Callable[[], None], api_as: Callable[[str], APIClient], person: str
) -> None:
    client = api_as(person)
    before = every_answer(client)
    hide()
    assert every_answer(client) == before


@pytest.mark.parametrize("person", ["alice", "analyst"])
def test_its_owner_and_the_analysts_see_it_everywhere(
    public_work: None, hide: Callable[[], None], cast: dict[str, User], person: str
) -> None:
    hide()
    user = cast[person]

    def figures(level: str, measure: str) -> dict[str, int]:
        return {a.code: a.value for a in aggregate.areas(user=user, level=level, measure=measure, filters=YEAR)}

    assert figures("district", "activities")[NEWCASTLE] == 1
    assert figures("district", "participants")[CARMARTHENSHIRE] == 9
    assert figures("district", "loans") == {CARMARTHENSHIRE: 1}
    assert figures("district", "objects") == {CARMARTHENSHIRE: 2}
    assert figures("district", "audience")[CARMARTHENSHIRE] == 90 + 20
    assert figures("nation", "partners")["W92000004"] == 1
    abroad = {c.code: c.value for c in aggregate.countries(user=user, measure="objects", filters=YEAR)}
    assert abroad == {"GG": 3}
    [flow] = aggregate.flows(user=user, filters=YEAR)
    assert (flow.lender, flow.venue, flow.objects) == ("National Portrait Gallery", "Dylan Thomas Boathouse", 2)
    assert {p.name for p in aggregate.points(user=user, filters=YEAR)} >= {
        "Laing Art Gallery",
        "Dylan Thomas Boathouse",
    }
    assert CARMARTHENSHIRE not in {s.code for s in aggregate.cold_spots(user=user, filters=YEAR)}
    assert NEWCASTLE not in {s.code for s in aggregate.cold_spots(user=user, filters=YEAR, basis="activity")}


def test_the_api_shows_it_to_its_owner(
    public_work: None, hide: Callable[[], None], api_as: Callable[[str], APIClient]
) -> None:
    hide()
    for person, expected in (("alice", 2), ("charlie", None)):
        response = api_as(person).get("/api/v1/atlas/areas/", {"measure": "objects", "format": "geojson"})
        values = {f["properties"]["code"]: f["properties"]["value"] for f in response.json()["features"]}
        assert values[CARMARTHENSHIRE] == (expected or 0)
        listed = api_as(person).get("/api/v1/atlas/areas/", {"measure": "objects"}).json()
        assert ({"code": "GG", "name": "Guernsey", "value": 3} in listed) == (expected is not None)


def test_cold_spots_are_cold_for_those_who_may_not_see_the_loan(
    public_work: None, hide: Callable[[], None], charlie: User, alice: User
) -> None:
    hide()
    assert CARMARTHENSHIRE in {s.code for s in aggregate.cold_spots(user=charlie, filters=YEAR)}
    assert CARMARTHENSHIRE not in {s.code for s in aggregate.cold_spots(user=alice, filters=YEAR)}

"""The map page, its data for the script and its downloads.

The year is 2020/21. alice's National Portrait Gallery lends to bob's Laing Art Gallery in
Newcastle upon Tyne (E08000021) and runs a public workshop there; whether each figure is right
is the aggregate's to prove, so these tests check that the page, the table, the script's data and
both downloads show one set of figures for the filters in the address.
"""

import csv
import io
import json
from datetime import date
from typing import Any

import pytest
from django.test import Client

from museumshare.accounts.models import User
from museumshare.activities.models import Activity, Kind, PartnerRole, Visibility
from museumshare.activities.services import PlaceSpec, activity_create
from museumshare.atlas.views import class_breaks, round_number
from museumshare.core.services import System
from museumshare.loans.models import CollectionObject, Loan, LoanObject, Purpose, Status
from museumshare.loans.services import loan_record_activity
from museumshare.organisations.models import Organisation

NEWCASTLE = "E08000021"
MAP = "/map/?level=district&measure=objects&year=2020-21"


def lend(lender: Organisation, borrower: Organisation, objects: int, actor: User) -> Loan:
    """A loan on display in the summer of 2020, recorded in the register as the loans procedure does."""
    loan = Loan.objects.create(
        reference=f"LO-{Loan.objects.count() + 1:04d}",
        lender=lender,
        borrower=borrower,
        purpose=Purpose.EXHIBITION,
        exhibition_title="Faces of the North",
        requested_start=date(2020, 6, 1),
        requested_end=date(2020, 9, 30),
        agreed_start=date(2020, 6, 1),
        agreed_end=date(2020, 9, 30),
        status=Status.ON_LOAN,
    )
    for n in range(1, objects + 1):
        item = CollectionObject.objects.create(owner=lender, accession_number=f"{loan.reference}/{n}", title="Study")
        LoanObject.objects.create(loan=loan, object=item)
    loan_record_activity(loan, actor)
    return loan


def workshop(alice: User, lead: Organisation, host: Organisation, visibility: str = Visibility.PUBLIC) -> Activity:
    # The register as an import fills it: whichever museum leads.
    return activity_create(
        actor=System("command-line import"),
        data={
            "title": "Portrait drawing for families",
            "kind": Kind.LEARNING_PROGRAMME,
            "lead": lead,
            "start_date": date(2020, 7, 1),
            "end_date": date(2020, 7, 31),
            "visibility": visibility,
            "participants": 40,
        },
        partners=[(host, PartnerRole.HOST)],
        places=[PlaceSpec(organisation=host)],
    )


@pytest.fixture
def loans(alice: User, portrait_gallery: Organisation, laing: Organisation) -> list[Loan]:
    return [lend(portrait_gallery, laing, 3, alice), lend(portrait_gallery, laing, 4, alice)]


def signed_in(user: User) -> Client:
    client = Client()
    client.force_login(user)
    return client


def table(response: Any) -> dict[str, int]:
    return {row.code: row.value for row in response.context["rows"]}


# Class breaks


@pytest.mark.parametrize(
    ("value", "rounded"), [(3, 3), (13, 10), (17, 20), (24, 25), (180, 200), (2_400, 2_500), (6_800, 5_000)]
)
def test_class_limits_are_round_numbers(value: int, rounded: int) -> None:
    assert round_number(value) == rounded


def test_five_classes_of_about_as_many_areas_each_cover_every_figure() -> None:
    values = [0, 0, 1, 2, 3, 5, 8, 13, 21, 34, 55, 89, 144, 233]

    classes = class_breaks(values)

    assert [(c.low, c.high) for c in classes] == [(1, 3), (4, 8), (9, 25), (26, 100), (101, 233)]
    assert classes[0].label == "1 to 3"
    assert len({c.colour for c in classes}) == 5


def test_few_different_figures_give_fewer_classes_and_none_gives_no_key() -> None:
    assert [(c.low, c.high) for c in class_breaks([0, 4, 4, 4])] == [(1, 4)]
    assert class_breaks([0, 0]) == []


# The page


def test_the_page_shows_the_figures_for_the_filters_in_the_address(
    client: Client, alice: User, loans: list[Loan]
) -> None:
    response = signed_in(alice).get(MAP + "&flows=on&sort=name")

    assert response.status_code == 200
    html = response.content.decode()
    assert "Objects lent by local authority, 2020/21" in html
    assert '<option value="district" selected>' in html
    assert '<option value="objects" selected>' in html
    assert '<option value="2020-21" selected>' in html
    assert 'name="flows" id="id_flows" checked' in html
    assert 'aria-sort="ascending"' in html
    names = [row.name for row in response.context["rows"]]
    assert names == sorted(names)
    assert table(response)[NEWCASTLE] > 0
    assert f"/activities/?local_authority={NEWCASTLE}&amp;year=2020-21" in html
    assert 'data-boundaries="/geo/district.geojson"' in html


def test_the_table_sorts_by_the_figure_highest_first_unless_the_address_says_otherwise(
    alice: User, loans: list[Loan]
) -> None:
    rows = signed_in(alice).get(MAP).context["rows"]

    assert rows[0].code == NEWCASTLE
    assert [row.value for row in rows] == sorted((row.value for row in rows), reverse=True)


def test_the_script_gets_the_same_figures_and_the_loans_as_flows_when_asked(
    alice: User, loans: list[Loan], portrait_gallery: Organisation
) -> None:
    client = signed_in(alice)
    page = client.get(MAP)
    with_flows = client.get(MAP.replace("/map/", "/map/data.json") + f"&national={portrait_gallery.slug}&flows=on")
    without = client.get(MAP.replace("/map/", "/map/data.json")).json()

    assert {area["code"]: area["value"] for area in without["areas"]} == table(page)
    assert without["flows"] == []
    flows = with_flows.json()["flows"]
    assert [(f["lender"], f["venue"], f["objects"]) for f in flows] == [
        ("National Portrait Gallery", "Laing Art Gallery", 7)
    ]


# Downloads


def test_the_csv_and_geojson_downloads_hold_the_same_figures_as_the_table(
    alice: User, loans: list[Loan], portrait_gallery: Organisation
) -> None:
    client = signed_in(alice)
    query = MAP.split("?")[1] + f"&national={portrait_gallery.slug}"
    shown = [(row.code, row.name, row.value) for row in client.get(f"/map/?{query}").context["rows"]]

    spreadsheet = client.get(f"/map/areas.csv?{query}")
    geojson = client.get(f"/map/areas.geojson?{query}")

    assert spreadsheet["Content-Disposition"].startswith(
        'attachment; filename="museumshare-map-objects-lent-by-local-authority-2020-21-national-portrait-gallery-'
    )
    rows = list(csv.reader(io.StringIO(spreadsheet.content.decode("utf-8-sig"))))
    assert rows[0] == ["Code", "Local authority", "Objects lent"]
    assert [(code, name, int(value)) for code, name, value in rows[1:]] == shown
    assert geojson["Content-Type"] == "application/geo+json"
    assert '.geojson"' in geojson["Content-Disposition"]
    features = json.loads(geojson.content)["features"]
    assert [(f["properties"]["code"], f["properties"]["name"], f["properties"]["value"]) for f in features] == shown
    assert all(f["geometry"]["type"] in ("Polygon", "MultiPolygon") for f in features)
    assert {code: value for code, _, value in shown}[NEWCASTLE] == 7


# Mistakes in the address


@pytest.mark.parametrize(
    ("query", "message"),
    [
        ("level=parish", "Choose nations, regions, counties or local authorities."),
        ("measure=visitors", "Choose a figure from the list, such as Activities."),
        ("year=2020", "Choose a reporting year from the list, like 2020/21."),
        ("year=2021-22&year_to=2020-21", "Choose a last year of 2021/22 or later."),
        ("national=no-such-museum", "Choose a national museum from the list."),
        ("organisation=Nowhere+In+Particular", "No organisation is called"),
        ("sort=colour", "Choose how to sort the table."),
    ],
)
def test_invalid_filters_give_a_clear_error_not_a_server_error(
    client: Client, register: dict[str, Organisation], query: str, message: str
) -> None:
    page = client.get(f"/map/?{query}")
    spreadsheet = client.get(f"/map/areas.csv?{query}")
    data = client.get(f"/map/data.json?{query}")

    assert page.status_code == 200
    assert "There is a problem" in page.content.decode()
    assert message in page.content.decode()
    assert spreadsheet.status_code == 400
    assert message in spreadsheet.content.decode()
    assert data.status_code == 400


def test_a_national_museum_and_another_organisation_together_are_refused(
    client: Client, register: dict[str, Organisation], portrait_gallery: Organisation, laing: Organisation
) -> None:
    response = client.get(f"/map/?national={portrait_gallery.slug}&organisation={laing.slug}")

    assert "Choose a national museum or type another organisation, not both." in response.content.decode()


# Who sees what


def test_anonymous_visitors_see_only_public_activity(
    client: Client, alice: User, portrait_gallery: Organisation, laing: Organisation
) -> None:
    workshop(alice, portrait_gallery, laing, visibility=Visibility.PUBLIC)
    workshop(alice, portrait_gallery, laing, visibility=Visibility.PARTNERS)
    query = "/map/?level=district&measure=activities&year=2020-21"

    assert table(client.get(query)).get(NEWCASTLE) == 1
    assert table(signed_in(alice).get(query)).get(NEWCASTLE) == 2

from collections.abc import Callable
from decimal import Decimal
from typing import Any

import pytest
from django.test import Client
from rest_framework.test import APIClient

from museumshare.accounts.models import User
from museumshare.accounts.services import token_create
from museumshare.activities.models import Activity, Kind, Network, NetworkMembership, Visibility
from museumshare.api.activities import ActivityInputSerializer
from museumshare.core.models import AuditEntry
from museumshare.organisations.models import Organisation

ApiAs = Callable[[str], APIClient]
Exhibition = Callable[..., Activity]


def listed(client: APIClient, path: str, query: dict[str, Any]) -> list[str]:
    response = client.get(path, query)
    assert response.status_code == 200, response.json()
    return [row.get("title") or row["name"] for row in response.json()["results"]]


def test_an_editor_records_an_activity_with_its_partners_and_places(
    api_as: ApiAs, alice: User, portrait_gallery: Organisation, laing: Organisation
) -> None:
    body = {
        "title": "What is a Portrait?",
        "kind": Kind.PLACEMENT,
        "lead": portrait_gallery.pk,
        "start_date": "2022-04-01",
        "end_date": "2023-03-31",
        "visibility": Visibility.PUBLIC,
        "funding_amount": "12500.50",
        "evidence_links": "  https://www.npg.org.uk/skills  \n\n",
        "partners": [{"organisation": laing.pk, "role": "host"}],
        "places": [{"organisation": laing.pk}, {"local_authority": "W06000022"}, {"country": "FR"}],
    }

    response = api_as("alice").post("/api/v1/activities/", body, format="json")

    assert response.status_code == 201, response.json()
    data = response.json()
    assert response["Location"] == data["url"] == f"http://testserver/api/v1/activities/{data['id']}/"
    assert type(response["Location"]) is str  # as WSGI servers insist
    assert data["lead"]["name"] == "National Portrait Gallery"
    assert data["area"] == "skills"
    assert data["reporting_years"] == ["2022/23"]
    assert data["funding_amount"] == "12500.50"
    assert data["evidence_links"] == "https://www.npg.org.uk/skills"
    assert sorted((p["name"], p["role"]) for p in data["partners"]) == [
        ("Laing Art Gallery", "host"),
        ("National Portrait Gallery", "lead"),
    ]
    assert [(p["name"], p["district_code"], p["region_code"], p["nation"], p["country"]) for p in data["places"]] == [
        ("Laing Art Gallery", "E08000021", "E12000001", "England", "GB"),
        ("Newport", "W06000022", "W92000004", "Wales", "GB"),
        ("France", "", "", "", "FR"),
    ]
    entry = AuditEntry.objects.get(action="activity.create")
    assert (entry.actor, entry.object_id) == (alice, str(data["id"]))


def test_it_refuses_an_activity_with_the_web_forms_messages_by_field(
    api_as: ApiAs, portrait_gallery: Organisation
) -> None:
    body = {
        "title": "Portraits",
        "kind": Kind.ADVICE,
        "lead": 999999,
        "start_date": "2022-04-01",
        "end_date": "2021-01-01",
        "evidence_links": "not a link",
        "partners": [{"organisation": portrait_gallery.pk}, {"organisation": 999999}],
        "places": [{"local_authority": "E08000021", "country": "FR"}, {}, {"country": "GB"}],
    }

    response = api_as("alice").post("/api/v1/activities/", body, format="json")

    assert response.status_code == 400
    errors = response.json()["errors"]
    assert errors == {
        "lead": ["There is no organisation with the id 999999."],
        "end_date": ["Enter an end date on or after the start date."],
        "evidence_links": ["'not a link' is not a web address; give each one in full, starting https://"],
        "partners.1.organisation": ["There is no organisation with the id 999999."],
        "places.0.non_field_errors": ["Give one of an organisation, a local authority or a country for each place."],
        "places.1.non_field_errors": ["Give an organisation, a local authority or a country."],
        "places.2.country": ["Select a valid choice. GB is not one of the available choices."],
    }
    assert response.json()["detail"] == "The data sent has 7 problems; see errors."
    assert not Activity.objects.exists()


def test_it_refuses_a_body_of_the_wrong_types_before_the_form_sees_it(api_as: ApiAs) -> None:
    response = api_as("alice").post(
        "/api/v1/activities/", {"title": "", "kind": "picnic", "start_date": "soon"}, format="json"
    )

    assert response.status_code == 400
    assert set(response.json()["errors"]) == {"title", "kind", "lead", "start_date"}


def test_a_partial_update_changes_only_what_is_sent_and_keeps_the_partners(
    api_as: ApiAs, exhibition: Exhibition, laing: Organisation
) -> None:
    activity = exhibition(Visibility.PARTNERS, external_ref="NPG-2020-7")

    response = api_as("alice").patch(
        f"/api/v1/activities/{activity.pk}/", {"status": "completed", "end_date": None}, format="json"
    )

    assert response.status_code == 200, response.json()
    activity.refresh_from_db()
    assert (activity.status, activity.end_date, activity.external_ref) == ("completed", None, "NPG-2020-7")
    assert {p["name"] for p in response.json()["partners"]} == {"Laing Art Gallery", "National Portrait Gallery"}
    assert AuditEntry.objects.get(action="activity.update").changes == {
        "status": ["active", "completed"],
        "end_date": ["2021-05-31", None],
    }


def test_an_update_that_sends_places_replaces_them(api_as: ApiAs, exhibition: Exhibition) -> None:
    activity = exhibition()

    response = api_as("alice").patch(
        f"/api/v1/activities/{activity.pk}/", {"places": [{"local_authority": "S12000036"}]}, format="json"
    )

    assert response.status_code == 200, response.json()
    assert [p["name"] for p in response.json()["places"]] == ["City of Edinburgh"]


def test_an_activity_sent_back_as_the_browsable_api_offers_it_changes_nothing(
    api_as: ApiAs, exhibition: Exhibition
) -> None:
    activity = exhibition(Visibility.PARTNERS, funding_amount=Decimal("1200.00"), external_ref="NPG-7")
    offered = ActivityInputSerializer(activity).data

    response = api_as("alice").put(f"/api/v1/activities/{activity.pk}/", offered, format="json")

    assert response.status_code == 200, response.json()
    assert not AuditEntry.objects.filter(action="activity.update").exists()
    assert offered["partners"] == [
        {"organisation": activity.partners.exclude(role="lead").get().organisation_id, "role": "partner"}
    ]
    assert [list(place) for place in offered["places"]] == [["organisation"], ["country"]]


@pytest.mark.parametrize(
    "path",
    ["/api/v1/", "/api/v1/activities/", "/api/v1/activities/{id}/", "/api/v1/organisations/", "/api/v1/networks/"],
)
def test_the_browsable_api_shows_each_page_to_a_signed_in_administrator(
    client: Client, admin_user: User, exhibition: Exhibition, path: str
) -> None:
    client.force_login(admin_user)

    response = client.get(path.format(id=exhibition().pk), HTTP_ACCEPT="text/html")

    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/html")


def test_a_reference_is_used_once(api_as: ApiAs, exhibition: Exhibition, portrait_gallery: Organisation) -> None:
    exhibition(external_ref="NPG-1")
    body = {"title": "Again", "kind": "advice", "lead": portrait_gallery.pk, "start_date": "2024-05-01"}

    response = api_as("alice").post("/api/v1/activities/", body | {"external_ref": "NPG-1"}, format="json")

    assert response.status_code == 400
    assert list(response.json()["errors"]) == ["external_ref"]


def test_activities_filter_like_the_register(
    api_as: ApiAs, exhibition: Exhibition, portrait_gallery: Organisation, laing: Organisation
) -> None:
    exhibition(title="Portraits of the North")
    exhibition(title="Northern lights", kind=Kind.RESEARCH_PROJECT, start_date="2023-06-01", end_date=None)
    client = api_as("anonymous")
    path = "/api/v1/activities/"

    assert listed(client, path, {"year": "2020-21"}) == ["Portraits of the North"]
    assert listed(client, path, {"year": "2024-25"}) == ["Northern lights"]
    assert listed(client, path, {"area": "research"}) == ["Northern lights"]
    assert listed(client, path, {"kind": "co_produced_exhibition"}) == ["Portraits of the North"]
    assert listed(client, path, {"region": "E12000001", "ordering": "title"}) == [
        "Northern lights",
        "Portraits of the North",
    ]
    assert listed(client, path, {"local_authority": "E08000021", "q": "portraits"}) == ["Portraits of the North"]
    assert listed(client, path, {"nation": "Scotland"}) == []
    assert listed(client, path, {"partner": laing.pk, "national": "true"}) == [
        "Northern lights",
        "Portraits of the North",
    ]
    assert listed(client, path, {"partner": portrait_gallery.pk}) == []
    assert listed(client, path, {"organisation": portrait_gallery.pk, "status": "completed"}) == []


@pytest.mark.parametrize(
    "query",
    [
        {"year": "2020-21", "region": "E12000001"},
        {"q": "north", "national": "true", "status": "active"},
        {"area": "collections", "nation": "England", "visibility": "partners"},
        {"kind": "research_project"},
    ],
)
def test_the_api_lists_what_the_register_page_lists(
    client: Client, api_as: ApiAs, bob: User, exhibition: Exhibition, query: dict[str, str]
) -> None:
    for visibility in Visibility:
        exhibition(visibility, title=f"Portraits, {visibility}")
    exhibition(title="Northern lights", kind=Kind.RESEARCH_PROJECT, start_date="2023-06-01", end_date=None)
    exhibition(title="Collections care", kind=Kind.ADVICE, description="Storage in the north")
    client.force_login(bob)

    page = client.get("/activities/", query).context["page"]
    answer = api_as("bob").get("/api/v1/activities/", query).json()

    assert [row["id"] for row in answer["results"]] == [activity.pk for activity in page.object_list]
    assert answer["count"] == page.paginator.count > 0


@pytest.mark.parametrize(
    ("query", "field"),
    [
        ({"year": "2020-22"}, "year"),
        ({"year": "0000-01"}, "year"),
        ({"kind": "picnic"}, "kind"),
        ({"region": "X99"}, "region"),
        ({"organisation": "999999"}, "organisation"),
    ],
)
def test_a_filter_that_makes_no_sense_is_a_400_naming_it(
    api_as: ApiAs, register: dict[str, Organisation], query: dict[str, str], field: str
) -> None:
    response = api_as("anonymous").get("/api/v1/activities/", query)

    assert response.status_code == 400
    assert list(response.json()["errors"]) == [field]


def test_the_directory_filters_and_searches_ignoring_accents_and_case(
    api_as: ApiAs, register: dict[str, Organisation]
) -> None:
    client = api_as("anonymous")
    path = "/api/v1/organisations/"

    assert listed(client, path, {"q": "LAING"}) == ["Laing Art Gallery", "Laing Museum"]
    assert listed(client, path, {"q": "laing", "local_authority": "E08000021"}) == ["Laing Art Gallery"]
    welsh_nationals = client.get(path, {"nation": "Wales", "national": "true"}).json()
    assert welsh_nationals["count"] == 12
    assert listed(client, path, {"region": "W92000004", "q": "house"}) == ["Dylan Thomas Boathouse", "Winding House"]
    laing = client.get(path, {"q": "laing art"}).json()["results"][0]
    assert laing["web_url"] == "http://testserver/organisations/laing-art-gallery/"
    assert (laing["district_code"], laing["region_code"], laing["country"]) == ("E08000021", "E12000001", "GB")


def test_the_list_is_paged_by_fifty(api_as: ApiAs, register: dict[str, Organisation]) -> None:
    client = api_as("anonymous")

    first = client.get("/api/v1/organisations/").json()
    beyond = client.get("/api/v1/organisations/", {"page": 999})

    assert len(first["results"]) == 50
    assert first["count"] == Organisation.objects.count()
    assert first["next"] == "http://testserver/api/v1/organisations/?page=2"
    assert beyond.status_code == 404
    assert beyond.json() == {"detail": "Invalid page."}


def test_an_editor_changes_the_offer_with_the_web_forms_rules(api_as: ApiAs, bob: User, laing: Organisation) -> None:
    response = api_as("bob").patch(
        f"/api/v1/organisations/{laing.pk}/",
        {"website": "laingartgallery.org.uk", "offers_loans": "Watercolours of the North East"},
        format="json",
    )

    assert response.status_code == 200, response.json()
    assert response.json()["website"] == "https://laingartgallery.org.uk"
    entry = AuditEntry.objects.get(action="organisation.update")
    assert entry.actor == bob
    assert set(entry.changes) == {"website", "offers_loans"}


def test_only_the_offer_of_an_organisation_can_be_changed(api_as: ApiAs, laing: Organisation) -> None:
    response = api_as("admin").patch(
        f"/api/v1/organisations/{laing.pk}/", {"name": "Renamed", "is_national": True}, format="json"
    )

    # Refused by name, not silently dropped: the client must not believe it renamed the museum.
    assert response.status_code == 400
    assert sorted(response.json()["errors"]) == ["is_national", "name"]
    laing.refresh_from_db()
    assert (laing.name, laing.is_national) == ("Laing Art Gallery", False)
    assert api_as("admin").put(f"/api/v1/organisations/{laing.pk}/", {}, format="json").status_code == 405


def test_networks_list_their_members_by_year(
    api_as: ApiAs, portrait_gallery: Organisation, laing: Organisation
) -> None:
    network = Network.objects.create(name="Portrait network", coordinator=portrait_gallery)
    for organisation, year in [(portrait_gallery, 2020), (laing, 2020), (laing, 2021)]:
        NetworkMembership.objects.create(network=network, organisation=organisation, year=year)

    data = api_as("anonymous").get(f"/api/v1/networks/{network.pk}/").json()

    assert data["coordinator"]["name"] == "National Portrait Gallery"
    assert [(m["year_label"], [o["name"] for o in m["organisations"]]) for m in data["memberships"]] == [
        ("2021/22", ["Laing Art Gallery"]),
        ("2020/21", ["Laing Art Gallery", "National Portrait Gallery"]),
    ]


def test_a_script_signs_in_with_a_token_alice_made(alice: User, exhibition: Exhibition) -> None:
    activity = exhibition(Visibility.PRIVATE)

    _, key = token_create(actor=alice, user=alice, name="Nightly export")
    client = APIClient()

    assert client.get(f"/api/v1/activities/{activity.pk}/").status_code == 404
    assert client.get(f"/api/v1/activities/{activity.pk}/", HTTP_AUTHORIZATION=f"Token {key}").status_code == 200
    wrong = client.get(f"/api/v1/activities/{activity.pk}/", HTTP_AUTHORIZATION="Token wrong")
    assert (wrong.status_code, wrong["WWW-Authenticate"]) == (401, "Token")


def test_a_signed_in_browser_writes_only_with_its_csrf_token(alice: User, exhibition: Exhibition) -> None:
    activity = exhibition()
    client = APIClient(enforce_csrf_checks=True)
    client.force_login(alice)
    # The browsable API's forms set the cookie, as any page with a form does.
    client.get(f"/api/v1/activities/{activity.pk}/", HTTP_ACCEPT="text/html")

    refused = client.patch(f"/api/v1/activities/{activity.pk}/", {"visitors": 10}, format="json")
    allowed = client.patch(
        f"/api/v1/activities/{activity.pk}/",
        {"visitors": 10},
        format="json",
        HTTP_X_CSRFTOKEN=client.cookies["csrftoken"].value,
    )

    assert refused.status_code == 403
    assert "CSRF" in refused.json()["detail"]
    assert allowed.status_code == 200


def test_an_unknown_address_under_the_api_is_a_json_404(client: Client) -> None:
    response = client.get("/api/v1/exhibitions/")

    assert response.status_code == 404
    assert response.json() == {"detail": "Not found."}


@pytest.mark.django_db
def test_the_schema_and_its_docs_are_served_without_a_cdn(client: Client) -> None:
    schema = client.get("/api/v1/schema/", HTTP_ACCEPT="application/vnd.oai.openapi+json")
    docs = client.get("/api/v1/docs/")

    assert schema.status_code == 200
    assert schema.json()["info"] == {
        "title": "museumshare API",
        "version": "1",
        "description": schema.json()["info"]["description"],
    }
    assert docs.status_code == 200
    page = docs.content.decode()
    assert "/static/drf_spectacular_sidecar/swagger-ui-dist/" in page
    assert "cdn" not in page.lower()

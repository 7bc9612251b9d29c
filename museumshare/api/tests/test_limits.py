"""What the API, the web forms and the importers refuse, the same way each: text too long or with
control characters, fields the API does not know, JSON nested too deep, negative amounts; and the
events of a programme the reader may not see, which no list shows."""

from collections.abc import Callable

import pytest
from django.test import Client
from rest_framework.test import APIClient

from museumshare.accounts.models import User
from museumshare.activities.forms import ActivityForm
from museumshare.activities.importer import import_activities_content
from museumshare.activities.models import Activity
from museumshare.api.tests.conftest import PEOPLE, Programmes
from museumshare.core.imports import ImportFailed
from museumshare.needs.models import Need
from museumshare.organisations.models import Organisation
from museumshare.programmes import services as programme_services
from museumshare.programmes.models import Event, EventKind

pytestmark = pytest.mark.django_db
ApiAs = Callable[[str], APIClient]
NEED = {
    "kind": "loans",
    "subjects": ["Arts-Fine_and_decorative_arts"],
    "title": "Borrow Georgian portraits",
    "description": "Portraits of Tyneside sitters for a 2027 exhibition.",
    "starts": "2027-03-01",
    "ends": "2027-09-30",
}
HUGE = "Portraits. " * 210_000  # 2.3 MB


def web(user: User) -> Client:
    client = Client()
    client.force_login(user)
    return client


# Events of a programme the reader may not see


@pytest.fixture
def leads_meeting(alice: User, programmes: Programmes) -> Event:
    return programme_services.event_create(
        actor=alice,
        data={
            "programme": programmes.private,
            "organiser": programmes.private.lead,
            "kind": EventKind.SEMINAR,
            "title": "The leads' private meeting",
            "starts_at": programmes.seminar.starts_at,
        },
    )


def test_the_api_lists_and_shows_an_event_exactly_to_those_the_web_page_shows_it_to(
    api_as: ApiAs, cast: dict[str, User], leads_meeting: Event
) -> None:
    for person in PEOPLE:
        user = cast.get(person)
        listed = {row["id"] for row in api_as(person).get("/api/v1/events/").json()["results"]}
        shown = api_as(person).get(f"/api/v1/events/{leads_meeting.pk}/").status_code
        page = (web(user) if user else Client()).get(leads_meeting.get_absolute_url()).status_code
        sees = person in ("alice", "analyst", "admin")
        assert (leads_meeting.pk in listed) is sees, person
        assert shown == page == (200 if sees else 404), person


def test_anonymous_readers_never_see_a_private_programmes_event(api_as: ApiAs, leads_meeting: Event) -> None:
    answer = api_as("anonymous").get("/api/v1/events/")

    assert leads_meeting.title not in answer.content.decode()
    assert api_as("anonymous").get(f"/api/v1/events/{leads_meeting.pk}/").status_code == 404


# Text: length and control characters


def test_a_description_of_megabytes_is_refused_by_the_api_and_the_web_form(
    api_as: ApiAs, bob: User, laing: Organisation
) -> None:
    answer = api_as("bob").post("/api/v1/needs/", NEED | {"organisation": laing.pk, "description": HUGE}, format="json")
    page = web(bob).post("/needs/new/", NEED | {"organisation": laing.pk, "description": HUGE, "visibility": "public"})

    assert answer.status_code == 400
    assert list(answer.json()["errors"]) == ["description"]
    assert page.status_code == 200
    assert "description" in page.context["form"].errors
    assert not Need.objects.exists()


@pytest.mark.parametrize("title", ["Portraits\x00", "Portraits\x1b[31m", "Two\nlines", "Bell\x07"])
def test_control_characters_in_a_title_are_refused(api_as: ApiAs, laing: Organisation, title: str) -> None:
    answer = api_as("bob").post("/api/v1/needs/", NEED | {"organisation": laing.pk, "title": title}, format="json")

    assert answer.status_code == 400
    assert "control characters" in answer.json()["errors"]["title"][0]


def test_a_description_keeps_its_tabs_and_line_breaks(api_as: ApiAs, laing: Organisation) -> None:
    body = NEED | {"organisation": laing.pk, "description": "First line.\r\n\tSecond line."}

    assert api_as("bob").post("/api/v1/needs/", body, format="json").status_code == 201


# What the API does not know, and JSON nested too deep


def test_a_field_the_api_does_not_know_is_refused_by_name(api_as: ApiAs, laing: Organisation) -> None:
    answer = api_as("bob").post("/api/v1/needs/", NEED | {"organisation": laing.pk, "urgent": True}, format="json")

    assert answer.status_code == 400
    assert answer.json()["errors"] == {"urgent": ["This field is not known here."]}
    assert not Need.objects.exists()


def test_a_field_unknown_inside_a_nested_input_is_refused_too(api_as: ApiAs, portrait_gallery: Organisation) -> None:
    body = {"title": "Portraits", "kind": "placement", "lead": portrait_gallery.pk, "start_date": "2022-04-01",
            "partners": [{"organisation": portrait_gallery.pk, "role": "host", "colour": "red"}]}  # fmt: skip

    answer = api_as("alice").post("/api/v1/activities/", body, format="json")

    assert answer.status_code == 400
    assert "colour" in answer.content.decode()


@pytest.mark.parametrize("levels", [33, 100_000])
def test_json_nested_too_deep_is_a_400_not_a_server_error(api_as: ApiAs, levels: int) -> None:
    body = "[" * levels + "]" * levels

    answer = api_as("bob").post("/api/v1/needs/", body, content_type="application/json")

    assert answer.status_code == 400
    assert "nested more than 32 levels" in answer.content.decode()


# Amounts that cannot be negative


def test_negative_funding_is_refused_by_the_form_the_api_and_the_importer(
    api_as: ApiAs, alice: User, portrait_gallery: Organisation
) -> None:
    fields = {"title": "Portraits", "kind": "placement", "start_date": "2022-04-01", "funding_amount": "-500"}

    form = ActivityForm(fields | {"lead": portrait_gallery.name, "status": "active", "visibility": "public"})
    answer = api_as("alice").post("/api/v1/activities/", fields | {"lead": portrait_gallery.pk}, format="json")
    csv = (
        "ref,title,kind,lead,start_date,funding_amount\n"
        f"A1,Portraits,placement,{portrait_gallery.name},2022-04-01,-500\n"
    )
    with pytest.raises(ImportFailed) as failure:
        import_activities_content(name="activities.csv", content=csv.encode(), actor=alice)

    assert "funding_amount" in form.errors
    assert answer.status_code == 400
    assert list(answer.json()["errors"]) == ["funding_amount"]
    assert failure.value.summary is not None
    assert [(problem.row, problem.column) for problem in failure.value.summary.errors] == [(2, "funding_amount")]
    assert not Activity.objects.exists()

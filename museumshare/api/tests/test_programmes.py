"""Programmes, opportunities, events and resources through the API, by the web pages' rules.

alice edits at the National Portrait Gallery, which leads both programmes and hosts most of the
opportunities; bob edits at the Laing, a member of the public programme; charlie belongs to
neither; the analyst sees every programme; the administrator may do anything.
"""

from collections.abc import Callable
from datetime import date, timedelta
from typing import Any

import pytest
from rest_framework.test import APIClient

from museumshare.accounts.models import User
from museumshare.api.tests.conftest import PEOPLE, Programmes, opportunity_data
from museumshare.core.models import AuditEntry
from museumshare.organisations.models import Organisation
from museumshare.programmes import services
from museumshare.programmes.models import Application, Event, Opportunity, Resource

ApiAs = Callable[[str], APIClient]


def ids(answer: Any) -> set[int]:
    data = answer.json()
    assert data["count"] == len(data["results"])
    return {row["id"] for row in data["results"]}


def slugs(answer: Any) -> set[str]:
    return {row["slug"] for row in answer.json()["results"]}


# Programmes


def test_a_private_programme_is_seen_only_by_those_the_rules_allow(
    api_as: ApiAs, cast: dict[str, User], programmes: Programmes
) -> None:
    private = programmes.private

    listed = {person: slugs(api_as(person).get("/api/v1/programmes/")) for person in PEOPLE}
    statuses = {person: api_as(person).get(f"/api/v1/programmes/{private.slug}/").status_code for person in PEOPLE}

    allowed = {
        person
        for person in PEOPLE
        if person != "anonymous" and cast[person].has_perm("programmes.view_programme", private)
    }
    assert allowed == {"alice", "analyst", "admin"}
    assert listed == {
        person: {"portrait-skills", "leads-circle"} if person in allowed else {"portrait-skills"} for person in PEOPLE
    }
    assert statuses == {person: 200 if person in allowed else 404 for person in PEOPLE}


def test_a_programme_shows_its_lead_members_and_open_opportunities(
    api_as: ApiAs, programmes: Programmes, portrait_gallery: Organisation, laing: Organisation
) -> None:
    answer = api_as("anonymous").get("/api/v1/programmes/portrait-skills/").json()

    assert answer["lead"]["id"] == portrait_gallery.pk
    assert answer["lead"]["name"] == "National Portrait Gallery"
    assert [(m["organisation"]["id"], m["role"], m["joined"], m["left"]) for m in answer["members"]] == [
        (laing.pk, "partner", "2024-04-01", None),
        (portrait_gallery.pk, "lead", "2024-04-01", None),
    ]
    # The internship only: the draft and the closed placement take no applications.
    assert answer["open_opportunities"] == 1


# Opportunities: who sees what


@pytest.mark.parametrize("person", PEOPLE)
def test_anyone_sees_published_opportunities_and_only_their_managers_see_drafts(
    api_as: ApiAs, programmes: Programmes, person: str
) -> None:
    client = api_as(person)
    published = {programmes.internship.pk, programmes.closed.pk, programmes.laing_placement.pk}
    sees_draft = person in ("alice", "admin")

    listed = ids(client.get("/api/v1/opportunities/"))
    draft = client.get(f"/api/v1/opportunities/{programmes.draft.pk}/")

    assert listed == published | ({programmes.draft.pk} if sees_draft else set())
    assert draft.status_code == (200 if sees_draft else 404)


def test_an_opportunity_counts_places_taken_but_never_shows_applications(
    api_as: ApiAs, programmes: Programmes, alice: User, bob: User, laing: Organisation
) -> None:
    internship = programmes.internship
    services.application_submit(opportunity=internship, actor=bob, organisation=laing, statement="I restore frames.")
    # The host records who took part.
    services.participation_record(
        opportunity=internship, actor=alice, data={"name": "Bob Bell", "home": laing, "start_date": date.today()}
    )

    answer = api_as("charlie").get(f"/api/v1/opportunities/{internship.pk}/").json()

    assert (answer["places"], answer["places_taken"], answer["places_left"]) == (2, 1, 1)
    assert answer["accepting_applications"] is True
    assert "I restore frames" not in str(answer)
    assert answer["programme"]["slug"] == "portrait-skills"
    assert answer["host"]["region_code"] == "E12000007"


def test_a_programme_someone_may_not_see_is_null_on_its_opportunities(
    api_as: ApiAs, programmes: Programmes, alice: User, portrait_gallery: Organisation
) -> None:
    hidden = services.opportunity_create(
        actor=alice, data=opportunity_data(portrait_gallery, programmes.private, title="Leads' shadowing")
    )

    for person, expected in (("charlie", None), ("alice", "leads-circle")):
        answer = api_as(person).get(f"/api/v1/opportunities/{hidden.pk}/").json()
        assert (answer["programme"] or {}).get("slug") == expected, person


# Opportunities: filters


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ({"kind": "paid_internship"}, {"internship"}),
        ({"skills_area": "collections_care"}, {"closed", "laing_placement"}),
        ({"region": "E12000001"}, {"laing_placement"}),
        ({"paid": "true"}, {"internship"}),
        ({"paid": "false"}, {"closed", "laing_placement"}),
        ({"programme": "portrait-skills"}, {"internship", "closed"}),
        ({"open": "true"}, {"internship", "laing_placement"}),
        ({"open": "false"}, {"closed"}),
        ({"status": "closed"}, {"closed"}),
        ({"closing_before": (date.today() + timedelta(days=29)).isoformat()}, set()),
        (
            {"closing_before": (date.today() + timedelta(days=30)).isoformat()},
            {"internship", "closed", "laing_placement"},
        ),
        ({"open": "true", "region": "E12000007"}, {"internship"}),
    ],
)
def test_opportunities_filter(api_as: ApiAs, programmes: Programmes, query: dict[str, str], expected: set[str]) -> None:
    names = {getattr(programmes, name).pk: name for name in ("internship", "draft", "closed", "laing_placement")}

    listed = ids(api_as("anonymous").get("/api/v1/opportunities/", query))

    assert {names[pk] for pk in listed} == expected


def test_a_filter_that_makes_no_sense_is_a_400_naming_it(api_as: ApiAs, programmes: Programmes) -> None:
    answer = api_as("anonymous").get("/api/v1/opportunities/", {"kind": "holiday", "closing_before": "soon"})

    assert answer.status_code == 400
    assert set(answer.json()["errors"]) == {"kind", "closing_before"}


# Opportunities: offering and changing


def new_internship(host: Organisation, **extra: Any) -> dict[str, Any]:
    today = date.today()
    return {
        "host": host.pk,
        "programme": "portrait-skills",
        "kind": "paid_internship",
        "title": "Digital collections internship",
        "description": "Six months cataloguing portraits online.",
        "skills_area": "digital",
        "start_date": (today + timedelta(days=90)).isoformat(),
        "closing_date": (today + timedelta(days=45)).isoformat(),
        "paid": True,
        "pay": "£12.60 an hour",
        "status": "open",
    } | extra


def test_an_editor_at_the_host_offers_an_opportunity(
    api_as: ApiAs, programmes: Programmes, alice: User, portrait_gallery: Organisation
) -> None:
    answer = api_as("alice").post("/api/v1/opportunities/", new_internship(portrait_gallery), format="json")

    assert answer.status_code == 201
    opportunity = Opportunity.objects.get(pk=answer.json()["id"])
    assert answer["Location"] == answer.json()["url"]
    assert (opportunity.host, opportunity.programme, opportunity.created_by) == (
        portrait_gallery,
        programmes.public,
        alice,
    )
    assert AuditEntry.objects.filter(action="opportunity.create", object_id=str(opportunity.pk)).exists()


@pytest.mark.parametrize(("person", "status"), [("anonymous", 401), ("charlie", 403), ("bob", 403), ("analyst", 403)])
def test_only_those_who_may_offer_for_the_host_create_an_opportunity(
    api_as: ApiAs, programmes: Programmes, portrait_gallery: Organisation, person: str, status: int
) -> None:
    answer = api_as(person).post("/api/v1/opportunities/", new_internship(portrait_gallery), format="json")

    assert answer.status_code == status
    assert not Opportunity.objects.filter(title="Digital collections internship").exists()


def test_bob_is_told_why_he_cannot_offer_for_the_portrait_gallery(
    api_as: ApiAs, programmes: Programmes, portrait_gallery: Organisation
) -> None:
    answer = api_as("bob").post("/api/v1/opportunities/", new_internship(portrait_gallery), format="json")

    assert answer.status_code == 403
    assert "not National Portrait Gallery" in answer.json()["detail"]


def test_an_opportunity_is_checked_by_the_web_form(
    api_as: ApiAs, programmes: Programmes, portrait_gallery: Organisation
) -> None:
    late = (date.today() + timedelta(days=120)).isoformat()
    data = new_internship(portrait_gallery, pay="", closing_date=late, programme="no-such-programme")

    answer = api_as("alice").post("/api/v1/opportunities/", data, format="json")
    without_programme = api_as("alice").post("/api/v1/opportunities/", data | {"programme": None}, format="json")

    assert answer.status_code == 400
    assert answer.json()["errors"] == {"programme": ["There is no programme with the slug no-such-programme."]}
    assert set(without_programme.json()["errors"]) == {"pay", "closing_date"}


def test_a_programme_one_does_not_manage_is_not_offered(
    api_as: ApiAs, programmes: Programmes, laing: Organisation
) -> None:
    # bob's Laing is a member of the programme; only its lead's people manage it.
    answer = api_as("bob").post("/api/v1/opportunities/", new_internship(laing), format="json")

    assert answer.status_code == 400
    assert set(answer.json()["errors"]) == {"programme"}


def test_the_host_changes_an_opportunity_and_others_may_not(api_as: ApiAs, programmes: Programmes) -> None:
    url = f"/api/v1/opportunities/{programmes.internship.pk}/"
    draft_url = f"/api/v1/opportunities/{programmes.draft.pk}/"

    changed = api_as("alice").patch(url, {"title": "Portrait conservation internship", "places": 3}, format="json")
    by_bob = api_as("bob").patch(url, {"title": "Mine now"}, format="json")
    draft_by_charlie = api_as("charlie").patch(draft_url, {"title": "Mine now"}, format="json")
    by_anonymous = api_as("anonymous").patch(url, {"title": "Mine now"}, format="json")

    assert changed.status_code == 200
    assert (changed.json()["title"], changed.json()["places"]) == ("Portrait conservation internship", 3)
    assert [by_bob.status_code, draft_by_charlie.status_code, by_anonymous.status_code] == [403, 404, 401]
    entry = AuditEntry.objects.filter(action="opportunity.update").get()
    assert set(entry.changes) == {"title", "places"}


def test_the_refusals_are_the_services_in_their_words(
    api_as: ApiAs, programmes: Programmes, portrait_gallery: Organisation
) -> None:
    placement_url = f"/api/v1/opportunities/{programmes.laing_placement.pk}/"
    not_hers = (
        "You can offer opportunities only for organisations you edit for, or members of programmes you manage; "
        "not National Portrait Gallery."
    )

    refusals = [
        api_as("charlie").post("/api/v1/opportunities/", new_internship(portrait_gallery), format="json"),
        api_as("bob").post("/api/v1/opportunities/", new_internship(portrait_gallery, programme=None), format="json"),
        api_as("bob").patch(f"/api/v1/opportunities/{programmes.internship.pk}/", {"title": "Mine"}, format="json"),
        api_as("bob").patch(placement_url, {"host": portrait_gallery.pk}, format="json"),
    ]

    assert [(answer.status_code, answer.json()["detail"]) for answer in refusals] == [
        (403, "Only editors at an organisation and programme managers can offer opportunities."),
        (403, not_hers),
        (403, "Only the host's editors and the programme's managers can change this opportunity."),
        (403, not_hers),
    ]
    assert not AuditEntry.objects.filter(action="opportunity.update").exists()


def test_only_a_programmes_managers_put_an_opportunity_in_it(api_as: ApiAs, programmes: Programmes) -> None:
    url = f"/api/v1/opportunities/{programmes.laing_placement.pk}/"

    by_bob = api_as("bob").patch(url, {"programme": "portrait-skills"}, format="json")

    assert by_bob.status_code == 400
    assert by_bob.json()["errors"] == {
        "programme": ["Choose a programme you manage: you do not manage Portrait skills."]
    }
    assert Opportunity.objects.get(pk=programmes.laing_placement.pk).programme is None


# Applying


def test_a_closed_opportunity_refuses_an_application_saying_why(
    api_as: ApiAs, programmes: Programmes, laing: Organisation
) -> None:
    answer = api_as("bob").post(
        f"/api/v1/opportunities/{programmes.closed.pk}/apply/",
        {"organisation": laing.pk, "statement": "I would like to learn."},
        format="json",
    )

    assert answer.status_code == 400
    assert answer.json()["errors"] == {
        "non_field_errors": ["This opportunity has closed, so it is not taking applications."]
    }
    assert not Application.objects.exists()


def test_someone_signed_in_applies_once(api_as: ApiAs, programmes: Programmes, bob: User, laing: Organisation) -> None:
    url = f"/api/v1/opportunities/{programmes.internship.pk}/apply/"
    data = {"organisation": laing.pk, "statement": "I restore frames."}

    anonymous = api_as("anonymous").post(url, data, format="json")
    first = api_as("bob").post(url, data, format="json")
    again = api_as("bob").post(url, data, format="json")
    draft = api_as("bob").post(f"/api/v1/opportunities/{programmes.draft.pk}/apply/", data, format="json")

    assert anonymous.status_code == 401
    assert first.status_code == 201
    assert first.json()["status"] == "submitted"
    assert Application.objects.get().applicant == bob
    assert again.status_code == 400
    assert again.json()["errors"]["non_field_errors"] == [
        "You have already applied for this opportunity: see Your applications."
    ]
    assert draft.status_code == 404


# Events


def test_the_online_link_and_the_minutes_are_only_for_those_allowed(
    api_as: ApiAs, programmes: Programmes, bob: User
) -> None:
    url = f"/api/v1/events/{programmes.seminar.pk}/"

    for person in ("anonymous", "charlie"):
        answer = api_as(person).get(url).json()
        assert (answer["online_link"], answer["minutes"], answer["actions"]) == (None, None, None), person
    for_alice = api_as("alice").get(url).json()
    assert for_alice["online_link"] == "https://meet.example.org/portraits"
    assert for_alice["minutes"] == "We agreed to share our lighting plans."
    assert [action["description"] for action in for_alice["actions"]] == ["Share the lighting plans"]
    # bob's Laing is a member of the programme: he reads the minutes, and the link once registered.
    assert api_as("bob").get(url).json()["online_link"] is None
    assert api_as("bob").get(url).json()["minutes"] is not None
    services.event_register(event=programmes.seminar, actor=bob, organisation=None)
    for_bob = api_as("bob").get(url).json()
    assert (for_bob["online_link"], for_bob["registered"], for_bob["registrations"]) == (
        "https://meet.example.org/portraits",
        True,
        1,
    )


def test_the_list_shows_the_minutes_exactly_to_those_the_rules_allow(
    api_as: ApiAs, cast: dict[str, User], programmes: Programmes, charlie: User
) -> None:
    services.event_register(event=programmes.laing_talk, actor=charlie, organisation=None)

    for person in PEOPLE:
        rows = api_as(person).get("/api/v1/events/").json()["results"]
        assert len(rows) == 2
        for row in rows:
            event = Event.objects.get(pk=row["id"])
            allowed = person != "anonymous" and cast[person].has_perm("programmes.view_minutes", event)
            assert (row["minutes"] is not None) == allowed, (person, event)


def test_events_filter(api_as: ApiAs, programmes: Programmes) -> None:
    client = api_as("anonymous")

    assert ids(client.get("/api/v1/events/", {"kind": "webinar"})) == {programmes.laing_talk.pk}
    assert ids(client.get("/api/v1/events/", {"programme": "portrait-skills"})) == {programmes.seminar.pk}
    assert ids(client.get("/api/v1/events/", {"upcoming": "false"})) == set()


# Resources


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ({}, {"guide", "film"}),
        ({"q": "condition"}, {"guide"}),
        ({"q": "hanging show"}, {"film"}),
        ({"kind": "film"}, {"film"}),
        ({"skills_area": "exhibitions"}, {"film"}),
        ({"programme": "portrait-skills"}, {"guide"}),
        ({"language": "welsh"}, {"film"}),
    ],
)
def test_resources_search_and_filter(
    api_as: ApiAs, programmes: Programmes, query: dict[str, str], expected: set[str]
) -> None:
    names = {programmes.guide.pk: "guide", programmes.film.pk: "film"}

    listed = ids(api_as("charlie").get("/api/v1/resources/", query))

    assert {names[pk] for pk in listed} == expected


def test_a_resource_gives_its_link(api_as: ApiAs, programmes: Programmes) -> None:
    answer = api_as("anonymous").get(f"/api/v1/resources/{programmes.film.pk}/").json()

    assert answer["link"] == "https://example.org/film"
    assert answer["organisation"]["name"] == "Laing Art Gallery"


def test_resources_are_read_only(api_as: ApiAs, programmes: Programmes) -> None:
    answer = api_as("admin").post("/api/v1/resources/", {"title": "New"}, format="json")

    assert answer.status_code == 405
    assert Resource.objects.count() == 2


# Queries


def more_of_everything(programmes: Programmes, alice: User, portrait_gallery: Organisation, n: int = 8) -> None:
    for i in range(n):
        services.opportunity_create(
            actor=alice, data=opportunity_data(portrait_gallery, programmes.public, title=f"Placement {i}")
        )
        services.opportunity_create(
            actor=alice,
            data=opportunity_data(portrait_gallery, programmes.private, title=f"Draft {i}", status="draft"),
        )
        event = services.event_create(
            actor=alice,
            data={
                "programme": programmes.public,
                "organiser": portrait_gallery,
                "kind": "workshop",
                "title": f"Workshop {i}",
                "starts_at": programmes.seminar.starts_at + timedelta(days=i),
            },
        )
        services.action_create(event=event, actor=alice, data={"description": f"Action {i}"})
        services.resource_create(
            actor=alice,
            data={
                "title": f"Guide {i}",
                "kind": "guide",
                "description": "A guide.",
                "url": "https://example.org/",
                "programme": programmes.public,
            },
        )
        services.programme_create(
            actor=alice,
            data={"name": f"Programme {i}", "lead": portrait_gallery, "summary": "More.", "start_date": date.today()},
        )


@pytest.mark.parametrize("person", ["anonymous", "alice", "bob"])
@pytest.mark.parametrize("endpoint", ["programmes", "opportunities", "events", "resources"])
def test_a_list_takes_the_same_few_queries_however_long(
    api_as: ApiAs,
    programmes: Programmes,
    alice: User,
    portrait_gallery: Organisation,
    django_assert_max_num_queries: Any,
    person: str,
    endpoint: str,
) -> None:
    more_of_everything(programmes, alice, portrait_gallery)
    client = api_as(person)

    with django_assert_max_num_queries(14):
        answer = client.get(f"/api/v1/{endpoint}/")

    assert answer.status_code == 200
    assert answer.json()["count"] > 8

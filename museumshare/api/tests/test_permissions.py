"""Who may do what through the API: the cast × an activity's visibility × every endpoint.

alice edits at the National Portrait Gallery, which leads the activity; bob edits at the Laing,
its partner; charlie belongs to neither; the analyst sees everything and changes nothing; the
administrator may do anything. An activity someone may not see is a 404 and is never counted.
"""

from collections.abc import Callable
from typing import Any

import pytest
from rest_framework.test import APIClient

from museumshare.activities.models import Activity, Visibility
from museumshare.api.tests.conftest import PEOPLE
from museumshare.core.models import AuditEntry
from museumshare.organisations.models import Organisation

SEES: dict[str, set[str]] = {
    Visibility.PUBLIC: set(PEOPLE),
    Visibility.PARTNERS: {"alice", "bob", "analyst", "admin"},
    Visibility.PRIVATE: {"alice", "analyst", "admin"},
}
CHANGES = {"alice", "admin"}
VISIBILITIES = [Visibility.PUBLIC, Visibility.PARTNERS, Visibility.PRIVATE]

ApiAs = Callable[[str], APIClient]
Exhibition = Callable[..., Activity]


def refused_or(allowed: int, visibility: str) -> dict[str, int]:
    """The status each person gets for a write: 401 without an account, 404 if they cannot see it, else 403."""
    return {
        person: 401
        if person == "anonymous"
        else allowed
        if person in CHANGES
        else 403
        if person in SEES[visibility]
        else 404
        for person in PEOPLE
    }


@pytest.mark.parametrize("visibility", VISIBILITIES)
def test_the_list_shows_and_counts_only_what_each_person_may_see(
    api_as: ApiAs, exhibition: Exhibition, laing: Organisation, visibility: str
) -> None:
    activity = exhibition(visibility)
    # Filters that name the partner must not reveal the activity either.
    queries: list[dict[str, Any]] = [
        {},
        {"organisation": laing.pk},
        {"partner": laing.pk},
        {"year": "2020-21"},
        {"q": "Portraits"},
    ]

    seen = {}
    for person in PEOPLE:
        answers = [api_as(person).get("/api/v1/activities/", query).json() for query in queries]
        assert {answer["count"] for answer in answers} == {len(answers[0]["results"])}, person
        seen[person] = {row["id"] for answer in answers for row in answer["results"]}

    assert seen == {person: {activity.pk} if person in SEES[visibility] else set() for person in PEOPLE}


@pytest.mark.parametrize("visibility", VISIBILITIES)
def test_an_activity_someone_may_not_see_is_not_found(api_as: ApiAs, exhibition: Exhibition, visibility: str) -> None:
    activity = exhibition(visibility)

    statuses = {person: api_as(person).get(f"/api/v1/activities/{activity.pk}/").status_code for person in PEOPLE}

    assert statuses == {person: 200 if person in SEES[visibility] else 404 for person in PEOPLE}


@pytest.mark.parametrize("visibility", VISIBILITIES)
def test_only_editors_at_the_lead_and_administrators_change_an_activity(
    api_as: ApiAs, exhibition: Exhibition, visibility: str
) -> None:
    activity = exhibition(visibility)

    statuses = {
        person: api_as(person)
        .patch(f"/api/v1/activities/{activity.pk}/", {"visitors": 100 + n}, format="json")
        .status_code
        for n, person in enumerate(PEOPLE)
    }

    assert statuses == refused_or(200, visibility)
    activity.refresh_from_db()
    assert activity.visitors == 100 + PEOPLE.index("admin")
    assert set(AuditEntry.objects.filter(action="activity.update").values_list("actor__email", flat=True)) == {
        "alice@example.org",
        "admin@example.org",
    }


@pytest.mark.parametrize("visibility", VISIBILITIES)
def test_a_full_update_is_refused_to_the_same_people(api_as: ApiAs, exhibition: Exhibition, visibility: str) -> None:
    activity = exhibition(visibility)
    body = {
        "title": "Portraits of the North, extended",
        "kind": activity.kind,
        "lead": activity.lead_id,
        "start_date": "2020-09-01",
        "visibility": visibility,
    }

    statuses = {
        person: api_as(person).put(f"/api/v1/activities/{activity.pk}/", body, format="json").status_code
        for person in PEOPLE
    }

    assert statuses == refused_or(200, visibility)


@pytest.mark.parametrize("visibility", VISIBILITIES)
def test_only_editors_at_the_lead_and_administrators_delete_an_activity(
    api_as: ApiAs, exhibition: Exhibition, visibility: str
) -> None:
    activities = {person: exhibition(visibility) for person in PEOPLE}

    statuses = {
        person: api_as(person).delete(f"/api/v1/activities/{activities[person].pk}/").status_code for person in PEOPLE
    }

    assert statuses == refused_or(204, visibility)
    assert set(Activity.objects.values_list("pk", flat=True)) == {
        activities[person].pk for person in PEOPLE if person not in CHANGES
    }


def test_editors_record_activities_only_for_their_own_organisation(
    api_as: ApiAs, portrait_gallery: Organisation, laing: Organisation
) -> None:
    def record(person: str, lead: Organisation) -> int:
        body = {"title": f"{person}'s talk", "kind": "advice", "lead": lead.pk, "start_date": "2024-05-01"}
        return api_as(person).post("/api/v1/activities/", body, format="json").status_code

    statuses = {person: record(person, portrait_gallery) for person in PEOPLE}

    assert statuses == {"anonymous": 401, "alice": 201, "bob": 403, "charlie": 403, "analyst": 403, "admin": 201}
    assert record("bob", laing) == 201
    assert sorted(Activity.objects.values_list("title", flat=True)) == ["admin's talk", "alice's talk", "bob's talk"]


def test_a_lead_cannot_be_handed_to_an_organisation_the_editor_does_not_edit_for(
    api_as: ApiAs, exhibition: Exhibition, laing: Organisation
) -> None:
    activity = exhibition(Visibility.PUBLIC)

    response = api_as("alice").patch(f"/api/v1/activities/{activity.pk}/", {"lead": laing.pk}, format="json")

    assert response.status_code == 403
    assert "Laing Art Gallery" in response.json()["detail"]
    assert Activity.objects.get(pk=activity.pk).lead != laing


def test_the_apis_refusals_are_the_services_in_their_words(
    api_as: ApiAs, exhibition: Exhibition, portrait_gallery: Organisation
) -> None:
    activity = exhibition(Visibility.PUBLIC)
    body = {"title": "A talk", "kind": "advice", "lead": portrait_gallery.pk, "start_date": "2024-05-01"}
    charlie = api_as("charlie")

    refusals = [
        charlie.post("/api/v1/activities/", body, format="json"),
        charlie.patch(f"/api/v1/activities/{activity.pk}/", {"title": "Mine"}, format="json"),
        charlie.delete(f"/api/v1/activities/{activity.pk}/"),
        charlie.patch(f"/api/v1/organisations/{portrait_gallery.pk}/", {"offers_loans": "Mine"}, format="json"),
    ]

    assert [(response.status_code, response.json()["detail"]) for response in refusals] == [
        (403, "Only editors at an organisation can record activities."),
        (403, "Only editors at the lead organisation can change or delete this activity."),
        (403, "Only editors at the lead organisation can change or delete this activity."),
        (403, "Only editors at the organisation can change its profile."),
    ]


@pytest.mark.parametrize(
    ("organisation", "editors"),
    [("portrait_gallery", {"alice", "admin"}), ("laing", {"bob", "admin"})],
)
def test_only_an_organisations_editors_and_administrators_change_its_profile(
    api_as: ApiAs, request: pytest.FixtureRequest, organisation: str, editors: set[str]
) -> None:
    org: Organisation = request.getfixturevalue(organisation)

    statuses = {
        person: api_as(person)
        .patch(f"/api/v1/organisations/{org.pk}/", {"offers_loans": f"Loans, says {person}"}, format="json")
        .status_code
        for person in PEOPLE
    }

    assert statuses == {
        person: 401 if person == "anonymous" else 200 if person in editors else 403 for person in PEOPLE
    }
    assert Organisation.objects.get(pk=org.pk).offers_loans == "Loans, says admin"


def test_everyone_reads_the_directory_and_the_networks(api_as: ApiAs, laing: Organisation) -> None:
    for person in PEOPLE:
        client = api_as(person)
        assert client.get(f"/api/v1/organisations/{laing.pk}/").status_code == 200
        assert client.get("/api/v1/networks/").status_code == 200

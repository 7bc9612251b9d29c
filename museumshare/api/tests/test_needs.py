"""Needs and offers through the API, by the boards' rule: public ones to anyone, private ones only to
their organisation's people, analysts and administrators; a private one is a 404 to anyone else."""

from collections.abc import Callable

import pytest
from rest_framework.test import APIClient

from museumshare.accounts.models import User
from museumshare.api.tests.conftest import PEOPLE
from museumshare.needs.models import Visibility
from museumshare.needs.tests.conftest import FINE_ART, make_offer, post_need
from museumshare.organisations.models import Organisation

pytestmark = pytest.mark.django_db
ApiAs = Callable[[str], APIClient]


def titles(answer: object) -> set[str]:
    return {row["title"] for row in answer.json()["results"]}  # type: ignore[attr-defined]


def test_private_needs_and_offers_are_seen_only_by_their_people_analysts_and_administrators(
    api_as: ApiAs, bob: User, alice: User, laing: Organisation, portrait_gallery: Organisation
) -> None:
    public = post_need(bob, laing, title="Public need")
    private = post_need(bob, laing, title="Private need", visibility=Visibility.PRIVATE)
    make_offer(alice, portrait_gallery, title="Public offer")
    secret = make_offer(alice, portrait_gallery, title="Private offer", visibility=Visibility.PRIVATE)

    needs = {person: titles(api_as(person).get("/api/v1/needs/")) for person in PEOPLE}
    offers = {person: titles(api_as(person).get("/api/v1/offers/")) for person in PEOPLE}

    for person in PEOPLE:
        sees_needs = person in ("bob", "analyst", "admin")
        sees_offers = person in ("alice", "analyst", "admin")
        assert needs[person] == ({"Public need", "Private need"} if sees_needs else {"Public need"}), person
        assert offers[person] == ({"Public offer", "Private offer"} if sees_offers else {"Public offer"}), person
        assert api_as(person).get(f"/api/v1/needs/{private.pk}/").status_code == (200 if sees_needs else 404)
        assert api_as(person).get(f"/api/v1/offers/{secret.pk}/").status_code == (200 if sees_offers else 404)
    assert api_as("anonymous").get(f"/api/v1/needs/{public.pk}/").status_code == 200


def test_a_need_shows_its_organisation_subjects_and_status(api_as: ApiAs, bob: User, laing: Organisation) -> None:
    need = post_need(bob, laing)

    data = api_as("anonymous").get(f"/api/v1/needs/{need.pk}/").json()

    assert data["organisation"]["name"] == "Laing Art Gallery"
    assert data["subjects"] == [FINE_ART]
    assert data["status"] == "open"
    assert data["web_url"].endswith(f"/needs/{need.pk}/")


def test_the_lists_filter_with_the_boards_form(api_as: ApiAs, bob: User, laing: Organisation) -> None:
    post_need(bob, laing, title="Portraits")
    post_need(bob, laing, title="Storage", kind="shared_services", subjects=[])

    assert titles(api_as("anonymous").get("/api/v1/needs/?kind=shared_services")) == {"Storage"}
    assert titles(api_as("anonymous").get(f"/api/v1/needs/?subject={FINE_ART}")) == {"Portraits"}
    refused = api_as("anonymous").get("/api/v1/needs/?kind=nonsense")
    assert refused.status_code == 400
    assert "kind" in refused.json()["errors"]


def test_the_api_only_reads_needs(api_as: ApiAs, bob: User, laing: Organisation) -> None:
    need = post_need(bob, laing)

    assert api_as("bob").post("/api/v1/needs/", {"title": "New"}, format="json").status_code == 405
    assert api_as("bob").delete(f"/api/v1/needs/{need.pk}/").status_code == 405

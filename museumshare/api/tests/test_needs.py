"""Needs and offers through the API, by the boards' rule: public ones to anyone, private ones only to
their organisation's people, analysts and administrators; a private one is a 404 to anyone else.
Editors post, change and withdraw them, checked by the web page's forms and audited by the services."""

from collections.abc import Callable
from datetime import date

import pytest
from rest_framework.test import APIClient

from museumshare.accounts.models import User
from museumshare.api.tests.conftest import PEOPLE
from museumshare.core import audit
from museumshare.needs.models import Need, Offer, Visibility
from museumshare.needs.tests.conftest import FINE_ART, PORTRAITS_NEED, make_offer, post_need
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


NEED = {
    "kind": "loans",
    "subjects": [FINE_ART],
    "title": "Borrow Georgian portraits",
    "description": "Portraits of Tyneside sitters for a 2027 exhibition.",
    "starts": "2027-03-01",
    "ends": "2027-09-30",
}
OFFER = {"kind": "placement", "title": "Curatorial placements", "description": "Twelve weeks.", "capacity": 4}


def test_an_editor_posts_a_need_for_their_museum_and_it_is_audited(
    api_as: ApiAs, bob: User, laing: Organisation
) -> None:
    answer = api_as("bob").post("/api/v1/needs/", NEED | {"organisation": laing.pk}, format="json")

    assert answer.status_code == 201, answer.json()
    need = Need.objects.get()
    assert answer["Location"].endswith(f"/api/v1/needs/{need.pk}/")
    assert answer.json()["status"] == "open"
    assert answer.json()["visibility"] == "public"
    assert (need.organisation, need.subjects, need.ends) == (laing, [FINE_ART], date(2027, 9, 30))
    entry = audit.history(need).get()
    assert (entry.action, entry.actor) == ("need.create", bob)
    assert [event.note for event in need.events.all()] == ["Posted."]


def test_a_need_with_bad_data_is_refused_with_the_web_forms_words_by_field(api_as: ApiAs, laing: Organisation) -> None:
    sent = NEED | {"organisation": laing.pk, "kind": "", "title": "", "subjects": ["Not a subject"],
                   "starts": "2027-09-01", "ends": "2027-03-01"}  # fmt: skip

    answer = api_as("bob").post("/api/v1/needs/", sent, format="json")

    assert answer.status_code == 400
    found = answer.json()["errors"]
    assert found["kind"] == ["Choose what kind of help it is."]
    assert found["title"][0].startswith("Enter a title")
    assert found["subjects"] == ["Choose subjects from the list."]
    assert found["ends"] == ["Enter a date on or after the date it is needed from, 1 September 2027."]
    assert not Need.objects.exists()


def test_only_editors_may_post_and_only_for_organisations_they_edit_for(
    api_as: ApiAs, laing: Organisation, portrait_gallery: Organisation
) -> None:
    for person, code in [("anonymous", 401), ("charlie", 403), ("analyst", 403), ("alice", 403)]:
        answer = api_as(person).post("/api/v1/needs/", NEED | {"organisation": laing.pk}, format="json")
        assert answer.status_code == code, person
        answer = api_as(person).post("/api/v1/offers/", OFFER | {"organisation": laing.pk}, format="json")
        assert answer.status_code == code, person
    refused = api_as("alice").post("/api/v1/needs/", NEED | {"organisation": laing.pk}, format="json")
    assert "only for organisations you edit for" in refused.json()["detail"]
    assert api_as("admin").post("/api/v1/needs/", NEED | {"organisation": laing.pk}, format="json").status_code == 201
    assert list(Need.objects.values_list("organisation", flat=True)) == [laing.pk]
    assert not Offer.objects.exists()


def test_the_refusals_are_the_services_in_their_words(
    api_as: ApiAs, bob: User, laing: Organisation, portrait_gallery: Organisation
) -> None:
    need = post_need(bob, laing)

    refusals = [
        api_as("charlie").post("/api/v1/needs/", NEED | {"organisation": laing.pk}, format="json"),
        api_as("charlie").post("/api/v1/offers/", OFFER | {"organisation": laing.pk}, format="json"),
        api_as("alice").post("/api/v1/needs/", NEED | {"organisation": laing.pk}, format="json"),
        api_as("bob").patch(f"/api/v1/needs/{need.pk}/", {"organisation": portrait_gallery.pk}, format="json"),
        api_as("alice").patch(f"/api/v1/needs/{need.pk}/", {"title": "Ours"}, format="json"),
        api_as("alice").post(f"/api/v1/needs/{need.pk}/withdraw/", {}, format="json"),
    ]

    assert [(answer.status_code, answer.json()["detail"]) for answer in refusals] == [
        (403, "Only editors at a museum can post its needs."),
        (403, "Only editors at a museum can make its offers."),
        (403, "You can post only for organisations you edit for, not Laing Art Gallery."),
        (403, "You can post only for organisations you edit for, not National Portrait Gallery."),
        (403, "Only editors at Laing Art Gallery can do this."),
        (403, "Only editors at Laing Art Gallery can do this."),
    ]
    assert not audit.history(need).exclude(action="need.create").exists()


def test_an_editor_changes_only_the_fields_sent(api_as: ApiAs, bob: User, laing: Organisation) -> None:
    need = post_need(bob, laing)

    answer = api_as("bob").patch(f"/api/v1/needs/{need.pk}/", {"title": "Georgian portraits"}, format="json")

    assert answer.status_code == 200, answer.json()
    need.refresh_from_db()
    assert (need.title, need.subjects, need.starts) == ("Georgian portraits", [FINE_ART], date(2027, 3, 1))
    change = audit.history(need).filter(action="need.update").get()
    assert change.changes == {"title": [PORTRAITS_NEED, "Georgian portraits"]}
    assert change.actor == bob
    refused = api_as("bob").patch(f"/api/v1/needs/{need.pk}/", {"ends": "2020-01-01"}, format="json")
    assert refused.status_code == 400
    assert list(refused.json()["errors"]) == ["ends"]


def test_others_cannot_change_or_withdraw_a_need_and_a_private_one_is_not_found(
    api_as: ApiAs, bob: User, laing: Organisation
) -> None:
    public = post_need(bob, laing)
    private = post_need(bob, laing, title="Storage", visibility=Visibility.PRIVATE)

    for person, codes in [("anonymous", (401, 401)), ("alice", (403, 404)), ("charlie", (403, 404)),
                          ("analyst", (403, 403))]:  # fmt: skip
        client = api_as(person)
        for need, code in zip((public, private), codes, strict=True):
            assert client.patch(f"/api/v1/needs/{need.pk}/", {"title": "Ours"}, format="json").status_code == code
            assert client.post(f"/api/v1/needs/{need.pk}/withdraw/", {}, format="json").status_code == code
            assert client.post(f"/api/v1/needs/{need.pk}/reopen/", {}, format="json").status_code == code
    assert set(Need.objects.values_list("title", "status")) == {(PORTRAITS_NEED, "open"), ("Storage", "open")}
    assert not audit.history(public).exclude(action="need.create").exists()


def test_an_editor_withdraws_a_need_once(api_as: ApiAs, bob: User, laing: Organisation) -> None:
    need = post_need(bob, laing)

    answer = api_as("bob").post(f"/api/v1/needs/{need.pk}/withdraw/", {"note": "Found one."}, format="json")

    assert answer.status_code == 200
    assert answer.json()["status"] == "withdrawn"
    assert need.events.last().note == "Found one."  # type: ignore[union-attr]
    assert audit.history(need).first().action == "need.withdrawn"  # type: ignore[union-attr]
    again = api_as("bob").post(f"/api/v1/needs/{need.pk}/withdraw/", {}, format="json")
    assert again.status_code == 400
    assert again.json()["errors"] == {"non_field_errors": ["This need is withdrawn, so it cannot be withdrawn."]}
    too_long = api_as("bob").post(f"/api/v1/needs/{post_need(bob, laing).pk}/withdraw/", {"note": "x" * 2001},
                                  format="json")  # fmt: skip
    assert too_long.json()["errors"] == {"note": ["Keep the note to 2,000 characters or fewer."]}


def test_an_editor_reopens_a_withdrawn_need(api_as: ApiAs, bob: User, laing: Organisation) -> None:
    need = post_need(bob, laing)
    open_already = api_as("bob").post(f"/api/v1/needs/{need.pk}/reopen/", {}, format="json")
    assert open_already.status_code == 400
    assert open_already.json()["errors"] == {"non_field_errors": ["This need is open, so there is nothing to reopen."]}
    api_as("bob").post(f"/api/v1/needs/{need.pk}/withdraw/", {}, format="json")

    answer = api_as("bob").post(f"/api/v1/needs/{need.pk}/reopen/", {"note": "Still looking."}, format="json")

    assert (answer.status_code, answer.json()["status"]) == (200, "open")
    assert need.events.last().note == "Still looking."  # type: ignore[union-attr]


def test_an_editor_makes_changes_and_withdraws_an_offer(
    api_as: ApiAs, alice: User, bob: User, portrait_gallery: Organisation
) -> None:
    sent = OFFER | {"organisation": portrait_gallery.pk, "regions": ["E12000001"], "visibility": "private"}
    made = api_as("alice").post("/api/v1/offers/", sent, format="json")
    assert made.status_code == 201, made.json()
    offer = Offer.objects.get()
    assert (offer.regions, offer.capacity, offer.is_public) == (["E12000001"], 4, False)

    for change, found in [
        ({"regions": ["Narnia"]}, {"regions": ["Choose regions from the list."]}),
        ({"capacity": 0}, {"capacity": ["Ensure this value is greater than or equal to 1."]}),
    ]:
        wrong = api_as("alice").patch(f"/api/v1/offers/{offer.pk}/", change, format="json")
        assert (wrong.status_code, wrong.json()["errors"]) == (400, found)
    assert api_as("bob").patch(f"/api/v1/offers/{offer.pk}/", {"capacity": 6}, format="json").status_code == 404
    changed = api_as("alice").patch(f"/api/v1/offers/{offer.pk}/", {"capacity": 6}, format="json")
    assert changed.json()["capacity"] == 6
    assert api_as("alice").post(f"/api/v1/offers/{offer.pk}/withdraw/").json()["status"] == "withdrawn"
    assert [e.action for e in audit.history(offer)] == ["offer.withdraw", "offer.update", "offer.create"]
    assert api_as("alice").post(f"/api/v1/offers/{offer.pk}/withdraw/").status_code == 400
    assert api_as("bob").post(f"/api/v1/offers/{offer.pk}/reopen/").status_code == 404  # private to the Gallery
    assert api_as("alice").post(f"/api/v1/offers/{offer.pk}/reopen/").json()["status"] == "open"
    assert api_as("alice").post(f"/api/v1/offers/{offer.pk}/reopen/").status_code == 400


def test_needs_and_offers_are_withdrawn_never_deleted(api_as: ApiAs, bob: User, laing: Organisation) -> None:
    need = post_need(bob, laing)

    assert api_as("bob").delete(f"/api/v1/needs/{need.pk}/").status_code == 405
    assert (
        api_as("bob").put(f"/api/v1/needs/{need.pk}/", NEED | {"organisation": laing.pk}, format="json").status_code
        == 405
    )
    assert Need.objects.filter(pk=need.pk).exists()

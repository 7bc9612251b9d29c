"""Every person of the cast against every activity page, for each visibility: allowed and refused."""

from datetime import date

import pytest
from django.test import Client
from django.urls import reverse

from museumshare.accounts.models import User
from museumshare.activities.models import Activity, Kind, PartnerRole, Visibility
from museumshare.activities.services import activity_create
from museumshare.organisations.models import Organisation

PEOPLE = ("anonymous", "alice", "bob", "charlie", "analyst", "admin")
SEES: dict[str, set[str]] = {
    Visibility.PUBLIC: set(PEOPLE),
    Visibility.PARTNERS: {"alice", "bob", "analyst", "admin"},
    Visibility.PRIVATE: {"alice", "analyst", "admin"},
}
CHANGES = {"alice", "admin"}  # editors at the lead, and administrators
CHANGES_LAINGS_DETAILS = {"alice", "bob", "admin"}  # and the Laing's own editor, where bob can see it


def expected(person: str, visibility: str, allowed: set[str], *, signed_in_only: bool) -> int:
    if signed_in_only and person == "anonymous":
        return 302  # to the sign-in page
    if person not in SEES[visibility]:
        return 404  # nobody learns that it exists
    return 200 if person in allowed else 403


@pytest.mark.parametrize("visibility", list(Visibility))
def test_each_person_gets_exactly_the_pages_their_role_allows(
    cast: dict[str, User], portrait_gallery: Organisation, laing: Organisation, visibility: str
) -> None:
    activity = activity_create(
        actor=cast["alice"],
        data={
            "title": "Portraits of the North",
            "kind": Kind.CO_PRODUCED_EXHIBITION,
            "lead": portrait_gallery,
            "start_date": date(2020, 9, 1),
            "visibility": visibility,
        },
        partners=[(laing, PartnerRole.HOST)],
    )
    laings_row = activity.partners.get(organisation=laing)
    pages = {
        "detail": (activity.get_absolute_url(), set(PEOPLE), False),
        "edit": (reverse("activities:edit", args=[activity.pk]), CHANGES, True),
        "delete": (reverse("activities:delete", args=[activity.pk]), CHANGES, True),
        "partner": (reverse("activities:partner", args=[activity.pk, laings_row.pk]), CHANGES_LAINGS_DETAILS, True),
    }

    for person in PEOPLE:
        client = Client()
        if person != "anonymous":
            client.force_login(cast[person])
        listed = client.get(reverse("activities:list")).content.decode()
        for page, (url, allowed, signed_in_only) in pages.items():
            want = expected(person, visibility, allowed, signed_in_only=signed_in_only)
            assert client.get(url).status_code == want, f"{person} {page} {visibility}"
        assert ("Portraits of the North" in listed) == (person in SEES[visibility]), person
        if person not in CHANGES:
            refused = client.post(reverse("activities:delete", args=[activity.pk]))
            assert refused.status_code == expected(person, visibility, CHANGES, signed_in_only=True)
            assert Activity.objects.filter(pk=activity.pk).exists()

    as_alice = Client()
    as_alice.force_login(cast["alice"])
    assert as_alice.post(reverse("activities:delete", args=[activity.pk])).status_code == 302
    assert not Activity.objects.filter(pk=activity.pk).exists()

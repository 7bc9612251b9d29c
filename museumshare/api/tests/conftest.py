from collections.abc import Callable
from datetime import date
from typing import Any

import pytest
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from museumshare.accounts.models import User
from museumshare.activities.models import Activity, Kind, PartnerRole, Visibility
from museumshare.activities.services import PlaceSpec, activity_create
from museumshare.organisations.models import Organisation

PEOPLE = ("anonymous", "alice", "bob", "charlie", "analyst", "admin")


@pytest.fixture
def api_as(cast: dict[str, User]) -> Callable[[str], APIClient]:
    """A client for one of PEOPLE, signed in with a token as a script would be."""

    def client_for(person: str) -> APIClient:
        client = APIClient()
        if person != "anonymous":
            token, _ = Token.objects.get_or_create(user=cast[person])
            client.credentials(HTTP_AUTHORIZATION=f"Token {token.key}")
        return client

    return client_for


@pytest.fixture
def exhibition(alice: User, portrait_gallery: Organisation, laing: Organisation) -> Callable[..., Activity]:
    """An exhibition alice records for the National Portrait Gallery, with bob's Laing as partner."""

    def record(visibility: str = Visibility.PUBLIC, **extra: Any) -> Activity:
        data = {
            "title": "Portraits of the North",
            "kind": Kind.CO_PRODUCED_EXHIBITION,
            "lead": portrait_gallery,
            "start_date": date(2020, 9, 1),
            "end_date": date(2021, 5, 31),
            "visibility": visibility,
        } | extra
        return activity_create(
            actor=alice,
            data=data,
            partners=[(laing, PartnerRole.PARTNER)],
            places=[PlaceSpec(organisation=laing), PlaceSpec(country="FR")],
        )

    return record

from collections.abc import Callable
from datetime import date
from decimal import Decimal
from typing import Any

import pytest
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from museumshare.accounts.models import User
from museumshare.activities.models import Activity, Kind, PartnerRole, Visibility
from museumshare.activities.services import PlaceSpec, activity_create
from museumshare.loans.models import CollectionObject, Loan, Purpose, Status
from museumshare.loans.services import loan_create, loan_transition
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


@pytest.fixture
def portrait_loan(bob: User, portrait_gallery: Organisation, laing: Organisation) -> Callable[..., Loan]:
    """bob's request to borrow two valued objects of alice's National Portrait Gallery for the Laing."""

    def make(sent: bool = True, **extra: Any) -> Loan:
        objects = [
            CollectionObject.objects.get_or_create(
                owner=portrait_gallery,
                accession_number=f"TEST {n}",
                defaults={"title": f"Portrait study {n}", "valuation": Decimal("250000")},
            )[0]
            for n in (1, 2)
        ]
        data = {
            "reference": f"LO-2027-{Loan.objects.count() + 1:04d}",
            "lender": portrait_gallery,
            "borrower": laing,
            "purpose": Purpose.EXHIBITION,
            "exhibition_title": "Faces of the North",
            "requested_start": date(2027, 3, 1),
            "requested_end": date(2027, 7, 1),
        } | extra
        loan = loan_create(actor=bob, data=data, objects=objects)
        # A draft is the borrower's alone; the lender sees the request once it is sent.
        return loan_transition(loan=loan, actor=bob, to=Status.REQUESTED) if sent else loan

    return make

"""What tests of needs and offers share: bob's need at the Laing Art Gallery to borrow portraits,
alice's offer of portrait loans from the National Portrait Gallery, its Head of Partnerships, and
a loan between them; all made through the services."""

from datetime import date
from typing import Any

import pytest

from museumshare.accounts.models import User
from museumshare.core.services import Actor
from museumshare.loans.models import CollectionObject, Loan, Purpose, Status
from museumshare.loans.services import loan_create, loan_transition
from museumshare.needs import services
from museumshare.needs.models import Kind, Need, Offer, Visibility
from museumshare.organisations.models import Contact, Organisation

FINE_ART = "Arts-Fine_and_decorative_arts"
PORTRAITS_NEED = "Borrow 18th-century portraits for a 2027 exhibition"
PORTRAITS_OFFER = "Portraits for exhibitions across the UK"
HEAD_OF_PARTNERSHIPS = "partnerships@npg.example.org"


def post_need(actor: User, organisation: Organisation, **data: Any) -> Need:
    defaults = {
        "organisation": organisation,
        "kind": Kind.LOANS,
        "subjects": [FINE_ART],
        "skills_area": "",
        "title": PORTRAITS_NEED,
        "description": "Portraits of Georgian Tyneside sitters for an exhibition in 2027.",
        "starts": date(2027, 3, 1),
        "ends": date(2027, 9, 30),
        "visibility": Visibility.PUBLIC,
    }
    return services.need_create(actor=actor, data=defaults | data)


def make_offer(actor: Actor, organisation: Organisation, **data: Any) -> Offer:
    defaults = {
        "organisation": organisation,
        "kind": Kind.LOANS,
        "subjects": [FINE_ART],
        "skills_area": "",
        "title": PORTRAITS_OFFER,
        "description": "Loans of paintings and drawings to accredited museums.",
        "capacity": 40,
        "regions": [],
        "visibility": Visibility.PUBLIC,
    }
    return services.offer_create(actor=actor, data=defaults | data)


@pytest.fixture
def need(bob: User, laing: Organisation) -> Need:
    return post_need(bob, laing)


@pytest.fixture
def offer(alice: User, portrait_gallery: Organisation) -> Offer:
    return make_offer(alice, portrait_gallery)


@pytest.fixture
def head_of_partnerships(portrait_gallery: Organisation) -> Contact:
    return Contact.objects.create(
        organisation=portrait_gallery,
        name="Pat Partner",
        role="Head of Partnerships",
        email=HEAD_OF_PARTNERSHIPS,
        is_partnership_lead=True,
        listed_publicly=True,
    )


@pytest.fixture
def portrait_loan(bob: User, alice: User, portrait_gallery: Organisation, laing: Organisation) -> Loan:
    """bob's request to borrow a portrait from the Gallery, sent."""
    portrait = CollectionObject.objects.create(owner=portrait_gallery, accession_number="NPG 1", title="A sitter")
    loan = loan_create(
        actor=bob,
        data={
            "reference": "LO-2027-0001",
            "lender": portrait_gallery,
            "borrower": laing,
            "purpose": Purpose.EXHIBITION,
            "exhibition_title": "Georgian Tyneside",
            "requested_start": date(2027, 3, 1),
            "requested_end": date(2027, 9, 30),
        },
        objects=[portrait],
    )
    return loan_transition(loan=loan, actor=bob, to=Status.REQUESTED)

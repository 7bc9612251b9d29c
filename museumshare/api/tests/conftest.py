from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal
from typing import Any

import pytest
from django.utils import timezone
from rest_framework.test import APIClient

from museumshare.accounts.models import User
from museumshare.accounts.services import token_create
from museumshare.activities.models import Activity, Kind, PartnerRole, Visibility
from museumshare.activities.services import PlaceSpec, activity_create
from museumshare.loans.models import CollectionObject, Loan, Purpose, Status
from museumshare.loans.services import loan_create, loan_transition
from museumshare.organisations.models import Organisation
from museumshare.programmes import services as programme_services
from museumshare.programmes.models import (
    Eligibility,
    Event,
    EventKind,
    MemberRole,
    Opportunity,
    OpportunityKind,
    OpportunityStatus,
    Programme,
    Resource,
    ResourceKind,
    SkillsArea,
)

PEOPLE = ("anonymous", "alice", "bob", "charlie", "analyst", "admin")


@pytest.fixture
def api_as(cast: dict[str, User]) -> Callable[[str], APIClient]:
    """A client for one of PEOPLE, signed in with a token as a script would be."""

    def client_for(person: str) -> APIClient:
        client = APIClient()
        if person != "anonymous":
            _, key = token_create(actor=cast[person], user=cast[person], name="Tests")
            client.credentials(HTTP_AUTHORIZATION=f"Token {key}")
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


@dataclass
class Programmes:
    """A few records of each kind in the programmes app, made through its services."""

    public: Programme
    private: Programme
    internship: Opportunity
    draft: Opportunity
    closed: Opportunity
    laing_placement: Opportunity
    seminar: Event
    laing_talk: Event
    guide: Resource
    film: Resource

    def opportunities(self) -> list[Opportunity]:
        return [self.internship, self.draft, self.closed, self.laing_placement]


def opportunity_data(host: Organisation, programme: Programme | None = None, **extra: Any) -> dict[str, Any]:
    today = date.today()
    return {
        "programme": programme,
        "host": host,
        "kind": OpportunityKind.PLACEMENT,
        "title": "Collections care placement",
        "description": "Twelve weeks with the collections team.",
        "skills_area": SkillsArea.COLLECTIONS_CARE,
        "start_date": today + timedelta(days=60),
        "closing_date": today + timedelta(days=30),
        "status": OpportunityStatus.OPEN,
    } | extra


@pytest.fixture
def programmes(alice: User, bob: User, portrait_gallery: Organisation, laing: Organisation) -> Programmes:
    """alice's National Portrait Gallery runs a public programme with bob's Laing as a member, and a
    private one of its own; each offers opportunities, holds events and publishes resources."""
    start = date(2024, 4, 1)
    public = programme_services.programme_create(
        actor=alice,
        data={
            "name": "Portrait skills",
            "lead": portrait_gallery,
            "summary": "Skills in portraiture.",
            "start_date": start,
            "theme": "What is a Portrait?",
        },
        members=[(laing, MemberRole.PARTNER, start)],
    )
    private = programme_services.programme_create(
        actor=alice,
        data={
            "name": "Leads' circle",
            "lead": portrait_gallery,
            "summary": "The leads meet.",
            "start_date": start,
            "public": False,
        },
    )

    def offer(actor: User, data: dict[str, Any]) -> Opportunity:
        return programme_services.opportunity_create(actor=actor, data=data)

    soon = timezone.now() + timedelta(days=20)
    seminar = programme_services.event_create(
        actor=alice,
        data={
            "programme": public,
            "organiser": portrait_gallery,
            "kind": EventKind.SEMINAR,
            "title": "Lighting portraits",
            "starts_at": soon,
            "online_link": "https://meet.example.org/portraits",
        },
    )
    seminar.minutes = "We agreed to share our lighting plans."
    seminar.save(update_fields=["minutes"])
    programme_services.action_create(
        event=seminar, actor=alice, data={"description": "Share the lighting plans", "owner_name": "Alice Ashby"}
    )
    laing_talk = programme_services.event_create(
        actor=bob,
        data={
            "organiser": laing,
            "kind": EventKind.WEBINAR,
            "title": "Touring exhibitions",
            "starts_at": soon + timedelta(days=7),
            "online_link": "https://meet.example.org/touring",
        },
    )

    def publish(actor: User, **data: Any) -> Resource:
        return programme_services.resource_create(
            actor=actor, data={"description": "For anyone who cares for collections.", **data}
        )

    return Programmes(
        public=public,
        private=private,
        internship=offer(
            alice,
            opportunity_data(
                portrait_gallery,
                public,
                kind=OpportunityKind.PAID_INTERNSHIP,
                title="Paid internship in portrait conservation",
                skills_area=SkillsArea.CONSERVATION,
                paid=True,
                pay="£12.60 an hour",
                places=2,
            ),
        ),
        draft=offer(alice, opportunity_data(portrait_gallery, public, title="Draft secondment", status="draft")),
        closed=offer(alice, opportunity_data(portrait_gallery, public, title="Closed placement", status="closed")),
        laing_placement=offer(bob, opportunity_data(laing, eligibility=Eligibility.OPEN)),
        seminar=seminar,
        laing_talk=laing_talk,
        guide=publish(
            alice,
            title="Condition checking guide",
            kind=ResourceKind.GUIDE,
            topic="Condition checking",
            url="https://example.org/guide",
            programme=public,
            organisation=portrait_gallery,
        ),
        film=publish(
            bob,
            title="Hanging a show",
            kind=ResourceKind.FILM,
            language="Welsh",
            url="https://example.org/film",
            skills_area=SkillsArea.EXHIBITIONS,
            organisation=laing,
        ),
    )

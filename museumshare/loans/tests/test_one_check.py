"""The web form, the API and the importer give the same verdict on a loan's venue, facilities report
and objects, because all three ask `loans.services.loan_problems`; and a refusal names only ids.

bob at the Laing borrows from alice's National Portrait Gallery, whose venue, facilities report
and unlendable object are not his to use.
"""

from collections.abc import Callable
from datetime import timedelta
from pathlib import Path

import pytest
from django.test import Client
from django.urls import reverse
from rest_framework.test import APIClient

from museumshare.accounts.models import User
from museumshare.core.imports import ImportFailed
from museumshare.core.services import Refused
from museumshare.loans.importer import import_loans
from museumshare.loans.models import CollectionObject, FacilitiesReport, Loan, Status
from museumshare.loans.services import loan_create, loan_transition
from museumshare.loans.tests.conftest import START
from museumshare.organisations.models import Organisation, Venue

pytestmark = pytest.mark.django_db
SECRET_TITLE = "Unseen study of a sitter"
SECRET_NUMBER = "NPG RESERVE 9"


@pytest.fixture
def unlendable(portrait_gallery: Organisation) -> CollectionObject:
    return CollectionObject.objects.create(
        owner=portrait_gallery, accession_number=SECRET_NUMBER, title=SECRET_TITLE, lendable=False
    )


@pytest.fixture
def gallery_venue(portrait_gallery: Organisation) -> Venue:
    return Venue.objects.create(organisation=portrait_gallery, name="The Gallery's store")


@pytest.fixture
def gallery_report(portrait_gallery: Organisation, laing_facilities: FacilitiesReport) -> FacilitiesReport:
    return FacilitiesReport.objects.create(
        organisation=portrait_gallery,
        completed_on=laing_facilities.completed_on,
        review_date=laing_facilities.review_date,
    )


def web(user: User) -> Client:
    client = Client()
    client.force_login(user)
    return client


def api(user: User) -> APIClient:
    client = APIClient()
    client.force_authenticate(user)
    return client


def web_request(bob: User, lender: Organisation, laing: Organisation, **changes: object) -> str:
    body = {
        "borrower": laing.pk,
        "purpose": "exhibition",
        "requested_start": START.isoformat(),
        "requested_end": (START + timedelta(days=90)).isoformat(),
    } | changes
    return web(bob).post(f"{reverse('loans:request')}?lender={lender.slug}", body).content.decode()


def api_request(bob: User, lender: Organisation, laing: Organisation, **changes: object) -> dict[str, list[str]]:
    body = {
        "reference": "LI-2030-1",
        "lender": lender.pk,
        "borrower": laing.pk,
        "requested_start": START.isoformat(),
        "requested_end": (START + timedelta(days=90)).isoformat(),
    } | changes
    answer = api(bob).post("/api/v1/loans/", body, format="json")
    assert answer.status_code == 400, answer.json()
    assert SECRET_TITLE not in answer.content.decode()
    assert SECRET_NUMBER not in answer.content.decode()
    errors: dict[str, list[str]] = answer.json()["errors"]
    return errors


def test_an_object_that_is_not_lendable_is_refused_by_the_form_the_api_and_the_importer(
    tmp_path: Path,
    alice: User,
    bob: User,
    portrait_gallery: Organisation,
    laing: Organisation,
    unlendable: CollectionObject,
    portraits: list[CollectionObject],
) -> None:
    page = web_request(bob, portrait_gallery, laing, objects=[unlendable.pk])
    assert "Select a valid choice" in page or f"Object {unlendable.pk} is not available." in page
    assert SECRET_TITLE not in page

    assert api_request(bob, portrait_gallery, laing, objects=[unlendable.pk]) == {
        "objects": [f"Object {unlendable.pk} is not available."]
    }

    path = tmp_path / "loans.csv"
    path.write_text(
        "reference,lender,borrower,agreed_start,agreed_end,status,accession_number\n"
        f"LO-2019-1,mm.domus.SE444,Laing Art Gallery,2019-03-01,2019-09-30,returned,{SECRET_NUMBER}\n",
        encoding="utf-8",
    )
    with pytest.raises(ImportFailed) as failure:
        import_loans(path=path, actor=alice)
    summary = failure.value.summary
    assert summary is not None
    assert [(p.row, p.column) for p in summary.errors] == [(2, "accession_number")]
    assert f"Object {unlendable.pk} is not available." in summary.errors[0].message
    assert not Loan.objects.exists()


def test_another_organisations_venue_is_refused_by_the_form_and_the_api(
    bob: User,
    portrait_gallery: Organisation,
    laing: Organisation,
    gallery_venue: Venue,
    portraits: list[CollectionObject],
) -> None:
    Venue.objects.create(organisation=laing, name="Laing Art Gallery")  # so the form offers venues at all

    page = web_request(bob, portrait_gallery, laing, objects=[portraits[0].pk], venue=gallery_venue.pk)
    assert "Select a valid choice" in page or f"Venue {gallery_venue.pk} is not one of" in page

    errors = api_request(bob, portrait_gallery, laing, objects=[portraits[0].pk], venue=gallery_venue.pk)
    assert errors == {"venue": [f"Venue {gallery_venue.pk} is not one of the borrower's venues."]}
    assert not Loan.objects.exists()


def test_another_organisations_facilities_report_is_refused_by_the_form_the_api_and_the_service(
    bob: User,
    request_loan: Callable[..., Loan],
    portraits: list[CollectionObject],
    gallery_report: FacilitiesReport,
) -> None:
    loan = request_loan([portraits[0]])

    page = web(bob).post(reverse("loans:edit", args=[loan.pk]), {"facilities_report": gallery_report.pk}).content
    assert b"Select a valid choice" in page or f"Facilities report {gallery_report.pk}".encode() in page

    answer = api(bob).patch(f"/api/v1/loans/{loan.pk}/", {"facilities_report": gallery_report.pk}, format="json")
    assert answer.status_code == 400
    assert answer.json()["errors"] == {
        "facilities_report": [f"Facilities report {gallery_report.pk} is not one of the borrower's."]
    }
    loan.refresh_from_db()
    assert loan.facilities_report_id is None


def test_a_request_refused_for_another_borrowers_loan_does_not_name_that_loan(
    bob: User,
    admin_user: User,
    register: dict[str, Organisation],
    portrait_gallery: Organisation,
    laing: Organisation,
    portraits: list[CollectionObject],
    request_loan: Callable[..., Loan],
) -> None:
    elsewhere = next(o for o in register.values() if o.pk not in (portrait_gallery.pk, laing.pk))
    mine = request_loan([portraits[0]])
    data = {"reference": "LO-ELSEWHERE-1", "lender": portrait_gallery, "borrower": elsewhere}
    theirs = loan_create(
        actor=admin_user,
        data=data | {"requested_start": mine.requested_start, "requested_end": mine.requested_end},
        objects=[portraits[0]],
    )
    loan_transition(loan=theirs, actor=admin_user, to=Status.REQUESTED)

    with pytest.raises(Refused) as refused:
        loan_transition(loan=mine, actor=bob, to=Status.REQUESTED)

    [message] = refused.value.messages
    assert theirs.reference not in message
    assert "is already promised to another borrower from" in message

"""One loan, three ways in: the web form, the API and the importer give the same verdict, because
each asks `loans.services.loan_problems` (and the services ask it again before they write); and a
refusal names only ids.

bob at the Laing borrows from alice's National Portrait Gallery, whose venue, facilities report and
unlendable object are not his to use. Each way in answers with the fields it refuses and their
words, or nothing for a loan it accepts. The importer has no venue or facilities report column, so
for those the service that the pages and the API call stands in for it.
"""

from collections.abc import Callable
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse
from rest_framework.test import APIClient

from museumshare.accounts.models import User
from museumshare.core.imports import ImportFailed
from museumshare.core.services import Refused
from museumshare.loans.importer import import_loans
from museumshare.loans.models import CollectionObject, FacilitiesReport, Loan, Status
from museumshare.loans.services import loan_create, loan_transition, loan_update
from museumshare.loans.tests.conftest import START
from museumshare.organisations.models import Organisation, Venue

pytestmark = pytest.mark.django_db
SECRET_TITLE = "Unseen study of a sitter"
SECRET_NUMBER = "NPG RESERVE 9"
Verdict = dict[str, list[str]]
AGREED_END_FIRST = {"agreed_start": START.isoformat(), "agreed_end": (START - timedelta(days=1)).isoformat()}
ENDS_BEFORE_IT_STARTS = {"agreed_end": ["Enter an agreed end date on or after the agreed start date."]}


def web(user: User) -> Client:
    client = Client()
    client.force_login(user)
    return client


def api(user: User) -> APIClient:
    client = APIClient()
    client.force_authenticate(user)
    return client


def form_verdict(answer: Any) -> Verdict:
    if answer.status_code == 302:
        return {}
    assert answer.status_code == 200
    return {name: [str(e) for e in errors] for name, errors in answer.context["form"].errors.items()}


def api_verdict(answer: Any) -> Verdict:
    if answer.status_code in (200, 201):
        return {}
    assert answer.status_code == 400, answer.json()
    errors: Verdict = answer.json()["errors"]
    return errors


def web_request(user: User, lender: Organisation, borrower: Organisation, **changes: Any) -> Verdict:
    body = {
        "borrower": borrower.pk,
        "purpose": "exhibition",
        "requested_start": START.isoformat(),
        "requested_end": (START + timedelta(days=90)).isoformat(),
    } | changes
    return form_verdict(web(user).post(f"{reverse('loans:request')}?lender={lender.slug}", body))


def api_request(user: User, lender: Organisation, borrower: Organisation, **changes: Any) -> Verdict:
    body = {
        "reference": f"LI-2030-{Loan.objects.count() + 1}",
        "lender": lender.pk,
        "borrower": borrower.pk,
        "requested_start": START.isoformat(),
        "requested_end": (START + timedelta(days=90)).isoformat(),
    } | changes
    return api_verdict(api(user).post("/api/v1/loans/", body, format="json"))


def web_edit(user: User, loan: Loan, **changes: Any) -> Verdict:
    return form_verdict(web(user).post(reverse("loans:edit", args=[loan.pk]), changes))


def api_edit(user: User, loan: Loan, **changes: Any) -> Verdict:
    return api_verdict(api(user).patch(f"/api/v1/loans/{loan.pk}/", changes, format="json"))


def imported(tmp_path: Path, user: User, lender: str, borrower: str, start: date, end: date) -> Verdict:
    path = tmp_path / "loans.csv"
    path.write_text(
        "reference,lender,borrower,agreed_start,agreed_end,status,accession_number,object_title\n"
        f"LO-2019-1,{lender},{borrower},{start},{end},returned,NPG IMPORT 1,A portrait\n",
        encoding="utf-8",
    )
    try:
        import_loans(path=path, actor=user)
    except ImportFailed as failure:
        summary = failure.summary
        assert summary is not None
        verdict: Verdict = {}
        for problem in summary.errors:
            verdict.setdefault(problem.column, []).append(problem.message)
        return verdict
    return {}


def refused_by(service: Callable[[], object]) -> Verdict:
    try:
        service()
    except Refused as refusal:
        return dict(refusal.message_dict)
    return {}


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


def test_a_good_loan_is_accepted_by_the_form_the_api_and_the_importer(
    tmp_path: Path,
    alice: User,
    bob: User,
    portrait_gallery: Organisation,
    laing: Organisation,
    portraits: list[CollectionObject],
) -> None:
    assert web_request(bob, portrait_gallery, laing, objects=[portraits[0].pk]) == {}
    assert api_request(bob, portrait_gallery, laing, objects=[portraits[1].pk]) == {}
    assert imported(tmp_path, alice, "mm.domus.SE444", "Laing Art Gallery", date(2019, 3, 1), date(2019, 9, 30)) == {}
    assert Loan.objects.count() == 3


def test_an_object_that_is_not_lendable_is_refused_by_the_form_the_api_and_the_importer(
    tmp_path: Path,
    alice: User,
    bob: User,
    portrait_gallery: Organisation,
    laing: Organisation,
    unlendable: CollectionObject,
    portraits: list[CollectionObject],
) -> None:
    # The form offers only lendable objects, so this one is not a choice at all.
    assert list(web_request(bob, portrait_gallery, laing, objects=[unlendable.pk])) == ["objects"]
    answer = api(bob).post(
        "/api/v1/loans/",
        {"reference": "LI-2030-1", "lender": portrait_gallery.pk, "borrower": laing.pk, "objects": [unlendable.pk]}
        | {"requested_start": START.isoformat(), "requested_end": (START + timedelta(days=90)).isoformat()},
        format="json",
    )
    assert api_verdict(answer) == {"objects": [f"Object {unlendable.pk} is not available."]}
    assert SECRET_TITLE not in answer.content.decode()
    assert SECRET_NUMBER not in answer.content.decode()

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


def test_another_organisations_venue_is_refused_at_the_venue_by_the_form_the_api_and_the_service(
    bob: User,
    portrait_gallery: Organisation,
    laing: Organisation,
    gallery_venue: Venue,
    portraits: list[CollectionObject],
) -> None:
    Venue.objects.create(organisation=laing, name="Laing Art Gallery")  # so the form offers venues at all
    said = [f"Venue {gallery_venue.pk} is not one of the borrower's venues."]

    # The form offers only the borrower's venues, so another's is not a choice at all.
    assert list(web_request(bob, portrait_gallery, laing, objects=[portraits[0].pk], venue=gallery_venue.pk)) == [
        "venue"
    ]
    assert api_request(bob, portrait_gallery, laing, objects=[portraits[0].pk], venue=gallery_venue.pk) == {
        "venue": said
    }
    data = {
        "reference": "LI-2030-9",
        "lender": portrait_gallery,
        "borrower": laing,
        "venue": gallery_venue,
        "requested_start": START,
        "requested_end": START + timedelta(days=90),
    }
    assert refused_by(lambda: loan_create(actor=bob, data=data, objects=[portraits[0]])) == {"venue": said}
    assert not Loan.objects.exists()


def test_another_organisations_facilities_report_is_refused_by_the_form_the_api_and_the_service(
    bob: User,
    request_loan: Callable[..., Loan],
    portraits: list[CollectionObject],
    gallery_report: FacilitiesReport,
) -> None:
    loan = request_loan([portraits[0]])

    assert list(web_edit(bob, loan, facilities_report=gallery_report.pk)) == ["facilities_report"]
    said = [f"Facilities report {gallery_report.pk} is not one of the borrower's."]
    assert api_edit(bob, loan, facilities_report=gallery_report.pk) == {"facilities_report": said}
    assert refused_by(lambda: loan_update(loan=loan, actor=bob, data={"facilities_report": gallery_report})) == {
        "facilities_report": said
    }
    loan.refresh_from_db()
    assert loan.facilities_report_id is None


def test_a_loan_that_ends_before_it_starts_is_refused_by_the_form_the_api_and_the_importer_in_the_same_words(
    tmp_path: Path,
    alice: User,
    bob: User,
    request_loan: Callable[..., Loan],
    portraits: list[CollectionObject],
) -> None:
    loan = request_loan([portraits[0]])

    assert web_edit(bob, loan, **AGREED_END_FIRST) == ENDS_BEFORE_IT_STARTS
    assert api_edit(bob, loan, **AGREED_END_FIRST) == ENDS_BEFORE_IT_STARTS
    late, early = date(2019, 9, 30), date(2019, 3, 1)
    assert imported(tmp_path, alice, "mm.domus.SE444", "Laing Art Gallery", late, early) == ENDS_BEFORE_IT_STARTS
    loan.refresh_from_db()
    assert loan.agreed_end is None
    assert Loan.objects.count() == 1


def test_an_organisation_borrowing_from_itself_is_refused_by_the_form_the_api_and_the_importer(
    tmp_path: Path, alice: User, portrait_gallery: Organisation, portraits: list[CollectionObject]
) -> None:
    itself = {"borrower": ["An organisation cannot borrow from itself."]}

    assert web_request(alice, portrait_gallery, portrait_gallery, objects=[portraits[0].pk]) == itself
    assert api_request(alice, portrait_gallery, portrait_gallery, objects=[portraits[0].pk]) == itself
    gallery = "mm.domus.SE444"
    assert imported(tmp_path, alice, gallery, gallery, date(2019, 3, 1), date(2019, 9, 30)) == itself
    assert not Loan.objects.exists()


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

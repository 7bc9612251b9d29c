"""Loans through the API: who sees them, who drafts, changes and steps them on, and who sees valuations.

bob (editor at the Laing) borrows from alice's National Portrait Gallery; charlie belongs to
neither; the analyst sees every loan and changes none; the administrator may do anything.
"""

from collections.abc import Callable
from datetime import date

import pytest
from rest_framework.test import APIClient

from museumshare.accounts.models import User
from museumshare.api.tests.conftest import PEOPLE
from museumshare.loans.models import AWAY, CollectionObject, Loan, Status
from museumshare.organisations.models import Membership, Organisation, Role

ApiAs = Callable[[str], APIClient]
PortraitLoan = Callable[..., Loan]

SEES = {"alice", "bob", "analyst", "admin"}
SEES_VALUATIONS = {"alice", "admin"}


def url(loan: Loan, suffix: str = "") -> str:
    return f"/api/v1/loans/{loan.pk}/{suffix}"


def test_the_list_shows_and_counts_only_loans_each_person_may_see(
    api_as: ApiAs, portrait_loan: PortraitLoan, laing: Organisation
) -> None:
    loan = portrait_loan()

    for person in PEOPLE:
        for query in ({}, {"borrower": laing.pk}, {"status": "requested"}):
            answer = api_as(person).get("/api/v1/loans/", query).json()
            ids = {row["id"] for row in answer["results"]}
            assert answer["count"] == len(ids), person
            assert ids == ({loan.pk} if person in SEES else set()), (person, query)


def test_a_loan_someone_may_not_see_is_not_found(api_as: ApiAs, portrait_loan: PortraitLoan) -> None:
    loan = portrait_loan()

    statuses = {person: api_as(person).get(url(loan)).status_code for person in PEOPLE}

    assert statuses == {person: 200 if person in SEES else 404 for person in PEOPLE}


def test_a_viewer_at_the_lender_sees_the_loan(
    api_as: ApiAs, portrait_loan: PortraitLoan, charlie: User, portrait_gallery: Organisation
) -> None:
    loan = portrait_loan()
    Membership.objects.create(user=charlie, organisation=portrait_gallery, role=Role.VIEWER)

    answer = api_as("charlie").get(url(loan))

    assert answer.status_code == 200
    assert {row["valuation"] for row in answer.json()["objects"]} == {"250000.00"}
    assert api_as("charlie").patch(url(loan), {"visitors": 5}, format="json").status_code == 403


def test_valuations_are_shown_only_to_the_lenders_people_and_administrators(
    api_as: ApiAs, portrait_loan: PortraitLoan
) -> None:
    loan = portrait_loan()

    valuations = {
        person: {row["valuation"] for row in api_as(person).get(url(loan)).json()["objects"]} for person in sorted(SEES)
    }
    listed = {
        person: {row["valuation"] for row in api_as(person).get("/api/v1/loans/").json()["results"][0]["objects"]}
        for person in sorted(SEES)
    }

    expected: dict[str, set[str | None]] = {
        person: {"250000.00"} if person in SEES_VALUATIONS else {None} for person in SEES
    }
    assert valuations == expected
    assert listed == expected


def test_a_borrowers_editor_drafts_a_request_with_objects(
    api_as: ApiAs, portrait_loan: PortraitLoan, portrait_gallery: Organisation, laing: Organisation
) -> None:
    portrait_loan()  # makes the objects
    objects = list(CollectionObject.objects.filter(owner=portrait_gallery).values_list("pk", flat=True))
    body = {
        "reference": "LI-2027-7",
        "lender": portrait_gallery.pk,
        "borrower": laing.pk,
        "purpose": "exhibition",
        "exhibition_title": "Northern Faces",
        "requested_start": "2028-03-01",
        "requested_end": "2028-06-30",
        "objects": objects,
    }

    statuses = {}
    for person in PEOPLE:
        answer = api_as(person).post("/api/v1/loans/", body | {"reference": f"LI-{person}"}, format="json")
        statuses[person] = answer.status_code

    assert statuses == {
        "anonymous": 401,
        "alice": 403,
        "bob": 201,
        "charlie": 403,
        "analyst": 403,
        "admin": 201,
    }
    loan = Loan.objects.get(reference="LI-bob")
    assert (loan.status, loan.created_by, loan.loan_objects.count()) == (
        Status.DRAFT,
        User.objects.get(email__startswith="bob"),
        2,
    )
    assert list(loan.events.values_list("status", flat=True)) == [Status.DRAFT]


def test_a_request_is_checked(
    api_as: ApiAs, portrait_loan: PortraitLoan, portrait_gallery: Organisation, laing: Organisation
) -> None:
    taken = portrait_loan()
    foreign = CollectionObject.objects.create(owner=laing, accession_number="L 1", title="A Laing picture")
    body = {
        "reference": "LI-2028-1",
        "lender": portrait_gallery.pk,
        "borrower": laing.pk,
        "requested_start": "2028-03-01",
        "requested_end": "2028-05-01",
    }

    def errors(**changes: object) -> dict[str, list[str]]:
        answer = api_as("bob").post("/api/v1/loans/", body | changes, format="json")
        assert answer.status_code == 400, answer.json()
        found: dict[str, list[str]] = answer.json()["errors"]
        return found

    assert errors(objects=[10**9]) == {"objects": ["Object 1000000000 is not available."]}
    assert list(errors(requested_end="2028-01-01")) == ["requested_end"]
    # Who asks is checked before what they send: bob may not request a loan for the Gallery at all.
    refused = api_as("bob").post("/api/v1/loans/", body | {"borrower": portrait_gallery.pk}, format="json")
    assert refused.status_code == 403
    assert list(errors(lender=10**9)) == ["lender"]
    assert errors(objects=[foreign.pk]) == {"objects": [f"Object {foreign.pk} is not available."]}
    assert "already exists" in str(errors(reference=taken.reference))
    assert Loan.objects.count() == 1


def test_either_sides_editors_change_the_details(api_as: ApiAs, portrait_loan: PortraitLoan) -> None:
    loan = portrait_loan()

    statuses = {
        person: api_as(person).patch(url(loan), {"visitors": 1200}, format="json").status_code for person in PEOPLE
    }

    assert statuses == {
        "anonymous": 401,
        "alice": 200,
        "bob": 200,
        "charlie": 404,
        "analyst": 403,
        "admin": 200,
    }
    loan.refresh_from_db()
    assert loan.visitors == 1200
    answer = api_as("alice").patch(url(loan), {"agreed_start": "2027-05-01", "agreed_end": "2027-04-01"}, format="json")
    assert answer.status_code == 400
    assert list(answer.json()["errors"]) == ["agreed_end"]


@pytest.mark.parametrize(
    ("status", "to", "takes_it"),
    [
        (Status.DRAFT, Status.REQUESTED, {"bob", "admin"}),
        (Status.REQUESTED, Status.ACKNOWLEDGED, {"alice", "admin"}),
    ],
)
def test_only_the_right_sides_editors_take_a_step(
    api_as: ApiAs, portrait_loan: PortraitLoan, status: str, to: str, takes_it: set[str]
) -> None:
    statuses = {}
    for year, person in enumerate(PEOPLE, start=2030):
        # A year apart, so that the loans do not hold the same objects at once.
        loan = portrait_loan(requested_start=date(year, 1, 1), requested_end=date(year, 2, 1))
        Loan.objects.filter(pk=loan.pk).update(status=status)
        answer = api_as(person).post(url(loan, "transition/"), {"to": to}, format="json")
        statuses[person] = answer.status_code
        loan.refresh_from_db()
        assert (loan.status == to) == (person in takes_it), person

    # A draft is the borrower's alone: to the lender's people it is not there yet.
    sees = SEES - {"alice"} if status == Status.DRAFT else SEES
    assert statuses == {
        person: 401 if person == "anonymous" else 200 if person in takes_it else 404 if person not in sees else 403
        for person in PEOPLE
    }


def test_a_step_the_procedure_refuses_is_a_400_saying_why(api_as: ApiAs, portrait_loan: PortraitLoan) -> None:
    loan = portrait_loan()
    Loan.objects.filter(pk=loan.pk).update(status=Status.UNDER_ASSESSMENT)

    approve = api_as("alice").post(url(loan, "transition/"), {"to": "approved"}, format="json")
    decline = api_as("alice").post(url(loan, "transition/"), {"to": "declined"}, format="json")
    jump = api_as("alice").post(url(loan, "transition/"), {"to": "closed"}, format="json")
    forbidden = api_as("bob").post(url(loan, "transition/"), {"to": "approved"}, format="json")

    assert approve.status_code == 400
    assert "Enter the agreed loan period (start and end dates)." in approve.json()["errors"]["to"]
    assert decline.status_code == 400
    assert decline.json()["errors"]["to"] == ["Say why, so that the borrower knows."]
    assert jump.status_code == 400
    assert forbidden.status_code == 403
    assert forbidden.json()["detail"] == "Only editors at the lender can approve the loan."
    done = api_as("alice").post(url(loan, "transition/"), {"to": "declined", "note": "Too fragile."}, format="json")
    assert done.status_code == 200
    assert done.json()["status"] == "declined"
    assert done.json()["events"][-1]["note"] == "Too fragile."
    assert done.json()["next_steps"] == []


def test_the_filters(api_as: ApiAs, portrait_loan: PortraitLoan, portrait_gallery: Organisation) -> None:
    draft = portrait_loan()
    away = portrait_loan(purpose="research", requested_start=date(2028, 3, 1), requested_end=date(2028, 7, 1))
    Loan.objects.filter(pk=away.pk).update(status=AWAY[1], agreed_start=date(2020, 1, 1), agreed_end=date(2020, 6, 1))

    def ids(person: str, **query: str | int) -> set[int]:
        answer = api_as(person).get("/api/v1/loans/", query)
        assert answer.status_code == 200, answer.json()
        return {row["id"] for row in answer.json()["results"]}

    assert ids("alice", side="out") == {draft.pk, away.pk}
    assert ids("alice", side="in") == set()
    assert ids("bob", side="in") == {draft.pk, away.pk}
    assert ids("bob", overdue="true") == {away.pk}
    assert ids("bob", overdue="false") == {draft.pk}
    assert ids("analyst", status="on_loan") == {away.pk}
    assert ids("analyst", purpose="research") == {away.pk}
    assert ids("analyst", lender=portrait_gallery.pk) == {draft.pk, away.pk}
    assert ids("analyst", borrower=portrait_gallery.pk) == set()
    assert api_as("analyst").get("/api/v1/loans/", {"status": "lost"}).status_code == 400
    assert api_as("analyst").get("/api/v1/loans/", {"lender": "x"}).status_code == 400
    away_row = next(r for r in api_as("bob").get("/api/v1/loans/").json()["results"] if r["id"] == away.pk)
    assert away_row["overdue"] is True


def test_loans_in_or_out_for_a_visitor_are_none_not_a_server_error(api_as: ApiAs, portrait_loan: PortraitLoan) -> None:
    portrait_loan()

    for side in ("in", "out"):
        answer = api_as("anonymous").get("/api/v1/loans/", {"side": side})
        assert answer.status_code == 200, side
        assert answer.json()["count"] == 0, side
    assert api_as("bob").get("/api/v1/loans/", {"side": "in"}).json()["count"] == 1

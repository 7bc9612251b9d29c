from collections.abc import Callable
from datetime import date, timedelta

import pytest
from django.core.exceptions import PermissionDenied

from museumshare.accounts.models import User
from museumshare.activities.models import Activity, Kind
from museumshare.core.services import Refused
from museumshare.loans import procedure
from museumshare.loans.models import CollectionObject, FacilitiesReport, Insurance, Loan, Stage, Status
from museumshare.loans.services import condition_check_record, loan_transition, loan_update
from museumshare.loans.tests.conftest import agree


def step(loan: Loan, actor: User, to: str, note: str = "") -> Loan:
    return loan_transition(loan=loan, actor=actor, to=to, note=note)


def to_assessment(loan: Loan, alice: User, bob: User) -> None:
    """bob sends the request; alice acknowledges it and starts assessing it."""
    step(loan, bob, Status.REQUESTED)
    step(loan, alice, Status.ACKNOWLEDGED)
    step(loan, alice, Status.UNDER_ASSESSMENT)


def check_all(loan: Loan, actor: User, stage: str) -> None:
    for loan_object in loan.loan_objects.all():
        condition_check_record(
            loan_object=loan_object, actor=actor, stage=stage, condition="Stable.", checked_on=date.today()
        )


def test_a_loan_runs_from_request_to_close_with_every_step_in_its_timeline(
    alice: User,
    bob: User,
    portraits: list[CollectionObject],
    laing_facilities: FacilitiesReport,
    request_loan: Callable[..., Loan],
) -> None:
    loan = request_loan(portraits)
    step(loan, bob, Status.REQUESTED)
    step(loan, alice, Status.ACKNOWLEDGED, "All three are available.")
    step(loan, alice, Status.UNDER_ASSESSMENT)
    agree(loan, laing_facilities)
    step(loan, alice, Status.APPROVED)
    step(loan, alice, Status.AGREEMENT_SENT)
    loan_update(loan=loan, actor=alice, data={"lender_signed_on": date.today()})
    loan_update(loan=loan, actor=bob, data={"borrower_signed_on": date.today()})
    step(loan, bob, Status.AGREEMENT_SIGNED)
    check_all(loan, alice, Stage.DISPATCH)
    step(loan, alice, Status.IN_TRANSIT_OUT)
    check_all(loan, bob, Stage.ARRIVAL)
    step(loan, bob, Status.ON_LOAN)
    step(loan, bob, Status.IN_TRANSIT_BACK)
    check_all(loan, alice, Stage.RETURN)
    step(loan, alice, Status.RETURNED)
    loan = step(loan, alice, Status.CLOSED)

    assert [(e.status, e.actor) for e in loan.events.all()] == [
        (Status.DRAFT, bob),
        (Status.REQUESTED, bob),
        (Status.ACKNOWLEDGED, alice),
        (Status.UNDER_ASSESSMENT, alice),
        (Status.APPROVED, alice),
        (Status.AGREEMENT_SENT, alice),
        (Status.AGREEMENT_SIGNED, bob),
        (Status.IN_TRANSIT_OUT, alice),
        (Status.ON_LOAN, bob),
        (Status.IN_TRANSIT_BACK, bob),
        (Status.RETURNED, alice),
        (Status.CLOSED, alice),
    ]
    activity = Activity.objects.get(loan=loan)
    assert (activity.kind, activity.lead, activity.objects_count, activity.status) == (
        Kind.LOAN_DISPLAY_UK,
        loan.lender,
        3,
        "completed",
    )
    assert sorted(activity.partners.values_list("role", flat=True)) == ["host", "lead"]


@pytest.mark.parametrize(
    ("to", "by", "message"),
    [
        (Status.ACKNOWLEDGED, "bob", "Only editors at the lender"),
        (Status.REQUESTED, "alice", "Only editors at the borrower"),
        (Status.REQUESTED, "charlie", "Only editors at the borrower"),
    ],
)
def test_each_side_takes_only_its_own_steps(
    cast: dict[str, User],
    portraits: list[CollectionObject],
    request_loan: Callable[..., Loan],
    to: str,
    by: str,
    message: str,
) -> None:
    loan = request_loan(portraits)
    if to == Status.ACKNOWLEDGED:
        step(loan, cast["bob"], Status.REQUESTED)

    with pytest.raises(PermissionDenied, match=message):
        step(loan, cast[by], to)


def test_a_request_needs_objects(bob: User, request_loan: Callable[..., Loan]) -> None:
    loan = request_loan([])

    with pytest.raises(Refused) as refused:
        step(loan, bob, Status.REQUESTED)

    assert refused.value.messages == ["Add at least one object to the request."]


def test_approval_names_everything_that_is_missing(
    alice: User, bob: User, portraits: list[CollectionObject], request_loan: Callable[..., Loan]
) -> None:
    loan = request_loan(portraits)
    to_assessment(loan, alice, bob)

    with pytest.raises(Refused) as refused:
        step(loan, alice, Status.APPROVED)

    assert refused.value.messages == [
        "Enter the agreed loan period (start and end dates).",
        "Choose the insurance or indemnity that covers the loan.",
        "Attach the venue's facilities report.",
    ]
    assert Loan.objects.get(pk=loan.pk).status == Status.UNDER_ASSESSMENT


def test_a_facilities_report_past_its_review_date_stops_approval(
    alice: User,
    bob: User,
    portraits: list[CollectionObject],
    laing_facilities: FacilitiesReport,
    request_loan: Callable[..., Loan],
) -> None:
    loan = request_loan(portraits)
    to_assessment(loan, alice, bob)
    FacilitiesReport.objects.filter(pk=laing_facilities.pk).update(review_date=loan.requested_start - timedelta(days=1))
    agree(loan, laing_facilities)

    with pytest.raises(Refused, match="was due for review"):
        step(loan, alice, Status.APPROVED)


def test_government_indemnity_is_not_for_loans_from_national_museums(
    alice: User, portraits: list[CollectionObject], request_loan: Callable[..., Loan]
) -> None:
    loan = request_loan(portraits)
    loan.insurance = Insurance.GOVERNMENT_INDEMNITY

    assert procedure.has_insurance(loan) == [
        "The Government Indemnity Scheme is not available for loans from national museums."
    ]


def test_no_object_moves_before_both_parties_sign(
    alice: User,
    bob: User,
    portraits: list[CollectionObject],
    laing_facilities: FacilitiesReport,
    request_loan: Callable[..., Loan],
) -> None:
    loan = request_loan(portraits)
    to_assessment(loan, alice, bob)
    agree(loan, laing_facilities)
    step(loan, alice, Status.APPROVED)
    step(loan, alice, Status.AGREEMENT_SENT)
    loan_update(loan=loan, actor=alice, data={"lender_signed_on": date.today()})

    with pytest.raises(Refused) as refused:
        step(loan, bob, Status.AGREEMENT_SIGNED)
    with pytest.raises(Refused, match="cannot become in transit"):
        step(loan, alice, Status.IN_TRANSIT_OUT)

    assert refused.value.messages == ["Record the date the agreement was signed for the borrower."]


def test_dispatch_needs_a_condition_check_of_every_object(
    alice: User,
    bob: User,
    portraits: list[CollectionObject],
    laing_facilities: FacilitiesReport,
    request_loan: Callable[..., Loan],
) -> None:
    loan = request_loan(portraits)
    to_assessment(loan, alice, bob)
    agree(loan, laing_facilities)
    step(loan, alice, Status.APPROVED)
    step(loan, alice, Status.AGREEMENT_SENT)
    loan_update(loan=loan, actor=alice, data={"lender_signed_on": date.today(), "borrower_signed_on": date.today()})
    step(loan, bob, Status.AGREEMENT_SIGNED)
    first = loan.loan_objects.first()
    assert first is not None
    condition_check_record(
        loan_object=first, actor=alice, stage=Stage.DISPATCH, condition="Stable.", checked_on=date.today()
    )

    with pytest.raises(Refused) as refused:
        step(loan, alice, Status.IN_TRANSIT_OUT)

    assert refused.value.messages == ["Record the condition at dispatch of TEST 2, TEST 3."]


def test_declining_needs_a_reason(
    alice: User, bob: User, portraits: list[CollectionObject], request_loan: Callable[..., Loan]
) -> None:
    loan = request_loan(portraits)
    step(loan, bob, Status.REQUESTED)

    with pytest.raises(Refused, match="Say why"):
        step(loan, alice, Status.DECLINED)
    declined = step(loan, alice, Status.DECLINED, "These portraits are on tour that year.")

    assert declined.status == Status.DECLINED
    assert declined.events.last().note == "These portraits are on tour that year."  # type: ignore[union-attr]


def test_a_second_request_for_an_object_over_the_same_dates_is_refused_naming_both(
    bob: User, portraits: list[CollectionObject], request_loan: Callable[..., Loan]
) -> None:
    first = request_loan(portraits)
    step(first, bob, Status.REQUESTED)
    second = request_loan([portraits[1]], requested_start=first.requested_start + timedelta(days=30))

    with pytest.raises(Refused) as refused:
        step(second, bob, Status.REQUESTED)

    [message] = refused.value.messages
    assert message.startswith(f"TEST 2 Portrait study 2 is already on loan {first.reference} (requested) from ")


def test_a_request_for_other_dates_is_fine(
    bob: User, portraits: list[CollectionObject], request_loan: Callable[..., Loan]
) -> None:
    first = request_loan(portraits)
    step(first, bob, Status.REQUESTED)
    later = request_loan(
        [portraits[1]],
        requested_start=first.requested_end + timedelta(days=1),
        requested_end=first.requested_end + timedelta(days=90),
    )

    assert step(later, bob, Status.REQUESTED).status == Status.REQUESTED


def test_a_long_loan_is_18_months_or_more(portraits: list[CollectionObject], request_loan: Callable[..., Loan]) -> None:
    start = date(2027, 1, 15)
    short = request_loan(portraits[:1], requested_start=start, requested_end=date(2028, 7, 14))
    long = request_loan(portraits[1:2], requested_start=start, requested_end=date(2028, 7, 15))

    assert (short.months(), short.is_long) == (17, False)
    assert (long.months(), long.is_long) == (18, True)


def test_overdue_loans_are_away_past_their_agreed_end(
    portraits: list[CollectionObject], request_loan: Callable[..., Loan]
) -> None:
    loan = request_loan(portraits)
    Loan.objects.filter(pk=loan.pk).update(status=Status.ON_LOAN, agreed_end=date.today() - timedelta(days=1))
    Loan.objects.filter(
        pk=request_loan([portraits[0]], requested_start=date(2020, 1, 1), requested_end=date(2020, 2, 1)).pk
    ).update(status=Status.RETURNED, agreed_end=date(2020, 2, 1))

    assert list(Loan.objects.overdue()) == [Loan.objects.get(pk=loan.pk)]

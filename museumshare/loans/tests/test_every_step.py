"""Every step of the procedure: the side that takes it can, the other side cannot, and its requirements hold."""

from collections.abc import Callable
from datetime import date

import pytest
from django.core.exceptions import PermissionDenied

from museumshare.accounts.models import User
from museumshare.core.services import Refused
from museumshare.loans import procedure
from museumshare.loans.models import CollectionObject, ConditionCheck, FacilitiesReport, Insurance, Loan, Stage, Status
from museumshare.loans.services import loan_transition
from museumshare.loans.tests.conftest import agree

ALL_STEPS = [(status, step) for status, steps in procedure.STEPS.items() for step in steps]


def ready_for(loan: Loan, report: FacilitiesReport, status: str) -> Loan:
    """The loan put straight into `status`, with everything any step from there requires."""
    agree(loan, report)
    Loan.objects.filter(pk=loan.pk).update(
        status=status, insurance=Insurance.COMMERCIAL, lender_signed_on=date.today(), borrower_signed_on=date.today()
    )
    for loan_object in loan.loan_objects.all():
        for stage in Stage:
            ConditionCheck.objects.create(
                loan_object=loan_object, stage=stage, checked_on=date.today(), condition="Stable."
            )
    loan.refresh_from_db()
    return loan


@pytest.mark.parametrize(("status", "step"), ALL_STEPS, ids=[f"{s.value}->{st.to.value}" for s, st in ALL_STEPS])
def test_each_step_is_taken_by_its_own_side_only(
    alice: User,
    bob: User,
    portraits: list[CollectionObject],
    laing_facilities: FacilitiesReport,
    request_loan: Callable[..., Loan],
    status: Status,
    step: procedure.Step,
) -> None:
    loan = ready_for(request_loan(portraits), laing_facilities, status)
    taker, other = (alice, bob) if step.by == procedure.LENDER else (bob, alice)

    with pytest.raises(PermissionDenied):
        loan_transition(loan=loan, actor=other, to=step.to, note="Because.")
    moved = loan_transition(loan=loan, actor=taker, to=step.to, note="Because.")

    assert moved.status == step.to
    assert moved.events.last().status == step.to  # type: ignore[union-attr]


@pytest.mark.parametrize(
    ("status", "step"),
    [(s, st) for s, st in ALL_STEPS if st.requires],
    ids=[f"{s.value}->{st.to.value}" for s, st in ALL_STEPS if st.requires],
)
def test_each_requirement_stops_its_step_until_it_is_met(
    alice: User,
    bob: User,
    portraits: list[CollectionObject],
    laing_facilities: FacilitiesReport,
    request_loan: Callable[..., Loan],
    status: Status,
    step: procedure.Step,
) -> None:
    # With objects, every other requirement is unmet; without, so is "has objects".
    loan = request_loan([] if step.requires == (procedure.has_objects,) else portraits)
    Loan.objects.filter(pk=loan.pk).update(status=status)
    loan.refresh_from_db()
    taker = alice if step.by == procedure.LENDER else bob

    with pytest.raises(Refused) as refused:
        loan_transition(loan=loan, actor=taker, to=step.to, note="Because.")

    assert refused.value.messages == procedure.missing(loan, step.to)
    assert Loan.objects.get(pk=loan.pk).status == status


def test_a_step_the_procedure_does_not_have_is_refused(
    bob: User, portraits: list[CollectionObject], request_loan: Callable[..., Loan]
) -> None:
    loan = request_loan(portraits)

    with pytest.raises(Refused, match="A loan that is request drafted cannot become on loan"):
        loan_transition(loan=loan, actor=bob, to=Status.ON_LOAN)

from collections.abc import Callable
from datetime import date, timedelta

import pytest
from django.core.exceptions import PermissionDenied
from django.test import Client
from django.urls import reverse

from museumshare.accounts.models import User
from museumshare.core.services import Refused
from museumshare.loans.models import CollectionObject, Loan, Status
from museumshare.loans.services import loan_decide_renewal, loan_request_renewal


def on_loan(loan: Loan, start: date, end: date, status: str = Status.ON_LOAN) -> Loan:
    Loan.objects.filter(pk=loan.pk).update(status=status, agreed_start=start, agreed_end=end)
    loan.refresh_from_db()
    return loan


def test_the_borrower_asks_and_the_lender_agrees_a_longer_loan(
    alice: User, bob: User, portraits: list[CollectionObject], request_loan: Callable[..., Loan]
) -> None:
    loan = on_loan(request_loan(portraits), date(2027, 1, 1), date(2027, 6, 30))

    loan_request_renewal(loan=loan, actor=bob, until=date(2027, 12, 31), note="The exhibition is extended.")
    renewed = loan_decide_renewal(loan=loan, actor=alice, agree=True)

    assert (renewed.agreed_end, renewed.renewal_requested_end) == (date(2027, 12, 31), None)
    assert [e.note for e in renewed.events.all()][-2:] == [
        "Renewal asked for until 31 December 2027. The exhibition is extended.",
        "Renewal agreed until 31 December 2027.",
    ]


def test_a_renewal_over_another_loans_dates_is_refused_naming_it(
    alice: User, bob: User, portraits: list[CollectionObject], request_loan: Callable[..., Loan]
) -> None:
    loan = on_loan(request_loan(portraits), date(2027, 1, 1), date(2027, 6, 30))
    later = request_loan(portraits[:1], requested_start=date(2027, 9, 1), requested_end=date(2027, 10, 1))
    on_loan(later, date(2027, 9, 1), date(2027, 10, 1), Status.APPROVED)
    loan_request_renewal(loan=loan, actor=bob, until=date(2027, 12, 31))

    with pytest.raises(Refused, match=f"TEST 1 Portrait study 1 is already on loan {later.reference}"):
        loan_decide_renewal(loan=loan, actor=alice, agree=True)

    assert Loan.objects.get(pk=loan.pk).agreed_end == date(2027, 6, 30)


def test_only_the_borrower_asks_and_only_the_lender_decides(
    alice: User, bob: User, portraits: list[CollectionObject], request_loan: Callable[..., Loan]
) -> None:
    loan = on_loan(request_loan(portraits), date(2027, 1, 1), date(2027, 6, 30))

    with pytest.raises(PermissionDenied):
        loan_request_renewal(loan=loan, actor=alice, until=date(2027, 12, 31))
    loan_request_renewal(loan=loan, actor=bob, until=date(2027, 12, 31))
    with pytest.raises(PermissionDenied):
        loan_decide_renewal(loan=loan, actor=bob, agree=True)
    with pytest.raises(Refused, match="Say why"):
        loan_decide_renewal(loan=loan, actor=alice, agree=False)

    declined = loan_decide_renewal(loan=loan, actor=alice, agree=False, note="They go on tour in July.")
    assert (declined.agreed_end, declined.renewal_requested_end) == (date(2027, 6, 30), None)


def test_a_renewal_must_extend_a_loan_that_is_out(
    bob: User, portraits: list[CollectionObject], request_loan: Callable[..., Loan]
) -> None:
    loan = request_loan(portraits)

    with pytest.raises(Refused, match="only while the objects are on loan"):
        loan_request_renewal(loan=loan, actor=bob, until=date.today() + timedelta(days=900))
    loan = on_loan(loan, date(2027, 1, 1), date(2027, 6, 30))
    with pytest.raises(Refused, match="after the agreed end, 30 June 2027"):
        loan_request_renewal(loan=loan, actor=bob, until=date(2027, 6, 1))


def test_the_loan_page_lets_bob_ask_and_alice_agree(
    alice: User, bob: User, portraits: list[CollectionObject], request_loan: Callable[..., Loan]
) -> None:
    loan = on_loan(request_loan(portraits), date(2027, 1, 1), date(2027, 6, 30))
    as_bob, as_alice = Client(), Client()
    as_bob.force_login(bob)
    as_alice.force_login(alice)
    url = reverse("loans:renewal", args=[loan.pk])

    assert "Ask to renew the loan" in as_bob.get(loan.get_absolute_url()).content.decode()
    too_early = as_bob.post(url, {"action": "ask", "until": "2027-05-01"})
    as_bob.post(url, {"action": "ask", "until": "2027-09-30", "note": "Extended."})
    page = as_alice.get(loan.get_absolute_url()).content.decode()
    as_alice.post(url, {"action": "agree"})

    assert "Ask for a date after the agreed end, 30 June 2027." in too_early.content.decode()
    assert "has asked to keep the objects until 30 September 2027" in page
    assert Loan.objects.get(pk=loan.pk).agreed_end == date(2027, 9, 30)

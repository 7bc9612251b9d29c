from collections.abc import Callable
from datetime import date, timedelta

import pytest
from django.core import mail
from django.core.management import call_command

from museumshare.accounts.models import User
from museumshare.loans.models import CollectionObject, Loan, LoanReminder, Status
from museumshare.loans.services import REMINDERS, send_loan_reminders
from museumshare.organisations.models import Contact, Organisation

TODAY = date(2027, 9, 1)


@pytest.fixture
def overdue(request_loan: Callable[..., Loan], portraits: list[CollectionObject]) -> Callable[..., Loan]:
    """A loan whose agreed end was `days` ago, in `status`."""

    def make(status: str = Status.ON_LOAN, days: int = 10, objects: int = 0) -> Loan:
        loan = request_loan([portraits[objects]])
        Loan.objects.filter(pk=loan.pk).update(
            status=status, agreed_start=TODAY - timedelta(days=200), agreed_end=TODAY - timedelta(days=days)
        )
        loan.refresh_from_db()
        return loan

    return make


def test_contacts_of_both_sides_are_reminded_once_a_day(
    overdue: Callable[..., Loan],
    portrait_gallery: Organisation,
    laing: Organisation,
    mailoutbox: list[mail.EmailMessage],
) -> None:
    Contact.objects.create(organisation=laing, name="Reg", role="Registrar", email="registrar@laing.example")
    Contact.objects.create(organisation=laing, name="No mail", role="Porter")
    Contact.objects.create(organisation=portrait_gallery, name="Lou", role="Loans", email="loans@npg.example")
    loan = overdue()

    first = send_loan_reminders(actor=REMINDERS, on=TODAY)
    again = send_loan_reminders(actor=REMINDERS, on=TODAY)

    assert (first.overdue, first.sent, again.sent, again.already_sent) == (1, 1, 0, 1)
    assert len(mailoutbox) == 1
    message = mailoutbox[0]
    assert sorted(message.to) == ["loans@npg.example", "registrar@laing.example"]
    assert message.subject == f"Loan {loan.reference} is overdue for return"
    assert "was agreed to end on 22 August 2027, 10 days ago" in message.body
    assert "TEST 1 Portrait study 1" in message.body
    assert LoanReminder.objects.get(loan=loan).sent_on == TODAY

    tomorrow = send_loan_reminders(actor=REMINDERS, on=TODAY + timedelta(days=1))
    assert tomorrow.sent == 1
    assert len(mailoutbox) == 2


def test_without_contacts_the_editors_are_reminded(
    overdue: Callable[..., Loan], alice: User, bob: User, mailoutbox: list[mail.EmailMessage]
) -> None:
    overdue()

    send_loan_reminders(actor=REMINDERS, on=TODAY)

    assert sorted(mailoutbox[0].to) == sorted([alice.email, bob.email])


def test_returned_closed_and_loans_not_yet_due_are_left_alone(
    overdue: Callable[..., Loan], mailoutbox: list[mail.EmailMessage]
) -> None:
    overdue(Status.RETURNED, objects=0)
    overdue(Status.CLOSED, objects=1)
    overdue(Status.ON_LOAN, days=-5, objects=2)

    summary = send_loan_reminders(actor=REMINDERS, on=TODAY)

    assert (summary.overdue, summary.sent) == (0, 0)
    assert mailoutbox == []
    assert not LoanReminder.objects.exists()


@pytest.mark.parametrize("status", [Status.IN_TRANSIT_OUT, Status.ON_LOAN, Status.RETURN_DUE, Status.IN_TRANSIT_BACK])
def test_every_status_with_the_objects_away_is_reminded(
    overdue: Callable[..., Loan], status: str, mailoutbox: list[mail.EmailMessage]
) -> None:
    overdue(status)

    assert send_loan_reminders(actor=REMINDERS, on=TODAY).sent == 1


def test_the_command_prints_a_summary_and_is_safe_to_run_twice(
    overdue: Callable[..., Loan], mailoutbox: list[mail.EmailMessage], capsys: pytest.CaptureFixture[str]
) -> None:
    overdue()

    call_command("send_loan_reminders", "--date", TODAY.isoformat())
    call_command("send_loan_reminders", "--date", TODAY.isoformat())

    out = capsys.readouterr().out.splitlines()
    assert out == [
        "Overdue loans: 1. Reminders sent: 1. Already reminded today: 0.",
        "Overdue loans: 1. Reminders sent: 0. Already reminded today: 1.",
    ]
    assert len(mailoutbox) == 1

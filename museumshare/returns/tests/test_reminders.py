"""Reminding organisations whose return is due soon and not yet submitted, by the daily command."""

import io
from datetime import date, timedelta

import pytest
from django.core import mail
from django.core.management import call_command

from museumshare.accounts.models import User
from museumshare.core.models import AuditEntry
from museumshare.organisations.models import Organisation
from museumshare.returns import services
from museumshare.returns.models import ReportingYear, Return, ReturnReminder, ReturnStatus

DEADLINE = date(2025, 6, 30)


@pytest.fixture
def year(analyst: User, portrait_gallery: Organisation, laing: Organisation) -> ReportingYear:
    """2024/25, open, asking the National Portrait Gallery (alice edits there) and the Laing (bob)."""
    year = services.year_create(actor=analyst, year=2024, deadline=DEADLINE, organisations=[portrait_gallery, laing])
    services.year_open(year=year, actor=analyst)
    year.refresh_from_db()
    return year


def remind(day: date) -> str:
    out = io.StringIO()
    call_command("send_return_reminders", "--today", day.isoformat(), stdout=out)
    return out.getvalue()


def test_it_reminds_each_organisation_once_a_day_on_the_reminder_days(
    year: ReportingYear, alice: User, bob: User, mailoutbox: list[mail.EmailMessage]
) -> None:
    week_before = DEADLINE - timedelta(days=7)

    first = remind(week_before)
    again = remind(week_before)

    assert first.strip() == "Reminders sent: 2. Already reminded today: 0."
    assert again.strip() == "Reminders sent: 0. Already reminded today: 2."
    assert sorted(message.to[0] for message in mailoutbox) == [alice.email, bob.email]
    message = next(message for message in mailoutbox if message.to == [alice.email])
    assert message.subject == "[museumshare] Your 2024/25 return is due in 7 days"
    assert "National Portrait Gallery's return for 2024/25 is due on 30 June 2025" in message.body
    assert ReturnReminder.objects.filter(sent_on=week_before).count() == 2


@pytest.mark.parametrize("days_before", [13, 8, 2, 0, -1])
def test_it_sends_nothing_on_other_days(
    year: ReportingYear, alice: User, days_before: int, mailoutbox: list[mail.EmailMessage]
) -> None:
    assert remind(DEADLINE - timedelta(days=days_before)).startswith("Reminders sent: 0.")
    assert mailoutbox == []


def test_a_submitted_or_approved_return_is_not_reminded(
    year: ReportingYear, alice: User, bob: User, laing: Organisation, mailoutbox: list[mail.EmailMessage]
) -> None:
    Return.objects.filter(organisation=laing).update(status=ReturnStatus.SUBMITTED)

    remind(DEADLINE - timedelta(days=1))
    Return.objects.filter(organisation=laing).update(status=ReturnStatus.APPROVED)
    remind(DEADLINE - timedelta(days=14))

    assert [message.to for message in mailoutbox] == [[alice.email], [alice.email]]
    assert mailoutbox[0].subject == "[museumshare] Your 2024/25 return is due tomorrow"


def test_a_return_sent_back_for_changes_is_reminded(
    year: ReportingYear,
    bob: User,
    laing: Organisation,
    portrait_gallery: Organisation,
    mailoutbox: list[mail.EmailMessage],
) -> None:
    Return.objects.filter(organisation=portrait_gallery).update(status=ReturnStatus.SUBMITTED)
    Return.objects.filter(organisation=laing).update(status=ReturnStatus.RETURNED)

    remind(DEADLINE - timedelta(days=14))

    assert [message.to for message in mailoutbox] == [[bob.email]]


def test_a_closed_year_or_one_with_other_reminder_days_follows_its_own_settings(
    year: ReportingYear, analyst: User, mailoutbox: list[mail.EmailMessage]
) -> None:
    services.year_update(year=year, actor=analyst, data={"reminder_days": "3, 2"})

    remind(DEADLINE - timedelta(days=7))
    remind(DEADLINE - timedelta(days=3))
    assert len(mailoutbox) == 2

    services.year_close(year=year, actor=analyst)
    remind(DEADLINE - timedelta(days=2))
    assert len(mailoutbox) == 2


def test_it_names_the_organisations_with_no_one_to_write_to(
    year: ReportingYear, bob: User, laing: Organisation, mailoutbox: list[mail.EmailMessage]
) -> None:
    laing.memberships.all().delete()

    printed = remind(DEADLINE - timedelta(days=7))

    assert "No partnership lead or editor with an email address at: Laing Art Gallery" in printed
    assert len(mailoutbox) == 1


def test_each_reminder_is_in_the_audit_log_as_sent_by_the_scheduled_job(year: ReportingYear) -> None:
    remind(DEADLINE - timedelta(days=7))
    remind(DEADLINE - timedelta(days=7))

    entries = AuditEntry.objects.filter(action="return.remind")
    assert sorted(entry.object_repr for entry in entries) == sorted(str(r) for r in year.returns.all())
    assert {(entry.actor_id, entry.actor_name) for entry in entries} == {(None, "scheduled reminders")}
    assert {entry.changes["reminded"][1] for entry in entries} == {"2025-06-23"}

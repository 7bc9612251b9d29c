from datetime import date
from io import StringIO

import pytest
from django.core import mail
from django.core.management import CommandError, call_command
from pytest_django.fixtures import Settings

from museumshare.accounts.models import User
from museumshare.activities.models import Activity, Kind
from museumshare.core import years
from museumshare.loans.demo import load_demo_loans
from museumshare.loans.models import CollectionObject, Loan, LoanEvent, Status
from museumshare.organisations.models import Membership, Organisation, Role
from museumshare.programmes.models import Event, Opportunity, Participation, Programme, ProgrammeMember
from museumshare.returns.models import ReportingYear, Return, YearStatus


@pytest.fixture(autouse=True)
def debug(settings: Settings) -> None:
    """setup_demo runs where make run runs it: with DEBUG on (pytest-django turns it off for each test)."""
    settings.DEBUG = True


def test_setup_demo_refuses_with_debug_off_and_creates_nobody(
    register: dict[str, Organisation], settings: Settings
) -> None:
    settings.DEBUG = False

    with pytest.raises(CommandError, match=r"DEBUG is off.*--force"):
        call_command("setup_demo", stdout=StringIO())
    assert not User.objects.exists()


def test_setup_demo_runs_with_debug_off_when_forced(register: dict[str, Organisation], settings: Settings) -> None:
    settings.DEBUG = False

    call_command("setup_demo", "--force", stdout=StringIO())

    assert User.objects.filter(is_superuser=True).exists()


def test_setup_demo_creates_the_cast_once_and_prints_the_logins(register: dict[str, Organisation]) -> None:
    out = StringIO()

    call_command("setup_demo", "--password", "demo-password-1", stdout=out)
    call_command("setup_demo", "--password", "demo-password-1", stdout=StringIO())

    assert "alice@example.org      Editor at National Portrait Gallery" in out.getvalue()
    assert User.objects.count() == 5
    alice = User.objects.get(email="alice@example.org")
    assert alice.check_password("demo-password-1")
    assert Membership.objects.get(user=alice).role == Role.EDITOR
    gallery = Organisation.objects.get(external_id="mm.domus.SE444")
    assert "National Skills Sharing Partnership" in gallery.offers_programmes
    assert Activity.objects.filter(external_ref__startswith="demo-").count() == 1


def test_setup_demo_records_the_skills_sharing_partnership_with_its_real_partners(
    register: dict[str, Organisation],
) -> None:
    call_command("setup_demo", stdout=StringIO())
    call_command("setup_demo", stdout=StringIO())

    programme = Programme.objects.get()
    assert programme.lead.external_id == "mm.domus.SE444"
    assert programme.theme == "What is a Portrait?"
    # The test register holds the Laing and the Ulster Museum of its partners; Hay Castle Trust,
    # missing from Mapping Museums, is added to the register and placed in Powys.
    roles = dict(ProgrammeMember.objects.values_list("organisation__name", "role"))
    assert roles == {
        "National Portrait Gallery": "lead",
        "Ulster Museum": "initiating",
        "Laing Art Gallery": "partner",
        "Hay Castle Trust": "partner",
    }
    hay = Organisation.objects.get(name="Hay Castle Trust")
    assert (hay.district_code, hay.nation) == ("W06000023", "Wales")
    assert Opportunity.objects.filter(programme=programme).exists()
    assert not Opportunity.objects.filter(is_demo=False).exists()
    assert not Participation.objects.filter(is_demo=False).exists()
    assert Event.objects.filter(programme=programme, kind="leads_meeting").count() == 3
    # Each filled opportunity, pair, event and display is in the register once.
    internship = Opportunity.objects.get(status="filled")
    assert internship.activity is not None
    assert internship.activity.kind == Kind.INTERNSHIP
    assert internship.activity.participants == internship.participations.count()
    assert Activity.objects.filter(external_ref__startswith="opportunity:").count() == 1
    assert Activity.objects.filter(kind=Kind.CO_PRODUCED_EXHIBITION).count() == 1
    assert mail.outbox == []


def test_setup_demo_opens_the_last_whole_reporting_year_for_the_national_museums(
    register: dict[str, Organisation],
) -> None:
    call_command("setup_demo", stdout=StringIO())
    call_command("setup_demo", stdout=StringIO())

    year = ReportingYear.objects.get()
    assert year.year == years.of(date.today()) - 1
    assert year.status == YearStatus.OPEN
    gallery = Return.objects.get(year=year, organisation__external_id="mm.domus.SE444")
    assert gallery.values.count() == 41
    assert Return.objects.filter(year=year).count() == year.organisations.count()


def test_setup_demo_lends_the_gallerys_demo_objects_to_the_laing_at_three_stages(
    register: dict[str, Organisation],
) -> None:
    out = StringIO()
    call_command("setup_demo", stdout=out)
    call_command("setup_demo", stdout=StringIO())

    assert "Recorded 3 demo loans" in out.getvalue()
    loans = list(Loan.objects.order_by("requested_start"))
    assert [loan.status for loan in loans] == [Status.CLOSED, Status.ON_LOAN, Status.REQUESTED]
    assert {(loan.lender.name, loan.borrower.name) for loan in loans} == {
        ("National Portrait Gallery", "Laing Art Gallery")
    }
    closed = loans[0]
    assert closed.agreed_start is not None
    assert years.of(closed.agreed_start) == years.of(date.today()) - 1  # counted in the demo's open round
    assert closed.visitors == 18_400
    assert closed.activity is not None
    assert [e.status for e in closed.events.all()][-3:] == [Status.IN_TRANSIT_BACK, Status.RETURNED, Status.CLOSED]
    # Each timeline is dated when its steps were taken, in order and never after today.
    for loan in loans:
        days = [e.at.date() for e in loan.events.order_by("pk")]
        assert days == sorted(days)
        assert days[-1] <= date.today()
    assert loans[1].requested_start < date.today() < loans[1].requested_end
    assert CollectionObject.objects.filter(accession_number__startswith="DEMO ").count() == 5


def test_the_demo_loans_never_date_a_step_after_the_day_they_are_loaded(register: dict[str, Organisation]) -> None:
    call_command("setup_demo", stdout=StringIO())  # the cast
    Loan.objects.all().delete()
    CollectionObject.objects.all().delete()
    early_in_a_year = date(2026, 4, 2)

    assert load_demo_loans(today=early_in_a_year) == 3
    assert max(e.at.date() for e in LoanEvent.objects.all()) <= early_in_a_year
    report = Loan.objects.get(status=Status.CLOSED).facilities_report
    assert report is not None
    assert report.completed_on < min(e.at.date() for e in LoanEvent.objects.all())
    assert all(report.is_in_date(loan.requested_start) for loan in Loan.objects.all())

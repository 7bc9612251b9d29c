"""Two approvals of the same object at once, on a real PostgreSQL server: exactly one succeeds."""

import threading
from datetime import timedelta
from pathlib import Path

import pytest
from django.db import connection, connections

from museumshare.conftest import PASSWORD, write_sample
from museumshare.core.services import Refused
from museumshare.loans.models import CollectionObject, FacilitiesReport, Insurance, Loan, Status
from museumshare.loans.services import loan_create, loan_transition
from museumshare.loans.tests.conftest import START
from museumshare.organisations.demo import ensure_cast
from museumshare.organisations.importer import import_organisations
from museumshare.organisations.models import Organisation

pytestmark = pytest.mark.skipif(connection.vendor != "postgresql", reason="needs PostgreSQL's row locks")


@pytest.mark.django_db(transaction=True)
def test_two_approvals_of_one_object_at_once_let_exactly_one_through(tmp_path: Path) -> None:
    import_organisations(path=write_sample(tmp_path / "register.csv", {"mm.domus.SE444", "mm.domus.NE026"}))
    cast = ensure_cast(PASSWORD)
    gallery = Organisation.objects.get(external_id="mm.domus.SE444")
    laing = Organisation.objects.get(external_id="mm.domus.NE026")
    portrait = CollectionObject.objects.create(owner=gallery, accession_number="TEST 1", title="Portrait study")
    report = FacilitiesReport.objects.create(
        organisation=laing, completed_on=START - timedelta(days=400), review_date=START + timedelta(days=400)
    )
    loans = []
    for n, (start, end) in enumerate([(0, 60), (90, 150)]):
        loan = loan_create(
            actor=cast["bob"],
            data={
                "reference": f"LO-2027-{n}",
                "lender": gallery,
                "borrower": laing,
                "requested_start": START + timedelta(days=start),
                "requested_end": START + timedelta(days=end),
            },
            objects=[portrait],
        )
        loan_transition(loan=loan, actor=cast["bob"], to=Status.REQUESTED)
        loan_transition(loan=loan, actor=cast["alice"], to=Status.ACKNOWLEDGED)
        loan_transition(loan=loan, actor=cast["alice"], to=Status.UNDER_ASSESSMENT)
        loans.append(loan)
    # The lender then agrees periods that overlap: only one of the two can have the portrait.
    Loan.objects.update(
        agreed_start=START,
        agreed_end=START + timedelta(days=120),
        insurance=Insurance.COMMERCIAL,
        facilities_report=report,
    )
    outcomes: list[str] = []
    ready = threading.Barrier(2)

    def approve(loan: Loan) -> None:
        try:
            ready.wait()
            loan_transition(loan=loan, actor=cast["alice"], to=Status.APPROVED)
            outcomes.append("approved")
        except Refused as refused:
            outcomes.append(refused.messages[0])
        finally:
            connections.close_all()

    threads = [threading.Thread(target=approve, args=(loan,)) for loan in loans]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)

    [refusal] = [outcome for outcome in outcomes if outcome != "approved"]
    assert outcomes.count("approved") == 1
    assert refusal.startswith("TEST 1 Portrait study is already on loan LO-2027-")
    assert Loan.objects.filter(status=Status.APPROVED).count() == 1

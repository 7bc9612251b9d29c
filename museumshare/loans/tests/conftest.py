from collections.abc import Callable
from datetime import date, timedelta
from decimal import Decimal
from typing import Any

import pytest

from museumshare.accounts.models import User
from museumshare.loans.models import CollectionObject, FacilitiesReport, Insurance, Loan, Purpose
from museumshare.loans.services import loan_create
from museumshare.organisations.models import Organisation

START = date.today() + timedelta(days=300)


@pytest.fixture
def portraits(portrait_gallery: Organisation) -> list[CollectionObject]:
    """Three objects of alice's National Portrait Gallery (made-up records for tests)."""
    return [
        CollectionObject.objects.create(
            owner=portrait_gallery,
            accession_number=f"TEST {n}",
            title=f"Portrait study {n}",
            object_name="painting",
            valuation=Decimal("250000"),
        )
        for n in (1, 2, 3)
    ]


@pytest.fixture
def laing_facilities(laing: Organisation) -> FacilitiesReport:
    return FacilitiesReport.objects.create(
        organisation=laing,
        building="Grade II listed gallery, 1904.",
        security="Intruder alarm and CCTV, monitored day and night.",
        environment="20 °C ± 2, 50 % RH ± 5, 50 lux in the print room.",
        fire="Detection throughout; no sprinklers in galleries.",
        handling="Trained technicians; loading bay at the rear.",
        insurance="Local authority insurance.",
        completed_on=date.today() - timedelta(days=30),
        review_date=date.today() + timedelta(days=700),
    )


@pytest.fixture
def request_loan(bob: User, portrait_gallery: Organisation, laing: Organisation) -> Callable[..., Loan]:
    """bob's request for objects of the National Portrait Gallery, for an exhibition at the Laing."""

    def make(objects: list[CollectionObject], **extra: Any) -> Loan:
        data = {
            "reference": f"LO-2027-{Loan.objects.count() + 1:04d}",
            "lender": portrait_gallery,
            "borrower": laing,
            "purpose": Purpose.EXHIBITION,
            "exhibition_title": "Faces of the North",
            "requested_start": START,
            "requested_end": START + timedelta(days=120),
        } | extra
        return loan_create(actor=bob, data=data, objects=objects)

    return make


def agree(loan: Loan, report: FacilitiesReport) -> None:
    """What the lender settles while assessing: dates, insurance, the venue's report."""
    Loan.objects.filter(pk=loan.pk).update(
        agreed_start=loan.requested_start,
        agreed_end=loan.requested_end,
        insurance=Insurance.COMMERCIAL,
        facilities_report=report,
    )
    loan.refresh_from_db()

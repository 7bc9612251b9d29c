"""Demo loans for `make run`: made-up objects of the National Portrait Gallery lent to the Laing Art
Gallery, at three points of the procedure, each taken step by step through the loans services by
alice (the Gallery's editor) and bob (the Laing's), so every page shows what a real loan would.

- A loan of last reporting year, returned and closed, with its visitors.
- A loan on display at the Laing now.
- A request for next year that bob has sent and alice has yet to acknowledge.

The timeline of each is dated when its steps would have been taken, not when the demo was loaded.
"""

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from decimal import Decimal
from typing import Any

from django.utils import timezone

from museumshare.accounts.models import User
from museumshare.loans.models import (
    CollectionObject,
    FacilitiesReport,
    Insurance,
    LoanEvent,
    Purpose,
    Stage,
    Status,
)
from museumshare.loans.services import condition_check_record, loan_create, loan_transition, loan_update
from museumshare.organisations.demo import LAING_ART_GALLERY, NATIONAL_PORTRAIT_GALLERY
from museumshare.organisations.models import Organisation

ALICE, BOB = "alice@example.org", "bob@example.org"
DEMO = "DEMO"

# (accession number, title, what it is, date, valuation): made up for the demo.
OBJECTS = (
    ("DEMO 1", "Portrait of a shipbuilder's wife (demo)", "oil painting", "c. 1790", 180_000),
    ("DEMO 2", "Portrait of a Tyneside merchant (demo)", "oil painting", "1784", 220_000),
    ("DEMO 3", "Study of a coal-owner's children (demo)", "pastel", "c. 1805", 95_000),
    ("DEMO 4", "Self-portrait with a sketchbook (demo)", "oil painting", "1812", 310_000),
    ("DEMO 5", "Portrait miniature of a naval officer (demo)", "watercolour on ivory", "c. 1798", 40_000),
)

# The steps that take a sent request to a loan on display, and who takes each.
TO_ON_LOAN = (
    (Status.ACKNOWLEDGED, ALICE),
    (Status.UNDER_ASSESSMENT, ALICE),
    (Status.APPROVED, ALICE),
    (Status.AGREEMENT_SENT, ALICE),
    (Status.AGREEMENT_SIGNED, BOB),
    (Status.IN_TRANSIT_OUT, ALICE),
    (Status.ON_LOAN, BOB),
)
BACK_AND_CLOSED = ((Status.IN_TRANSIT_BACK, BOB), (Status.RETURNED, ALICE), (Status.CLOSED, ALICE))


@dataclass(frozen=True)
class DemoLoan:
    title: str
    objects: tuple[str, ...]
    start: date
    end: date
    steps: tuple[tuple[Status, str], ...]
    visitors: int | None = None


def demo_loans(today: date) -> tuple[DemoLoan, ...]:
    """The three loans, dated around `today`: one of last reporting year, one now, one next year."""
    year = today.year if today.month >= 4 else today.year - 1  # the reporting year today is in
    return (
        DemoLoan(
            "Faces of Tyneside (demo)",
            ("DEMO 1", "DEMO 2"),
            date(year - 1, 5, 1),
            date(year - 1, 9, 30),
            TO_ON_LOAN + BACK_AND_CLOSED,
            visitors=18_400,
        ),
        DemoLoan(
            "Children of the Coalfield (demo)",
            ("DEMO 3", "DEMO 4"),
            today - timedelta(days=30),
            today + timedelta(days=120),
            TO_ON_LOAN,
        ),
        DemoLoan("Georgian Newcastle (demo)", ("DEMO 1", "DEMO 5"), date(year + 1, 5, 1), date(year + 1, 9, 30), ()),
    )


def load_demo_loans(today: date | None = None) -> int:
    """Record the demo loans once; returns how many were recorded."""
    gallery = Organisation.objects.filter(external_id=NATIONAL_PORTRAIT_GALLERY).first()
    laing = Organisation.objects.filter(external_id=LAING_ART_GALLERY).first()
    people = {u.email: u for u in User.objects.filter(email__in=(ALICE, BOB))}
    if gallery is None or laing is None or len(people) < 2:
        return 0
    if CollectionObject.objects.filter(owner=gallery, accession_number__startswith=DEMO).exists():
        return 0
    today = today or timezone.localdate()
    loans = demo_loans(today)
    objects = {
        number: CollectionObject.objects.create(
            owner=gallery,
            accession_number=number,
            title=title,
            object_name=what,
            date_made=made,
            valuation=Decimal(value),
        )
        for number, title, what, made, value in OBJECTS
    }
    report = FacilitiesReport.objects.create(
        organisation=laing,
        building="Demo record: Grade II listed gallery with a purpose-built exhibition wing.",
        security="Intruder alarm and CCTV, monitored day and night; invigilated galleries.",
        environment="20 °C ± 2 and 50% RH ± 5 in the exhibition galleries; 50 lux for works on paper.",
        fire="Detection throughout, linked to the fire service.",
        handling="Trained technicians; a loading bay and a goods lift.",
        insurance="Commercial insurance arranged for each loan.",
        # Before the first request, and in date for every loan's start.
        completed_on=loans[0].start - timedelta(days=400),
        review_date=loans[0].start + timedelta(days=4 * 365),
    )
    for number, demo in enumerate(loans, start=1):
        _record(demo, number, gallery, laing, [objects[n] for n in demo.objects], report, people, today)
    return len(loans)


def _record(
    demo: DemoLoan,
    number: int,
    gallery: Organisation,
    laing: Organisation,
    objects: list[CollectionObject],
    report: FacilitiesReport,
    people: dict[str, Any],
    today: date,
) -> None:
    alice, bob = people[ALICE], people[BOB]
    requested_on = min(demo.start - timedelta(days=240), today)
    data = {
        "reference": f"LO-{demo.start.year}-D{number:03d}",
        "lender": gallery,
        "borrower": laing,
        "purpose": Purpose.EXHIBITION,
        "exhibition_title": demo.title,
        "exhibition_start": demo.start + timedelta(days=7),
        "exhibition_end": demo.end - timedelta(days=7),
        "requested_start": demo.start,
        "requested_end": demo.end,
        "credit_line": "Lent by the National Portrait Gallery, London",
    }
    loan = loan_create(actor=bob, data=data, objects=objects)
    loan_transition(loan=loan, actor=bob, to=Status.REQUESTED, note="For our exhibition; demo record.")
    dated = [requested_on, requested_on]  # drafted and sent the same day
    for to, who in demo.steps:
        on = min(_when(to, demo, requested_on), today)
        person = people[who]
        if to == Status.APPROVED:
            loan_update(
                loan=loan,
                actor=alice,
                data={
                    "agreed_start": demo.start,
                    "agreed_end": demo.end,
                    "insurance": Insurance.COMMERCIAL,
                    "facilities_report": report,
                },
            )
        elif to == Status.AGREEMENT_SIGNED:
            loan_update(loan=loan, actor=alice, data={"lender_signed_on": on})
            loan_update(loan=loan, actor=bob, data={"borrower_signed_on": on})
        elif to in _CHECKS:
            for loan_object in loan.loan_objects.all():
                condition_check_record(
                    loan_object=loan_object, actor=person, stage=_CHECKS[to], condition="Stable.", checked_on=on
                )
        elif to == Status.CLOSED and demo.visitors is not None:
            loan_update(loan=loan, actor=bob, data={"visitors": demo.visitors})
        loan_transition(loan=loan, actor=person, to=to)
        dated.append(on)
    for event, on in zip(LoanEvent.objects.filter(loan=loan).order_by("pk"), dated, strict=True):
        LoanEvent.objects.filter(pk=event.pk).update(at=timezone.make_aware(datetime.combine(on, time(10))))


# The condition check each step needs first, by who takes it.
_CHECKS = {Status.IN_TRANSIT_OUT: Stage.DISPATCH, Status.ON_LOAN: Stage.ARRIVAL, Status.RETURNED: Stage.RETURN}


def _when(to: Status, demo: DemoLoan, requested_on: date) -> date:
    """The day a step of `demo` would have been taken: assessing after the request, the agreement
    some months before, dispatch and arrival around the start, the return after the end."""
    before_start = {
        Status.ACKNOWLEDGED: 235,
        Status.UNDER_ASSESSMENT: 225,
        Status.APPROVED: 180,
        Status.AGREEMENT_SENT: 150,
        Status.AGREEMENT_SIGNED: 120,
        Status.IN_TRANSIT_OUT: 3,
        Status.ON_LOAN: 2,
    }
    after_end = {Status.IN_TRANSIT_BACK: 2, Status.RETURNED: 3, Status.CLOSED: 20}
    if to in before_start:
        return max(requested_on, demo.start - timedelta(days=before_start[to]))
    return demo.end + timedelta(days=after_end[to])

"""The loan procedure as a status machine: who may take each step, and what it requires.

Spectrum 5.0 "Loans out" and "Loans in": a written request, the lender's acknowledgement and
assessment against its policy, a decision, an agreement signed by both parties before any object
moves, condition checks at dispatch, arrival and return, and the close of the loan.
Each requirement is a plain function returning what is missing, in words a registrar can act on.
"""

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date

from museumshare.loans.models import (
    GIS_MINIMUM_VALUE,
    Insurance,
    Loan,
    Stage,
    Status,
)

LENDER, BORROWER = "lender", "borrower"
Requirement = Callable[[Loan], list[str]]


def has_objects(loan: Loan) -> list[str]:
    return [] if loan.loan_objects.exists() else ["Add at least one object to the request."]


def has_agreed_period(loan: Loan) -> list[str]:
    if not loan.agreed_start or not loan.agreed_end:
        return ["Enter the agreed loan period (start and end dates)."]
    return loan.period_problems().get("agreed_end", [])


def has_insurance(loan: Loan) -> list[str]:
    if not loan.insurance:
        return ["Choose the insurance or indemnity that covers the loan."]
    if loan.insurance != Insurance.GOVERNMENT_INDEMNITY:
        return []
    problems = []
    if loan.lender.is_national:
        problems.append("The Government Indemnity Scheme is not available for loans from national museums.")
    low = [
        lo.object.accession_number
        for lo in loan.loan_objects.select_related("object")
        if (lo.valuation or 0) < GIS_MINIMUM_VALUE
    ]
    if low:
        problems.append(
            f"The Government Indemnity Scheme covers objects valued at £{GIS_MINIMUM_VALUE:,.0f} or more; "
            f"value {', '.join(low)} first."
        )
    return problems


def has_facilities_report_in_date(loan: Loan) -> list[str]:
    if not loan.is_for_display:
        return []
    report = loan.facilities_report
    if report is None:
        return ["Attach the venue's facilities report."]
    if not report.is_in_date(loan.agreed_start or loan.requested_start):
        return [f"The facilities report was due for review on {report.review_date:%-d %B %Y}; ask for a new one."]
    return []


def is_signed_by_both(loan: Loan) -> list[str]:
    missing = [
        side
        for side, day in (("the lender", loan.lender_signed_on), ("the borrower", loan.borrower_signed_on))
        if not day
    ]
    return [f"Record the date the agreement was signed for {' and '.join(missing)}."] if missing else []


def _checked(stage: Stage) -> Requirement:
    def requirement(loan: Loan) -> list[str]:
        unchecked = [
            lo.object.accession_number
            for lo in loan.loan_objects.select_related("object")
            if not lo.condition_checks.filter(stage=stage).exists()
        ]
        if not unchecked:
            return []
        return [f"Record the condition {stage.label.lower()} of {', '.join(unchecked)}."]

    requirement.__name__ = f"checked_{stage.value}"
    return requirement


@dataclass(frozen=True)
class Step:
    to: Status
    by: str
    label: str
    requires: tuple[Requirement, ...] = ()
    needs_note: bool = False


STEPS: dict[Status, tuple[Step, ...]] = {
    Status.DRAFT: (
        Step(Status.REQUESTED, BORROWER, "Send the request", (has_objects,)),
        Step(Status.WITHDRAWN, BORROWER, "Withdraw the request"),
    ),
    Status.REQUESTED: (
        Step(Status.ACKNOWLEDGED, LENDER, "Acknowledge the request"),
        Step(Status.DECLINED, LENDER, "Decline", needs_note=True),
        Step(Status.WITHDRAWN, BORROWER, "Withdraw the request"),
    ),
    Status.ACKNOWLEDGED: (
        Step(Status.UNDER_ASSESSMENT, LENDER, "Start the assessment"),
        Step(Status.DECLINED, LENDER, "Decline", needs_note=True),
        Step(Status.WITHDRAWN, BORROWER, "Withdraw the request"),
    ),
    Status.UNDER_ASSESSMENT: (
        Step(
            Status.APPROVED,
            LENDER,
            "Approve the loan",
            (has_objects, has_agreed_period, has_insurance, has_facilities_report_in_date),
        ),
        Step(Status.DECLINED, LENDER, "Decline", needs_note=True),
        Step(Status.WITHDRAWN, BORROWER, "Withdraw the request"),
    ),
    Status.APPROVED: (
        Step(Status.AGREEMENT_SENT, LENDER, "Send the agreement", (has_agreed_period, has_insurance)),
        Step(Status.CANCELLED, LENDER, "Cancel the loan", needs_note=True),
        Step(Status.WITHDRAWN, BORROWER, "Withdraw", needs_note=True),
    ),
    Status.AGREEMENT_SENT: (
        Step(Status.AGREEMENT_SIGNED, BORROWER, "Record the signed agreement", (is_signed_by_both,)),
        Step(Status.CANCELLED, LENDER, "Cancel the loan", needs_note=True),
        Step(Status.WITHDRAWN, BORROWER, "Withdraw", needs_note=True),
    ),
    Status.AGREEMENT_SIGNED: (
        Step(
            Status.IN_TRANSIT_OUT,
            LENDER,
            "Dispatch the objects",
            (is_signed_by_both, has_insurance, _checked(Stage.DISPATCH)),
        ),
        Step(Status.CANCELLED, LENDER, "Cancel the loan", needs_note=True),
    ),
    Status.IN_TRANSIT_OUT: (Step(Status.ON_LOAN, BORROWER, "Record their arrival", (_checked(Stage.ARRIVAL),)),),
    Status.ON_LOAN: (
        Step(Status.RETURN_DUE, LENDER, "Ask for the return"),
        Step(Status.IN_TRANSIT_BACK, BORROWER, "Send the objects back"),
    ),
    Status.RETURN_DUE: (Step(Status.IN_TRANSIT_BACK, BORROWER, "Send the objects back"),),
    Status.IN_TRANSIT_BACK: (Step(Status.RETURNED, LENDER, "Record their return", (_checked(Stage.RETURN),)),),
    Status.RETURNED: (Step(Status.CLOSED, LENDER, "Close the loan"),),
}


def steps_from(status: str) -> tuple[Step, ...]:
    return STEPS.get(Status(status), ())


def step(status: str, to: str) -> Step | None:
    return next((s for s in steps_from(status) if s.to == to), None)


def missing(loan: Loan, to: str) -> list[str]:
    """What stops `loan` taking the step to `to`; empty when nothing does."""
    found = step(loan.status, to)
    if found is None:
        return [f"A loan that is {loan.get_status_display().lower()} cannot become {Status(to).label.lower()}."]
    return [problem for requirement in found.requires for problem in requirement(loan)]


def short_notice(loan: Loan, today: date | None = None) -> int | None:
    """Weeks of notice the request gives, when fewer than the lender's policy asks for."""
    policy = getattr(loan.lender, "loans_policy", None)
    if policy is None:
        return None
    weeks = ((loan.requested_start - (today or date.today())).days) // 7
    return weeks if weeks < policy.notice_weeks else None

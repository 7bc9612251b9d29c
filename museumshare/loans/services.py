"""Writes to loans. Every step of the procedure goes through `loan_transition`, which checks who
may take it and what it requires, records the step in the loan's timeline and the audit log, and
keeps the loan's activity in the register up to date."""

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from django.core.exceptions import ValidationError
from django.core.mail import send_mail
from django.db import IntegrityError, transaction
from django.db.models.functions import Coalesce

from museumshare.activities.models import Kind as ActivityKind
from museumshare.activities.models import PartnerRole, Visibility
from museumshare.activities.models import Status as ActivityStatus
from museumshare.activities.services import PlaceSpec, activity_in_step
from museumshare.core import audit
from museumshare.core.services import Actor, Refused, System, person, require
from museumshare.loans import procedure
from museumshare.loans.models import (
    AWAY,
    COMMITTED,
    FINISHED,
    CollectionObject,
    ConditionCheck,
    Loan,
    LoanDocument,
    LoanEvent,
    LoanObject,
    LoanReminder,
    LoansPolicy,
    Purpose,
    Stage,
    Status,
)
from museumshare.organisations.models import Membership, Organisation

# A request holds its objects from the moment it is sent: a second request for the same object
# over the same dates is refused at once, not discovered at approval.
HOLDING = tuple(s for s in Status if s not in (Status.DRAFT, *FINISHED))


# Who sends the overdue reminders when the scheduled command runs.
REMINDERS = System("scheduled reminders")


def clashes(
    loan: Loan,
    objects: Sequence[CollectionObject] | None = None,
    against: Sequence[str] = HOLDING,
    for_borrower: bool = False,
) -> list[str]:
    """Other loans (in the `against` statuses) with any of the loan's objects over overlapping dates.

    A request is refused when another loan already holds an object, even one still under
    assessment; an approval only when another loan has been approved (the lender chooses between
    rival requests by approving one).
    """
    objects = list(objects) if objects is not None else [lo.object for lo in loan.loan_objects.select_related("object")]
    others = (
        LoanObject.objects.filter(object__in=objects, loan__status__in=against)
        .exclude(loan=loan)
        .annotate(
            starts=Coalesce("loan__agreed_start", "loan__requested_start"),
            ends=Coalesce("loan__agreed_end", "loan__requested_end"),
        )
        .filter(starts__lte=loan.end, ends__gte=loan.start)
        .select_related("object", "loan")
    )
    return [_clash(other, named=not for_borrower or other.loan.borrower_id == loan.borrower_id) for other in others]


def _clash(other: LoanObject, named: bool) -> str:
    dates = f"from {other.loan.start:%-d %B %Y} to {other.loan.end:%-d %B %Y}"
    if not named:
        # `for_borrower`: another borrower's loan is theirs and the lender's business, so a borrower
        # learns only that the object is taken for those dates.
        return f"{other.object} is already promised to another borrower {dates}."
    return (
        f"{other.object} is already on loan {other.loan.reference} ({other.loan.get_status_display().lower()}) {dates}."
    )


def loan_problems(loan: Loan, objects: Sequence[CollectionObject] = ()) -> dict[str, list[str]]:
    """What is wrong with a loan's details, by field: the one check of the web forms, the API, the
    importer and the services (which run it whatever was checked before them).

    Each period must end on or after it starts (`Loan.period_problems`); an organisation cannot
    borrow from itself; a venue and a facilities report must be the borrower's; an object must be
    the lender's and lendable. The words name only ids, so a refusal never tells a borrower the
    title or accession number of an object it may not see.
    """
    problems = loan.period_problems()
    if loan.lender_id is not None and loan.lender_id == loan.borrower_id:
        problems["borrower"] = ["An organisation cannot borrow from itself."]
    if loan.borrower_id is not None:
        if loan.venue_id is not None and loan.venue is not None and loan.venue.organisation_id != loan.borrower_id:
            problems["venue"] = [f"Venue {loan.venue_id} is not one of the borrower's venues."]
        report = loan.facilities_report if loan.facilities_report_id is not None else None
        if report is not None and report.organisation_id != loan.borrower_id:
            problems["facilities_report"] = [f"Facilities report {report.pk} is not one of the borrower's."]
    unavailable = [o.pk for o in objects if o.owner_id != loan.lender_id or not o.lendable]
    if unavailable:
        ids = ", ".join(map(str, unavailable))
        said = f"Object {ids} is" if len(unavailable) == 1 else f"Objects {ids} are"
        problems["objects"] = [f"{said} not available."]
    return problems


def _refuse_unless_sound(loan: Loan, objects: Sequence[CollectionObject] = ()) -> None:
    """Refuse a loan with a problem `loan_problems` names, or one its model's own checks find."""
    problems = loan_problems(loan, objects)
    if problems:
        raise Refused(problems)
    try:
        loan.full_clean()
    except ValidationError as error:
        raise Refused(error.message_dict) from error


@transaction.atomic
def loan_create(*, actor: Actor, data: dict[str, Any], objects: Sequence[CollectionObject] = ()) -> Loan:
    """A borrower's request, drafted: the lender sees it once it is sent."""
    require(
        actor,
        "loans.request_loan",
        data.get("borrower"),
        message="Only editors at the borrowing organisation can request a loan.",
    )
    loan = Loan(**data, created_by=person(actor))
    _refuse_unless_sound(loan, objects)
    loan.save()
    LoanObject.objects.bulk_create(LoanObject(loan=loan, object=o, valuation=o.valuation) for o in objects)
    LoanEvent.objects.create(loan=loan, status=loan.status, actor=loan.created_by, note="Request drafted.")
    audit.record(actor=actor, action="loan.create", obj=loan, changes={"objects": [None, [str(o) for o in objects]]})
    return loan


@transaction.atomic
def loan_update(*, loan: Loan, actor: Actor, data: dict[str, Any]) -> dict[str, list[Any]]:
    """Change a loan's details (dates, insurance, signatures, visitors…) without moving its status."""
    loan = Loan.objects.select_for_update().get(pk=loan.pk)
    require(actor, "loans.change_loan", loan, message="Only editors at the lender or the borrower can change a loan.")
    before = audit.snapshot(loan, data.keys())
    for name, value in data.items():
        setattr(loan, name, value)
    _refuse_unless_sound(loan)
    changes = audit.diff(before, audit.snapshot(loan, data.keys()))
    if changes:
        loan.save()
        audit.record(actor=actor, action="loan.update", obj=loan, changes=changes)
        if loan.activity_id:
            loan_record_activity(loan, actor)
    return changes


@transaction.atomic
def loan_transition(*, loan: Loan, actor: Actor, to: str, note: str = "") -> Loan:
    """Take one step of the procedure, or refuse it saying why.

    The loan and its objects are locked first, so two people approving loans of the same object at
    once cannot both succeed: the second waits, then sees the first loan holding the object.
    """
    loan = (
        Loan.objects.select_for_update(of=("self",))
        .select_related("lender", "borrower", "facilities_report")
        .get(pk=loan.pk)
    )
    step = procedure.step(loan.status, to)
    if step is None:
        # Nobody may take a step that does not exist; say so only to someone who may act on the loan.
        require(actor, "loans.change_loan", loan, message="You cannot take this step.")
        raise Refused(procedure.missing(loan, to))
    who = "lender" if step.by == procedure.LENDER else "borrower"
    require(actor, f"loans.act_for_{step.by}", loan, message=f"Only editors at the {who} can {step.label.lower()}.")
    if step.needs_note and not note.strip():
        raise Refused([f"Say why, so that the {('borrower' if step.by == procedure.LENDER else 'lender')} knows."])
    problems = procedure.missing(loan, to)
    if to in (Status.REQUESTED, Status.APPROVED):
        # Locked in one order, so two steps over the same objects queue rather than deadlock.
        objects = list(CollectionObject.objects.select_for_update().filter(loan_objects__loan=loan).order_by("pk"))
        against = HOLDING if to == Status.REQUESTED else COMMITTED
        problems += clashes(loan, objects, against, for_borrower=step.by == procedure.BORROWER)
    if problems:
        raise Refused(problems)
    before = loan.status
    loan.status = to
    loan.save(update_fields=["status", "updated_at"])
    LoanEvent.objects.create(loan=loan, status=to, actor=person(actor), note=note)
    audit.record(
        actor=actor,
        action=f"loan.{to}",
        obj=loan,
        changes={"status": [before, to], **({"note": [None, note]} if note else {})},
    )
    if to == Status.APPROVED or (
        loan.activity_id and to in (*COMMITTED, Status.RETURNED, Status.CLOSED, Status.CANCELLED, Status.WITHDRAWN)
    ):
        loan_record_activity(loan, actor)
    return loan


@transaction.atomic
def condition_check_record(
    *, loan_object: LoanObject, actor: Actor, stage: str, condition: str, checked_on: date, changed: bool = False
) -> ConditionCheck:
    loan = loan_object.loan
    require(
        actor,
        "loans.record_condition",
        loan,
        message="Only editors at the lender or the borrower can record an object's condition.",
    )
    check, _ = ConditionCheck.objects.update_or_create(
        loan_object=loan_object,
        stage=stage,
        defaults={"condition": condition, "checked_on": checked_on, "changed": changed, "checked_by": person(actor)},
    )
    audit.record(
        actor=actor,
        action="loan.condition_check",
        obj=loan,
        changes={f"{loan_object.object} {Stage(stage).label.lower()}": [None, condition]},
    )
    return check


def _activity_kind(loan: Loan) -> str:
    if loan.purpose == Purpose.RESEARCH:
        return ActivityKind.RESEARCH_LOAN
    if loan.is_long:
        return ActivityKind.LONG_TERM_LOAN
    place = loan.venue or loan.borrower
    return ActivityKind.LOAN_DISPLAY_UK if place.nation else ActivityKind.LOAN_DISPLAY_INTERNATIONAL


def _activity_status(loan: Loan) -> ActivityStatus:
    if loan.status in (Status.CANCELLED, Status.WITHDRAWN):
        return ActivityStatus.CANCELLED
    if loan.status in (Status.RETURNED, Status.CLOSED):
        return ActivityStatus.COMPLETED
    return ActivityStatus.ACTIVE if loan.status in AWAY else ActivityStatus.PLANNED


def loan_record_activity(loan: Loan, actor: Actor) -> None:
    """The loan as partnership activity in the register: recorded once, kept in step with the loan."""
    require(actor, "loans.change_loan", loan, message="Only editors at the lender or the borrower can change a loan.")
    activity_in_step(
        work=loan,
        ref=f"loan:{loan.pk}",
        actor=actor,
        data={
            "title": f"Loan {loan.reference}: {loan.exhibition_title or loan.get_purpose_display()}",
            "kind": _activity_kind(loan),
            "lead": loan.lender,
            "start_date": loan.start,
            "end_date": loan.end,
            "status": _activity_status(loan),
            "objects_count": loan.loan_objects.count(),
            "visitors": loan.visitors,
        },
        partners=[(loan.borrower, PartnerRole.HOST)],
        places=[PlaceSpec(venue=loan.venue) if loan.venue else PlaceSpec(organisation=loan.borrower)],
        visibility=Visibility.PARTNERS,
    )


RENEWABLE = (Status.ON_LOAN, Status.RETURN_DUE)


@transaction.atomic
def loan_request_renewal(*, loan: Loan, actor: Actor, until: date, note: str = "") -> Loan:
    """The borrower asks to keep the objects until `until`; the lender decides."""
    loan = Loan.objects.select_for_update(of=("self",)).get(pk=loan.pk)
    require(actor, "loans.ask_renewal", loan, message="Only editors at the borrower can ask to renew a loan.")
    if loan.status not in RENEWABLE or loan.agreed_end is None:
        raise Refused(["A loan can be renewed only while the objects are on loan."])
    if until <= loan.agreed_end:
        raise Refused([f"Ask for a date after the agreed end, {loan.agreed_end:%-d %B %Y}."])
    before, loan.renewal_requested_end = loan.renewal_requested_end, until
    loan.save(update_fields=["renewal_requested_end", "updated_at"])
    audit.record(
        actor=actor,
        action="loan.renewal_request",
        obj=loan,
        changes={"renewal_requested_end": [audit.plain(before), audit.plain(until)], **_noted(note)},
    )
    _renewal_event(loan, actor, f"Renewal asked for until {until:%-d %B %Y}. {note}".strip())
    return loan


@transaction.atomic
def loan_decide_renewal(*, loan: Loan, actor: Actor, agree: bool, note: str = "") -> Loan:
    """The lender agrees the renewal (if no other loan needs the objects then) or declines it."""
    loan = Loan.objects.select_for_update(of=("self",)).get(pk=loan.pk)
    require(actor, "loans.decide_renewal", loan, message="Only editors at the lender can decide on a renewal.")
    until = loan.renewal_requested_end
    if until is None:
        raise Refused(["No renewal has been asked for."])
    if agree:
        objects = list(CollectionObject.objects.select_for_update().filter(loan_objects__loan=loan).order_by("pk"))
        before, loan.agreed_end = loan.agreed_end, until
        problems = clashes(loan, objects, COMMITTED)
        if problems:
            raise Refused(problems)
        audit.record(
            actor=actor,
            action="loan.renewal",
            obj=loan,
            changes={"agreed_end": [str(before), str(until)], **_noted(note)},
        )
    elif not note.strip():
        raise Refused(["Say why, so that the borrower knows."])
    else:
        audit.record(
            actor=actor,
            action="loan.renewal_declined",
            obj=loan,
            changes={"renewal_requested_end": [str(until), None], **_noted(note)},
        )
    loan.renewal_requested_end = None
    loan.save(update_fields=["agreed_end", "renewal_requested_end", "updated_at"])
    verdict = f"Renewal agreed until {until:%-d %B %Y}." if agree else "Renewal declined."
    _renewal_event(loan, actor, f"{verdict} {note}".strip())
    if agree and loan.activity_id:
        loan_record_activity(loan, actor)
    return loan


def _noted(note: str) -> dict[str, list[Any]]:
    return {"note": [None, note]} if note.strip() else {}


def _renewal_event(loan: Loan, actor: Actor, note: str) -> None:
    LoanEvent.objects.create(loan=loan, status=loan.status, actor=person(actor), note=note)


def next_reference(lender: Organisation, year: int | None = None) -> str:
    """The lender's next loan number, LO-<year>-<nnnn>, counting on from its highest that year."""
    prefix = f"LO-{year or date.today().year}-"
    taken = Loan.objects.filter(lender=lender, reference__startswith=prefix).values_list("reference", flat=True)
    numbers = [int(ref.removeprefix(prefix)) for ref in taken if ref.removeprefix(prefix).isdigit()]
    return f"{prefix}{max(numbers, default=0) + 1:04d}"


@transaction.atomic
def loan_document_add(*, loan: Loan, actor: Actor, kind: str, title: str, file: Any) -> LoanDocument:
    require(
        actor,
        "loans.add_document",
        loan,
        message="Only editors at the lender or the borrower can add documents to a loan.",
    )
    document = LoanDocument(loan=loan, kind=kind, title=title, file=file, uploaded_by=person(actor))
    try:
        document.full_clean()
    except ValidationError as error:
        raise Refused(error.message_dict) from error
    document.save()
    audit.record(actor=actor, action="loan.document_add", obj=loan, changes={"document": [None, title]})
    return document


@transaction.atomic
def collection_object_save(
    *, actor: Actor, owner: Organisation, data: dict[str, Any], obj: CollectionObject | None = None
) -> CollectionObject:
    """Add an object to an organisation's catalogue of lendable objects, or change one."""
    require(
        actor,
        "loans.change_collection_object",
        obj.owner if obj is not None else owner,
        message="Only editors at the owning organisation can change its objects.",
    )
    obj = obj or CollectionObject(owner=owner)
    before = audit.snapshot(obj, data.keys()) if obj.pk else {}
    for name, value in data.items():
        setattr(obj, name, value)
    try:
        obj.full_clean()
    except ValidationError as error:
        raise Refused(error.message_dict) from error
    obj.save()
    changes = audit.diff(before, audit.snapshot(obj, data.keys()))
    audit.record(actor=actor, action="collection_object.save", obj=obj, changes=changes)
    return obj


@transaction.atomic
def loans_policy_update(*, actor: Actor, organisation: Organisation, data: dict[str, Any]) -> dict[str, list[Any]]:
    require(
        actor,
        "loans.change_loans_policy",
        organisation,
        message="Only editors at the organisation can change its loans policy.",
    )
    policy, _ = LoansPolicy.objects.get_or_create(organisation=organisation)
    before = audit.snapshot(policy, data.keys())
    for name, value in data.items():
        setattr(policy, name, value)
    try:
        policy.full_clean()
    except ValidationError as error:
        raise Refused(error.message_dict) from error
    changes = audit.diff(before, audit.snapshot(policy, data.keys()))
    if changes:
        policy.save()
        audit.record(actor=actor, action="loans_policy.update", obj=policy, changes=changes)
    return changes


@dataclass
class ReminderSummary:
    overdue: int = 0
    sent: int = 0
    already_sent: int = 0
    no_one_to_tell: list[str] = field(default_factory=list)


def loan_contacts(organisation: Organisation) -> list[str]:
    """Whom to write to about a loan: the organisation's contacts with an email address, or failing
    those, its editors' and partnership leads' own addresses."""
    emails = list(organisation.contacts.exclude(email="").values_list("email", flat=True))
    if not emails:
        emails = list(
            Membership.objects.editing()
            .filter(organisation=organisation, user__is_active=True)
            .exclude(user__email="")
            .values_list("user__email", flat=True)
        )
    return sorted(set(emails), key=str.lower)


def _reminder_text(loan: Loan, today: date) -> tuple[str, str]:
    assert loan.agreed_end is not None
    days = (today - loan.agreed_end).days
    subject = f"Loan {loan.reference} is overdue for return"
    objects = "\n".join(f"- {lo.object}" for lo in loan.loan_objects.select_related("object"))
    body = (
        f"Loan {loan} from {loan.lender} to {loan.borrower} was agreed to end on "
        f"{loan.agreed_end:%-d %B %Y}, {days} day{'s' if days != 1 else ''} ago, and its objects are still away "
        f"({loan.get_status_display().lower()}).\n\n"
        f"Objects:\n{objects or '- none recorded'}\n\n"
        "Please agree a return date, or extend the loan by changing its agreed end date in museumshare.\n"
        "This reminder is sent once a day to the contacts of both organisations until the objects are back.\n"
    )
    return subject, body


def send_loan_reminders(*, actor: Actor, on: date | None = None) -> ReminderSummary:
    """Email the lender's and the borrower's contacts about each overdue loan (past its agreed end,
    objects still away; never a returned or closed one). Safe to run as often as you like: each
    loan gets at most one reminder a day, recorded as a LoanReminder and in the audit log."""
    require(actor, "loans.send_reminders", message="Only administrators can send loan reminders.")
    today = on or date.today()
    summary = ReminderSummary()
    for loan in Loan.objects.overdue(today).select_related("lender", "borrower").order_by("agreed_end", "pk"):
        summary.overdue += 1
        if LoanReminder.objects.filter(loan=loan, sent_on=today).exists():
            summary.already_sent += 1
            continue
        recipients = sorted(set(loan_contacts(loan.lender)) | set(loan_contacts(loan.borrower)), key=str.lower)
        if not recipients:
            summary.no_one_to_tell.append(loan.reference)
            continue
        subject, body = _reminder_text(loan, today)
        try:
            with transaction.atomic():
                # Recorded first: a second run at the same moment meets the constraint, not a second email.
                LoanReminder.objects.create(loan=loan, sent_on=today, recipients="\n".join(recipients))
                audit.record(actor=actor, action="loan.reminder", obj=loan, changes={"reminded": [None, recipients]})
                send_mail(subject, body, None, recipients)
        except IntegrityError:
            summary.already_sent += 1
            continue
        summary.sent += 1
    return summary

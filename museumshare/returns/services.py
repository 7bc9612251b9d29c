"""Writes to reporting years and returns. Each records who did it in the audit log, and each step of
a return in its own history, which the organisation and the analysts both see."""

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal, InvalidOperation
from typing import Any

from django.contrib.auth.models import Group
from django.core.mail import send_mail
from django.db import IntegrityError, transaction
from django.utils import timezone

from museumshare.accounts.models import PlatformGroup
from museumshare.core import audit
from museumshare.core.services import Actor, Refused, person, require
from museumshare.organisations.models import Membership, Organisation, Role
from museumshare.returns import derive
from museumshare.returns.models import (
    EDITABLE,
    FINAL,
    Indicator,
    ReportingYear,
    Return,
    ReturnEvent,
    ReturnReminder,
    ReturnStatus,
    ReturnValue,
    Source,
    YearStatus,
    whole,
)

# A value this far from the organisation's previous year asks for a note.
CHANGE_WARNING = Decimal("0.5")


def clean_value(indicator: Indicator, text: Any) -> Decimal | None:
    """A value as typed in a form, a spreadsheet cell or an import row; ValueError says how to fix it.

    The one check every way in uses: empty is no value; whole-number indicators take whole numbers
    of zero or more ("1,250" too); others any number of zero or more, to two decimal places."""
    if text is None or (isinstance(text, str) and not text.strip()):
        return None
    if isinstance(text, bool):
        raise ValueError(f"Enter a number of {indicator.unit}, not yes or no.")
    try:
        value = Decimal(str(text).strip().replace(",", ""))
    except InvalidOperation:
        raise ValueError(f"Enter a number of {indicator.unit}, like 12.") from None
    if not value.is_finite():
        raise ValueError(f"Enter a number of {indicator.unit}, like 12.")
    if value < 0:
        raise ValueError("Enter 0 or more.")
    # Before the other checks: quantizing a number this big overflows the decimal context.
    if value >= Decimal("1e12"):
        raise ValueError("Enter a smaller number: this is more than a museum could report.")
    if indicator.whole_number and value != value.to_integral_value():
        raise ValueError(f"Enter a whole number of {indicator.unit}, like 12.")
    if value != value.quantize(Decimal("0.01")):
        raise ValueError("Enter a number with at most two decimal places.")
    return value.quantize(Decimal("1")) if indicator.whole_number else value


def _email(recipients: Iterable[str], subject: str, body: str) -> None:
    to = sorted(set(recipients))
    if to:
        transaction.on_commit(lambda: send_mail(f"[museumshare] {subject}", body, None, to))


def lead_emails(organisation: Organisation) -> list[str]:
    """Who hears about a return: the organisation's partnership leads, or its editors if it has none."""
    memberships = list(
        Membership.objects.editing().filter(organisation=organisation, user__is_active=True).select_related("user")
    )
    leads = [m.user.email for m in memberships if m.role == Role.LEAD]
    return sorted(leads or [m.user.email for m in memberships])


def _analyst_emails() -> list[str]:
    group = Group.objects.filter(name=PlatformGroup.ANALYST.value).first()
    return sorted(group.user_set.filter(is_active=True).values_list("email", flat=True)) if group else []


def _event(return_: Return, actor: Actor, status: str, comment: str = "") -> None:
    ReturnEvent.objects.create(annual_return=return_, status=status, actor=person(actor), comment=comment.strip())


def _may_manage_years(actor: Actor) -> None:
    require(actor, "returns.manage_years", message="Only analysts can run the collection.")


# Reporting years


def asked_by_default() -> list[Organisation]:
    """The national museums the Museum Partnership Report covers."""
    return list(Organisation.objects.national_bodies().filter(partnership_report=True))


@transaction.atomic
def year_create(
    *, actor: Actor, year: int, deadline: date | None = None, organisations: Iterable[Organisation] | None = None
) -> ReportingYear:
    _may_manage_years(actor)
    if ReportingYear.objects.filter(year=year).exists():
        raise Refused({"year": "That reporting year is already in museumshare."})
    reporting_year = ReportingYear.objects.create(year=year, deadline=deadline)
    reporting_year.organisations.set(asked_by_default() if organisations is None else organisations)
    audit.record(
        actor=actor,
        action="reporting_year.create",
        obj=reporting_year,
        changes={"year": [None, reporting_year.label], "asked": [None, reporting_year.organisations.count()]},
    )
    return reporting_year


@transaction.atomic
def year_update(*, year: ReportingYear, actor: Actor, data: Mapping[str, Any]) -> dict[str, list[Any]]:
    _may_manage_years(actor)
    # Change what is saved now, not what the caller read earlier (its status may be out of date).
    year = ReportingYear.objects.select_for_update().get(pk=year.pk)
    fields = [name for name in data if name != "organisations"]
    before = audit.snapshot(year, fields) | {"asked": sorted(year.organisations.values_list("pk", flat=True))}
    for name in fields:
        setattr(year, name, data[name])
    year.full_clean()
    year.save()
    if "organisations" in data:
        year.organisations.set(data["organisations"])
    after = audit.snapshot(year, fields) | {"asked": sorted(year.organisations.values_list("pk", flat=True))}
    changes = audit.diff(before, after)
    if changes:
        audit.record(actor=actor, action="reporting_year.update", obj=year, changes=changes)
    if year.is_open():
        # An organisation asked once the year is open starts its return now, as opening would have.
        for organisation in year.organisations.exclude(returns__year=year).order_by("name"):
            _start_return(year, organisation, actor, "Asked for a return while the year was open")
    return changes


def _start_return(year: ReportingYear, organisation: Organisation, actor: Actor, why: str) -> Return:
    # Whoever runs the collection starts the return for the organisation: no editor's permission asked.
    return_ = Return.objects.create(organisation=organisation, year=year)
    _event(return_, actor, ReturnStatus.DRAFT, f"{why}, prefilled from the register.")
    _prefill(return_, actor)
    return return_


@transaction.atomic
def year_open(*, year: ReportingYear, actor: Actor) -> int:
    """Open the year for returns: every asked organisation gets its return, prefilled from the register.
    Returns how many returns were started."""
    _may_manage_years(actor)
    year = ReportingYear.objects.select_for_update().get(pk=year.pk)
    if not year.may_open():
        raise Refused(f"{year.label} is {year.get_status_display().lower()}: it cannot be opened.")
    before = year.status
    year.status = YearStatus.OPEN
    year.opened_at = year.opened_at or timezone.now()
    year.save(update_fields=["status", "opened_at"])
    started = 0
    existing = {r.organisation_id: r for r in year.returns.all()}
    for organisation in year.organisations.order_by("name"):
        return_ = existing.get(organisation.pk)
        if return_ is None:
            _start_return(year, organisation, actor, "Opened for returns")
            started += 1
        elif return_.status == ReturnStatus.LOCKED:
            # Reopening a closed year unlocks what it locked, for review again.
            return_.status = ReturnStatus.APPROVED
            return_.save(update_fields=["status", "updated_at"])
            _event(return_, actor, ReturnStatus.APPROVED, "The year was opened again.")
    audit.record(actor=actor, action="reporting_year.open", obj=year, changes={"status": [before, year.status]})
    return started


@transaction.atomic
def year_close(*, year: ReportingYear, actor: Actor) -> int:
    """Close the year: approved returns lock. Returns how many locked."""
    _may_manage_years(actor)
    year = ReportingYear.objects.select_for_update().get(pk=year.pk)
    if not year.is_open():
        raise Refused(f"{year.label} is not open, so it cannot be closed.")
    year.status = YearStatus.CLOSED
    year.save(update_fields=["status"])
    approved = list(year.returns.filter(status=ReturnStatus.APPROVED))
    for return_ in approved:
        return_.status = ReturnStatus.LOCKED
        return_.save(update_fields=["status", "updated_at"])
        _event(return_, actor, ReturnStatus.LOCKED, "The year was closed.")
    audit.record(actor=actor, action="reporting_year.close", obj=year, changes={"status": ["open", "closed"]})
    return len(approved)


@transaction.atomic
def year_publish(*, year: ReportingYear, actor: Actor) -> None:
    """Publish the year: its locked returns may be seen by anyone."""
    _may_manage_years(actor)
    year = ReportingYear.objects.select_for_update().get(pk=year.pk)
    if year.status != YearStatus.CLOSED:
        raise Refused(f"Close {year.label} before you publish it.")
    year.status = YearStatus.PUBLISHED
    year.published_at = timezone.now()
    year.save(update_fields=["status", "published_at"])
    audit.record(actor=actor, action="reporting_year.publish", obj=year, changes={"status": ["closed", "published"]})


# Returns


def indicators_for(return_: Return) -> list[Indicator]:
    return list(Indicator.objects.for_year(return_.year.year))


@transaction.atomic
def return_prefill(*, return_: Return, actor: Actor) -> int:
    """Put the register's value beside every indicator, and take it as the value wherever nobody has
    entered or imported one. Returns how many values changed."""
    return _prefill(_for_change(actor, return_), actor)


def _prefill(return_: Return, actor: Actor) -> int:
    indicators = indicators_for(return_)
    derived = derive.derive(return_.organisation, return_.year.year, [i.rule for i in indicators if i.rule])
    existing = {v.indicator_id: v for v in return_.values.all()}
    changed: dict[str, list[Any]] = {}
    for indicator in indicators:
        found = derived.get(indicator.rule) if indicator.rule else None
        register = Decimal(found) if found is not None else None
        value = existing.get(indicator.pk)
        if value is None:
            ReturnValue.objects.create(annual_return=return_, indicator=indicator, value=register, derived=register)
            changed[indicator.code] = [None, audit.plain(whole(register))]
            continue
        if value.derived == register and (value.source != Source.DERIVED or value.value == register):
            continue
        before = value.value
        value.derived = register
        if value.source == Source.DERIVED:
            value.value = register
        value.save()
        if before != value.value:
            changed[indicator.code] = [audit.plain(whole(before)), audit.plain(whole(value.value))]
    if changed:
        audit.record(actor=actor, action="return.prefill", obj=return_, changes=changed)
    return len(changed)


@dataclass
class Entry:
    """What someone gives for one indicator: its value as typed, the reason it differs from the
    register's, and a note."""

    value: Any
    reason: str = ""
    note: str = ""


@dataclass
class Check:
    """What stops a return being submitted (errors) and what asks for a second look (warnings),
    each by indicator code."""

    errors: dict[str, str] = field(default_factory=dict)
    warnings: dict[str, str] = field(default_factory=dict)


def _locked(return_: Return) -> Return:
    """The return as saved now, held until the step is done (what the caller read may be out of date)."""
    return Return.objects.select_for_update().select_related("year", "organisation").get(pk=return_.pk)


def _for_change(actor: Actor, return_: Return) -> Return:
    """The return, locked, once `actor` may change it and it may be changed now."""
    require(actor, "returns.change_return", return_, message="Only editors at the organisation can change its return.")
    return_ = _locked(return_)
    if not return_.is_editable():
        raise Refused(
            f"This return is {return_.get_status_display().lower()} and {return_.year.label} is "
            f"{return_.year.get_status_display().lower()}: it cannot be changed now."
        )
    return return_


@transaction.atomic
def return_save(
    *,
    return_: Return,
    actor: Actor,
    entries: Mapping[str, Entry],
    comments: str | None = None,
    source: str = Source.ENTERED,
) -> dict[str, list[Any]]:
    """Save values by indicator code, all or none: a ValidationError names every code that is wrong.
    A value that differs from the register's needs a reason."""
    return_ = _for_change(actor, return_)
    values = {v.indicator.code: v for v in return_.values.select_related("indicator")}
    errors: dict[str, str] = {}
    cleaned: dict[str, Decimal | None] = {}
    for code, entry in entries.items():
        row = values.get(code)
        if row is None:
            errors[code] = f"{code} is not an indicator of the {return_.year.label} return."
            continue
        try:
            cleaned[code] = clean_value(row.indicator, entry.value)
        except ValueError as problem:
            errors[code] = str(problem)
            continue
        if row.derived is not None and cleaned[code] != row.derived and not entry.reason.strip():
            errors[code] = f"Say why the value differs from the register's ({whole(row.derived)} {row.indicator.unit})."
    if errors:
        raise Refused(errors)
    changes: dict[str, list[Any]] = {}
    user = person(actor)
    for code, entry in entries.items():
        row = values[code]
        before = audit.snapshot(row, ("value", "reason", "note"))
        row.value = cleaned[code]
        differs = row.derived is None or row.value != row.derived
        row.reason = entry.reason.strip() if differs else ""
        row.note = entry.note.strip()
        after = audit.snapshot(row, ("value", "reason", "note"))
        if after != before:
            row.source = source if differs else Source.DERIVED
            row.updated_by = user
            row.save()
            changes |= {f"{code}.{name}": change for name, change in audit.diff(before, after).items()}
    if comments is not None and comments.strip() != return_.comments:
        changes["comments"] = [return_.comments, comments.strip()]
        return_.comments = comments.strip()
        return_.save(update_fields=["comments", "updated_at"])
    if changes:
        audit.record(actor=actor, action="return.save", obj=return_, changes=changes)
    return changes


def return_check(return_: Return) -> Check:
    """Errors (a required indicator with no value) and warnings (a value more than half as much again,
    or less, than the organisation's previous year, with no note saying why)."""
    check = Check()
    previous = {
        code: value
        for code, value in ReturnValue.objects.filter(
            annual_return__in=Return.objects.filter(
                organisation_id=return_.organisation_id,
                year__year=return_.year.year - 1,
                status__in=(ReturnStatus.SUBMITTED, *FINAL),
            )
        ).values_list("indicator__code", "value")
        if value is not None
    }
    for row in return_.values.select_related("indicator"):
        code = row.indicator.code
        if row.value is None:
            if row.indicator.required:
                check.errors[code] = f"Enter the {row.indicator.name.lower()}, or 0 if there were none."
            continue
        before = previous.get(code)
        if before and abs(row.value - before) > CHANGE_WARNING * before and not row.note.strip():
            change = (row.value - before) / before * 100
            check.warnings[code] = (
                f"{'Up' if change > 0 else 'Down'} {abs(change):.0f}% on {return_.year.year - 1}/"
                f"{return_.year.year % 100:02d} ({whole(before)}): add a note saying why."
            )
    return check


@transaction.atomic
def return_submit(*, return_: Return, actor: Actor, comment: str = "") -> Return:
    return_ = _for_change(actor, return_)
    check = return_check(return_)
    if check.errors:
        raise Refused(check.errors)
    before = return_.status
    return_.status = ReturnStatus.SUBMITTED
    return_.submitted_by = person(actor)
    return_.submitted_at = timezone.now()
    return_.save(update_fields=["status", "submitted_by", "submitted_at", "updated_at"])
    _event(return_, actor, ReturnStatus.SUBMITTED, comment)
    audit.record(actor=actor, action="return.submit", obj=return_, changes={"status": [before, return_.status]})
    _email(
        _analyst_emails(),
        f"{return_.organisation} has submitted its {return_.year.label} return",
        f"{return_.organisation}'s return for {return_.year.label} is ready for review on museumshare.",
    )
    return return_


def _for_review(actor: Actor, return_: Return) -> Return:
    """The return, locked, once `actor` may review it and it is waiting for review."""
    require(actor, "returns.review_return", return_, message="Only analysts can review returns.")
    return_ = _locked(return_)
    if not return_.awaits_review():
        raise Refused(f"This return is {return_.get_status_display().lower()}, not waiting for review.")
    return return_


@transaction.atomic
def return_send_back(*, return_: Return, actor: Actor, comment: str) -> Return:
    """Return it to the organisation for changes, saying what to change."""
    return_ = _for_review(actor, return_)
    if not comment.strip():
        raise Refused({"comment": "Say what the organisation should change."})
    return_.status = ReturnStatus.RETURNED
    return_.review_comments = comment.strip()
    return_.save(update_fields=["status", "review_comments", "updated_at"])
    _event(return_, actor, ReturnStatus.RETURNED, comment)
    audit.record(actor=actor, action="return.send_back", obj=return_, changes={"status": ["submitted", "returned"]})
    _email(
        lead_emails(return_.organisation),
        f"Your {return_.year.label} return needs changes",
        f"Your return for {return_.year.label} has been returned for changes:\n\n{comment.strip()}\n\n"
        "Change it and submit it again on museumshare.",
    )
    return return_


@transaction.atomic
def return_approve(*, return_: Return, actor: Actor, comment: str = "") -> Return:
    """Approve it; in a year already closed it locks at once."""
    return_ = _for_review(actor, return_)
    return_.status = return_.year.approved_status()
    return_.approved_by = person(actor)
    return_.approved_at = timezone.now()
    return_.save(update_fields=["status", "approved_by", "approved_at", "updated_at"])
    _event(return_, actor, return_.status, comment)
    audit.record(actor=actor, action="return.approve", obj=return_, changes={"status": ["submitted", return_.status]})
    _email(
        lead_emails(return_.organisation),
        f"Your {return_.year.label} return is approved",
        f"Your return for {return_.year.label} has been approved. {comment}".strip(),
    )
    return return_


# Reminders


@dataclass
class ReminderSummary:
    sent: int = 0
    already_sent: int = 0
    no_one_to_tell: list[str] = field(default_factory=list)


def send_return_reminders(*, actor: Actor, today: date | None = None) -> ReminderSummary:
    """Email the leads of every organisation whose return in an open year is not yet submitted, on
    each of the year's reminder days before its deadline; at most once a day a return."""
    _may_manage_years(actor)
    today = today or date.today()
    summary = ReminderSummary()
    for year in ReportingYear.objects.filter(status=YearStatus.OPEN, deadline__isnull=False):
        assert year.deadline is not None
        days_left = (year.deadline - today).days
        if days_left not in year.reminder_day_list():
            continue
        for return_ in year.returns.filter(status__in=EDITABLE).select_related("organisation"):
            recipients = lead_emails(return_.organisation)
            if not recipients:
                summary.no_one_to_tell.append(return_.organisation.name)
                continue
            try:
                with transaction.atomic():
                    ReturnReminder.objects.create(
                        annual_return=return_, sent_on=today, recipients="\n".join(recipients)
                    )
                    audit.record(
                        actor=actor,
                        action="return.remind",
                        obj=return_,
                        changes={"reminded": [None, today.isoformat()], "recipients": [None, len(recipients)]},
                    )
                    when = "tomorrow" if days_left == 1 else f"in {days_left} days"
                    send_mail(
                        f"[museumshare] Your {year.label} return is due {when}",
                        f"{return_.organisation}'s return for {year.label} is due on {year.deadline:%-d %B %Y} "
                        f"and has not been submitted yet. Complete and submit it on museumshare.",
                        None,
                        recipients,
                    )
            except IntegrityError:
                summary.already_sent += 1
                continue
            summary.sent += 1
    return summary

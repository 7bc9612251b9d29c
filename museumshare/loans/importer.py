"""Import historic loans from a CSV or Excel file: one row per object lent.

Rows sharing a `reference` (for the same lender) are one loan, and must agree on the loan's own
columns. Organisations are named as in every import (id, slug or exact name, by
`OrganisationMatcher`); an accession number new to the lender creates its collection object.
A historic loan does not walk the procedure: it is recorded in its final status with one
"Imported" event, and its activity in the register is recorded by `loan_record_activity`, as an
approved loan's is. Loans are matched by (lender, reference), so importing a file again changes
nothing. If any row has an error nothing is written, unless `skip_invalid` is given: then every
row of a loan with an error is set aside, with its errors, as CSV. See docs/loans.md.
"""

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any

from django import forms
from django.db import IntegrityError, models, transaction

from museumshare.core import audit, imports
from museumshare.core.console import OnRow
from museumshare.core.imports import ImportFailed, Problem, vocabulary
from museumshare.core.services import Actor, allowed, person
from museumshare.core.tables import column_key, date_text, read_table
from museumshare.core.text import LONG_TEXT, fold, no_control_characters
from museumshare.loans.models import (
    CollectionObject,
    Insurance,
    Loan,
    LoanEvent,
    LoanObject,
    Purpose,
    Status,
    reference_validator,
)
from museumshare.loans.services import loan_problems, loan_record_activity
from museumshare.organisations.forms import OrganisationMatcher
from museumshare.organisations.models import Organisation

COLUMNS = (
    "reference",
    "lender",
    "borrower",
    "purpose",
    "exhibition_title",
    "agreed_start",
    "agreed_end",
    "status",
    "insurance",
    "accession_number",
    "object_title",
    "valuation",
    "visitors",
)
REQUIRED_COLUMNS = ("reference", "lender", "borrower", "agreed_start", "agreed_end", "status", "accession_number")
# The loan's own columns: every row of one loan must give the same values.
LOAN_COLUMNS = (
    "borrower",
    "purpose",
    "exhibition_title",
    "agreed_start",
    "agreed_end",
    "status",
    "insurance",
    "visitors",
)
IMPORTABLE = (Status.ON_LOAN, Status.RETURNED, Status.CLOSED)
MAX_LENGTH = {"reference": 40, "exhibition_title": 250, "accession_number": 60, "object_title": 250}
MAX_VALUATION = Decimal("999999999999.99")
MAX_VISITORS = 2**31 - 1
IMPORTED = "Imported"


@dataclass
class ImportSummary(imports.ImportSummary):
    objects_created: int = 0


@dataclass
class Row:
    """A checked row: the loan's values and one object."""

    number: int
    lender: Organisation
    loan: dict[str, Any]
    accession_number: str
    object_title: str
    valuation: Decimal | None


def _date(value: str) -> date:
    text = date_text(value)
    for fmt in ("%Y-%m-%d", "%d/%m/%Y"):
        try:
            return datetime.strptime(text, fmt).date()
        except ValueError:
            pass
    raise forms.ValidationError(f"'{value}' is not a date: write it as 2020-04-01 or 1/4/2020.")


def _reference(value: str) -> str:
    """The model's check of a reference: an import row that fails it is refused, as the web form is."""
    reference_validator(value)
    return value


def _choice(value: str, choices: type[models.TextChoices], allowed: tuple[str, ...] | None = None) -> str:
    code = vocabulary(choices).get(fold(value))
    names = [str(c) for c in (allowed or choices.values)]
    if code is None or code not in names:
        raise forms.ValidationError(f"'{value}' is not one of: {', '.join(names)}.")
    return code


def _number(value: str, column: str) -> Decimal:
    text = value.removeprefix("£").replace(",", "").strip()
    try:
        number = Decimal(text)
    except InvalidOperation:
        raise forms.ValidationError(f"'{value}' is not a number.") from None
    if not number.is_finite() or number < 0:
        raise forms.ValidationError(f"'{value}' is not a number of 0 or more.")
    if column == "visitors" and (number != number.to_integral_value() or number > MAX_VISITORS):
        raise forms.ValidationError(f"'{value}' is not a whole number of visitors.")
    if column == "valuation" and number > MAX_VALUATION:
        raise forms.ValidationError(f"'{value}' is too large a valuation.")
    return number


class Checker:
    def __init__(self) -> None:
        self.matcher = OrganisationMatcher()

    def check(self, number: int, record: dict[str, str]) -> Row | list[Problem]:
        problems: list[Problem] = []
        ref = record.get("reference", "")

        def attempt(column: str, read: Callable[[str], Any], required: bool = False) -> Any:
            value = record.get(column, "")
            if not value:
                if required:
                    problems.append(Problem(number, column, "This column must not be empty.", ref))
                return None
            if len(value) > MAX_LENGTH.get(column, LONG_TEXT):
                problems.append(
                    Problem(number, column, f"At most {MAX_LENGTH.get(column, LONG_TEXT)} characters.", ref)
                )
                return None
            try:
                no_control_characters(value)
                return read(value)
            except forms.ValidationError as exc:
                problems.append(Problem(number, column, " ".join(exc.messages), ref))
                return None

        reference = attempt("reference", _reference, required=True)
        lender = attempt("lender", self.matcher.find, required=True)
        borrower = attempt("borrower", self.matcher.find, required=True)
        purpose = attempt("purpose", lambda v: _choice(v, Purpose)) or Purpose.EXHIBITION.value
        title = attempt("exhibition_title", str) or ""
        start = attempt("agreed_start", _date, required=True)
        end = attempt("agreed_end", _date, required=True)
        status = attempt("status", lambda v: _choice(v, Status, IMPORTABLE), required=True)
        insurance = attempt("insurance", lambda v: _choice(v, Insurance)) or ""
        accession = attempt("accession_number", str, required=True)
        object_title = attempt("object_title", str) or ""
        valuation = attempt("valuation", lambda v: _number(v, "valuation"))
        visitors = attempt("visitors", lambda v: _number(v, "visitors"))
        if problems:
            return problems
        loan = {
            "reference": reference,
            "borrower": borrower,
            "purpose": purpose,
            "exhibition_title": title,
            "agreed_start": start,
            "agreed_end": end,
            "status": status,
            "insurance": insurance,
            "visitors": None if visitors is None else int(visitors),
        }
        return Row(number, lender, loan, accession, object_title, None if valuation is None else valuation)


def _loan(row: Row) -> Loan:
    """The loan a row records, unsaved: a historic loan was requested for the period it was agreed."""
    start, end = row.loan["agreed_start"], row.loan["agreed_end"]
    return Loan(**row.loan, lender=row.lender, requested_start=start, requested_end=end)


def _column(field_name: str) -> str | None:
    """The file's column for a field `loan_problems` names; None for one the file does not give."""
    if field_name == "objects":
        return "accession_number"
    return field_name if field_name in COLUMNS else None


def _check_groups(rows: list[Row], summary: ImportSummary, actor: Actor) -> dict[tuple[int, str], list[Row]]:
    """Rows by (lender, reference), each loan's rows checked against its first one and by the one
    check of a loan (`loan_problems`) that the web form and the API make."""
    groups: dict[tuple[int, str], list[Row]] = {}
    for row in rows:
        groups.setdefault((row.lender.pk, row.loan["reference"]), []).append(row)
    existing_objects = {
        (obj.owner_id, obj.accession_number): obj
        for obj in CollectionObject.objects.filter(owner_id__in={key[0] for key in groups}).only(
            "owner_id", "accession_number", "lendable"
        )
    }
    # An object is known if the lender has it already, or another row of the file gives its title.
    known = set(existing_objects) | {(row.lender.pk, row.accession_number) for row in rows if row.object_title}
    for (lender, reference), members in groups.items():
        first = members[0]
        if not allowed(actor, "loans.change_loan", _loan(first)):
            summary.errors.append(
                Problem(
                    first.number,
                    "lender",
                    f"You do not edit for {first.lender} or {first.loan['borrower']}, "
                    "so you cannot record their loans.",
                    reference,
                )
            )
        seen: dict[str, int] = {}
        for row in members:
            for column in LOAN_COLUMNS:
                if row is not first and row.loan[column] != first.loan[column]:
                    summary.errors.append(
                        Problem(
                            row.number,
                            column,
                            f"Loan {reference} has another value in row {first.number}; "
                            "every row of one loan must give the same.",
                            reference,
                        )
                    )
            if row.accession_number in seen:
                summary.errors.append(
                    Problem(
                        row.number,
                        "accession_number",
                        f"{row.accession_number} is already in loan {reference} on row {seen[row.accession_number]}.",
                        reference,
                    )
                )
            seen.setdefault(row.accession_number, row.number)
            existing = existing_objects.get((lender, row.accession_number))
            for name, messages in loan_problems(_loan(row), [existing] if existing else []).items():
                where = _column(name)
                if where is None:
                    continue  # requested_end: the file's agreed_end, whose own problem is said once
                for message in messages:
                    said = f"{row.accession_number}: {message}" if name == "objects" else message
                    summary.errors.append(Problem(row.number, where, said, reference))
            if (lender, row.accession_number) not in known and not row.object_title:
                summary.errors.append(
                    Problem(
                        row.number,
                        "object_title",
                        f"{row.accession_number} is new to {row.lender}: give its title to record it.",
                        reference,
                    )
                )
    return groups


def import_loans_content(
    *, name: str, content: bytes, actor: Actor, skip_invalid: bool = False, on_row: OnRow | None = None
) -> ImportSummary:
    sheet = read_table(name, content, required=REQUIRED_COLUMNS, records="loans")
    fmt, header, table = sheet.format, sheet.header, sheet.rows
    keys = [column_key(column) for column in header]
    summary = ImportSummary(format=fmt, header=header, rows_read=len(table))
    originals = {number: dict(zip(header, cells, strict=True)) for number, cells in table}
    checker = Checker()
    rows: list[Row] = []
    refs_of_bad_rows: set[tuple[str, str]] = set()
    for done, (number, cells) in enumerate(table, start=1):
        record = dict(zip(keys, cells, strict=True))
        checked = checker.check(number, record)
        if isinstance(checked, Row):
            rows.append(checked)
        else:
            summary.errors.extend(checked)
            refs_of_bad_rows.add((fold(record.get("lender", "")), record.get("reference", "")))
        if on_row:
            on_row("Checking", done, len(table))
    groups = _check_groups(rows, summary, actor)
    # A loan is imported whole or not at all: every row of a loan with an error is set aside.
    bad_rows = {problem.row for problem in summary.errors}
    for (_, reference), members in groups.items():
        lender_text = {fold(originals[r.number].get(header[keys.index("lender")], "")) for r in members}
        tainted = any(r.number in bad_rows for r in members) or any(
            (text, reference) in refs_of_bad_rows for text in lender_text
        )
        if tainted:
            for row in members:
                if row.number not in bad_rows:
                    summary.errors.append(
                        Problem(row.number, "", f"Another row of loan {reference} has an error.", reference)
                    )
    bad_rows = {problem.row for problem in summary.errors}
    summary.errors.sort(key=lambda p: (p.row, COLUMNS.index(p.column) if p.column in COLUMNS else -1))
    summary.rejects = [(number, originals[number]) for number, _ in table if number in bad_rows]
    if summary.errors and not skip_invalid:
        raise ImportFailed(
            f"{summary.rejected} of {summary.rows_read} rows have errors, so nothing was imported.", summary
        )
    good = {key: members for key, members in groups.items() if not any(r.number in bad_rows for r in members)}
    try:
        with transaction.atomic():
            for done, members in enumerate(good.values(), start=1):
                _write(members, summary, actor)
                if on_row:
                    on_row("Saving", done, len(good))
    except IntegrityError as exc:
        raise ImportFailed(f"The loans could not be saved ({exc}), so nothing was imported.") from exc
    return summary


def _write(members: list[Row], summary: ImportSummary, actor: Actor) -> None:
    first = members[0]
    lender = first.lender
    if Loan.objects.filter(lender=lender, reference=first.loan["reference"]).exists():
        summary.unchanged += 1
        return
    loan = _loan(first)
    loan.created_by = person(actor)
    loan.save()
    for row in members:
        obj, created = CollectionObject.objects.get_or_create(
            owner=lender,
            accession_number=row.accession_number,
            defaults={"title": row.object_title, "valuation": row.valuation},
        )
        summary.objects_created += created
        LoanObject.objects.create(
            loan=loan, object=obj, valuation=row.valuation if row.valuation is not None else obj.valuation
        )
    LoanEvent.objects.create(loan=loan, status=loan.status, actor=loan.created_by, note=IMPORTED)
    audit.record(
        actor=actor,
        action="loan.import",
        obj=loan,
        changes={"status": [None, loan.status], "objects": [None, [r.accession_number for r in members]]},
    )
    loan_record_activity(loan, actor)
    summary.created += 1


def import_loans(
    *,
    path: Path,
    actor: Actor,
    skip_invalid: bool = False,
    rejects_path: Path | None = None,
    on_row: OnRow | None = None,
) -> ImportSummary:
    """Import the CSV or Excel file at `path`; rejected rows go to `rejects_path` (or PATH-rejects.csv)."""
    content = imports.read_file(path)
    summary = import_loans_content(
        name=path.name, content=content, actor=actor, skip_invalid=skip_invalid, on_row=on_row
    )
    if summary.errors:
        summary.save_rejects(rejects_path or Path.cwd() / f"{path.stem}-rejects.csv")
    return summary

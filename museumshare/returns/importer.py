"""Import past years' returns from a CSV or Excel file, and export a year's returns in the same format.

The file is long: one row per value, with the columns organisation, year, indicator and value,
and optionally note. Organisations are named as in every import (register id, slug or an exact
name that only one organisation has, by `OrganisationMatcher`); years like 2019/20; values are
checked by `services.clean_value`, as the return's page and its spreadsheet check them.

A past year's return holds only what was reported: the import writes a value for each indicator
in the file, marked as imported, with no register value beside it, and leaves any other values
of the return as they are. A year not yet in museumshare is created, closed (an analyst publishes
it); an imported return takes the status asked for (approved unless told otherwise), locked at once
when approved in a year that is not open, as `return_approve` does. A year open for returns is
not imported into: its returns are the organisations' to complete.

Every row is checked before anything is written; if any has an error nothing is written. The
writes are one transaction. Rows are numbered as a spreadsheet shows them: the header is row 1.
See docs/returns-spreadsheets.md.
"""

import csv
import difflib
from collections.abc import Iterator
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from typing import IO, Any, Protocol

from django import forms
from django.core.exceptions import ValidationError
from django.core.validators import MaxLengthValidator
from django.db import IntegrityError, transaction
from django.utils import timezone
from openpyxl import Workbook

from museumshare.core import audit, exports, imports, years
from museumshare.core.console import OnRow
from museumshare.core.imports import ImportFailed, Problem
from museumshare.core.services import Actor, allowed, person
from museumshare.core.tables import column_key, read_table
from museumshare.core.text import LONG_TEXT, no_control_characters_but_line_breaks
from museumshare.organisations.forms import OrganisationMatcher
from museumshare.organisations.models import Organisation
from museumshare.returns import services
from museumshare.returns.models import (
    Indicator,
    ReportingYear,
    Return,
    ReturnEvent,
    ReturnStatus,
    ReturnValue,
    Source,
    YearStatus,
    whole,
)

COLUMNS = ("organisation", "year", "indicator", "value", "note")
REQUIRED_COLUMNS = ("organisation", "year", "indicator", "value")
# The statuses an imported return may be given.
STATUSES = (ReturnStatus.APPROVED, ReturnStatus.SUBMITTED, ReturnStatus.DRAFT)
IMPORTED = "Imported from {name}."


@dataclass
class ImportSummary(imports.ImportSummary):
    """`created` and `updated` count returns; `unchanged` the returns the file left as they were."""

    years_created: int = 0
    values_written: int = 0


@dataclass
class Row:
    """A checked row: one value of one organisation's return for one year."""

    number: int
    organisation: Organisation
    year: int
    indicator: Indicator
    value: Decimal
    note: str | None


@dataclass
class Checker:
    """Checks rows one by one, with what the whole file shares: the matcher, the catalogue, the years."""

    matcher: OrganisationMatcher = field(default_factory=OrganisationMatcher)
    indicators: dict[str, Indicator] = field(default_factory=dict)
    years: dict[int, ReportingYear] = field(default_factory=dict)
    has_note: bool = False
    first_row_of: dict[tuple[int, int, str], int] = field(default_factory=dict)

    def check(self, number: int, record: dict[str, str]) -> Row | list[Problem]:
        problems: list[Problem] = []
        ref = record.get("organisation", "")

        def problem(column: str, message: str) -> None:
            problems.append(Problem(number, column, message, ref))

        organisation = year = indicator = None
        if not ref:
            problem("organisation", "Enter the organisation: its register id (such as mm.domus.SE444) or its name.")
        else:
            try:
                organisation = self.matcher.find(ref)
            except forms.ValidationError as exc:
                problem("organisation", " ".join(exc.messages))
        text = record.get("year", "")
        try:
            year = years.parse(text)
        except ValueError as exc:
            problem("year", str(exc) if text else "Enter the reporting year, like 2019/20.")
        else:
            existing = self.years.get(year)
            if existing is not None and existing.is_open():
                problem("year", f"{existing.label} is open for returns: its returns are completed on museumshare.")
                year = None
        code = record.get("indicator", "").strip()
        indicator = self.indicators.get(code.lower())
        if indicator is None:
            near = difflib.get_close_matches(code.lower(), list(self.indicators), n=1, cutoff=0.6)
            hint = f" Did you mean {near[0]}?" if near else " The indicator codes are in the returns guide."
            problem(
                "indicator", f"'{code}' is not an indicator's code.{hint}" if code else "Enter the indicator's code."
            )
        elif year is not None and not _applies(indicator, year):
            problem("indicator", f"{indicator.code} is not asked for in {years.label(year)}.")
            indicator = None
        value = None
        if indicator is not None:
            try:
                value = services.clean_value(indicator, record.get("value", ""))
            except ValueError as exc:
                problem("value", str(exc))
            else:
                if value is None:
                    problem("value", "Enter the value; leave out the row of an indicator that was not reported.")
        if organisation is not None and year is not None and indicator is not None:
            key = (organisation.pk, year, indicator.code)
            if key in self.first_row_of:
                problem(
                    "indicator",
                    f"{indicator.code} for {organisation.name} in {years.label(year)} is already on row "
                    f"{self.first_row_of[key]}.",
                )
            else:
                self.first_row_of[key] = number
        note = record.get("note", "").strip() if self.has_note else None
        if note:
            try:
                MaxLengthValidator(LONG_TEXT)(note)
                no_control_characters_but_line_breaks(note)
            except ValidationError as exc:
                problem("note", " ".join(exc.messages))
        if problems or organisation is None or year is None or indicator is None or value is None:
            return problems
        return Row(number, organisation, year, indicator, value, note)


def _applies(indicator: Indicator, year: int) -> bool:
    return (indicator.first_year is None or indicator.first_year <= year) and (
        indicator.last_year is None or indicator.last_year >= year
    )


def _may_import(actor: Actor) -> None:
    # Refused as every import refusal is, so the command says why rather than failing.
    if not allowed(actor, "returns.manage_years"):
        raise ImportFailed("Only analysts can import returns.")


def import_returns_content(
    *, name: str, content: bytes, actor: Actor, status: str = ReturnStatus.APPROVED, on_row: OnRow | None = None
) -> ImportSummary:
    """Import the file `name` whose bytes are `content`; see the module docstring for the rules.

    `on_row(stage, done, total)` is called as each row is checked and as each return is saved."""
    if status not in STATUSES:
        raise ImportFailed(f"'{status}' is not a status an imported return can have: use {', '.join(STATUSES)}.")
    _may_import(actor)
    table = read_table(name, content, required=REQUIRED_COLUMNS, records="values")
    summary = ImportSummary(format=table.format, rows_read=len(table.rows))
    records = list(table.records())
    checker = Checker(
        indicators={indicator.code.lower(): indicator for indicator in Indicator.objects.all()},
        years=ReportingYear.objects.in_bulk(field_name="year"),
        has_note="note" in {column_key(column) for column in table.header},
    )
    rows: list[Row] = []
    for done, (number, record) in enumerate(records, start=1):
        checked = checker.check(number, record)
        if isinstance(checked, Row):
            rows.append(checked)
        else:
            summary.errors.extend(checked)
        if on_row:
            on_row("Checking", done, len(records))
    if summary.errors:
        raise ImportFailed(
            f"{summary.rejected} of {summary.rows_read} rows have errors, so nothing was imported.", summary
        )
    groups: dict[tuple[int, int], list[Row]] = {}
    for row in rows:
        groups.setdefault((row.year, row.organisation.pk), []).append(row)
    try:
        with transaction.atomic():
            for done, members in enumerate(groups.values(), start=1):
                _write(members, status=status, actor=actor, source_name=name, summary=summary)
                if on_row:
                    on_row("Saving", done, len(groups))
    except IntegrityError as exc:
        # Checked rows should save; this is a return or year created by someone else meanwhile.
        raise ImportFailed(f"The returns could not be saved ({exc}), so nothing was imported.") from exc
    return summary


def _year(year: int, actor: Actor, summary: ImportSummary) -> ReportingYear:
    found = ReportingYear.objects.filter(year=year).first()
    if found is not None:
        return found
    created = services.year_create(actor=actor, year=year, organisations=[])
    services.year_update(year=created, actor=actor, data={"status": YearStatus.CLOSED})
    summary.years_created += 1
    return created


def _write(members: list[Row], *, status: str, actor: Actor, source_name: str, summary: ImportSummary) -> None:
    first = members[0]
    year = _year(first.year, actor, summary)
    year.organisations.add(first.organisation)
    user = person(actor)
    wanted = year.approved_status() if status == ReturnStatus.APPROVED else status
    return_, created = Return.objects.select_for_update().get_or_create(
        organisation=first.organisation, year=year, defaults={"status": wanted}
    )
    changes: dict[str, list[Any]] = {}
    if created or return_.status != wanted:
        changes["status"] = [None if created else return_.status, wanted]
        return_.status = wanted
        now = timezone.now()
        if wanted in (ReturnStatus.SUBMITTED, ReturnStatus.APPROVED, ReturnStatus.LOCKED):
            return_.submitted_at = return_.submitted_at or now
        if wanted in (ReturnStatus.APPROVED, ReturnStatus.LOCKED):
            return_.approved_at, return_.approved_by = now, user
        return_.save()
        ReturnEvent.objects.create(
            annual_return=return_, status=wanted, actor=user, comment=IMPORTED.format(name=source_name)
        )
    existing = {value.indicator_id: value for value in return_.values.all()}
    for row in members:
        value = existing.get(row.indicator.pk)
        if value is None:
            value = ReturnValue(annual_return=return_, indicator=row.indicator)
        before = audit.snapshot(value, ("value", "note")) if value.pk else {}
        value.value = row.value
        if row.note is not None:
            value.note = row.note
        after = audit.snapshot(value, ("value", "note"))
        if after == before:
            continue
        value.source = Source.IMPORTED
        value.updated_by = user
        value.save()
        summary.values_written += 1
        changes |= {f"{row.indicator.code}.{name}": change for name, change in audit.diff(before, after).items()}
    if created:
        summary.created += 1
    elif changes:
        summary.updated += 1
    else:
        summary.unchanged += 1
    if changes:
        audit.record(actor=actor, action="return.import", obj=return_, changes=changes)


def import_returns(
    *, path: Path, actor: Actor, status: str = ReturnStatus.APPROVED, on_row: OnRow | None = None
) -> ImportSummary:
    """Import the CSV or Excel file at `path`; ImportFailed, with every problem by row, writes nothing."""
    content = imports.read_file(path)
    return import_returns_content(name=path.name, content=content, status=status, actor=actor, on_row=on_row)


# Export


def export_rows(year: ReportingYear) -> Iterator[list[Any]]:
    """A year's values in the import's format, organisations by register id (their name if they have none).

    Only values there are: a return with none has no rows."""
    values = (
        ReturnValue.objects.filter(annual_return__year=year, value__isnull=False)
        .select_related("annual_return__organisation", "indicator")
        .order_by("annual_return__organisation__name", "annual_return__organisation_id", "indicator__position")
    )
    for value in values.iterator(chunk_size=2000):
        organisation = value.annual_return.organisation
        yield [
            organisation.external_id or organisation.name,
            year.label,
            value.indicator.code,
            whole(value.value),
            value.note,
        ]


class Writable(Protocol):
    def write(self, text: str, /) -> Any: ...


def export_csv(*, year: ReportingYear, out: Writable) -> int:
    """Write the year's values to `out` as CSV; returns how many rows."""
    writer = csv.writer(out)
    writer.writerow(exports.row(COLUMNS))
    count = 0
    for row in export_rows(year):
        writer.writerow(exports.row(row))
        count += 1
    return count


def export_xlsx(*, year: ReportingYear, out: Path | IO[bytes]) -> int:
    """Write the year's values to `out` as an Excel workbook; returns how many rows."""
    book = Workbook(write_only=True)
    sheet = book.create_sheet(title=f"Returns {year.slug}")
    sheet.append(exports.xlsx_row(sheet, COLUMNS))
    count = 0
    for row in export_rows(year):
        # Values as numbers, so that the workbook adds them up.
        sheet.append(exports.xlsx_row(sheet, row))
        count += 1
    book.save(out)
    return count

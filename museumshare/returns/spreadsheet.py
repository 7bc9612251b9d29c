"""A return as an Excel workbook to fill in offline, and reading it back.

The "Return" sheet has a row per indicator with the value prefilled from the return, the
register's value beside it, and columns for a reason and a note; only those three can be typed
in. `read` checks every cell of an uploaded copy with `services.clean_value`, as the web form
does, and names each problem by its cell ("E7: Enter a number of loans, like 12."). It saves
nothing: the page that calls it saves the entries with `return_save`.
"""

import io
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from openpyxl import Workbook
from openpyxl.styles import Alignment, Font, PatternFill, Protection
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.datavalidation import DataValidation
from openpyxl.worksheet.worksheet import Worksheet

from museumshare.core import exports
from museumshare.core.files import UnsafeWorkbook, open_workbook
from museumshare.core.text import fold
from museumshare.returns.models import Return, ReturnValue, Section, whole
from museumshare.returns.services import Entry, clean_value

SHEET = "Return"
INSTRUCTIONS = "Instructions"
MAX_ROWS = 1000


@dataclass(frozen=True)
class Column:
    title: str
    width: int
    editable: bool = False


COLUMNS = (
    Column("Code", 30),
    Column("Section", 26),
    Column("Indicator", 46),
    Column("Unit", 13),
    Column("Value", 13, editable=True),
    Column("Register's value", 17),
    Column("Reason", 40, editable=True),
    Column("Note", 40, editable=True),
    Column("Definition", 70),
)
# The columns `read` needs; it finds them by their header, wherever they are.
READ = ("Code", "Value", "Reason", "Note")
FILL = PatternFill("solid", start_color="FFF2CC")
HEADER_FILL = PatternFill("solid", start_color="D9E1F2")


class UploadRejected(Exception):
    """An uploaded workbook that cannot be saved; `problems` say what to change, each naming its cell."""

    def __init__(self, problems: list[str]) -> None:
        super().__init__("\n".join(problems))
        self.problems = problems


def filename(return_: Return) -> str:
    """museumshare-return-national-portrait-gallery-2024-25.xlsx"""
    return f"museumshare-return-{return_.organisation.slug}-{return_.year.slug}.xlsx"


def _key(return_: Return) -> str:
    """What the workbook says it is for, so that another return's spreadsheet is not read into this one."""
    return f"museumshare-return:{return_.organisation.slug}:{return_.year.slug}"


def _rows(return_: Return) -> list[ReturnValue]:
    return list(return_.values.select_related("indicator").order_by("indicator__position", "indicator__code"))


def workbook(return_: Return) -> bytes:
    """The return as an XLSX workbook: the "Return" sheet to fill in, and instructions."""
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.title = SHEET
    _return_sheet(sheet, return_, _rows(return_))
    _instructions_sheet(book.create_sheet(INSTRUCTIONS), return_)
    book.properties.title = f"{return_.organisation.name}: return for {return_.year.label}"
    book.properties.creator = "museumshare"
    book.properties.identifier = _key(return_)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def _return_sheet(sheet: Worksheet, return_: Return, rows: list[ReturnValue]) -> None:
    sheet.append(exports.xlsx_row(sheet, [column.title for column in COLUMNS]))
    for cell in sheet[1]:
        cell.font = Font(bold=True)
        cell.fill = HEADER_FILL
        cell.alignment = Alignment(vertical="top", wrap_text=True)
    sections = dict(Section.choices)
    for row in rows:
        indicator = row.indicator
        sheet.append(
            exports.xlsx_row(
                sheet,
                [
                    indicator.code,
                    str(sections.get(indicator.section, indicator.section)),
                    indicator.name,
                    indicator.unit,
                    whole(row.value),
                    whole(row.derived),
                    row.reason,
                    row.note,
                    indicator.definition,
                ],
            )
        )
    value_letter = _letter("Value")
    whole_numbers = DataValidation(type="whole", operator="greaterThanOrEqual", formula1="0", allow_blank=True)
    decimals = DataValidation(type="decimal", operator="greaterThanOrEqual", formula1="0", allow_blank=True)
    for validation, kind in ((whole_numbers, "a whole number"), (decimals, "a number")):
        validation.promptTitle = "Value"
        validation.prompt = f"Enter {kind} of 0 or more; 0 if there were none."
        validation.errorTitle = "Not a value museumshare accepts"
        validation.error = f"Enter {kind} of 0 or more, without units: 12, not '12 loans'."
        validation.showInputMessage = True
        validation.showErrorMessage = True
        sheet.add_data_validation(validation)
    for number, row in enumerate(rows, start=2):
        (whole_numbers if row.indicator.whole_number else decimals).add(f"{value_letter}{number}")
        sheet[f"{value_letter}{number}"].number_format = "#,##0" if row.indicator.whole_number else "#,##0.00"
        sheet[f"{_letter('Register')}{number}"].number_format = sheet[f"{value_letter}{number}"].number_format
        for index, column in enumerate(COLUMNS, start=1):
            cell = sheet.cell(row=number, column=index)
            cell.alignment = Alignment(vertical="top", wrap_text=column.width >= 26)
            if column.editable:
                cell.protection = Protection(locked=False)
                cell.fill = FILL
    for index, column in enumerate(COLUMNS, start=1):
        sheet.column_dimensions[get_column_letter(index)].width = column.width
    sheet.freeze_panes = "D2"
    # Protected against slips, not against people: there is no password, and columns can still be resized.
    sheet.protection.sheet = True
    sheet.protection.formatColumns = False
    sheet.protection.formatRows = False
    sheet.protection.formatCells = False
    sheet.protection.autoFilter = False
    sheet.protection.sort = False


def _letter(title: str) -> str:
    index = next(n for n, column in enumerate(COLUMNS, start=1) if column.title.startswith(title))
    return get_column_letter(index)


def _instructions_sheet(sheet: Worksheet, return_: Return) -> None:
    year = return_.year
    deadline = f"{year.deadline:%-d %B %Y}" if year.deadline else "the deadline the collection team has set"
    lines = [
        (f"{return_.organisation.name}: annual return for {year.label}", True),
        (f"The year runs from {year.start:%-d %B %Y} to {year.end:%-d %B %Y}. The return is due by {deadline}.", False),
        ("", False),
        ("What to fill in", True),
        ("The Return sheet has a row for each figure the return asks for. Fill in the yellow columns only:", False),
        ("• Value: the figure for the year, as a number without units (12, not 12 loans).", False),
        ("  Every figure needs a value. If there were none, enter 0; do not leave it empty.", False),
        ("• Reason: needed when your value is not the register's value beside it. Say why they differ,", False),
        ("  for example 'Two loans were not recorded in museumshare'.", False),
        ("• Note: anything else the analysts should know, such as why a figure has changed a lot on last year.", False),
        ("", False),
        ("The register's value is what museumshare counts from the loans, activities and programmes", False),
        ("recorded for the year. It is empty where the register cannot count the figure.", False),
        ("Values start as the return's current values. The other columns are locked so that the codes stay", False),
        ("as they are: do not change the codes, add or delete rows, or rename the sheet.", False),
        ("", False),
        ("Sending it back", True),
        (f"Save the workbook (as .xlsx) and upload it on the return's page on museumshare for {year.label}.", False),
        ("museumshare checks every cell before it saves anything. If something needs changing it lists each", False),
        ("problem with its cell, such as 'E7: Enter a number of loans, like 12.', and saves nothing:", False),
        ("correct them and upload the file again.", False),
        ("Uploading saves the values. It does not submit the return: check it on museumshare, then submit it", False),
        (f"by {deadline}. You can upload while the return is a draft or returned for changes.", False),
        ("", False),
        ("The definitions of the figures are in the last column of the Return sheet.", False),
    ]
    for text, heading in lines:
        sheet.append(exports.xlsx_row(sheet, [text]))
        if heading:
            sheet.cell(row=sheet.max_row, column=1).font = Font(bold=True, size=14 if sheet.max_row == 1 else 12)
    sheet.column_dimensions["A"].width = 110
    sheet.protection.sheet = True


def read(return_: Return, content: bytes) -> dict[str, Entry]:
    """The entries of an uploaded copy of the return's workbook, by indicator code, every cell checked.

    UploadRejected lists every problem, each naming its cell; nothing is saved here."""
    sheet = _sheet(return_, content)
    rows = {row.indicator.code: row for row in _rows(return_)}
    cells = [list(values) for values in sheet]
    header = [fold(str(value)) if value is not None else "" for value in (cells[0] if cells else [])]
    where = {title: header.index(fold(title)) for title in READ if fold(title) in header}
    missing = [title for title in READ if title not in where]
    if missing:
        raise UploadRejected(
            [
                f"Row 1: The Return sheet has no column headed {' or '.join(missing)}. Download the return's "
                "spreadsheet again and copy your values into it."
            ]
        )
    if len(cells) > MAX_ROWS:
        raise UploadRejected([f"The Return sheet has more than {MAX_ROWS:,} rows: it is not a return's spreadsheet."])

    def ref(column: str, number: int) -> str:
        return f"{get_column_letter(where[column] + 1)}{number}"

    def cell(values: list[Any], column: str) -> Any:
        index = where[column]
        return values[index] if index < len(values) else None

    problems: list[str] = []
    entries: dict[str, Entry] = {}
    first_row_of: dict[str, int] = {}
    for number, values in enumerate(cells[1:], start=2):
        if all(value is None or (isinstance(value, str) and not value.strip()) for value in values):
            continue
        code = _text(cell(values, "Code"))
        if not code:
            problems.append(f"{ref('Code', number)}: Enter the indicator's code; every row needs the code it had.")
            continue
        row = rows.get(code)
        if row is None:
            problems.append(f"{ref('Code', number)}: '{code}' is not an indicator of the {return_.year.label} return.")
            continue
        if code in first_row_of:
            problems.append(f"{ref('Code', number)}: {code} is already on row {first_row_of[code]}.")
            continue
        first_row_of[code] = number
        reason, note = _text(cell(values, "Reason")), _text(cell(values, "Note"))
        try:
            value = clean_value(row.indicator, cell(values, "Value"))
        except ValueError as problem:
            problems.append(f"{ref('Value', number)}: {problem}")
            continue
        if value is None and row.indicator.required:
            problems.append(f"{ref('Value', number)}: {_enter(row)}")
            continue
        if row.derived is not None and value != row.derived and not reason:
            problems.append(
                f"{ref('Reason', number)}: Say why the value differs from the register's "
                f"({whole(row.derived)} {row.indicator.unit})."
            )
            continue
        entries[code] = Entry(value=value, reason=reason, note=note)
    for position, (code, row) in enumerate(rows.items(), start=2):
        if code not in first_row_of and row.indicator.required:
            problems.append(
                f"{ref('Code', position)}: The row for {code} is missing: add it back, with its code. {_enter(row)}"
            )
    if problems:
        raise UploadRejected(problems)
    return entries


def _enter(row: ReturnValue) -> str:
    return f"Enter the {row.indicator.name.lower()}, or 0 if there were none."


def _text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    elif isinstance(value, Decimal):
        value = whole(value)
    return exports.unquote(str(value).strip())


def _sheet(return_: Return, content: bytes) -> list[tuple[Any, ...]]:
    """The uploaded workbook's Return sheet, as rows of cell values."""
    try:
        book = open_workbook(content, name="The spreadsheet")
    except UnsafeWorkbook as refused:
        raise UploadRejected([str(refused)]) from None
    except Exception:  # openpyxl and zipfile raise many kinds of error on a damaged or foreign file
        raise UploadRejected(
            ["This file is not an Excel workbook (.xlsx). Fill in the return's spreadsheet and upload it as .xlsx."]
        ) from None
    try:
        if SHEET not in book.sheetnames:
            raise UploadRejected(
                [
                    f"The workbook has no sheet called {SHEET}. Upload the return's spreadsheet, "
                    "with its sheets as they were."
                ]
            )
        identifier = book.properties.identifier
        if identifier and identifier.startswith("museumshare-return:") and identifier != _key(return_):
            _, organisation, year = [*identifier.split(":"), "", ""][:3]
            raise UploadRejected(
                [
                    f"This spreadsheet is for another return ({organisation}, {year.replace('-', '/')}), not "
                    f"{return_.organisation.name}'s for {return_.year.label}."
                ]
            )
        try:
            return list(book[SHEET].iter_rows(max_col=len(COLUMNS) + 20, max_row=MAX_ROWS + 1, values_only=True))
        except Exception:
            raise UploadRejected(
                ["This workbook cannot be read: save it again as .xlsx and upload it again."]
            ) from None
    finally:
        book.close()

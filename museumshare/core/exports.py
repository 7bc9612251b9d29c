"""Downloads of lists as CSV or XLSX, named for what they hold and the day.

Every cell of every file museumshare writes for a spreadsheet (the lists, the report, returns, the
rejects of an import) goes through `cell`: text that a spreadsheet would run as a formula is
written with a quote before it, as OWASP advises against CSV injection, and an XLSX string is
always a string cell. Numbers stay numbers, so -2 is still the number -2. The importers take the
quote off again with `unquote`, so a file written here reads back as it was.
"""

import csv
import io
from collections.abc import Iterable, Sequence
from datetime import date
from typing import Any

from django.http import HttpResponse
from django.utils.text import slugify
from openpyxl import Workbook
from openpyxl.cell.cell import Cell
from openpyxl.worksheet._write_only import WriteOnlyWorksheet
from openpyxl.worksheet.worksheet import Worksheet

FORMATS = ("csv", "xlsx")
XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
# What Excel, LibreOffice and Google Sheets start a formula with (tab and carriage return too,
# which some of them skip before looking).
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
QUOTE = "'"


def cell(value: Any) -> Any:
    """A cell as a download writes it: text starting like a formula behind a quote, anything else as it is."""
    if isinstance(value, str) and value.startswith(FORMULA_START):
        return QUOTE + value
    return value


def row(values: Iterable[Any]) -> list[Any]:
    return [cell(value) for value in values]


def unquote(text: str) -> str:
    """An imported cell as it was before `cell` quoted it; any other quote is the person's own."""
    if text.startswith(QUOTE) and text[1:].startswith(FORMULA_START):
        return text[1:]
    return text


def xlsx_cell(sheet: Worksheet | WriteOnlyWorksheet, value: Any) -> Any:
    """A value for `sheet.append`: text as a string cell, whatever it starts with, never a formula."""
    value = cell(value)
    if not isinstance(value, str):
        return value
    written = Cell(sheet, row=1, column=1, value=value)  # placed where it is appended
    written.data_type = "s"
    return written


def xlsx_row(sheet: Worksheet | WriteOnlyWorksheet, values: Iterable[Any]) -> list[Any]:
    return [xlsx_cell(sheet, value) for value in values]


def put(sheet: Worksheet, row: int, column: int, value: Any) -> Cell:
    """Write `value` into a cell of `sheet` as `cell` does, and hand the cell back to be styled."""
    target: Cell = sheet.cell(row=row, column=column, value=cell(value))
    if isinstance(target.value, str):
        target.data_type = "s"
    return target


def filename(*parts: str, extension: str, today: date | None = None) -> str:
    words = [slugify(part) for part in ("museumshare", *parts) if part]
    return "-".join([*words, (today or date.today()).isoformat()]) + f".{extension}"


def download(
    *, fmt: str, name_parts: Sequence[str], header: Sequence[str], rows: Iterable[Sequence[Any]]
) -> HttpResponse:
    name = filename(*name_parts, extension=fmt)
    if fmt == "xlsx":
        workbook = Workbook(write_only=True)
        sheet = workbook.create_sheet(title=(name_parts[0] if name_parts else "Data")[:31])
        sheet.append(xlsx_row(sheet, header))
        for values in rows:
            sheet.append(xlsx_row(sheet, values))
        buffer = io.BytesIO()
        workbook.save(buffer)
        response = HttpResponse(buffer.getvalue(), content_type=XLSX_TYPE)
    else:
        text = io.StringIO()
        writer = csv.writer(text)
        writer.writerow(row(header))
        writer.writerows(row(values) for values in rows)
        response = HttpResponse(text.getvalue().encode("utf-8-sig"), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response

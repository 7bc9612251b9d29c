"""Reading a spreadsheet of records to import: a CSV file or an Excel workbook.

Every import reads its file here, so all of them accept the same files and explain the same
mistakes (wrong encoding, a workbook saved as .csv, a missing header) in the same words.
"""

import csv
import io
import re
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from datetime import date, datetime, time
from pathlib import Path
from typing import Any

from museumshare.core.exports import unquote
from museumshare.core.files import UnsafeWorkbook, open_workbook
from museumshare.core.imports import ImportFailed
from museumshare.core.text import fold

MAX_ROWS = 100_000
MAX_COLUMNS = 200


@dataclass
class Table:
    """A file's header and its rows that are not blank, each with its spreadsheet row number."""

    format: str
    header: list[str]
    rows: list[tuple[int, list[str]]]

    def records(self) -> Iterator[tuple[int, dict[str, str]]]:
        keys = [column_key(name) for name in self.header]
        for number, cells in self.rows:
            yield number, dict(zip(keys, cells, strict=True))

    def original(self, cells: list[str]) -> dict[str, str]:
        return dict(zip(self.header, cells, strict=True))


def column_key(name: str) -> str:
    """'Start date', 'start-date' and 'START_DATE' all name the column start_date."""
    return re.sub(r"[\s-]+", "_", fold(name))


def read_table(name: str, content: bytes, *, required: Sequence[str], records: str) -> Table:
    """The header and rows of a CSV or Excel file; ImportFailed saying why when it cannot be read.

    `required` are the columns the header must have; `records` names what the rows are ("loans").
    """
    suffix = Path(name).suffix.lower()
    if not content.strip():
        raise ImportFailed(f"{name} is empty.")
    if suffix == ".xlsx":
        fmt, cells = "Excel", _xlsx_cells(name, content)
    elif suffix == ".csv":
        if content.startswith(b"PK\x03\x04"):
            raise ImportFailed(f"{name} is an Excel workbook, not CSV: name it .xlsx, or save it as CSV UTF-8.")
        fmt, cells = "CSV", _csv_cells(name, content)
    elif suffix == ".xls":
        raise ImportFailed(f"{name} is in the old Excel format (.xls): save it as an Excel workbook (.xlsx) or CSV.")
    else:
        raise ImportFailed(f"{name} is not a CSV file (.csv) or an Excel workbook (.xlsx).")
    return _table(name, fmt, cells, required, records)


def _csv_cells(name: str, content: bytes) -> Iterator[list[str]]:
    if content.startswith((b"\xff\xfe", b"\xfe\xff")):
        raise ImportFailed(f"{name} is saved as UTF-16 ('Unicode text'): save it as CSV UTF-8.")
    try:
        text = content.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = content[: exc.start].count(b"\n") + 1
        raise ImportFailed(
            f"{name} is not UTF-8 text (line {line} has a character that is not): in Excel, save it as CSV UTF-8."
        ) from None
    if "\x00" in text:
        raise ImportFailed(f"{name} is not a text file: it has NUL characters. Save it as CSV UTF-8.")
    reader = csv.reader(io.StringIO(text, newline=""))
    try:
        yield from reader
    except csv.Error as exc:
        raise ImportFailed(f"{name} is not a readable CSV file (row {reader.line_num}: {exc}).") from None


def _xlsx_cells(name: str, content: bytes) -> Iterator[list[str]]:
    try:
        workbook = open_workbook(content, name=name, max_rows=MAX_ROWS)
        try:
            # Read the sheet while the workbook is open; a damaged one fails here, not when opened.
            rows = [
                [_cell_text(value) for value in row]
                for row in _limited(workbook.worksheets[0].iter_rows(max_col=MAX_COLUMNS, values_only=True), name)
            ]
        finally:
            workbook.close()
    except ImportFailed:
        raise
    except UnsafeWorkbook as refused:
        raise ImportFailed(str(refused)) from None
    except Exception:  # openpyxl and zipfile raise many kinds of error on a damaged or foreign file
        raise ImportFailed(f"{name} is not a readable Excel workbook (.xlsx).") from None
    yield from rows


def _limited(rows: Iterable[Any], name: str) -> Iterator[Any]:
    for count, row in enumerate(rows):
        if count > MAX_ROWS:
            raise ImportFailed(f"{name} has more than {MAX_ROWS:,} rows: split it into smaller files.")
        yield row


def _cell_text(value: object) -> str:
    """A spreadsheet cell as the text a CSV file would have; dates as 2020-04-01."""
    if value is None:
        return ""
    if isinstance(value, datetime):
        return value.date().isoformat() if value.time() == time() else value.isoformat(sep=" ")
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def _table(name: str, fmt: str, cells: Iterable[list[str]], required: Sequence[str], records: str) -> Table:
    lines = iter(_limited(cells, name))
    header = [cell.strip() for cell in next(lines, [])]
    while header and not header[-1]:
        header.pop()
    keys = [column_key(column) for column in header]
    if not any(keys):
        raise ImportFailed(f"{name} has no header row: the first row must name the columns (see the import guide).")
    twice = sorted({key for key in keys if key and keys.count(key) > 1})
    if twice:
        raise ImportFailed(f"The header has the column(s) {', '.join(twice)} more than once.")
    missing = [column for column in required if column not in keys]
    if missing:
        raise ImportFailed(f"The header is missing the column(s): {', '.join(missing)}.")
    width = len(header)
    rows = []
    for number, row in enumerate(lines, start=2):
        # Without the quote a download put before text that starts like a formula: a file
        # museumshare wrote reads back as it was.
        padded = [unquote(cell.strip()) for cell in row[:width]] + [""] * (width - len(row))
        if any(padded):
            rows.append((number, padded))
    if not rows:
        raise ImportFailed(f"{name} has a header but no {records}.")
    return Table(format=fmt, header=header, rows=rows)


def date_text(value: str) -> str:
    """ISO for the spellings the form does not read itself: '1 April 2020', or a date and time."""
    for fmt in ("%d %B %Y", "%d %b %Y"):
        try:
            return datetime.strptime(" ".join(value.split()), fmt).date().isoformat()
        except ValueError:
            pass
    if len(value) > 10 and value[10] in "T ":
        try:
            return datetime.fromisoformat(value).date().isoformat()
        except ValueError:
            pass
    return value

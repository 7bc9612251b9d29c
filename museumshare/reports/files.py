"""The report as files: an Excel workbook, the open-data CSV and the JSON, each made from the report's
JSON data (compute.Report.as_json, or a published version's frozen data) and nothing else.

A published version keeps the PDF and the workbook made when it was published; `version_file`
hands those back rather than making them again, so that a correction never changes an earlier file.
"""

import csv
import io
import json
from collections.abc import Iterable
from datetime import datetime
from typing import Any

from django.utils import timezone
from openpyxl import Workbook
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet

from museumshare.core import exports
from museumshare.reports.compute import compute
from museumshare.reports.models import ReportVersion
from museumshare.returns.models import ReportingYear, Section

TITLE = "Museum Partnership Report"
# The formats a report is written in, text first; the PDF is pdf.py's.
FORMATS = ("json", "csv", "xlsx", "pdf", "html")
BINARY = ("xlsx", "pdf")
CSV_HEADER = (
    "year",
    "indicator",
    "name",
    "unit",
    "value",
    "returns",
    "compared_with",
    "previous_value",
    "change",
    "change_percent",
    "definition",
)
# The order docs/report.md documents the keys in; a database may hand a JSON object back in another.
KEYS = (
    "year",
    "status",
    "version",
    "published_at",
    "note",
    "indicators",
    "headlines",
    "trends",
    "breakdowns",
    "disclosure_control",
    "licence",
    "attribution",
)
INDICATOR_KEYS = (
    "code",
    "name",
    "unit",
    "section",
    "definition",
    "value",
    "returns",
    "compared_with",
    "previous_value",
    "change",
    "change_percent",
    "sentence",
)
MONEY = ("£", "pounds")
BOLD = Font(bold=True)
HEADER_FILL = PatternFill("solid", start_color="D9E1F2")
WRAP = Alignment(wrap_text=True, vertical="top")
TOP = Alignment(vertical="top")
WHOLE = "#,##0"
PERCENT = "0.0%"


def draft(year: int) -> dict[str, Any]:
    """The report of `year` computed now, shaped as a published version is, with no version."""
    return compute(year).as_json() | {"status": "draft", "version": None, "published_at": None, "note": ""}


def ordered(data: dict[str, Any]) -> dict[str, Any]:
    """The data with its keys in the documented order (others after, as given), so that every file
    reads the same whichever database the published version was kept in."""

    def arrange(row: dict[str, Any], keys: Iterable[str]) -> dict[str, Any]:
        first = {key: row[key] for key in keys if key in row}
        return first | {key: value for key, value in row.items() if key not in first}

    result = arrange(data, KEYS)
    if isinstance(result.get("indicators"), list):
        result["indicators"] = [arrange(row, INDICATOR_KEYS) for row in result["indicators"]]
    if isinstance(result.get("trends"), dict):
        result["trends"] = {
            code: [arrange(point, ("year", "value")) for point in points] for code, points in result["trends"].items()
        }
    return result


def json_text(data: dict[str, Any]) -> str:
    return json.dumps(ordered(data), indent=2, ensure_ascii=False) + "\n"


def _plain(value: Any) -> str:
    """A cell of the CSV: numbers without separators, nothing for none."""
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def csv_text(data: dict[str, Any]) -> str:
    """The open-data file: one row per indicator, in the long format."""
    text = io.StringIO()
    writer = csv.writer(text)
    writer.writerow(exports.row(CSV_HEADER))
    for row in data["indicators"]:
        writer.writerow(
            exports.row(
                [
                    data["year"],
                    row["code"],
                    row["name"],
                    row["unit"],
                    _plain(row["value"]),
                    row["returns"],
                    _plain(row["compared_with"]),
                    _plain(row["previous_value"]),
                    _plain(row["change"]),
                    _plain(row["change_percent"]),
                    row["definition"],
                ]
            )
        )
    return text.getvalue()


# The workbook


def published_on(data: dict[str, Any]) -> str:
    """The day the version was published, in UK time, like 12 March 2022; "" for a draft."""
    if not data.get("published_at"):
        return ""
    moment = datetime.fromisoformat(data["published_at"])
    if timezone.is_aware(moment):
        moment = timezone.localtime(moment)
    return f"{moment.day} {moment:%B %Y}"


def status_line(data: dict[str, Any]) -> str:
    if data.get("status") != "published":
        return "DRAFT: not published. The figures may change until the report is published."
    parts = [f"version {data['version']}" if data.get("version") else "", published_on(data)]
    details = ", ".join(part for part in parts if part)
    return f"Published: {details}" if details else "Published"


def figure_format(value: Any, unit: str) -> str:
    """Whole numbers with thousands separators; pence where there are any; money with its £."""
    places = "#,##0.00" if isinstance(value, float) and not value.is_integer() else WHOLE
    return f'"£"{places}' if unit.strip() in MONEY else places


def _header(sheet: Worksheet, titles: list[str], widths: list[int], row: int = 1) -> None:
    for column, (title, width) in enumerate(zip(titles, widths, strict=True), start=1):
        cell = exports.put(sheet, row, column, title)
        cell.font = BOLD
        cell.fill = HEADER_FILL
        cell.alignment = WRAP
        sheet.column_dimensions[get_column_letter(column)].width = width
    sheet.freeze_panes = f"A{row + 1}"


def _put(sheet: Worksheet, row: int, column: int, value: Any, number_format: str = WHOLE, wrap: bool = False) -> None:
    """A cell: numbers stay numbers, formatted with thousands separators; none is an empty cell."""
    if isinstance(value, bool):
        value = "Yes" if value else "No"
    elif isinstance(value, (list, tuple)):
        value = "; ".join(str(item) for item in value)
    elif isinstance(value, dict):
        value = json.dumps(value, ensure_ascii=False)
    cell = exports.put(sheet, row, column, value)
    if isinstance(value, (int, float)):
        cell.number_format = number_format
    cell.alignment = WRAP if wrap else TOP


def _summary(sheet: Worksheet, data: dict[str, Any]) -> None:
    sheet.title = "Summary"
    sheet.column_dimensions["A"].width = 16
    sheet.column_dimensions["B"].width = 110
    title = exports.put(sheet, 1, 1, f"{TITLE} {data['year']}")
    title.font = Font(bold=True, size=14)
    lines: list[tuple[str, str]] = [("Year", data["year"]), ("Status", status_line(data))]
    if data.get("note"):
        lines.append(("Correction", data["note"]))
    lines.append(("", ""))
    lines += [("Headlines" if n == 0 else "", sentence) for n, sentence in enumerate(data["headlines"])]
    if not data["headlines"]:
        lines.append(("Headlines", "No figure moved by more than 1% on an earlier year."))
    lines += [("", ""), ("Licence", data["licence"]), ("Attribution", data["attribution"])]
    for row, (label, text) in enumerate(lines, start=3):
        exports.put(sheet, row, 1, label or None).font = BOLD
        _put(sheet, row, 2, text or None, wrap=True)
    sheet.freeze_panes = "A2"


SECTION_COLUMNS = (
    ("Code", 28),
    ("Indicator", 44),
    ("Unit", 12),
    ("Value", 14),
    ("Returns", 9),
    ("Compared with", 10),
    ("Previous value", 14),
    ("Change", 14),
    ("Change %", 10),
    ("Sentence", 80),
)


def _section(sheet: Worksheet, rows: list[dict[str, Any]]) -> None:
    _header(sheet, [title for title, _ in SECTION_COLUMNS], [width for _, width in SECTION_COLUMNS])
    for number, row in enumerate(rows, start=2):
        unit = row["unit"]
        percent = row["change_percent"]
        values = [
            row["code"],
            row["name"],
            unit,
            row["value"],
            row["returns"],
            row["compared_with"],
            row["previous_value"],
            row["change"],
            None if percent is None else percent / 100,
        ]
        for column, value in enumerate(values, start=1):
            _put(sheet, number, column, value, figure_format(value, unit), wrap=column == 2)
        sheet.cell(row=number, column=5).number_format = WHOLE
        sheet.cell(row=number, column=9).number_format = PERCENT
        _put(sheet, number, 10, row["sentence"], wrap=True)


def sections(data: dict[str, Any]) -> list[tuple[str, list[dict[str, Any]]]]:
    """(section title, indicator rows) in the report's order; a section it does not know comes last."""
    titles = dict(Section.choices)
    grouped: dict[str, list[dict[str, Any]]] = {}
    for row in data["indicators"]:
        grouped.setdefault(row["section"], []).append(row)
    known = [code for code, _ in Section.choices if code in grouped]
    others = [code for code in grouped if code not in titles]
    return [(str(titles.get(code, code)), grouped[code]) for code in [*known, *others]]


def humanise(key: str) -> str:
    """by_region -> "By region"."""
    words = key.replace("_", " ").replace("-", " ").strip()
    return words[:1].upper() + words[1:]


def _sheet_title(book: Workbook, wanted: str) -> str:
    """A sheet name Excel accepts (31 characters, none of []:*?/\\) that the workbook has not used."""
    clean = "".join(" " if ch in "[]:*?/\\" else ch for ch in wanted).strip()[:31] or "Sheet"
    title, n = clean, 2
    while title.lower() in (name.lower() for name in book.sheetnames):
        title = f"{clean[: 31 - len(str(n)) - 1]} {n}"
        n += 1
    return title


def _breakdown(sheet: Worksheet, rows: list[Any], names: dict[str, str]) -> None:
    """Any list of row dicts as a table: a column per key, in the order the keys first appear,
    headed by the indicator's name where the key is an indicator's code."""
    dicts = [row if isinstance(row, dict) else {"value": row} for row in rows]
    keys: list[str] = []
    for row in dicts:
        keys += [key for key in row if key not in keys]
    if not keys:
        exports.put(sheet, 1, 1, "Nothing to show for this year.")
        return
    titles = [names.get(key, humanise(key)) for key in keys]
    widths = [
        max(10, min(50, max([len(title)] + [len(str(row.get(key, ""))) for row in dicts]) + 2))
        for key, title in zip(keys, titles, strict=True)
    ]
    _header(sheet, titles, widths)
    for number, row in enumerate(dicts, start=2):
        for column, key in enumerate(keys, start=1):
            value = row.get(key)
            # Whole numbers are counts; anything else (a latitude, a share) shows as it is.
            style = WHOLE if isinstance(value, int) else "General"
            _put(sheet, number, column, value, style, wrap=widths[column - 1] >= 50)


def _trends(sheet: Worksheet, data: dict[str, Any]) -> None:
    names = {row["code"]: (row["name"], row["unit"]) for row in data["indicators"]}
    trends: dict[str, list[dict[str, Any]]] = data["trends"]
    labels = sorted({point["year"] for points in trends.values() for point in points})
    codes = [code for code in names if code in trends] + sorted(code for code in trends if code not in names)
    _header(sheet, ["Code", "Indicator", *labels], [28, 44, *[12] * len(labels)])
    for number, code in enumerate(codes, start=2):
        name, unit = names.get(code, (code, ""))
        by_year = {point["year"]: point["value"] for point in trends[code]}
        _put(sheet, number, 1, code)
        _put(sheet, number, 2, name, wrap=True)
        for column, label in enumerate(labels, start=3):
            value = by_year.get(label)
            _put(sheet, number, column, value, figure_format(value, unit))


def _notes(sheet: Worksheet, data: dict[str, Any]) -> None:
    _header(sheet, ["Code", "Indicator", "Unit", "Section", "Definition"], [28, 44, 12, 28, 90])
    titles = dict(Section.choices)
    row = 1
    for row, indicator in enumerate(data["indicators"], start=2):
        _put(sheet, row, 1, indicator["code"])
        _put(sheet, row, 2, indicator["name"], wrap=True)
        _put(sheet, row, 3, indicator["unit"])
        _put(sheet, row, 4, str(titles.get(indicator["section"], indicator["section"])))
        _put(sheet, row, 5, indicator["definition"], wrap=True)
    about = [
        (
            "How the figures are made",
            "Each figure is the total of the year's approved returns; Returns says how many returns gave "
            "it. A figure no return gave is left empty, not reported, never zero. Each is compared with "
            "the most recent earlier year that reported it.",
        ),
        *([("Disclosure control", data["disclosure_control"])] if data.get("disclosure_control") else []),
        ("Licence", f"The figures are published under the {data['licence']}."),
        ("Sources and attribution", data["attribution"]),
    ]
    for offset, (label, text) in enumerate(about, start=2):
        exports.put(sheet, row + offset, 1, label).font = BOLD
        sheet.merge_cells(start_row=row + offset, start_column=2, end_row=row + offset, end_column=5)
        _put(sheet, row + offset, 2, text, wrap=True)
        sheet.row_dimensions[row + offset].height = 45


def xlsx(data: dict[str, Any]) -> bytes:
    """The report as an Excel workbook: a summary, a sheet per section, the breakdowns, the trends
    and notes with each indicator's definition, the sources and the licence."""
    book = Workbook()
    summary = book.active
    assert summary is not None
    _summary(summary, data)
    for title, rows in sections(data):
        _section(book.create_sheet(_sheet_title(book, title)), rows)
    breakdowns: dict[str, Any] = data.get("breakdowns") or {}
    names = {row["code"]: row["name"] for row in data["indicators"]}
    for key, rows in breakdowns.items():
        _breakdown(book.create_sheet(_sheet_title(book, humanise(key))), list(rows), names)
    _trends(book.create_sheet("Trends"), data)
    _notes(book.create_sheet("Notes"), data)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


# Which file a reader gets


def render(data: dict[str, Any], fmt: str) -> bytes:
    """The report in format `fmt` (one of FORMATS), made now from `data`."""
    # Here, not at the top: the PDF may be made from this module's pieces.
    from museumshare.reports import pdf

    if fmt == "json":
        return json_text(data).encode()
    if fmt == "csv":
        return csv_text(data).encode()
    if fmt == "xlsx":
        return xlsx(data)
    if fmt == "pdf":
        return pdf.render(data)
    if fmt == "html":
        return pdf.html(data).encode()
    raise ValueError(f"'{fmt}' is not a format of the report: use {', '.join(FORMATS)}.")


def version_file(version: ReportVersion, fmt: str) -> bytes:
    """A published version in format `fmt`: the PDF and workbook frozen when it was published; the
    others made from its frozen data, which gives the same figures."""
    frozen = {"pdf": version.pdf, "xlsx": version.xlsx}.get(fmt)
    # Empty only for a version published before its format could be made.
    if frozen:
        return bytes(frozen)
    return render(version.data, fmt)


def year_file(year: ReportingYear, fmt: str, *, live: bool = False) -> tuple[bytes, ReportVersion | None]:
    """The year's report in format `fmt` and the version it is: the latest published version; the
    draft computed now (version None) before the report is published, or when `live` is asked for."""
    version = None if live else ReportVersion.objects.filter(year=year).order_by("-version").first()
    if version is None:
        return render(draft(year.year), fmt), None
    return version_file(version, fmt), version

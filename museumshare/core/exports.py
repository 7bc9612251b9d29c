"""Downloads of lists as CSV or XLSX, named for what they hold and the day."""

import csv
import io
from collections.abc import Iterable, Sequence
from datetime import date
from typing import Any

from django.http import HttpResponse
from django.utils.text import slugify
from openpyxl import Workbook

FORMATS = ("csv", "xlsx")
XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


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
        sheet.append(list(header))
        for row in rows:
            sheet.append(list(row))
        buffer = io.BytesIO()
        workbook.save(buffer)
        response = HttpResponse(buffer.getvalue(), content_type=XLSX_TYPE)
    else:
        text = io.StringIO()
        writer = csv.writer(text)
        writer.writerow(header)
        writer.writerows(rows)
        response = HttpResponse(text.getvalue().encode("utf-8-sig"), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response

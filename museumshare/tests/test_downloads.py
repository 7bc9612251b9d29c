"""Every file museumshare writes for a spreadsheet runs no formula, whatever the names in it say."""

import csv
import io
import re
from io import StringIO
from pathlib import Path
from typing import Any

import pytest
from django.core.management import call_command
from django.db.models import Value
from django.db.models.functions import Concat
from django.test import Client
from django.urls import reverse
from openpyxl import load_workbook
from pytest_django.fixtures import Settings

from museumshare.accounts.models import User
from museumshare.core import exports
from museumshare.core.imports import write_rejects
from museumshare.core.tables import read_table
from museumshare.organisations.models import Organisation
from museumshare.programmes.models import Programme
from museumshare.returns.models import ReportingYear, Return, ReturnValue

NUMBER = re.compile(r"-?[0-9]+(\.[0-9]+)?")
FORMULAS = ('=HYPERLINK("http://example.com","Click")', "+1", "-2+3", "@SUM(1)", "\tx", "\r=1")


def cells(content: bytes, fmt: str) -> list[Any]:
    """Every cell of a CSV file or of every sheet of a workbook; an XLSX formula as ('formula', value)."""
    if fmt == "csv":
        return [value for row in csv.reader(io.StringIO(content.decode("utf-8-sig"))) for value in row]
    book = load_workbook(io.BytesIO(content))
    found: list[Any] = []
    for sheet in book.worksheets:
        for row in sheet.iter_rows():
            found += [("formula", cell.value) if cell.data_type == "f" else cell.value for cell in row]
    return found


def assert_runs_no_formula(content: bytes, fmt: str) -> list[Any]:
    found = cells(content, fmt)
    assert not [value for value in found if isinstance(value, tuple)]
    # A number in a CSV file is text too: -2 is a number, -2+3 a formula.
    unquoted = [value for value in found if isinstance(value, str) and value.startswith(exports.FORMULA_START)]
    assert not [value for value in unquoted if not NUMBER.fullmatch(value)]
    return found


@pytest.mark.parametrize("fmt", exports.FORMATS)
def test_a_download_quotes_text_that_starts_like_a_formula_and_keeps_numbers_numbers(fmt: str) -> None:
    response = exports.download(
        fmt=fmt, name_parts=["test"], header=["name", "figure"], rows=[[f, -2] for f in FORMULAS]
    )

    found = assert_runs_no_formula(response.content, fmt)

    assert [f"'{formula}" for formula in FORMULAS[:4]] == [found[n] for n in range(2, 10, 2)]
    assert found[3] == (-2 if fmt == "xlsx" else "-2")


def test_an_import_reads_back_what_a_download_quoted_and_only_that() -> None:
    response = exports.download(fmt="csv", name_parts=["test"], header=["name"], rows=[["=1+1"], ["'quoted"]])

    table = read_table("back.csv", response.content, required=["name"], records="rows")

    assert [cells for _, cells in table.rows] == [["=1+1"], ["'quoted"]]


def test_the_rejects_of_an_import_run_no_formula() -> None:
    out = StringIO()
    write_rejects(out, ["name"], [(2, {"name": "=cmd|' /C calc'!A0"})], [])

    assert_runs_no_formula(out.getvalue().encode(), "csv")


# Every download, with every organisation named like a formula


@pytest.fixture
def demo(register: dict[str, Organisation], settings: Settings) -> None:
    settings.DEBUG = True
    call_command("setup_demo", stdout=StringIO())
    Organisation.objects.update(name=Concat(Value('=HYPERLINK("http://example.com","'), "name", Value('")')))


def download_urls() -> list[tuple[str, str]]:
    year = ReportingYear.objects.order_by("-year").first()
    assert year is not None
    programme = Programme.objects.first()
    assert programme is not None
    urls = [
        reverse(name) + "?download={fmt}"
        for name in (
            "organisations:directory",
            "activities:list",
            "loans:list",
            "needs:board",
            "needs:figures",
            "programmes:board",
            "programmes:resources",
        )
    ]
    urls += [
        reverse("programmes:dashboard", args=[programme.slug]) + "?download={fmt}",
        reverse("returns:year", args=[year.slug]) + "?download={fmt}",
        reverse("reports:download", args=[year.slug, "{fmt}"]).replace("%7B", "{").replace("%7D", "}"),
    ]
    return [(url.format(fmt=fmt), fmt) for url in urls for fmt in exports.FORMATS] + [
        (reverse("atlas:areas_csv"), "csv"),
        (reverse("activities:import_template"), "csv"),
    ]


def test_no_download_runs_a_formula(demo: None, admin_user: User) -> None:
    client = Client()
    client.force_login(admin_user)
    quoted = 0
    for url, fmt in download_urls():
        response = client.get(url)
        assert response.status_code == 200, url
        found = assert_runs_no_formula(response.content, fmt)
        quoted += any(isinstance(value, str) and value.startswith("'=HYPERLINK") for value in found)
    # The names are in most of them: the lists of records, the returns' progress, the report's breakdowns.
    assert quoted >= 10


@pytest.mark.parametrize("fmt", exports.FORMATS)
def test_export_returns_quotes_a_note_like_a_formula_and_keeps_values_numbers(
    demo: None, tmp_path: Path, fmt: str
) -> None:
    value = ReturnValue.objects.filter(value__isnull=False).select_related("annual_return__year").first()
    assert value is not None
    ReturnValue.objects.filter(pk=value.pk).update(note="=1+1")
    path = tmp_path / f"returns.{fmt}"

    call_command("export_returns", value.annual_return.year.label, "--output", str(path), stderr=StringIO())

    found = assert_runs_no_formula(path.read_bytes(), fmt)
    assert "'=1+1" in found
    if fmt == "xlsx":
        assert any(isinstance(cell, int) for cell in found)


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_the_report_command_writes_no_formula(demo: None, tmp_path: Path, fmt: str) -> None:
    year = ReportingYear.objects.order_by("-year").first()
    assert year is not None
    path = tmp_path / f"report.{fmt}"

    call_command("report", year.label, "--format", fmt, "--output", str(path), stderr=StringIO())

    assert_runs_no_formula(path.read_bytes(), fmt)


def test_a_returns_spreadsheet_runs_no_formula_and_a_note_like_a_formula_reads_back(demo: None) -> None:
    from museumshare.returns import spreadsheet

    return_ = Return.objects.filter(values__isnull=False).select_related("organisation", "year").first()
    assert return_ is not None
    value = return_.values.select_related("indicator").first()
    assert value is not None
    value.note = "-2 on last year: two loans were cancelled"
    value.save()

    content = spreadsheet.workbook(return_)

    assert_runs_no_formula(content, "xlsx")
    assert spreadsheet.read(return_, content)[value.indicator.code].note == value.note

"""The report as a workbook, the open-data CSV and the JSON, each made from the report's data."""

import csv
import io
import json
from typing import Any

import pytest
from openpyxl import load_workbook

from museumshare.accounts.models import User
from museumshare.core.services import System
from museumshare.organisations.models import Organisation
from museumshare.reports import files, pdf
from museumshare.reports.compute import ATTRIBUTION, LICENCE, compute
from museumshare.reports.services import report_publish
from museumshare.reports.tests.conftest import ROWS
from museumshare.returns.importer import import_returns_content
from museumshare.returns.models import Indicator, ReportingYear
from museumshare.returns.services import year_create

COMMAND_LINE = System("command-line import")


@pytest.fixture(autouse=True)
def quick_pdf(monkeypatch: pytest.MonkeyPatch) -> None:
    """A stand-in for the PDF, which takes seconds to make and has tests of its own."""
    monkeypatch.setattr(pdf, "render", lambda data: b"%PDF-1.7 " + data["status"].encode())


def import_rows(rows: list[tuple[str, str, str, int]]) -> None:
    """The rows' values as approved returns of the first two national museums (A and B)."""
    first, second = Organisation.objects.national_bodies().order_by("name")[:2]
    refs = {"A": first.external_id, "B": second.external_id}
    lines = ["organisation,year,indicator,value"] + [f"{refs[o]},{y},{code},{v}" for o, y, code, v in rows]
    import_returns_content(name="returns.csv", content="\n".join(lines).encode(), actor=COMMAND_LINE)


@pytest.fixture
def data(register: dict[str, Organisation]) -> dict[str, Any]:
    import_rows(ROWS)
    return compute(2020).as_json()


def row_of(sheet: Any, code: str) -> dict[str, Any]:
    header = [cell.value for cell in sheet[1]]
    for row in sheet.iter_rows(min_row=2):
        if row[0].value == code:
            return dict(zip(header, row, strict=False))
    raise AssertionError(f"{code} is not on {sheet.title}")


def test_the_workbook_has_a_sheet_per_section_with_the_figures_as_numbers(data: dict[str, Any]) -> None:
    book = load_workbook(io.BytesIO(files.xlsx(data)))

    assert book.sheetnames[:6] == [
        "Summary",
        "Sharing collections",
        "Sharing knowledge and skills",
        "Research",
        "Audiences and outreach",
        "Partners and resilience",
    ]
    assert book.sheetnames[-2:] == ["Trends", "Notes"]
    audience = row_of(book["Sharing collections"], "audience_uk")
    assert (audience["Value"].value, audience["Previous value"].value) == (1_300_000, 22_050_000)
    assert audience["Value"].number_format == "#,##0"
    assert audience["Change"].value == -20_750_000
    assert (audience["Change %"].value, audience["Change %"].number_format) == (pytest.approx(-0.941), "0.0%")
    assert (audience["Returns"].value, audience["Compared with"].value) == (2, "2019/20")
    assert "fell by 94% compared with 2019/20" in audience["Sentence"].value
    research = row_of(book["Research"], "research_projects")
    assert (research["Value"].value, research["Returns"].value) == (None, 0)
    assert research["Sentence"].value == "Research projects with partners was not reported."
    assert book["Research"]["A1"].font.bold
    assert book["Research"].freeze_panes == "A2"


def test_the_summary_says_a_draft_is_a_draft_and_gives_the_headlines(data: dict[str, Any]) -> None:
    summary = load_workbook(io.BytesIO(files.xlsx(data)))["Summary"]
    text = [cell.value for row in summary.iter_rows() for cell in row if cell.value]

    assert text[0] == "Museum Partnership Report 2020/21"
    assert any(str(line).startswith("DRAFT") for line in text)
    assert data["headlines"][0] in text
    assert ATTRIBUTION in text


def test_the_notes_give_every_indicators_definition_the_licence_and_the_attribution(data: dict[str, Any]) -> None:
    notes = load_workbook(io.BytesIO(files.xlsx(data)))["Notes"]

    definitions = {row[0].value: row[4].value for row in notes.iter_rows(min_row=2) if row[4].value}
    for indicator in Indicator.objects.for_year(2020):
        assert definitions[indicator.code] == indicator.definition
    text = [cell.value for row in notes.iter_rows() for cell in row if cell.value]
    assert f"The figures are published under the {LICENCE}." in text
    assert ATTRIBUTION in text


def test_the_trends_give_each_indicator_by_year(data: dict[str, Any]) -> None:
    trends = load_workbook(io.BytesIO(files.xlsx(data)))["Trends"]

    assert [cell.value for cell in trends[1]] == ["Code", "Indicator", "2017/18", "2019/20", "2020/21"]
    networks = row_of(trends, "formal_networks")
    assert [networks[year].value for year in ("2017/18", "2019/20", "2020/21")] == [348, None, 438]


def test_each_breakdown_is_a_table_of_its_rows_whatever_its_keys(data: dict[str, Any]) -> None:
    rows = [
        {"label": "Wales", "code": "W92000004", "loans": 1_203, "display_loans": 4, "returned": True},
        {"label": "Not recorded", "code": None, "loans": 0, "share": 0.25},
    ]
    book = load_workbook(io.BytesIO(files.xlsx(data | {"breakdowns": {"loans_by_nation": rows}})))

    sheet = book["Loans by nation"]
    assert [cell.value for cell in sheet[1]] == ["Label", "Code", "Loans", "Loans for display", "Returned", "Share"]
    assert [cell.value for cell in sheet[2]] == ["Wales", "W92000004", 1_203, 4, "Yes", None]
    assert sheet["C2"].number_format == "#,##0"
    assert [cell.value for cell in sheet[3]] == ["Not recorded", None, 0, None, None, 0.25]


def test_a_published_version_says_which_and_when(data: dict[str, Any]) -> None:
    published = data | {"status": "published", "version": 2, "published_at": "2022-03-12T09:30:00+00:00"}

    summary = load_workbook(io.BytesIO(files.xlsx(published)))["Summary"]

    assert "Published: version 2, 12 March 2022" in [cell.value for cell in summary["B"]]


def test_the_csv_is_one_row_per_indicator_in_the_long_format(data: dict[str, Any]) -> None:
    text = files.csv_text(data)
    rows = list(csv.DictReader(io.StringIO(text)))

    assert text.splitlines()[0] == (
        "year,indicator,name,unit,value,returns,compared_with,previous_value,change,change_percent,definition"
    )
    assert len(rows) == len(data["indicators"])
    networks = next(row for row in rows if row["indicator"] == "formal_networks")
    assert networks == {
        "year": "2020/21",
        "indicator": "formal_networks",
        "name": "Formal networks taken part in",
        "unit": "networks",
        "value": "438",
        "returns": "2",
        "compared_with": "2017/18",
        "previous_value": "348",
        "change": "90",
        "change_percent": "25.9",
        "definition": Indicator.objects.get(code="formal_networks").definition,
    }
    first_time = next(row for row in rows if row["indicator"] == "apprenticeships")
    assert (first_time["value"], first_time["compared_with"], first_time["change_percent"]) == ("66", "", "")
    not_reported = next(row for row in rows if row["indicator"] == "research_projects")
    assert (not_reported["value"], not_reported["returns"]) == ("", "0")


def test_the_json_round_trips_in_the_documented_order_whatever_order_it_is_kept_in(data: dict[str, Any]) -> None:
    text = files.json_text(data)
    # As a database that keeps JSON objects sorted hands them back (the breakdowns' keys are theirs).
    shuffled = json.loads(json.dumps(data | {"breakdowns": None}, sort_keys=True)) | {"breakdowns": data["breakdowns"]}

    assert json.loads(text) == data
    assert files.json_text(shuffled) == text
    assert list(json.loads(text)) == [key for key in files.KEYS if key in data]
    assert text.endswith("}\n")


def test_a_draft_has_the_keys_of_a_published_version(data: dict[str, Any]) -> None:
    draft = files.draft(2020)

    assert (draft["status"], draft["version"], draft["published_at"], draft["note"]) == ("draft", None, None, "")
    assert list(files.ordered(draft)) == list(files.KEYS)


def test_a_published_version_gives_back_its_frozen_workbook(data: dict[str, Any], analyst: User) -> None:
    # Imported into a year that was not open, the returns are locked and the year closed.
    year = ReportingYear.objects.get(year=2020)
    version = report_publish(year=year, actor=analyst)

    assert files.version_file(version, "xlsx") == bytes(version.xlsx)
    assert files.version_file(version, "pdf") == b"%PDF-1.7 published"
    assert json.loads(files.version_file(version, "json")) == version.data
    assert files.year_file(year, "csv")[1] == version


def test_an_unknown_format_is_refused(data: dict[str, Any]) -> None:
    with pytest.raises(ValueError, match="'docx' is not a format of the report"):
        files.render(data, "docx")


def test_a_year_with_nothing_reported_still_makes_every_file(analyst: User) -> None:
    year_create(actor=analyst, year=2030)
    data = files.draft(2030)

    assert load_workbook(io.BytesIO(files.xlsx(data))).sheetnames[0] == "Summary"
    assert files.csv_text(data).count("\n") == len(data["indicators"]) + 1

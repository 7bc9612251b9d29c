"""The return as a workbook to fill in offline, and reading an uploaded copy back."""

import io
from datetime import date
from decimal import Decimal
from typing import Any

import pytest
from openpyxl import Workbook, load_workbook

from museumshare.accounts.models import User
from museumshare.activities.models import Kind, PartnerRole
from museumshare.activities.services import PlaceSpec, activity_create
from museumshare.organisations.models import Organisation
from museumshare.returns import services, spreadsheet
from museumshare.returns.models import ReportingYear, Return
from museumshare.returns.spreadsheet import UploadRejected


@pytest.fixture
def gallery_return(analyst: User, alice: User, portrait_gallery: Organisation, laing: Organisation) -> Return:
    """The National Portrait Gallery's 2024/25 return, opened with three placements in the register."""
    year = services.year_create(actor=analyst, year=2024, deadline=date(2025, 6, 30), organisations=[portrait_gallery])
    activity_create(
        actor=alice,
        data={"title": "Placements at the Laing", "kind": Kind.PLACEMENT, "lead": portrait_gallery,
              "start_date": date(2024, 9, 1), "participants": 3},
        partners=[(laing, PartnerRole.HOST)],
        places=[PlaceSpec(organisation=laing)],
    )  # fmt: skip
    services.year_open(year=year, actor=analyst)
    return Return.objects.get(organisation=portrait_gallery, year=year)


def row_of(content: bytes, code: str) -> int:
    sheet = load_workbook(io.BytesIO(content))["Return"]
    return next(int(cell.row) for cell in sheet["A"] if cell.value == code)


def edit(content: bytes, cells: dict[str, Any], delete_rows: tuple[int, ...] = ()) -> bytes:
    """The workbook with `cells` changed, as a person would in Excel."""
    book = load_workbook(io.BytesIO(content))
    sheet = book["Return"]
    for ref, value in cells.items():
        sheet[ref] = value
    for number in sorted(delete_rows, reverse=True):
        sheet.delete_rows(number)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def rejected(return_: Return, content: bytes) -> list[str]:
    with pytest.raises(UploadRejected) as refused:
        spreadsheet.read(return_, content)
    return refused.value.problems


def test_reading_the_workbook_back_gives_the_returns_values(gallery_return: Return, alice: User) -> None:
    services.return_save(
        return_=gallery_return,
        actor=alice,
        entries={"placements": services.Entry(4, reason="One was not recorded.", note="Checked with HR.")},
    )
    content = spreadsheet.workbook(gallery_return)

    entries = spreadsheet.read(gallery_return, content)

    values = {v.indicator.code: v for v in gallery_return.values.select_related("indicator")}
    assert set(entries) == set(values)
    assert all(entries[code].value == values[code].value for code in values)
    assert entries["placements"] == services.Entry(value=4, reason="One was not recorded.", note="Checked with HR.")
    assert services.return_save(return_=gallery_return, actor=alice, entries=entries) == {}


def test_an_upload_is_saved_by_the_service_with_its_reasons(gallery_return: Return, alice: User) -> None:
    content = spreadsheet.workbook(gallery_return)
    placements = row_of(content, "placements")
    internships = row_of(content, "internships")
    content = edit(
        content,
        {
            f"E{placements}": 5,
            f"G{placements}": "Two from the archive.",
            f"E{internships}": "1,250",
            f"G{internships}": "Paid by the summer school.",
        },
    )

    services.return_save(return_=gallery_return, actor=alice, entries=spreadsheet.read(gallery_return, content))

    saved = gallery_return.values.get(indicator__code="placements")
    assert (saved.value, saved.derived, saved.reason, saved.source) == (
        Decimal(5),
        Decimal(3),
        "Two from the archive.",
        "entered",
    )
    assert gallery_return.values.get(indicator__code="internships").value == 1250


def test_it_names_the_cell_of_every_problem_at_once(gallery_return: Return) -> None:
    content = spreadsheet.workbook(gallery_return)
    loans = row_of(content, "display_loans")
    networks = row_of(content, "formal_networks")

    problems = rejected(gallery_return, edit(content, {f"E{loans}": "twelve", f"E{networks}": None}))

    assert problems == [
        f"E{loans}: Enter a number of loans, like 12.",
        f"E{networks}: Enter the formal networks taken part in, or 0 if there were none.",
    ]


def test_it_names_the_value_column_where_it_is_now(gallery_return: Return) -> None:
    book = load_workbook(io.BytesIO(spreadsheet.workbook(gallery_return)))
    book["Return"].insert_cols(1)
    out = io.BytesIO()
    book.save(out)
    content = out.getvalue()
    # The code is now in column B and the value in F.
    sheet = load_workbook(io.BytesIO(content))["Return"]
    number = next(cell.row for cell in sheet["B"] if cell.value == "display_loans")

    assert rejected(gallery_return, edit(content, {f"F{number}": -1})) == [f"F{number}: Enter 0 or more."]


def test_an_unknown_code_and_a_code_given_twice_are_named_by_their_cell(gallery_return: Return) -> None:
    content = spreadsheet.workbook(gallery_return)
    loans, objects, venues = (row_of(content, code) for code in ("display_loans", "display_objects", "display_venues"))

    problems = rejected(gallery_return, edit(content, {f"A{loans}": "display_loanz", f"A{venues}": "display_objects"}))

    assert problems == [
        f"A{loans}: 'display_loanz' is not an indicator of the 2024/25 return.",
        f"A{venues}: display_objects is already on row {objects}.",
        # Nor does any row now give the loans or the venues, which every return needs.
        f"A{loans}: The row for display_loans is missing: add it back, with its code. "
        "Enter the loans for display, or 0 if there were none.",
        f"A{venues}: The row for display_venues is missing: add it back, with its code. "
        "Enter the venues borrowing for display, or 0 if there were none.",
    ]


def test_a_value_unlike_the_registers_needs_a_reason(gallery_return: Return) -> None:
    content = spreadsheet.workbook(gallery_return)
    placements = row_of(content, "placements")

    problems = rejected(gallery_return, edit(content, {f"E{placements}": 4}))

    assert problems == [f"G{placements}: Say why the value differs from the register's (3 people)."]


def test_a_deleted_row_is_named_where_it_should_be(gallery_return: Return) -> None:
    content = spreadsheet.workbook(gallery_return)
    networks = row_of(content, "formal_networks")

    problems = rejected(gallery_return, edit(content, {}, delete_rows=(networks,)))

    assert problems == [
        f"A{networks}: The row for formal_networks is missing: add it back, with its code. "
        "Enter the formal networks taken part in, or 0 if there were none."
    ]


@pytest.mark.parametrize(
    ("content", "problem"),
    [
        (b"organisation,year\nNational Portrait Gallery,2024/25\n", "This file is not an Excel workbook (.xlsx)."),
        (b"", "This file is not an Excel workbook (.xlsx)."),
        (b"PK\x03\x04 not really a zip", "This file is not an Excel workbook (.xlsx)."),
    ],
)
def test_a_file_that_is_not_a_workbook_gets_one_clear_problem(
    gallery_return: Return, content: bytes, problem: str
) -> None:
    problems = rejected(gallery_return, content)

    assert len(problems) == 1
    assert problems[0].startswith(problem)


def test_a_workbook_without_the_return_sheet_or_its_header_is_refused(gallery_return: Return) -> None:
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.append(["Code", "Value"])
    out = io.BytesIO()
    book.save(out)

    assert rejected(gallery_return, out.getvalue()) == [
        "The workbook has no sheet called Return. Upload the return's spreadsheet, with its sheets as they were."
    ]
    sheet.title = "Return"
    out = io.BytesIO()
    book.save(out)
    assert rejected(gallery_return, out.getvalue())[0].startswith("Row 1: The Return sheet has no column headed")


def test_another_returns_workbook_is_refused(
    gallery_return: Return, analyst: User, portrait_gallery: Organisation
) -> None:
    earlier = services.year_create(actor=analyst, year=2023, organisations=[portrait_gallery])
    services.year_open(year=earlier, actor=analyst)
    last_years = spreadsheet.workbook(Return.objects.get(year=earlier))

    assert rejected(gallery_return, last_years) == [
        "This spreadsheet is for another return (national-portrait-gallery, 2023/24), "
        "not National Portrait Gallery's for 2024/25."
    ]


def test_the_workbook_is_laid_out_to_be_filled_in(gallery_return: Return) -> None:
    book = load_workbook(io.BytesIO(spreadsheet.workbook(gallery_return)))
    sheet = book["Return"]
    placements = row_of(spreadsheet.workbook(gallery_return), "placements")

    assert [cell.value for cell in sheet[1]] == [
        "Code", "Section", "Indicator", "Unit", "Value", "Register's value", "Reason", "Note", "Definition"
    ]  # fmt: skip
    assert [cell.value for cell in sheet[placements]][:6] == [
        "placements", "Sharing knowledge and skills", "Staff placements hosted or sent", "people", 3, 3
    ]  # fmt: skip
    assert sheet.max_row == 1 + gallery_return.values.count()
    assert sheet.freeze_panes == "D2"
    assert sheet.protection.sheet
    assert not sheet[f"E{placements}"].protection.locked
    assert sheet[f"A{placements}"].protection.locked
    (validation,) = sheet.data_validations.dataValidation
    assert (validation.type, validation.operator, validation.formula1) == ("whole", "greaterThanOrEqual", "0")
    assert f"E{placements}" in str(validation.sqref)
    assert validation.prompt == "Enter a whole number of 0 or more; 0 if there were none."
    assert all(sheet.column_dimensions[letter].width >= 12 for letter in "ABCDEFGHI")
    instructions = " ".join(str(cell.value or "") for cell in book["Instructions"]["A"])
    assert "The return is due by 30 June 2025." in instructions
    assert "If there were none, enter 0" in instructions
    assert "needed when your value is not the register's value" in instructions


def test_the_file_is_named_for_the_organisation_and_the_year(gallery_return: Return) -> None:
    assert spreadsheet.filename(gallery_return) == "museumshare-return-national-portrait-gallery-2024-25.xlsx"


def test_an_empty_reporting_year_still_gives_a_workbook(portrait_gallery: Organisation) -> None:
    year = ReportingYear.objects.create(year=2019)
    return_ = Return.objects.create(organisation=portrait_gallery, year=year)

    assert spreadsheet.read(return_, spreadsheet.workbook(return_)) == {}

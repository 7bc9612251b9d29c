"""End-to-end journeys through a return, in Chromium.

alice completes the National Portrait Gallery's 2024/25 return from the register's figures, the
analyst sends it back and then approves it; bob never sees it; a spreadsheet with mistakes is
refused cell by cell. Every page visited is checked with axe-core.
"""

import io
import re
from collections.abc import Callable
from datetime import date
from pathlib import Path

import pytest
from openpyxl import load_workbook
from openpyxl.utils import get_column_letter
from playwright.sync_api import Page, expect
from pytest_playwright.pytest_playwright import CreateContextCallback

from museumshare.accounts.models import User
from museumshare.activities.models import Kind, PartnerRole
from museumshare.activities.services import PlaceSpec, activity_create
from museumshare.conftest import sign_in
from museumshare.organisations.models import Organisation
from museumshare.returns import services, spreadsheet
from museumshare.returns.models import Return, ReturnStatus

pytestmark = pytest.mark.browser

AssertAccessible = Callable[[Page], None]
PLACEMENTS = "Staff placements hosted or sent"


@pytest.fixture
def gallery_return(alice: User, analyst: User, portrait_gallery: Organisation, laing: Organisation) -> Return:
    """2024/25 open for returns, with three placements at the Laing in the register."""
    activity_create(
        actor=alice,
        data={
            "title": "Placements in collections care",
            "kind": Kind.PLACEMENT,
            "lead": portrait_gallery,
            "start_date": date(2024, 9, 2),
            "end_date": date(2024, 11, 29),
            "participants": 3,
        },
        partners=[(laing, PartnerRole.HOST)],
        places=[PlaceSpec(organisation=laing)],
    )
    year = services.year_create(actor=analyst, year=2024, deadline=date(2025, 6, 30))
    services.year_open(year=year, actor=analyst)
    return Return.objects.get(year=year, organisation=portrait_gallery)


def expect_success(page: Page) -> None:
    expect(page.locator(".message--success")).to_be_visible()


def test_alice_submits_her_return_the_analyst_sends_it_back_and_approves_it_after_her_fix(
    new_context: CreateContextCallback,
    assert_accessible: AssertAccessible,
    gallery_return: Return,
    alice: User,
    analyst: User,
) -> None:
    alices = new_context().new_page()
    sign_in(alices, alice)
    alices.get_by_role("link", name="Returns", exact=True).click()
    expect(alices.get_by_role("heading", level=1)).to_have_text("Returns")
    assert_accessible(alices)
    alices.get_by_role("link", name="National Portrait Gallery 2024/25").click()
    expect(alices.get_by_role("heading", level=1)).to_contain_text("2024/25 return")
    expect(alices.get_by_role("row", name=re.compile(PLACEMENTS))).to_contain_text("3")
    assert_accessible(alices)

    alices.get_by_role("link", name="Complete the return").click()
    expect(alices.get_by_role("heading", level=1)).to_contain_text("Complete the 2024/25 return")
    assert_accessible(alices)
    alices.get_by_label(PLACEMENTS).fill("4")
    alices.get_by_role("button", name="Save as draft").click()
    expect(alices.locator(".error-summary")).to_contain_text("Say why")
    assert_accessible(alices)
    alices.get_by_label(PLACEMENTS).fill("4")
    alices.locator("#id_placements-reason").fill("A fourth placement was arranged by email and never recorded.")
    alices.get_by_role("button", name="Save as draft").click()
    expect_success(alices)
    alices.get_by_role("link", name="Check and submit").click()
    expect(alices.get_by_role("heading", level=1)).to_contain_text("Check your return")
    assert_accessible(alices)
    alices.get_by_role("button", name="Submit the return").click()
    expect_success(alices)
    assert Return.objects.get(pk=gallery_return.pk).status == ReturnStatus.SUBMITTED

    analysts = new_context().new_page()
    sign_in(analysts, analyst)
    analysts.goto(gallery_return.get_absolute_url())
    analysts.get_by_role("link", name="Review", exact=True).click()
    expect(analysts.get_by_text("A fourth placement was arranged by email").first).to_be_visible()
    assert_accessible(analysts)
    analysts.get_by_role("button", name="Return for changes").click()
    expect(analysts.locator(".error-summary")).to_be_visible()
    assert_accessible(analysts)
    analysts.get_by_label("What the organisation should change").fill("Record the fourth placement in the register.")
    analysts.get_by_role("button", name="Return for changes").click()
    expect_success(analysts)

    alices.goto(gallery_return.get_absolute_url())
    expect(alices.get_by_text("Record the fourth placement in the register.").first).to_be_visible()
    assert_accessible(alices)
    alices.get_by_role("link", name="Complete the return").click()
    alices.get_by_label(PLACEMENTS).fill("3")
    alices.locator("#id_placements-reason").fill("")
    alices.get_by_role("button", name="Save as draft").click()
    expect_success(alices)
    alices.get_by_role("link", name="Check and submit").click()
    alices.get_by_role("button", name="Submit the return").click()
    expect_success(alices)

    analysts.goto(gallery_return.get_absolute_url())
    analysts.get_by_role("link", name="Review", exact=True).click()
    analysts.get_by_role("button", name="Approve the return").click()
    expect_success(analysts)
    assert_accessible(analysts)
    statuses = list(gallery_return.events.values_list("status", flat=True))
    assert statuses == ["draft", "submitted", "returned", "submitted", "approved"]
    assert gallery_return.values.get(indicator__code="placements").value == 3


def test_bob_sees_no_return_of_alices_museum(
    new_context: CreateContextCallback, assert_accessible: AssertAccessible, gallery_return: Return, bob: User
) -> None:
    page = new_context().new_page()
    sign_in(page, bob)
    page.goto("/returns/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Returns")
    expect(page.get_by_role("link", name=re.compile("National Portrait Gallery"))).to_have_count(0)
    assert_accessible(page)
    page.goto(gallery_return.get_absolute_url())
    expect(page.get_by_role("heading", level=1)).to_have_text("Page not found")
    assert_accessible(page)


def test_a_spreadsheet_with_text_in_a_number_and_a_missing_figure_is_refused_cell_by_cell(
    new_context: CreateContextCallback,
    assert_accessible: AssertAccessible,
    gallery_return: Return,
    alice: User,
    tmp_path: Path,
) -> None:
    workbook = load_workbook(io.BytesIO(spreadsheet.workbook(gallery_return)))
    sheet = workbook["Return"]
    header = [cell.value for cell in sheet[1]]
    value_column = header.index("Value") + 1
    rows = {sheet.cell(row=n, column=1).value: n for n in range(2, sheet.max_row + 1)}
    sheet.cell(row=rows["placements"], column=value_column).value = "three"
    sheet.cell(row=rows["formal_networks"], column=value_column).value = None
    letter = get_column_letter(value_column)
    upload = tmp_path / "return.xlsx"
    workbook.save(upload)
    before = list(gallery_return.values.values_list("indicator__code", "value"))

    page = new_context().new_page()
    sign_in(page, alice)
    page.goto(gallery_return.get_absolute_url())
    page.get_by_role("link", name="Upload a spreadsheet").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Upload a spreadsheet")
    assert_accessible(page)
    page.get_by_label("The spreadsheet").set_input_files(upload)
    page.get_by_role("button", name="Upload the spreadsheet").click()

    problems = page.locator(".error-summary")
    expect(problems).to_contain_text(f"{letter}{rows['placements']}:")
    expect(problems).to_contain_text(f"{letter}{rows['formal_networks']}:")
    assert_accessible(page)
    assert list(gallery_return.values.values_list("indicator__code", "value")) == before

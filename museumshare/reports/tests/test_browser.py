"""The analyst publishes the 2020/21 report in Chromium, and the public reads the frozen report.

The returns' totals are the published figures of PRODUCT.md (see test_compute.py). Every page is
checked with axe-core.
"""

import io
import re
from collections.abc import Callable

import pytest
from openpyxl import load_workbook
from playwright.sync_api import Page, expect
from pytest_playwright.pytest_playwright import CreateContextCallback

from museumshare.accounts.models import User
from museumshare.conftest import sign_in
from museumshare.organisations.models import Organisation
from museumshare.returns.models import ReturnValue

pytestmark = pytest.mark.browser

AssertAccessible = Callable[[Page], None]
FELL = "fell by 94% compared with 2019/20"


def test_the_analyst_checks_the_draft_publishes_it_and_a_later_edit_does_not_change_it(
    new_context: CreateContextCallback,
    assert_accessible: AssertAccessible,
    published_figures: tuple[Organisation, Organisation],
    analyst: User,
) -> None:
    page = new_context().new_page()
    sign_in(page, analyst)
    page.goto("/reports/2020-21/")
    expect(page.get_by_role("heading", level=1)).to_contain_text("Draft")
    expect(page.get_by_text(FELL).first).to_be_visible()
    assert_accessible(page)

    # The PDF opens in the browser (inline); fetch it as the link would, signed in.
    pdf = page.request.get(page.get_by_role("link", name=re.compile("^PDF")).get_attribute("href") or "")
    assert pdf.headers["content-type"] == "application/pdf"
    assert pdf.body().startswith(b"%PDF")
    with page.expect_download() as xlsx:
        page.get_by_role("link", name=re.compile("^XLSX")).click()
    workbook = load_workbook(io.BytesIO(xlsx.value.path().read_bytes()))
    numbers = [c.value for sheet in workbook for row in sheet.iter_rows() for c in row if c.value == 1_300_000]
    assert numbers  # the audience figure is a number, not text

    page.get_by_role("link", name="Publish the report").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Publish the Museum Partnership Report")
    assert_accessible(page)
    page.get_by_role("button", name="Publish the report").click()
    expect(page.locator(".message--success")).to_be_visible()
    expect(page.get_by_text("Published on").first).to_be_visible()
    assert_accessible(page)

    reader = new_context().new_page()
    reader.goto("/reports/2020-21/")
    expect(reader.get_by_role("heading", level=1)).not_to_contain_text("Draft")
    expect(reader.get_by_text(FELL).first).to_be_visible()
    assert_accessible(reader)

    ReturnValue.objects.filter(indicator__code="audience_uk", annual_return__year__year=2020).update(value=2_000_000)
    reader.reload()
    expect(reader.get_by_text(FELL).first).to_be_visible()
    assert "1.3 million" in reader.content()

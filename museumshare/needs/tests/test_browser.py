"""The journey of a need, end to end in Chromium.

bob, an editor at the Laing Art Gallery, posts a need to borrow 18th-century portraits for a 2027
exhibition; museumshare suggests alice's National Portrait Gallery first, with its reasons; bob
writes to it, and its Head of Partnerships gets the email; once the loan is requested bob links it
and the need shows as met; the analyst's figures count it. On the map, charlie turns on the unmet
needs and finds bob's public need, never alice's private one. bob withdraws a need and, when the
exhibition is back on, reopens it. Every page visited is checked with axe.
"""

import os
import re
from collections.abc import Callable

import pytest
from django.core import mail
from playwright.sync_api import Page, expect
from pytest_playwright.pytest_playwright import CreateContextCallback

from museumshare.accounts.models import User
from museumshare.conftest import sign_in
from museumshare.loans.models import Loan
from museumshare.needs.models import Need, NeedStatus, Offer, Visibility
from museumshare.needs.tests.conftest import HEAD_OF_PARTNERSHIPS, PORTRAITS_NEED, post_need
from museumshare.organisations.models import Contact, Organisation

pytestmark = pytest.mark.browser

AssertAccessible = Callable[[Page], None]


def test_bob_posts_a_need_writes_to_the_gallery_suggested_first_and_links_the_loan_that_met_it(
    new_context: CreateContextCallback,
    assert_accessible: AssertAccessible,
    offer: Offer,
    head_of_partnerships: Contact,
    portrait_loan: Loan,
    portrait_gallery: Organisation,
    bob: User,
    analyst: User,
) -> None:
    bobs = new_context().new_page()
    sign_in(bobs, bob)

    bobs.get_by_role("link", name="Needs and offers").click()
    expect(bobs.get_by_role("heading", level=1)).to_contain_text("Needs and offers")
    assert_accessible(bobs)
    bobs.get_by_role("link", name="Post a need", exact=True).click()
    expect(bobs.get_by_role("heading", level=1)).to_have_text("Post a need")
    assert_accessible(bobs)
    bobs.get_by_role("button", name="Post the need").click()
    expect(bobs.locator(".error-summary")).to_be_visible()
    expect(bobs.locator(".error-summary")).to_contain_text("Choose what kind of help it is.")
    assert_accessible(bobs)
    bobs.get_by_label("What kind of help").select_option(label="Loans of objects")
    bobs.get_by_label("Title").fill(PORTRAITS_NEED)
    bobs.get_by_label("Description").fill("Portraits of Georgian Tyneside sitters, for our 2027 exhibition.")
    bobs.get_by_label("Subjects").select_option(label="Arts: Fine and decorative arts")
    bobs.get_by_label("Needed from").fill("2027-03-01")
    bobs.get_by_label("Needed until").fill("2027-09-30")
    bobs.get_by_role("button", name="Post the need").click()

    expect(bobs.get_by_role("heading", level=1)).to_contain_text(PORTRAITS_NEED)
    expect(bobs.locator(".message--success")).to_be_visible()
    assert_accessible(bobs)
    need = Need.objects.get()
    first = bobs.locator(".suggestion").first
    expect(first.get_by_role("heading")).to_contain_text(portrait_gallery.name)
    expect(first).to_contain_text(f"Offers loans on Arts: Fine and decorative arts: ‘{offer.title}’")
    expect(first).to_contain_text("Its collection is about Arts: Fine and decorative arts")

    first.get_by_role("link", name=f"Write to {portrait_gallery.name}").click()
    expect(bobs.get_by_role("heading", level=1)).to_contain_text("Start a conversation")
    assert_accessible(bobs)
    expect(bobs.get_by_label("Write to")).to_have_value(str(portrait_gallery.pk))
    bobs.get_by_label("Your message").fill("Could we borrow three Georgian portraits for spring 2027?")
    bobs.get_by_role("button", name="Send the message").click()
    expect(bobs.locator(".message--success")).to_contain_text(f"Your message is sent to {portrait_gallery.name}")
    expect(bobs.locator(".tags")).to_contain_text("In conversation")
    assert_accessible(bobs)
    [email] = mail.outbox
    assert email.to == [HEAD_OF_PARTNERSHIPS]
    assert "three Georgian portraits" in email.body

    # Later: the loan is requested, and bob links it.
    bobs.get_by_role("link", name="Mark as met").click()
    expect(bobs.get_by_role("heading", level=1)).to_contain_text("Mark the need as met")
    assert_accessible(bobs)
    bobs.get_by_label("The loan that met it").select_option(value=str(portrait_loan.pk))
    bobs.get_by_role("button", name="Mark as met").click()
    expect(bobs.locator(".tags")).to_contain_text("Met")
    expect(bobs.get_by_role("link", name=re.compile(portrait_loan.reference))).to_be_visible()
    assert_accessible(bobs)
    need.refresh_from_db()
    assert need.status == NeedStatus.MET
    assert need.met_loan == portrait_loan

    analysts = new_context().new_page()
    sign_in(analysts, analyst)
    analysts.goto("/needs/figures/")
    row = analysts.get_by_role("row", name=re.compile("Loans of objects"))
    expect(row.get_by_role("cell").nth(1)).to_have_text("1")
    expect(analysts.locator("svg.chart")).to_be_visible()
    assert_accessible(analysts)
    analysts.goto("/needs/?show=met")
    expect(analysts.get_by_role("link", name=PORTRAITS_NEED)).to_be_visible()
    assert_accessible(analysts)


def test_charlie_turns_on_the_unmet_needs_on_the_map_and_follows_one_to_the_board(
    new_context: CreateContextCallback,
    assert_accessible: AssertAccessible,
    need: Need,
    alice: User,
    charlie: User,
    portrait_gallery: Organisation,
) -> None:
    post_need(alice, portrait_gallery, title="Private storage", visibility=Visibility.PRIVATE)
    page = new_context(viewport={"width": 1280, "height": 1000}).new_page()
    sign_in(page, charlie)

    page.goto("/map/")
    expect(page.locator("#atlas-map")).to_have_attribute("data-ready", "true", timeout=30_000)
    toggle = page.get_by_role("checkbox", name="Show unmet needs")
    expect(toggle).not_to_be_checked()
    expect(page.locator(".atlas-need")).to_have_count(0)

    toggle.check()
    badge = page.get_by_role("button", name="1 open need in North East")
    expect(badge).to_be_visible()
    # Only the public need: alice's private one in London is not on the map for charlie.
    expect(page.locator(".atlas-need")).to_have_count(1)
    expect(page.get_by_role("checkbox", name="Unmet needs", exact=True)).to_be_checked()
    expect(page.locator("#atlas-legend-needs")).to_be_visible()
    assert "needs=on" in page.url
    assert_accessible(page)
    if os.environ.get("MAP_SCREENSHOT"):
        page.locator("#atlas-map-wrap").screenshot(path=os.environ["MAP_SCREENSHOT"])

    badge.click()
    popup = page.locator(".leaflet-popup")
    expect(popup).to_contain_text("North East")
    expect(popup).to_contain_text("1 open need that you can see")
    assert_accessible(page)

    # The state is in the address: the page opened again shows the needs at once.
    page.reload()
    expect(page.locator("#atlas-map")).to_have_attribute("data-ready", "true", timeout=30_000)
    expect(page.get_by_role("checkbox", name="Show unmet needs")).to_be_checked()
    expect(page.locator(".atlas-need")).to_have_count(1)
    page.get_by_role("button", name="1 open need in North East").press("Enter")
    page.locator(".leaflet-popup").get_by_role("link", name="See them on the needs board").click()
    expect(page).to_have_url(re.compile(r"/needs/\?region=E12000001$"))
    expect(page.get_by_role("link", name=PORTRAITS_NEED)).to_be_visible()
    expect(page.get_by_text("Private storage")).to_have_count(0)
    assert_accessible(page)

    page.go_back()
    expect(page.locator("#atlas-map")).to_have_attribute("data-ready", "true", timeout=30_000)
    page.get_by_role("checkbox", name="Unmet needs", exact=True).uncheck()
    expect(page.locator(".atlas-need")).to_have_count(0)
    expect(page.get_by_role("checkbox", name="Show unmet needs")).not_to_be_checked()
    assert "needs=on" not in page.url


def test_bob_withdraws_his_need_finds_it_among_the_withdrawn_and_reopens_it(
    new_context: CreateContextCallback, assert_accessible: AssertAccessible, need: Need, bob: User
) -> None:
    bobs = new_context().new_page()
    sign_in(bobs, bob)
    bobs.goto(need.get_absolute_url())
    bobs.get_by_role("link", name="Withdraw it").click()
    expect(bobs.get_by_role("heading", level=1)).to_contain_text("Withdraw the need")
    assert_accessible(bobs)
    bobs.get_by_label("Why (optional)").fill("The exhibition is postponed.")
    bobs.get_by_role("button", name="Withdraw the need").click()
    expect(bobs.locator(".message--success")).to_contain_text("is withdrawn")
    expect(bobs.locator(".tags")).to_contain_text("Withdrawn")
    assert_accessible(bobs)

    bobs.goto("/needs/")
    expect(bobs.get_by_role("link", name=PORTRAITS_NEED)).to_have_count(0)
    bobs.goto("/needs/?show=withdrawn")
    bobs.get_by_role("link", name=PORTRAITS_NEED).click()

    # The exhibition is back on: bob reopens the need, and it is on the board again.
    bobs.get_by_role("link", name="Reopen it").click()
    expect(bobs.get_by_role("heading", level=1)).to_contain_text("Reopen the need")
    assert_accessible(bobs)
    bobs.get_by_label("Why (optional)").fill("The exhibition is back on for 2027.")
    bobs.get_by_role("button", name="Reopen the need").click()
    expect(bobs.locator(".message--success")).to_contain_text("is open again: it is back on the board")
    expect(bobs.locator(".tags")).to_contain_text("Open")
    expect(bobs.get_by_text("The exhibition is back on for 2027.")).to_be_visible()  # in its history
    assert_accessible(bobs)
    bobs.goto("/needs/")
    expect(bobs.get_by_role("link", name=PORTRAITS_NEED)).to_be_visible()
    assert Need.objects.get(pk=need.pk).status == NeedStatus.OPEN

"""End-to-end journeys through a skills-sharing programme, in Chromium.

bob, an editor at the Laing Art Gallery, finds a paid internship at alice's National Portrait
Gallery on the board and applies; alice shortlists him and offers a place; bob accepts and
evaluates it, and the programme's dashboard and the register show it. Each person signs in in a
browser context of their own, and every page visited is checked with axe-core.
"""

import re
from collections.abc import Callable
from datetime import date, timedelta

import pytest
from playwright.sync_api import Page, expect
from pytest_playwright.pytest_playwright import CreateContextCallback

from museumshare.accounts.models import User
from museumshare.activities.models import Activity, Kind
from museumshare.conftest import sign_in
from museumshare.organisations.models import Organisation
from museumshare.programmes import services
from museumshare.programmes.models import ApplicationStatus, Opportunity, Programme
from museumshare.programmes.tests.conftest import INTERNSHIP, open_opportunity

pytestmark = pytest.mark.browser

AssertAccessible = Callable[[Page], None]
STATEMENT = "I look after the Laing's portrait collection and want to learn how the Gallery interprets its own."


def test_bob_applies_for_a_paid_internship_alice_offers_him_a_place_and_his_evaluation_reaches_the_dashboard(
    new_context: CreateContextCallback,
    assert_accessible: AssertAccessible,
    internship: Opportunity,
    programme: Programme,
    portrait_gallery: Organisation,
    laing: Organisation,
    alice: User,
    bob: User,
) -> None:
    # A seminar at the Gallery, which bob's search for paid internships must leave out.
    open_opportunity(programme, portrait_gallery, alice, title="Seminar on frames", kind="seminar", paid=False, pay="")
    bobs = new_context().new_page()
    sign_in(bobs, bob)

    bobs.get_by_role("link", name="Opportunities").click()
    expect(bobs.get_by_role("heading", level=1)).to_contain_text("Opportunities")
    assert_accessible(bobs)
    bobs.get_by_label("Kind").select_option(label="Paid internship")
    bobs.get_by_label("Paid only").check()
    bobs.get_by_role("button", name=re.compile("Apply filters|Search|Show")).first.click()
    expect(bobs.get_by_role("link", name=INTERNSHIP)).to_be_visible()
    expect(bobs.get_by_role("link", name="Seminar on frames")).to_have_count(0)
    bobs.get_by_role("link", name=INTERNSHIP).click()
    expect(bobs.get_by_role("heading", level=1)).to_contain_text(INTERNSHIP)
    assert_accessible(bobs)

    bobs.get_by_role("link", name=f"Apply for {INTERNSHIP}").click()
    expect(bobs.get_by_role("heading", level=1)).to_contain_text(f"Apply for {INTERNSHIP}")
    assert_accessible(bobs)
    bobs.get_by_role("button", name="Continue").click()
    expect(bobs.locator(".error-summary")).to_be_visible()
    assert_accessible(bobs)
    bobs.get_by_label(re.compile("organisation", re.I)).select_option(label="Laing Art Gallery")
    bobs.get_by_label(re.compile("statement|why", re.I)).fill(STATEMENT)
    bobs.get_by_role("button", name="Continue").click()
    expect(bobs.get_by_role("heading", level=1)).to_contain_text("Check your answers")
    assert_accessible(bobs)
    assert not internship.applications.exists()
    bobs.get_by_role("button", name="Send application").click()
    expect(bobs.get_by_role("heading", level=1)).to_contain_text("Your application")
    expect(bobs.get_by_text(STATEMENT)).to_be_visible()
    assert_accessible(bobs)
    application = internship.applications.get()
    assert application.applicant == bob
    assert application.organisation == laing

    alices = new_context().new_page()
    sign_in(alices, alice)
    alices.goto(internship.get_absolute_url())
    alices.get_by_role("link", name="Review the applications").click()
    expect(alices.get_by_text(STATEMENT)).to_be_attached()
    assert_accessible(alices)
    alices.get_by_role("button", name=re.compile("^Shortlist")).click()
    expect(alices.locator(".message--success")).to_be_visible()
    assert_accessible(alices)
    alices.get_by_role("button", name=re.compile("^Offer a place")).click()
    expect(alices.locator(".message--success")).to_be_visible()
    application.refresh_from_db()
    assert application.status == ApplicationStatus.OFFERED

    bobs.goto("/applications/")
    assert_accessible(bobs)
    expect(bobs.get_by_text("Offered a place").first).to_be_visible()
    bobs.goto(application.get_absolute_url())
    expect(bobs.get_by_text("Shortlisted").first).to_be_visible()
    bobs.get_by_role("button", name="Accept the place").click()
    expect(bobs.locator(".message--success")).to_be_visible()
    assert_accessible(bobs)
    participation = internship.participations.get()

    bobs.goto(participation.get_absolute_url())
    assert_accessible(bobs)
    bobs.get_by_label("What skills did you gain?").fill("Writing labels for families; testing them with visitors.")
    bobs.get_by_role("group", name=re.compile("before you started")).get_by_label("2", exact=True).check()
    bobs.get_by_role("group", name=re.compile("confident are you in them now")).get_by_label("5", exact=True).check()
    bobs.get_by_role("group", name=re.compile("recommend")).get_by_label("Yes").check()
    bobs.get_by_role("button", name="Save your evaluation").click()
    expect(bobs.locator(".message--success")).to_be_visible()
    assert_accessible(bobs)

    alices.goto(f"/programmes/{programme.slug}/dashboard/")
    expect(alices.get_by_role("heading", level=1)).to_contain_text("Dashboard")
    expect(alices.get_by_role("link", name="Bob Bell")).to_be_visible()
    expect(alices.get_by_text("North East").first).to_be_visible()
    assert_accessible(alices)

    activity = Activity.objects.get(external_ref=f"opportunity:{internship.pk}")
    assert activity.kind == Kind.INTERNSHIP
    alices.goto(activity.get_absolute_url())
    expect(alices.get_by_role("heading", level=1)).to_contain_text(INTERNSHIP)
    expect(alices.get_by_text("Laing Art Gallery").first).to_be_visible()
    assert_accessible(alices)


def test_charlie_cannot_read_an_applicants_statement(
    new_context: CreateContextCallback,
    assert_accessible: AssertAccessible,
    internship: Opportunity,
    bob: User,
    laing: Organisation,
    charlie: User,
) -> None:
    application = services.application_submit(
        opportunity=internship, actor=bob, organisation=laing, statement=STATEMENT, notify=False
    )
    page = new_context().new_page()
    sign_in(page, charlie)

    page.goto(application.get_absolute_url())
    expect(page.get_by_role("heading", level=1)).to_contain_text("Page not found")
    assert_accessible(page)
    page.goto(f"/opportunities/{internship.pk}/applications/")
    expect(page.get_by_role("heading", level=1)).to_contain_text("You cannot do that")
    assert_accessible(page)
    page.goto(internship.get_absolute_url())
    expect(page.get_by_role("link", name="Review the applications")).to_have_count(0)
    assert STATEMENT not in page.content()


def test_a_closed_opportunity_refuses_new_applications_with_a_clear_message(
    new_context: CreateContextCallback,
    assert_accessible: AssertAccessible,
    programme: Programme,
    portrait_gallery: Organisation,
    alice: User,
    bob: User,
) -> None:
    closed = open_opportunity(
        programme, portrait_gallery, alice, title="Placement that has closed", kind="placement", paid=False, pay=""
    )
    Opportunity.objects.filter(pk=closed.pk).update(closing_date=date.today() - timedelta(days=3))
    message = f"Applications closed on {date.today() - timedelta(days=3):%-d %B %Y}"
    page = new_context().new_page()
    sign_in(page, bob)

    page.goto(closed.get_absolute_url())
    expect(page.get_by_text(message)).to_be_visible()
    expect(page.get_by_role("link", name=re.compile("^Apply"))).to_have_count(0)
    assert_accessible(page)
    page.goto(f"/opportunities/{closed.pk}/apply/")
    expect(page.get_by_text(message)).to_be_visible()
    assert_accessible(page)
    assert not closed.applications.exists()

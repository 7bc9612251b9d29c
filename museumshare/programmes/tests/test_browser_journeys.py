"""End-to-end journeys through the rest of a skills-sharing programme, in Chromium.

alice, an editor at the National Portrait Gallery, starts a programme and manages its members,
offers opportunities, evaluates a participant, pairs a mentor with a mentee, runs a partnership
leads' meeting and keeps the knowledge-exchange library; bob, an editor at the Laing Art Gallery,
shares his story, withdraws an application and does the action he was given; charlie, who works
at neither, is kept out of what is not his; an analyst reads a dashboard and downloads its
participants. Each person signs in in a browser context of their own, and every page visited is
checked with axe-core.
"""

import csv
import re
from collections.abc import Callable
from datetime import date, datetime, time, timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import Locator, Page, expect
from pytest_playwright.pytest_playwright import CreateContextCallback

from museumshare.accounts.models import User
from museumshare.conftest import sign_in
from museumshare.organisations.forms import organisation_label
from museumshare.organisations.models import Organisation
from museumshare.programmes import services
from museumshare.programmes.models import (
    ApplicationStatus,
    Event,
    MentoringPair,
    Opportunity,
    Participation,
    Programme,
    Resource,
)
from museumshare.programmes.tests.conftest import INTERNSHIP, open_opportunity

pytestmark = pytest.mark.browser

AssertAccessible = Callable[[Page], None]
STATEMENT = "I look after the Laing's portrait collection and want to learn how the Gallery interprets its own."


def choose_organisation(page: Page, box: Locator, typed: str, organisation: Organisation) -> None:
    """Type part of a name into a type-ahead box, then take the suggestion for `organisation`."""
    box.press_sequentially(typed)
    label = organisation_label(organisation)
    # htmx fills the page's one datalist with the lookup's suggestions.
    expect(page.locator(f'#organisation-options option[value="{label}"]')).to_have_count(1)
    box.fill(label)


def expect_success(page: Page, text: str | re.Pattern[str]) -> None:
    expect(page.locator(".message--success")).to_contain_text(text)


@pytest.fixture
def participation(internship: Opportunity, alice: User, bob: User, laing: Organisation) -> Participation:
    """bob applied for the internship, alice offered him the place and he accepted it."""
    application = services.application_submit(
        opportunity=internship, actor=bob, organisation=laing, statement=STATEMENT, notify=False
    )
    services.application_move(application=application, actor=alice, to=ApplicationStatus.OFFERED)
    services.application_move(application=application, actor=bob, to=ApplicationStatus.ACCEPTED)
    return internship.participations.get()


# Programmes and their members


def test_alice_starts_a_programme_adds_and_retires_members_and_a_visitor_sees_its_public_page(
    new_context: CreateContextCallback,
    assert_accessible: AssertAccessible,
    alice: User,
    portrait_gallery: Organisation,
    laing: Organisation,
    register: dict[str, Organisation],
) -> None:
    boathouse = register["mm.wiki.435"]
    page = new_context().new_page()
    sign_in(page, alice)

    page.get_by_role("navigation", name="Main").get_by_role("link", name="Programmes").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Programmes")
    assert_accessible(page)
    page.get_by_role("link", name="Start a programme").first.click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Start a programme")
    assert_accessible(page)
    page.get_by_role("button", name="Start the programme").click()
    summary = page.get_by_role("alert")
    expect(summary).to_contain_text("There is a problem")
    expect(page).to_have_title(re.compile(r"^Error: Start a programme"))
    assert_accessible(page)
    page.get_by_label("Name", exact=True).fill("Portraits of Wales and the North")
    page.get_by_label("Lead organisation").select_option(label=portrait_gallery.name)
    page.get_by_label("Summary").fill("Three museums sharing how they research and display portraits.")
    page.get_by_label(re.compile("^Theme")).fill("Who gets painted?")
    page.get_by_label("Start date").fill("2024-04-01")
    page.get_by_role("button", name="Start the programme").click()

    expect(page.get_by_role("heading", level=1)).to_contain_text("Members")
    expect_success(page, "Now add its members")
    assert_accessible(page)
    programme = Programme.objects.get(name="Portraits of Wales and the North")
    assert programme.lead == portrait_gallery

    for organisation, typed, joined in ((laing, "Laing", "2024-05-01"), (boathouse, "Dylan Thomas", "2024-06-01")):
        add = page.get_by_role("region", name="Add a member")
        choose_organisation(page, add.get_by_label("Organisation", exact=True), typed, organisation)
        add.get_by_label("Role").select_option(label="Partner")
        add.get_by_label("Date it joined").fill(joined)
        add.get_by_role("button", name="Add the member").click()
        expect_success(page, f"{organisation} is now a member")
        assert_accessible(page)

    # The Boathouse leaves: first a date before it joined, which is refused.
    left = page.get_by_label(f"Date {boathouse.name} left")
    left.fill("2024-01-31")
    page.get_by_role("button", name=re.compile(f"^Record that it left.*{boathouse.name}")).click()
    summary = page.get_by_role("alert")
    expect(summary.get_by_role("link")).to_have_text("Enter a date on or after the day it joined, 1 June 2024.")
    expect(page).to_have_title(re.compile(r"^Error: Members"))
    assert_accessible(page)
    summary.get_by_role("link").click()
    expect(page.get_by_label(f"Date {boathouse.name} left")).to_be_focused()
    page.get_by_label(f"Date {boathouse.name} left").fill("2025-03-31")
    page.get_by_role("button", name=re.compile(f"^Record that it left.*{boathouse.name}")).click()
    expect_success(page, f"{boathouse} left {programme} on 31 March 2025.")
    expect(page.get_by_role("row", name=re.compile(boathouse.name))).to_contain_text("31 March 2025")
    assert_accessible(page)

    visitor = new_context().new_page()
    visitor.goto("/programmes/")
    assert_accessible(visitor)
    visitor.get_by_role("link", name=programme.name).click()
    expect(visitor.get_by_role("heading", level=1)).to_have_text(programme.name)
    members = visitor.get_by_role("region", name="Members")
    expect(members.get_by_role("table")).to_be_visible()
    rows = members.get_by_role("row")
    expect(rows).to_have_count(4)  # the header, the lead and its two partners
    expect(members.get_by_role("row", name=re.compile(portrait_gallery.name))).to_contain_text("Lead partner")
    expect(members.get_by_role("row", name=re.compile(laing.name))).to_contain_text("1 May 2024")
    expect(members.get_by_role("row", name=re.compile(boathouse.name))).to_contain_text("31 March 2025")
    expect(visitor.locator("#programme-map")).to_be_visible()
    # A pin for each current member: the Boathouse has left, and stays only in the table.
    expect(visitor.locator("#programme-map .leaflet-interactive")).to_have_count(2)
    expect(visitor.get_by_role("link", name="Manage members")).to_have_count(0)
    assert_accessible(visitor)


# Opportunities and applications


def test_alice_offers_an_opportunity_that_is_on_the_board_while_open_but_not_as_a_draft(
    new_context: CreateContextCallback,
    assert_accessible: AssertAccessible,
    programme: Programme,
    portrait_gallery: Organisation,
    alice: User,
) -> None:
    title = "Paid internship in photographic conservation"
    page = new_context().new_page()
    sign_in(page, alice)

    page.get_by_role("link", name="Opportunities").click()
    page.get_by_role("link", name="Offer an opportunity").first.click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Offer an opportunity")
    assert_accessible(page)
    start = date.today() + timedelta(days=90)
    page.get_by_label("Title").fill(title)
    page.get_by_label("Kind of opportunity").select_option(label="Paid internship")
    page.get_by_label("Skills area").select_option(label="Conservation")
    page.get_by_label("Description").fill("Three months in the studio, caring for photographs and negatives.")
    page.get_by_label("Host").select_option(label=portrait_gallery.name)
    page.get_by_label(re.compile("^Programme")).select_option(label=programme.name)
    page.get_by_label("Start date").fill(start.isoformat())
    page.get_by_label("Places available").fill("1")
    page.get_by_label("It is paid").check()
    page.get_by_label("Who can apply").select_option(label="Staff of any UK museum")
    page.get_by_label(re.compile("^Closing date")).fill((start - timedelta(days=30)).isoformat())
    page.get_by_label("Status").select_option(label="Open")
    page.get_by_role("button", name="Save the opportunity").click()

    summary = page.get_by_role("alert")
    expect(summary).to_contain_text("There is a problem")
    expect(summary).to_be_focused()
    expect(page).to_have_title(re.compile(r"^Error: Offer an opportunity"))
    assert_accessible(page)
    summary.get_by_role("link", name=re.compile("Say what it pays")).click()
    pay = page.get_by_label(re.compile("^Pay"))
    expect(pay).to_be_focused()
    expect(pay).to_have_accessible_description(re.compile("Say what it pays"))
    expect(page.get_by_label("Title")).to_have_value(title)  # what was typed is kept
    pay.fill("£12.60 an hour")
    page.get_by_role("button", name="Save the opportunity").click()

    expect(page.get_by_role("heading", level=1)).to_contain_text(title)
    expect_success(page, "is saved and on the board")
    assert_accessible(page)
    opportunity = Opportunity.objects.get(title=title)
    assert (opportunity.host, opportunity.programme, opportunity.pay) == (portrait_gallery, programme, "£12.60 an hour")

    visitor = new_context().new_page()
    visitor.goto("/opportunities/")
    expect(visitor.get_by_role("link", name=title)).to_be_visible()
    assert_accessible(visitor)

    # alice takes it back to a draft: it leaves the board, and its page is hidden.
    page.get_by_role("link", name=re.compile("^Change")).first.click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Change the opportunity")
    assert_accessible(page)
    page.get_by_label("Status").select_option(label="Draft")
    page.get_by_role("button", name="Save the changes").click()
    expect_success(page, "is saved as a draft")
    assert_accessible(page)

    visitor.reload()
    expect(visitor.get_by_role("link", name=title)).to_have_count(0)
    assert_accessible(visitor)
    visitor.goto(opportunity.get_absolute_url())
    expect(visitor.get_by_role("heading", level=1)).to_have_text("Page not found")
    assert_accessible(visitor)


def test_bob_publishes_his_story_with_consent_for_visitors_to_read_and_then_withdraws_it(
    new_context: CreateContextCallback,
    assert_accessible: AssertAccessible,
    participation: Participation,
    programme: Programme,
    bob: User,
) -> None:
    story = "I wrote family labels for the Tudor galleries, and now our Laing labels are tested with visitors."
    page = new_context().new_page()
    sign_in(page, bob)

    page.goto(participation.get_absolute_url())
    expect(page.get_by_role("heading", level=2, name="Your story")).to_be_visible()
    assert_accessible(page)
    page.get_by_role("textbox", name="Your story").fill(story)
    page.get_by_role("button", name="Publish your story").click()
    summary = page.get_by_role("alert")
    expect(summary.get_by_role("link")).to_have_text(re.compile("Tick the box to agree"))
    assert_accessible(page)
    participation.refresh_from_db()
    assert not participation.story_is_published()
    summary.get_by_role("link").click()
    consent = page.get_by_label(re.compile("I agree to this story being shown publicly"))
    expect(consent).to_be_focused()
    consent.check()
    page.get_by_role("button", name="Publish your story").click()
    expect_success(page, "Your story is published")
    assert_accessible(page)

    visitor = new_context().new_page()
    visitor.goto(programme.get_absolute_url())
    stories = visitor.get_by_role("region", name="Meet the interns")
    expect(stories.get_by_role("heading", name="Bob Bell, Laing Art Gallery")).to_be_visible()
    expect(stories).to_contain_text(story)
    expect(stories).to_contain_text(INTERNSHIP)
    assert_accessible(visitor)

    page.get_by_role("button", name="Withdraw your story").click()
    expect_success(page, "Your story is withdrawn")
    assert_accessible(page)
    visitor.reload()
    expect(stories).to_contain_text("No participant has shared their story yet.")
    assert story not in visitor.content()


def test_alice_evaluates_bobs_internship_and_bob_withdraws_another_application_after_confirming(
    new_context: CreateContextCallback,
    assert_accessible: AssertAccessible,
    participation: Participation,
    programme: Programme,
    portrait_gallery: Organisation,
    laing: Organisation,
    alice: User,
    bob: User,
) -> None:
    exchange = open_opportunity(
        programme, portrait_gallery, alice, title="Staff exchange in digital", kind="staff_exchange", paid=False, pay=""
    )
    application = services.application_submit(
        opportunity=exchange, actor=bob, organisation=laing, statement=STATEMENT, notify=False
    )
    feedback = "Bob's family labels were the best we have had; visitors read them to the end."
    alices = new_context().new_page()
    sign_in(alices, alice)

    alices.goto(f"/programmes/{programme.slug}/dashboard/")
    alices.get_by_role("link", name="Bob Bell").click()
    expect(alices.get_by_role("heading", level=1)).to_contain_text("Bob Bell")
    expect(alices.get_by_text("Bob Bell has not given their evaluation yet.")).to_be_visible()
    assert_accessible(alices)
    alices.get_by_role("button", name="Save the host’s evaluation").click()
    expect(alices.get_by_role("alert")).to_contain_text("Give your feedback on how the placement went.")
    assert_accessible(alices)
    alices.get_by_label("Your feedback on the participant").fill(feedback)
    alices.get_by_role("group", name="How well did it go overall?").get_by_label("4", exact=True).check()
    alices.get_by_role("button", name="Save the host’s evaluation").click()
    expect_success(alices, "Your evaluation is saved")
    host = alices.get_by_role("region", name="The host’s evaluation")
    expect(host).to_contain_text(feedback)
    expect(host).to_contain_text("4 out of 5")
    assert_accessible(alices)
    participation.refresh_from_db()
    assert (participation.host_feedback, participation.host_rating) == (feedback, 4)

    bobs = new_context().new_page()
    sign_in(bobs, bob)
    bobs.goto(participation.get_absolute_url())
    expect(bobs.get_by_role("region", name="The host’s evaluation")).to_contain_text(feedback)
    assert_accessible(bobs)

    bobs.get_by_role("link", name="Opportunities").click()
    bobs.get_by_role("link", name="Your applications").click()
    expect(bobs.get_by_role("heading", level=1)).to_have_text("Your applications")
    assert_accessible(bobs)
    bobs.get_by_role("button", name=re.compile(f"^Withdraw the application.*{exchange.title}")).click()
    expect(bobs.get_by_role("heading", level=1)).to_contain_text("Are you sure you want to withdraw your application?")
    assert_accessible(bobs)
    application.refresh_from_db()
    assert application.status == ApplicationStatus.SUBMITTED  # nothing happens until he confirms
    bobs.get_by_label(re.compile("Message for the host")).fill("I have been given a secondment at home instead.")
    bobs.get_by_role("button", name="Yes, withdraw my application").click()
    expect(bobs.get_by_role("heading", level=1)).to_have_text("Your applications")
    expect_success(bobs, "Your application is withdrawn.")
    expect(bobs.get_by_role("row", name=re.compile(exchange.title))).to_contain_text("Withdrawn")
    expect(bobs.get_by_role("button", name=re.compile(f"^Withdraw the application.*{exchange.title}"))).to_have_count(0)
    assert_accessible(bobs)
    application.refresh_from_db()
    assert application.status == ApplicationStatus.WITHDRAWN


# Mentoring


def test_alice_pairs_a_mentor_with_a_mentee_and_logs_a_meeting_but_charlie_cannot_find_the_pair(
    new_context: CreateContextCallback,
    assert_accessible: AssertAccessible,
    programme: Programme,
    portrait_gallery: Organisation,
    laing: Organisation,
    alice: User,
    charlie: User,
) -> None:
    page = new_context().new_page()
    sign_in(page, alice)

    page.goto(programme.get_absolute_url())
    assert_accessible(page)
    page.get_by_role("link", name="Add a mentoring pair").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Add a mentoring pair")
    assert_accessible(page)
    page.get_by_label("Mentor's name").fill("Alice Ashby")
    choose_organisation(page, page.get_by_label("Mentor's organisation"), "National Portrait", portrait_gallery)
    page.get_by_label(re.compile("^Mentor's email address")).fill(alice.email)
    page.get_by_label("Mentee's name").fill("Bob Bell")
    choose_organisation(page, page.get_by_label("Mentee's organisation"), "Laing", laing)
    page.get_by_label(re.compile("^What the mentee wants")).fill("To plan a display of portraits lent by the Gallery.")
    page.get_by_label("Start date").fill("2025-01-06")
    page.get_by_role("button", name="Add the pair").click()

    expect(page.get_by_role("heading", level=1)).to_contain_text("Alice Ashby mentoring Bob Bell")
    expect_success(page, "is set up")
    assert_accessible(page)
    pair = MentoringPair.objects.get(programme=programme)
    assert (pair.mentor, pair.mentor_organisation, pair.mentee_organisation) == (alice, portrait_gallery, laing)

    tomorrow = date.today() + timedelta(days=1)
    page.get_by_label("Date of the meeting").fill(tomorrow.isoformat())
    page.get_by_label(re.compile("^Length \\(minutes\\)")).fill("45")
    page.get_by_role("button", name="Log the meeting").click()
    summary = page.get_by_role("alert")
    expect(summary.get_by_role("link")).to_have_text(
        "Enter the date of a meeting that has taken place, today or before."
    )
    assert_accessible(page)
    page.get_by_label("Date of the meeting").fill("2025-02-03")
    page.get_by_label("It took place online").check()
    page.get_by_label(re.compile("^Notes")).fill("Chose six portraits; Bob drafts the labels.")
    page.get_by_role("button", name="Log the meeting").click()
    expect_success(page, "The meeting on 3 February 2025 is logged.")
    meetings = page.get_by_role("region", name="Meetings")
    expect(meetings).to_contain_text("1 meeting logged.")
    expect(meetings.get_by_role("row", name=re.compile("3 February 2025"))).to_contain_text("45 minutes")
    assert_accessible(page)

    page.get_by_role("link", name=programme.name).first.click()
    page.get_by_role("link", name="Dashboard").click()
    pairs = page.get_by_role("region", name="Mentoring pairs")
    expect(pairs.get_by_role("row", name=re.compile("Bob Bell"))).to_contain_text("3 February 2025")
    assert_accessible(page)

    charlies = new_context().new_page()
    sign_in(charlies, charlie)
    response = charlies.goto(pair.get_absolute_url())
    assert response is not None
    assert response.status == 404
    expect(charlies.get_by_role("heading", level=1)).to_have_text("Page not found")
    assert_accessible(charlies)


# Events, minutes and actions


def test_a_members_only_leads_meeting_from_registration_to_minutes_and_a_done_action(
    new_context: CreateContextCallback,
    assert_accessible: AssertAccessible,
    programme: Programme,
    portrait_gallery: Organisation,
    alice: User,
    bob: User,
    charlie: User,
) -> None:
    title = "Partnership leads' meeting, spring"
    link = "https://meet.example.org/leads-spring"
    day = date.today() + timedelta(days=30)
    alices = new_context().new_page()
    sign_in(alices, alice)

    alices.goto("/events/")
    assert_accessible(alices)
    alices.get_by_role("link", name="Add an event", exact=True).click()
    expect(alices.get_by_role("heading", level=1)).to_have_text("Add an event")
    assert_accessible(alices)
    alices.get_by_label("Title").fill(title)
    alices.get_by_label("Kind of event").select_option(label="Partnership leads' meeting")
    alices.get_by_label("Organiser").select_option(label=portrait_gallery.name)
    alices.get_by_label(re.compile("^Programme")).select_option(label=programme.name)
    alices.get_by_label("Starts").fill(f"{day.isoformat()}T10:30")
    alices.get_by_label(re.compile("^Ends")).fill(f"{day.isoformat()}T12:30")
    alices.get_by_label(re.compile("^Place")).first.fill("Board room, National Portrait Gallery, London")
    alices.get_by_label(re.compile("^Online meeting link")).fill(link)
    alices.get_by_label("Who may register").select_option(label="Staff of the programme's member museums only")
    alices.get_by_label(re.compile("^Agenda")).fill("Welcome\nThe year's placements\nAny other business")
    alices.get_by_role("button", name="Add the event").click()
    expect(alices.get_by_role("heading", level=1)).to_contain_text(title)
    expect_success(alices, "Event added.")
    assert_accessible(alices)
    event = Event.objects.get(title=title)

    bobs = new_context().new_page()
    sign_in(bobs, bob)
    bobs.goto("/events/")
    bobs.get_by_role("link", name=title).click()
    expect(bobs.get_by_text("Shown here once you have registered.")).to_be_visible()
    expect(bobs.get_by_role("link", name="Join the event online")).to_have_count(0)
    assert_accessible(bobs)
    expect(bobs.get_by_label("Which organisation are you coming from?")).to_have_value(
        str(bob.memberships.get().organisation_id)
    )
    bobs.get_by_role("button", name="Register").click()
    expect_success(bobs, f"You are registered for {title}.")
    expect(bobs.get_by_text("You are registered, coming from Laing Art Gallery.")).to_be_visible()
    expect(bobs.get_by_role("link", name="Join the event online")).to_have_attribute("href", link)
    assert_accessible(bobs)

    charlies = new_context().new_page()
    sign_in(charlies, charlie)
    charlies.goto(event.get_absolute_url())
    expect(charlies.get_by_text(f"This event is only for staff of the museums in {programme.name}.")).to_be_visible()
    expect(charlies.get_by_role("button", name="Register")).to_have_count(0)
    expect(charlies.get_by_role("link", name="Join the event online")).to_have_count(0)
    assert link not in charlies.content()
    assert_accessible(charlies)

    # The meeting takes place.
    starts = timezone.make_aware(datetime.combine(date.today() - timedelta(days=1), time(10, 30)))
    Event.objects.filter(pk=event.pk).update(starts_at=starts, ends_at=starts + timedelta(hours=2))

    alices.reload()
    alices.get_by_role("link", name="Record who came").first.click()
    expect(alices.get_by_role("heading", level=1)).to_contain_text("Who came")
    assert_accessible(alices)
    alices.get_by_label("Bob Bell, Laing Art Gallery").check()
    alices.get_by_role("button", name="Save who came").click()
    expect_success(alices, "Attendance recorded: 1 of 1 came.")
    expect(
        alices.get_by_role("region", name="Who registered").get_by_role("row", name=re.compile("Bob Bell"))
    ).to_contain_text("Yes")
    assert_accessible(alices)

    alices.get_by_role("link", name="Minutes and actions").click()
    expect(alices.get_by_role("heading", level=1)).to_contain_text("Minutes and actions")
    assert_accessible(alices)
    alices.get_by_role("textbox", name="Minutes").fill("Six placements this year. The Laing will host two.")
    alices.get_by_role("button", name="Save the minutes").click()
    expect_success(alices, "Minutes saved.")
    assert_accessible(alices)
    add = alices.get_by_role("region", name="Add an action")
    add.get_by_label("Action", exact=True).fill("Send the placement dates to the partners")
    add.get_by_role("button", name="Add the action").click()
    expect(alices.get_by_role("alert").get_by_role("link")).to_have_text("Choose who will do it, or type their name.")
    assert_accessible(alices)
    add.get_by_label("Who will do it").select_option(label="Bob Bell")
    add.get_by_label(re.compile("^Due by")).fill((date.today() + timedelta(days=14)).isoformat())
    add.get_by_role("button", name="Add the action").click()
    expect_success(alices, "Action added")
    actions = alices.get_by_role("region", name="Actions")
    expect(actions.get_by_role("row", name=re.compile("Send the placement dates"))).to_contain_text("Bob Bell")
    assert_accessible(alices)

    bobs.reload()
    minutes = bobs.get_by_role("region", name="Minutes")
    expect(minutes).to_contain_text("The Laing will host two.")
    row = minutes.get_by_role("row", name=re.compile("Send the placement dates"))
    expect(row).to_contain_text("Open")
    assert_accessible(bobs)
    row.get_by_role("button", name=re.compile("^Mark done")).click()
    expect_success(bobs, "is marked done.")
    expect(row).to_contain_text("Done")
    assert_accessible(bobs)
    assert event.actions.get().done

    charlies.reload()
    expect(charlies.get_by_role("heading", level=1)).to_contain_text(title)
    expect(charlies.get_by_role("region", name="Minutes")).to_have_count(0)
    assert "The Laing will host two." not in charlies.content()
    assert_accessible(charlies)


# The knowledge-exchange library


def test_a_visitor_searches_the_library_and_alice_adds_changes_and_deletes_a_resource(
    new_context: CreateContextCallback,
    assert_accessible: AssertAccessible,
    programme: Programme,
    portrait_gallery: Organisation,
    alice: User,
) -> None:
    guide = services.resource_create(
        actor=alice,
        data={
            "title": "Condition checking a portrait on loan",
            "kind": "guide",
            "description": "A step-by-step guide for registrars receiving a painted portrait.",
            "topic": "Condition checking",
            "skills_area": "registration",
            "url": "https://www.npg.org.uk/guides/condition-checking",
            "language": "English",
            "programme": programme,
            "organisation": portrait_gallery,
            "published": date(2024, 3, 1),
        },
    )
    services.resource_create(
        actor=alice,
        data={
            "title": "Recording of the exchange day",
            "kind": "recording",
            "description": "Talks from the annual professional exchange event.",
            "url": "https://www.npg.org.uk/films/exchange-day",
            "programme": programme,
            "published": date(2024, 6, 1),
        },
    )
    visitor = new_context().new_page()
    visitor.goto("/resources/")
    expect(visitor.get_by_role("heading", level=2, name="2 resources")).to_be_visible()
    assert_accessible(visitor)
    visitor.get_by_role("textbox", name="Search").fill("condition")
    visitor.get_by_role("button", name="Search").click()
    expect(visitor.get_by_role("heading", level=2, name="1 resource")).to_be_visible()
    expect(visitor.get_by_role("link", name="Recording of the exchange day")).to_have_count(0)
    assert_accessible(visitor)
    visitor.get_by_role("link", name=guide.title, exact=True).click()
    expect(visitor.get_by_role("heading", level=1)).to_contain_text(guide.title)
    expect(visitor.get_by_role("link", name=re.compile("^Open the guide"))).to_have_attribute("href", guide.url)
    expect(visitor.get_by_role("link", name="Change")).to_have_count(0)
    assert_accessible(visitor)

    page = new_context().new_page()
    sign_in(page, alice)
    page.goto("/resources/")
    page.get_by_role("link", name="Add a resource").first.click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Add a resource to the library")
    assert_accessible(page)
    page.get_by_label("Title").fill("Toolkit for co-curating with young people")
    page.get_by_label("Kind of resource").select_option(label="Toolkit")
    page.get_by_label("Description").fill("How the Laing and the Gallery worked with a youth panel.")
    page.get_by_role("button", name="Add to the library").click()
    summary = page.get_by_role("alert")
    expect(summary.get_by_role("link")).to_have_text("Give a web address for the resource, or upload a file.")
    expect(page).to_have_title(re.compile(r"^Error: Add a resource"))
    assert_accessible(page)
    summary.get_by_role("link").click()
    address = page.get_by_label(re.compile("^Web address"))
    expect(address).to_be_focused()
    address.fill("https://www.npg.org.uk/toolkits/co-curating")
    page.get_by_label(re.compile("^Programme")).select_option(label=programme.name)
    page.get_by_role("button", name="Add to the library").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Toolkit for co-curating with young people")
    expect_success(page, "is in the library")
    assert_accessible(page)
    toolkit = Resource.objects.get(title="Toolkit for co-curating with young people")
    assert toolkit.created_by == alice

    page.get_by_role("link", name="Change", exact=True).click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Change the resource")
    assert_accessible(page)
    page.get_by_label("Title").fill("Toolkit for co-curating with a youth panel")
    page.get_by_role("button", name="Save the changes").click()
    expect_success(page, "Your changes are saved.")
    expect(page.get_by_role("heading", level=1)).to_contain_text("Toolkit for co-curating with a youth panel")
    assert_accessible(page)

    page.get_by_role("link", name="Delete", exact=True).click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Are you sure you want to delete this resource?")
    assert_accessible(page)
    assert Resource.objects.filter(pk=toolkit.pk).exists()
    page.get_by_role("button", name="Yes, delete this resource").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Knowledge-exchange library")
    expect_success(page, "is deleted from the library")
    expect(page.get_by_role("link", name="Toolkit for co-curating with a youth panel")).to_have_count(0)
    assert_accessible(page)
    assert not Resource.objects.filter(pk=toolkit.pk).exists()


# The dashboard, for an analyst


def test_an_analyst_reads_a_dashboard_without_changing_anything_and_downloads_its_participants(
    new_context: CreateContextCallback,
    assert_accessible: AssertAccessible,
    participation: Participation,
    programme: Programme,
    portrait_gallery: Organisation,
    analyst: User,
    admin_user: User,
) -> None:
    page = new_context().new_page()
    sign_in(page, analyst)

    page.goto(programme.get_absolute_url())
    for name in ("Change the details", "Manage members", "Add a display", "Add a mentoring pair"):
        expect(page.get_by_role("link", name=name)).to_have_count(0)
    assert_accessible(page)
    page.get_by_role("link", name="Dashboard").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Dashboard")
    expect(page.get_by_role("region", name="Participants").get_by_role("link", name="Bob Bell")).to_be_visible()
    main = page.get_by_role("main")
    for name in ("Add a mentoring pair", "Offer an opportunity", "Change", "Edit", "Manage members"):
        expect(main.get_by_role("link", name=re.compile(f"^{name}"))).to_have_count(0)
    expect(main.get_by_role("button")).to_have_count(0)
    assert_accessible(page)

    with page.expect_download() as download_info:
        page.get_by_role("link", name="CSV file of the participants").click()
    download = download_info.value
    assert download.suggested_filename.endswith(".csv")
    assert "participants" in download.suggested_filename
    with open(download.path(), encoding="utf-8-sig", newline="") as f:
        reader = csv.reader(f)
        header = next(reader)
        rows = list(reader)
    assert header == [
        "name", "home_organisation", "home_region", "opportunity", "host", "start_date", "end_date", "outcome",
        "evaluated", "host_evaluated",
    ]  # fmt: skip
    assert [row[:5] for row in rows] == [
        ["Bob Bell", "Laing Art Gallery", "North East", INTERNSHIP, portrait_gallery.name]
    ]
    assert rows[0][5] == participation.start_date.isoformat()
    assert rows[0][8:] == ["no", "no"]

    # A programme that offers nothing yet invites its managers to offer something; not the analyst.
    starting = services.programme_create(
        actor=admin_user,
        data={
            "name": "Portraits in the Making",
            "lead": portrait_gallery,
            "summary": "Just begun.",
            "start_date": date.today(),
        },
    )
    page.goto(f"/programmes/{starting.slug}/dashboard/")
    expect(page.get_by_text("The programme offers no opportunities yet.")).to_be_visible()
    expect(page.get_by_role("main").get_by_role("link", name="Offer an opportunity")).to_have_count(0)
    assert_accessible(page)

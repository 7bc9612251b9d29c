"""End-to-end journeys through a loan between two museums, in Chromium.

bob, an editor at the Laing Art Gallery, borrows from alice's National Portrait Gallery; each
signs in in a browser context of their own. Every page visited is checked with axe-core, error
pages included. The live server makes every test here transactional: each starts empty.
"""

import re
from collections.abc import Callable
from datetime import date, timedelta
from decimal import Decimal

import pytest
from playwright.sync_api import Page, expect
from pytest_playwright.pytest_playwright import CreateContextCallback

from museumshare.accounts.models import User
from museumshare.conftest import sign_in
from museumshare.loans import services
from museumshare.loans.models import (
    CollectionObject,
    FacilitiesReport,
    Loan,
    Purpose,
    Stage,
    Status,
)
from museumshare.organisations.forms import organisation_label
from museumshare.organisations.models import Organisation

pytestmark = pytest.mark.browser

AssertAccessible = Callable[[Page], None]
EXHIBITION = "Faces of the North"
START = date.today() + timedelta(days=300)
END = START + timedelta(days=120)


@pytest.fixture
def portraits(alice: User, portrait_gallery: Organisation) -> list[CollectionObject]:
    """alice's loans policy and three lendable objects (made-up records for tests)."""
    services.loans_policy_update(
        actor=alice,
        organisation=portrait_gallery,
        data={"notice_weeks": 26, "maximum_months": 12, "contact": "The Registrar, loans@example.org"},
    )
    return [
        services.collection_object_save(
            actor=alice,
            owner=portrait_gallery,
            data={
                "accession_number": f"TEST {n}",
                "title": f"Portrait study {n}",
                "object_name": "painting",
                "valuation": Decimal("250000"),
                "lendable": True,
            },
        )
        for n in (1, 2, 3)
    ]


@pytest.fixture
def laing_facilities(laing: Organisation) -> FacilitiesReport:
    return FacilitiesReport.objects.create(
        organisation=laing,
        building="Grade II listed gallery, 1904.",
        security="Intruder alarm and CCTV, monitored day and night.",
        environment="20 °C ± 2, 50 % RH ± 5, 50 lux in the print room.",
        fire="Detection throughout; no sprinklers in galleries.",
        handling="Trained technicians; loading bay at the rear.",
        insurance="Local authority insurance.",
        completed_on=date.today() - timedelta(days=30),
        review_date=date.today() + timedelta(days=700),
    )


def status_message(page: Page, text: str) -> None:
    expect(page.get_by_role("status")).to_contain_text(text)


def take_step(page: Page, assert_accessible: AssertAccessible, label: str, now: str) -> None:
    """Press a step's button on the loan's page and see the loan move on."""
    page.get_by_role("button", name=label, exact=True).click()
    status_message(page, f"The loan is now {now}.")
    expect(page.locator(".title-row .tag").first).to_have_text(re.compile(now, re.IGNORECASE))
    assert_accessible(page)


def record_conditions(
    page: Page, assert_accessible: AssertAccessible, objects: list[CollectionObject], stage: Stage, condition: str
) -> None:
    for obj in objects:
        page.get_by_role("link", name=f"Record the condition of {obj.accession_number} {stage.label.lower()}").click()
        expect(page.get_by_role("heading", level=1)).to_contain_text("Record a condition check")
        expect(page.get_by_label("Object")).to_have_value(str(obj.loan_objects.get().pk))
        expect(page.get_by_label("Stage")).to_have_value(stage.value)
        assert_accessible(page)
        page.get_by_label("Condition", exact=True).fill(condition)
        page.get_by_role("button", name="Record the check").click()
        status_message(page, f"The condition of {obj} {stage.label.lower()} is recorded.")
    assert_accessible(page)


def draft_request(
    page: Page,
    assert_accessible: AssertAccessible,
    lender: Organisation,
    objects: list[CollectionObject],
    title: str = EXHIBITION,
) -> None:
    """bob chooses the lender with the type-ahead, ticks objects and drafts the request."""
    page.goto("/loans/")
    assert_accessible(page)
    page.get_by_role("link", name="Request a loan").first.click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Request a loan")
    assert_accessible(page)
    box = page.get_by_label("Lender")
    box.press_sequentially("Portrait Gal")
    suggestion = page.locator('#organisation-options option[value^="National Portrait Gallery,"]')
    expect(suggestion).not_to_have_count(0)
    label = suggestion.first.get_attribute("value")
    assert label == organisation_label(lender)
    box.fill(label)
    page.get_by_role("button", name="Continue").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("from National Portrait Gallery")
    expect(page.locator("#policy-title")).to_be_visible()
    assert_accessible(page)
    for obj in objects:
        page.get_by_label(f"{obj.accession_number}: {obj.title}").check()
    page.get_by_label("Purpose").select_option(label="Exhibition display")
    page.get_by_label("Exhibition title").fill(title)
    page.get_by_label("Loan to start on").fill(START.isoformat())
    page.get_by_label("Loan to end on").fill(END.isoformat())
    page.get_by_role("button", name="Draft the request").click()
    status_message(page, "drafted")
    expect(page.get_by_role("heading", level=1)).to_contain_text(title)
    assert_accessible(page)


def test_the_whole_loan_from_request_to_close(
    page: Page,
    new_context: CreateContextCallback,
    assert_accessible: AssertAccessible,
    alice: User,
    bob: User,
    portrait_gallery: Organisation,
    laing: Organisation,
    portraits: list[CollectionObject],
    laing_facilities: FacilitiesReport,
) -> None:
    borrower = page
    sign_in(borrower, bob)
    draft_request(borrower, assert_accessible, portrait_gallery, portraits)
    loan = Loan.objects.get()
    assert loan.status == Status.DRAFT
    assert loan.borrower == laing
    assert sorted(loan.loan_objects.values_list("object__accession_number", flat=True)) == [
        "TEST 1",
        "TEST 2",
        "TEST 3",
    ]
    expect(borrower.locator("#objects-title")).to_have_text("Objects (3)")
    take_step(borrower, assert_accessible, "Send the request", "requested")

    lender = new_context().new_page()
    sign_in(lender, alice)
    lender.goto("/loans/")
    row = lender.get_by_role("row").filter(has_text=loan.reference)
    expect(row).to_contain_text("Laing Art Gallery")
    expect(row).to_contain_text("Requested")
    assert_accessible(lender)
    row.get_by_role("link", name=loan.reference).click()
    expect(lender.get_by_role("heading", level=1)).to_contain_text(EXHIBITION)
    assert_accessible(lender)
    take_step(lender, assert_accessible, "Acknowledge the request", "acknowledged")
    take_step(lender, assert_accessible, "Start the assessment", "under assessment")

    lender.get_by_role("link", name="Change the loan’s details").click()
    expect(lender.get_by_role("heading", level=1)).to_contain_text("Change the loan’s details")
    assert_accessible(lender)
    lender.get_by_label("Agreed start").fill(START.isoformat())
    lender.get_by_label("Agreed end").fill(END.isoformat())
    lender.get_by_label("Insurance").select_option(label="Commercial insurance")
    lender.get_by_label("Facilities report").select_option(label=str(laing_facilities))
    lender.get_by_role("button", name="Save the details").click()
    status_message(lender, "Your changes are saved.")
    summary = lender.locator("#summary-title + .summary-list")
    expect(summary).to_contain_text(f"{START:%-d %B %Y} to {END:%-d %B %Y}")
    expect(summary).to_contain_text("Commercial insurance")
    expect(summary).to_contain_text(str(laing_facilities))
    assert_accessible(lender)

    lender.get_by_role("button", name="Approve the loan").click()
    expect(lender.get_by_role("heading", level=1)).to_contain_text("Check before you approve the loan")
    expect(lender.get_by_role("alert")).to_have_count(0)
    assert_accessible(lender)
    lender.get_by_label("Note for the borrower").fill("Approved by the loans committee.")
    lender.get_by_role("button", name="Approve the loan").click()
    status_message(lender, "The loan is now approved.")
    assert_accessible(lender)

    agreement = lender.get_by_role("link", name="Loan agreement (PDF)")
    href = agreement.get_attribute("href")
    assert href
    pdf = lender.request.get(href)
    assert pdf.status == 200
    assert pdf.headers["content-type"] == "application/pdf"
    assert pdf.body().startswith(b"%PDF")

    take_step(lender, assert_accessible, "Send the agreement", "agreement sent")
    lender.get_by_role("link", name="Change the loan’s details").click()
    lender.get_by_label("Signed for the lender on").fill(date.today().isoformat())
    lender.get_by_label("Signed for the borrower on").fill(date.today().isoformat())
    assert_accessible(lender)
    lender.get_by_role("button", name="Save the details").click()
    status_message(lender, "Your changes are saved.")
    expect(lender.locator("#summary-title + .summary-list")).to_contain_text(
        f"For the lender: {date.today():%-d %B %Y}"
    )

    borrower.reload()
    expect(borrower.locator("#summary-title + .summary-list")).to_contain_text(
        f"For the borrower: {date.today():%-d %B %Y}"
    )
    assert_accessible(borrower)
    take_step(borrower, assert_accessible, "Record the signed agreement", "agreement signed")

    lender.reload()
    record_conditions(lender, assert_accessible, portraits, Stage.DISPATCH, "Stable. Frame sound.")
    take_step(lender, assert_accessible, "Dispatch the objects", "in transit to the borrower")

    borrower.reload()
    record_conditions(borrower, assert_accessible, portraits, Stage.ARRIVAL, "Stable on arrival.")
    take_step(borrower, assert_accessible, "Record their arrival", "on loan")
    take_step(borrower, assert_accessible, "Send the objects back", "in transit back")

    lender.reload()
    record_conditions(lender, assert_accessible, portraits, Stage.RETURN, "Stable on return.")
    take_step(lender, assert_accessible, "Record their return", "returned")
    take_step(lender, assert_accessible, "Close the loan", "closed")
    expect(lender.locator(".next-steps")).to_contain_text("There are no further steps: the loan is closed.")

    timeline = lender.locator(".timeline > li")
    who = [
        ("Request drafted", "Bob Bell"),
        ("Requested", "Bob Bell"),
        ("Acknowledged", "Alice Ashby"),
        ("Under assessment", "Alice Ashby"),
        ("Approved", "Alice Ashby"),
        ("Agreement sent", "Alice Ashby"),
        ("Agreement signed", "Bob Bell"),
        ("In transit to the borrower", "Alice Ashby"),
        ("On loan", "Bob Bell"),
        ("In transit back", "Bob Bell"),
        ("Returned", "Alice Ashby"),
        ("Closed", "Alice Ashby"),
    ]
    expect(timeline.locator(".timeline__what")).to_have_text([what for what, _ in who])
    today = f"{date.today():%-d %B %Y}"
    for n, (_, name) in enumerate(who):
        expect(timeline.nth(n)).to_contain_text(f"by {name}, {today} at")
        expect(timeline.nth(n).locator("time")).to_have_attribute("datetime", re.compile(r"^\d{4}-\d{2}-\d{2}T"))
    expect(timeline.nth(4)).to_contain_text("Approved by the loans committee.")
    assert_accessible(lender)

    loan.refresh_from_db()
    assert loan.status == Status.CLOSED
    assert loan.lender_signed_on == loan.borrower_signed_on == date.today()
    assert loan.activity is not None


def test_someone_at_neither_museum_sees_none_of_it(
    page: Page,
    assert_accessible: AssertAccessible,
    bob: User,
    charlie: User,
    portrait_gallery: Organisation,
    laing: Organisation,
    portraits: list[CollectionObject],
) -> None:
    loan = services.loan_create(
        actor=bob,
        data={
            "reference": "LO-2027-0001",
            "lender": portrait_gallery,
            "borrower": laing,
            "purpose": Purpose.EXHIBITION,
            "exhibition_title": EXHIBITION,
            "requested_start": START,
            "requested_end": END,
        },
        objects=portraits,
    )
    services.loan_transition(loan=loan, actor=bob, to=Status.REQUESTED)

    sign_in(page, charlie)
    response = page.goto(loan.get_absolute_url())
    assert response is not None
    assert response.status == 404
    expect(page.get_by_role("heading", level=1)).to_have_text("Page not found")
    assert_accessible(page)
    for path in (f"/loans/{loan.pk}/agreement.pdf", f"/loans/{loan.pk}/edit/", f"/loans/{loan.pk}/condition/"):
        assert page.request.get(path).status == 404, path

    for side in ("out", "in"):
        page.goto(f"/loans/?side={side}")
        expect(page.locator("#results-count")).to_have_text(f"0 loans {side}")
        expect(page.get_by_text(loan.reference)).to_have_count(0)
        assert_accessible(page)

    listed = page.request.get("/api/v1/loans/")
    assert listed.status == 200
    assert listed.json()["count"] == 0
    assert page.request.get(f"/api/v1/loans/{loan.pk}/").status == 404


def test_a_second_request_for_an_object_already_requested_is_refused_when_sent(
    page: Page,
    assert_accessible: AssertAccessible,
    bob: User,
    portrait_gallery: Organisation,
    laing: Organisation,
    portraits: list[CollectionObject],
) -> None:
    first = services.loan_create(
        actor=bob,
        data={
            "reference": "LO-2027-0001",
            "lender": portrait_gallery,
            "borrower": laing,
            "purpose": Purpose.EXHIBITION,
            "exhibition_title": EXHIBITION,
            "requested_start": START,
            "requested_end": END,
        },
        objects=portraits,
    )
    services.loan_transition(loan=first, actor=bob, to=Status.REQUESTED)

    sign_in(page, bob)
    draft_request(page, assert_accessible, portrait_gallery, portraits[1:2], title="Tyneside Faces")
    page.get_by_role("button", name="Send the request", exact=True).click()
    summary = page.get_by_role("alert")
    expect(summary).to_contain_text("There is a problem")
    expect(summary).to_contain_text(f"{portraits[1]} is already on loan {first.reference} (requested)")
    expect(page).to_have_title(re.compile(r"^Error: "))
    assert_accessible(page)

    second = Loan.objects.exclude(pk=first.pk).get()
    assert second.status == Status.DRAFT
    expect(page.locator(".title-row .tag").first).to_have_text("Request drafted")


def test_approving_without_agreed_dates_says_what_to_do_first(
    page: Page,
    assert_accessible: AssertAccessible,
    alice: User,
    bob: User,
    portrait_gallery: Organisation,
    laing: Organisation,
    portraits: list[CollectionObject],
    laing_facilities: FacilitiesReport,
) -> None:
    loan = services.loan_create(
        actor=bob,
        data={
            "reference": "LO-2027-0001",
            "lender": portrait_gallery,
            "borrower": laing,
            "purpose": Purpose.EXHIBITION,
            "exhibition_title": EXHIBITION,
            "requested_start": START,
            "requested_end": END,
        },
        objects=portraits,
    )
    for to in (Status.REQUESTED, Status.ACKNOWLEDGED, Status.UNDER_ASSESSMENT):
        services.loan_transition(loan=loan, actor=alice if to != Status.REQUESTED else bob, to=to)
    services.loan_update(
        loan=loan, actor=alice, data={"insurance": "commercial", "facilities_report": laing_facilities}
    )

    sign_in(page, alice)
    page.goto(loan.get_absolute_url())
    steps = page.locator(".next-steps")
    expect(steps).to_contain_text("Before you approve the loan:")
    expect(steps).to_contain_text("Enter the agreed loan period (start and end dates).")
    assert_accessible(page)

    page.get_by_role("button", name="Approve the loan").click()
    summary = page.get_by_role("alert")
    expect(summary).to_contain_text("You cannot approve the loan yet")
    expect(summary.get_by_role("listitem")).to_have_text(["Enter the agreed loan period (start and end dates)."])
    expect(page.get_by_role("button", name="Approve the loan")).to_have_count(0)
    assert_accessible(page)

    # A forged confirmation is refused just the same, on the loan's page.
    token = page.context.cookies()
    csrf = next(c["value"] for c in token if c["name"] == "csrftoken")
    refused = page.request.post(
        f"/loans/{loan.pk}/steps/approved/",
        form={"csrfmiddlewaretoken": csrf, "confirmed": "yes"},
        headers={"Referer": page.url},
    )
    assert refused.status == 200
    assert "Enter the agreed loan period (start and end dates)." in refused.text()

    page.get_by_role("link", name="Change the loan’s details").first.click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Change the loan’s details")
    assert_accessible(page)
    loan.refresh_from_db()
    assert loan.status == Status.UNDER_ASSESSMENT

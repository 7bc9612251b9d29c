"""End-to-end journeys through the register of partnership activity, in Chromium.

Each journey runs axe-core on every page it visits, pages with form errors included. Pages are
opened by path on Django's live server, the browser context's base URL; the live server makes
every test here transactional, so each starts from an empty database.
"""

import csv
import re
from collections.abc import Callable
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import Locator, Page, expect
from pytest_playwright.pytest_playwright import CreateContextCallback

from museumshare.accounts.models import User
from museumshare.activities.models import Activity, Kind, PartnerRole, Status, Visibility
from museumshare.activities.services import PlaceSpec, activity_create
from museumshare.conftest import sign_in
from museumshare.organisations.forms import organisation_label
from museumshare.organisations.models import Organisation

pytestmark = pytest.mark.browser

AssertAccessible = Callable[[Page], None]
TITLE = "Portraits of the North"


def record(actor: User, lead: Organisation, *partners: Organisation, **extra: Any) -> Activity:
    """An activity as the form records it: each partner a host, and a place at each partner's site."""
    data = {
        "title": TITLE,
        "kind": Kind.CO_PRODUCED_EXHIBITION,
        "lead": lead,
        "start_date": date(2024, 9, 1),
        "end_date": date(2025, 5, 31),
        "status": Status.ACTIVE,
        "visibility": Visibility.PARTNERS,
    } | extra
    return activity_create(
        actor=actor,
        data=data,
        partners=[(partner, PartnerRole.HOST) for partner in partners],
        places=[PlaceSpec(organisation=partner) for partner in partners],
    )


@pytest.fixture
def portraits_of_the_north(alice: User, portrait_gallery: Organisation, laing: Organisation) -> Activity:
    """What alice records in the first journey: partners only, the Laing its host."""
    return record(alice, portrait_gallery, laing)


def results_count(page: Page) -> Locator:
    return page.locator("#results-count")


def test_editor_records_a_co_produced_exhibition_with_a_partner_museum(
    page: Page, assert_accessible: AssertAccessible, alice: User, portrait_gallery: Organisation, laing: Organisation
) -> None:
    sign_in(page, alice)
    page.goto("/activities/")
    expect(results_count(page)).to_have_text("0 activities")
    assert_accessible(page)
    page.get_by_role("link", name="Record an activity").first.click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Record an activity")
    expect(page.get_by_label("Lead organisation")).to_have_value(organisation_label(portrait_gallery))
    assert_accessible(page)

    page.get_by_label("Kind of activity").select_option(label="Co-produced exhibition or display")
    page.get_by_label("Start date").fill("2024-09-01")
    page.get_by_label("End date").fill("2025-05-31")
    partner = page.get_by_role("group", name="Partner 1")
    partner_box = partner.get_by_label("Partner organisation")
    partner_box.press_sequentially("Laing")
    # htmx fills the page's one datalist with the lookup's suggestions.
    suggestion = page.locator('#organisation-options option[value^="Laing Art Gallery,"]')
    expect(suggestion).to_have_count(1)
    expect(page.locator("#organisation-options option")).to_have_count(2)  # and the Laing Museum, Fife
    label = suggestion.get_attribute("value")
    assert label == organisation_label(laing)
    partner_box.fill(label)
    partner.get_by_label("Role").select_option(label="Host")
    page.get_by_role("group", name="Place 1").get_by_label("At an organisation").fill(label)
    page.get_by_label("Who can see it").select_option(label="Partners only")

    page.get_by_role("button", name="Record activity").click()
    summary = page.get_by_role("alert")
    expect(summary).to_contain_text("There is a problem")
    expect(summary).to_be_focused()
    expect(page).to_have_title(re.compile(r"^Error: Record an activity"))
    assert_accessible(page)
    expect(summary.get_by_role("link")).to_have_text(["Enter a title, such as the exhibition's name."])
    title = page.get_by_label("Title")
    expect(title).to_have_accessible_description(re.compile("Enter a title, such as the exhibition's name."))
    # What was typed is kept.
    expect(partner_box).to_have_value(label)
    expect(partner.get_by_label("Role")).to_have_value(PartnerRole.HOST)
    expect(page.get_by_label("End date")).to_have_value("2025-05-31")
    summary.get_by_role("link").click()
    expect(title).to_be_focused()

    title.fill(TITLE)
    page.get_by_role("button", name="Record activity").click()
    expect(page.get_by_role("status")).to_have_text(
        "Activity recorded. Partners can now see it and add their own details."
    )
    expect(page.get_by_role("heading", level=1)).to_contain_text(TITLE)
    expect(page.get_by_role("heading", level=1)).to_contain_text(
        "Co-produced exhibition or display, led by National Portrait Gallery"
    )
    details = page.locator("#details-title + .summary-list")
    expect(details).to_contain_text("1 September 2024 to 31 May 2025")
    expect(details).to_contain_text("2024/25")
    expect(details).to_contain_text("Partners only")
    partners = page.locator("#partners-title").locator("..").locator("tbody tr")
    expect(partners).to_have_count(2)
    expect(partners.filter(has_text="National Portrait Gallery")).to_contain_text("Lead")
    expect(partners.filter(has_text="Laing Art Gallery")).to_contain_text("Host")
    places = page.locator("#places-title").locator("..")
    expect(places.get_by_role("link", name="Laing Art Gallery")).to_be_visible()
    expect(places).to_contain_text("Newcastle upon Tyne")
    expect(page.locator("#activity-map.leaflet-container")).to_be_visible()
    expect(page.locator("#activity-map path.leaflet-interactive")).to_have_count(1)  # the pin at the Laing
    history = page.locator("#history-title").locator("..")
    expect(history).to_contain_text("Recorded the activity")
    expect(history).to_contain_text("by Alice Ashby")
    assert_accessible(page)

    activity = Activity.objects.get()
    assert activity.title == TITLE
    assert activity.lead == portrait_gallery
    assert activity.visibility == Visibility.PARTNERS
    assert {(p.organisation, p.role) for p in activity.partners.all()} == {
        (portrait_gallery, PartnerRole.LEAD),
        (laing, PartnerRole.HOST),
    }
    assert [place.organisation for place in activity.places.all()] == [laing]


def test_partner_editor_adds_his_venues_visitors(
    page: Page,
    assert_accessible: AssertAccessible,
    bob: User,
    laing: Organisation,
    portraits_of_the_north: Activity,
) -> None:
    sign_in(page, bob)
    page.goto("/activities/")
    expect(results_count(page)).to_have_text("1 activity")
    row = page.get_by_role("row", name=re.compile(TITLE))
    expect(row).to_contain_text("National Portrait Gallery (lead) with Laing Art Gallery")
    assert_accessible(page)
    row.get_by_role("link", name=TITLE).click()
    expect(page.get_by_role("heading", level=1)).to_contain_text(TITLE)
    # bob edits for a partner, not the lead: he adds his own details, and changes nothing else.
    expect(page.get_by_role("link", name="Change this activity")).to_have_count(0)
    expect(page.get_by_role("link", name=re.compile("details for National Portrait Gallery"))).to_have_count(0)
    assert_accessible(page)

    page.get_by_role("link", name="Add your details for Laing Art Gallery").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Laing Art Gallery’s part")
    expect(page.get_by_role("heading", level=1)).to_contain_text(f"{TITLE}, host")
    assert_accessible(page)

    page.get_by_label("Visitors at your venue").fill("-5")
    page.get_by_role("button", name="Save details").click()
    summary = page.get_by_role("alert")
    expect(summary).to_be_focused()
    expect(page).to_have_title(re.compile(r"^Error: "))
    assert_accessible(page)

    visitors = page.get_by_label("Visitors at your venue")
    visitors.clear()
    visitors.press_sequentially("4,250")  # Chromium's number box takes the comma as a thousands separator
    page.get_by_role("button", name="Save details").click()
    expect(page.get_by_role("status")).to_have_text("Laing Art Gallery’s details are saved.")
    laing_row = page.locator("#partners-title").locator("..").locator("tbody tr").filter(has_text="Laing Art Gallery")
    expect(laing_row).to_contain_text("4,250")
    expect(laing_row.get_by_role("link", name="Change your details for Laing Art Gallery")).to_be_visible()
    history = page.locator("#history-title").locator("..")
    expect(history.locator("li").first).to_contain_text("Added a partner’s details")
    expect(history.locator("li").first).to_contain_text("by Bob Bell")
    assert_accessible(page)

    assert portraits_of_the_north.partners.get(organisation=laing).visitors == 4250


def test_partners_only_activity_is_hidden_from_people_outside_it_everywhere(
    page: Page,
    assert_accessible: AssertAccessible,
    new_context: CreateContextCallback,
    alice: User,
    charlie: User,
    portrait_gallery: Organisation,
    laing: Organisation,
    portraits_of_the_north: Activity,
) -> None:
    public = record(
        alice,
        portrait_gallery,
        laing,
        title="Faces of Tyneside",
        kind=Kind.TOURING_EXHIBITION,
        visibility=Visibility.PUBLIC,
    )
    hidden_url = portraits_of_the_north.get_absolute_url()
    api_url = f"/api/v1/activities/{portraits_of_the_north.pk}/"

    sign_in(page, charlie)
    anonymous = new_context().new_page()
    for visitor in (page, anonymous):
        visitor.goto("/activities/")
        expect(results_count(visitor)).to_have_text("1 activity")
        expect(visitor.locator(".skip-to-results")).to_have_text("Skip to the 1 activity")  # on small screens
        expect(visitor.get_by_role("link", name="Faces of Tyneside")).to_be_visible()
        expect(visitor.get_by_role("link", name=TITLE)).to_have_count(0)
        assert_accessible(visitor)

        with visitor.expect_download() as download_info:
            visitor.get_by_role("link", name="CSV").click()
        download = download_info.value
        assert re.fullmatch(r"museumshare-activities-\d{4}-\d{2}-\d{2}\.csv", download.suggested_filename)
        with open(download.path(), encoding="utf-8-sig", newline="") as f:
            exported = list(csv.DictReader(f))
        assert [(row["id"], row["title"]) for row in exported] == [(str(public.pk), "Faces of Tyneside")]

        response = visitor.goto(hidden_url)
        assert response is not None
        assert response.status == 404
        expect(visitor.get_by_role("heading", level=1)).to_have_text("Page not found")
        assert_accessible(visitor)

        listed = visitor.request.get("/api/v1/activities/")
        assert listed.status == 200
        body = listed.json()
        assert body["count"] == 1
        assert [activity["id"] for activity in body["results"]] == [public.pk]
        assert visitor.request.get(api_url).status == 404
        assert visitor.request.get(f"/api/v1/activities/?q={TITLE}").json()["count"] == 0
        assert visitor.request.get(f"/api/v1/activities/{public.pk}/").status == 200

        # The Laing's page loads its partnership activity with htmx, by the same rule.
        visitor.goto(laing.get_absolute_url())
        partnerships = visitor.locator("#partnerships-title").locator("..").locator(".activity-list > li")
        expect(partnerships).to_have_count(1)
        expect(partnerships).to_contain_text("Faces of Tyneside")
        assert_accessible(visitor)


def write_activities(path: Path, bad_rows: dict[int, dict[str, str]]) -> Path:
    """50 activities led by the National Portrait Gallery with museums of the register as partners.

    `bad_rows` replaces cells of some rows, by the row's number as a spreadsheet shows it.
    """
    partners = ["mm.domus.NE026 (host)", "mm.domus.SC256 (participant)", "Dylan Thomas Boathouse", "mm.mald.160"]
    places = ["mm.domus.NE026", "E08000021", "mm.wiki.435; W06000018", "France"]
    kinds = [Kind.LOAN_DISPLAY_UK, Kind.TOURING_EXHIBITION, Kind.PLACEMENT, Kind.LEARNING_PROGRAMME, Kind.ADVICE]
    header = ["ref", "title", "kind", "lead", "partners", "start_date", "end_date", "visitors", "visibility", "places"]
    with path.open("w", encoding="utf-8", newline="") as f:
        writer = csv.DictWriter(f, fieldnames=header)
        writer.writeheader()
        for number in range(2, 52):
            n = number - 1
            month = 4 + n % 9
            row = {
                "ref": f"npg-2023-{n:03d}",
                "title": f"Partnership work {n}",
                "kind": kinds[n % len(kinds)].value,
                "lead": "mm.domus.SE444",
                "partners": partners[n % len(partners)],
                "start_date": f"2023-{month:02d}-01",
                "end_date": f"2024-{month - 3:02d}-28",
                "visitors": f"{n * 100:,}",
                "visibility": "partners" if n % 2 else "public",
                "places": places[n % len(places)],
            }
            writer.writerow(row | bad_rows.get(number, {}))
    return path


def test_import_with_two_bad_rows_imports_nothing_then_skips_them(
    page: Page,
    assert_accessible: AssertAccessible,
    tmp_path: Path,
    alice: User,
    portraits_of_the_north: Activity,
) -> None:
    spreadsheet = write_activities(
        tmp_path / "npg-activities.csv",
        {12: {"kind": "Exhibition"}, 37: {"start_date": "2023-10-01", "end_date": "2023-09-30"}},
    )
    sign_in(page, alice)
    page.goto("/activities/")
    expect(results_count(page)).to_have_text("1 activity")
    page.goto("/activities/import/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Import activities")
    expect(page.get_by_text("You can import activities led by National Portrait Gallery.")).to_be_visible()
    assert_accessible(page)

    page.get_by_role("button", name="Import activities").click()
    expect(page.get_by_role("alert").get_by_role("link")).to_have_text(["Choose a CSV or Excel file to import."])
    expect(page).to_have_title(re.compile(r"^Error: "))
    assert_accessible(page)

    page.get_by_label("Spreadsheet of activities").set_input_files(spreadsheet)
    page.get_by_role("button", name="Import activities").click()
    summary = page.get_by_role("alert")
    expect(summary).to_contain_text("2 of 50 rows in npg-activities.csv have errors, so nothing was imported.")
    expect(summary).to_be_focused()
    expect(page).to_have_title(re.compile(r"^Error: "))
    errors = page.locator("#import-errors ~ .table-wrap tbody tr")
    expect(errors).to_have_count(2)
    row_12 = errors.nth(0).locator("td")
    expect(row_12).to_have_text(
        ["12", "kind", "npg-2023-011", re.compile(r"'Exhibition' is not a kind of activity\. Did you mean")]
    )
    row_37 = errors.nth(1).locator("td")
    expect(row_37).to_have_text(["37", "end_date", "npg-2023-036", "Enter an end date on or after the start date."])
    assert_accessible(page)
    summary.get_by_role("link", name="See the 2 errors by row").click()
    assert page.url.endswith("#import-errors")

    with page.expect_download() as download_info:
        summary.get_by_role("link", name="Download the rows with errors (CSV)").click()
    download = download_info.value
    assert download.suggested_filename.startswith("museumshare-npg-activities-rejected-rows-")
    with open(download.path(), encoding="utf-8-sig", newline="") as f:
        rejected = list(csv.DictReader(f))
    assert [(row["row"], row["ref"], row["kind"]) for row in rejected] == [
        ("12", "npg-2023-011", "Exhibition"),
        ("37", "npg-2023-036", Kind.TOURING_EXHIBITION.value),
    ]
    assert "not a kind of activity" in rejected[0]["errors"]
    assert "end date on or after the start date" in rejected[1]["errors"]

    page.goto("/activities/")
    expect(results_count(page)).to_have_text("1 activity")
    assert Activity.objects.count() == 1

    page.goto("/activities/import/")
    page.get_by_label("Spreadsheet of activities").set_input_files(spreadsheet)
    page.get_by_label("Skip invalid rows").check()
    page.get_by_role("button", name="Import activities").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Activities imported, with rows set aside")
    numbers = page.locator(".summary-list")
    for term, value in [("Rows read", "50"), ("Created", "48"), ("Updated", "0"), ("Rejected", "2")]:
        expect(numbers.locator("div", has=page.locator("dt", has_text=term)).locator("dd")).to_have_text(value)
    expect(page.locator("#import-errors ~ .table-wrap tbody tr")).to_have_count(2)
    assert_accessible(page)

    page.get_by_role("link", name="Go to the activities").click()
    expect(results_count(page)).to_have_text("49 activities")
    assert_accessible(page)
    assert Activity.objects.filter(external_ref__startswith="npg-2023-").count() == 48
    assert not Activity.objects.filter(external_ref__in=["npg-2023-011", "npg-2023-036"]).exists()


def test_activity_list_filters_by_kind_and_year_and_the_laing_shows_its_partnerships(
    page: Page,
    assert_accessible: AssertAccessible,
    alice: User,
    portrait_gallery: Organisation,
    laing: Organisation,
) -> None:
    for title, kind, start in [
        ("Loan of industrial paintings", Kind.LOAN_DISPLAY_UK, date(2021, 6, 1)),
        ("Faces of Tyneside", Kind.TOURING_EXHIBITION, date(2021, 9, 1)),
        ("Northern portraits on tour", Kind.TOURING_EXHIBITION, date(2022, 5, 1)),
        ("Curators' placements", Kind.PLACEMENT, date(2021, 10, 1)),
    ]:
        end = date(start.year + 1, 2, 28)
        record(
            alice, portrait_gallery, laing, title=title, kind=kind, start_date=start, end_date=end, visibility="public"
        )

    page.goto("/activities/")
    expect(results_count(page)).to_have_text("4 activities")
    assert_accessible(page)
    page.get_by_label("Kind of activity").select_option(label="Touring exhibition")
    page.get_by_label("Reporting year").select_option(label="2021/22")
    page.get_by_role("button", name="Apply filters").click()

    assert re.search(r"[?&]kind=touring_exhibition(&|$)", page.url)
    assert re.search(r"[?&]year=2021-22(&|$)", page.url)
    expect(page.get_by_label("Kind of activity")).to_have_value("touring_exhibition")
    expect(page.get_by_label("Reporting year")).to_have_value("2021-22")
    expect(results_count(page)).to_have_text("1 activity")
    expect(page.locator(".results__filters")).to_contain_text("Reporting year: 2021/22")
    expect(page.locator(".results__filters")).to_contain_text("Kind of activity: Touring exhibition")
    expect(page.locator("table tbody tr td:first-child a")).to_have_text(["Faces of Tyneside"])
    assert_accessible(page)

    # A reload, or a shared link, gives the same list.
    page.reload()
    expect(results_count(page)).to_have_text("1 activity")
    page.get_by_label("Reporting year").select_option(label="Any")
    page.get_by_role("button", name="Apply filters").click()
    assert "year=2021-22" not in page.url
    assert re.search(r"[?&]kind=touring_exhibition(&|$)", page.url)
    expect(page.locator("table tbody tr td:first-child a")).to_have_text(
        ["Northern portraits on tour", "Faces of Tyneside"]
    )
    page.get_by_role("link", name="Clear filters").click()
    expect(results_count(page)).to_have_text("4 activities")

    page.goto(laing.get_absolute_url())
    section = page.locator("#partnerships-title").locator("..")
    # htmx swaps the fallback link for the latest activity involving the Laing.
    expect(section.locator(".activity-list > li")).to_have_count(4)
    expect(section.locator(".activity-list > li").first).to_contain_text("Northern portraits on tour")
    expect(section.locator(".activity-list > li").first).to_contain_text("Host")
    expect(section.locator(".activity-list > li").first).to_contain_text("led by National Portrait Gallery")
    assert_accessible(page)
    section.get_by_role("link", name="See them in the register of activities, to filter or download").click()
    assert page.url.endswith(f"/activities/?organisation={laing.slug}")
    expect(page.locator(".results__filters")).to_contain_text("Organisation involved: Laing Art Gallery")
    expect(results_count(page)).to_have_text("4 activities")
    assert_accessible(page)

"""End-to-end journeys through the directory, organisation pages and their editing, in Chromium.

Each journey runs axe-core on every page it visits. Pages are opened by path on Django's
live server, the browser context's base URL; the live server makes every test here
transactional, so each starts from an empty database.
"""

import csv
import re
from collections.abc import Callable

import pytest
from playwright.sync_api import Page, expect
from pytest_playwright.pytest_playwright import CreateContextCallback

from museumshare.accounts.models import User
from museumshare.conftest import PASSWORD, sign_in
from museumshare.organisations.models import Organisation

pytestmark = pytest.mark.browser

AssertAccessible = Callable[[Page], None]


def test_anonymous_visitor_finds_laing_art_gallery(
    page: Page, assert_accessible: AssertAccessible, register: dict[str, Organisation]
) -> None:
    page.goto("/")
    assert_accessible(page)
    page.get_by_label("Find a museum or partner organisation").fill("Laing")
    page.get_by_role("button", name="Search").click()

    expect(page.get_by_role("heading", level=1)).to_have_text("Directory of museums and partners")
    results = page.get_by_role("table").get_by_role("link")
    expect(results).to_have_text(["Laing Art Gallery", "Laing Museum"])
    assert_accessible(page)

    results.get_by_text("Laing Art Gallery").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Laing Art Gallery")
    details = page.locator("#details-title + .summary-list")
    expect(details).to_contain_text("Newcastle upon Tyne")
    expect(details).to_contain_text("North East")
    expect(details).to_contain_text("E08000021")
    expect(page.locator("#organisation-map.leaflet-container")).to_be_visible()
    expect(page.locator("#organisation-map path.leaflet-interactive")).to_have_count(1)
    assert_accessible(page)


def test_directory_filtered_to_welsh_national_museums_lists_and_downloads_them(
    page: Page, assert_accessible: AssertAccessible, register: dict[str, Organisation]
) -> None:
    museum_wales = Organisation.objects.get(external_id="national:amgueddfa-cymru")
    welsh_national = Organisation.objects.filter(nation="Wales", is_national=True)
    expected = sorted(welsh_national.values_list("name", flat=True))
    assert len(expected) > 10

    page.goto("/organisations/")
    assert_accessible(page)
    page.get_by_label("Nation", exact=True).select_option("Wales")
    page.get_by_label("National museums only").check()
    page.get_by_role("button", name="Apply filters").click()

    assert re.search(r"[?&]nation=Wales(&|$)", page.url)
    assert re.search(r"[?&]national=on(&|$)", page.url)
    expect(page.get_by_label("Nation", exact=True)).to_have_value("Wales")
    expect(page.get_by_label("National museums only")).to_be_checked()
    expect(page.get_by_role("heading", name=f"{len(expected)} organisations")).to_be_visible()
    rows = page.locator("table tbody tr")
    expect(rows).to_have_count(len(expected))
    for row in rows.all():
        name, place, kind, _ = row.locator("td").all()
        expect(name).to_contain_text(museum_wales.name)
        expect(place).to_contain_text("Wales")
        expect(kind.locator(".tag--national")).to_have_text("National")
    assert sorted(rows.locator("td:first-child a").all_inner_texts()) == expected
    assert_accessible(page)

    with page.expect_download() as download_info:
        page.get_by_role("link", name="CSV").click()
    download = download_info.value
    assert download.suggested_filename.startswith("museumshare-organisations-")
    assert download.suggested_filename.endswith(".csv")
    with open(download.path(), encoding="utf-8-sig", newline="") as f:
        exported = list(csv.DictReader(f))
    assert sorted(row["name"] for row in exported) == expected
    assert {row["nation"] for row in exported} == {"Wales"}


def test_editor_updates_her_museums_partnership_offer(
    page: Page, assert_accessible: AssertAccessible, alice: User, portrait_gallery: Organisation
) -> None:
    offer = "Portraits for exhibitions in partner museums, from a single painting to a touring display."
    sign_in(page, alice)
    page.goto(portrait_gallery.get_absolute_url())
    assert_accessible(page)
    page.get_by_role("link", name="Edit profile and partnership offer").click()
    expect(page).to_have_title("Edit profile – National Portrait Gallery – museumshare")
    assert_accessible(page)

    page.get_by_label("Website").fill("not a web address")
    page.get_by_label("Loans we offer").fill(offer)
    page.get_by_role("button", name="Save changes").click()
    summary = page.get_by_role("alert")
    expect(summary).to_contain_text("There is a problem")
    expect(summary).to_be_focused()
    expect(page).to_have_title(re.compile(r"^Error: "))
    assert_accessible(page)
    website = page.get_by_label("Website")
    hint = page.locator("#id_website_helptext").inner_text()
    error = page.locator("#id_website_error").inner_text()
    expect(website).to_have_accessible_description(f"{hint} {error}")
    summary.get_by_role("link", name=error.removeprefix("Error:").strip()).click()
    expect(website).to_be_focused()

    website.fill("https://www.npg.org.uk/")
    page.get_by_role("button", name="Save changes").click()
    expect(page.get_by_role("status")).to_have_text(
        "National Portrait Gallery's profile is updated. It shows in the directory now."
    )
    expect(page.get_by_role("heading", level=1)).to_have_text("National Portrait Gallery")
    expect(page.locator("#offer-title").locator("..")).to_contain_text(offer)
    expect(page.get_by_role("link", name="https://www.npg.org.uk/")).to_be_visible()
    assert_accessible(page)

    page.get_by_role("link", name="Working with national museums").click()
    expect(page.locator(f"#{portrait_gallery.slug}")).to_contain_text(offer)
    assert_accessible(page)


def test_member_of_no_organisation_cannot_edit_a_profile(
    page: Page, assert_accessible: AssertAccessible, charlie: User, portrait_gallery: Organisation
) -> None:
    sign_in(page, charlie)
    page.goto(portrait_gallery.get_absolute_url())
    expect(page.get_by_role("heading", level=1)).to_have_text("National Portrait Gallery")
    expect(page.get_by_role("link", name="Edit profile and partnership offer")).to_have_count(0)
    expect(page.get_by_role("link", name="Manage contacts")).to_have_count(0)
    assert_accessible(page)

    response = page.goto(f"/organisations/{portrait_gallery.slug}/edit/")
    assert response is not None
    assert response.status == 403
    expect(page.get_by_role("heading", level=1)).to_have_text("You cannot do that")
    assert_accessible(page)


def test_anonymous_visitor_is_asked_to_sign_in_before_editing(
    page: Page, assert_accessible: AssertAccessible, alice: User, portrait_gallery: Organisation
) -> None:
    edit_url = f"/organisations/{portrait_gallery.slug}/edit/"
    page.goto(edit_url)
    expect(page.get_by_role("heading", level=1)).to_have_text("Sign in")
    assert page.url.endswith(f"/accounts/sign-in/?next={edit_url}")
    assert_accessible(page)

    page.get_by_label("Email address").fill(alice.email)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Edit profile and partnership offer")
    assert page.url.endswith(edit_url)
    assert_accessible(page)


def test_editor_adds_a_private_contact_then_lists_it_publicly_then_removes_it(
    page: Page,
    assert_accessible: AssertAccessible,
    new_context: CreateContextCallback,
    bob: User,
    laing: Organisation,
) -> None:
    anonymous = new_context().new_page()
    contacts_on_page = page.locator("#contacts-title").locator("..")
    contacts_for_anonymous = anonymous.locator("#contacts-title").locator("..")

    sign_in(page, bob)
    page.goto(laing.get_absolute_url())
    page.get_by_role("link", name="Manage contacts").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Contacts Laing Art Gallery")
    assert_accessible(page)

    page.get_by_role("button", name="Add contact").click()
    summary = page.get_by_role("alert")
    expect(summary.get_by_role("link")).to_have_text(
        ["Enter the contact's name.", "Enter the contact's role, for example Head of Partnerships."]
    )
    expect(page).to_have_title(re.compile(r"^Error: "))
    assert_accessible(page)

    page.get_by_label("Name").fill("Rachel Fenwick")
    page.get_by_label("Role").fill("Registrar")
    page.get_by_label("Email").fill("rachel.fenwick@twmuseums.org.uk")
    expect(page.get_by_label("Agreed to be listed publicly")).not_to_be_checked()
    page.get_by_role("button", name="Add contact").click()
    expect(page.get_by_role("status")).to_have_text("Rachel Fenwick is added to Laing Art Gallery's contacts.")
    expect(page.get_by_role("row", name=re.compile("Rachel Fenwick"))).to_contain_text("No")
    assert_accessible(page)

    page.goto(laing.get_absolute_url())
    expect(contacts_on_page).to_contain_text("Rachel Fenwick, Registrar")
    expect(contacts_on_page).to_contain_text("Not public")
    assert_accessible(page)
    anonymous.goto(laing.get_absolute_url())
    expect(contacts_for_anonymous).to_contain_text("No public contacts are listed.")
    expect(contacts_for_anonymous).not_to_contain_text("Rachel Fenwick")
    assert_accessible(anonymous)

    page.get_by_role("link", name="Manage contacts").click()
    page.get_by_role("link", name="Change Rachel Fenwick").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Change contact Laing Art Gallery")
    assert_accessible(page)
    page.get_by_label("Agreed to be listed publicly").check()
    page.get_by_role("button", name="Save contact").click()
    expect(page.get_by_role("status")).to_have_text("Rachel Fenwick's details are saved.")
    expect(page.get_by_role("row", name=re.compile("Rachel Fenwick"))).to_contain_text("Yes")

    anonymous.reload()
    expect(contacts_for_anonymous).to_contain_text("Rachel Fenwick, Registrar")
    expect(contacts_for_anonymous.get_by_role("link", name="rachel.fenwick@twmuseums.org.uk")).to_be_visible()
    assert_accessible(anonymous)

    page.get_by_role("button", name="Remove Rachel Fenwick").click()
    expect(page.get_by_role("status")).to_have_text("Rachel Fenwick is removed from Laing Art Gallery's contacts.")
    expect(page.get_by_text("No contacts yet.")).to_be_visible()
    assert_accessible(page)
    anonymous.reload()
    expect(contacts_for_anonymous).not_to_contain_text("Rachel Fenwick")


def test_skip_link_is_the_first_thing_a_keyboard_reaches(
    page: Page, assert_accessible: AssertAccessible, register: dict[str, Organisation]
) -> None:
    page.goto("/")
    skip_link = page.get_by_role("link", name="Skip to main content")
    expect(skip_link).not_to_be_in_viewport()

    page.keyboard.press("Tab")
    expect(skip_link).to_be_focused()
    expect(skip_link).to_be_in_viewport()
    assert_accessible(page)

    page.keyboard.press("Enter")
    expect(page.locator("main")).to_be_focused()
    assert page.url.endswith("/#main")


def test_working_with_national_museums_lists_the_22_national_museums(
    page: Page, assert_accessible: AssertAccessible, register: dict[str, Organisation]
) -> None:
    page.goto("/")
    assert_accessible(page)
    page.get_by_role("link", name="Working with national museums").first.click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Working with national museums")
    expect(page.locator("p.lead")).to_contain_text("Each of the 22 national museums")
    expect(page.locator("section.national")).to_have_count(22)
    expect(page.get_by_role("navigation", name="National museums on this page").get_by_role("link")).to_have_count(22)
    expect(page.locator("#national-portrait-gallery")).to_contain_text("Not described yet.")
    assert_accessible(page)


def test_unknown_organisation_gives_page_not_found(page: Page, assert_accessible: AssertAccessible) -> None:
    response = page.goto("/organisations/no-such-museum/")
    assert response is not None
    assert response.status == 404
    expect(page.get_by_role("heading", level=1)).to_have_text("Page not found")
    expect(page).to_have_title("Page not found – museumshare")
    assert_accessible(page)

"""The map of partnership activity in Chromium, checked with axe-core in every state.

alice's National Portrait Gallery lends seven objects, in two loans, to bob's Laing Art Gallery in
Newcastle upon Tyne in the summer of 2020. alice opens the map, shows objects lent by local
authority for 2020/21, clicks Newcastle and finds its figure and the way to the register; then she
shows only the Gallery's loans, drawn as lines from lender to venue, and reads the cold spots.
"""

import os
from collections.abc import Callable
from datetime import date

import pytest
from playwright.sync_api import Page, expect
from pytest_playwright.pytest_playwright import CreateContextCallback

from museumshare.accounts.models import User
from museumshare.activities.models import Kind, PartnerRole, Visibility
from museumshare.activities.services import PlaceSpec, activity_create
from museumshare.atlas.tests.test_views import NEWCASTLE, lend
from museumshare.conftest import sign_in
from museumshare.organisations.models import Organisation

pytestmark = pytest.mark.browser

AssertAccessible = Callable[[Page], None]


def map_ready(page: Page) -> None:
    expect(page.locator("#atlas-map")).to_have_attribute("data-ready", "true", timeout=30_000)


def test_alice_maps_objects_lent_by_local_authority_and_the_gallerys_loans_as_flows(
    new_context: CreateContextCallback,
    assert_accessible: AssertAccessible,
    alice: User,
    portrait_gallery: Organisation,
    laing: Organisation,
) -> None:
    lend(portrait_gallery, laing, 3, alice)
    lend(portrait_gallery, laing, 4, alice)
    activity_create(
        actor=alice,
        data={
            "title": "Portrait drawing for families",
            "kind": Kind.LEARNING_PROGRAMME,
            "lead": portrait_gallery,
            "start_date": date(2020, 7, 1),
            "end_date": date(2020, 7, 31),
            "visibility": Visibility.PUBLIC,
        },
        partners=[(laing, PartnerRole.HOST)],
        places=[PlaceSpec(organisation=laing)],
    )
    page = new_context(viewport={"width": 1280, "height": 1000}).new_page()
    sign_in(page, alice)

    page.get_by_role("link", name="Map", exact=True).click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Map of partnership activity")
    expect(page.get_by_role("region", name="Map of activities by region")).to_be_visible()
    map_ready(page)
    assert_accessible(page)

    page.get_by_label("Areas", exact=True).select_option(label="Local authorities")
    page.get_by_label("Figure", exact=True).select_option(label="Objects lent")
    page.get_by_label("Reporting year", exact=True).select_option(label="2020/21")
    page.get_by_role("button", name="Show on the map").click()
    expect(page.get_by_role("heading", name="Objects lent by local authority, 2020/21")).to_be_visible()
    assert {"level=district", "measure=objects", "year=2020-21"} <= set(page.url.split("?")[1].split("&"))
    map_ready(page)
    expect(page.get_by_role("row", name="Newcastle upon Tyne")).to_contain_text("7")
    assert_accessible(page)

    # The museums' points sit over the city; a person turns them off to click the area beneath.
    page.get_by_role("checkbox", name="Museums and venues").uncheck()
    page.locator(f"path.atlas-area--{NEWCASTLE}").click()
    popup = page.locator(".leaflet-popup")
    expect(popup).to_contain_text("Newcastle upon Tyne")
    expect(popup).to_contain_text("Objects lent: 7 (2020/21)")
    register = popup.get_by_role("link", name="See its activities in the register")
    expect(register).to_have_attribute("href", f"/activities/?local_authority={NEWCASTLE}&year=2020-21")
    assert_accessible(page)

    page.get_by_label("National museum", exact=True).select_option(label="National Portrait Gallery")
    page.get_by_label("Show loans as lines from lender to venue").check()
    page.get_by_role("button", name="Show on the map").click()
    expect(page.get_by_text("Organisation: National Portrait Gallery")).to_be_visible()
    map_ready(page)
    flows = page.locator(".leaflet-flows-pane svg path.atlas-flow")
    expect(flows).to_have_count(1)
    assert (flows.first.get_attribute("d") or "").startswith("M")
    expect(page.get_by_role("heading", name="Cold spots")).to_be_visible()
    cold_spots = page.locator(".atlas-cold-spots li")
    expect(cold_spots.first).to_be_visible()
    expect(page.locator(".atlas-cold-spots").first).not_to_contain_text("Newcastle upon Tyne")
    expect(page.locator(".leaflet-coldspots-pane path").first).to_be_attached()
    assert_accessible(page)

    # For looking at: MAP_SCREENSHOT=somewhere.png keeps a picture of the map.
    if os.environ.get("MAP_SCREENSHOT"):
        page.locator("#atlas-map-wrap").screenshot(path=os.environ["MAP_SCREENSHOT"])

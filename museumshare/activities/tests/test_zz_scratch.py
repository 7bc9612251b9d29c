from museumshare.activities.tests.test_browser import *  # noqa

def test_commas(page, assert_accessible, bob, laing, portraits_of_the_north):
    sign_in(page, assert_accessible, bob)
    partner = portraits_of_the_north.partners.get(organisation=laing)
    page.goto(f"/activities/{portraits_of_the_north.pk}/partners/{partner.pk}/")
    box = page.get_by_label("Visitors at your venue")
    print("type attr", box.get_attribute("type"))
    box.press_sequentially("4,250")
    print("value after typing", repr(box.input_value()))
    page.get_by_role("button", name="Save details").click()
    page.wait_for_load_state()
    print("status", page.locator(".messages").all_inner_texts(), page.get_by_role("alert").all_inner_texts())
    partner.refresh_from_db()
    print("stored", partner.visitors)

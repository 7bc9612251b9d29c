"""End-to-end journeys through signing in and resetting a password, in Chromium.

Each journey runs axe-core on every page it visits. Pages are opened by path on Django's
live server, the browser context's base URL; the live server makes every test here
transactional, so each starts from an empty database.
"""

import re
from collections.abc import Callable

import pytest
from django.core.mail import EmailMessage
from playwright.sync_api import Page, expect

from museumshare.accounts.models import User
from museumshare.conftest import PASSWORD

pytestmark = pytest.mark.browser

AssertAccessible = Callable[[Page], None]
NEW_PASSWORD = "Loans to Laing in spring"


def test_wrong_password_is_explained_without_saying_which_part_was_wrong(
    page: Page, assert_accessible: AssertAccessible, alice: User
) -> None:
    page.goto("/")
    page.get_by_role("link", name="Sign in").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Sign in")
    assert_accessible(page)

    page.get_by_label("Email address").fill(alice.email)
    page.get_by_label("Password").fill("not her password")
    page.get_by_role("button", name="Sign in").click()
    summary = page.get_by_role("alert")
    expect(summary).to_contain_text("Enter the email address and password of your museumshare account.")
    expect(summary).to_be_focused()
    expect(page).to_have_title("Error: Sign in – museumshare")
    expect(page.get_by_label("Email address")).to_have_value(alice.email)
    expect(page.get_by_role("link", name="Sign in")).to_be_visible()
    assert_accessible(page)


def test_registrar_resets_a_forgotten_password_and_signs_in_with_the_new_one(
    page: Page, assert_accessible: AssertAccessible, mailoutbox: list[EmailMessage], alice: User
) -> None:
    page.goto("/accounts/sign-in/")
    page.get_by_role("link", name="Forgotten your password?").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Reset your password")
    assert_accessible(page)

    page.get_by_label("Email").fill(alice.email)
    page.get_by_role("button", name="Send the link").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Check your email")
    assert_accessible(page)

    assert len(mailoutbox) == 1
    email = mailoutbox[0]
    assert email.to == [alice.email]
    assert email.subject == "Reset your museumshare password"
    match = re.search(r"https?://\S+/accounts/password-reset/\S+/", str(email.body))
    assert match, email.body

    page.goto(match.group())
    expect(page.get_by_role("heading", level=1)).to_have_text("Choose a new password")
    assert_accessible(page)
    new_password = page.get_by_label("New password", exact=True)
    expect(new_password).to_have_accessible_description(re.compile("must contain at least 12 characters"))
    new_password.fill(NEW_PASSWORD)
    page.get_by_label("New password confirmation").fill(NEW_PASSWORD)
    page.get_by_role("button", name="Save password").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Your password is changed")
    assert_accessible(page)

    page.goto(match.group())
    expect(page.get_by_role("heading", level=1)).to_have_text("This link has expired")
    assert_accessible(page)

    page.goto("/accounts/sign-in/")
    page.get_by_label("Email address").fill(alice.email)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_role("alert")).to_contain_text("Enter the email address and password")

    page.get_by_label("Password").fill(NEW_PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_role("button", name="Sign out")).to_be_visible()
    page.get_by_role("link", name="Your account").click()
    expect(page.locator(".summary-list")).to_contain_text(alice.email)
    expect(page.get_by_role("link", name="National Portrait Gallery")).to_be_visible()
    assert_accessible(page)
